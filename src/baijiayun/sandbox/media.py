"""Media: VOD videos, playbacks and their player tokens (``playback/*`` and ``video/*`` so far).

Videos and playbacks move through the transcode lifecycle by the control API
(``sandbox.media``), which sends the transcode callback like the platform.
"""

from __future__ import annotations

import string
from typing import Any

from ..api import Playback, Video
from ._db import Store
from ._http import PlatformError
from ._service import Call, Controls, Service, route
from .partners import deliver
from .rooms import RoomStore

__all__ = ["Media", "MediaStore", "service"]

service = Service("media")

STATUSES = (20, 30, 100)
"""Transcode status: 20 uploaded / generating, 30 failed, 100 ready."""
TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"
FIRST_VIDEO_ID = 10_000_001


@service.store
class MediaStore(Store):
    """One partner's videos and the player tokens issued for videos and playbacks."""

    schema = """
    CREATE TABLE IF NOT EXISTS videos (
        video_id INTEGER PRIMARY KEY,
        partner_id TEXT NOT NULL,
        name TEXT NOT NULL,
        status INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS videos_partner ON videos (partner_id, video_id);
    CREATE TABLE IF NOT EXISTS tokens (
        token TEXT PRIMARY KEY,
        partner_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        session_id TEXT,
        expires_at REAL
    );
    """

    def add_video(self, name: str) -> int:
        with self.env.db.tx():
            # ids are global: the next one after the highest of any partner
            return self._exec(
                "INSERT INTO videos (video_id, partner_id, name, status) VALUES ("
                f"(SELECT COALESCE(MAX(video_id) + 1, {FIRST_VIDEO_ID}) FROM videos), "
                ":partner, :name, 20)",
                name=name,
            )

    def video(self, video_id: int) -> dict[str, Any]:
        row = self._row(
            "SELECT * FROM videos WHERE partner_id=:partner AND video_id=:video_id",
            video_id=video_id,
        )
        if row is None:
            raise PlatformError(1001, f"video_id: no video {video_id}")
        return dict(row)

    def set_video_status(self, video_id: int, status: int) -> None:
        self._exec(
            "UPDATE videos SET status=:status WHERE partner_id=:partner AND video_id=:video_id",
            status=status,
            video_id=video_id,
        )

    def issue(self, kind: str, target: str, session_id: Any, expires_at: float | None) -> str:
        token = self.env.ids.text(TOKEN_ALPHABET, 64)
        self._exec(
            "INSERT INTO tokens (token, partner_id, kind, target, session_id, expires_at) "
            "VALUES (:token, :partner, :kind, :target, :session, :expires)",
            token=token,
            kind=kind,
            target=target,
            session=None if session_id in (None, "") else str(session_id),
            expires=expires_at,
        )
        return token

    def token(self, token: str, kind: str) -> dict[str, Any] | None:
        row = self._row(
            "SELECT * FROM tokens WHERE partner_id=:partner AND token=:token AND kind=:kind",
            token=token,
            kind=kind,
        )
        return None if row is None else dict(row)


def _expiry(call: Call) -> float | None:
    expires_in = call.args.get("expires_in") or 0
    return None if not expires_in else call.now + expires_in


# --------------------------------------------------------------------------- handlers
@service.handles(Playback.get_player_token)
def playback_token(call: Call) -> dict[str, Any]:
    room = call.store(RoomStore).get(call.args["room_id"])
    token = call.store(MediaStore).issue(
        "playback", room["room_id"], call.args.get("session_id"), _expiry(call)
    )
    return {"token": token}


@service.handles(Playback.get_player_token_batch)
def playback_token_batch(call: Call) -> list[dict[str, Any]]:
    out = []
    for entry in call.args["room_ids"]:
        room_id, _, session_id = str(entry).partition("-")
        room = call.store(RoomStore).get(room_id)
        token = call.store(MediaStore).issue("playback", room["room_id"], session_id, _expiry(call))
        out.append({"room_id": room["room_id"], "session_id": session_id or None, "token": token})
    return out


@service.handles(Video.get_player_token)
def video_token(call: Call) -> dict[str, Any]:
    store = call.store(MediaStore)
    video_id = int(call.args["video_id"])
    store.video(video_id)
    return {"token": store.issue("video", str(video_id), None, _expiry(call))}


@service.handles(Video.get_player_token_batch)
def video_token_batch(call: Call) -> list[dict[str, Any]]:
    store = call.store(MediaStore)
    out = []
    for video_id in call.args["video_ids"]:
        store.video(int(video_id))
        token = store.issue("video", str(video_id), None, _expiry(call))
        out.append({"video_id": int(video_id), "token": token})
    return out


# --------------------------------------------------------------------------- controls
def _check_status(status: int) -> None:
    if status not in STATUSES:
        raise PlatformError(1001, "status: must be 20, 30 or 100")


@service.controls
class Media(Controls):
    """Videos and playbacks the platform processes itself: ``sandbox.media``."""

    def _ready_fields(self, key: int) -> dict[str, Any]:
        size = self.env.ids.integer(1_000_000, 900_000_000)
        return {
            "preface_url": f"https://img.sandbox.invalid/{key}.jpg",
            "total_size": size,
            "total_transcode_size": size // 2,
            "length": self.env.ids.integer(60, 7200),
            "file_md5": f"{self.env.ids.integer(0, 2**128 - 1):032x}",
            "now_definition": "16,1,2",
            "origin_definition": "2",
        }

    @route("POST", "/_sandbox/videos", result="video_id")
    def create_video(self, name: str = "sandbox video", partner_id: str | None = None) -> int:
        """Add a VOD video as if the partner had uploaded it (status 20); returns its id."""
        return MediaStore(self.env, partner_id or self.env.default_partner).add_video(name)

    @route("POST", "/_sandbox/videos/{video_id}/status")
    def set_video_status(self, video_id: int, status: int) -> dict[str, Any]:
        """Mark a video uploaded (20), failed (30) or transcoded (100); sends the callback."""
        _check_status(status)
        row = self.env.db.row("SELECT partner_id FROM videos WHERE video_id=?", (int(video_id),))
        if row is None:
            raise PlatformError(1001, f"video_id: no video {video_id}")
        partner_id = str(row["partner_id"])
        MediaStore(self.env, partner_id).set_video_status(int(video_id), status)
        fields: dict[str, Any] = {"video_id": int(video_id), "status": status}
        if status == 100:
            fields.update(self._ready_fields(int(video_id)))
        return deliver(self.env, partner_id, "transcode", fields)

    @route("POST", "/_sandbox/playback/{room_id}/status")
    def set_playback_status(
        self, room_id: str, status: int, session_id: str | None = None
    ) -> dict[str, Any]:
        """Mark a room's playback generating (20), failed (30) or ready (100); sends it."""
        _check_status(status)
        partner_id = RoomStore.owner(self.env, str(room_id))
        RoomStore(self.env, partner_id).get(room_id)
        video_id = int(str(room_id)[-8:]) + 20_000_000
        fields: dict[str, Any] = {
            "video_id": video_id,
            "room_id": str(room_id),
            "session_id": session_id or "",
            "status": status,
        }
        if status == 100:
            fields.update(self._ready_fields(video_id))
        return deliver(self.env, partner_id, "transcode", fields)
