"""The only module that talks httpx2: the sync and async drivers of a call flow.

Each driver runs the generator of :meth:`ClientBase._flow`, performing the I/O
it asks for (a key, a slot of the rate limit, a request, a pause) and mapping
every httpx2 failure to an :class:`~baijiayun.errors.APIConnectionError` that
says whether the request may have reached the server. They also run tasks of
several steps (``_task.py``: API calls, streamed transfers to an upload host,
pauses).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterator,
    Mapping,
)
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import httpx2

if TYPE_CHECKING:  # for type hints only: httpx2 loads both when it builds a pool
    import ssl

    from ._task import CallEndpoint, Transfer


from . import _deadline
from ._endpoint import Endpoint
from ._flow import ANSWER_TOO_LARGE, MAX_ANSWER_BYTES, Acquire, NeedKey, RawResponse, Send, Sleep
from .errors import (
    APIConnectionError,
    APITimeoutError,
    BaiJiaYunError,
    ClientClosedError,
    ConfigurationError,
    DecodeError,
    ValidationError,
)
from .limits import Permit

logger = logging.getLogger("baijiayun")

FORM_HEADERS = httpx2.Headers({"Content-Type": "application/x-www-form-urlencoded"})

Flow = Generator[NeedKey | Acquire | Send | Sleep, Any, Any]
TaskFlow = Generator["CallEndpoint | Transfer | Sleep", Any, Any]  # _task loads with a task

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


def _release(permit: Permit) -> None:
    """Give a rate-limit slot back once its attempt ended; a failure here never hides the
    attempt's outcome (the slot then frees when its lease runs out)."""
    try:
        permit.limiter.release(permit)
    except Exception:
        logger.warning("could not release a rate-limit slot", exc_info=True)


async def _arelease(permit: Permit) -> None:
    try:
        await permit.limiter.arelease(permit)
    except Exception:
        logger.warning("could not release a rate-limit slot", exc_info=True)


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
        elif isinstance(value, tuple):  # (filename, content[, ...]): a file object rewound too
            if len(value) > 1:
                _rewind(value[1])
            parts[name] = value
        else:  # a binary file object: rewind so a retry sends the whole file again
            _rewind(value)
            parts[name] = (os.path.basename(str(getattr(value, "name", name))), value)
    return parts


def _rewind(value: Any) -> None:
    """Put a file object back at its start: each attempt sends the whole file."""
    if hasattr(value, "seek") and getattr(value, "seekable", lambda: False)():
        value.seek(0)


def _too_large(response: httpx2.Response, path: str) -> DecodeError:
    return DecodeError(ANSWER_TOO_LARGE, "", path=path, http_status=response.status_code)


def _announced_too_large(response: httpx2.Response) -> bool:
    length = response.headers.get("content-length", "")
    encoded = response.headers.get("content-encoding", "identity").strip().lower()
    # A compressed body grows when decoded: only its decoded size is bounded below.
    return length.isdigit() and encoded == "identity" and int(length) > MAX_ANSWER_BYTES


def _read(response: httpx2.Response, path: str) -> RawResponse | DecodeError:
    """A streamed answer's body, read to :data:`MAX_ANSWER_BYTES` at most."""
    if _announced_too_large(response):
        return _too_large(response, path)
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > MAX_ANSWER_BYTES:
            return _too_large(response, path)
    return RawResponse(response.status_code, bytes(body), response.headers)


async def _aread(response: httpx2.Response, path: str) -> RawResponse | DecodeError:
    if _announced_too_large(response):
        return _too_large(response, path)
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > MAX_ANSWER_BYTES:
            return _too_large(response, path)
    return RawResponse(response.status_code, bytes(body), response.headers)


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
        self._add_timeout(kwargs, action.timeout)
        return url, kwargs

    def _add_timeout(self, kwargs: dict[str, Any], seconds: float | None) -> None:
        if seconds != self._own_timeout:
            timeout = self._timeouts.get(seconds)
            if timeout is None:
                timeout = self._timeouts[seconds] = httpx2.Timeout(seconds)
            kwargs["timeout"] = timeout

    def _transfer_kwargs(self, action: Transfer) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"headers": list(action.headers)}
        self._add_timeout(kwargs, action.timeout)
        return kwargs


