"""What happens inside a classroom: who entered and left, and what they did.

State several groups read: the platform's reports (``live_account``,
``small_course``, ``room_data``, ``hudong``, ``live``: user counts, peaks,
attendance, quiz and check-in data, ...) are derived from these records, never
from constants:

* **attendance**: one row per visit. ``/web/room/enter`` records an entry
  when a signed enter link opens the room; ``sandbox.classroom.leave`` (or
  ``POST /_sandbox/rooms/{room_id}/leave``) records the exit. Times are the
  sandbox clock's.
* **activity**: one row per thing a user did in class (``kind``: ``chat``,
  ``quiz_answer``, ``checkin``, ``raise_hand``, ``red_package``, ``praise``,
  ``award``, ``question``, ``questionnaire``, ``evaluation``, ``vote``, ...)
  with its details as JSON. Endpoints that act in a classroom record here;
  ``sandbox.classroom.record`` lets a test add what a user would have done.
"""

from __future__ import annotations

import json
from typing import Any

from ..core.db import Store
from ..core.http import PlatformError
from ..core.service import Controls, Service, route
from . import rooms
from .rooms import RoomStore

__all__ = ["ROLES", "Classroom", "ClassroomStore", "service"]

service = Service("classroom", uses=(rooms.service,))
"""State with helpers of its own: ``sandbox.classroom`` (attendance and activity are
what several groups' reports are made of, so no one group owns them)."""

ROLES = {0: "student", 1: "teacher", 2: "assistant"}


@service.store
class ClassroomStore(Store):
    """One partner's attendance and in-class activity."""

    schema = """
    CREATE TABLE IF NOT EXISTS attendance (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        partner_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        user_number TEXT NOT NULL,
        user_name TEXT NOT NULL,
        user_role INTEGER NOT NULL,
        enter_time REAL NOT NULL,
        leave_time REAL
    );
    CREATE INDEX IF NOT EXISTS attendance_room ON attendance (partner_id, room_id, seq);
    CREATE TABLE IF NOT EXISTS activity (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        partner_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        user_number TEXT,
        time REAL NOT NULL,
        data TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS activity_room ON activity (partner_id, room_id, kind, seq);
    """

    def enter(self, room_id: str, user_number: str, user_name: str, role: int, now: float) -> int:
        """Record a visit starting now; returns its id."""
        return self._exec(
            "INSERT INTO attendance (partner_id, room_id, user_number, user_name, user_role, "
            "enter_time) VALUES (:partner, :room_id, :user, :name, :role, :now)",
            room_id=str(room_id),
            user=str(user_number),
            name=user_name,
            role=role,
            now=now,
        )

    def leave(self, room_id: str, user_number: str, now: float) -> int:
        """End the user's open visits to the room; returns how many were open."""
        with self.env.db.tx():
            open_visits = self._rows(
                "SELECT seq FROM attendance WHERE partner_id=:partner AND room_id=:room_id "
                "AND user_number=:user AND leave_time IS NULL",
                room_id=str(room_id),
                user=str(user_number),
            )
            for row in open_visits:
                self._exec(
                    "UPDATE attendance SET leave_time=:now WHERE partner_id=:partner AND seq=:seq",
                    now=now,
                    seq=row["seq"],
                )
        return len(open_visits)

    def visits(self, room_id: str | None = None) -> list[dict[str, Any]]:
        """Visits (of one room, or of every room of the partner) in the order they began."""
        where = "partner_id=:partner" + (" AND room_id=:room_id" if room_id else "")
        rows = self._rows(
            f"SELECT * FROM attendance WHERE {where} ORDER BY seq", room_id=str(room_id or "")
        )
        return [dict(r) for r in rows]

    def record(
        self, room_id: str, kind: str, user_number: str | None, data: dict[str, Any], now: float
    ) -> int:
        return self._exec(
            "INSERT INTO activity (partner_id, room_id, kind, user_number, time, data) "
            "VALUES (:partner, :room_id, :kind, :user, :now, :data)",
            room_id=str(room_id),
            kind=kind,
            user=None if user_number is None else str(user_number),
            now=now,
            data=json.dumps(data, ensure_ascii=False),
        )

    def activity(self, room_id: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
        """Activity (filtered by room and kind) in the order it happened; ``data`` parsed."""
        where = "partner_id=:partner"
        if room_id is not None:
            where += " AND room_id=:room_id"
        if kind is not None:
            where += " AND kind=:kind"
        rows = self._rows(
            f"SELECT * FROM activity WHERE {where} ORDER BY seq",
            room_id=str(room_id or ""),
            kind=kind or "",
        )
        return [{**dict(r), "data": json.loads(r["data"])} for r in rows]


@service.controls
class Classroom(Controls):
    """Attendance and in-class activity: ``sandbox.classroom``."""

    def _store(self, room_id: str) -> ClassroomStore:
        partner_id = RoomStore.owner(self.env, str(room_id))
        RoomStore(self.env, partner_id).get(room_id)
        return ClassroomStore(self.env, partner_id)

    @route("POST", "/_sandbox/rooms/{room_id}/enter")
    def enter(
        self, room_id: str, user_number: str, user_name: str = "", user_role: int = 0
    ) -> dict[str, Any]:
        """Record that a user entered the room now (what opening an enter link does)."""
        if user_role not in ROLES:
            raise PlatformError(1001, "user_role: must be 0, 1 or 2")
        visit = self._store(room_id).enter(
            room_id, str(user_number), user_name or str(user_number), user_role, self.env.now()
        )
        return {"visit": visit}

    @route("POST", "/_sandbox/rooms/{room_id}/leave")
    def leave(self, room_id: str, user_number: str) -> dict[str, Any]:
        """Record that a user left the room now."""
        return {"left": self._store(room_id).leave(room_id, str(user_number), self.env.now())}

    @route("POST", "/_sandbox/rooms/{room_id}/activity")
    def record(
        self,
        room_id: str,
        kind: str,
        user_number: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Record something a user did in class (``kind`` and its details)."""
        if not kind:
            raise PlatformError(1001, "kind: must not be empty")
        store = self._store(room_id)
        return {"id": store.record(room_id, kind, user_number, data or {}, self.env.now())}

    @route("GET", "/_sandbox/rooms/{room_id}/attendance")
    def attendance(self, room_id: str) -> dict[str, Any]:
        """The room's visits, in the order they began."""
        return {"visits": self._store(room_id).visits(room_id)}
