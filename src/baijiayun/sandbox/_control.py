"""The control API under ``/_sandbox/``: unsigned JSON, loopback callers only."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from . import _lifecycle
from ._core import SandboxRequest, SandboxResponse, _json
from ._registry import PlatformError

if TYPE_CHECKING:
    from ._core import Sandbox

LOOPBACK = re.compile(r"(127\.\d+\.\d+\.\d+|::1|localhost|testclient)\Z")
ROOM_ROUTE = re.compile(r"/_sandbox/rooms/(\d{1,20})/(start|end|event)\Z")
VIDEO_ROUTE = re.compile(r"/_sandbox/videos/(\d{1,20})/status\Z")
PLAYBACK_ROUTE = re.compile(r"/_sandbox/playback/(\d{1,20})/status\Z")


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message


def _body(request: SandboxRequest) -> dict[str, Any]:
    if not request.body.strip():
        return {}
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise ControlError(400, "body must be a JSON object") from None
    if not isinstance(data, dict):
        raise ControlError(400, "body must be a JSON object")
    return data


def _int(data: dict[str, Any], name: str) -> int:
    value = data.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ControlError(400, f"{name} must be an integer")
    return value


def control(sandbox: Sandbox, request: SandboxRequest) -> SandboxResponse:
    if not LOOPBACK.match(request.client_host or ""):
        return _json({"error": "the control API answers loopback callers only"}, 403)
    try:
        return _json(_route(sandbox, request))
    except ControlError as exc:
        return _json({"error": exc.message}, exc.status)
    except PlatformError as exc:
        return _json({"error": exc.msg, "code": exc.code}, 400)
    except (ValueError, TypeError) as exc:
        return _json({"error": str(exc)}, 400)


def _route(sandbox: Sandbox, request: SandboxRequest) -> Any:
    path, method = request.path, request.method.upper()
    if path == "/_sandbox/reset" and method == "POST":
        sandbox.reset()
        return {"ok": True}
    if path == "/_sandbox/state" and method == "GET":
        return sandbox.dump()
    if path == "/_sandbox/seed" and method == "POST":
        seed = _body(request).get("seed")
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise ControlError(400, "seed must be an integer or null")
        sandbox.seed(seed)
        return {"ok": True, "seed": seed}
    if path == "/_sandbox/faults":
        if method == "POST":
            body = _body(request)
            fault = sandbox.inject(**body)
            return {"ok": True, "fault": fault.__dict__}
        if method == "DELETE":
            sandbox.faults.clear()
            return {"ok": True}
        return {"faults": sandbox.faults.describe()}
    if path == "/_sandbox/requests" and method == "GET":
        return {"total": sandbox.request_count(), "by_path": dict(sandbox.requests)}
    if path == "/_sandbox/clock" and method == "POST":
        advance = _body(request).get("advance", 0)
        if not isinstance(advance, (int, float)) or isinstance(advance, bool):
            raise ControlError(400, "advance must be a number of seconds")
        sandbox.advance_clock(float(advance))
        return {"ok": True, "now": sandbox.now()}
    if path == "/_sandbox/partners" and method == "POST":
        body = _body(request)
        for name in ("partner_id", "partner_key", "secret_key"):
            if not isinstance(body.get(name), str) or not body[name]:
                raise ControlError(400, f"{name} must be a non-empty string")
        if not body["partner_id"].isdigit():
            raise ControlError(400, "partner_id must be digits")
        sandbox.add_partner(body["partner_id"], body["partner_key"], body["secret_key"])
        return {"ok": True}
    if path == "/_sandbox/videos" and method == "POST":
        body = _body(request)
        name = body.get("name", "sandbox video")
        partner = body.get("partner_id")
        if not isinstance(name, str) or (partner is not None and not isinstance(partner, str)):
            raise ControlError(400, "name and partner_id must be strings")
        return {"video_id": _lifecycle.create_video(sandbox, name, partner)}
    if method == "POST" and (match := ROOM_ROUTE.match(path)):
        room_id, action = match.groups()
        op = action if action != "event" else str(_body(request).get("op", ""))
        return _lifecycle.class_event(sandbox, room_id, op)
    if method == "POST" and (match := VIDEO_ROUTE.match(path)):
        return _lifecycle.video_status(sandbox, int(match[1]), _int(_body(request), "status"))
    if method == "POST" and (match := PLAYBACK_ROUTE.match(path)):
        body = _body(request)
        session = body.get("session_id")
        return _lifecycle.playback_status(
            sandbox, match[1], _int(body, "status"), None if session is None else str(session)
        )
    raise ControlError(404, f"no control route {method} {path[:100]}")
