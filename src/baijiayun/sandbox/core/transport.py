"""In-process httpx2 transport: the clients call the sandbox core without sockets."""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

import httpx2

from .http import SandboxRequest, SandboxResponse


class Handles(Protocol):
    """What the transport talks to: something that answers a request (the sandbox)."""

    def handle(self, request: SandboxRequest) -> SandboxResponse: ...


def _to_sandbox(request: httpx2.Request, body: bytes) -> SandboxRequest:
    return SandboxRequest(
        method=request.method,
        path=request.url.path,
        query=request.url.query.decode("ascii", "replace"),
        headers={k.lower(): v for k, v in request.headers.items()},
        body=body,
        client_host="127.0.0.1",
        in_process=True,
    )


def _read_timeout(request: httpx2.Request) -> float | None:
    timeout = request.extensions.get("timeout") or {}
    value = timeout.get("read")
    return float(value) if value is not None else None


def _to_httpx(request: httpx2.Request, answer: SandboxResponse) -> httpx2.Response:
    if answer.drop:
        raise httpx2.RemoteProtocolError(
            "server closed the connection without answering", request=request
        )
    return httpx2.Response(
        answer.status,
        headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in answer.headers],
        content=answer.body,
        request=request,
    )


class SandboxTransport(httpx2.BaseTransport, httpx2.AsyncBaseTransport):
    """Hand each request to :meth:`Sandbox.handle`; faults behave as over the network.

    A ``delay`` longer than the request's read timeout raises ``ReadTimeout``
    after the timeout (the request was carried out, as on a real server);
    ``drop`` raises ``RemoteProtocolError``.
    """

    def __init__(self, sandbox: Handles) -> None:
        self.sandbox = sandbox

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        answer = self.sandbox.handle(_to_sandbox(request, request.read()))
        if answer.delay:
            limit = _read_timeout(request)
            if limit is not None and answer.delay > limit:
                time.sleep(limit)
                raise httpx2.ReadTimeout("sandbox delay exceeded the read timeout", request=request)
            time.sleep(answer.delay)
        return _to_httpx(request, answer)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body = await request.aread()
        answer = self.sandbox.handle(_to_sandbox(request, body))
        if answer.delay:
            limit = _read_timeout(request)
            if limit is not None and answer.delay > limit:
                await asyncio.sleep(limit)
                raise httpx2.ReadTimeout("sandbox delay exceeded the read timeout", request=request)
            await asyncio.sleep(answer.delay)
        return _to_httpx(request, answer)
