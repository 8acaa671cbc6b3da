"""The month-end school, shared by ``tests/integration/test_month_end.py`` and
``tests/groups/test_small_course.py`` (a plugin of ``tests/conftest.py``): a sandbox served on
127.0.0.1 with a clock that stands still unless moved, a ``School`` driving it through enter
links, exits and time, and ``month``: two days of classes in three rooms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
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
