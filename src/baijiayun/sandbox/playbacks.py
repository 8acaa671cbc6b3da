"""Playbacks: ``/openapi/playback/*`` — the recordings of classes and their versions.

* A playback appears when a room's class ends (``sandbox.rooms.end_class``):
  status 10 (generating), published, with version 0 (the recording: a video
  id of its own, the room's scheduled length up to 4 hours, 2 Mbit/s). A
  long-term room gets one playback per class, a *session* ``yyyymmdd`` + a
  sequence number of that Beijing day; another room keeps one playback (a
  class ended again changes nothing).
* ``sandbox.playbacks.set_playback_status`` moves it on (20, 30, 100) and sends
  the transcode callback; ``sandbox.playbacks.add_crop`` adds a crop (what the
  console's editor makes) as a new version.
* Versions are replaced or added by ``replacePlayback`` (from another
  playback) and ``replacePlaybackByVideo`` (from a transcoded video); the main
  version is the one players show.
* A long-term room's playback is named by its ``session_id`` (documented as
  required there); in other rooms ``session_id`` is left out (or 0).
"""

from __future__ import annotations

from typing import Any

from ..api import Playback
from ..api.playback import LiveProduct, PlaybackStatus
from ..api.room import RoomType
from .core.db import Env, Store
from .core.http import PlatformError
from .core.service import Call, Controls, Service, route
from .media import STATUSES, MediaStore, expiry, notify_transcode
from .rooms import RoomStore, beijing, product_of

__all__ = ["PlaybackStore", "Playbacks", "class_ended", "service"]

service = Service("playbacks")

FIRST_RECORDING_ID = 30_000_001
"""Recordings get video ids of their own, apart from uploaded videos'."""
BYTES_PER_SECOND = 250_000
MAX_RECORDING = 4 * 3600
"""A recording lasts the room's scheduled time, at most 4 hours (long-term rooms)."""


def playback_product(room: dict[str, Any]) -> int:
    """The product line a room's playbacks are listed under (dual-teacher is 3 here)."""
    if room["type"] == RoomType.DUAL_TEACHER:
        return LiveProduct.DUAL_TEACHER
    return int(product_of(room["type"], room.get("industry_type")))


def session_text(value: Any) -> str:
    """A received ``session_id`` as stored: '' for none (or 0)."""
    return "" if value in (None, "", 0, "0") else str(value)


