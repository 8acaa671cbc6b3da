"""The sandbox's ``small_course`` group: small classes' costs follow the tariff.

(Moved from ``tests/integration/test_month_end.py``: Month end over real HTTP: classes attended
through enter links, then the reports agree.)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from month_end import JAN_29, School


def test_small_class_costs_follow_the_tariff(school: School, month: dict[str, str]) -> None:
    # Room S: in use 10:00–10:50 (50 minutes); students 21 (50 minutes) and 22 (40).
    (room,) = school.client.small_course.get_room_cost(2, JAN_29)
    assert (room.room_id, room.room_minutes, room.user_minutes, room.user_count) == (
        month["S"],
        50,
        90,
        3,
    )
    assert room.amount == 50 * Decimal("0.20") + 90 * Decimal("0.02") == Decimal("11.80")
    users = school.client.small_course.get_user_cost(0, JAN_29, month["S"])
    assert {(u.user_number, u.user_role, u.minutes, u.amount) for u in users.items} == {
        ("9002", 1, 50, Decimal("0.00")),
        ("21", 0, 50, Decimal("1.00")),
        ("22", 0, 40, Decimal("0.80")),
    }
    assert users.amount == room.amount
    (day,) = school.client.small_course.get_daily_cost(2, dt.date(2027, 1, 1), dt.date(2027, 1, 31))
    assert (day.date, day.room_count, day.room_minutes, day.user_minutes, day.amount) == (
        JAN_29,
        1,
        50,
        90,
        Decimal("11.80"),
    )
    assert school.client.small_course.get_room_cost(1, JAN_29) == []  # not a small-class line
