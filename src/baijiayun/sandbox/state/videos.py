"""Videos on demand, their categories, uploads in progress, and player tokens.

State several groups read: ``video`` (its endpoints and the upload host),
``playback`` (its player tokens and replacements by a video), ``video_data`` and
``video_account`` (plays and space), and the player pages.

A video's life, as the platform keeps it:

* ``video/getUploadUrl`` creates it (status 10, uploading) and answers an
  upload URL on this sandbox, ``/_upload/video?video_id=...&token=...``;
* the file arrives there in chunks (``multipart/form-data``, file part
  ``data``, ``Content-Range: bytes first-last/total``), each appended to a
  spool file on disk, never held whole in memory; a chunk that does not start
  where the received bytes end is refused (4001) and
  ``video/getResumeUploadUrl`` says where to continue;
* when the last byte arrives the video is uploaded (status 20, transcoding)
  with its size and the MD5 of its bytes;
* the control API moves it on (``sandbox.video.set_video_status``: 100 ready,
  30 failed), sending the transcode callback when a URL is set.

Player tokens (for videos and playbacks) are kept here; :func:`player_token`
checks one when a player page opens.
"""

from __future__ import annotations

import hashlib
import json
import os
import string
import tempfile
import threading
import weakref
from dataclasses import dataclass
from typing import Any

from ...api.video import VideoStatus
from ..core.db import Database, Env, Store
from ..core.http import PlatformError
from ..core.service import Call, Service
from . import accounts
from .accounts import PartnerStore, deliver

__all__ = ["Refused", "VideoStore", "notify_transcode", "player_token", "service"]

service = Service("videos", uses=(accounts.service,))

TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"
FIRST_VIDEO_ID = 10_000_001
STATUSES = (20, 30, 100)
"""What the control API may set: 20 transcoding (a video: uploaded), 30 failed, 100 ready
(``PlaybackStatus`` and ``VideoStatus`` agree on these three)."""
BYTES_PER_SECOND = 250_000
"""A file's length in seconds is its size at 2 Mbit/s (the sandbox cannot decode media)."""


def csv_text(values: Any) -> str:
    return ",".join(str(v) for v in values)


def csv_ints(text: str | None) -> list[int]:
    return [int(v) for v in (text or "").split(",") if v]


# --------------------------------------------------------------------------- spool files
class Spool:
    """Where uploads in progress are written: a directory beside a file database, or a
    temporary one (removed with the sandbox) for an in-memory database."""

    def __init__(self, db_path: str) -> None:
        self._temp: tempfile.TemporaryDirectory[str] | None = None
        if db_path == ":memory:":
            self._temp = tempfile.TemporaryDirectory(prefix="baijiayun-sandbox-uploads-")
            self.root = self._temp.name
        else:
            self.root = db_path + ".uploads"
            os.makedirs(self.root, exist_ok=True)

    def path(self, partner_id: str, video_id: int) -> str:
        return os.path.join(self.root, f"{partner_id}-{video_id}.part")

    def clear(self) -> None:
        """Remove every upload in progress (a reset forgets their videos)."""
        with os.scandir(self.root) as entries:
            for entry in entries:
                if entry.name.endswith(".part") and entry.is_file(follow_symlinks=False):
                    os.remove(entry.path)

    def close(self) -> None:
        """Remove a temporary spool now (a file database's spool stays beside it)."""
        if self._temp is not None:
            self._temp.cleanup()


_SPOOLS: weakref.WeakKeyDictionary[Database, Spool] = weakref.WeakKeyDictionary()
_SPOOLS_LOCK = threading.Lock()


def spool(env: Env) -> Spool:
    """The spool of ``env``'s database (made on first use, gone with the database)."""
    with _SPOOLS_LOCK:
        found = _SPOOLS.get(env.db)
        if found is None:
            found = _SPOOLS[env.db] = Spool(env.db.path)
        return found


@service.on("reset")
def clear_spool(env: Env) -> None:
    """A reset forgets every video, so the bytes of their uploads in progress go too."""
    with _SPOOLS_LOCK:
        found = _SPOOLS.get(env.db)
    if found is not None:
        found.clear()


def close_spools() -> None:
    """Remove every temporary spool of this process (on SIGTERM, as at a normal exit)."""
    with _SPOOLS_LOCK:
        spools = list(_SPOOLS.values())
    for found in spools:
        found.close()


def _file_md5(path: str) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for piece in iter(lambda: handle.read(1 << 20), b""):
            digest.update(piece)
    return digest.hexdigest()


