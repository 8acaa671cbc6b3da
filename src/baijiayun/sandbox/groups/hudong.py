"""Interaction (``hudong``): classroom interaction reports, teachers, dual-teacher rosters.

The reports are derived from what happened in classrooms, never constants:

* ``interact_info/*`` read the room's activity of one ``type``, the activity
  kind (``checkin``, ``vote``, ``quiz_answer``, ...): one interaction per
  ``data["id"]`` (or per record without one), with the users who took part;
* ``getClassVoteData``, ``getRedPackageData``, ``getRandomAskData`` and
  ``getCheckinData`` read the ``vote``, ``red_package``, ``random_ask`` and
  ``checkin`` activity;
* ``getAiUserCountData`` counts the distinct users who entered the room each
  day (attendance).

Activity is recorded by ``sandbox.classroom.record(room_id, kind, user_number,
data)`` (as a user would have caused it); ``data`` may hold ``id``, ``type``,
``sub_type``, ``answer``, ``amount``, ``content`` and ``user_name``.
Teachers and class rosters are kept per account.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from ..._wire import BEIJING
from ...api import Hudong
from ..core.db import Store
from ..core.http import PlatformError
from ..core.service import Call, Controls, Service, route
from ..core.util import beijing
from ..state import classroom, rooms
from ..state.classroom import ClassroomStore
from ..state.rooms import RoomStore

__all__ = ["HudongControls", "HudongStore", "service"]

service = Service("hudong", uses=(rooms.service, classroom.service), aliases=("interaction",))


@service.store
class HudongStore(Store):
    """One partner's interaction teachers, dual-teacher classes and data callback URL."""

    schema = """
    CREATE TABLE IF NOT EXISTS hudong_teachers (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        partner_id TEXT NOT NULL,
        teacher_id TEXT NOT NULL,
        role INTEGER NOT NULL,
        name TEXT NOT NULL,
        mobile TEXT NOT NULL,
        create_time REAL NOT NULL,
        UNIQUE (partner_id, teacher_id, role)
    );
    CREATE INDEX IF NOT EXISTS hudong_teachers_role ON hudong_teachers (partner_id, role, seq);
    CREATE TABLE IF NOT EXISTS hudong_classes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        partner_id TEXT NOT NULL,
        class_id TEXT NOT NULL,
        fields TEXT NOT NULL,
        UNIQUE (partner_id, class_id)
    );
    CREATE TABLE IF NOT EXISTS hudong_ids (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        partner_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        external_id TEXT NOT NULL,
        UNIQUE (partner_id, kind, external_id)
    );
    CREATE TABLE IF NOT EXISTS hudong_accounts (
        partner_id TEXT PRIMARY KEY,
        callback_url TEXT
    );
    """

    # ---- teachers
    def save_teacher(self, teacher_id: str, role: int, name: str, mobile: str, now: float) -> None:
        self._exec(
            "INSERT INTO hudong_teachers (partner_id, teacher_id, role, name, mobile, create_time) "
            "VALUES (:partner, :teacher_id, :role, :name, :mobile, :now) "
            "ON CONFLICT (partner_id, teacher_id, role) DO UPDATE SET name=excluded.name, "
            "mobile=excluded.mobile",
            teacher_id=teacher_id,
            role=role,
            name=name,
            mobile=mobile,
            now=now,
        )

    def delete_teacher(self, teacher_id: str, role: int) -> bool:
        with self.env.db.tx():
            row = self._row(
                "SELECT seq FROM hudong_teachers WHERE partner_id=:partner "
                "AND teacher_id=:teacher_id AND role=:role",
                teacher_id=teacher_id,
                role=role,
            )
            if row is not None:
                self._exec(
                    "DELETE FROM hudong_teachers WHERE partner_id=:partner AND seq=:seq",
                    seq=row["seq"],
                )
        return row is not None

    def teachers_page(self, role: int, page: int, size: int) -> tuple[list[Any], int]:
        where = "partner_id=:partner AND role=:role"
        rows = self._page("SELECT * FROM hudong_teachers", where, page, size, role=role)
        total = self._row(f"SELECT COUNT(*) AS n FROM hudong_teachers WHERE {where}", role=role)
        return rows, int(total["n"]) if total else 0

    # ---- the platform's ids of what a partner saved
    def platform_id(self, kind: str, external_id: str) -> int:
        """The platform's id of the ``kind`` (``assistant``, ``class``, ``student``) the
        partner calls ``external_id``: made on first save, the same on every later one."""
        with self.env.db.tx():
            self._exec(
                "INSERT OR IGNORE INTO hudong_ids (partner_id, kind, external_id) "
                "VALUES (:partner, :kind, :external)",
                kind=kind,
                external=external_id,
            )
            row = self._row(
                "SELECT id FROM hudong_ids WHERE partner_id=:partner AND kind=:kind "
                "AND external_id=:external",
                kind=kind,
                external=external_id,
            )
        assert row is not None
        return int(row["id"])

    # ---- dual-teacher classes
    def save_class(self, class_id: str, fields: dict[str, Any]) -> None:
        self._exec(
            "INSERT INTO hudong_classes (partner_id, class_id, fields) "
            "VALUES (:partner, :class_id, :fields) ON CONFLICT (partner_id, class_id) "
            "DO UPDATE SET fields=excluded.fields",
            class_id=class_id,
            fields=json.dumps(fields, ensure_ascii=False),
        )

    def get_class(self, class_id: str) -> dict[str, Any] | None:
        row = self._row(
            "SELECT fields FROM hudong_classes WHERE partner_id=:partner AND class_id=:class_id",
            class_id=class_id,
        )
        return None if row is None else {"class_id": class_id, **json.loads(row["fields"])}

    def delete_classes(self, class_ids: list[str]) -> int:
        deleted = 0
        with self.env.db.tx():
            for class_id in dict.fromkeys(class_ids):
                if self.get_class(class_id) is not None:
                    self._exec(
                        "DELETE FROM hudong_classes WHERE partner_id=:partner "
                        "AND class_id=:class_id",
                        class_id=class_id,
                    )
                    deleted += 1
        return deleted

    # ---- account
    def set_callback_url(self, url: str) -> None:
        self._exec(
            "INSERT INTO hudong_accounts (partner_id, callback_url) VALUES (:partner, :url) "
            "ON CONFLICT (partner_id) DO UPDATE SET callback_url=excluded.callback_url",
            url=url,
        )

    def callback_url(self) -> str | None:
        row = self._row("SELECT callback_url FROM hudong_accounts WHERE partner_id=:partner")
        return None if row is None else row["callback_url"]


