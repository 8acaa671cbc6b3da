"""Plays: what was watched through the sandbox's player links, and the statistics made of it.

Every time a player link opens (``/web/video/player``, ``/web/playback/index``
with a valid token, see ``_pages.py``) one play is recorded: the video or
playback, its product line (5 for videos on demand), the time by the sandbox
clock, the viewer's address and user agent, the seconds watched and the
bytes sent (the sandbox counts a play as watched through: the version's
length, and its transcoded size for a video, its size for a playback).

``video_account/*`` (storage and traffic used) and ``video_data/*`` (play
records, rankings, daily counts, traffic per video) are answered from these
rows and the stored files, never from constants.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from ..api import VideoAccount, VideoData
from ..api.video_data import PlayProduct
from .core.db import Store
from .core.service import Call, Controls, Service
from .media import MediaStore
from .playbacks import PlaybackStore, session_text
from .rooms import RoomStore, beijing

__all__ = ["PlayStore", "Plays", "service"]

service = Service("plays")

RANK_SIZE = 100


def day_of(ts: float) -> str:
    """The Beijing day (``YYYY-MM-DD``) of unix seconds."""
    return beijing(ts)[:10]


@service.store
class PlayStore(Store):
    """One partner's plays."""

    schema = """
    CREATE TABLE IF NOT EXISTS plays (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        partner_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        video_id INTEGER,
        room_id TEXT,
        session_id TEXT,
        product INTEGER NOT NULL,
        name TEXT,
        time REAL NOT NULL,
        day TEXT NOT NULL,
        duration INTEGER NOT NULL,
        flow INTEGER NOT NULL,
        ip TEXT,
        user_agent TEXT
    );
    CREATE INDEX IF NOT EXISTS plays_time ON plays (partner_id, time);
    CREATE INDEX IF NOT EXISTS plays_video ON plays (partner_id, kind, video_id, day);
    CREATE INDEX IF NOT EXISTS plays_room ON plays (partner_id, room_id, session_id, time);
    """

    def record(self, now: float, **play: Any) -> int:
        """Record one play (``kind``, ``video_id``, ``room_id``, ``session_id``, ``product``,
        ``name``, ``duration``, ``flow``, ``ip``, ``user_agent``)."""
        return self._exec(
            "INSERT INTO plays (partner_id, kind, video_id, room_id, session_id, product, name, "
            "time, day, duration, flow, ip, user_agent) VALUES (:partner, :kind, :video_id, "
            ":room_id, :session_id, :product, :name, :now, :day, :duration, :flow, :ip, :agent)",
            now=now,
            day=day_of(now),
            kind=play["kind"],
            video_id=play.get("video_id"),
            room_id=play.get("room_id"),
            session_id=play.get("session_id") or None,
            product=play["product"],
            name=play.get("name"),
            duration=play.get("duration") or 0,
            flow=play.get("flow") or 0,
            ip=play.get("ip"),
            agent=play.get("user_agent"),
        )

    def page(self, where: str, page: int, limit: int, **params: Any) -> tuple[list[Any], int]:
        condition = "partner_id=:partner" + where
        rows = self._page("SELECT * FROM plays", condition, page, limit, **params)
        count = self._row(f"SELECT COUNT(*) AS n FROM plays WHERE {condition}", **params)
        return rows, int(count["n"]) if count else 0

    def flow(self, where: str = "", **params: Any) -> int:
        row = self._row(
            f"SELECT COALESCE(SUM(flow), 0) AS n FROM plays WHERE partner_id=:partner{where}",
            **params,
        )
        return int(row["n"]) if row else 0

    def daily(self, where: str, **params: Any) -> dict[str, int]:
        rows = self._rows(
            "SELECT day, COUNT(*) AS n FROM plays WHERE partner_id=:partner AND day >= :first "
            f"AND day <= :last{where} GROUP BY day",
            **params,
        )
        return {str(r["day"]): int(r["n"]) for r in rows}

    def rank(self, where: str, **params: Any) -> list[dict[str, Any]]:
        rows = self._rows(
            "SELECT video_id, MAX(name) AS name, COUNT(*) AS play_count, MIN(seq) AS first "
            "FROM plays WHERE partner_id=:partner AND day >= :first AND day <= :last"
            f"{where} GROUP BY video_id ORDER BY play_count DESC, first LIMIT :size",
            size=RANK_SIZE,
            **params,
        )
        return [
            {"video_id": r["video_id"], "name": r["name"], "play_count": r["play_count"]}
            for r in rows
        ]

    def plays(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self._rows("SELECT * FROM plays WHERE partner_id=:partner")]


# --------------------------------------------------------------------------- helpers
def _day_range(call: Call) -> dict[str, Any]:
    return {"first": call.args["start_date"].isoformat(), "last": call.args["end_date"].isoformat()}


