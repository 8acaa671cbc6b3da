"""Month end over real HTTP: classes attended through enter links, then the reports agree.

Several rooms (an education large class, an enterprise room, a small class) are
attended over two days: every entry is an enter link built with
``baijiayun.links.enter_url`` and opened on the sandbox server, every exit a
``POST /_sandbox/rooms/{id}/leave``, and time passes with ``POST /_sandbox/clock``.
Then the peak, user-statistics, cost and export reports must agree with what
was done: counts, durations and sums, worked out here by hand from the
sandbox's documented tariff.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx2
import pytest

from baijiayun import BaiJiaYunClient
from baijiayun._wire import BEIJING
from baijiayun.links import Role, enter_url
from baijiayun.sandbox import SANDBOX_PARTNER_KEY, Sandbox

JAN_29 = dt.date(2027, 1, 29)
JAN_30 = dt.date(2027, 1, 30)
START = dt.datetime(2027, 1, 29, 8, 0, tzinfo=BEIJING)
TEACHER, ASSISTANT, STUDENT = Role.TEACHER, Role.ASSISTANT, Role.STUDENT


class School:
    """Drives the served sandbox like a school's users would: links, exits, time."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.base = server.base_url
        self.http = httpx2.Client(timeout=10)
        self.client: BaiJiaYunClient = server.client(clock=server.sandbox.now, max_retries=0)

    def close(self) -> None:
        self.client.close()
        self.http.close()

    def enter(self, room_id: str, user: int, name: str, role: int = STUDENT) -> None:
        url = enter_url(self.base, SANDBOX_PARTNER_KEY, room_id, user, name, role)
        page = self.http.get(url)
        assert page.status_code == 200, page.text

    def leave(self, room_id: str, *users: int) -> None:
        for user in users:
            answer = self.http.post(
                f"{self.base}_sandbox/rooms/{room_id}/leave", json={"user_number": str(user)}
            )
            assert answer.json() == {"left": 1}

    def wait(self, minutes: int) -> None:
        answer = self.http.post(f"{self.base}_sandbox/clock", json={"advance": minutes * 60})
        assert answer.status_code == 200

    def set_time(self, at: dt.datetime) -> None:
        self.server.sandbox.advance_clock(at.timestamp() - self.server.sandbox.now())

    def room(self, title: str, room_type: int, **options: Any) -> str:
        start = int(self.server.sandbox.now()) + 60
        created = self.client.room.create(title, start, start + 3 * 3600, room_type, **options)
        return str(created.room_id)


@pytest.fixture(scope="module")
def frozen_server() -> Iterator[Any]:
    """A sandbox served on 127.0.0.1 whose clock stands still unless moved, so the
    figures are exact (each request would otherwise take a few milliseconds of class)."""
    frozen = START.timestamp()
    with Sandbox(raise_errors=True, clock=lambda: frozen).serve() as server:
        yield server


@pytest.fixture
def school(frozen_server: Any) -> Iterator[School]:
    frozen_server.sandbox.reset()
    town = School(frozen_server)
    yield town
    town.close()


@pytest.fixture
def month(school: School) -> dict[str, str]:
    """Two days of classes in three rooms (times are Beijing time).

    29 Jan, room A (education): teacher and students 1–3 enter at 08:00, student 4 at
    08:10; student 1 leaves at 08:30, everyone else at 09:00. Room B (enterprise):
    students 11 and 12 from 09:00 to 09:45. Room S (small class): teacher and students
    21, 22 enter at 10:00; 22 leaves at 10:40, the others at 10:50.
    30 Jan, room A: student 1 from 08:00 to 08:25, and again from 08:30 to 08:40.
    """
    school.set_time(START - dt.timedelta(minutes=5))
    rooms = {
        "A": school.room("Algebra 代数", 2),
        "B": school.room("Onboarding", 2, industry_type=1),
        "S": school.room("Small class", 4, max_users=6),
    }
    school.set_time(START)
    a, b, s = rooms["A"], rooms["B"], rooms["S"]
    school.enter(a, 9001, "Teacher 王", TEACHER)
    for user in (1, 2, 3):
        school.enter(a, user, f"Student {user}")
    school.wait(10)  # 08:10
    school.enter(a, 4, "Student 4")
    school.wait(20)  # 08:30
    school.leave(a, 1)
    school.wait(30)  # 09:00
    school.leave(a, 9001, 2, 3, 4)
    school.enter(b, 11, "Staff 11")
    school.enter(b, 12, "Staff 12")
    school.wait(45)  # 09:45
    school.leave(b, 11, 12)
    school.wait(15)  # 10:00
    school.enter(s, 9002, "Tutor 李", TEACHER)
    school.enter(s, 21, "Student 21")
    school.enter(s, 22, "Student 22")
    school.wait(40)  # 10:40
    school.leave(s, 22)
    school.wait(10)  # 10:50
    school.leave(s, 9002, 21)
    school.set_time(START + dt.timedelta(days=1))  # 30 Jan 08:00
    school.enter(a, 1, "Student 1")
    school.wait(25)
    school.leave(a, 1)
    school.wait(5)
    school.enter(a, 1, "Student 1")
    school.wait(10)
    school.leave(a, 1)
    school.set_time(dt.datetime(2027, 1, 31, 23, 0, tzinfo=BEIJING))  # month end
    return rooms


