"""The pure core shared by the sync and async clients.

A call is a generator (:meth:`ClientBase._flow`) that yields the I/O it needs
— a partner key, a slot of the rate limit, a request to send, a pause — and
receives the outcome. It holds every decision: validation, encoding, a fresh
timestamp and sign per attempt, envelope mapping, retries, key refresh,
waiting for the rate limit, logging. The sync and async
clients only drive it (see ``_transport.py``), so no logic is written twice.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import random
import re
import time
from collections.abc import Callable, Generator, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

from . import _config
from ._endpoint import Endpoint
from ._read import ShapeProblems
from ._signing import TIMESTAMP_TOLERANCE, sign
from ._value import Value
from ._wire import Context
from .errors import (
    EXCERPT_CHARS,
    MSG_CHARS,
    SECRET_NAMES,
    APIConnectionError,
    APIError,
    BaiJiaYunError,
    DecodeError,
    HTTPStatusError,
    ResultShapeError,
    error_for_code,
    redact_data,
)
from .keys import KeyStore, PartnerKeyProvider
from .limits import DEFAULT_LEASE, Limiter, Permit

if TYPE_CHECKING:
    from ._raw import RawResult

logger = logging.getLogger("baijiayun")

EXCERPT = EXCERPT_CHARS


# --------------------------------------------------------------------------- actions
class NeedKey(Value):
    """Ask the driver for the partner key; ``stale`` is a key to replace."""

    __slots__ = ("stale",)

    def __init__(self, stale: str | None = None) -> None:
        self.stale = stale


class Acquire(Value):
    """Ask ``limiter`` for a slot for ``key`` (the partner id), held at most ``lease`` seconds.

    The driver answers with ``limiter.try_acquire`` (or ``atry_acquire``): a
    :class:`~baijiayun.limits.Permit`, or the seconds to wait before asking again.
    """

    __slots__ = ("key", "lease", "limiter")

    def __init__(self, limiter: Limiter, key: str, lease: float) -> None:
        self.limiter, self.key, self.lease = limiter, key, lease


class Send(Value):
    """Send ``request``; with a ``permit``, the driver releases it once the attempt ended."""

    __slots__ = ("permit", "request", "timeout")

    def __init__(
        self, request: PreparedRequest, timeout: float | None, permit: Permit | None = None
    ) -> None:
        self.request, self.timeout, self.permit = request, timeout, permit


class Sleep(Value):
    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class PreparedRequest(Value):
    """One attempt's request. ``content`` is the exact urlencoded body that was signed."""

    __slots__ = ("content", "fields", "files", "method", "path", "url")

    def __init__(
        self,
        method: str,
        url: str,
        path: str,
        content: bytes | None,
        fields: tuple[tuple[str, str], ...],
        files: Mapping[str, Any],
    ) -> None:
        self.method, self.url, self.path = method, url, path
        self.content, self.fields, self.files = content, fields, files

    def __repr__(self) -> str:  # the body holds the sign (or secret_key): never shown
        return f"PreparedRequest({self.method} {self.path})"


class RawResponse(Value):
    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, body: bytes, headers: Mapping[str, str] | None = None) -> None:
        self.status, self.body, self.headers = status, body, headers


class RequestOptions(Value):
    """Per-client (and per-call, through ``with_options``) behaviour.

    ``raw``: return a :class:`~baijiayun.RawResult` (the ``data`` unconverted), not the result.
    """

    __slots__ = (
        "backoff_base",
        "backoff_max",
        "max_retries",
        "raw",
        "retry_writes",
        "timeout",
        "validate",
    )

    def __init__(
        self,
        timeout: float | None = _config.DEFAULT_TIMEOUT,
        max_retries: int = _config.DEFAULT_MAX_RETRIES,
        validate: bool = True,
        retry_writes: bool = False,
        backoff_base: float = 0.25,
        backoff_max: float = 8.0,
        raw: bool = False,
    ) -> None:
        self.timeout, self.max_retries, self.validate = timeout, max_retries, validate
        self.retry_writes, self.raw = retry_writes, raw
        self.backoff_base, self.backoff_max = backoff_base, backoff_max

    def replace(self, **changes: Any) -> RequestOptions:
        """A copy with ``changes`` (option names as keywords)."""
        return RequestOptions(
            **{**dict(zip(self.__slots__, self._values(), strict=True)), **changes}
        )


