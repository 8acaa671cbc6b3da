"""The sandbox core: one synchronous function from a request to a response.

The ASGI server (``_server.py``) and the in-process transport (``_transport.py``)
both call :meth:`Sandbox.handle`; neither adds behaviour of its own, so the
sandbox answers the same over real HTTP and without sockets.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

from .._signing import sign, signs_equal
from .._spec import BEIJING, REGISTRY, Context
from ..errors import ValidationError
from . import _lifecycle
from ._faults import Fault, FaultQueue
from ._registry import HANDLERS, Call, PlatformError
from ._state import State

SANDBOX_PARTNER_ID = "10000001"
"""The partner id every sandbox knows (the banner and README show all three)."""
SANDBOX_PARTNER_KEY = "sandbox-partner-key-0000000000000000000000000000000000000000"
SANDBOX_SECRET_KEY = "sandbox-secret-key"
IN_PROCESS_URL = "http://sandbox.local/"
TIMESTAMP_TOLERANCE = 300
MAX_BODY = 20 * 1024 * 1024

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


@dataclass
class SandboxResponse:
    status: int = 200
    headers: list[tuple[bytes, bytes]] = field(default_factory=lambda: list(JSON_HEADERS))
    body: bytes = b""
    delay: float = 0.0
    drop: bool = False
    """Close the connection without a (complete) answer."""


def _json(payload: Any, status: int = 200) -> SandboxResponse:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return SandboxResponse(status=status, body=body)


class BadRequest(Exception):
    """A request the sandbox cannot even parse: answered as code 1001."""


def parse_form(request: SandboxRequest) -> tuple[dict[str, str], dict[str, bytes]]:
    """Form fields (last value wins, like the platform's PHP) and file parts."""
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    try:
        if request.query:
            fields.update(parse_qsl(request.query, keep_blank_values=True, errors="strict"))
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(
                b"Content-Type: " + ctype.encode("latin-1") + b"\r\n\r\n" + request.body
            )
            if not message.is_multipart():
                raise BadRequest("malformed multipart body")
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if not isinstance(name, str):
                    continue
                payload = part.get_payload(decode=True)
                data = payload if isinstance(payload, bytes) else b""
                if part.get_filename() is not None:
                    files[name] = data
                else:
                    fields[name] = data.decode("utf-8")
        elif request.body:
            text = request.body.decode("utf-8")
            fields.update(parse_qsl(text, keep_blank_values=True, errors="strict"))
    except UnicodeError:
        raise BadRequest("request is not valid UTF-8") from None
    except BadRequest:
        raise
    except Exception as exc:  # any parser failure is the caller's malformed request
        raise BadRequest(f"malformed request body ({type(exc).__name__})") from None
    return fields, files


class Sandbox:
    """A stateful local emulator of the platform's open API.

    >>> sandbox = Sandbox(seed=7)
    >>> client = sandbox.client()          # in process, no sockets
    >>> with sandbox.serve() as server:    # real HTTP on 127.0.0.1
    ...     print(server.base_url)
    """

    def __init__(
        self,
        db: str = ":memory:",
        *,
        seed: int | None = None,
        partner_id: str = SANDBOX_PARTNER_ID,
        partner_key: str = SANDBOX_PARTNER_KEY,
        secret_key: str = SANDBOX_SECRET_KEY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        from . import handlers  # noqa: F401 - registers the handlers

        self.state = State(db, seed=seed)
        self.faults = FaultQueue()
        self.requests: Counter[str] = Counter()
        self._counter_lock = threading.Lock()
        self._clock = clock
        self.clock_offset = 0.0
        self.default_partner = (str(partner_id), partner_key, secret_key)
        self.add_partner(str(partner_id), partner_key, secret_key)

    # ---- Python control API (the /_sandbox/ HTTP routes call these)
    def now(self) -> float:
        return self._clock() + self.clock_offset

    def add_partner(self, partner_id: str, partner_key: str, secret_key: str) -> None:
        self.state.execute(
            "INSERT INTO partners (partner_id, partner_key, secret_key) VALUES (?, ?, ?) "
            "ON CONFLICT(partner_id) DO UPDATE SET partner_key=excluded.partner_key, "
            "secret_key=excluded.secret_key",
            (partner_id, partner_key, secret_key),
        )

    def partner_key(self, partner_id: str) -> str | None:
        row = self.state.one("SELECT partner_key FROM partners WHERE partner_id=?", (partner_id,))
        return None if row is None else str(row["partner_key"])

    def reset(self) -> None:
        """Forget every room, code, fault and counter; keep the default partner."""
        self.state.reset()
        self.faults.clear()
        with self._counter_lock:
            self.requests.clear()
        self.clock_offset = 0.0
        self.add_partner(*self.default_partner)

    def seed(self, seed: int | None) -> None:
        """Make the ids, codes and tokens made from now on repeatable."""
        self.state.seed(seed)

    def dump(self) -> dict[str, Any]:
        return {
            "state": self.state.dump(),
            "requests": dict(self.requests),
            "faults": self.faults.describe(),
            "clock_offset": self.clock_offset,
        }

    def inject(self, path: str = "*", **fault: Any) -> Fault:
        """Queue a fault for the next ``count`` requests to ``path`` (``*``: any path).

        Keywords: ``status`` (HTTP status), ``code``/``msg`` (a platform error),
        ``delay`` (seconds), ``drop`` (close without answer), ``body``
        (``truncated``, ``not_json``, ``html``), ``count`` (default 1),
        ``process`` (whether the request is still carried out).
        """
        return self.faults.add(Fault.from_dict({"path": path, **fault}))

    def request_count(self, path: str | None = None) -> int:
        with self._counter_lock:
            return sum(self.requests.values()) if path is None else self.requests[path]

    def advance_clock(self, seconds: float) -> None:
        """Move the sandbox's clock (audition codes and tokens expire by it)."""
        self.clock_offset += seconds

    def start_class(self, room_id: str | int) -> dict[str, Any]:
        """Start a room's class and send the class callback; returns the delivery report."""
        return _lifecycle.class_event(self, str(room_id), "start")

    def end_class(self, room_id: str | int) -> dict[str, Any]:
        """End a room's class and send the class callback; returns the delivery report."""
        return _lifecycle.class_event(self, str(room_id), "end")

    def class_event(self, room_id: str | int, op: str) -> dict[str, Any]:
        """Send a class callback with another ``op`` (teacher_in, teacher_out, ...)."""
        return _lifecycle.class_event(self, str(room_id), op)

    def create_video(self, name: str = "sandbox video", partner_id: str | None = None) -> int:
        """Add a VOD video as if uploaded (status 20); returns its id."""
        return _lifecycle.create_video(self, name, partner_id)

    def set_video_status(self, video_id: int, status: int) -> dict[str, Any]:
        """Mark a video uploaded (20), failed (30) or transcoded (100); sends the callback."""
        return _lifecycle.video_status(self, video_id, status)

    def set_playback_status(
        self, room_id: str | int, status: int, session_id: str | None = None
    ) -> dict[str, Any]:
        """Mark a room's playback generating (20), failed (30) or ready (100); sends it."""
        return _lifecycle.playback_status(self, str(room_id), status, session_id)

    # ---- the request path
    def handle(self, request: SandboxRequest) -> SandboxResponse:
        """Answer one request. Never raises; never answers a framework error page."""
        try:
            return self._handle(request)
        except Exception as exc:  # a sandbox bug must still answer in the envelope
            return _json(
                {
                    "code": 1,
                    "msg": f"sandbox internal error: {type(exc).__name__}",
                    "data": None,
                    "ts": int(self.now()),
                }
            )

    def _handle(self, request: SandboxRequest) -> SandboxResponse:
        path = request.path
        with self._counter_lock:
            self.requests[path] += 1
        if path.startswith("/_sandbox/"):
            from ._control import control

            return control(self, request)
        if path.startswith("/web/"):
            from ._pages import page

            return page(self, request)
        fault = self.faults.take(path)
        if fault is not None and not fault.process:
            return fault.apply(None, self.now())
        response = self._platform(request)
        return fault.apply(response, self.now()) if fault is not None else response

    def envelope(self, code: int, msg: str, data: Any = None) -> SandboxResponse:
        return _json({"code": code, "msg": msg, "data": data, "ts": int(self.now())})

    def _platform(self, request: SandboxRequest) -> SandboxResponse:
        spec = REGISTRY.get(request.path)
        if spec is None or not request.path.startswith("/openapi/"):
            return self.envelope(404, f"path not found: {request.path[:100]}")
        if len(request.body) > MAX_BODY:
            return self.envelope(1001, "request body too large")
        try:
            form, files = parse_form(request)
        except BadRequest as exc:
            return self.envelope(1001, str(exc))
        now = self.now()
        partner_id = form.get("partner_id")
        if not partner_id:
            return self.envelope(1001, "partner_id is required")
        if not partner_id.isdigit():
            return self.envelope(1001, "partner_id must be an integer")
        row = self.state.one("SELECT * FROM partners WHERE partner_id=?", (partner_id,))
        if row is None:
            return self.envelope(2001, "account does not exist")
        if spec.signed:
            problem = self._check_signature(form, str(row["partner_key"]), now)
            if problem is not None:
                return self.envelope(*problem)
        try:
            args = spec.parse_form(form, Context(tz=BEIJING, now=self.now))
        except ValidationError as exc:
            return self.envelope(1001, f"{exc.param}: {exc.rule}")
        handler = HANDLERS.get(request.path)
        if handler is None:
            return self.envelope(1, f"{request.path} is not emulated by the sandbox yet")
        call = Call(self, partner_id, args, form, files, now)
        try:
            data = handler(call)
        except PlatformError as exc:
            return self.envelope(exc.code, exc.msg)
        except ValidationError as exc:
            return self.envelope(1001, f"{exc.param}: {exc.rule}")
        return self.envelope(0, "", data)

    @staticmethod
    def _check_signature(form: dict[str, str], key: str, now: float) -> tuple[int, str] | None:
        received = form.get("sign")
        if not received:
            return (1002, "sign is required")
        stamp = form.get("timestamp")
        if stamp is None or stamp == "":
            return (1001, "timestamp is required")
        if not stamp.isdigit():
            return (1001, "timestamp must be unix seconds")
        expected = sign([(k, v) for k, v in form.items() if k != "sign"], key)
        if not signs_equal(expected, received):
            return (1002, "sign error")
        if abs(now - int(stamp)) > TIMESTAMP_TOLERANCE:
            return (1002, "timestamp expired: more than 300 s from the server's time")
        return None

    # ---- ways to reach it
    def transport(self) -> Any:
        """An httpx2 transport (sync and async) that calls this sandbox without sockets."""
        from ._transport import SandboxTransport

        return SandboxTransport(self)

    def client_settings(self, base_url: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Client arguments for this sandbox's default partner (the caller's win)."""
        partner_id, partner_key, _ = self.default_partner
        kwargs.setdefault("partner_id", partner_id)
        if "secret_key" not in kwargs:
            kwargs.setdefault("partner_key", partner_key)
        kwargs.setdefault("base_url", base_url)
        return kwargs

    def client(self, **kwargs: Any) -> Any:
        """A :class:`~baijiayun.BaiJiaYunClient` bound to this sandbox in process."""
        import httpx2

        from .._client import BaiJiaYunClient

        kwargs.setdefault("http_client", httpx2.Client(transport=self.transport()))
        return BaiJiaYunClient(**self.client_settings(IN_PROCESS_URL, kwargs))

    def async_client(self, **kwargs: Any) -> Any:
        """An :class:`~baijiayun.AsyncBaiJiaYunClient` bound to this sandbox in process."""
        import httpx2

        from .._client import AsyncBaiJiaYunClient

        kwargs.setdefault("http_client", httpx2.AsyncClient(transport=self.transport()))
        return AsyncBaiJiaYunClient(**self.client_settings(IN_PROCESS_URL, kwargs))

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Any:
        """Serve over real HTTP in a background thread: ``with sandbox.serve() as server:``."""
        from ._server import ThreadedServer

        return ThreadedServer(self, host, port)
