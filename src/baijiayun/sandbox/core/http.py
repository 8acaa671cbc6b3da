"""What the sandbox's parts exchange: requests, responses and platform errors.

This module imports nothing else from the sandbox, so every other module can
import it without a cycle.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Protocol

MAX_BODY = 20 * 1024 * 1024
"""Bodies above this size are refused before they are read whole."""
MAX_UPLOAD_BODY = 128 * 1024 * 1024
"""The limit for multipart bodies (file uploads: documents of tens of megabytes)."""

HTML_502 = (
    b"<html><head><title>502 Bad Gateway</title></head>"
    b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)
"""The page a faulted ``body="html"`` answers (what a proxy in front of the platform shows)."""
JSON_HEADERS = [(b"content-type", b"application/json; charset=utf-8")]
HTML_HEADERS = [(b"content-type", b"text/html; charset=utf-8")]


@dataclass
class SandboxRequest:
    method: str
    path: str
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    client_host: str = "127.0.0.1"
    """The socket peer's address (never a header the peer chose)."""
    in_process: bool = False
    """Set only by the in-process transport: the request never left this process."""


@dataclass
class SandboxResponse:
    status: int = 200
    headers: list[tuple[bytes, bytes]] = field(default_factory=lambda: list(JSON_HEADERS))
    body: bytes = b""
    delay: float = 0.0
    drop: bool = False
    """Close the connection without a (complete) answer."""
    code: int | None = None
    """The platform code of an envelope answer (for the request log)."""
    msg: str = ""
    partner: str | None = None
    """The partner the request named, once the sandbox has read it (for the request log)."""


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_response(payload: Any, status: int = 200) -> SandboxResponse:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=_plain)
    return SandboxResponse(status=status, body=text.encode("utf-8"))


def envelope(code: int, msg: str, data: Any, now: float) -> SandboxResponse:
    """The platform's answer: ``{"code", "msg", "data", "ts"}`` at HTTP 200."""
    response = json_response({"code": code, "msg": msg, "data": data, "ts": int(now)})
    response.code, response.msg = code, msg
    return response


class PlatformError(Exception):
    """An answer with a non-zero code (HTTP 200, like the platform)."""

    def __init__(self, code: int, msg: str) -> None:
        self.code = code
        self.msg = msg
        super().__init__(f"[{code}] {msg}")


class Shape(Protocol):
    """How a fault shapes an answer (``faults.Fault``; a protocol: this module imports none)."""

    status: int | None
    code: int | None
    msg: str | None
    delay: float
    drop: bool
    body: str | None


def faulted(answer: SandboxResponse | None, fault: Shape | None, now: float) -> SandboxResponse:
    """The answer as ``fault`` shapes it: ``answer`` is the real one when the request was
    carried out (None when the fault kept it from being carried out); no fault, no change."""
    if fault is None:
        if answer is None:
            raise ValueError("a request neither answered nor faulted")
        return answer
    if fault.code is not None:
        out = envelope(fault.code, fault.msg or "injected error", None, now)
    elif answer is not None:
        out = SandboxResponse(
            answer.status,
            list(answer.headers),
            answer.body,
            code=answer.code,
            msg=answer.msg,
            partner=answer.partner,
        )
    else:
        out = json_response({"code": 0, "msg": "", "data": None, "ts": int(now)})
    if fault.status is not None:
        out.status = fault.status
        if fault.code is None and fault.body is None and answer is None:
            out.body = json.dumps({"error": "injected status"}).encode()
    if fault.body == "truncated":
        out.body = out.body[: max(1, len(out.body) // 2)]
    elif fault.body == "not_json":
        out.body = b"upstream said: not json at all"
        out.headers = [(b"content-type", b"text/plain")]
    elif fault.body == "html":
        out.body = HTML_502
        out.headers = list(HTML_HEADERS)
        if fault.status is None:
            out.status = 502
    out.delay = float(fault.delay)
    out.drop = fault.drop
    return out
