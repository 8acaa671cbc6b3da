"""The sandbox's ``hudong`` group: interaction reports derived from classroom activity, rosters and
teachers.

(Moved from ``tests/integration/test_classroom_sandbox.py``: The sandbox keeps the classroom
groups' state, derives their reports, and refuses unknown ids.)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx2
import pytest

from baijiayun import BaiJiaYunClient, ParameterError
from baijiayun.sandbox import Sandbox

from .common import PDF, enter


def test_interaction_reports_are_derived_from_classroom_activity(
    sb: Sandbox, c: BaiJiaYunClient, room: str
) -> None:
    enter(sb, c, room, 1001)
    enter(sb, c, room, 1002)
    for user in ("1001", "1002", "1001"):  # 1001 checks in twice to one check-in
        sb.classroom.record(room, "checkin", user, {"id": "ck-1"})
    sb.classroom.record(room, "checkin", "1002", {"id": "ck-2"})
    summary = c.hudong.interact_info_get_interact_list(room, "checkin")
    assert [(s.interact_id, s.user_count) for s in summary.items] == [("ck-1", 2), ("ck-2", 1)]
    detail = c.hudong.interact_info_get_interact_detail(room, "checkin", page_size=3)
    assert (detail.total, len(detail.items)) == (4, 3)
    assert detail.items[0].user_name == "user 1001"  # the name the user entered with
    checkin = c.hudong.interact_data_get_checkin_data("ck-1")
    assert (checkin.room_id, checkin.user_count) == (room, 2)
    assert [u.user_number for u in checkin.items] == ["1001", "1002"]
    with pytest.raises(ParameterError) as info:
        c.hudong.interact_data_get_checkin_data("ck-9")
    assert info.value.msg.startswith("checkin_id")


def test_votes_red_packages_and_roll_calls(sb: Sandbox, c: BaiJiaYunClient, room: str) -> None:
    sb.classroom.record(room, "vote", "1001", {"id": "v1", "type": "single", "answer": "A"})
    sb.classroom.record(room, "vote", "1002", {"id": "v1", "type": "single", "answer": "B"})
    sb.classroom.record(room, "vote", "1002", {"id": "v2", "type": "multi", "answer": "AC"})
    sb.classroom.record(room, "red_package", "1001", {"id": "r1", "amount": "1.25"})
    sb.classroom.record(room, "red_package", "1002", {"id": "r1", "amount": 0.75})
    sb.classroom.record(room, "random_ask", "1002", {"id": "q1"})
    votes = c.hudong.interact_data_get_class_vote_data(room, type="single")
    assert [(v.user_number, v.answer) for v in votes.items] == [("1001", "A"), ("1002", "B")]
    today = dt.datetime.fromtimestamp(sb.now(), dt.timezone(dt.timedelta(hours=8))).date()
    assert c.hudong.interact_data_get_class_vote_data(room, date=today).total == 3
    yesterday = today - dt.timedelta(days=1)
    assert c.hudong.interact_data_get_class_vote_data(room, date=yesterday).total == 0
    money = c.hudong.interact_data_get_red_package_data(room).items
    assert sum((m.amount or Decimal(0)) for m in money) == Decimal("2.00")
    asks = c.hudong.interact_data_get_random_ask_data(room).items
    assert [(a.ask_id, a.user_number) for a in asks] == [("q1", "1002")]
    multi = c.hudong.interact_data_get_class_vote_data(room, type="multi").items
    assert list(c.hudong.iter_votes(room, page_size=1)) == [*votes.items, *multi]


def test_head_count_per_day_from_attendance(sb: Sandbox, room: str) -> None:
    c = sb.client(max_retries=0, clock=sb.now)  # the sandbox's clock moves a day
    enter(sb, c, room, 1001)
    enter(sb, c, room, 1002)
    enter(sb, c, room, 1001)
    sb.advance_clock(86400)
    enter(sb, c, room, 1003)
    counts = c.hudong.interact_data_get_ai_user_count_data(room)
    assert [x.user_count for x in counts.items] == [2, 1]
    day_two = counts.items[1].date
    assert day_two - counts.items[0].date == dt.timedelta(days=1)
    only = c.hudong.interact_data_get_ai_user_count_data(room, date=day_two)
    assert [(x.date, x.user_count) for x in only.items] == [(day_two, 1)]


def test_rosters_and_teachers(sb: Sandbox, c: BaiJiaYunClient) -> None:
    students = [{"student_id": 1, "student_name": "Li"}, {"student_name": "Zhao", "x": 1}]
    saved = c.hudong.interact_data_save("a1", "Chen", "138", "c1", "One", students, "sandbox")
    assert saved.assist_teacher_list is not None and saved.class_list is not None
    assert (saved.assist_teacher_list.assist_teacher_id, saved.class_list.class_id) == ("a1", "c1")
    assert [s.student_id for s in saved.student_list] == ["1"]  # Zhao has no id to pair
    platform_ids = {saved.assist_teacher_list.id, saved.class_list.id, saved.student_list[0].id}
    assert None not in platform_ids and len(platform_ids) == 3
    roster = c.hudong.interact_data_list("c1")
    assert (roster.class_name, roster.assist_teacher_name) == ("One", "Chen")
    assert [s.to_dict() for s in roster.student_list] == [
        {"student_id": "1", "student_name": "Li", "student_mobile": None},
        {"student_id": None, "student_name": "Zhao", "student_mobile": None},
    ]
    again = c.hudong.interact_data_save.raw("a2", "Wu", "139", "c1", "One bis", students[:1], "o")
    assert again.data["class_list"] == {"class_id": "c1", "id": saved.class_list.id}  # kept
    assert again.data["student_list"] == [{"student_id": 1, "id": saved.student_list[0].id}]
    assert again.data["assist_teacher_list"]["id"] not in platform_ids  # another assistant
    assert c.hudong.interact_data_list("c1").assist_teacher_id == "a2"
    assert c.hudong.interact_data_delete(["c1", "nope"]) == 1
    with pytest.raises(ParameterError) as info:
        c.hudong.interact_data_list("c1")
    assert info.value.msg.startswith("class_id")

    c.hudong.teacher_save("t1", "Zhang", "130", 1)
    c.hudong.teacher_save("t1", "Zhang San", "131", 1)  # the same teacher: changed
    c.hudong.teacher_save("t1", "Zhang", "130", 2)  # another role: another row
    teachers = c.hudong.teacher_list(1, 1, 20)
    assert [(t.teacher_id, t.teacher_name, t.teacher_mobile) for t in teachers.items] == [
        ("t1", "Zhang San", "131")
    ]
    c.hudong.teacher_delete("t1", 1)
    assert c.hudong.teacher_list(1, 1, 20).total == 0
    assert c.hudong.teacher_list(2, 1, 20).total == 1
    with pytest.raises(ParameterError) as info:
        c.hudong.teacher_delete("t1", 1)
    assert info.value.msg.startswith("teacher_id")
    c.hudong.interact_data_update_callback_url("https://school.example/hudong")
    assert sb.hudong.callback_url() == {"callback_url": "https://school.example/hudong"}


@pytest.mark.parametrize(
    ("path", "fields", "param"),
    [
        pytest.param("interact_data/getClassVoteData", {"date": "someday"}, "date", id="date"),
        pytest.param(
            "interact_info/getInteractList",
            {"type": "vote", "end_time": "soon"},
            "end_time",
            id="end-time",
        ),
    ],
)
def test_bad_report_dates_are_refused(
    sb: Sandbox, room: str, path: str, fields: dict[str, str], param: str
) -> None:
    """A client that sends unreadable dates (the SDK refuses them before sending)."""
    from baijiayun._signing import sign
    from baijiayun.sandbox import SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY

    form = {**fields, "room_id": room, "partner_id": SANDBOX_PARTNER_ID}
    form["timestamp"] = str(int(sb.now()))
    form["sign"] = sign(form, SANDBOX_PARTNER_KEY)
    http = httpx2.Client(transport=sb.transport(), base_url="http://sandbox.local")
    answer = http.post(f"/openapi/{path}", data=form).json()
    assert answer["code"] == 1001 and answer["msg"].startswith(param)


def test_the_state_dump_holds_the_classroom_tables(
    sb: Sandbox, c: BaiJiaYunClient, room: str
) -> None:
    c.live_setting.add_notice("kept", "")
    c.doc.upload_doc(PDF, room_id=room)
    c.hudong.interact_data_save("a", "b", "c", "k1", "n", [{"student_name": "Li"}], "o")
    state = sb.dump()["state"]
    assert [t["title"] for t in state["templates"]] == ["kept"]
    assert [d["name"] for d in state["documents"]] == ["week1.pdf"]
    assert state["hudong_classes"][0]["fields"]["student_list"] == [{"student_name": "Li"}]
    sb.reset()
    assert c.live_setting.get_notice_list().total == 0
