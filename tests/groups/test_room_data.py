"""The sandbox's ``room_data`` group: per-room reports derived from attendance and activity.

(Moved from ``tests/integration/test_accounts_reports.py``: The sandbox's accounts and reports:
sub-accounts keep state, reports derive from what happened.)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from baijiayun import BaiJiaYunClient, ParameterError, RoomDeletedError, RoomNotFoundError
from baijiayun.sandbox import Sandbox
from harness import CASES, World, call

from .common import DAY, NEEDS_AN_ID, REPORTS, minutes, room


@pytest.fixture
def client(frozen_client: BaiJiaYunClient) -> BaiJiaYunClient:
    """The client of ``box``, on its clock (in place of the suite's mode-parametrised one)."""
    return frozen_client


@pytest.mark.parametrize(("name", "param"), NEEDS_AN_ID.items())
def test_an_id_no_record_names_is_1001(
    client: BaiJiaYunClient, world: World, name: str, param: str
) -> None:
    args = {**CASES[name](world), param: "no-such-id"}
    with pytest.raises(ParameterError) as info:
        call(client, name, **args)
    assert info.value.msg.startswith(param)


ROOM_REPORTS = [
    n for n in REPORTS if n.startswith("room_data.") and n != "room_data.get_all_room_user_stat"
] + ["small_course.get_user_cost"]


@pytest.mark.parametrize("name", ROOM_REPORTS)
def test_a_room_report_on_an_unknown_or_deleted_room(
    client: BaiJiaYunClient, world: World, name: str
) -> None:
    args = CASES[name](world)
    with pytest.raises(RoomNotFoundError):
        call(client, name, **{**args, "room_id": 99999999999999})
    spare = world.room()
    client.room.delete(spare)
    with pytest.raises(RoomDeletedError):
        call(client, name, **{**args, "room_id": spare})


def test_live_report_pages_in_order_with_a_total(box: Sandbox, client: BaiJiaYunClient) -> None:
    a = room(client)
    for n in range(1, 26):
        box.classroom.enter(a, str(n), f"S{n}", 0 if n % 5 else 1)
    pages = [
        client.room_data.export_live_report(a, type="all", page=p, page_size=10) for p in (1, 2, 3)
    ]
    assert [len(p.items) for p in pages] == [10, 10, 5]
    assert {p.total for p in pages} == {25}
    numbers = [r.user_number for p in pages for r in p.items]
    assert numbers == [str(n) for n in range(1, 26)]
    students = list(client.room_data.iter_live_report(a, page_size=7))
    assert len(students) == 20 and all(r.user_role == 0 for r in students)
    everything = client.room_data.export_live_report(a, type="all")
    assert (len(everything.items), everything.page_size) == (25, None)


def record(box: Sandbox, room_id: str, kind: str, user: str | None, **data: Any) -> None:
    box.classroom.record(room_id, kind, user, data)


def test_activity_reports_add_up_what_users_did(box: Sandbox, client: BaiJiaYunClient) -> None:
    a = room(client)
    for n in ("1", "2", "3"):
        box.classroom.enter(a, n, f"User {n}")
    record(box, a, "praise", "1", count=2)
    record(box, a, "praise", "2")
    record(box, a, "praise", "1", count=5)
    record(box, a, "red_package", "1", red_package_id="r1", amount="0.10")
    record(box, a, "red_package", "2", red_package_id="r1", amount=0.2)
    record(box, a, "red_package", "1", red_package_id="r2", amount="1.05")
    record(box, a, "answer", "1", question_id="q", answer="A", correct=True)
    record(box, a, "answer", "1", question_id="q", answer="B", correct=False)  # changed mind
    record(box, a, "answer", "2", question_id="q", answer="A", correct=True)
    record(box, a, "evaluation", "1", score=5, comment="good")
    record(box, a, "evaluation", "2", score=4)
    record(box, a, "evaluation", "3", score=4)

    praise = client.room_data.export_room_praise_stat(a)
    assert praise.total == 8
    assert {(u.user_number, u.praise_count) for u in praise.items} == {("1", 7), ("2", 1)}

    red = client.room_data.get_room_red_package(a)
    assert (red.grab_count, red.total_amount) == (3, Decimal("1.35"))
    assert {(u.user_number, u.grab_count, u.amount) for u in red.items} == {
        ("1", 2, Decimal("1.15")),
        ("2", 1, Decimal("0.20")),
    }
    one = client.room_data.get_red_package_record_info(a, "r1")
    assert (one.grab_count, one.total_amount) == (2, Decimal("0.30"))

    (question,) = client.room_data.export_answer_stat(a).items
    assert (question.answer_count, question.correct_count) == (2, 1)
    answers = client.room_data.export_answer_by_question_id(a, "q")
    assert {(x.user_number, x.answer, x.correct) for x in answers.items} == {
        ("1", "B", False),
        ("2", "A", True),
    }
    assert answers.items[0].user_name == "User 1"

    evaluations = client.room_data.get_evaluation_stat(a, 1, 2)
    assert (len(evaluations.items), evaluations.total, evaluations.average_score) == (
        2,
        3,
        Decimal("4.33"),
    )
    assert [e.score for e in client.room_data.iter_evaluation_stat(a, 1, 2)] == [5, 4, 4]


def test_check_ins_quizzes_raised_hands_and_dates(box: Sandbox, client: BaiJiaYunClient) -> None:
    a = room(client)
    box.classroom.enter(a, "1", "One")
    box.classroom.enter(a, "2", "Two")
    box.classroom.enter(a, "9", "Teacher", 1)
    record(box, a, "checkin_start", None, session_id="c1")
    record(box, a, "checkin", "1", session_id="c1")
    minutes(box, 30)
    record(box, a, "checkin_start", None, session_id="c2")
    record(box, a, "checkin", "1", session_id="c2")
    record(box, a, "checkin", "2", session_id="c2")
    record(box, a, "quiz", None, quiz_id="z", title="Unit 2")
    record(box, a, "quiz_answer", "2", quiz_id="z", answer=["A", "C"], score=7.5)
    record(box, a, "raise_hand", "2", on_stage=True, speak_seconds=40)
    minutes(box, 24 * 60)  # the next day
    record(box, a, "raise_hand", "1")
    record(box, a, "chat", "1", content="next day")

    checkins = client.room_data.get_user_checkin_info(a)
    assert checkins.checkin_total == 2
    assert {(u.user_number, u.checkin_count) for u in checkins.items} == {("1", 2), ("2", 1)}
    first = client.room_data.get_checkin_info(a, "c1")
    assert (first.user_count, first.checkin_count) == (2, 1)  # two students in the room

    (quiz,) = client.room_data.get_room_quiz(a)
    assert (quiz.quiz_id, quiz.title, quiz.answer_count) == ("z", "Unit 2", 1)
    (given,) = client.room_data.get_quiz_user_answer(a, "z").items
    assert (given.answer, given.score) == ('["A", "C"]', Decimal("7.5"))

    day_one = client.room_data.get_room_raise_data(a, "2027-03-01 00:00:00", "2027-03-01 23:59:59")
    assert [(r.user_number, r.on_stage, r.speak_seconds) for r in day_one.items] == [
        ("2", True, 40)
    ]
    assert client.room_data.export_chat_msg(a, DAY) == []
    (message,) = client.room_data.export_chat_msg(a, DAY + dt.timedelta(days=1))
    assert (message.user_name, message.content) == ("One", "next day")


def test_attention_exports_are_csv_with_rows(box: Sandbox, client: BaiJiaYunClient) -> None:
    a = room(client)
    for user, focused in (("1", True), ("2", False), ("3", True)):
        box.classroom.enter(a, user, f"名字 {user}, Jr.")
        record(box, a, "attention", user, attention_id="t1", focused=focused)
    record(box, a, "attention", "2", attention_id="t1", focused=True)  # looked up again
    (check,) = client.room_data.export_attention_list(a).rows()
    assert (check.attention_id, check.user_count, check.focused_count) == ("t1", 3, 3)
    detail = client.room_data.export_attention_detail(a, "t1")
    assert detail.csv.splitlines()[0] == "attention_id,user_number,user_name,focused,check_time"
    rows = detail.rows()
    assert [(r.user_number, r.user_name, r.focused) for r in rows] == [
        ("1", "名字 1, Jr.", True),
        ("2", "名字 2, Jr.", True),
        ("3", "名字 3, Jr.", True),
    ]
