"""Emulation of player tokens for playback (rooms) and VOD (videos)."""

from __future__ import annotations

from typing import Any

from .._registry import Call, PlatformError, handles
from .rooms import load_room


def _issue(call: Call, kind: str, target: str, session_id: Any, expires_in: int) -> str:
    state = call.sandbox.state
    token = state.new_token()
    expires = None if not expires_in else call.now + expires_in
    state.execute(
        "INSERT INTO tokens (token, partner_id, kind, target, session_id, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            token,
            call.partner_id,
            kind,
            target,
            None if session_id is None else str(session_id),
            expires,
        ),
    )
    return token


def _video(call: Call, video_id: Any) -> None:
    row = call.sandbox.state.one(
        "SELECT 1 FROM videos WHERE video_id=? AND partner_id=?", (int(video_id), call.partner_id)
    )
    if row is None:
        raise PlatformError(1001, f"video_id: no video {video_id}")


@handles("/openapi/playback/getPlayerToken")
def playback_token(call: Call) -> dict[str, Any]:
    room = load_room(call, call.args["room_id"])
    token = _issue(
        call,
        "playback",
        room["room_id"],
        call.args.get("session_id"),
        call.args.get("expires_in") or 0,
    )
    return {"token": token}


@handles("/openapi/playback/getPlayerTokenBatch")
def playback_token_batch(call: Call) -> list[dict[str, Any]]:
    out = []
    for entry in call.args["room_ids"]:
        room_id, _, session_id = str(entry).partition("-")
        room = load_room(call, room_id)
        token = _issue(
            call, "playback", room["room_id"], session_id or None, call.args.get("expires_in") or 0
        )
        item: dict[str, Any] = {"room_id": room["room_id"], "token": token}
        if session_id:
            item["session_id"] = session_id
        out.append(item)
    return out


@handles("/openapi/video/getPlayerToken")
def video_token(call: Call) -> dict[str, Any]:
    _video(call, call.args["video_id"])
    token = _issue(
        call, "video", str(call.args["video_id"]), None, call.args.get("expires_in") or 0
    )
    return {"token": token}


@handles("/openapi/video/getPlayerTokenBatch")
def video_token_batch(call: Call) -> list[dict[str, Any]]:
    out = []
    for video_id in call.args["video_ids"]:
        _video(call, video_id)
        token = _issue(call, "video", str(video_id), None, call.args.get("expires_in") or 0)
        out.append({"video_id": int(video_id), "token": token})
    return out