_RNG = random.Random()


def backoff_delay(attempt: int, opts: RequestOptions) -> float:
    """Exponential backoff with jitter (between half and all of the cap) for a failed attempt."""
    cap = min(opts.backoff_max, opts.backoff_base * (2 ** (attempt - 1)))
    return _RNG.uniform(cap / 2, cap)


MAX_ANSWER_BYTES = 32 << 20
"""Bytes of an answer the SDK reads at most (32 MiB, after any ``Content-Encoding``).

A listing of 1,000 items is a few megabytes; an answer that announces more
(``Content-Length``) is refused before its body is read, one that grows past it
is refused as soon as it does, the connection closed: a :class:`~baijiayun.errors.DecodeError`
whose ``reason`` is :data:`ANSWER_TOO_LARGE`, never retried."""

ANSWER_TOO_LARGE = f"answer larger than {MAX_ANSWER_BYTES >> 20} MiB (not read further)"


def should_retry(error: BaiJiaYunError, spec: Endpoint, opts: RequestOptions, attempt: int) -> bool:
    """Whether a failed attempt is repeated.

    A request that never left is always repeated (while attempts remain). One
    that may have reached the platform — a lost answer, a 5xx, an answer that
    is not the JSON envelope (cut short, not JSON, an HTML page) — is repeated
    only for endpoints declared safe to repeat, or when the caller opted in
    with ``retry_writes``. A result that does not match its model is never
    repeated (the same answer would come back).
    """
    if attempt > opts.max_retries:
        return False
    if isinstance(error, DecodeError):  # an answer that is not the envelope (cut short, a page)
        if error.reason == ANSWER_TOO_LARGE:  # the same answer would come back
            return False
        return spec.safe or opts.retry_writes
    if isinstance(error, APIConnectionError):
        return not error.may_have_been_sent or spec.safe or opts.retry_writes
    if isinstance(error, HTTPStatusError):
        if error.status == 429:  # throttled: not processed
            return True
        if error.status >= 500:
            return spec.safe or opts.retry_writes
    return False


KEY_BEARING = "(not shown: this answer may hold a partner key)"


def bears_key(spec: Endpoint) -> bool:
    """Whether an answer of ``spec`` may hold a key (``partner/createkey``): never excerpted."""
    return spec.unwrap in SECRET_NAMES or any(p.name in SECRET_NAMES for p in spec.params)


def _excerpt(spec: Endpoint, body: bytes) -> str:
    """What an error may show of a body (bounded and redacted again by the error itself)."""
    if bears_key(spec):
        return KEY_BEARING
    return body[: EXCERPT * 4].decode("utf-8", "replace")


def parse_envelope(spec: Endpoint, status: int, body: bytes) -> Any:
    """Map an HTTP answer to ``data`` or raise the matching typed error."""
    path = spec.path
    if not 200 <= status < 300:
        raise HTTPStatusError(status, _excerpt(spec, body), path=path)
    try:
        envelope = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested past Python's depth
        raise DecodeError(
            "body is not JSON", _excerpt(spec, body), path=path, http_status=status
        ) from None
    if not isinstance(envelope, dict) or "code" not in envelope:
        raise DecodeError("JSON has no 'code'", _excerpt(spec, body), path=path, http_status=status)
    code = envelope_code(envelope["code"])
    if code is None:
        raise DecodeError(
            "'code' is not a number (an integer or integer text)",
            _excerpt(spec, body),
            path=path,
            http_status=status,
        )
    if code != 0:
        raise error_for_code(code, _msg_text(envelope.get("msg")), path=path, http_status=status)
    return envelope.get("data")


