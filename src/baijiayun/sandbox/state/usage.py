"""Usage derived from what happened in rooms: visits, peaks, user counts and costs.

Nothing here is a constant: every figure is computed from the attendance the
classroom service records (a visit per entry through an enter link, closed by
``sandbox.classroom.leave``; times from the sandbox clock) and from the rooms'
product lines. State several groups read: the peak and cost endpoints of
``live_account``, the ``small_course`` group, and ``room_data``.

Conventions (``docs/sandbox.md``):

* a visit belongs to the Beijing day it began; a visit still open counts
  until the sandbox's now;
* *online* is the number of distinct users (per room) with an open visit;
  a peak is the most online at any instant of a period;
* *user visits* (人次) count each user once per room and day; *minutes* round
  each visit up to a whole minute;
* costs follow :data:`TARIFF`.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..._wire import BEIJING
from ...api.room import ProductType
from ..core.service import Call, Controls, Service, route
from . import classroom, rooms
from .classroom import ClassroomStore

__all__ = ["TARIFF", "Usage", "UsageControls", "UsageStore", "Visit", "service"]

service = Service("usage", uses=(rooms.service, classroom.service), aliases=("reports",))
"""State with helpers of its own: ``sandbox.usage`` (also ``sandbox.reports``)."""

TARIFF: dict[str, Decimal] = {
    "live_per_user_visit": Decimal("0.10"),
    "live_per_user_minute": Decimal("0.01"),
    "small_class_per_room_minute": Decimal("0.20"),
    "small_class_per_student_minute": Decimal("0.02"),
}
"""What the sandbox charges (CNY). Live rooms (education and enterprise lines): per user
visit (人次) and per user minute. Small classes (room type 4): per minute the room is in use
(its first entry to its last exit that day) and per student minute."""

LIVE_PRODUCTS = (int(ProductType.EDUCATION), int(ProductType.ENTERPRISE))
SMALL_CLASS = int(ProductType.SMALL_CLASS)
CENT = Decimal("0.01")
STUDENT = 0


def money(value: Decimal) -> str:
    """An amount as the sandbox answers it: text with two decimals (exact)."""
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def day_bounds(day: _dt.date) -> tuple[float, float]:
    """Unix seconds of a Beijing day's first instant and of the next day's."""
    start = _dt.datetime.combine(day, _dt.time(), BEIJING)
    return start.timestamp(), (start + _dt.timedelta(days=1)).timestamp()


def beijing_date(ts: float) -> _dt.date:
    return _dt.datetime.fromtimestamp(ts, BEIJING).date()


def days(start: _dt.date, end: _dt.date) -> Iterator[_dt.date]:
    day = start
    while day <= end:
        yield day
        day += _dt.timedelta(days=1)


def live_products(product_type: int | None) -> tuple[int, ...]:
    """The product lines a live-account cost report covers (small classes have their own)."""
    if not product_type:
        return LIVE_PRODUCTS
    return (product_type,) if product_type in LIVE_PRODUCTS else ()


def small_class_products(product_type: int | None) -> tuple[int, ...]:
    """Small-class reports: 0 (older accounts) and 2 mean small classes; other lines have none."""
    return (SMALL_CLASS,) if product_type in (None, 0, SMALL_CLASS) else ()


@dataclass(frozen=True)
class Visit:
    """One stay of a user in a room, with what the report needs of the room."""

    seq: int
    room_id: str
    user_number: str
    user_name: str
    user_role: int
    enter: float
    leave: float | None
    product: int
    title: str

    def end(self, now: float) -> float:
        return self.leave if self.leave is not None else max(now, self.enter)

    def seconds(self, now: float) -> int:
        return int(self.end(now) - self.enter)

    def minutes(self, now: float) -> int:
        return math.ceil((self.end(now) - self.enter) / 60)

    @property
    def day(self) -> _dt.date:
        return beijing_date(self.enter)


VISIT_SQL = (
    "SELECT a.seq, a.room_id, a.user_number, a.user_name, a.user_role, a.enter_time, "
    "a.leave_time, r.product, r.title FROM attendance a "
    "JOIN rooms r ON r.room_id = a.room_id AND r.partner_id = a.partner_id "
    "WHERE a.partner_id=:partner"
)


def _visit(row: Any) -> Visit:
    return Visit(
        int(row["seq"]),
        str(row["room_id"]),
        str(row["user_number"]),
        str(row["user_name"]),
        int(row["user_role"]),
        float(row["enter_time"]),
        None if row["leave_time"] is None else float(row["leave_time"]),
        int(row["product"]),
        str(row["title"]),
    )


class UsageStore(ClassroomStore):
    """Read-only queries over one partner's attendance (the classroom service's table),
    joined with its rooms. Not a store of its own: it adds no table."""

    def overlapping(self, start: float, end: float, *, room_id: str | None = None) -> list[Visit]:
        """Visits during ``[start, end)``: begun before ``end``, not left by ``start``."""
        sql = (
            VISIT_SQL
            + " AND a.enter_time < :end AND (a.leave_time IS NULL OR a.leave_time > :start)"
        )
        if room_id is not None:
            sql += " AND a.room_id=:room_id"
        rows = self._rows(sql + " ORDER BY a.seq", start=start, end=end, room_id=room_id or "")
        return [_visit(r) for r in rows]

    def begun(self, start: float, end: float, *, room_id: str | None = None) -> list[Visit]:
        """Visits that began during ``[start, end)``."""
        sql = VISIT_SQL + " AND a.enter_time >= :start AND a.enter_time < :end"
        if room_id is not None:
            sql += " AND a.room_id=:room_id"
        rows = self._rows(sql + " ORDER BY a.seq", start=start, end=end, room_id=room_id or "")
        return [_visit(r) for r in rows]

    def visit_page(
        self,
        room_id: str,
        roles: tuple[int, ...],
        span: tuple[float, float] | None,
        page: int,
        size: int,
    ) -> list[Visit]:
        """One page of a room's visits (of some roles, begun in ``span``), in order."""
        where, params = self._visit_filter(room_id, roles, span)
        rows = self._page(
            "SELECT seq, room_id, user_number, user_name, user_role, enter_time, leave_time, "
            "0 AS product, '' AS title FROM attendance",
            where,
            page,
            size,
            **params,
        )
        return [_visit(r) for r in rows]

    def visit_count(
        self, room_id: str, roles: tuple[int, ...], span: tuple[float, float] | None
    ) -> int:
        where, params = self._visit_filter(room_id, roles, span)
        row = self._row(f"SELECT COUNT(*) AS n FROM attendance WHERE {where}", **params)
        return int(row["n"]) if row else 0

    @staticmethod
    def _visit_filter(
        room_id: str, roles: tuple[int, ...], span: tuple[float, float] | None
    ) -> tuple[str, dict[str, Any]]:
        where = "partner_id=:partner AND room_id=:room_id"
        params: dict[str, Any] = {"room_id": room_id}
        if len(roles) < 3:
            names = [f"role{i}" for i in range(len(roles))]
            where += f" AND user_role IN ({', '.join(':' + n for n in names)})"
            params.update(zip(names, roles, strict=True))
        if span is not None:
            where += " AND enter_time >= :start AND enter_time < :end"
            params.update(start=span[0], end=span[1])
        return where, params

    def names(self, room_id: str) -> dict[str, tuple[str, int]]:
        """Each user's name and role in a room, as of their latest visit."""
        rows = self._rows(
            "SELECT user_number, user_name, user_role FROM attendance "
            "WHERE partner_id=:partner AND room_id=:room_id ORDER BY seq",
            room_id=room_id,
        )
        return {str(r["user_number"]): (str(r["user_name"]), int(r["user_role"])) for r in rows}


