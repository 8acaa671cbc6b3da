"""Room data: ``/openapi/room_data/*`` — reports on one room, derived from what happened in it.

Attendance reports read the visits the classroom service records (see
``reports.py``); the others read its in-class activity records, by kind. Each
kind's ``data`` fields read here are listed in :data:`ACTIVITY` (and in
``docs/sandbox.md``): the endpoints that act in a classroom record them, and
``sandbox.classroom.record(room_id, kind, user_number, data)`` adds one as a user
would have. A report on a room where nothing happened answers empty lists; an
id no record names (a quiz, a question, a check-in, a red packet, an
attention check) answers 1001 naming the parameter.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from ...api import RoomData
from ..core.http import PlatformError
from ..core.service import Call, Service
from ..core.util import beijing
from ..state import classroom, rooms, usage
from ..state.rooms import RoomStore
from ..state.usage import UsageStore, Visit, day_bounds, money, peaks

__all__ = ["ACTIVITY", "service"]

service = Service("room_data", uses=(rooms.service, classroom.service, usage.service))

ACTIVITY: dict[str, tuple[str, ...]] = {
    "chat": ("content",),
    "answer": ("question_id", "answer", "correct", "question"),
    "quiz": ("quiz_id", "title"),
    "quiz_answer": ("quiz_id", "answer", "score", "correct"),
    "praise": ("count",),
    "expression": ("image_url", "expression"),
    "checkin_start": ("session_id",),
    "checkin": ("session_id",),
    "raise_hand": ("on_stage", "speak_seconds"),
    "red_package": ("red_package_id", "amount"),
    "award": ("award_id", "prize"),
    "question": ("question", "answer"),
    "questionnaire": ("questionnaire_id", "answers"),
    "evaluation": ("score", "comment"),
    "attention": ("attention_id", "focused"),
}
"""The activity kinds these reports read, and the fields of ``data`` each reads (a record may
also carry ``user_name`` and ``user_role``; otherwise the user's latest visit gives them)."""

ROLES_OF = {"all": (0, 1, 2), "student": (0,), "teacher": (1,), "admin": (2,)}
PEAK_STEP = 600


class Room:
    """One room's activity as the reports read it, with its users' names."""

    def __init__(self, call: Call) -> None:
        self.call = call
        self.room_id = str(call.store(RoomStore).get(call.args["room_id"])["room_id"])
        self.store = call.store(UsageStore)
        self._names: dict[str, tuple[str, int]] | None = None

    def events(self, *kinds: str) -> list[dict[str, Any]]:
        """Records of these kinds in time order (of the ``date`` asked for, if any)."""
        found = [
            {**e, "data": e["data"] if isinstance(e["data"], dict) else {}}
            for kind in kinds
            for e in self.store.activity(self.room_id, kind)
        ]
        day = self.call.args.get("date")
        if day is not None:
            start, end = day_bounds(day)
            found = [e for e in found if start <= e["time"] < end]
        found.sort(key=lambda e: (e["time"], e["seq"]))
        return found

    def by_user(self, *kinds: str) -> list[dict[str, Any]]:
        """Records made by a user (those without a user number are not about one)."""
        return [e for e in self.events(*kinds) if e["user_number"]]

    def user(self, event: dict[str, Any]) -> dict[str, Any]:
        """``user_number`` and ``user_name`` of the user a record is about."""
        number = event["user_number"]
        return {
            "user_number": None if number is None else str(number),
            "user_name": self.name(event),
        }

    def name(self, event: dict[str, Any]) -> str | None:
        given = event["data"].get("user_name")
        if given is not None:
            return str(given)
        known = self.names.get(str(event["user_number"]))
        return known[0] if known else None

    def role(self, event: dict[str, Any]) -> int | None:
        given = event["data"].get("user_role")
        if isinstance(given, int):
            return given
        known = self.names.get(str(event["user_number"]))
        return known[1] if known else None

    @property
    def names(self) -> dict[str, tuple[str, int]]:
        if self._names is None:
            self._names = self.store.names(self.room_id)
        return self._names


def ident(data: dict[str, Any], name: str) -> str | None:
    """A record's id field as text (None when absent or empty)."""
    value = data.get(name)
    return None if value is None or value == "" else str(value)


def flag(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "y")
    return bool(value)


def amount(value: Any) -> Decimal:
    try:
        return Decimal(str(value if value is not None else "0"))
    except InvalidOperation:
        return Decimal(0)


def text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def latest_per_user(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each user's last record, in the order users first appear."""
    latest: dict[str, dict[str, Any]] = {}
    for event in events:
        latest[str(event["user_number"])] = event
    return list(latest.values())


def grouped(events: list[dict[str, Any]], field: str) -> dict[str, list[dict[str, Any]]]:
    """Records by an id field (records without it are left out)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        key = ident(event["data"], field)
        if key is not None:
            groups.setdefault(key, []).append(event)
    return groups


def one_of(groups: dict[str, list[dict[str, Any]]], call: Call, param: str) -> list[dict[str, Any]]:
    found = groups.get(str(call.args[param]))
    if not found:
        raise PlatformError(1001, f"{param}: no such {param.removesuffix('_id')} in this room")
    return found


def csv_text(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


# --------------------------------------------------------------------------- attendance
def _report_row(visit: Visit, now: float) -> dict[str, Any]:
    return {
        "room_id": visit.room_id,
        "date": visit.day.isoformat(),
        "user_number": visit.user_number,
        "user_name": visit.user_name,
        "user_role": visit.user_role,
        "first_time": beijing(visit.enter),
        "last_time": None if visit.leave is None else beijing(visit.leave),
        "actual_listen_time": visit.seconds(now),
    }


@service.handles(RoomData.export_live_report)
def export_live_report(call: Call) -> dict[str, Any]:
    room = Room(call)
    roles = ROLES_OF[call.args.get("type") or "student"]
    day = call.args.get("date")
    span = None if day is None else day_bounds(day)
    total = room.store.visit_count(room.room_id, roles, span)
    size = call.args.get("page_size") or None  # 0 (the earlier SDK's default) as unset
    page = int(call.args.get("page") or 1)
    if size is None:  # the platform's default: every row in one answer
        visits = room.store.visit_page(room.room_id, roles, span, 1, max(total, 1))
    else:
        visits = room.store.visit_page(room.room_id, roles, span, page, int(size))
    return {
        "room_user_info": [_report_row(v, call.now) for v in visits],
        "total": total,
        "page": page if size is not None else 1,
        "page_size": size,
    }


@service.handles(RoomData.get_all_room_user_stat)
def get_all_room_user_stat(call: Call) -> dict[str, Any]:
    start, end = day_bounds(call.args["date"])
    product = call.args.get("product_type")
    store = call.store(UsageStore)
    during = [v for v in store.overlapping(start, end) if not product or v.product == product]
    stats = []
    rooms: dict[str, list[Visit]] = {}
    for visit in during:
        rooms.setdefault(visit.room_id, []).append(visit)
    for room_id, visits in rooms.items():
        begun = [v for v in visits if start <= v.enter < end]
        if not begun:
            continue
        stats.append(
            {
                "room_id": room_id,
                "title": visits[0].title,
                "student_count": len({v.user_number for v in begun if v.user_role == 0}),
                "total_user_count": len({v.user_number for v in begun}),
                "peak_user": peaks(visits, call.now, [(start, end)])[0],
            }
        )
    return {"room_user_stat": stats}


@service.handles(RoomData.get_room_peak_user)
def get_room_peak_user(call: Call) -> dict[str, Any]:
    room = Room(call)
    first: _dt.datetime = call.args["start_time"]
    last: _dt.datetime = call.args["end_time"]
    start, end = first.timestamp(), last.timestamp() + 1  # the end second is included
    visits = room.store.overlapping(start, end, room_id=room.room_id)
    bucket = start - start % PEAK_STEP
    windows = []
    while bucket < end:
        windows.append((bucket, max(bucket, start), min(bucket + PEAK_STEP, end)))
        bucket += PEAK_STEP
    found = peaks(visits, call.now, [(lo, hi) for _, lo, hi in windows])
    return {
        "date": first.date().isoformat(),
        "peak_user": {beijing(b)[11:]: p for (b, _, _), p in zip(windows, found, strict=True)},
    }


# --------------------------------------------------------------------------- chat and praise
@service.handles(RoomData.export_chat_msg)
def export_chat_msg(call: Call) -> dict[str, Any]:
    room = Room(call)
    return {
        "list": [
            {
                **room.user(e),
                "user_role": room.role(e) if e["user_number"] else None,
                "content": text(e["data"].get("content")),
                "send_time": beijing(e["time"]),
            }
            for e in room.events("chat")
        ]
    }


@service.handles(RoomData.export_room_praise_stat)
def export_room_praise_stat(call: Call) -> dict[str, Any]:
    room = Room(call)
    counts: dict[str, int] = {}
    first: dict[str, dict[str, Any]] = {}
    for event in room.by_user("praise"):
        user = str(event["user_number"])
        first.setdefault(user, event)
        count = event["data"].get("count", 1)
        counts[user] = counts.get(user, 0) + (count if isinstance(count, int) else 1)
    return {
        "total": sum(counts.values()),
        "list": [{**room.user(first[u]), "praise_count": n} for u, n in counts.items()],
    }


# --------------------------------------------------------------------------- the answer tool
@service.handles(RoomData.export_answer_stat)
def export_answer_stat(call: Call) -> dict[str, Any]:
    room = Room(call)
    questions = []
    for question_id, events in grouped(room.by_user("answer"), "question_id").items():
        answers = latest_per_user(events)
        titled = [e["data"]["question"] for e in events if e["data"].get("question")]
        questions.append(
            {
                "question_id": question_id,
                "question": text(titled[0]) if titled else None,
                "start_time": beijing(events[0]["time"]),
                "answer_count": len(answers),
                "correct_count": sum(1 for e in answers if flag(e["data"].get("correct"))),
            }
        )
    return {"list": questions}


@service.handles(RoomData.export_answer_by_question_id)
def export_answer_by_question_id(call: Call) -> dict[str, Any]:
    room = Room(call)
    events = one_of(grouped(room.by_user("answer"), "question_id"), call, "question_id")
    return {
        "question_id": str(call.args["question_id"]),
        "list": [
            {
                **room.user(e),
                "answer": text(e["data"].get("answer")),
                "correct": flag(e["data"].get("correct")),
                "answer_time": beijing(e["time"]),
            }
            for e in latest_per_user(events)
        ],
    }


# --------------------------------------------------------------------------- quizzes
@service.handles(RoomData.get_room_quiz)
def get_room_quiz(call: Call) -> dict[str, Any]:
    room = Room(call)
    given = grouped(room.events("quiz"), "quiz_id")
    answered = grouped(room.by_user("quiz_answer"), "quiz_id")
    quizzes = []
    for quiz_id in sorted(
        {*given, *answered}, key=lambda q: (given.get(q) or answered[q])[0]["seq"]
    ):
        events = given.get(quiz_id, []) + answered.get(quiz_id, [])
        titles = [e["data"]["title"] for e in events if e["data"].get("title")]
        quizzes.append(
            {
                "quiz_id": quiz_id,
                "title": text(titles[0]) if titles else None,
                "start_time": beijing(min(e["time"] for e in events)),
                "answer_count": len(latest_per_user(answered.get(quiz_id, []))),
            }
        )
    return {"quiz_list": quizzes}


def _score(value: Any) -> str | None:
    return None if value is None or isinstance(value, bool) else str(amount(value))


@service.handles(RoomData.get_quiz_user_answer)
def get_quiz_user_answer(call: Call) -> dict[str, Any]:
    room = Room(call)
    known = {**grouped(room.events("quiz"), "quiz_id")}
    answered = grouped(room.by_user("quiz_answer"), "quiz_id")
    quiz_id = str(call.args["quiz_id"])
    if quiz_id not in known and quiz_id not in answered:
        raise PlatformError(1001, "quiz_id: no such quiz in this room")
    return {
        "quiz_id": quiz_id,
        "list": [
            {
                **room.user(e),
                "answer": text(e["data"].get("answer")),
                "score": _score(e["data"].get("score")),
                "correct": flag(e["data"].get("correct")),
                "answer_time": beijing(e["time"]),
            }
            for e in latest_per_user(answered.get(quiz_id, []))
        ],
    }


# --------------------------------------------------------------------------- expression reports
@service.handles(RoomData.get_exp_report_list)
def get_exp_report_list(call: Call) -> dict[str, Any]:
    room = Room(call)
    return {
        "list": [
            {
                **room.user(e),
                "expression": ident(e["data"], "expression"),
                "image_url": text(e["data"].get("image_url")),
                "capture_time": beijing(e["time"]),
            }
            for e in room.by_user("expression")
        ]
    }


# --------------------------------------------------------------------------- check-ins
@service.handles(RoomData.get_user_checkin_info)
def get_user_checkin_info(call: Call) -> dict[str, Any]:
    room = Room(call)
    rounds = grouped(room.events("checkin_start", "checkin"), "session_id")
    users: dict[str, set[str]] = {}
    last: dict[str, dict[str, Any]] = {}
    for session_id, events in rounds.items():
        for event in events:
            if event["kind"] == "checkin" and event["user_number"]:
                user = str(event["user_number"])
                users.setdefault(user, set()).add(session_id)
                if user not in last or event["time"] >= last[user]["time"]:
                    last[user] = event
    return {
        "checkin_total": len(rounds),
        "list": [
            {
                **room.user(last[u]),
                "checkin_count": len(sessions),
                "last_checkin_time": beijing(last[u]["time"]),
            }
            for u, sessions in users.items()
        ],
    }


@service.handles(RoomData.get_checkin_info)
def get_checkin_info(call: Call) -> dict[str, Any]:
    room = Room(call)
    events = one_of(
        grouped(room.events("checkin_start", "checkin"), "session_id"), call, "session_id"
    )
    began = events[0]["time"]
    present = room.store.overlapping(began, began + 1, room_id=room.room_id)
    first: dict[str, dict[str, Any]] = {}
    for event in events:
        if event["kind"] == "checkin" and event["user_number"]:
            first.setdefault(str(event["user_number"]), event)
    return {
        "session_id": str(call.args["session_id"]),
        "start_time": beijing(began),
        "user_count": len({v.user_number for v in present if v.user_role == 0}),
        "checkin_count": len(first),
        "list": [{**room.user(e), "checkin_time": beijing(e["time"])} for e in first.values()],
    }


# --------------------------------------------------------------------------- raised hands
@service.handles(RoomData.get_room_raise_data)
def get_room_raise_data(call: Call) -> dict[str, Any]:
    room = Room(call)
    start = call.args["start_time"].timestamp()
    end = call.args["end_time"].timestamp() + 1
    events = [e for e in room.by_user("raise_hand") if start <= e["time"] < end]
    rows = []
    for event in events:
        seconds = event["data"].get("speak_seconds", 0)
        rows.append(
            {
                **room.user(event),
                "raise_time": beijing(event["time"]),
                "on_stage": bool(flag(event["data"].get("on_stage"))),
                "speak_seconds": seconds if isinstance(seconds, int) else 0,
            }
        )
    return {"total": len(rows), "list": rows}


# --------------------------------------------------------------------------- red packets
@service.handles(RoomData.get_room_red_package)
def get_room_red_package(call: Call) -> dict[str, Any]:
    room = Room(call)
    grabs = room.by_user("red_package")
    users: dict[str, list[dict[str, Any]]] = {}
    for event in grabs:
        users.setdefault(str(event["user_number"]), []).append(event)
    total = sum((amount(e["data"].get("amount")) for e in grabs), Decimal(0))
    return {
        "grab_count": len(grabs),
        "total_amount": money(total),
        "list": [
            {
                **room.user(events[0]),
                "grab_count": len(events),
                "amount": money(sum((amount(e["data"].get("amount")) for e in events), Decimal(0))),
            }
            for events in users.values()
        ],
    }


@service.handles(RoomData.get_red_package_record_info)
def get_red_package_record_info(call: Call) -> dict[str, Any]:
    room = Room(call)
    grabs = one_of(grouped(room.by_user("red_package"), "red_package_id"), call, "red_package_id")
    return {
        "red_package_id": str(call.args["red_package_id"]),
        "grab_count": len(grabs),
        "total_amount": money(sum((amount(e["data"].get("amount")) for e in grabs), Decimal(0))),
        "list": [
            {
                **room.user(e),
                "amount": money(amount(e["data"].get("amount"))),
                "grab_time": beijing(e["time"]),
            }
            for e in grabs
        ],
    }


# --------------------------------------------------------------------------- awards, Q&A, ...
def _rows(
    call: Call, kind: str, build: Callable[[Room, dict[str, Any]], dict[str, Any]]
) -> dict[str, Any]:
    """One row per ``kind`` record of the room: who, and what ``build`` reads of it."""
    room = Room(call)
    return {"list": [{**room.user(e), **build(room, e)} for e in room.by_user(kind)]}


@service.handles(RoomData.export_award_stat)
def export_award_stat(call: Call) -> dict[str, Any]:
    return _rows(
        call,
        "award",
        lambda room, e: {
            "award_id": ident(e["data"], "award_id"),
            "prize": text(e["data"].get("prize")),
            "award_time": beijing(e["time"]),
        },
    )


@service.handles(RoomData.export_qa_stat)
def export_qa_stat(call: Call) -> dict[str, Any]:
    return _rows(
        call,
        "question",
        lambda room, e: {
            "question": text(e["data"].get("question")),
            "answer": None if e["data"].get("answer") is None else text(e["data"]["answer"]),
            "ask_time": beijing(e["time"]),
        },
    )


@service.handles(RoomData.export_questionnaire_stat)
def export_questionnaire_stat(call: Call) -> dict[str, Any]:
    return _rows(
        call,
        "questionnaire",
        lambda room, e: {
            "questionnaire_id": text(e["data"].get("questionnaire_id")),
            "answers": {str(k): text(v) for k, v in (e["data"].get("answers") or {}).items()}
            if isinstance(e["data"].get("answers"), dict)
            else {},
            "submit_time": beijing(e["time"]),
        },
    )


@service.handles(RoomData.get_evaluation_stat)
def get_evaluation_stat(call: Call) -> dict[str, Any]:
    """Evaluations are few per room: read whole, paged here (the average needs them all)."""
    room = Room(call)
    events = [e for e in room.by_user("evaluation") if isinstance(e["data"].get("score"), int)]
    page, size = int(call.args["page"]), int(call.args["page_size"])
    chosen = events  # a page size of 0 is read like exportLiveReport's: every row
    if size > 0:
        chosen = events[(page - 1) * size : page * size] if page >= 1 else []
    average = None
    if events:
        mean = Decimal(sum(e["data"]["score"] for e in events)) / len(events)
        average = money(mean)
    return {
        "list": [
            {
                **room.user(e),
                "score": e["data"]["score"],
                "comment": None if e["data"].get("comment") is None else text(e["data"]["comment"]),
                "submit_time": beijing(e["time"]),
            }
            for e in chosen
        ],
        "total": len(events),
        "page": page,
        "page_size": size,
        "average_score": average,
    }


# --------------------------------------------------------------------------- attention checks
ATTENTION_LIST = ("attention_id", "start_time", "user_count", "focused_count")
ATTENTION_DETAIL = ("attention_id", "user_number", "user_name", "focused", "check_time")


@service.handles(RoomData.export_attention_list)
def export_attention_list(call: Call) -> dict[str, Any]:
    room = Room(call)
    rows = []
    for attention_id, events in grouped(room.by_user("attention"), "attention_id").items():
        results = latest_per_user(events)
        focused = sum(1 for e in results if flag(e["data"].get("focused")))
        rows.append((attention_id, beijing(events[0]["time"]), len(results), focused))
    return {"file_name": f"attention_{room.room_id}.csv", "csv": csv_text(ATTENTION_LIST, rows)}


@service.handles(RoomData.export_attention_detail)
def export_attention_detail(call: Call) -> dict[str, Any]:
    room = Room(call)
    events = one_of(grouped(room.by_user("attention"), "attention_id"), call, "attention_id")
    attention_id = str(call.args["attention_id"])
    rows = [
        (
            attention_id,
            str(e["user_number"]),
            room.name(e) or "",
            1 if flag(e["data"].get("focused")) else 0,
            beijing(e["time"]),
        )
        for e in latest_per_user(events)
    ]
    return {
        "file_name": f"attention_{room.room_id}_{attention_id}.csv",
        "csv": csv_text(ATTENTION_DETAIL, rows),
    }
