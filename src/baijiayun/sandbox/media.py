"""Media: videos on demand (``/openapi/video/*``), their upload host, categories, player tokens.

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
* the control API moves it on (``sandbox.media.set_video_status``: 100 ready,
  30 failed), sending the transcode callback when a URL is set.

Player tokens (for videos and playbacks) are kept here; ``_pages.py`` checks
them when a player link opens.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import string
import tempfile
import threading
import weakref
from typing import Any
from urllib.parse import parse_qsl

from .. import links as _links
from ..api import Video
from ..api.video import VideoStatus
from .core.db import Database, Env, Store
from .core.forms import BadRequest, parse_form
from .core.http import PlatformError, SandboxRequest, SandboxResponse, json_response
from .core.service import Call, Controls, Service, route
from .partners import PartnerStore, deliver
from .rooms import beijing

__all__ = ["Media", "MediaStore", "notify_transcode", "service"]

service = Service("media")

UPLOAD_PATH = "/_upload/video"
TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"
FIRST_VIDEO_ID = 10_000_001
STATUSES = (20, 30, 100)
"""What the control API may set: 20 uploaded / generating, 30 failed, 100 ready."""
UPLOAD_OK = 1
"""The upload host's code for an accepted chunk (what public integrations read as success)."""
BYTES_PER_SECOND = 250_000
"""A file's length in seconds is its size at 2 Mbit/s (the sandbox cannot decode media)."""
DEFINITION_SIZES = {16: (640, 360), 1: (960, 540), 2: (1280, 720), 4: (1280, 720), 8: (1920, 1080)}
FORMAT_EXTENSIONS = {"mp4": "mp4", "m3u8": "m3u8", "flv": "flv", "encrypt": "ev1"}
URL_LIFETIME = 12 * 3600
_RANGE_RE = re.compile(r"bytes ([0-9]+)-([0-9]+)/([0-9]+)\Z")


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


_SPOOLS: weakref.WeakKeyDictionary[Database, Spool] = weakref.WeakKeyDictionary()
_SPOOLS_LOCK = threading.Lock()


def spool(env: Env) -> Spool:
    """The spool of ``env``'s database (made on first use, gone with the database)."""
    with _SPOOLS_LOCK:
        found = _SPOOLS.get(env.db)
        if found is None:
            found = _SPOOLS[env.db] = Spool(env.db.path)
        return found


def _file_md5(path: str) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for piece in iter(lambda: handle.read(1 << 20), b""):
            digest.update(piece)
    return digest.hexdigest()


# --------------------------------------------------------------------------- store
@service.store
class MediaStore(Store):
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


# --------------------------------------------------------------------------- the upload host
def _upload_answer(code: int, msg: str, data: Any = None) -> SandboxResponse:
    return json_response({"code": code, "msg": msg, "data": data})


def _chunk_data(request: SandboxRequest) -> bytes:
    """The bytes of the request's ``data`` file part (or the whole body if not multipart)."""
    ctype = request.headers.get("content-type", "")
    if not ctype.startswith("multipart/form-data"):
        return request.body
    match = re.search(r'boundary="?([^";]+)"?', ctype)
    if match is None:
        raise BadRequest("multipart body without a boundary")
    delimiter = b"--" + match.group(1).encode("latin-1")
    body = request.body
    if body.startswith(delimiter) and body.count(delimiter) == 2:  # one part: the fast way
        head_end = body.find(b"\r\n\r\n", len(delimiter))
        last = body.rfind(b"\r\n" + delimiter + b"--")
        if head_end < 0 or last < head_end:
            raise BadRequest("malformed multipart body")
        if b'name="data"' not in body[len(delimiter) : head_end]:
            raise BadRequest("the file part must be named data")
        return body[head_end + 4 : last]
    _, files = parse_form(request)
    if "data" not in files:
        raise BadRequest("the file part must be named data")
    return files["data"]