# --------------------------------------------------------------------------- peaks
class Online:
    """How many users are online over time: a step function built from visits.

    A user (per room) with several open visits counts once; a visit that ends
    when another begins does not overlap it.
    """

    def __init__(self, visits: Iterable[Visit], now: float) -> None:
        events: list[tuple[float, int, tuple[str, str]]] = []
        for visit in visits:
            key = (visit.room_id, visit.user_number)
            events.append((visit.enter, 1, key))
            events.append((visit.end(now), -1, key))
        events.sort(key=lambda e: (e[0], e[1]))
        open_visits: dict[tuple[str, str], int] = {}
        online = 0
        self.times: list[float] = []
        self.values: list[int] = []
        for at, delta, key in events:
            before = open_visits.get(key, 0)
            open_visits[key] = before + delta
            if before == 0 and delta == 1:
                online += 1
            elif before == 1 and delta == -1:
                online -= 1
            else:
                continue
            if self.times and self.times[-1] == at:
                self.values[-1] = online
            else:
                self.times.append(at)
                self.values.append(online)

    def peak(self, start: float, end: float) -> int:
        """The most users online at any instant of ``[start, end)``."""
        first = bisect.bisect_right(self.times, start)
        best = self.values[first - 1] if first else 0
        last = bisect.bisect_left(self.times, end)
        return max([best, *self.values[first:last]])


