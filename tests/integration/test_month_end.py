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
from decimal import Decimal

from month_end import JAN_29, JAN_30, START, School


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