_CODE_TEXT = re.compile(r"-?[0-9]{1,18}")


def envelope_code(value: Any) -> int | None:
    """The envelope's ``code``: an integer, or the text of one in ASCII digits; else None.

    Read strictly: ``0.5``, ``false``, ``"٠"``, ``"0_0"``, ``" 0"`` or ``Infinity``
    are not a code (each of them would read as success or fail in ``int()``).
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _CODE_TEXT.fullmatch(value):
        return int(value)
    return None


def _msg_text(msg: Any) -> str:
    """The envelope's ``msg`` as text (its first characters only: APIError clips it anyway)."""
    if isinstance(msg, str):
        return msg[: MSG_CHARS + 1]
    return "" if msg is None else str(msg)[: MSG_CHARS + 1]


def convert_result(spec: Endpoint, data: Any, http_status: int = 200) -> Any:
    """Unwrap the declared field and build the declared result type.

    A successful answer is never lost: where ``data`` does not fit, the
    :class:`~baijiayun.errors.ResultShapeError` carries it (redacted), names the
    fields that did not fit and, for a write, says the write was carried out.
    A write answered with ``null`` reads as ``{}`` (its fields are optional); an
    unwrapped field that is absent reads as ``None`` where the declared type allows it.
    """
    whole = data
    missing = False
    if spec.unwrap is not None:
        if isinstance(data, dict) and spec.unwrap in data:
            data = data[spec.unwrap]
        elif data is None or isinstance(data, dict):
            data, missing = None, True
        else:
            problems = [f"{spec.unwrap}: the answer is not an object"]
            raise _shape_error(spec, whole, problems, http_status)
    read = spec.reader
    if read is None:
        return None
    if data is None and not missing and not spec.safe and _is_model(spec.result_type):
        data = {}
    try:
        return read(data)
    except ShapeProblems as exc:
        if missing:
            raise _shape_error(
                spec, whole, [f"{spec.unwrap}: Field required"], http_status
            ) from None
        raise _shape_error(spec, whole, exc.messages(), http_status) from None


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and hasattr(tp, "model_fields")


def _shape_error(
    spec: Endpoint, data: Any, problems: list[str], http_status: int
) -> ResultShapeError:
    shown = _masked(data) if bears_key(spec) else redact_data(data)
    expected = getattr(spec.result_type, "__name__", None) or repr(spec.result_type)
    if spec.unwrap is not None:
        expected = f"{expected} (in data[{spec.unwrap!r}])"
    return ResultShapeError(
        spec.path,
        expected,
        shown,
        problems,
        carried_out=not spec.safe,
        data_excerpt=_data_excerpt(spec, shown),
        http_status=http_status,
    )


