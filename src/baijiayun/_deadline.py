"""The per-attempt deadline: every network operation of our own pools ends by it.

``timeout`` bounds an attempt's whole duration, not each read: a server that
drips one byte per second would otherwise hold a call for as long as it likes.
httpx2 offers no public hook for the network backend of the pools it builds,
so this module, and only this module, relies on private attributes of httpx2
and httpcore2 (2.17):

* ``httpx2.Client._transport`` / ``httpx2.AsyncClient._transport``: the
  client's direct transport (an ``httpx2.HTTPTransport``/``AsyncHTTPTransport``);
* ``httpx2.Client._mounts`` / ``httpx2.AsyncClient._mounts``: the transports
  of proxies read from the environment (values may be ``None``);
* ``httpx2.HTTPTransport._pool`` / ``httpx2.AsyncHTTPTransport._pool``: the
  transport's ``httpcore2`` connection pool (or proxy pool);
* ``httpcore2.ConnectionPool._network_backend`` /
  ``httpcore2.AsyncConnectionPool._network_backend``: the backend that opens
  connections, which :func:`bound` wraps in :class:`Backend` (sync) or
  :class:`AsyncBackend`.

:data:`PRIVATE` lists them; ``tests/unit/test_deadline_internals.py`` fails if
the installed httpx2/httpcore2 lacks one, and :func:`bound` warns
(``RuntimeWarning``) rather than silently letting ``timeout`` bound each
operation instead of the attempt. Everything else here uses httpcore2's
public ``NetworkStream``/``NetworkBackend`` interface.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterable
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type hints only: httpx2 loads both when it builds a pool
    import ssl

    import httpcore2

__all__ = ["PRIVATE", "AsyncBackend", "Backend", "bound", "end", "start"]

PRIVATE = (
    ("httpx2.Client", "_transport"),
    ("httpx2.Client", "_mounts"),
    ("httpx2.AsyncClient", "_transport"),
    ("httpx2.AsyncClient", "_mounts"),
    ("httpx2.HTTPTransport", "_pool"),
    ("httpx2.AsyncHTTPTransport", "_pool"),
    ("httpcore2.ConnectionPool", "_network_backend"),
    ("httpcore2.AsyncConnectionPool", "_network_backend"),
)
"""The private attributes relied on, as (owner, attribute name)."""

_DEADLINE: ContextVar[float | None] = ContextVar("baijiayun_deadline", default=None)
"""``time.monotonic()`` by which the current attempt must end (None: no bound)."""

_CHUNK = 1 << 16


def start(timeout: float | None) -> Token[float | None]:
    """Open an attempt that must end within ``timeout`` seconds (None: no bound)."""
    return _DEADLINE.set(None if timeout is None else time.monotonic() + timeout)


def end(token: Token[float | None]) -> None:
    """Close the attempt opened by :func:`start`."""
    _DEADLINE.reset(token)


def _left(timeout: float | None, operation: str) -> float | None:
    """The timeout of one network operation: at most what is left of the attempt."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        import httpcore2  # loaded already: our pools run on it

        error = {
            "connect": httpcore2.ConnectTimeout,
            "read": httpcore2.ReadTimeout,
            "write": httpcore2.WriteTimeout,
        }[operation]
        raise error("the attempt used up its timeout")
    return left if timeout is None or timeout > left else timeout


def bound(http: Any) -> Any:
    """Make every network operation of our own pool ``http`` end by the attempt's deadline.

    Each pool's backend (the direct one's and those of proxies) is wrapped
    where httpcore2 keeps it. If an attribute of :data:`PRIVATE` is missing,
    a ``RuntimeWarning`` says the deadline is not enforced.
    """
    wrap = AsyncBackend if _is_async(http) else Backend
    transports = [getattr(http, "_transport", _MISSING)]
    mounts = getattr(http, "_mounts", _MISSING)
    if transports[0] is _MISSING or mounts is _MISSING:
        return _weakened(http, f"{type(http).__name__}._transport or ._mounts")
    transports += [t for t in mounts.values() if t is not None]
    for transport in transports:
        pool = getattr(transport, "_pool", _MISSING)
        backend = getattr(pool, "_network_backend", _MISSING)
        if backend is _MISSING:
            return _weakened(http, f"{type(transport).__name__}._pool._network_backend")
        pool._network_backend = wrap(backend)
    return http


_MISSING: Any = object()


def _is_async(http: Any) -> bool:
    import httpx2

    return isinstance(http, httpx2.AsyncClient)


def _weakened(http: Any, where: str) -> Any:
    warnings.warn(
        f"baijiayun: the installed httpx2/httpcore2 has no {where}; the per-attempt "
        "deadline is not enforced (timeout bounds each network operation instead). "
        "Install the httpx2 version this SDK supports.",
        RuntimeWarning,
        stacklevel=4,
    )
    return http


class Stream:
    """A connection whose every read, write and TLS handshake ends by the attempt's deadline.

    It and the backends below stand in for httpcore2's ``NetworkStream`` and
    ``NetworkBackend`` (same methods), without importing httpcore2 at import.
    """

    def __init__(self, stream: httpcore2.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout, "read"))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if len(buffer) <= _CHUNK:
            self._stream.write(buffer, _left(timeout, "write"))
            return
        for part in _parts(buffer):  # a slow reader cannot stretch one long write
            self._stream.write(part, _left(timeout, "write"))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> Stream:
        timeout = _left(timeout, "connect")
        return Stream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class Backend:
    def __init__(self, backend: httpcore2.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> Stream:
        timeout = _left(timeout, "connect")
        return Stream(self._backend.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> Stream:
        timeout = _left(timeout, "connect")
        return Stream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class AsyncStream:
    def __init__(self, stream: httpcore2.AsyncNetworkStream) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, _left(timeout, "read"))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if len(buffer) <= _CHUNK:
            await self._stream.write(buffer, _left(timeout, "write"))
            return
        for part in _parts(buffer):  # a slow reader cannot stretch one long write
            await self._stream.write(part, _left(timeout, "write"))

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> AsyncStream:
        timeout = _left(timeout, "connect")
        return AsyncStream(await self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class AsyncBackend:
    def __init__(self, backend: httpcore2.AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> AsyncStream:
        timeout = _left(timeout, "connect")
        stream = await self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return AsyncStream(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> AsyncStream:
        timeout = _left(timeout, "connect")
        return AsyncStream(await self._backend.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def _parts(buffer: bytes) -> Iterable[bytes]:
    view = memoryview(buffer)
    return (view[i : i + _CHUNK] for i in range(0, len(view), _CHUNK))  # type: ignore[misc]
