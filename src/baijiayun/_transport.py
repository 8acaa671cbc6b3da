"""The only module that talks httpx2: the sync and async drivers of a call flow.

Each driver runs the generator of :meth:`ClientBase._flow`, performing the I/O
it asks for (a key, a request, a pause) and mapping every httpx2 failure to an
:class:`~baijiayun.errors.APIConnectionError` that says whether the request
may have reached the server.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from contextlib import ExitStack
from typing import Any

import httpx2

from ._base import NeedKey, RawResponse, Send, Sleep
from .errors import (
    APIConnectionError,
    APITimeoutError,
    BaiJiaYunError,
    ClientClosedError,
    ConfigurationError,
    ValidationError,
)

FORM_HEADERS = httpx2.Headers({"Content-Type": "application/x-www-form-urlencoded"})

Flow = Generator[NeedKey | Send | Sleep, Any, Any]

# Failures that happen before any byte of the request reached the server.
_NEVER_SENT: tuple[type[Exception], ...] = (
    httpx2.ConnectError,
    httpx2.ConnectTimeout,
    httpx2.PoolTimeout,
    httpx2.ProxyError,
    httpx2.LocalProtocolError,
)


def map_transport_error(exc: Exception, path: str) -> BaiJiaYunError:
    """An httpx2 failure as our error, with whether the request may have been sent.

    A URL the client cannot send to (a scheme no transport serves, a URL httpx2
    refuses) is a setting to fix, not a failure to retry: ``ConfigurationError``.
    """
    name = type(exc).__name__
    if isinstance(exc, (httpx2.UnsupportedProtocol, httpx2.InvalidURL)):
        return ConfigurationError(f"{name}: {exc} ({path}; the request was not sent)")
    sent = not isinstance(exc, _NEVER_SENT)
    if isinstance(exc, httpx2.TimeoutException):
        return APITimeoutError(f"{name}: request timed out", path=path, may_have_been_sent=sent)
    return APIConnectionError(f"{name}: {exc}", path=path, may_have_been_sent=sent)


def closed(action: Send) -> ClientClosedError:
    return ClientClosedError(
        f"{action.request.path}: this client was closed (close() or its http_client's); "
        "nothing was sent. Make a new client, and close it only when no call uses it."
    )


def _open(name: str, path: str, stack: ExitStack) -> Any:
    try:
        return stack.enter_context(open(path, "rb"))  # closed with the stack
    except OSError as exc:
        raise ValidationError(name, f"cannot be read: {exc.strerror or exc}") from None


def _file_parts(files: Mapping[str, Any], stack: ExitStack) -> dict[str, Any]:
    """Turn file values into httpx2 file tuples, opening paths for this attempt only."""
    parts: dict[str, Any] = {}
    for name, value in files.items():
        if isinstance(value, (str, os.PathLike)):
            path = os.fspath(value)
            parts[name] = (os.path.basename(path), _open(name, path, stack))
        elif isinstance(value, (bytes, bytearray)):
            parts[name] = (name, bytes(value))
        elif isinstance(value, tuple):
            parts[name] = value
        else:  # a binary file object: rewind so a retry sends the whole file again
            if hasattr(value, "seek") and getattr(value, "seekable", lambda: False)():
                value.seek(0)
            parts[name] = (os.path.basename(str(getattr(value, "name", name))), value)
    return parts


def _raw(response: httpx2.Response) -> RawResponse:
    return RawResponse(response.status_code, response.content)


class _Driver:
    """What both drivers share: parsed URLs and timeouts, cached (they repeat per path)."""

    def __init__(self, own_timeout: object) -> None:
        self._urls: dict[str, httpx2.URL] = {}
        self._timeouts: dict[float | None, httpx2.Timeout] = {}
        # The timeout our own pool was built with: not repeated on each request.
        self._own_timeout = own_timeout

    def _request_kwargs(self, action: Send, stack: ExitStack) -> tuple[httpx2.URL, dict[str, Any]]:
        request = action.request
        url = self._urls.get(request.url)
        if url is None:
            url = self._urls[request.url] = httpx2.URL(request.url)
        if request.content is not None:
            kwargs: dict[str, Any] = {"content": request.content, "headers": FORM_HEADERS}
        else:
            kwargs = {"data": dict(request.fields), "files": _file_parts(request.files, stack)}
        if action.timeout != self._own_timeout:
            timeout = self._timeouts.get(action.timeout)
            if timeout is None:
                timeout = self._timeouts[action.timeout] = httpx2.Timeout(action.timeout)
            kwargs["timeout"] = timeout
        return url, kwargs


class SyncDriver(_Driver):
    """Drives flows with a :class:`httpx2.Client` (one pool per SDK client)."""

    def __init__(self, http: httpx2.Client, own_timeout: object = None) -> None:
        super().__init__(own_timeout)
        self.http = http

    def send(self, action: Send) -> RawResponse | BaiJiaYunError:
        http = self.http
        if http.is_closed:
            return closed(action)
        try:
            with ExitStack() as stack:
                url, kwargs = self._request_kwargs(action, stack)
                return _raw(http.post(url, **kwargs))
        except (httpx2.HTTPError, httpx2.InvalidURL) as exc:
            return map_transport_error(exc, action.request.path)
        except RuntimeError:
            if http.is_closed:  # closed by another thread while this call was under way
                return closed(action)
            raise

    def run(self, flow: Flow, key: Callable[[str | None], str]) -> Any:
        try:
            action = next(flow)
            while True:
                if isinstance(action, Send):
                    value: Any = self.send(action)
                elif isinstance(action, NeedKey):
                    value = key(action.stale)
                else:
                    time.sleep(action.seconds)
                    value = None
                action = flow.send(value)
        except StopIteration as stop:
            return stop.value
        finally:
            flow.close()


class AsyncDriver(_Driver):
    """Drives flows with a :class:`httpx2.AsyncClient`."""

    def __init__(self, http: httpx2.AsyncClient, own_timeout: object = None) -> None:
        super().__init__(own_timeout)
        self.http = http

    async def send(self, action: Send) -> RawResponse | BaiJiaYunError:
        http = self.http
        if http.is_closed:
            return closed(action)
        try:
            with ExitStack() as stack:
                url, kwargs = self._request_kwargs(action, stack)
                return _raw(await http.post(url, **kwargs))
        except (httpx2.HTTPError, httpx2.InvalidURL) as exc:
            return map_transport_error(exc, action.request.path)
        except RuntimeError:
            if http.is_closed:  # closed by another task while this call was under way
                return closed(action)
            raise

    async def run(self, flow: Flow, key: Callable[[str | None], Awaitable[str]]) -> Any:
        try:
            action = next(flow)
            while True:
                if isinstance(action, Send):
                    value: Any = await self.send(action)
                elif isinstance(action, NeedKey):
                    value = await key(action.stale)
                else:
                    await asyncio.sleep(action.seconds)
                    value = None
                action = flow.send(value)
        except StopIteration as stop:
            return stop.value
        finally:
            flow.close()


LIMITS = httpx2.Limits(max_connections=100, max_keepalive_connections=20)
_NOT_OURS = object()  # never equal to a timeout: the caller's client gets ours on each call


def sync_driver(http: httpx2.Client | None, timeout: float | None) -> SyncDriver:
    """A driver on the caller's client, or on a new pool of our own."""
    if http is not None:
        return SyncDriver(http, own_timeout=_NOT_OURS)
    return SyncDriver(httpx2.Client(limits=LIMITS, timeout=timeout), own_timeout=timeout)


def async_driver(http: httpx2.AsyncClient | None, timeout: float | None) -> AsyncDriver:
    if http is not None:
        return AsyncDriver(http, own_timeout=_NOT_OURS)
    return AsyncDriver(httpx2.AsyncClient(limits=LIMITS, timeout=timeout), own_timeout=timeout)