async def _async_pieces(pieces: Iterator[bytes]) -> AsyncIterator[bytes]:
    """A body's pieces for the async client (read from a local file: short, blocking reads)."""
    for piece in pieces:
        yield piece


class SyncDriver(_Driver):
    """Drives flows with a :class:`httpx2.Client` (one pool per SDK client)."""

    def __init__(self, http: httpx2.Client, own_timeout: object = None) -> None:
        super().__init__(own_timeout)
        self.http = http

    def send(self, action: Send) -> RawResponse | BaiJiaYunError:
        http = self.http
        token = _deadline.start(action.timeout)
        try:
            with ExitStack() as stack:
                url, kwargs = self._request_kwargs(action, stack)
                with http.stream("POST", url, **kwargs) as response:
                    return _read(response, action.request.path)
        except (httpx2.HTTPError, httpx2.InvalidURL) as exc:
            return map_transport_error(exc, action.request.path)
        except RuntimeError:
            if http.is_closed:  # httpx2's "the client has been closed"
                return closed(action)
            raise
        finally:
            _deadline.end(token)
            if action.permit is not None:
                _release(action.permit)

    def run(self, flow: Flow, key: Callable[[str | None], str]) -> Any:
        try:
            action = next(flow)
            while True:
                if isinstance(action, Send):
                    value: Any = self.send(action)
                elif isinstance(action, NeedKey):
                    value = key(action.stale)
                elif isinstance(action, Acquire):
                    value = action.limiter.try_acquire(action.key, action.lease)
                else:
                    time.sleep(action.seconds)
                    value = None
                action = flow.send(value)
        except StopIteration as stop:
            return stop.value
        finally:
            flow.close()

    def transfer(self, action: Transfer) -> RawResponse | BaiJiaYunError:
        """POST a streamed body; the answer, or the network failure as our error."""
        try:
            with self.http.stream(
                "POST", action.url, content=action.body.pieces(), **self._transfer_kwargs(action)
            ) as response:
                return _read(response, action.path)
        except httpx2.HTTPError as exc:
            return map_transport_error(exc, action.path)

    def run_task(self, task: TaskFlow, call: Callable[[Endpoint, dict[str, Any]], Any]) -> Any:
        """Drive a task: API calls through ``call`` (their errors end the task), transfers,
        pauses."""
        from ._task import CallEndpoint, Transfer  # loaded by the first task (an upload)

        try:
            action = next(task)
            while True:
                if isinstance(action, CallEndpoint):
                    value: Any = call(action.spec, action.values)
                elif isinstance(action, Transfer):
                    value = self.transfer(action)
                else:
                    time.sleep(action.seconds)
                    value = None
                action = task.send(value)
        except StopIteration as stop:
            return stop.value
        finally:
            task.close()


_GRACE = 0.05
"""Seconds past the deadline before a caller's async pool is cancelled (its own
timeouts, which tell whether the request left, get the first chance)."""

if sys.version_info >= (3, 11):

    async def _within(seconds: float, work: Awaitable[Any]) -> Any:
        import asyncio

        async with asyncio.timeout(seconds):
            return await work

else:  # pragma: no cover - Python 3.10

    async def _within(seconds: float, work: Awaitable[Any]) -> Any:
        import asyncio

        try:
            return await asyncio.wait_for(work, seconds)
        except asyncio.TimeoutError:
            raise TimeoutError from None