@service.serves(UPLOAD_PATH)
def upload_host(env: Env, request: SandboxRequest) -> SandboxResponse:
    """Receive one chunk of a video file (see the module docstring)."""
    if request.method.upper() != "POST":
        return _upload_answer(4001, "POST the file to the upload URL")
    query = dict(parse_qsl(request.query))
    video_text, token = query.get("video_id", ""), query.get("token", "")
    partner_id = (
        MediaStore.upload_owner(env, int(video_text), token)
        if video_text.isdigit() and len(video_text) < 19 and token
        else None
    )
    if partner_id is None:
        return _upload_answer(4001, "the upload URL is not valid")
    video_id = int(video_text)
    try:
        data = _chunk_data(request)
    except BadRequest as exc:
        return _upload_answer(4001, str(exc))
    content_range = request.headers.get("content-range")
    if content_range is None:
        start, total = 0, len(data)
    else:
        match = _RANGE_RE.match(content_range.strip())
        if match is None:
            return _upload_answer(4001, "Content-Range must be bytes first-last/total")
        start, last, total = (int(g) for g in match.groups())
        if last - start + 1 != len(data):
            return _upload_answer(4001, "Content-Range does not match the chunk's size")
    store = MediaStore(env, partner_id)
    try:
        held = store.receive(video_id, start, total, data, env.now())
    except PlatformError as exc:
        return _upload_answer(exc.code, exc.msg)
    return _upload_answer(
        UPLOAD_OK, "ok", {"video_id": video_id, "upload_size": held, "total_size": total}
    )


# --------------------------------------------------------------------------- handlers
def _upload_url(call: Call, video_id: int, token: str) -> str:
    base = call.base_url or "http://sandbox.local/"
    if call.args.get("use_https"):
        base = "https://" + base.split("://", 1)[1]
    return f"{base}{UPLOAD_PATH.lstrip('/')}?video_id={video_id}&token={token}"


@service.handles(Video.get_upload_url)
def get_upload_url(call: Call) -> dict[str, Any]:
    store = call.store(MediaStore)
    args = call.args
    settings: dict[str, Any] = {k: args[k] for k in ("audio_with_view", "encrypt") if k in args}
    video_id = store.add_video(
        args["file_name"],
        call.now,
        definitions=csv_text(args["definition"]),
        formats=csv_text(args.get("format") or [1, 2, 4]),
        settings=settings,
    )
    store.forget_upload(video_id)
    return {
        "video_id": video_id,
        "upload_url": _upload_url(call, video_id, store.upload_token(video_id)),
    }


@service.handles(Video.get_resume_upload_url)
def get_resume_upload_url(call: Call) -> dict[str, Any]:
    store = call.store(MediaStore)
    video = store.video(call.args["video_id"])
    video_id = int(video["video_id"])
    return {
        "video_id": video_id,
        "upload_url": _upload_url(call, video_id, store.upload_token(video_id)),
        "upload_size": int(video["upload_size"]),
    }


@service.handles(Video.get_status)
def get_status(call: Call) -> dict[str, Any]:
    video = call.store(MediaStore).video(call.args["video_id"])
    return {"video_id": video["video_id"], "status": video["status"]}


def _summary(video: dict[str, Any]) -> dict[str, Any]:
    ready = video["status"] == VideoStatus.READY
    return {
        "video_id": video["video_id"],
        "name": video["name"],
        "status": video["status"],
        "publish_status": video["publish_status"],
        "category_id": video["category_id"],
        "length": video["length"],
        "total_size": video["total_size"],
        "preface_url": cover(video["video_id"]) if ready else None,
        "create_time": beijing(video["create_time"]),
    }


@service.handles(Video.get_info)
def get_info(call: Call) -> dict[str, Any]:
    video = call.store(MediaStore).video(call.args["video_id"])
    uploaded = video["file_md5"] is not None
    return {
        **_summary(video),
        "total_transcode_size": transcoded_size(video),
        "file_md5": video["file_md5"],
        "now_definition": video["now_definition"] or None,
        "origin_definition": "2" if uploaded else None,
        "update_time": beijing(video["update_time"]),
    }


