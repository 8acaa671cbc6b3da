"""Plays: what was watched through the sandbox's player links, and the statistics made of it.

Every time a player link opens (``/web/video/player``, ``/web/playback/index``
with a valid token: the ``video`` and ``playback`` groups' pages) one play is recorded: the video or
playback, its product line (5 for videos on demand), the time by the sandbox
clock, the viewer's address and user agent, the seconds watched and the
bytes sent (the sandbox counts a play as watched through: the version's
length, and its transcoded size for a video, its size for a playback).

State several groups read: ``video_account`` (storage and traffic used) and
``video_data`` (play records, rankings, daily counts, traffic per video) answer
from these rows and the stored files, never from constants.
"""

from __future__ import annotations

from typing import Any

from ...api.video_data import PlayProduct
from ..core.db import Store
from ..core.service import Call, Service
from ..core.util import beijing

__all__ = ["PlayStore", "day_range", "record_playback_play", "record_video_play", "service"]

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

    def playback_play_times(self, room_ids: list[str]) -> dict[tuple[str, str], int]:
        """Plays per playback ``(room_id, session_id)`` of these rooms (one query)."""
        if not room_ids:
            return {}
        marks = ", ".join(f":r{i}" for i in range(len(room_ids)))
        rows = self._rows(
            "SELECT room_id, COALESCE(session_id, '') AS session, COUNT(*) AS n FROM plays "
            f"WHERE partner_id=:partner AND kind='playback' AND room_id IN ({marks}) "
            "GROUP BY room_id, session",
            **{f"r{i}": room_id for i, room_id in enumerate(room_ids)},
        )
        return {(str(r["room_id"]), str(r["session"])): int(r["n"]) for r in rows}

    def plays(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self._rows("SELECT * FROM plays WHERE partner_id=:partner")]


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


def day_range(call: Call) -> dict[str, Any]:
    """The ``first`` and ``last`` day (``YYYY-MM-DD``) of a call's ``start_date``..``end_date``."""
    return {"first": call.args["start_date"].isoformat(), "last": call.args["end_date"].isoformat()}