# --------------------------------------------------------------------------- store
@service.store
class VideoStore(Store):
    """One partner's videos, categories and the player tokens issued for videos and playbacks."""

    schema = """
    CREATE TABLE IF NOT EXISTS videos (
        video_id INTEGER PRIMARY KEY,
        seq INTEGER NOT NULL,
        partner_id TEXT NOT NULL,
        name TEXT NOT NULL,
        status INTEGER NOT NULL,
        publish_status INTEGER NOT NULL DEFAULT 1,
        category_id INTEGER NOT NULL DEFAULT 0,
        deleted INTEGER NOT NULL DEFAULT 0,
        create_time REAL NOT NULL,
        update_time REAL NOT NULL,
        total_size INTEGER,
        upload_size INTEGER NOT NULL DEFAULT 0,
        upload_token TEXT,
        file_md5 TEXT,
        length INTEGER,
        definitions TEXT NOT NULL DEFAULT '16',
        now_definition TEXT NOT NULL DEFAULT '',
        formats TEXT NOT NULL DEFAULT '1,2,4',
        settings TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX IF NOT EXISTS videos_list ON videos (partner_id, deleted, seq);
    CREATE INDEX IF NOT EXISTS videos_category ON videos (partner_id, deleted, category_id, seq);
    CREATE TABLE IF NOT EXISTS categories (
        category_id INTEGER PRIMARY KEY AUTOINCREMENT,
        partner_id TEXT NOT NULL,
        name TEXT NOT NULL,
        parent_id INTEGER NOT NULL DEFAULT 0,
        create_time REAL NOT NULL
    );
    CREATE INDEX IF NOT EXISTS categories_partner ON categories (partner_id, parent_id);
    CREATE TABLE IF NOT EXISTS tokens (
        token TEXT PRIMARY KEY,
        partner_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        session_id TEXT,
        expires_at REAL
    );
    """

    # ---- videos
    def add_video(
        self,
        name: str,
        now: float,
        *,
        status: int = VideoStatus.UPLOADING,
        definitions: str = "16",
        formats: str = "1,2,4",
        settings: dict[str, Any] | None = None,
        file: dict[str, Any] | None = None,
    ) -> int:
        """A new video; ``file`` (``total_size``, ``file_md5``, ``length``) when it is uploaded."""
        file = file or {}
        with self.env.db.tx():
            # ids are global: the next one after the highest of any partner
            video_id = self._exec(
                "INSERT INTO videos (video_id, seq, partner_id, name, status, create_time, "
                "update_time, definitions, formats, settings, total_size, upload_size, file_md5, "
                "length) VALUES ("
                f"(SELECT COALESCE(MAX(video_id) + 1, {FIRST_VIDEO_ID}) FROM videos), 0, :partner, "
                ":name, :status, :now, :now, :definitions, :formats, :settings, :size, :held, "
                ":md5, :length)",
                name=name,
                status=int(status),
                now=now,
                definitions=definitions,
                formats=formats,
                settings=json.dumps(settings or {}),
                size=file.get("total_size"),
                held=file.get("total_size") or 0,
                md5=file.get("file_md5"),
                length=file.get("length"),
            )
            self._exec(
                "UPDATE videos SET seq=video_id WHERE partner_id=:partner AND video_id=:video_id",
                video_id=video_id,
            )
        return video_id

    def find(self, video_id: int) -> dict[str, Any] | None:
        row = self._row(
            "SELECT * FROM videos WHERE partner_id=:partner AND video_id=:video_id AND deleted=0",
            video_id=int(video_id),
        )
        return None if row is None else dict(row)

    def video(self, video_id: int) -> dict[str, Any]:
        """The video, or 1001 naming ``video_id`` (unknown, deleted, or another partner's)."""
        found = self.find(video_id)
        if found is None:
            raise PlatformError(1001, f"video_id: no video {video_id}")
        return found

    def ready_video(self, video_id: int, param: str = "video_id") -> dict[str, Any]:
        video = self.find(video_id)
        if video is None:
            raise PlatformError(1001, f"{param}: no video {video_id}")
        if video["status"] != VideoStatus.READY:
            raise PlatformError(1001, f"{param}: video {video_id} is not transcoded yet")
        return video

    def update_video(self, video_id: int, now: float, **columns: Any) -> None:
        assignments = "".join(f", {name}=:{name}" for name in columns)
        self._exec(
            f"UPDATE videos SET update_time=:now{assignments} "
            "WHERE partner_id=:partner AND video_id=:video_id",
            now=now,
            video_id=int(video_id),
            **columns,
        )

    def videos_page(
        self, where: str, page: int, limit: int, **params: Any
    ) -> tuple[list[dict[str, Any]], int]:
        condition = "partner_id=:partner AND deleted=0" + where
        rows = self._page("SELECT * FROM videos", condition, page, limit, **params)
        total = self._row(f"SELECT COUNT(*) AS n FROM videos WHERE {condition}", **params)
        return [dict(r) for r in rows], int(total["n"]) if total else 0

    def space_used(self) -> int:
        """Bytes stored: received upload bytes and transcoded copies of live videos."""
        row = self._row(
            "SELECT COALESCE(SUM(upload_size), 0) + COALESCE(SUM(CASE WHEN now_definition != '' "
            "THEN total_size / 2 ELSE 0 END), 0) AS n FROM videos "
            "WHERE partner_id=:partner AND deleted=0"
        )
        return int(row["n"]) if row else 0

    # ---- uploads
    def upload_token(self, video_id: int) -> str:
        """The video's upload token (made on first use)."""
        video = self.video(video_id)
        if video["upload_token"]:
            return str(video["upload_token"])
        token = self.env.ids.text(TOKEN_ALPHABET, 40)
        self._exec(
            "UPDATE videos SET upload_token=:token "
            "WHERE partner_id=:partner AND video_id=:video_id",
            token=token,
            video_id=int(video_id),
        )
        return token

    def receive(self, video_id: int, start: int, total: int, data: bytes, now: float) -> int:
        """Append a chunk at byte ``start`` of a ``total``-byte file; the bytes now held.

        Refused (4001) unless the video is uploading, ``start`` is where the
        received bytes end, and ``total`` is what the first chunk said.
        """
        with self.env.db.tx():
            video = self.video(video_id)
            held = int(video["upload_size"])
            if video["status"] != VideoStatus.UPLOADING:
                raise PlatformError(4001, "the upload of this video is complete")
            if video["total_size"] is not None and int(video["total_size"]) != total:
                raise PlatformError(
                    4001, f"Content-Range: the file has {video['total_size']} bytes, not {total}"
                )
            if start != held or start + len(data) > total:
                raise PlatformError(4001, f"Content-Range: the next chunk starts at byte {held}")
            path = spool(self.env).path(self.partner_id, video_id)
            with open(path, "ab") as handle:
                if handle.tell() != held:  # a stale file of a forgotten video: start over
                    handle.truncate(0)
                    if held:
                        raise PlatformError(4001, "the received bytes were lost: upload again")
                handle.write(data)
            held += len(data)
            columns: dict[str, Any] = {"upload_size": held, "total_size": total}
            if held == total:
                columns.update(
                    status=int(VideoStatus.TRANSCODING),
                    file_md5=_file_md5(path),
                    length=max(1, total // BYTES_PER_SECOND),
                )
                os.remove(path)
            self.update_video(video_id, now, **columns)
            return held

    def forget_upload(self, video_id: int) -> None:
        """Drop a spool file left by a video that had the same id before a reset."""
        path = spool(self.env).path(self.partner_id, video_id)
        if os.path.exists(path):
            os.remove(path)

    # ---- categories
    def category(self, category_id: int, param: str = "category_id") -> dict[str, Any]:
        row = self._row(
            "SELECT * FROM categories WHERE partner_id=:partner AND category_id=:category_id",
            category_id=int(category_id),
        )
        if row is None:
            raise PlatformError(1001, f"{param}: no category {category_id}")
        return dict(row)

    def categories(self, parent_id: int | None = None) -> list[dict[str, Any]]:
        where = "" if parent_id is None else " AND parent_id=:parent"
        rows = self._rows(
            f"SELECT * FROM categories WHERE partner_id=:partner{where} ORDER BY category_id",
            parent=parent_id,
        )
        return [dict(r) for r in rows]

    def add_category(self, name: str, parent_id: int, now: float) -> int:
        return self._exec(
            "INSERT INTO categories (partner_id, name, parent_id, create_time) "
            "VALUES (:partner, :name, :parent, :now)",
            name=name,
            parent=parent_id,
            now=now,
        )

    def delete_category(self, category_id: int) -> None:
        self._exec(
            "DELETE FROM categories WHERE partner_id=:partner AND category_id=:category_id",
            category_id=category_id,
        )

    def category_tree(self, category_id: int) -> list[int]:
        """The category and its subcategories."""
        return [category_id] + [c["category_id"] for c in self.categories(category_id)]

    def parents(self, category_ids: list[int]) -> dict[int, int]:
        """The parent of each of these categories (0 for a top-level one; one query)."""
        if not category_ids:
            return {}
        marks = ",".join(str(int(c)) for c in dict.fromkeys(category_ids))
        rows = self._rows(
            "SELECT category_id, parent_id FROM categories WHERE partner_id=:partner "
            f"AND category_id IN ({marks})"
        )
        return {int(r["category_id"]): int(r["parent_id"]) for r in rows}

    def video_counts(self) -> dict[int, int]:
        """Live videos per category (0: in none), in one query."""
        rows = self._rows(
            "SELECT category_id, COUNT(*) AS n FROM videos WHERE partner_id=:partner "
            "AND deleted=0 GROUP BY category_id"
        )
        return {int(r["category_id"]): int(r["n"]) for r in rows}

    def videos_in(self, category_ids: list[int]) -> int:
        marks = ",".join(str(int(c)) for c in category_ids)
        row = self._row(
            "SELECT COUNT(*) AS n FROM videos WHERE partner_id=:partner AND deleted=0 "
            f"AND category_id IN ({marks})"
        )
        return int(row["n"]) if row else 0

    # ---- player tokens
    def issue(self, kind: str, target: str, session_id: Any, expires_at: float | None) -> str:
        token = self.env.ids.text(TOKEN_ALPHABET, 64)
        self._exec(
            "INSERT INTO tokens (token, partner_id, kind, target, session_id, expires_at) "
            "VALUES (:token, :partner, :kind, :target, :session, :expires)",
            token=token,
            kind=kind,
            target=target,
            session=None if session_id in (None, "", 0, "0") else str(session_id),
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

    # ---- across partners (the upload host and controls only)
    @staticmethod
    def upload_owner(env: Env, video_id: int, token: str) -> str | None:
        """The partner whose upload URL this is (the URL names no partner), or None."""
        row = env.db.row(
            "SELECT partner_id FROM videos WHERE video_id=? AND upload_token=? AND deleted=0",
            (video_id, token),
        )
        return None if row is None else str(row["partner_id"])

    @staticmethod
    def owner(env: Env, video_id: int) -> str:
        """The partner a video belongs to (1001 if none)."""
        row = env.db.row("SELECT partner_id FROM videos WHERE video_id=?", (int(video_id),))
        if row is None:
            raise PlatformError(1001, f"video_id: no video {video_id}")
        return str(row["partner_id"])


def expiry(call: Call) -> float | None:
    """When a player token made by ``call`` expires (None: never, for ``expires_in=0``)."""
    expires_in = call.args.get("expires_in") or 0
    return None if not expires_in else call.now + expires_in


def transcoded_size(video: dict[str, Any]) -> int | None:
    size = video["total_size"]
    return None if size is None or not video["now_definition"] else int(size) // 2


def cover(video_id: int) -> str:
    return f"https://img.sandbox.invalid/video/{video_id}.jpg"


def notify_transcode(env: Env, partner_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Send the transcode callback when the partner set its URL; report what happened.

    The platform transcodes whether or not a URL is set; without one nothing is sent.
    """
    if not PartnerStore(env, partner_id).callback_url("transcode"):
        return {"url": None, "fields": fields, "delivered": False, "error": "no callback URL"}
    return deliver(env, partner_id, "transcode", fields)


def session_text(value: Any) -> str:
    """A playback session id as stored: text, empty for none."""
    return "" if value in (None, "", 0, "0") else str(value)


@dataclass(frozen=True)
class Refused:
    """Why a player page opens nothing: its title and text."""

    title: str
    text: str


def player_token(
    env: Env, kind: str, token: str, target: str, session: Any
) -> tuple[str, dict[str, Any]] | Refused:
    """The owner and row of a player ``token`` for ``target`` (``kind``: video or playback),
    or why it opens nothing."""
    owner = env.db.row("SELECT partner_id FROM tokens WHERE token=?", (token,))
    partner_id = None if owner is None else str(owner["partner_id"])
    row = None if partner_id is None else VideoStore(env, partner_id).token(token, kind)
    if row is None or partner_id is None or row["target"] != target:
        return Refused("Bad token", "the token does not match")
    linked = session_text(session)
    if row["session_id"] and linked and linked != row["session_id"]:
        return Refused("Bad token", "the token is for another session")
    if row["expires_at"] is not None and env.now() >= row["expires_at"]:
        return Refused("Token expired", "the token has expired")
    return partner_id, row
