"""The sandbox over real HTTP: a small ASGI adapter served by uvicorn.

The adapter only moves bytes between ASGI and :meth:`Sandbox.handle`; it
never lets the server answer an error page of its own.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from typing import Any, Protocol

from .http import MAX_BODY, MAX_UPLOAD_BODY, SandboxRequest, SandboxResponse

BODY_BUDGET = 256 * 1024 * 1024
"""Bytes of request bodies the server holds at once, over every connection (received and not
yet answered, counting the moment a body's chunks are joined, when it is held twice); a body
that would go over it is refused (1001) as its bytes arrive."""
THREAD_BODY = 64 * 1024
"""Requests with a larger body are answered on a worker thread."""
HEADER_TIMEOUT = 10.0
"""Seconds a new connection has to send its first request's headers before it is closed."""


class Served(Protocol):
    """What the server serves: the sandbox (a protocol, so this module needs no core)."""

    def handle(self, request: SandboxRequest) -> SandboxResponse: ...

    def envelope(self, code: int, msg: str, data: Any = None) -> SandboxResponse: ...

    def client_settings(self, base_url: str, kwargs: dict[str, Any]) -> dict[str, Any]: ...

    def takes_files(self, path: str) -> bool:
        """Whether ``path`` takes a file part (an endpoint declaring one, or the upload host)."""
        ...


Scope = dict[str, Any]


class SandboxApp:
    """ASGI application answering like the platform (``uvicorn module:app`` works too)."""

    def __init__(self, sandbox: Served, *, body_budget: int = BODY_BUDGET) -> None:
        self.sandbox = sandbox
        self.body_budget = body_budget
        self.in_flight = 0
        """Bytes of request bodies held now (read on the event loop: no lock needed)."""
        self.peak_in_flight = 0
        """The most bytes of request bodies held at once since the server started."""

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        held = [0]  # the bytes this request counts against the budget, until it is answered
        try:
            await self._serve(scope, receive, send, held)
        finally:
            self.in_flight -= held[0]

    async def _serve(self, scope: Scope, receive: Any, send: Any, held: list[int]) -> None:
        body = await self._read_body(scope, receive, held)
        if isinstance(body, str):  # over a limit, or the client went away
            await self._send(send, self.sandbox.envelope(1001, body))
            return
        client = scope.get("client") or ("", 0)
        path = scope.get("path") or "/"
        request = SandboxRequest(
            method=scope.get("method", "GET"),
            path=path,
            query=scope.get("query_string", b"").decode("latin-1"),
            headers={k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]},
            body=body,
            client_host=str(client[0]),
        )
        # Work that may take long runs off the event loop, so one large (or hostile)
        # request cannot hold up everyone else's: control calls (they may send a
        # callback) and large bodies (parsing them costs CPU before anything is checked).
        if path.startswith("/_sandbox") or len(body) > THREAD_BODY:
            answer = await asyncio.to_thread(self.sandbox.handle, request)
        else:
            answer = self.sandbox.handle(request)
        if answer.delay:
            await asyncio.sleep(answer.delay)
        await self._send(send, answer)

    def _limit(self, scope: Scope) -> int:
        """A body's largest size: multipart bodies to a path that takes a file may be larger."""
        if _is_multipart(scope) and self.sandbox.takes_files(scope.get("path") or "/"):
            return MAX_UPLOAD_BODY
        return MAX_BODY

    def _reserve(self, size: int, held: list[int]) -> bool:
        if self.in_flight + size > self.body_budget:
            return False
        self.in_flight += size
        held[0] += size
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        return True

    async def _read_body(self, scope: Scope, receive: Any, held: list[int]) -> bytes | str:
        """The whole body, or why it is refused, as soon as that is known: its declared or
        received size is over its limit, or it would take the server over its budget."""
        limit = self._limit(scope)
        too_large = f"request body too large (at most {limit} bytes to this path)"
        busy = "the sandbox is receiving too many request bodies at once: send it again later"
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit():
                declared = int(value)
                if declared > limit:
                    return too_large
                if not self._reserve(declared, held):  # the whole body, before a byte is read
                    return busy
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return "the client went away"
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return too_large
            if size > held[0] and not self._reserve(size - held[0], held):
                return busy
            chunks.append(chunk)
            more = message.get("more_body", False)
        if len(chunks) == 1:
            return chunks[0]
        # Joining holds the chunks and the whole body at once: reserve that moment too.
        if not self._reserve(size, held):
            return busy
        body = b"".join(chunks)
        chunks.clear()
        self.in_flight -= size
        held[0] -= size
        return body

    @staticmethod
    async def _send(send: Any, answer: SandboxResponse) -> None:
        body = answer.body
        if answer.drop:
            # Promise more bytes than are sent, then stop: the server closes the
            # connection and the client sees it closed before a complete answer.
            headers = [*answer.headers, (b"content-length", str(len(body) + 1024).encode())]
            await send({"type": "http.response.start", "status": answer.status, "headers": headers})
            await send({"type": "http.response.body", "body": body[:1], "more_body": True})
            return
        headers = [*answer.headers, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _is_multipart(scope: Scope) -> bool:
    for key, value in scope.get("headers") or ():
        if key.lower() == b"content-type":
            return bytes(value).lower().startswith(b"multipart/form-data")
    return False


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def base_url(sock: socket.socket, host: str) -> str:
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


class _DropNoise(logging.Filter):
    """Hide uvicorn's line about a response left incomplete: a ``drop`` fault does it on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "without completing response" not in record.getMessage()


def _protocol(header_timeout: float) -> type:
    """uvicorn's HTTP protocol, closing connections that send no request headers in time."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    class Protocol(AutoHTTPProtocol):  # type: ignore[misc,valid-type]
        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self.loop.call_later(header_timeout, self._close_if_idle)

        def _close_if_idle(self) -> None:
            if self.cycle is None and not self.transport.is_closing():
                self.transport.close()

    return Protocol


def make_server(
    sandbox: Served,
    *,
    log_level: str = "warning",
    header_timeout: float = HEADER_TIMEOUT,
    body_budget: int = BODY_BUDGET,
) -> Any:
    try:
        import uvicorn
    except ImportError as exc:  # pragma: no cover - depends on extras
        raise RuntimeError(
            "serving the sandbox over HTTP needs uvicorn: pip install 'baijiayun[sandbox]'"
        ) from exc
    logging.getLogger("uvicorn.error").addFilter(_DropNoise())
    config = uvicorn.Config(
        SandboxApp(sandbox, body_budget=body_budget),
        http=_protocol(header_timeout),
        log_level=log_level,
        access_log=False,
        lifespan="off",
        timeout_keep_alive=30,
        # The control API judges the socket's peer: never a peer-chosen header.
        proxy_headers=False,
        server_header=False,
    )
    return uvicorn.Server(config)


class ThreadedServer:
    """The sandbox on a free port of 127.0.0.1, in a background thread."""

    def __init__(
        self,
        sandbox: Served,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        header_timeout: float = HEADER_TIMEOUT,
        body_budget: int = BODY_BUDGET,
    ) -> None:
        self.sandbox = sandbox
        self.header_timeout = header_timeout
        self.body_budget = body_budget
        self.host = host
        self.port = port
        self.base_url = ""
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> ThreadedServer:
        sock = bind(self.host, self.port)
        self.base_url = base_url(sock, self.host)
        self.port = sock.getsockname()[1]
        self._server = make_server(
            self.sandbox, header_timeout=self.header_timeout, body_budget=self.body_budget
        )
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [sock]},
            daemon=True,
            name=f"baijiayun-sandbox-{self.port}",
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.005)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    @property
    def app(self) -> SandboxApp:
        """The ASGI application served (its ``in_flight`` and ``peak_in_flight`` counters)."""
        return self._server.config.app  # type: ignore[no-any-return]

    def client(self, **kwargs: Any) -> Any:
        """A sync client talking real HTTP to this server."""
        from ..._client import BaiJiaYunClient

        return BaiJiaYunClient(**self.sandbox.client_settings(self.base_url, kwargs))

    def async_client(self, **kwargs: Any) -> Any:
        """An async client talking real HTTP to this server."""
        from ..._client import AsyncBaiJiaYunClient

        return AsyncBaiJiaYunClient(**self.sandbox.client_settings(self.base_url, kwargs))
