"""Rooms: the room rows, their join codes, group codes and spot videos, and classes.

State several groups read (``room``, ``live``, ``playback``, ``doc``, ``hudong``,
``room_data``, the settings groups...). A class event (:func:`class_event`) moves a
room's class status, sends the signed class callback, and emits ``class_ended``
when a class ends (the ``playback`` group makes its playback then).
"""

from __future__ import annotations

import json
import sqlite3
import string
import time
from typing import Any

from ...api.room import (
    DEFAULT_TYPE,
    TITLE_LENGTH,
    ProductType,
    RoomType,
)
from ..core.db import Env, Store
from ..core.http import PlatformError
from ..core.service import Service
from ..core.util import beijing
from . import accounts
from .accounts import callback_target, deliver

__all__ = ["RoomStore", "class_event", "is_group_room", "product_of", "service"]

service = Service("rooms", uses=(accounts.service,))

CODE_ALPHABET = string.ascii_lowercase + string.digits
CLASS_OPS = ("start", "end", "teacher_in", "teacher_out", "forbidden", "stat")
CLASS_STATUS = {"start": "live", "end": "ended"}
ROLE_CODES = (("admin_code", 2), ("teacher_code", 1), ("student_code", 0))
"""The codes every room gets, and the role each enters as."""
REGULAR, AUDITION, ROLE, GROUP = 0, 1, -1, -2
"""Kinds of code rows: a student's regular or audition code, a role code, a group code."""


def product_of(room_type: int, industry_type: int | None) -> int:
    """The product line a room is listed under: enterprise, small class or education."""
    if industry_type == 1:
        return ProductType.ENTERPRISE
    if room_type == RoomType.SMALL_CLASS:
        return ProductType.SMALL_CLASS
    return ProductType.EDUCATION