@service.store
class PlaybackStore(Store):
    """One partner's playbacks and their versions."""

    schema = """
    CREATE TABLE IF NOT EXISTS playbacks (
        seq INTEGER PRIMARY KEY,
        partner_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        product INTEGER NOT NULL,
        name TEXT NOT NULL,
        status INTEGER NOT NULL,
        publish_status INTEGER NOT NULL DEFAULT 1,
        main_version INTEGER NOT NULL DEFAULT 0,
        create_time REAL NOT NULL,
        UNIQUE (partner_id, room_id, session_id)
    );
    CREATE INDEX IF NOT EXISTS playbacks_list ON playbacks (partner_id, seq);
    CREATE INDEX IF NOT EXISTS playbacks_product ON playbacks (partner_id, product, seq);
    CREATE TABLE IF NOT EXISTS playback_versions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        partner_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        name TEXT NOT NULL,
        source TEXT NOT NULL,
        video_id INTEGER NOT NULL,
        length INTEGER NOT NULL,
        total_size INTEGER NOT NULL,
        create_time REAL NOT NULL,
        UNIQUE (partner_id, room_id, session_id, version)
    );
    """

    # ---- playbacks
    def create(
        self, room: dict[str, Any], session_id: str, status: int, now: float
    ) -> dict[str, Any]:
        """A playback of ``room`` with its recording as version 0."""
        scheduled = int(room["end_time"]) - int(room["start_time"])
        length = min(max(60, scheduled), MAX_RECORDING)
        with self.env.db.tx():
            # seq counts down, so the keyset order lists the newest playback first
            self._exec(
                "INSERT INTO playbacks (seq, partner_id, room_id, session_id, product, name, "
                "status, create_time) VALUES ((SELECT COALESCE(MIN(seq), 0) - 1 FROM playbacks), "
                ":partner, :room_id, :session, :product, :name, :status, :now)",
                room_id=room["room_id"],
                session=session_id,
                product=playback_product(room),
                name=room["title"],
                status=status,
                now=now,
            )
            self._bump(f"playbacks:{playback_product(room)}", 1)
            self.add_version(
                room["room_id"], session_id, "record", room["title"], length, None, now, version=0
            )
        found = self.find(room["room_id"], session_id)
        assert found is not None
        return found

    def find(self, room_id: str, session_id: str) -> dict[str, Any] | None:
        row = self._row(
            "SELECT * FROM playbacks WHERE partner_id=:partner AND room_id=:room_id "
            "AND session_id=:session",
            room_id=str(room_id),
            session=session_id,
        )
        return None if row is None else dict(row)

    def of_room(self, room_id: str) -> list[dict[str, Any]]:
        """The room's playbacks, oldest first."""
        rows = self._rows(
            "SELECT * FROM playbacks WHERE partner_id=:partner AND room_id=:room_id "
            "ORDER BY seq DESC",
            room_id=str(room_id),
        )
        return [dict(r) for r in rows]

    def update(self, playback: dict[str, Any], **columns: Any) -> None:
        assignments = ", ".join(f"{name}=:{name}" for name in columns)
        self._exec(
            f"UPDATE playbacks SET {assignments} WHERE partner_id=:partner AND seq=:seq",
            seq=playback["seq"],
            **columns,
        )

    def delete(self, playback: dict[str, Any]) -> None:
        with self.env.db.tx():
            self._exec(
                "DELETE FROM playbacks WHERE partner_id=:partner AND seq=:seq", seq=playback["seq"]
            )
            self._exec(
                "DELETE FROM playback_versions WHERE partner_id=:partner AND room_id=:room_id "
                "AND session_id=:session",
                room_id=playback["room_id"],
                session=playback["session_id"],
            )
            self._bump(f"playbacks:{playback['product']}", -1)

    def page(
        self, product: int, room_id: str | None, page: int, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of playbacks, newest first, and the listing's total."""
        where = "partner_id=:partner"
        params: dict[str, Any] = {}
        if product:
            where += " AND product=:product"
            params["product"] = product
        if room_id is not None:
            where += " AND room_id=:room_id"
            params["room_id"] = room_id
        rows = self._page("SELECT * FROM playbacks", where, page, limit, **params)
        if room_id is None:
            products = [product] if product else [int(p) for p in LiveProduct if p]
            total = sum(self._count(f"playbacks:{p}") for p in products)
        else:
            row = self._row(f"SELECT COUNT(*) AS n FROM playbacks WHERE {where}", **params)
            total = int(row["n"]) if row else 0
        return [dict(r) for r in rows], total

    def next_session(self, room_id: str, day: str) -> str:
        """The next session id of a day: ``yyyymmdd`` and one more than the day's last."""
        rows = self._rows(
            "SELECT session_id FROM playbacks WHERE partner_id=:partner AND room_id=:room_id "
            "AND session_id LIKE :day",
            room_id=room_id,
            day=day + "%",
        )
        last = max((int(r["session_id"][len(day) :] or 0) for r in rows), default=0)
        return f"{day}{last + 1}"

    def version_page(
        self, product: int, room_id: str | None, page: int, limit: int
    ) -> tuple[list[tuple[dict[str, Any], int]], int]:
        """Every version of every playback (newest playback first), paged by offset."""
        where = "p.partner_id=:partner"
        params: dict[str, Any] = {}
        if product:
            where += " AND p.product=:product"
            params["product"] = product
        if room_id is not None:
            where += " AND p.room_id=:room_id"
            params["room_id"] = room_id
        joined = (
            "FROM playbacks p JOIN playback_versions v ON v.partner_id=p.partner_id "
            f"AND v.room_id=p.room_id AND v.session_id=p.session_id WHERE {where}"
        )
        rows = self._rows(
            f"SELECT p.*, v.version AS shown {joined} ORDER BY p.seq, v.version "
            "LIMIT :limit OFFSET :offset",
            limit=limit,
            offset=(page - 1) * limit,
            **params,
        )
        count = self._row(f"SELECT COUNT(*) AS n {joined}", **params)
        return [(dict(r), int(r["shown"])) for r in rows], int(count["n"]) if count else 0

    def space_used(self) -> int:
        row = self._row(
            "SELECT COALESCE(SUM(total_size), 0) AS n FROM playback_versions "
            "WHERE partner_id=:partner AND source IN ('record', 'crop')"
        )
        return int(row["n"]) if row else 0

    # ---- versions
    def add_version(
        self,
        room_id: str,
        session_id: str,
        source: str,
        name: str,
        length: int,
        video_id: int | None,
        now: float,
        *,
        version: int | None = None,
    ) -> int:
        """A new version (the next number unless given); a recording or crop gets a video id."""
        with self.env.db.tx():
            if version is None:
                row = self._row(
                    "SELECT COALESCE(MAX(version), -1) + 1 AS v FROM playback_versions "
                    "WHERE partner_id=:partner AND room_id=:room_id AND session_id=:session",
                    room_id=room_id,
                    session=session_id,
                )
                version = int(row["v"]) if row else 0
            self._exec(
                "INSERT INTO playback_versions (partner_id, room_id, session_id, version, name, "
                "source, video_id, length, total_size, create_time) VALUES (:partner, :room_id, "
                ":session, :version, :name, :source, COALESCE(:video_id, (SELECT COALESCE("
                f"MAX(video_id) + 1, {FIRST_RECORDING_ID}) FROM playback_versions WHERE "
                f"video_id >= {FIRST_RECORDING_ID})), :length, :size, :now)",
                room_id=room_id,
                session=session_id,
                version=version,
                name=name,
                source=source,
                video_id=video_id,
                length=length,
                size=length * BYTES_PER_SECOND,
                now=now,
            )
        return version

    def version(self, playback: dict[str, Any], version: int | None = None) -> dict[str, Any]:
        """A version of the playback (default: the main one), or 1001 naming ``version``."""
        number = playback["main_version"] if version is None else int(version)
        row = self._row(
            "SELECT * FROM playback_versions WHERE partner_id=:partner AND room_id=:room_id "
            "AND session_id=:session AND version=:version",
            room_id=playback["room_id"],
            session=playback["session_id"],
            version=number,
        )
        if row is None:
            raise PlatformError(1001, f"version: the playback has no version {number}")
        return dict(row)

    def versions(self, playback: dict[str, Any]) -> list[dict[str, Any]]:
        rows = self._rows(
            "SELECT * FROM playback_versions WHERE partner_id=:partner AND room_id=:room_id "
            "AND session_id=:session ORDER BY version",
            room_id=playback["room_id"],
            session=playback["session_id"],
        )
        return [dict(r) for r in rows]

    def set_version(self, version: dict[str, Any], **columns: Any) -> None:
        assignments = ", ".join(f"{name}=:{name}" for name in columns)
        self._exec(
            f"UPDATE playback_versions SET {assignments} WHERE partner_id=:partner AND seq=:seq",
            seq=version["seq"],
            **columns,
        )

    def delete_version(self, version: dict[str, Any]) -> None:
        self._exec(
            "DELETE FROM playback_versions WHERE partner_id=:partner AND seq=:seq",
            seq=version["seq"],
        )


@service.on("class_ended")
def class_ended(env: Env, partner_id: str, room_id: str) -> dict[str, Any] | None:
    """What the platform does when a class ends: record its playback (status 10).

    A long-term room gets a new session; another room keeps its one playback.
    """
    room = RoomStore(env, partner_id).get(room_id)
    store = PlaybackStore(env, partner_id)
    now = env.now()
    if room.get("is_long_term"):
        session_id = store.next_session(room["room_id"], beijing(now)[:10].replace("-", ""))
    else:
        session_id = ""
        if store.find(room["room_id"], session_id) is not None:
            return None
    return store.create(room, session_id, PlaybackStatus.GENERATING, now)


# --------------------------------------------------------------------------- answers
def _session_out(session_id: str) -> str | None:
    return session_id or None


def _ready(playback: dict[str, Any]) -> bool:
    return bool(playback["status"] == PlaybackStatus.READY)


def _cover(video_id: int) -> str:
    return f"https://img.sandbox.invalid/playback/{video_id}.jpg"


def _item(
    store: PlaybackStore, playback: dict[str, Any], version: int | None = None
) -> dict[str, Any]:
    shown = store.version(playback, version)
    return {
        "room_id": playback["room_id"],
        "session_id": _session_out(playback["session_id"]),
        "video_id": shown["video_id"],
        "name": playback["name"],
        "status": playback["status"],
        "publish_status": playback["publish_status"],
        "version": shown["version"],
        "length": shown["length"],
        "preface_url": _cover(shown["video_id"]) if _ready(playback) else None,
        "create_time": beijing(playback["create_time"]),
    }


def _not_generated(room_id: str, session_id: str) -> dict[str, Any]:
    return {
        "room_id": room_id,
        "session_id": _session_out(session_id),
        "video_id": None,
        "name": None,
        "status": PlaybackStatus.NOT_GENERATED,
        "publish_status": None,
        "version": None,
        "length": None,
        "preface_url": None,
        "create_time": None,
    }


def _room(call: Call, name: str = "room_id") -> dict[str, Any]:
    return call.store(RoomStore).get(call.args[name])


def _session(room: dict[str, Any], value: Any, param: str = "session_id") -> str:
    session_id = session_text(value)
    if room.get("is_long_term") and not session_id:
        raise PlatformError(1001, f"{param}: required for a long-term room's playback")
    return session_id


def _playback(
    call: Call, room_key: str = "room_id", session_key: str = "session_id"
) -> dict[str, Any]:
    """The playback a call names, or 3001/3002 for the room, 1001 for a missing playback."""
    room = _room(call, room_key)
    session_id = _session(room, call.args.get(session_key), session_key)
    found = call.store(PlaybackStore).find(room["room_id"], session_id)
    if found is None:
        where = f" session {session_id}" if session_id else ""
        raise PlatformError(1001, f"{room_key}: room {room['room_id']}{where} has no playback")
    return found


# --------------------------------------------------------------------------- handlers
@service.handles(Playback.get_basic_info)
def get_basic_info(call: Call) -> dict[str, Any]:
    room = _room(call)
    session_id = _session(room, call.args.get("session_id"))
    store = call.store(PlaybackStore)
    found = store.find(room["room_id"], session_id)
    if found is None:
        return _not_generated(room["room_id"], session_id)
    return _item(store, found)


@service.handles(Playback.get_list)
def get_list(call: Call) -> dict[str, Any]:
    store = call.store(PlaybackStore)
    page, size = call.page_args(100)
    room_id = call.args.get("room_id")
    product = int(call.args.get("product_type") or 0)
    room = None if room_id is None else str(room_id)
    if call.args.get("crop_video"):
        versions, total = store.version_page(product, room, page, size)
        items = [_item(store, playback, shown) for playback, shown in versions]
    else:
        rows, total = store.page(product, room, page, size)
        items = [_item(store, r) for r in rows]
    return {"list": items, "total": total, "page": page, "limit": size}


@service.handles(Playback.get_player_token)
def playback_token(call: Call) -> dict[str, Any]:
    room = _room(call)
    token = call.store(MediaStore).issue(
        "playback", room["room_id"], call.args.get("session_id"), expiry(call)
    )
    return {"token": token}


@service.handles(Playback.get_player_token_batch)
def playback_token_batch(call: Call) -> list[dict[str, Any]]:
    out = []
    for entry in call.args["room_ids"]:
        room_id, _, session_id = str(entry).partition("-")
        room = call.store(RoomStore).get(room_id)
        token = call.store(MediaStore).issue("playback", room["room_id"], session_id, expiry(call))
        out.append({"room_id": room["room_id"], "session_id": session_id or None, "token": token})
    return out


@service.handles(Playback.get_session_list)
def get_session_list(call: Call) -> dict[str, Any]:
    room = _room(call)
    store = call.store(PlaybackStore)
    sessions = [p for p in store.of_room(room["room_id"]) if p["session_id"]]
    page, size = call.page_args(max(1, len(sessions)))
    chosen = sessions[(page - 1) * size : page * size]
    return {
        "list": [
            {
                "session_id": p["session_id"],
                "status": p["status"],
                "video_id": store.version(p)["video_id"],
                "length": store.version(p)["length"],
                "create_time": beijing(p["create_time"]),
            }
            for p in chosen
        ],
        "total": len(sessions),
        "page": page,
        "limit": size,
    }


@service.handles(Playback.set_publish_status)
def set_publish_status(call: Call) -> dict[str, Any]:
    playback = _playback(call)
    call.store(PlaybackStore).update(playback, publish_status=call.args["status"])
    return {"status": call.args["status"]}


@service.handles(Playback.delete)
def delete(call: Call) -> None:
    playback = _playback(call)
    store = call.store(PlaybackStore)
    version = call.args.get("version")
    if version is None:
        store.delete(playback)
        return
    if version == 0:
        raise PlatformError(1001, "version: the recording goes with the playback (leave it out)")
    found = store.version(playback, version)
    store.delete_version(found)
    if playback["main_version"] == found["version"]:
        store.update(playback, main_version=0)


@service.handles(Playback.update)
def update(call: Call) -> None:
    playback = _playback(call)
    call.store(PlaybackStore).update(playback, name=call.args["name"])


@service.handles(Playback.get_crop_list)
def get_crop_list(call: Call) -> dict[str, Any]:
    playback = _playback(call)
    store = call.store(PlaybackStore)
    page, size = call.page_args(100)
    product = int(call.args.get("product_type") or 0)
    versions = store.versions(playback) if product in (0, playback["product"]) else []
    chosen = versions[(page - 1) * size : page * size]
    return {
        "list": [
            {
                "room_id": playback["room_id"],
                "session_id": _session_out(playback["session_id"]),
                "version": v["version"],
                "name": v["name"],
                "video_id": v["video_id"],
                "length": v["length"],
                "is_main": int(v["version"] == playback["main_version"]),
                "source": v["source"],
                "create_time": beijing(v["create_time"]),
            }
            for v in chosen
        ],
        "total": len(versions),
        "page": page,
        "limit": size,
    }


@service.handles(Playback.set_main_version)
def set_main_version(call: Call) -> None:
    playback = _playback(call)
    store = call.store(PlaybackStore)
    version = store.version(playback, call.args["version"])
    store.update(playback, main_version=version["version"])


def _ppt(playback: dict[str, Any]) -> dict[str, Any]:
    session = playback["session_id"]
    return {
        "room_id": playback["room_id"],
        "session_id": _session_out(session),
        "date": beijing(playback["create_time"])[:10],
        "url": (
            f"https://ppt.sandbox.invalid/{playback['room_id']}/{session or 0}.pdf"
            if _ready(playback)
            else None
        ),
    }


@service.handles(Playback.get_playback_ppt_url_list)
def get_playback_ppt_url_list(call: Call) -> dict[str, Any]:
    room = _room(call)
    day = call.args.get("date")
    playbacks = call.store(PlaybackStore).of_room(room["room_id"])
    listed = [_ppt(p) for p in playbacks]
    if day is not None:
        listed = [p for p in listed if p["date"] == day.isoformat()]
    return {"list": listed}


@service.handles(Playback.get_playback_ppt_url)
def get_playback_ppt_url(call: Call) -> dict[str, Any]:
    return _ppt(_playback(call))


@service.handles(Playback.replace_playback)
def replace_playback(call: Call) -> None:
    args = call.args
    store = call.store(PlaybackStore)
    source = _playback(call, "source_room_id", "source_session_id")
    if not _ready(source):
        raise PlatformError(1001, "source_room_id: the source playback is not ready")
    taken = store.version(source, args.get("source_version"))
    target_room = _room(call, "target_room_id")
    target_session = _session(target_room, args.get("target_session_id"), "target_session_id")
    target = store.find(target_room["room_id"], target_session)
    if args["type"] == 1:
        if target is None:
            raise PlatformError(1001, "target_room_id: the target has no playback to replace")
        replaced = store.version(target, args.get("target_version"))
        store.set_version(
            replaced,
            source="playback",
            video_id=taken["video_id"],
            length=taken["length"],
            total_size=taken["total_size"],
            create_time=call.now,
        )
        number = int(replaced["version"])
    else:
        if target is None:
            target = store.create(target_room, target_session, PlaybackStatus.READY, call.now)
        number = store.add_version(
            target_room["room_id"],
            target_session,
            "playback",
            taken["name"],
            int(taken["length"]),
            int(taken["video_id"]),
            call.now,
        )
    if args.get("is_replace_main"):
        store.update(target, main_version=number)


@service.handles(Playback.replace_playback_by_video)
def replace_playback_by_video(call: Call) -> None:
    room = _room(call, "target_room_id")
    video = call.store(MediaStore).ready_video(call.args["video_id"])
    store = call.store(PlaybackStore)
    sessions = [p for p in store.of_room(room["room_id"]) if p["session_id"]]
    session_id = sessions[-1]["session_id"] if room.get("is_long_term") and sessions else ""
    target = store.find(room["room_id"], session_id)
    if target is None:
        target = store.create(room, session_id, PlaybackStatus.READY, call.now)
    number = store.add_version(
        room["room_id"],
        session_id,
        "video",
        str(video["name"]),
        int(video["length"] or 1),
        int(video["video_id"]),
        call.now,
    )
    store.update(target, main_version=number)


# --------------------------------------------------------------------------- controls
@service.controls
class Playbacks(Controls):
    """Playbacks the platform generates itself: ``sandbox.playbacks``."""

    def _playback(self, room_id: str, session_id: str | None) -> tuple[str, dict[str, Any]]:
        """The named playback (a long-term room's newest session when none is named);
        made as if the class had been recorded when there is none."""
        partner_id = RoomStore.owner(self.env, str(room_id))
        room = RoomStore(self.env, partner_id).get(room_id)
        store = PlaybackStore(self.env, partner_id)
        session = session_text(session_id)
        if room.get("is_long_term") and not session:
            sessions = [p for p in store.of_room(room["room_id"]) if p["session_id"]]
            if not sessions:
                raise PlatformError(1001, "session_id: name the session of a long-term room")
            session = sessions[-1]["session_id"]
        found = store.find(room["room_id"], session)
        if found is None:  # as if the class had been recorded
            found = store.create(room, session, PlaybackStatus.GENERATING, self.env.now())
        return partner_id, found

    @route("POST", "/_sandbox/playback/{room_id}/status")
    def set_playback_status(
        self, room_id: str, status: int, session_id: str | None = None
    ) -> dict[str, Any]:
        """Mark a room's playback generating (20), failed (30) or ready (100); sends it.

        A room without a playback gets one (as if its class had been recorded).
        Returns the delivery report (``delivered`` False without a callback URL).
        """
        if status not in STATUSES:
            raise PlatformError(1001, "status: must be 20, 30 or 100")
        partner_id, playback = self._playback(room_id, session_id)
        store = PlaybackStore(self.env, partner_id)
        store.update(playback, status=status)
        main = store.version(playback)
        fields: dict[str, Any] = {
            "video_id": main["video_id"],
            "room_id": str(room_id),
            "session_id": playback["session_id"],
            "status": status,
        }
        if status == PlaybackStatus.READY:
            fields.update(
                preface_url=_cover(main["video_id"]),
                total_size=main["total_size"],
                total_transcode_size=main["total_size"] // 2,
                length=main["length"],
                file_md5=f"{self.env.ids.integer(0, 2**128 - 1):032x}",
                now_definition="16,1,2",
                origin_definition="2",
            )
        return notify_transcode(self.env, partner_id, fields)

    @route("POST", "/_sandbox/playback/{room_id}/crops", result="version")
    def add_crop(
        self,
        room_id: str,
        session_id: str | None = None,
        name: str | None = None,
        length: int | None = None,
    ) -> int:
        """Add a crop of a playback (what the console's editor makes); returns its version."""
        partner_id, playback = self._playback(room_id, session_id)
        store = PlaybackStore(self.env, partner_id)
        recording = store.version(playback, 0)
        seconds = length if length is not None else max(1, int(recording["length"]) // 2)
        if not 1 <= seconds <= int(recording["length"]):
            raise PlatformError(1001, "length: a crop lasts between 1 s and the recording")
        return store.add_version(
            playback["room_id"],
            playback["session_id"],
            "crop",
            name or f"{playback['name']} (crop)",
            seconds,
            None,
            self.env.now(),
        )

    def playback(self, room_id: str, session_id: str | None = None) -> dict[str, Any] | None:
        """A room's playback row as stored (None when there is none)."""
        partner_id = RoomStore.owner(self.env, str(room_id))
        return PlaybackStore(self.env, partner_id).find(str(room_id), session_text(session_id))