def peaks(visits: list[Visit], now: float, windows: list[tuple[float, float]]) -> list[int]:
    online = Online(visits, now)
    return [online.peak(start, end) for start, end in windows]


# --------------------------------------------------------------------------- costs
@dataclass
class Usage:
    """What some visits used: user visits (人次), user minutes, student minutes, span."""

    users: set[tuple[str, str]]
    minutes: int = 0
    student_minutes: int = 0
    first: float | None = None
    last: float | None = None

    @classmethod
    def of(cls, visits: Iterable[Visit], now: float) -> Usage:
        usage = cls(set())
        for visit in visits:
            usage.users.add((visit.room_id, visit.user_number))
            minutes = visit.minutes(now)
            usage.minutes += minutes
            if visit.user_role == STUDENT:
                usage.student_minutes += minutes
            end = visit.end(now)
            usage.first = visit.enter if usage.first is None else min(usage.first, visit.enter)
            usage.last = end if usage.last is None else max(usage.last, end)
        return usage

    @property
    def user_count(self) -> int:
        return len(self.users)

    @property
    def room_minutes(self) -> int:
        """Minutes from the first entry to the last exit (one room's visits)."""
        if self.first is None or self.last is None:
            return 0
        return math.ceil((self.last - self.first) / 60)

    def live_amount(self) -> Decimal:
        return (
            self.user_count * TARIFF["live_per_user_visit"]
            + self.minutes * TARIFF["live_per_user_minute"]
        )

    def small_class_amount(self) -> Decimal:
        return (
            self.room_minutes * TARIFF["small_class_per_room_minute"]
            + self.student_minutes * TARIFF["small_class_per_student_minute"]
        )


def by_room(visits: Iterable[Visit]) -> dict[str, list[Visit]]:
    rooms: dict[str, list[Visit]] = {}
    for visit in visits:
        rooms.setdefault(visit.room_id, []).append(visit)
    return rooms


def by_day(visits: Iterable[Visit]) -> dict[_dt.date, list[Visit]]:
    found: dict[_dt.date, list[Visit]] = {}
    for visit in visits:
        found.setdefault(visit.day, []).append(visit)
    return found


def range_bounds(call: Call) -> tuple[_dt.date, _dt.date, float, float]:
    first, last = call.args["start_date"], call.args["end_date"]
    return first, last, day_bounds(first)[0], day_bounds(last)[1]


# --------------------------------------------------------------------------- controls
@service.controls
class UsageControls(Controls):
    """What reports are derived from: ``sandbox.usage`` (also ``sandbox.reports``)."""

    @route("GET", "/_sandbox/reports/tariff")
    def tariff(self) -> dict[str, Any]:
        """The prices the sandbox's cost reports apply (CNY, as text)."""
        return {name: str(price) for name, price in TARIFF.items()}
