"""Playbacks: the recordings of classes and their versions.

State several groups read: ``playback`` (its endpoints; it makes a playback when
a class ends), ``video_data`` (plays of playbacks), ``video_account`` (space),
and the playback player page. What a playback's life is: ``groups/playback.py``.
"""

from __future__ import annotations

from typing import Any

from ...api.playback import LiveProduct
from ...api.room import RoomType
from ..core.db import Store
from ..core.http import PlatformError
from ..core.service import Service
from . import rooms
from .rooms import product_of

__all__ = ["PlaybackStore", "playback_product", "service"]

service = Service("playbacks", uses=(rooms.service,))

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
        """The room's playbacks, newest first."""
        rows = self._rows(
            "SELECT * FROM playbacks WHERE partner_id=:partner AND room_id=:room_id "
            "ORDER BY seq DESC",
            room_id=str(room_id),
        )
        return [dict(r) for r in rows]

    def _set(self, table: str, row: dict[str, Any], columns: dict[str, Any]) -> None:
        """Set ``columns`` of ``row`` of ``table`` (``playbacks`` or ``playback_versions``)."""
        assignments = ", ".join(f"{name}=:{name}" for name in columns)
        self._exec(
            f"UPDATE {table} SET {assignments} WHERE partner_id=:partner AND seq=:seq",
            seq=row["seq"],
            **columns,
        )

    def update(self, playback: dict[str, Any], **columns: Any) -> None:
        self._set("playbacks", playback, columns)

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

    @staticmethod
    def _listed(product: int, room_id: str | None, alias: str = "") -> tuple[str, dict[str, Any]]:
        """The condition and parameters of a listing of the partner's playbacks: of a product
        line (0: all), of a room (None: all); ``alias`` prefixes the playbacks' columns."""
        where = f"{alias}partner_id=:partner"
        params: dict[str, Any] = {}
        if product:
            where += f" AND {alias}product=:product"
            params["product"] = product
        if room_id is not None:
            where += f" AND {alias}room_id=:room_id"
            params["room_id"] = room_id
        return where, params

    def page(
        self, product: int, room_id: str | None, page: int, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of playbacks, newest first, and the listing's total."""
        where, params = self._listed(product, room_id)
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
        where, params = self._listed(product, room_id, "p.")
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
        self._set("playback_versions", version, columns)

    def delete_version(self, version: dict[str, Any]) -> None:
        self._exec(
            "DELETE FROM playback_versions WHERE partner_id=:partner AND seq=:seq",
            seq=version["seq"],
        )
