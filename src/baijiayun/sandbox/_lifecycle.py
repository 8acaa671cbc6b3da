"""State transitions the platform drives itself: classes start and end, media get ready.

Each sends the matching callback to the URL the partner set, and returns the
delivery report (the receiver's status and answer).
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from .._spec import BEIJING
from ._delivery import deliver
from ._registry import PlatformError

if TYPE_CHECKING:
    from ._core import Sandbox

CLASS_OPS = ("start", "end", "teacher_in", "teacher_out", "forbidden", "stat")
ROOM_STATUS = {"start": "live", "end": "ended"}
VIDEO_STATUSES = (20, 30, 100)


def _room_partner(sandbox: Sandbox, room_id: str) -> str:
    row = sandbox.state.one("SELECT partner_id, deleted FROM rooms WHERE room_id=?", (room_id,))
    if row is None:
        raise PlatformError(3001, "room does not exist")
    if row["deleted"]:
        raise PlatformError(3002, "room has been deleted")
    return str(row["partner_id"])


def class_event(sandbox: Sandbox, room_id: str, op: str) -> dict[str, Any]:
    """Move a room's class (``start``/``end``) or report another ``op``; send the callback."""
    if op not in CLASS_OPS:
        raise PlatformError(1001, "op: must be one of " + ", ".join(CLASS_OPS))
    partner_id = _room_partner(sandbox, str(room_id))
    if op in ROOM_STATUS:
        sandbox.state.execute(
            "UPDATE rooms SET status=? WHERE room_id=?", (ROOM_STATUS[op], str(room_id))
        )
    op_time = _dt.datetime.fromtimestamp(sandbox.now(), BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    fields = {"room_id": str(room_id), "op": op, "op_time": op_time}
    return deliver(sandbox, partner_id, "class_callback_url", fields)


def create_video(sandbox: Sandbox, name: str, partner_id: str | None = None) -> int:
    """A VOD video (status 20: uploaded) as if the partner had uploaded it."""
    owner = partner_id or sandbox.default_partner[0]
    with sandbox.state.tx():
        row = sandbox.state.one("SELECT MAX(video_id) AS v FROM videos")
        video_id = max(int(row["v"] or 0) if row else 0, 10_000_000) + 1
        sandbox.state.execute(
            "INSERT INTO videos (video_id, partner_id, name, status) VALUES (?, ?, ?, 20)",
            (video_id, owner, name),
        )
    return video_id


def _success_fields(sandbox: Sandbox, key: int) -> dict[str, Any]:
    size = sandbox.state.random_int(1_000_000, 900_000_000)
    return {
        "preface_url": f"https://img.sandbox.invalid/{key}.jpg",
        "total_size": size,
        "total_transcode_size": size // 2,
        "length": sandbox.state.random_int(60, 7200),
        "file_md5": f"{sandbox.state.random_int(0, 2**128 - 1):032x}",
        "now_definition": "16,1,2",
        "origin_definition": "2",
    }


def video_status(sandbox: Sandbox, video_id: int, status: int) -> dict[str, Any]:
    """Set a video's transcode status (20 uploaded, 30 failed, 100 ready); send the callback."""
    if status not in VIDEO_STATUSES:
        raise PlatformError(1001, "status: must be 20, 30 or 100")
    row = sandbox.state.one("SELECT partner_id FROM videos WHERE video_id=?", (int(video_id),))
    if row is None:
        raise PlatformError(1001, f"video_id: no video {video_id}")
    sandbox.state.execute("UPDATE videos SET status=? WHERE video_id=?", (status, int(video_id)))
    fields: dict[str, Any] = {"video_id": int(video_id), "status": status}
    if status == 100:
        fields.update(_success_fields(sandbox, int(video_id)))
    return deliver(sandbox, str(row["partner_id"]), "transcode_callback_url", fields)


def playback_status(
    sandbox: Sandbox, room_id: str, status: int, session_id: str | None = None
) -> dict[str, Any]:
    """A room's playback is generating (20), failed (30) or ready (100); send the callback."""
    if status not in VIDEO_STATUSES:
        raise PlatformError(1001, "status: must be 20, 30 or 100")
    partner_id = _room_partner(sandbox, str(room_id))
    video_id = int(str(room_id)[-8:]) + 20_000_000
    fields: dict[str, Any] = {
        "video_id": video_id,
        "room_id": str(room_id),
        "session_id": session_id or "",
        "status": status,
    }
    if status == 100:
        fields.update(_success_fields(sandbox, video_id))
    return deliver(sandbox, partner_id, "transcode_callback_url", fields)