# --------------------------------------------------------------------------- reading activity
def _time(value: _dt.date, *, end: bool = False) -> float:
    """A moment (or a whole day: its start, or its end with ``end``) as unix seconds.

    The declarations read the platform's Beijing text into a date or an aware datetime.
    """
    if isinstance(value, _dt.datetime):
        return value.timestamp()
    moment = _dt.datetime.combine(value, _dt.time.max if end else _dt.time.min)
    return moment.replace(tzinfo=BEIJING).timestamp()


def _day(ts: float) -> str:
    return _dt.datetime.fromtimestamp(ts, BEIJING).date().isoformat()


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


class Activity:
    """A room's activity of one kind, read for a report."""

    def __init__(self, call: Call, kind: str) -> None:
        self.room_id = str(call.store(RoomStore).get(call.args["room_id"])["room_id"])
        classroom = call.store(ClassroomStore)
        self.records = classroom.activity(self.room_id, kind)
        self._names: dict[str, str] = {
            str(v["user_number"]): str(v["user_name"]) for v in classroom.visits(self.room_id)
        }

    def name(self, record: dict[str, Any]) -> str | None:
        number = record["user_number"]
        own = _text(record["data"].get("user_name"))
        return own or (None if number is None else self._names.get(str(number)))

    def keep(self, test: Callable[[dict[str, Any]], bool]) -> None:
        self.records = [r for r in self.records if test(r)]

    def on_day(self, date: _dt.date | None) -> None:
        if date is not None:
            self.keep(lambda r: _day(r["time"]) == date.isoformat())

    def matching(self, call: Call, *names: str) -> None:
        for name in names:
            wanted = call.args.get(name)
            if wanted is not None:
                text = str(wanted)
                self.records = [r for r in self.records if str(r["data"].get(name, "")) == text]


def interact_id(record: dict[str, Any]) -> str:
    """The interaction a record belongs to: its ``data["id"]``, else the record itself."""
    ident = record["data"].get("id")
    return str(ident) if ident not in (None, "") else f"a{record['seq']}"


def _page(call: Call, items: list[dict[str, Any]]) -> dict[str, Any]:
    page, size = call.page_args(20)
    start = (max(page, 1) - 1) * size
    return {
        "list": items[start : start + size],
        "total": len(items),
        "page": page,
        "page_size": size,
    }


def _between(call: Call, activity: Activity) -> None:
    begin, end = call.args.get("begin_time"), call.args.get("end_time")
    if begin is not None:
        low = _time(begin)
        activity.keep(lambda r: r["time"] >= low)
    if end is not None:
        high = _time(end, end=True)
        activity.keep(lambda r: r["time"] <= high)