def _days(call: Call) -> list[str]:
    first: _dt.date = call.args["start_date"]
    last: _dt.date = call.args["end_date"]
    return [(first + _dt.timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def _product(call: Call) -> tuple[str, dict[str, Any]]:
    product = int(call.args.get("product_type") or 0)
    return (" AND product=:product", {"product": product}) if product else ("", {})


def _record(row: Any) -> dict[str, Any]:
    return {
        "video_id": row["video_id"],
        "room_id": row["room_id"],
        "session_id": row["session_id"],
        "start_time": beijing(row["time"]),
        "duration": row["duration"],
        "flow": row["flow"],
        "ip": row["ip"],
        "user_agent": row["user_agent"],
    }


def _records(call: Call, where: str, **params: Any) -> dict[str, Any]:
    page, size = call.page_args(100)
    start: _dt.datetime = call.args["start_time"]
    end: _dt.datetime = call.args["end_time"]
    rows, total = call.store(PlayStore).page(
        where + " AND time >= :start AND time <= :end",
        page,
        size,
        start=start.timestamp(),
        end=end.timestamp(),
        **params,
    )
    return {"list": [_record(r) for r in rows], "total": total, "page": page, "limit": size}


def _counts(counts: dict[str, int], days: list[str]) -> list[dict[str, Any]]:
    return [{"date": day, "play_count": counts.get(day, 0)} for day in days]


# --------------------------------------------------------------------------- video_account
@service.handles(VideoAccount.get_account_info)
def get_account_info(call: Call) -> dict[str, Any]:
    space = call.store(MediaStore).space_used() + call.store(PlaybackStore).space_used()
    return {"used_space": space, "used_flow": call.store(PlayStore).flow()}


@service.handles(VideoAccount.get_used_flow)
def account_used_flow(call: Call) -> dict[str, Any]:
    flow = call.store(PlayStore).flow(" AND day >= :first AND day <= :last", **_day_range(call))
    return {"flow": flow}


# --------------------------------------------------------------------------- video_data
@service.handles(VideoData.get_used_flow)
def video_used_flow(call: Call) -> dict[str, Any]:
    video_id = int(call.store(MediaStore).video(call.args["video_id"])["video_id"])
    flow = call.store(PlayStore).flow(
        " AND kind='video' AND video_id=:video_id AND day >= :first AND day <= :last",
        video_id=video_id,
        **_day_range(call),
    )
    return {"flow": flow}


@service.handles(VideoData.get_video_play_record)
def get_video_play_record(call: Call) -> dict[str, Any]:
    video_id = int(call.store(MediaStore).video(call.args["video_id"])["video_id"])
    return _records(call, " AND kind='video' AND video_id=:video_id", video_id=video_id)


@service.handles(VideoData.export_video_report_batch)
def export_video_report_batch(call: Call) -> dict[str, Any]:
    where, params = _product(call)
    return _records(call, where, **params)


@service.handles(VideoData.get_playback_play_record)
def get_playback_play_record(call: Call) -> dict[str, Any]:
    room = call.store(RoomStore).get(call.args["room_id"])
    where, params = " AND kind='playback' AND room_id=:room_id", {"room_id": room["room_id"]}
    session_id = session_text(call.args.get("session_id"))
    if session_id:
        where += " AND session_id=:session"
        params["session"] = session_id
    return _records(call, where, **params)


@service.handles(VideoData.get_video_play_count_rank)
def get_video_play_count_rank(call: Call) -> dict[str, Any]:
    where, params = _product(call)
    return {"play_rank": call.store(PlayStore).rank(where, **params, **_day_range(call))}


@service.handles(VideoData.get_video_daily_play_count)
def get_video_daily_play_count(call: Call) -> dict[str, Any]:
    video_id = int(call.store(MediaStore).video(call.args["video_id"])["video_id"])
    counts = call.store(PlayStore).daily(
        " AND kind='video' AND video_id=:video_id", video_id=video_id, **_day_range(call)
    )
    return {"play_count": _counts(counts, _days(call))}


@service.handles(VideoData.get_partner_daily_play_count)
def get_partner_daily_play_count(call: Call) -> dict[str, Any]:
    where, params = _product(call)
    counts = call.store(PlayStore).daily(where, **params, **_day_range(call))
    return {"play_count": _counts(counts, _days(call))}


# --------------------------------------------------------------------------- recording a play
def record_video_play(
    store: PlayStore, video: dict[str, Any], now: float, ip: str, user_agent: str | None
) -> int:
    """One play of a video on demand, watched through."""
    size = int(video["total_size"] or 0)
    return store.record(
        now,
        kind="video",
        video_id=int(video["video_id"]),
        product=int(PlayProduct.VOD),
        name=video["name"],
        duration=video["length"],
        flow=size // 2 if video["now_definition"] else size,
        ip=ip,
        user_agent=user_agent,
    )


def record_playback_play(
    store: PlayStore,
    playback: dict[str, Any],
    version: dict[str, Any],
    now: float,
    ip: str,
    user_agent: str | None,
) -> int:
    """One play of a playback (its main version), watched through."""
    return store.record(
        now,
        kind="playback",
        video_id=int(version["video_id"]),
        room_id=playback["room_id"],
        session_id=playback["session_id"],
        product=int(playback["product"]),
        name=playback["name"],
        duration=version["length"],
        flow=version["total_size"],
        ip=ip,
        user_agent=user_agent,
    )


@service.controls
class Plays(Controls):
    """What was watched: ``sandbox.plays``."""

    def of(self, partner_id: str | None = None) -> list[dict[str, Any]]:
        """Every play of an account (the default one unless named), oldest first."""
        return PlayStore(self.env, partner_id or self.env.default_partner).plays()