@service.store
class RoomStore(Store):
    """One partner's rooms, their codes and spot videos.

    The columns lists filter and sort on are real columns (indexed); the
    other settings are kept as JSON in ``settings``.
    """

    schema = """
    CREATE TABLE IF NOT EXISTS rooms (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        partner_id TEXT NOT NULL,
        room_id TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        type INTEGER NOT NULL,
        product INTEGER NOT NULL,
        start_time INTEGER NOT NULL,
        end_time INTEGER NOT NULL,
        create_time INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'scheduled',
        deleted INTEGER NOT NULL DEFAULT 0,
        settings TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS rooms_list ON rooms (partner_id, deleted, product, seq);
    CREATE INDEX IF NOT EXISTS rooms_all ON rooms (partner_id, deleted, seq);
    CREATE TABLE IF NOT EXISTS codes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        partner_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        code TEXT NOT NULL UNIQUE,
        type INTEGER NOT NULL,
        user_number TEXT,
        user_role INTEGER NOT NULL DEFAULT 0,
        user_avatar TEXT,
        group_id INTEGER,
        expires_at REAL,
        create_time REAL NOT NULL
    );
    CREATE INDEX IF NOT EXISTS codes_room ON codes (partner_id, room_id, type, seq);
    CREATE INDEX IF NOT EXISTS codes_user ON codes (partner_id, room_id, user_number, type);
    CREATE TABLE IF NOT EXISTS spot_videos (
        partner_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        video_id INTEGER NOT NULL,
        PRIMARY KEY (partner_id, room_id, position)
    );
    """

    # ---- rooms
    def create(self, values: dict[str, Any], now: float) -> dict[str, Any]:
        """A new room with its admin, teacher and student codes."""
        values = {**values, "type": values.get("type", int(DEFAULT_TYPE))}
        settings = {
            k: v
            for k, v in values.items()
            if k not in ("title", "type", "start_time", "end_time") and not k.endswith("attachment")
        }
        room_type = values["type"]
        with self.env.db.tx():
            room_id = self._insert_room(values, settings, now)
            self._bump(f"rooms:{product_of(room_type, values.get('industry_type'))}", 1)
            codes = {
                name: self._add_code(room_id, ROLE, now, user_role=role)
                for name, role in ROLE_CODES
            }
        return {"room_id": room_id, **codes}

    def _insert_room(self, values: dict[str, Any], settings: dict[str, Any], now: float) -> str:
        prefix = time.strftime("%y%m%d", time.gmtime(now + 8 * 3600))
        while True:  # room ids are unique across partners: the UNIQUE column decides
            room_id = prefix + self.env.ids.digits(8)
            try:
                self._exec(
                    "INSERT INTO rooms (partner_id, room_id, title, type, product, start_time, "
                    "end_time, create_time, settings) VALUES (:partner, :room_id, :title, :type, "
                    ":product, :start, :end, :now, :settings)",
                    room_id=room_id,
                    title=values["title"][:TITLE_LENGTH],
                    type=values["type"],
                    product=product_of(values["type"], values.get("industry_type")),
                    start=values["start_time"],
                    end=values["end_time"],
                    now=int(now),
                    settings=json.dumps(settings),
                )
                return room_id
            except sqlite3.IntegrityError:
                continue

    def get(self, room_id: Any, *, deleted_ok: bool = False) -> dict[str, Any]:
        """The room, or 3001 (no such room of this partner) / 3002 (deleted)."""
        row = self._row(
            "SELECT * FROM rooms WHERE partner_id=:partner AND room_id=:room_id",
            room_id=str(room_id),
        )
        if row is None:
            raise PlatformError(3001, "room does not exist")
        if row["deleted"] and not deleted_ok:
            raise PlatformError(3002, "room has been deleted")
        room = dict(row)
        room.update(json.loads(room.pop("settings")))
        return room

    def update(self, room_id: str, changes: dict[str, Any]) -> None:
        columns = {k: v for k, v in changes.items() if k in ("title", "start_time", "end_time")}
        if "title" in columns:
            columns["title"] = columns["title"][:TITLE_LENGTH]
        with self.env.db.tx():
            row = self._row(
                "SELECT settings FROM rooms WHERE partner_id=:partner AND room_id=:room_id",
                room_id=room_id,
            )
            settings = json.loads(row["settings"]) if row else {}
            settings.update({k: v for k, v in changes.items() if k not in columns})
            assignments = "".join(f", {name}=:{name}" for name in columns)
            self._exec(
                f"UPDATE rooms SET settings=:settings{assignments} "
                "WHERE partner_id=:partner AND room_id=:room_id",
                settings=json.dumps(settings),
                room_id=room_id,
                **columns,
            )

    def delete(self, room_id: str) -> None:
        room = self.get(room_id)
        with self.env.db.tx():
            self._exec(
                "UPDATE rooms SET deleted=1 WHERE partner_id=:partner AND room_id=:room_id",
                room_id=room_id,
            )
            self._bump(f"rooms:{room['product']}", -1)

    def set_status(self, room_id: str, status: str) -> None:
        self._exec(
            "UPDATE rooms SET status=:status WHERE partner_id=:partner AND room_id=:room_id",
            status=status,
            room_id=room_id,
        )

    def page(
        self, product: int, page: int, limit: int, **cursor: int
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of live rooms (of one product line, or all for 0) and their total
        (``cursor``: the console's ``after_seq``/``before_seq``, see ``Store._page``)."""
        where = "partner_id=:partner AND deleted=0"
        products = [product] if product else list(ProductType)[1:]
        if product:
            where += " AND product=:product"
        rows = self._page(
            "SELECT seq, room_id, title, type, start_time, end_time, create_time FROM rooms",
            where,
            page,
            limit,
            **cursor,
            **({"product": product} if product else {}),
        )
        total = sum(self._count(f"rooms:{int(p)}") for p in products)
        return [dict(r) for r in rows], total

    # ---- codes
    def role_code(self, room_id: str, role: int) -> str:
        """The room's admin (2), teacher (1) or student (0) code."""
        row = self._row(
            "SELECT code FROM codes WHERE partner_id=:partner AND room_id=:room_id "
            "AND type=:kind AND user_role=:role",
            room_id=room_id,
            kind=ROLE,
            role=role,
        )
        return str(row["code"]) if row else ""

    def _add_code(self, room_id: str, kind: int, now: float, **columns: Any) -> str:
        while True:  # codes are unique across partners (people enter with the code alone)
            code = self.env.ids.text(CODE_ALPHABET, 6)
            names = "".join(f", {k}" for k in columns)
            values = "".join(f", :{k}" for k in columns)
            try:
                self._exec(
                    f"INSERT INTO codes (partner_id, room_id, code, type, create_time{names}) "
                    f"VALUES (:partner, :room_id, :code, :kind, :now{values})",
                    room_id=room_id,
                    code=code,
                    kind=kind,
                    now=now,
                    **columns,
                )
            except sqlite3.IntegrityError:
                continue
            if kind in (REGULAR, AUDITION):
                self._bump(f"codes:{room_id}:{kind}", 1)
            return code

    def user_code(self, room_id: str, user_number: int, avatar: str | None, now: float) -> str:
        """The student's regular code: the same user always gets the same code."""
        with self.env.db.tx():
            row = self._row(
                "SELECT code FROM codes WHERE partner_id=:partner AND room_id=:room_id "
                "AND user_number=:user AND type=:kind",
                room_id=room_id,
                user=str(user_number),
                kind=REGULAR,
            )
            if row is None:
                return self._add_code(
                    room_id, REGULAR, now, user_number=str(user_number), user_avatar=avatar
                )
            if avatar is not None:
                self._exec(
                    "UPDATE codes SET user_avatar=:avatar WHERE partner_id=:partner AND code=:code",
                    avatar=avatar,
                    code=row["code"],
                )
            return str(row["code"])

    def make_regular(self, room_id: str, user_number: int) -> None:
        """Turn the user's audition codes into regular codes (``update_audition_type=1``)."""
        with self.env.db.tx():
            rows = self._rows(
                "SELECT code FROM codes WHERE partner_id=:partner AND room_id=:room_id "
                "AND user_number=:user AND type=:audition",
                room_id=room_id,
                user=str(user_number),
                audition=AUDITION,
            )
            for row in rows:
                self._exec(
                    "UPDATE codes SET type=:regular, expires_at=NULL "
                    "WHERE partner_id=:partner AND code=:code",
                    regular=REGULAR,
                    code=row["code"],
                )
            self._bump(f"codes:{room_id}:{AUDITION}", -len(rows))
            self._bump(f"codes:{room_id}:{REGULAR}", len(rows))

    def audition_codes(
        self, room_id: str, user_numbers: list[int], avatar: str | None, expires: float, now: float
    ) -> list[dict[str, Any]]:
        with self.env.db.tx():
            return [
                {
                    "user_number": str(user),
                    "code": self._add_code(
                        room_id,
                        AUDITION,
                        now,
                        user_number=str(user),
                        user_avatar=avatar,
                        expires_at=expires,
                    ),
                    "expire_time": beijing(expires),
                }
                for user in user_numbers
            ]

    def code(self, code: str) -> dict[str, Any] | None:
        row = self._row(
            "SELECT c.*, r.deleted FROM codes c JOIN rooms r ON r.room_id = c.room_id "
            "WHERE c.partner_id=:partner AND c.code=:code",
            code=code,
        )
        return None if row is None else dict(row)

    def codes_page(
        self, room_id: str, kind: int, page: int, limit: int, **cursor: int
    ) -> tuple[list[Any], int]:
        rows = self._page(
            "SELECT * FROM codes",
            "partner_id=:partner AND room_id=:room_id AND type=:kind",
            page,
            limit,
            **cursor,
            room_id=room_id,
            kind=kind,
        )
        return rows, self._count(f"codes:{room_id}:{kind}")

    def group_codes(self, room_id: str) -> list[dict[str, Any]]:
        rows = self._rows(
            "SELECT * FROM codes WHERE partner_id=:partner AND room_id=:room_id "
            "AND type=:kind ORDER BY group_id, seq",
            room_id=room_id,
            kind=GROUP,
        )
        groups: dict[int, dict[str, Any]] = {}
        for row in rows:
            entry = groups.setdefault(row["group_id"], {"group_id": row["group_id"]})
            entry["teacher_code" if row["user_role"] == 1 else "student_code"] = row["code"]
        return list(groups.values())

    def add_groups(self, room_id: str, number: int, now: float) -> None:
        with self.env.db.tx():
            row = self._row(
                "SELECT MAX(group_id) AS g FROM codes WHERE partner_id=:partner "
                "AND room_id=:room_id",
                room_id=room_id,
            )
            first = int(row["g"] or 0) + 1 if row else 1
            for group_id in range(first, first + number):
                for role in (1, 0):
                    self._add_code(room_id, GROUP, now, user_role=role, group_id=group_id)

    # ---- spot videos
    def set_spot_videos(self, room_id: str, video_ids: list[int]) -> None:
        with self.env.db.tx():
            self._exec(
                "DELETE FROM spot_videos WHERE partner_id=:partner AND room_id=:room_id",
                room_id=room_id,
            )
            for position, video_id in enumerate(video_ids):
                self._exec(
                    "INSERT INTO spot_videos (partner_id, room_id, position, video_id) "
                    "VALUES (:partner, :room_id, :position, :video_id)",
                    room_id=room_id,
                    position=position,
                    video_id=video_id,
                )

    def spot_videos(self, room_id: str) -> list[int]:
        rows = self._rows(
            "SELECT video_id FROM spot_videos WHERE partner_id=:partner AND room_id=:room_id "
            "ORDER BY position",
            room_id=room_id,
        )
        return [int(r["video_id"]) for r in rows]

    # ---- across partners (the core and controls only)
    @staticmethod
    def owner(env: Env, room_id: str) -> str:
        """The partner a room belongs to (3001 if none)."""
        row = env.db.row("SELECT partner_id FROM rooms WHERE room_id=?", (str(room_id),))
        if row is None:
            raise PlatformError(3001, "room does not exist")
        return str(row["partner_id"])


# --------------------------------------------------------------------------- class events
def class_event(
    env: Env, partner_id: str, room_id: str, op: str, *, callback_required: bool = True
) -> dict[str, Any] | None:
    """Move a room's class status for ``op`` and send the signed class callback.

    Returns the delivery report. Without a class callback URL, it is refused
    (1001, nothing changed) when ``callback_required``, else the status moves
    and nothing is sent (None): the API's ``live/startClass`` works without one.
    """
    if op not in CLASS_OPS:
        raise PlatformError(1001, "op: must be one of " + ", ".join(CLASS_OPS))
    store = RoomStore(env, partner_id)
    store.get(room_id)
    try:
        callback_target(env, partner_id, "class")  # refuse before changing anything
    except PlatformError:
        if callback_required:
            raise
        url_set = False
    else:
        url_set = True
    if op in CLASS_STATUS:
        store.set_status(room_id, CLASS_STATUS[op])
    if op == "end":  # the platform then makes the class's playback (groups/playback.py)
        env.emit("class_ended", partner_id=partner_id, room_id=room_id)
    if not url_set:
        return None
    fields = {"room_id": room_id, "op": op, "op_time": beijing(env.now())}
    return deliver(env, partner_id, "class", fields)


def is_group_room(room: dict[str, Any]) -> bool:
    return bool(room.get("is_group_live") or room.get("new_group_live"))


@service.room_owners
def owner(env: Env, room_id: str) -> str:
    """The partner a room belongs to (3001 if none): a room page of the console is its owner's."""
    return RoomStore.owner(env, room_id)