def _amount(value: Any) -> str | None:
    try:
        return None if value in (None, "") else str(Decimal(str(value)))
    except InvalidOperation:
        return None


# --------------------------------------------------------------------------- handlers
@service.handles(Hudong.interact_info_get_interact_list)
def interact_info_get_interact_list(call: Call) -> dict[str, Any]:
    activity = Activity(call, str(call.args["type"]))
    _between(call, activity)
    groups: dict[str, list[dict[str, Any]]] = {}
    for record in activity.records:
        groups.setdefault(interact_id(record), []).append(record)
    items = [
        {
            "interact_id": ident,
            "room_id": activity.room_id,
            "type": str(call.args["type"]),
            "start_time": beijing(records[0]["time"]),
            "end_time": beijing(records[-1]["time"]),
            "user_count": len({r["user_number"] for r in records if r["user_number"]}),
        }
        for ident, records in groups.items()
    ]
    return _page(call, items)


@service.handles(Hudong.interact_info_get_interact_detail)
def interact_info_get_interact_detail(call: Call) -> dict[str, Any]:
    activity = Activity(call, str(call.args["type"]))
    _between(call, activity)
    items = [
        {
            "interact_id": interact_id(r),
            "room_id": activity.room_id,
            "type": str(call.args["type"]),
            "user_number": r["user_number"],
            "user_name": activity.name(r),
            "time": beijing(r["time"]),
            "content": _text(r["data"].get("answer", r["data"].get("content"))),
        }
        for r in activity.records
    ]
    return _page(call, items)


def _class_data(
    call: Call,
    kind: str,
    id_field: str,
    matched: tuple[str, ...],
    **extra: Callable[[Any], str | None],
) -> dict[str, Any]:
    """A page of a room's ``kind`` records, on the asked day, whose ``matched`` fields are as
    asked: each its id (as ``id_field``), the room, those fields, who, the ``extra`` fields of
    its data (each as its function reads it) and when."""
    activity = Activity(call, kind)
    activity.matching(call, *matched)
    activity.on_day(call.args.get("date"))
    items = [
        {
            id_field: interact_id(r),
            "room_id": activity.room_id,
            **{name: _text(r["data"].get(name)) for name in matched},
            "user_number": r["user_number"],
            "user_name": activity.name(r),
            **{name: read(r["data"].get(name)) for name, read in extra.items()},
            "time": beijing(r["time"]),
        }
        for r in activity.records
    ]
    return _page(call, items)


@service.handles(Hudong.interact_data_get_class_vote_data)
def interact_data_get_class_vote_data(call: Call) -> dict[str, Any]:
    return _class_data(call, "vote", "vote_id", ("type", "sub_type"), answer=_text)


@service.handles(Hudong.interact_data_get_red_package_data)
def interact_data_get_red_package_data(call: Call) -> dict[str, Any]:
    return _class_data(call, "red_package", "red_package_id", ("type",), amount=_amount)


@service.handles(Hudong.interact_data_get_random_ask_data)
def interact_data_get_random_ask_data(call: Call) -> dict[str, Any]:
    return _class_data(call, "random_ask", "ask_id", ("type",))


@service.handles(Hudong.interact_data_get_ai_user_count_data)
def interact_data_get_ai_user_count_data(call: Call) -> dict[str, Any]:
    room_id = str(call.store(RoomStore).get(call.args["room_id"])["room_id"])
    days: dict[str, set[str]] = {}
    for visit in call.store(ClassroomStore).visits(room_id):
        days.setdefault(_day(visit["enter_time"]), set()).add(str(visit["user_number"]))
    date = call.args.get("date")
    if date is not None:
        days = {d: users for d, users in days.items() if d == date.isoformat()}
    items = [
        {"room_id": room_id, "date": day, "user_count": len(users)}
        for day, users in sorted(days.items())
    ]
    return _page(call, items)


def _as_sent(value: Any) -> Any:
    """An id echoed as the vendor's example shows it: a number when it is one."""
    text = str(value)
    return int(text) if text.isdigit() and len(text) < 19 else text