def test_peaks_follow_who_was_online(school: School, month: dict[str, str]) -> None:
    days = school.client.live_account.get_day_peak_user(dt.date(2027, 1, 1), dt.date(2027, 1, 31))
    assert len(days) == 31
    assert days[JAN_29] == 5  # room A from 08:10 to 08:30: teacher and four students
    assert days[JAN_30] == 1
    assert sum(days.values()) == 6

    hours = school.client.live_account.get_hour_peak_user(JAN_29)
    assert {h: p for h, p in hours.items() if p} == {8: 5, 9: 2, 10: 3}
    enterprise = school.client.live_account.get_hour_peak_user(JAN_29, product_type=4)
    assert {h: p for h, p in enterprise.items() if p} == {9: 2}

    peak = school.client.room_data.get_room_peak_user(
        month["A"], "2027-01-29 08:00:00", "2027-01-29 09:29:59"
    )
    assert peak.date == JAN_29
    assert list(peak.peak_user.values()) == [4, 5, 5, 4, 4, 4, 0, 0, 0]
    assert min(peak.peak_user) == dt.time(8, 0) and max(peak.peak_user) == dt.time(9, 20)


def test_user_statistics_count_each_user_once_per_room(
    school: School, month: dict[str, str]
) -> None:
    stats = {s.room_id: s for s in school.client.room_data.get_all_room_user_stat(0, JAN_29)}
    assert set(stats) == set(month.values())
    counts = {
        name: (stats[rid].student_count, stats[rid].total_user_count, stats[rid].peak_user)
        for name, rid in month.items()
    }
    assert counts == {"A": (4, 5, 5), "B": (2, 2, 2), "S": (2, 3, 3)}
    (second_day,) = school.client.room_data.get_all_room_user_stat(0, JAN_30)
    assert (second_day.room_id, second_day.student_count, second_day.peak_user) == (
        month["A"],
        1,
        1,
    )
    small_only = school.client.room_data.get_all_room_user_stat(2, JAN_29)
    assert [s.room_id for s in small_only] == [month["S"]]


def test_live_costs_follow_the_tariff(school: School, month: dict[str, str]) -> None:
    tariff = school.http.get(f"{school.base}_sandbox/reports/tariff").json()
    per_visit = Decimal(tariff["live_per_user_visit"])
    per_minute = Decimal(tariff["live_per_user_minute"])
    # 29 Jan: room A, 5 users for 60+30+60+60+50 minutes; room B, 2 users for 45 each.
    # 30 Jan: room A, student 1 twice (one user visit) for 25+10 minutes.
    costs = school.client.live_account.get_partner_daily_cost(
        dt.date(2027, 1, 1), dt.date(2027, 1, 31)
    )
    assert [(c.date, c.user_count, c.minutes) for c in costs] == [
        (JAN_29, 7, 350),
        (JAN_30, 1, 35),
    ]
    assert [c.amount for c in costs] == [
        7 * per_visit + 350 * per_minute,
        1 * per_visit + 35 * per_minute,
    ]
    assert sum(c.amount for c in costs) == Decimal("4.65")
    assert all(isinstance(c.amount, Decimal) for c in costs)

    rooms = {r.room_id: r for r in school.client.live_account.get_all_room_cost(JAN_29)}
    assert set(rooms) == {month["A"], month["B"]}  # the small class is billed apart
    assert (rooms[month["A"]].user_count, rooms[month["A"]].minutes) == (5, 260)
    assert (rooms[month["B"]].user_count, rooms[month["B"]].minutes) == (2, 90)
    assert rooms[month["A"]].amount + rooms[month["B"]].amount == costs[0].amount
    assert rooms[month["A"]].title == "Algebra 代数"
    enterprise = school.client.live_account.get_all_room_cost(JAN_29, product_type=4)
    assert [(r.room_id, r.amount) for r in enterprise] == [(month["B"], Decimal("1.10"))]


def test_the_live_report_export_lists_every_visit(school: School, month: dict[str, str]) -> None:
    report = school.client.room_data.export_live_report(month["A"], type="all", date=JAN_29)
    assert report.total == len(report.items) == 5
    minutes = {r.user_number: r.actual_listen_time // 60 for r in report.items}
    assert minutes == {"9001": 60, "1": 30, "2": 60, "3": 60, "4": 50}
    assert all(r.last_time is not None and r.date == JAN_29 for r in report.items)
    first = report.items[0]
    assert first.first_time == START and first.user_name == "Teacher 王"

    students = school.client.room_data.export_live_report(month["A"])  # the default: students
    assert {r.user_role for r in students.items} == {0} and students.total == 6
    teachers = school.client.room_data.export_live_report(month["A"], type="teacher")
    assert [r.user_number for r in teachers.items] == ["9001"]

    rows = list(school.client.room_data.iter_live_report(month["A"], type="all", page_size=2))
    assert len(rows) == 7
    assert sum(r.actual_listen_time for r in rows) == (260 + 35) * 60
    assert [r.date for r in rows].count(JAN_30) == 2
    listed_by_cost = sum(c.minutes for c in school.client.live_account.get_all_room_cost(JAN_29))
    by_visit = sum(
        -(-r.actual_listen_time // 60)
        for room in (month["A"], month["B"])
        for r in school.client.room_data.iter_live_report(room, type="all", date=JAN_29)
    )
    assert listed_by_cost == by_visit == 350
