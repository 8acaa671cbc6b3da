"""The sandbox over real HTTP: a small ASGI adapter served by uvicorn.

The adapter only moves bytes between ASGI and :meth:`Sandbox.handle`; it
never lets the server answer an error page of its own.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any, Protocol

from ._http import MAX_BODY, MAX_UPLOAD_BODY, SandboxRequest, SandboxResponse


class Served(Protocol):
    """What the server serves: the sandbox (a protocol, so this module needs no core)."""

    def handle(self, request: SandboxRequest) -> SandboxResponse: ...

    def envelope(self, code: int, msg: str, data: Any = None) -> SandboxResponse: ...

    def client_settings(self, base_url: str, kwargs: dict[str, Any]) -> dict[str, Any]: ...


Scope = dict[str, Any]


class SandboxApp:
    """ASGI application answering like the platform (``uvicorn module:app`` works too)."""

    def __init__(self, sandbox: Served) -> None:
        self.sandbox = sandbox

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
        chunks: list[bytes] = []
        size = 0
        limit = MAX_UPLOAD_BODY if _is_multipart(scope) else MAX_BODY
        too_large = False
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                too_large = True
            elif chunk:
                chunks.append(chunk)
            more = message.get("more_body", False)
        if too_large:
            answer = self.sandbox.envelope(1001, "request body too large")
            await self._send(send, answer)
            return
        client = scope.get("client") or ("", 0)
        path = scope.get("path") or "/"
        request = SandboxRequest(
            method=scope.get("method", "GET"),
            path=path,
            query=scope.get("query_string", b"").decode("latin-1"),
            headers={k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]},
            body=b"".join(chunks),
            client_host=str(client[0]),
        )
        if path.startswith("/_sandbox/"):  # may send a callback: keep the loop free
            answer = await asyncio.to_thread(self.sandbox.handle, request)
        else:
            answer = self.sandbox.handle(request)
        if answer.delay:
            await asyncio.sleep(answer.delay)
        await self._send(send, answer)

    @staticmethod
    async def _send(send: Any, answer: SandboxResponse) -> None:
        body = answer.body
        if answer.drop:
            # Promise more bytes than are sent: the server must close the connection,
            # and the client sees it closed before a complete answer.
            headers = [*answer.headers, (b"content-length", str(len(body) + 1024).encode())]
            await send({"type": "http.response.start", "status": answer.status, "headers": headers})
            await send({"type": "http.response.body", "body": body[:1], "more_body": False})
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


def make_server(sandbox: Served, *, log_level: str = "warning") -> Any:
    try:
        import uvicorn
    except ImportError as exc:  # pragma: no cover - depends on extras
        raise RuntimeError(
            "serving the sandbox over HTTP needs uvicorn: pip install 'baijiayun[sandbox]'"
        ) from exc
    config = uvicorn.Config(
        SandboxApp(sandbox),
        log_level=log_level,
        access_log=False,
        lifespan="off",
        timeout_keep_alive=30,
    )
    return uvicorn.Server(config)


class ThreadedServer:
    """The sandbox on a free port of 127.0.0.1, in a background thread."""

    def __init__(self, sandbox: Served, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sandbox = sandbox
        self.host = host
        self.port = port
        self.base_url = ""
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> ThreadedServer:
        sock = bind(self.host, self.port)
        self.base_url = base_url(sock, self.host)
        self.port = sock.getsockname()[1]
        self._server = make_server(self.sandbox)
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

    def client(self, **kwargs: Any) -> Any:
        """A sync client talking real HTTP to this server."""
        from .._client import BaiJiaYunClient

        return BaiJiaYunClient(**self.sandbox.client_settings(self.base_url, kwargs))

    def async_client(self, **kwargs: Any) -> Any:
        """An async client talking real HTTP to this server."""
        from .._client import AsyncBaiJiaYunClient

        return AsyncBaiJiaYunClient(**self.sandbox.client_settings(self.base_url, kwargs))
