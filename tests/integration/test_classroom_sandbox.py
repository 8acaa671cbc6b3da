"""The sandbox keeps the classroom groups' state, derives their reports, and refuses unknown ids.

In process (the registry tests already run every endpoint over HTTP too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx2
import pytest

from baijiayun import (
    BaiJiaYunClient,
    ParameterError,
    RoomDeletedError,
    RoomNotFoundError,
    UploadError,
)
from baijiayun.api.live import LiveStatus, chat_message
from baijiayun.links import Role
from baijiayun.sandbox import Sandbox

PDF = ("week1.pdf", b"%PDF-1.4 week one")


@pytest.fixture
def sb() -> Sandbox:
    return Sandbox(raise_errors=True)


@pytest.fixture
def c(sb: Sandbox) -> Iterator[BaiJiaYunClient]:
    client = sb.client(max_retries=0)
    yield client
    client.close()


@pytest.fixture
def room(c: BaiJiaYunClient, times: tuple[int, int]) -> str:
    return str(c.room.create("Physics 物理", *times, 2).room_id)


def enter(sb: Sandbox, c: BaiJiaYunClient, room_id: str, number: int, role: int = 0) -> None:
    """Open a signed enter link in the sandbox, as a browser would."""
    url = c.links.enter_url(room_id, number, f"user {number}", role)
    with httpx2.Client(transport=sb.transport()) as browser:
        assert browser.get(url).status_code == 200


def deliveries(sb: Sandbox) -> list[dict[str, Any]]:
    return [row["fields"] for row in sb.dump()["state"]["deliveries"]]


# --------------------------------------------------------------------------- live
def test_class_status_moves_like_the_control_api(
    sb: Sandbox, c: BaiJiaYunClient, room: str
) -> None:
    assert c.live.get_live_status(room) == LiveStatus.NOT_STARTED
    c.live.start_class(room)
    assert c.live.get_live_status(room) == LiveStatus.LIVE
    assert c.room.info(room).status == "live"
    c.live_account.set_class_callback_url("http://127.0.0.1:9/closed")
    sb.rooms.end_class(room)  # the control API ends what the API started
    assert c.live.get_live_status(room) == LiveStatus.ENDED
    c.live.start_class(room)  # and the API starts it again
    assert c.room.info(room).status == "live"
    c.live.stop_class(room)
    assert c.room.info(room).status == "ended"
    ops = [f["op"] for f in deliveries(sb)]
    assert ops == ["end", "start", "end"]  # no URL for the first start: nothing was sent
    assert {f["room_id"] for f in deliveries(sb)} == {room}


def test_user_count_and_teacher_status_come_from_attendance(
    sb: Sandbox, c: BaiJiaYunClient, room: str
) -> None:
    assert (c.live.get_user_count(room).user_count, c.live.get_teacher_online_status(room)) == (
        0,
        0,
    )
    enter(sb, c, room, 9001, Role.TEACHER)
    enter(sb, c, room, 1001)
    enter(sb, c, room, 1002)
    enter(sb, c, room, 1002)  # the same user twice (two tabs) counts once
    assert c.live.get_user_count(room).user_count == 3
    assert c.live.get_teacher_online_status(room) == 1
    sb.classroom.leave(room, "9001")
    assert c.live.get_teacher_online_status(room) == 0
    assert c.live.get_user_count(room).user_count == 2
    c.live.start_class(room)
    c.live.stop_class(room)  # without kicking out: the students stay
    assert c.live.get_user_count(room).user_count == 2
    c.live.stop_class(room, is_kick_out_all=1)
    assert c.live.get_user_count(room).user_count == 0
    visits = sb.classroom.attendance(room)["visits"]
    assert all(v["leave_time"] is not None for v in visits)


def test_notify_is_kept_and_replaced(sb: Sandbox, c: BaiJiaYunClient, room: str) -> None:
    assert sb.live.notify(room) == {"content": None}
    c.live.set_notify(room, "Bring a calculator")
    c.live.set_notify(room, "带计算器")
    assert sb.live.notify(room) == {"content": "带计算器"}


def test_chat_messages_are_recorded_and_sensitive_words_block_them(
    sb: Sandbox, c: BaiJiaYunClient, room: str, times: tuple[int, int]
) -> None:
    small = str(c.room.create("Small", *times, 4, max_users=6).room_id)
    c.live_setting.add_sensitive_word_batch(["cheat"])  # every product line
    c.live_setting.add_sensitive_word_batch(["homework"], product_type=2)  # small classes
    c.live.send_chat_message(
        [
            chat_message(room, "no homework today", 9001, "Wang", user_role=1),
            chat_message(room, "can I cheat?", 1001, "Li"),
            chat_message(small, "homework?", 1002, "Zhao"),
        ]
    )
    messages = sb.live.chat(room)["messages"]
    assert [(m["user_number"], m["content"], m["blocked"]) for m in messages] == [
        ("9001", "no homework today", False),
        ("1001", "can I cheat?", True),
    ]
    assert messages[0]["user_name"] == "Wang"
    assert [m["blocked"] for m in sb.live.chat(small)["messages"]] == [True]


def test_a_chat_message_for_an_unknown_room_records_nothing(
    sb: Sandbox, c: BaiJiaYunClient, room: str
) -> None:
    with pytest.raises(RoomNotFoundError):
        c.live.send_chat_message(
            [chat_message(room, "first", 1), chat_message(26010199999999, "lost", 1)]
        )
    assert sb.live.chat(room)["messages"] == []
    with pytest.raises(ParameterError) as info:
        c.with_options(validate=False).live.send_chat_message('{"class_id": 1}')
    assert info.value.msg.startswith("message_list")


def test_cloud_recording_follows_the_class(sb: Sandbox, c: BaiJiaYunClient, room: str) -> None:
    with pytest.raises(ParameterError) as info:
        c.live.trans_cloud_record(room)  # nothing was recorded
    assert info.value.msg.startswith("room_id")
    c.live.stop_cloud_record(room)  # nothing to stop: accepted, nothing recorded
    assert sb.live.cloud_record(room) == {"status": None}
    c.live.start_class(room)
    assert sb.live.cloud_record(room) == {"status": "recording"}
    c.live.stop_cloud_record(room)
    assert sb.live.cloud_record(room) == {"status": "stopped"}
    assert c.live.get_live_status(room) == LiveStatus.LIVE  # the class goes on
    c.live.trans_cloud_record(room)
    assert sb.live.cloud_record(room) == {"status": "transcoding"}
    c.live.start_class(room)  # a new class records anew
    c.live_account.set_class_callback_url("http://127.0.0.1:9/closed")
    sb.rooms.end_class(room)
    assert sb.live.cloud_record(room) == {"status": "stopped"}


@pytest.mark.parametrize(
    "qualname",
    [
        "live.get_live_status",
        "live.get_teacher_online_status",
        "live.get_user_count",
        "live.stop_cloud_record",
        "live.start_class",
        "live.stop_class",
        "doc.list_doc",
        "notice.get_room_notice_list",
        "quiz.get_room_quiz_list",
        "hudong.interact_data_get_ai_user_count_data",
    ],
)
def test_unknown_and_deleted_rooms_answer_3001_and_3002(
    c: BaiJiaYunClient, room: str, qualname: str
) -> None:
    group, _, method = qualname.partition(".")
    call = getattr(getattr(c, group), method)
    with pytest.raises(RoomNotFoundError):
        call(room_id=26010100000000)
    c.room.delete(room)
    with pytest.raises(RoomDeletedError):
        call(room_id=room)


# --------------------------------------------------------------------------- settings
def test_watermark_per_product_line(c: BaiJiaYunClient) -> None:
    assert c.live_setting.get_watermark().to_dict() == {"pos": 0, "url": None}
    c.live_setting.set_watermark(2, ("logo.png", b"PNG one"))
    first = c.live_setting.get_watermark()
    assert first.pos == 2 and first.url is not None
    c.live_setting.set_watermark(4)  # no image: the image stays
    assert c.live_setting.get_watermark().to_dict() == {"pos": 4, "url": first.url}
    c.live_setting.set_watermark(1, ("logo.png", b"PNG two"))
    assert c.live_setting.get_watermark().url != first.url
    c.live_setting.set_watermark(3, ("big.png", b"PNG"), product_type=4)
    assert c.live_setting.get_watermark(product_type=4).pos == 3
    assert c.livesetting.get_watermark().pos == 1


def test_an_oversized_watermark_is_refused_4001_and_changes_nothing(c: BaiJiaYunClient) -> None:
    c.live_setting.set_watermark(1, ("logo.png", b"small"))
    before = c.live_setting.get_watermark()
    with pytest.raises(UploadError) as info:
        big = ("logo.png", b"x" * ((1 << 20) + 1))
        c.with_options(validate=False).live_setting.set_watermark(2, big)
    assert info.value.code == 4001
    assert c.live_setting.get_watermark() == before


def test_horse_lamp_changes_only_what_is_given(c: BaiJiaYunClient) -> None:
    c.live_setting.set_live_horse_lamp(type=1, value="Sandbox School", color="#112233")
    c.live_setting.set_live_horse_lamp(opacity="0.4", font_size=16)
    lamp = c.live_setting.get_live_horse_lamp()
    assert (lamp.type, lamp.value, lamp.color, lamp.font_size, lamp.opacity) == (
        1,
        "Sandbox School",
        "#112233",
        16,
        0.4,
    )
    assert c.live_setting.get_live_horse_lamp(product_type=2).type == 0


def test_red_package_limit(c: BaiJiaYunClient) -> None:
    assert c.live_setting.get_max_red_package_count() == 100  # the sandbox's default
    c.live_setting.set_max_red_package_count(7, product_type=1)
    assert c.live_setting.get_max_red_package_count(product_type=1) == 7
    assert c.live_setting.get_max_red_package_count() == 100


def test_sensitive_words_page_and_delete(c: BaiJiaYunClient) -> None:
    c.live_setting.add_sensitive_word_batch([f"w{i}" for i in range(25)])
    c.live_setting.add_sensitive_word_batch("w0,extra,extra")  # each word is kept once
    first = c.live_setting.get_sensitive_word(page_size=10)
    assert (first.total, len(first.items), first.page, first.page_size) == (26, 10, 1, 10)
    words = list(c.live_setting.iter_sensitive_words(page_size=10))
    assert [w.word for w in words][:3] == ["w0", "w1", "w2"]
    assert len(words) == 26
    ids = [w.id for w in words[:2]]
    with pytest.raises(ParameterError) as info:
        c.live_setting.delete_sensitive_word_batch([*ids, 999_999])
    assert info.value.msg.startswith("ids")
    assert c.live_setting.get_sensitive_word().total == 26  # nothing was deleted
    c.live_setting.delete_sensitive_word_batch(ids)
    assert c.live_setting.get_sensitive_word().total == 24


def test_notices_are_assigned_to_rooms(c: BaiJiaYunClient, room: str) -> None:
    first = c.live_setting.add_notice("Exam on Friday 周五考试", "https://s.example/exam").id
    second = c.live_setting.add_notice("Holiday", "", product_type=4).id
    assert [n.id for n in c.live_setting.get_notice_list(query="周五").items] == [first]
    assert [n.id for n in c.live_setting.get_notice_list(product_type=4).items] == [second]
    c.notice.assign_room_notice(room, [first, second])
    c.notice.assign_room_notice(room, first)  # again: still once
    assert [n.id for n in c.notice.get_room_notice_list(room)] == [first, second]
    c.notice.batch_delete_room_notice(room, [second])
    assert [n.content for n in c.notice.get_room_notice_list(room)] == ["Exam on Friday 周五考试"]
    with pytest.raises(ParameterError) as info:
        c.notice.assign_room_notice(room, [first, 424242])
    assert info.value.msg.startswith("notice_ids")
    c.live_setting.delete_notice_batch([first])  # the template leaves the room too
    assert c.notice.get_room_notice_list(room) == []
    assert c.live_setting.get_notice_list().total == 1


def test_quizzes_come_from_excel_sheets_and_are_assigned(
    c: BaiJiaYunClient, room: str, tmp_path: Any
) -> None:
    sheet = tmp_path / "Unit 3 quiz.xlsx"
    sheet.write_bytes(b"PK\x03\x04 sheet")
    quiz = c.live_setting.add_quiz(sheet, is_force=1).id
    listed = c.live_setting.get_quiz_list(query="Unit 3").items
    assert [(q.id, q.name, q.is_force) for q in listed] == [(quiz, "Unit 3 quiz", 1)]
    c.quiz.assign_room_paper([quiz], room)
    assert [q.id for q in c.quiz.get_room_quiz_list(room)] == [quiz]
    c.quiz.batch_delete_room_paper(room, [quiz])
    assert c.quiz.get_room_quiz_list(room) == []
    with pytest.raises(ParameterError) as info:
        c.with_options(validate=False).live_setting.add_quiz(("answers.csv", b"a,b"))
    assert info.value.msg.startswith("attachment")
    with pytest.raises(UploadError):
        c.live_setting.add_quiz(("empty.xls", b""))
    with pytest.raises(ParameterError) as info:
        c.live_setting.delete_quiz(quiz + 1000)
    assert info.value.msg.startswith("id")
    assert c.live_setting.get_quiz_list().total == 1


def test_evaluations_are_bound_to_rooms(sb: Sandbox, c: BaiJiaYunClient, room: str) -> None:
    on = sb.settings.add_evaluation("After class", 1)
    off = sb.settings.add_evaluation("Old form", 0)
    assert [e.evaluate_id for e in c.evaluation.get_evaluation_list(status=1).items] == [on]
    assert c.evaluation.get_evaluation_list().total == 2
    c.evaluation.bind_room_evaluation(room, on)
    assert sb.settings.room_evaluation(room) == {"evaluate_id": on}
    c.evaluation.update_room_evaluation(room, off)
    assert sb.settings.room_evaluation(room) == {"evaluate_id": off}
    with pytest.raises(ParameterError) as info:
        c.evaluation.update_room_evaluation(room, off + 100)
    assert info.value.msg.startswith("evaluate_id")
    assert sb.settings.room_evaluation(room) == {"evaluate_id": off}


def test_accounts_do_not_see_each_others_templates_or_rooms(
    sb: Sandbox, c: BaiJiaYunClient, room: str
) -> None:
    notice = c.live_setting.add_notice("mine", "").id
    sb.partners.add("20000002", "other-key", "other-secret")
    other = sb.client(partner_id="20000002", partner_key="other-key", max_retries=0)
    assert other.live_setting.get_notice_list().total == 0
    with pytest.raises(RoomNotFoundError):
        other.notice.assign_room_notice(room, [notice])
    own = str(other.room.create("theirs", *_times(sb), 2).room_id)
    with pytest.raises(ParameterError):
        other.notice.assign_room_notice(own, [notice])


def _times(sb: Sandbox) -> tuple[int, int]:
    now = int(sb.now())
    return now + 3600, now + 7200


# --------------------------------------------------------------------------- documents
def test_documents_upload_bind_convert_and_remove(
    sb: Sandbox, c: BaiJiaYunClient, room: str, times: tuple[int, int]
) -> None:
    doc = c.doc.upload_doc(PDF, room_id=room)
    assert (doc.name, doc.ext, doc.size, doc.status, doc.origin) == (
        "week1.pdf",
        "pdf",
        len(PDF[1]),
        0,
        "api",
    )
    assert [d.fid for d in c.doc.list_doc(room)] == [doc.fid]
    assert sb.documents.set_status(doc.fid, 1)["status"] == 1
    assert c.doc.list_doc(room)[0].status == 1
    other = str(c.room.create("Other", *times, 2).room_id)
    c.doc.bind_doc(other, doc.fid)
    assert c.doc.remove_doc(room, doc.fid) == doc.fid
    assert c.doc.list_doc(room) == []
    assert [d.fid for d in c.doc.list_doc(other)] == [doc.fid]
    with pytest.raises(ParameterError) as info:
        c.doc.remove_doc(room, doc.fid)  # no longer in that room
    assert info.value.msg.startswith("fid")


def test_document_origins_and_h5(sb: Sandbox, c: BaiJiaYunClient, room: str) -> None:
    api_doc = c.doc.upload_doc(PDF).fid
    in_class = sb.documents.add("board.png", room_id=room)["fid"]
    h5 = c.doc.upload_h5_by_url("https://h5.example/lesson/index.html", room)
    assert (h5.ext, h5.status, h5.url, h5.name) == (
        "h5",
        1,
        "https://h5.example/lesson/index.html",
        "index.html",
    )
    assert [d.fid for d in c.doc.list_all_doc("room")] == [in_class]
    assert [d.fid for d in c.doc.list_all_doc("api")] == [api_doc, h5.fid]
    assert len(c.doc.list_all_doc("all")) == 3
    assert [d.fid for d in c.doc.list_doc(room)] == [in_class, h5.fid]


def test_failed_document_calls_store_nothing(
    sb: Sandbox, c: BaiJiaYunClient, room: str, times: tuple[int, int]
) -> None:
    with pytest.raises(RoomNotFoundError):
        c.doc.upload_doc(PDF, room_id=26010100000000)
    with pytest.raises(UploadError):
        c.doc.upload_doc(("empty.pdf", b""))
    with pytest.raises(ParameterError) as info:
        c.with_options(validate=False).doc.upload_doc(("run.exe", b"MZ"))
    assert info.value.msg.startswith("attachment")
    assert c.doc.list_all_doc("all") == []
    fid = c.doc.upload_doc(PDF).fid
    second = str(c.room.create("Second", *times, 2).room_id)
    with pytest.raises(RoomNotFoundError):
        c.doc.bind_doc_multi([room, 26010100000000, second], fid)
    assert c.doc.list_doc(room) == [] and c.doc.list_doc(second) == []
    c.doc.bind_doc_multi([room, second], fid)
    assert [d.fid for d in c.doc.list_doc(second)] == [fid]
    with pytest.raises(ParameterError) as info:
        c.doc.bind_doc(room, fid + 1)
    assert info.value.msg.startswith("fid")


def test_document_status_control_refuses_unknown_values(sb: Sandbox, c: BaiJiaYunClient) -> None:
    fid = c.doc.upload_doc(PDF).fid
    with httpx2.Client(transport=sb.transport(), base_url="http://sandbox.local") as http:
        bad = http.post(f"/_sandbox/documents/{fid}/status", json={"status": 7})
        missing = http.post("/_sandbox/documents/999/status", json={"status": 1})
        ok = http.post(f"/_sandbox/documents/{fid}/status", json={"status": 2})
    assert bad.status_code == 400 and bad.json()["code"] == 1001
    assert missing.status_code == 400 and missing.json()["code"] == 1001
    assert ok.status_code == 200 and ok.json()["status"] == 2
    assert c.doc.list_all_doc("all")[0].status == 2


# --------------------------------------------------------------------------- hudong
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
    c.hudong.interact_data_save("a1", "Chen", "138", "c1", "One", students, "sandbox")
    roster = c.hudong.interact_data_list("c1")
    assert (roster.class_name, roster.assist_teacher_name) == ("One", "Chen")
    assert [s.to_dict() for s in roster.student_list] == [
        {"student_id": "1", "student_name": "Li", "student_mobile": None},
        {"student_id": None, "student_name": "Zhao", "student_mobile": None},
    ]
    c.hudong.interact_data_save("a2", "Wu", "139", "c1", "One bis", students[:1], "sandbox")
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
    assert sb.interaction.callback_url() == {"callback_url": "https://school.example/hudong"}


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


@pytest.mark.parametrize(
    ("qualname", "args"),
    [
        pytest.param("doc.upload_doc", {"attachment": None}, id="doc"),
        pytest.param("live_setting.add_quiz", {"attachment": None}, id="quiz"),
    ],
)
def test_a_missing_file_part_is_answered_1001_naming_it(
    c: BaiJiaYunClient, qualname: str, args: dict[str, Any]
) -> None:
    group, _, method = qualname.partition(".")
    loose = getattr(c.with_options(validate=False), group)
    with pytest.raises(ParameterError) as info:
        getattr(loose, method)(**args)
    assert info.value.msg.startswith("attachment")


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