def _masked(value: Any) -> Any:
    """An answer that may hold a key: its structure, every text and number ``***``."""
    if isinstance(value, dict):
        return {str(k): _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value if value is None or isinstance(value, bool) else "***"


def raw_result(spec: Endpoint, response: RawResponse, data: Any) -> RawResult[Any]:
    """A successful answer, unconverted (see :class:`~baijiayun.RawResult`)."""
    from ._raw import RawResult  # loaded by the first raw call

    envelope = json.loads(response.body)
    return RawResult(
        data=data,
        code=0,
        msg=_msg_text(envelope.get("msg")),
        http_status=response.status,
        headers=dict(response.headers or {}),
        path=spec.path,
        envelope=envelope,
        _convert=partial(convert_result, spec, http_status=response.status),
    )


def _data_excerpt(spec: Endpoint, data: Any) -> str:
    if bears_key(spec):
        return KEY_BEARING
    return json.dumps(data, ensure_ascii=False, default=str)[: EXCERPT * 4]


_FORM_SAFE = re.compile(r"[A-Za-z0-9_.~-]*")


def form_encode(fields: list[tuple[str, str]]) -> bytes:
    """``application/x-www-form-urlencoded`` bytes, the same as ``urlencode(quote_via=quote_plus)``.

    Values made only of unreserved characters (most ids, numbers, codes) are
    used as they are; only the others go through ``quote_plus``.
    """
    # Inlined fast checks (this runs for every field of every request): ASCII
    # identifiers and alphanumerics need no quoting; anything else goes through
    # quote_plus unless the regex proves it unreserved.
    return "&".join(
        [
            f"{k if k.isascii() and k.isidentifier() else _form_quote(k)}="
            f"{v if v.isascii() and v.isalnum() else _form_quote(v)}"
            for k, v in fields
        ]
    ).encode("ascii")


def _form_quote(text: str) -> str:
    return text if _FORM_SAFE.fullmatch(text) else quote_plus(text)


# --------------------------------------------------------------------------- client base
class ClientBase:
    """Settings, key provider and the call flow; no I/O here."""

    is_async: bool = False

    def __init__(
        self,
        settings: _config.Settings,
        options: RequestOptions,
        key_store: KeyStore | None,
        clock: Callable[[], float] = time.time,
        rate_limit: Limiter | None = None,
    ) -> None:
        self._settings = settings
        self._options = options
        self._limiter = rate_limit
        self._keys = PartnerKeyProvider(
            settings.partner_id, partner_key=settings.partner_key, store=key_store
        )
        self._ctx = Context(tz=settings.tz, now=clock)

    @property
    def _client(self) -> ClientBase:
        """A client is its own client: methods declared on groups work on it too."""
        return self

    # ---- public read-only facts
    @property
    def partner_id(self) -> str:
        return self._settings.partner_id

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    @property
    def tz(self) -> _dt.tzinfo:
        return self._settings.tz

    def __repr__(self) -> str:
        return f"{type(self).__name__}(partner_id={self.partner_id!r}, base_url={self.base_url!r})"

    def _copy_with(self, **changes: Any) -> Any:
        """A shallow copy sharing pool and keys, with other request options."""
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone._options = self._options.replace(**changes)
        clone._bind_groups()
        return clone

    def _bind_groups(self) -> None:
        raise NotImplementedError

    def _call(self, spec: Endpoint, values: dict[str, Any]) -> Any:
        """Make one call (the sync client returns the result, the async one an awaitable)."""
        raise NotImplementedError

    def _call_raw(self, spec: Endpoint, values: dict[str, Any]) -> Any:
        """:meth:`_call`, returning a :class:`~baijiayun.RawResult` (``data`` unconverted)."""
        raise NotImplementedError

    @property
    def _raw_options(self) -> RequestOptions:
        return self._options.replace(raw=True)

    def _run_task(self, task: Generator[Any, Any, Any]) -> Any:
        """Drive a task of several steps (see ``_task.py``): its result, or an awaitable of it."""
        raise NotImplementedError

    # ---- the partner key for work that sends nothing (links, callback checks)
    def _partner_key_now(self, purpose: str) -> str:
        """The partner key without awaiting: the known one, else :meth:`_fetch_key_now`."""
        key = self._keys.known()
        return key if key is not None else self._fetch_key_now(purpose)

    def _fetch_key_now(self, purpose: str) -> str:
        """Fetch the key in place (sync client) or say how to (async client)."""
        raise NotImplementedError

    # ---- request building (pure)
    def _build(
        self,
        spec: Endpoint,
        fields: list[tuple[str, str]],
        files: Mapping[str, Any],
        key: str | None,
    ) -> PreparedRequest:
        common = [("partner_id", self._settings.partner_id)]
        if spec.signed:
            common.append(("timestamp", str(int(self._ctx.now()))))
        all_fields = fields + common
        if spec.signed:
            assert key is not None
            all_fields.append(("sign", sign(all_fields, key)))
        settings = self._settings
        base = settings.base_url_of(spec.group, spec.host)
        url = base + spec.path.lstrip("/")
        content = None if files else form_encode(all_fields)
        return PreparedRequest("POST", url, spec.path, content, tuple(all_fields), files)

    # ---- the flow of one call
    def _slot(
        self, limiter: Limiter, opts: RequestOptions
    ) -> Generator[Acquire | Sleep, Any, Permit]:
        """Wait for a slot of the rate limit: ask, and pause as long as the limiter says."""
        lease = opts.timeout if opts.timeout is not None else DEFAULT_LEASE
        while True:
            granted = yield Acquire(limiter, self._settings.partner_id, lease)
            if isinstance(granted, Permit):
                return granted
            logger.debug("rate limit reached: waiting %.3fs for a slot", granted)
            yield Sleep(granted)

    def _flow(
        self, spec: Endpoint, values: Mapping[str, Any], opts: RequestOptions | None = None
    ) -> Generator[NeedKey | Acquire | Send | Sleep, Any, Any]:
        opts = opts or self._options
        fields, files = spec.prepare(values, self._ctx, validate=opts.validate)
        attempt = 0
        key: str | None = None
        refreshed = False
        renewed: str | None = None  # the key a refresh brought: this call keeps it
        limiter = self._limiter
        permit: Permit | None = None
        while True:
            attempt += 1
            if spec.signed:
                key = self._keys.static_key or renewed or (yield NeedKey())
            if limiter is not None:  # every attempt is a request the platform counts
                permit = yield from self._slot(limiter, opts)
            request = self._build(spec, fields, files, key)  # signed after any wait
            started = time.perf_counter()
            outcome = yield Send(request, opts.timeout, permit)
            elapsed_ms = (time.perf_counter() - started) * 1000
            try:
                if isinstance(outcome, BaiJiaYunError):
                    raise outcome
                data = parse_envelope(spec, outcome.status, outcome.body)
            except APIError as exc:
                logger.debug(
                    "POST %s attempt=%d status=%d code=%d elapsed=%.1fms",
                    spec.path,
                    attempt,
                    exc.http_status,
                    exc.code,
                    elapsed_ms,
                )
                if exc.code == 1002 and spec.signed and self._keys.fetched and not refreshed:
                    refreshed = True
                    logger.info("POST %s: signature refused, refreshing the partner key", spec.path)
                    renewed = yield NeedKey(stale=key)
                    if renewed == key:
                        logger.info(
                            "POST %s: the partner key is current; the signature was refused for "
                            "another reason (the clock? timestamps must be within %d s)",
                            spec.path,
                            TIMESTAMP_TOLERANCE,
                        )
                        raise
                    attempt -= 1  # the refresh is not one of the caller's retries
                    continue
                raise
            except BaiJiaYunError as exc:
                status = getattr(exc, "http_status", 0)
                logger.debug(
                    "POST %s attempt=%d status=%s error=%s elapsed=%.1fms",
                    spec.path,
                    attempt,
                    status or "-",
                    type(exc).__name__,
                    elapsed_ms,
                )
                if should_retry(exc, spec, opts, attempt):
                    delay = backoff_delay(attempt, opts)
                    logger.info(
                        "POST %s attempt=%d failed (%s); retrying in %.2fs",
                        spec.path,
                        attempt,
                        type(exc).__name__,
                        delay,
                    )
                    yield Sleep(delay)
                    continue
                raise
            logger.debug(
                "POST %s attempt=%d status=%d code=0 elapsed=%.1fms",
                spec.path,
                attempt,
                outcome.status,
                elapsed_ms,
            )
            if opts.raw:
                return raw_result(spec, outcome, data)
            return convert_result(spec, data, outcome.status)
