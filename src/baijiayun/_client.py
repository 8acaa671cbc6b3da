"""``BaiJiaYunClient`` and ``AsyncBaiJiaYunClient``: one surface, two drivers.

Both clients expose the same endpoint groups (``client.room``, ...), built from
the same declarations. They differ only in the driver that performs I/O.
"""

from __future__ import annotations

import datetime as _dt
import time
import typing
from collections.abc import Callable, Generator, Mapping
from typing import Any, Generic

import httpx2

from . import _config
from ._endpoint import Endpoint
from ._flow import ClientBase, RequestOptions
from ._group import AsyncMode, SyncMode
from ._signing import TIMESTAMP_TOLERANCE
from ._transport import async_driver, sync_driver
from .api import GROUP_ATTRIBUTES, Groups, group_name
from .errors import CallbackSignatureError, ConfigurationError
from .keys import KeyStore
from .limits import Limiter
from .links import get_web_sign as _get_web_sign


def _group_hosts(hosts: Mapping[str, str] | None) -> Mapping[str, str] | None:
    """``hosts=`` keyed by each group's own name (an earlier spelling is accepted)."""
    if hosts is None or not isinstance(hosts, Mapping):
        return hosts
    named: dict[str, str] = {}
    for attribute, url in hosts.items():
        if attribute not in GROUP_ATTRIBUTES:
            raise ConfigurationError(f"hosts: no group named {attribute!r}")
        named[group_name(attribute)] = url
    return named


class _Unchanged:
    """The default of :meth:`with_options` arguments: keep this client's setting."""

    def __repr__(self) -> str:  # how help() and signatures show the default
        return "unchanged"


_UNSET: Any = _Unchanged()
_C = typing.TypeVar("_C", bound="_ClientMixin[Any]")
_H = typing.TypeVar("_H")


class _ClientMixin(ClientBase, Generic[_H]):
    """What both clients add to :class:`ClientBase`: construction, groups,
    ``with_options``, and the methods that send nothing (callback checks, the
    earlier SDK's ``get_web_sign``). ``_H`` is the httpx2 client type they drive."""

    _owns_http: bool
    _http_class: typing.ClassVar[type]

    @staticmethod
    def _new_driver(http: Any, timeout: float | None) -> Any:
        """The driver of this kind of client (on ``http`` or on a pool of its own)."""
        raise NotImplementedError

    def __init__(
        self,
        partner_id: str | int | None = None,
        secret_key: str | None = None,
        private_domain: str | None = None,
        *,
        partner_key: str | None = None,
        base_url: str | None = None,
        timeout: float | None = _config.DEFAULT_TIMEOUT,
        max_retries: int = _config.DEFAULT_MAX_RETRIES,
        key_store: KeyStore | None = None,
        http_client: _H | None = None,
        tz: str | _dt.tzinfo | None = None,
        clock: Callable[[], float] = time.time,
        rate_limit: Limiter | None = None,
        hosts: Mapping[str, str] | None = None,
    ) -> None:
        settings = _config.resolve(
            partner_id=partner_id,
            secret_key=secret_key,
            private_domain=private_domain,
            partner_key=partner_key,
            base_url=base_url,
            tz=tz,
            hosts=_group_hosts(hosts),
        )
        timeout = _config.check_timeout(timeout)
        max_retries = _config.check_max_retries(max_retries)
        if http_client is not None and not isinstance(http_client, self._http_class):
            raise ConfigurationError(f"http_client must be an httpx2.{self._http_class.__name__}")
        if rate_limit is not None and not isinstance(rate_limit, Limiter):
            raise ConfigurationError(
                "rate_limit must be a limiter such as baijiayun.limits.RateLimit(200, per=10)"
            )
        super().__init__(
            settings,
            RequestOptions(timeout=timeout, max_retries=max_retries),
            key_store,
            clock,
            rate_limit,
        )
        self._owns_http = http_client is None
        self._driver = type(self)._new_driver(http_client, timeout)

    def _bind_groups(self) -> None:
        """Forget groups bound to another client (``with_options`` copies); each is made again
        at its first use (``api._GroupSlot``)."""
        for attribute in GROUP_ATTRIBUTES:
            self.__dict__.pop(attribute, None)

    def _createkey(self) -> tuple[Endpoint, dict[str, Any]]:
        """The call that fetches the partner key (``partner/createkey``) and its arguments.

        The Partner group loads here, at its first use, like any other group.
        """
        if not self._settings.secret_key:
            raise ConfigurationError("a secret_key is needed to fetch the partner key")
        from .api.partner import Partner

        spec = Partner.createkey.spec
        return spec, {"secret_key": self._settings.secret_key, "regenerate": 0}

    def with_options(
        self: _C,
        *,
        timeout: float | None = _UNSET,
        max_retries: int = _UNSET,
        validate: bool = _UNSET,
        retry_writes: bool = _UNSET,
    ) -> _C:
        """A copy of this client (same connection pool and keys) with other call options.

        ``timeout`` bounds each attempt's whole duration (a call ends within
        ``(max_retries + 1) * timeout`` plus the backoff pauses);
        ``validate=False`` skips client-side checks (for when the platform moves
        ahead of the SDK); ``retry_writes=True`` lets writes be re-sent after a
        failure that may have reached the platform (only if the write is
        idempotent for you). Example: ``client.with_options(max_retries=5).room.info(rid)``.
        """
        changes: dict[str, Any] = {}
        if timeout is not _UNSET:
            changes["timeout"] = _config.check_timeout(timeout)
        if max_retries is not _UNSET:
            changes["max_retries"] = _config.check_max_retries(max_retries)
        if validate is not _UNSET:
            changes["validate"] = _config.check_flag("validate", validate)
        if retry_writes is not _UNSET:
            changes["retry_writes"] = _config.check_flag("retry_writes", retry_writes)
        clone = typing.cast(_C, self._copy_with(**changes))
        clone._owns_http = False  # the copy shares this client's pool; only the owner closes it
        return clone

    # ---- work that sends nothing: a str or dict on both clients (see ``api/links.py``
    # for where the partner key comes from)
    get_web_sign = _get_web_sign  # the earlier SDK's form, same as on client.links

    def verify_callback(
        self, fields: object, tolerance: float | None = TIMESTAMP_TOLERANCE
    ) -> dict[str, str]:
        """:func:`baijiayun.callbacks.verify_callback` with this client's partner key.

        Returns the callback's fields (without ``sign``); raises
        :class:`~baijiayun.errors.CallbackSignatureError` when they fail.
        """
        from .callbacks import verify_callback  # imported on first use

        key = self._partner_key_now("verifying a callback")
        return verify_callback(fields, key, tolerance)

    def check_sign(self, data: object, check_timestamp_second: float | None = 300) -> bool:
        """Whether a callback's sign (and timestamp, within the given seconds) is valid.

        The earlier SDK's form; ``0`` or ``None`` skips the timestamp check.
        :meth:`verify_callback` says why a callback failed.
        """
        try:
            self.verify_callback(data, tolerance=check_timestamp_second or None)
        except CallbackSignatureError:
            return False
        return True