@service.handles(Hudong.interact_data_save)
def interact_data_save(call: Call) -> dict[str, Any]:
    """Save the class; answer the platform's ids of the assistant, the class and each
    student beside the caller's (the vendor's page 双师课堂创建互动成员接口, API 1)."""
    students = json.loads(call.args["student_list"])
    store = call.store(HudongStore)
    class_id = str(call.args["class_id"])
    assistant = str(call.args["assist_teacher_id"])
    with call.env.db.tx():
        store.save_class(
            class_id,
            {
                "class_name": call.args["class_name"],
                "origin": call.args["origin"],
                "assist_teacher_id": assistant,
                "assist_teacher_name": call.args["assist_teacher_name"],
                "assist_teacher_mobile": call.args["assist_teacher_mobile"],
                "student_list": students,
            },
        )
        saved = [
            {"student_id": _as_sent(s["student_id"]), "id": store.platform_id("student", sid)}
            for s in students
            if isinstance(s, dict) and (sid := _text(s.get("student_id"))) is not None
        ]
        return {
            "assist_teacher_list": {
                "assist_teacher_id": _as_sent(assistant),
                "id": store.platform_id("assistant", assistant),
            },
            "class_list": {
                "class_id": _as_sent(class_id),
                "id": store.platform_id("class", class_id),
            },
            "student_list": saved,
        }


@service.handles(Hudong.interact_data_get_checkin_data)
def interact_data_get_checkin_data(call: Call) -> dict[str, Any]:
    checkin_id = str(call.args["checkin_id"])
    found = []
    classroom = call.store(ClassroomStore)
    for record in classroom.activity(kind="checkin"):
        if interact_id(record) == checkin_id:
            found.append(record)
    if not found:
        raise PlatformError(1001, f"checkin_id: no check-in {checkin_id}")
    room_id = str(found[0]["room_id"])
    names = {str(v["user_number"]): v["user_name"] for v in classroom.visits(room_id)}
    users: dict[str, dict[str, Any]] = {}
    for record in found:
        number = record["user_number"]
        if number and number not in users:
            users[number] = {
                "user_number": number,
                "user_name": _text(record["data"].get("user_name")) or names.get(number),
                "checkin_time": beijing(record["time"]),
            }
    return {
        "checkin_id": checkin_id,
        "room_id": room_id,
        "user_count": len(users),
        "list": list(users.values()),
    }


@service.handles(Hudong.interact_data_delete)
def interact_data_delete(call: Call) -> dict[str, Any]:
    ids = [str(c) for c in call.args["class_ids"]]
    return {"result": call.store(HudongStore).delete_classes(ids)}


def _student(entry: Any) -> dict[str, Any]:
    entry = entry if isinstance(entry, dict) else {}
    return {k: _text(entry.get(k)) for k in ("student_id", "student_name", "student_mobile")}


@service.handles(Hudong.interact_data_list)
def interact_data_list(call: Call) -> dict[str, Any]:
    found = call.store(HudongStore).get_class(str(call.args["class_id"]))
    if found is None:
        raise PlatformError(1001, f"class_id: no class {call.args['class_id']}")
    return {**found, "student_list": [_student(s) for s in found["student_list"]]}


@service.handles(Hudong.teacher_save)
def teacher_save(call: Call) -> None:
    call.store(HudongStore).save_teacher(
        str(call.args["teacher_id"]),
        call.args["role"],
        call.args["teacher_name"],
        call.args["teacher_mobile"],
        call.now,
    )


@service.handles(Hudong.teacher_delete)
def teacher_delete(call: Call) -> None:
    teacher_id, role = str(call.args["teacher_id"]), call.args["role"]
    if not call.store(HudongStore).delete_teacher(teacher_id, role):
        raise PlatformError(1001, f"teacher_id: no teacher {teacher_id} with role {role}")


@service.handles(Hudong.teacher_list)
def teacher_list(call: Call) -> dict[str, Any]:
    page, size = call.page_args(20)
    rows, total = call.store(HudongStore).teachers_page(call.args["role"], page, size)
    teachers = [
        {
            "teacher_id": r["teacher_id"],
            "teacher_name": r["name"],
            "teacher_mobile": r["mobile"],
            "role": r["role"],
            "create_time": beijing(r["create_time"]),
        }
        for r in rows
    ]
    return {"list": teachers, "total": total, "page": page, "page_size": size}


@service.handles(Hudong.interact_data_update_callback_url)
def interact_data_update_callback_url(call: Call) -> None:
    call.store(HudongStore).set_callback_url(call.args["callback_url"])


# --------------------------------------------------------------------------- controls
@service.controls
class HudongControls(Controls):
    """The interaction system's account state: ``sandbox.hudong`` (also ``sandbox.interaction``)."""

    @route("GET", "/_sandbox/interaction/callback_url")
    def callback_url(self, partner_id: str | None = None) -> dict[str, Any]:
        """The interaction-data callback URL an account set (null when none)."""
        store = HudongStore(self.env, str(partner_id or self.env.default_partner))
        return {"callback_url": store.callback_url()}