class AsyncDriver(_Driver):
    """Drives flows with a :class:`httpx2.AsyncClient`."""

    def __init__(self, http: httpx2.AsyncClient, own_timeout: object = None) -> None:
        super().__init__(own_timeout)
        self.http = http
        self._own = own_timeout is not _NOT_OURS

    async def send(self, action: Send) -> RawResponse | BaiJiaYunError:
        http = self.http
        token = _deadline.start(action.timeout)
        try:
            with ExitStack() as stack:
                url, kwargs = self._request_kwargs(action, stack)
                answer = self._post(url, kwargs, action.request.path)
                if self._own or action.timeout is None:
                    return await answer
                # The caller's pool: its network operations know nothing of the deadline.
                return await _within(action.timeout + _GRACE, answer)  # type: ignore[no-any-return]
        except (httpx2.HTTPError, httpx2.InvalidURL) as exc:
            return map_transport_error(exc, action.request.path)
        except TimeoutError:  # _within: the caller's pool was still busy at the deadline
            return APITimeoutError(
                "the attempt used up its timeout", path=action.request.path, may_have_been_sent=True
            )
        except RuntimeError:
            if http.is_closed:  # httpx2's "the client has been closed"
                return closed(action)
            raise
        finally:
            _deadline.end(token)
            if action.permit is not None:
                await _arelease(action.permit)

    async def _post(
        self, url: httpx2.URL | str, kwargs: dict[str, Any], path: str
    ) -> RawResponse | DecodeError:
        async with self.http.stream("POST", url, **kwargs) as response:
            return await _aread(response, path)

    async def run(self, flow: Flow, key: Callable[[str | None], Awaitable[str]]) -> Any:
        try:
            action = next(flow)
            while True:
                if isinstance(action, Send):
                    value: Any = await self.send(action)
                elif isinstance(action, NeedKey):
                    value = await key(action.stale)
                elif isinstance(action, Acquire):
                    value = await action.limiter.atry_acquire(action.key, action.lease)
                else:
                    import asyncio

                    await asyncio.sleep(action.seconds)
                    value = None
                action = flow.send(value)
        except StopIteration as stop:
            return stop.value
        finally:
            flow.close()

    async def transfer(self, action: Transfer) -> RawResponse | BaiJiaYunError:
        try:
            body = _async_pieces(action.body.pieces())
            return await self._post(
                action.url, {"content": body, **self._transfer_kwargs(action)}, action.path
            )
        except httpx2.HTTPError as exc:
            return map_transport_error(exc, action.path)

    async def run_task(
        self, task: TaskFlow, call: Callable[[Endpoint, dict[str, Any]], Awaitable[Any]]
    ) -> Any:
        from ._task import CallEndpoint, Transfer  # loaded by the first task (an upload)

        try:
            action = next(task)
            while True:
                if isinstance(action, CallEndpoint):
                    value: Any = await call(action.spec, action.values)
                elif isinstance(action, Transfer):
                    value = await self.transfer(action)
                else:
                    import asyncio

                    await asyncio.sleep(action.seconds)
                    value = None
                action = task.send(value)
        except StopIteration as stop:
            return stop.value
        finally:
            task.close()


LIMITS = httpx2.Limits(max_connections=100, max_keepalive_connections=100)
"""Connections kept open are not closed after each request, however many calls run at once."""
_NOT_OURS = object()  # never equal to a timeout: the caller's client gets ours on each call


def sync_driver(http: httpx2.Client | None, timeout: float | None) -> SyncDriver:
    """A driver on the caller's client, or on a new pool of our own."""
    if http is not None:
        return SyncDriver(http, own_timeout=_NOT_OURS)
    own = httpx2.Client(limits=LIMITS, timeout=timeout, verify=shared_ssl_context())
    return SyncDriver(_deadline.bound(own), own_timeout=timeout)


def async_driver(http: httpx2.AsyncClient | None, timeout: float | None) -> AsyncDriver:
    if http is not None:
        return AsyncDriver(http, own_timeout=_NOT_OURS)
    own = httpx2.AsyncClient(limits=LIMITS, timeout=timeout, verify=shared_ssl_context())
    return AsyncDriver(_deadline.bound(own), own_timeout=timeout)


# --------------------------------------------------------------------------- TLS
_SSL_CONTEXT: ssl.SSLContext | None = None
_SSL_LOCK = threading.Lock()


def shared_ssl_context() -> ssl.SSLContext:
    """The one TLS context of the process's SDK pools, built at first use.

    Loading the CA bundle costs ~16 ms and ~0.8 MB: every pool of our own
    shares this context instead of building one each (``SSL_CERT_FILE`` and
    ``SSL_CERT_DIR`` are read when it is built, as httpx2 does).
    """
    global _SSL_CONTEXT
    if _SSL_CONTEXT is None:
        with _SSL_LOCK:
            if _SSL_CONTEXT is None:
                _SSL_CONTEXT = httpx2.create_ssl_context()
    return _SSL_CONTEXT