class BaiJiaYunClient(_ClientMixin[httpx2.Client], Groups[SyncMode]):
    """Synchronous client of the BaiJiaYun open API.

    ``BaiJiaYunClient(partner_id, secret_key, private_domain)`` (the earlier SDK's
    form) or, with the key copied from the console,
    ``BaiJiaYunClient(partner_id, partner_key=KEY, private_domain="e12345678")``.
    Arguments left out are read from ``BAIJIAYUN_PARTNER_ID``,
    ``BAIJIAYUN_PARTNER_KEY``, ``BAIJIAYUN_SECRET_KEY``,
    ``BAIJIAYUN_PRIVATE_DOMAIN`` and ``BAIJIAYUN_BASE_URL``.

    Each client owns one connection pool; use it as a context manager or call
    :meth:`close`. An ``http_client`` you pass in stays yours to close.
    """

    is_async = False

    _http_class = httpx2.Client
    _new_driver = staticmethod(sync_driver)

    def _call(self, spec: Endpoint, values: dict[str, Any]) -> Any:
        return self._driver.run(self._flow(spec, values, self._options), self._key)

    def _call_raw(self, spec: Endpoint, values: dict[str, Any]) -> Any:
        return self._driver.run(self._flow(spec, values, self._raw_options), self._key)

    def _run_task(self, task: Generator[Any, Any, Any]) -> Any:
        return self._driver.run_task(task, self._call)

    def _key(self, stale: str | None) -> str:
        fetch = lambda: self._call(*self._createkey())  # noqa: E731
        return self._keys.get(fetch, stale=stale)

    def _fetch_key_now(self, purpose: str) -> str:
        return self._key(None)

    def fetch_partner_key(self) -> None:
        """Fetch and cache the partner key now (a client built with only ``secret_key``).

        Not needed with this client: it fetches the key whenever it needs it.
        """
        self._key(None)

    def close(self) -> None:
        """Close the connection pool (unless it was passed in as ``http_client``)."""
        if self._owns_http:
            self._driver.http.close()

    def __enter__(self) -> BaiJiaYunClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncBaiJiaYunClient(_ClientMixin[httpx2.AsyncClient], Groups[AsyncMode]):
    """Asynchronous client: the same methods as :class:`BaiJiaYunClient`, awaitable.

    Use ``async with AsyncBaiJiaYunClient(...) as client:`` or ``await client.aclose()``.
    """

    is_async = True

    _http_class = httpx2.AsyncClient
    _new_driver = staticmethod(async_driver)

    async def _call(self, spec: Endpoint, values: dict[str, Any]) -> Any:
        return await self._driver.run(self._flow(spec, values, self._options), self._key)

    async def _call_raw(self, spec: Endpoint, values: dict[str, Any]) -> Any:
        return await self._driver.run(self._flow(spec, values, self._raw_options), self._key)

    async def _run_task(self, task: Generator[Any, Any, Any]) -> Any:
        return await self._driver.run_task(task, self._call)

    async def _key(self, stale: str | None) -> str:
        async def fetch() -> str:
            return typing.cast(str, await self._call(*self._createkey()))

        return await self._keys.aget(fetch, stale=stale)

    def _fetch_key_now(self, purpose: str) -> str:
        raise ConfigurationError(
            f"{purpose} needs the partner key, which this client fetches with its "
            "secret_key and has not fetched yet: `await client.fetch_partner_key()` "
            "once at start-up, or pass partner_key=..."
        )

    async def fetch_partner_key(self) -> None:
        """Fetch and cache the partner key now (a client built with only ``secret_key``).

        Enter links and callback checks sign without awaiting, so they need the
        key known: call this once at start-up. A no-op with a static ``partner_key``.
        """
        await self._key(None)

    async def aclose(self) -> None:
        """Close the connection pool (unless it was passed in as ``http_client``)."""
        if self._owns_http:
            await self._driver.http.aclose()

    close = aclose

    async def __aenter__(self) -> AsyncBaiJiaYunClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