@service.handles(Video.get_image)
def get_image(call: Call) -> dict[str, Any]:
    video = call.store(MediaStore).video(call.args["video_id"])
    if video["status"] != VideoStatus.READY:
        return {"list": []}
    length = int(video["length"] or 1)
    times = sorted({0, length // 2, max(0, length - 1)})
    base = f"https://img.sandbox.invalid/video/{video['video_id']}"
    return {"list": [{"url": f"{base}/shot-{t}.jpg", "time": t} for t in times]}


@service.handles(Video.remove_definition)
def remove_definition(call: Call) -> None:
    store = call.store(MediaStore)
    video = store.ready_video(call.args["video_id"])
    removed = set(call.args["definition"])
    kept = [d for d in csv_ints(video["now_definition"]) if d not in removed]
    store.update_video(video["video_id"], call.now, now_definition=csv_text(kept))


@service.handles(Video.transcode_again)
def transcode_again(call: Call) -> None:
    store = call.store(MediaStore)
    video = store.video(call.args["video_id"])
    if video["status"] in (VideoStatus.UPLOADING, VideoStatus.TRANSCODING):
        raise PlatformError(1001, f"video_id: video {video['video_id']} is not transcoded yet")
    wanted = csv_ints(video["definitions"]) + list(call.args["definition"])
    columns: dict[str, Any] = {
        "definitions": csv_text(dict.fromkeys(wanted)),
        "status": int(VideoStatus.TRANSCODING),
    }
    if call.args.get("format"):
        columns["formats"] = csv_text(call.args["format"])
    store.update_video(video["video_id"], call.now, **columns)


@service.handles(Video.update)
def update(call: Call) -> dict[str, Any]:
    store = call.store(MediaStore)
    video = store.video(call.args["video_id"])
    store.update_video(video["video_id"], call.now, name=call.args["name"])
    return {"video_id": video["video_id"]}


@service.handles(Video.delete)
def delete(call: Call) -> dict[str, Any]:
    store = call.store(MediaStore)
    video = store.video(call.args["video_id"])
    store.update_video(video["video_id"], call.now, deleted=1)
    store.forget_upload(video["video_id"])
    return {"video_id": video["video_id"]}


def _category(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "category_id": row["category_id"],
        "name": row["name"],
        "parent_id": row["parent_id"],
        "create_time": beijing(row["create_time"]),
    }


@service.handles(Video.get_category_list)
def get_category_list(call: Call) -> dict[str, Any]:
    return {"list": [_category(c) for c in call.store(MediaStore).categories()]}


@service.handles(Video.get_category_info)
def get_category_info(call: Call) -> dict[str, Any]:
    store = call.store(MediaStore)
    category_id = int(call.args.get("category_id") or 0)
    children = [_category(c) for c in store.categories(category_id)]
    if not category_id:  # the top level
        return {
            "category_id": 0,
            "name": "",
            "parent_id": None,
            "create_time": None,
            "children": children,
        }
    return {**_category(store.category(category_id)), "children": children}


@service.handles(Video.add_category)
def add_category(call: Call) -> dict[str, Any]:
    store = call.store(MediaStore)
    parent_id = int(call.args.get("parent_id") or 0)
    if parent_id and store.category(parent_id, "parent_id")["parent_id"]:
        raise PlatformError(1001, "parent_id: categories are two levels deep")
    return {"category_id": store.add_category(call.args["name"], parent_id, call.now)}


@service.handles(Video.delete_category)
def delete_category(call: Call) -> dict[str, Any]:
    store = call.store(MediaStore)
    category_id = int(store.category(call.args["category_id"])["category_id"])
    if store.videos_in([category_id]):
        raise PlatformError(1001, "category_id: the category holds videos")
    if store.categories(category_id):
        raise PlatformError(1001, "category_id: the category has subcategories")
    store.delete_category(category_id)
    return {"category_id": category_id}


def _video_page(call: Call, where: str, default_size: int, **params: Any) -> dict[str, Any]:
    page, size = call.page_args(default_size)
    rows, total = call.store(MediaStore).videos_page(where, page, size, **params)
    return {"list": [_summary(r) for r in rows], "total": total, "page": page, "limit": size}


@service.handles(Video.get_category_video)
def get_category_video(call: Call) -> dict[str, Any]:
    store = call.store(MediaStore)
    category_id = int(call.args["category_id"])
    if category_id:
        store.category(category_id)
    tree = store.category_tree(category_id) if category_id else [0]
    ids = ",".join(str(c) for c in tree)
    return _video_page(call, f" AND category_id IN ({ids})", 20)


@service.handles(Video.set_video_category)
def set_video_category(call: Call) -> None:
    store = call.store(MediaStore)
    video = store.video(call.args["video_id"])
    category_id = int(call.args["category_id"])
    if category_id:
        store.category(category_id)
    store.update_video(video["video_id"], call.now, category_id=category_id)


@service.handles(Video.get_player_token)
def video_token(call: Call) -> dict[str, Any]:
    store = call.store(MediaStore)
    video_id = int(call.args["video_id"])
    store.video(video_id)
    return {"token": store.issue("video", str(video_id), None, expiry(call))}


@service.handles(Video.get_player_token_batch)
def video_token_batch(call: Call) -> list[dict[str, Any]]:
    store = call.store(MediaStore)
    out = []
    for video_id in call.args["video_ids"]:
        store.video(int(video_id))
        token = store.issue("video", str(video_id), None, expiry(call))
        out.append({"video_id": int(video_id), "token": token})
    return out


@service.handles(Video.get_url)
def get_url(call: Call) -> dict[str, Any]:
    video = call.store(MediaStore).ready_video(call.args["video_id"])
    video_id = int(video["video_id"])
    fmt = call.args.get("format") or "mp4"
    expires = int(call.now + (call.args.get("expires_in") or URL_LIFETIME))
    definitions = csv_ints(video["now_definition"])
    size = transcoded_size(video) or 0
    each = size // max(1, len(definitions))
    largest = max(definitions, key=lambda d: DEFINITION_SIZES[d][0], default=None)
    width, height = DEFINITION_SIZES[largest] if largest is not None else (None, None)
    ext = FORMAT_EXTENSIONS[fmt]
    return {
        "video_id": video_id,
        "format": fmt,
        "length": video["length"],
        "width": width,
        "height": height,
        "expire_time": beijing(expires),
        "list": [
            {
                "definition": d,
                "url": f"https://vod.sandbox.invalid/{video_id}/{d}.{ext}?expires={expires}",
                "size": each,
            }
            for d in definitions
        ],
    }


@service.handles(Video.set_publish_status)
def set_publish_status(call: Call) -> dict[str, Any]:
    store = call.store(MediaStore)
    video = store.video(call.args["video_id"])
    store.update_video(video["video_id"], call.now, publish_status=call.args["status"])
    return {"status": call.args["status"]}


@service.handles(Video.get_share_url)
def get_share_url(call: Call) -> dict[str, Any]:
    store = call.store(MediaStore)
    video_id = int(store.video(call.args["video_id"])["video_id"])
    token = store.issue("video", str(video_id), None, None)
    url = _links.video_url(call.base_url or "http://sandbox.local/", video_id, token)
    return {
        "share_url": url,
        "iframe": f'<iframe src="{url}" width="640" height="360" allowfullscreen></iframe>',
        "js": f'<script src="{url.replace("/web/video/player", "/web/video/share.js")}"></script>',
        "flash": None,
    }


@service.handles(Video.get_video_list)
def get_video_list(call: Call) -> dict[str, Any]:
    since = call.args.get("create_time")
    if since is None:
        return _video_page(call, "", 20)
    return _video_page(call, " AND create_time >= :since", 20, since=since.timestamp())


# --------------------------------------------------------------------------- controls
def _check_status(status: int) -> None:
    if status not in STATUSES:
        raise PlatformError(1001, "status: must be 20, 30 or 100")


@service.controls
class Media(Controls):
    """Videos the platform processes itself: ``sandbox.media``."""

    @route("POST", "/_sandbox/videos", result="video_id")
    def create_video(self, name: str = "sandbox video", partner_id: str | None = None) -> int:
        """Add a VOD video as if the partner had uploaded it (status 20); returns its id."""
        store = MediaStore(self.env, partner_id or self.env.default_partner)
        size = self.env.ids.integer(1_000_000, 900_000_000)
        file = {
            "total_size": size,
            "file_md5": f"{self.env.ids.integer(0, 2**128 - 1):032x}",
            "length": self.env.ids.integer(60, 7200),
        }
        return store.add_video(name, self.env.now(), status=VideoStatus.TRANSCODING, file=file)

    @route("POST", "/_sandbox/videos/{video_id}/status")
    def set_video_status(self, video_id: int, status: int) -> dict[str, Any]:
        """Mark a video uploaded (20), failed (30) or transcoded (100); sends the callback.

        Transcoding makes the requested definitions ready. Returns the delivery
        report (``delivered`` False and no ``url`` when no callback URL is set).
        """
        _check_status(status)
        partner_id = MediaStore.owner(self.env, int(video_id))
        store = MediaStore(self.env, partner_id)
        video = store.video(int(video_id))
        if video["status"] == VideoStatus.UPLOADING and status != VideoStatus.FAILED:
            raise PlatformError(1001, f"video_id: video {video_id} is still uploading")
        columns: dict[str, Any] = {"status": status}
        if status == VideoStatus.READY:
            columns["now_definition"] = video["definitions"]
        store.update_video(int(video_id), self.env.now(), **columns)
        video.update(columns)
        fields: dict[str, Any] = {"video_id": int(video_id), "status": status}
        if status == VideoStatus.READY:
            fields.update(
                preface_url=cover(int(video_id)),
                total_size=video["total_size"],
                total_transcode_size=transcoded_size(video),
                length=video["length"],
                file_md5=video["file_md5"],
                now_definition=video["now_definition"],
                origin_definition="2",
            )
        return notify_transcode(self.env, partner_id, fields)

    def video(self, video_id: int) -> dict[str, Any]:
        """A video's row (any partner's), as stored."""
        partner_id = MediaStore.owner(self.env, int(video_id))
        return MediaStore(self.env, partner_id).video(int(video_id))
