"""The sandbox's ``live`` group: class status, user counts, notices, chat, cloud recording.

(Moved from ``tests/integration/test_classroom_sandbox.py``: The sandbox keeps the classroom
groups' state, derives their reports, and refuses unknown ids.)
"""

from __future__ import annotations

from typing import Any

import pytest

from baijiayun import BaiJiaYunClient, ParameterError, RoomDeletedError, RoomNotFoundError
from baijiayun.api.live import LiveStatus, chat_message
from baijiayun.links import Role
from baijiayun.sandbox import Sandbox

from .common import enter


def deliveries(sb: Sandbox) -> list[dict[str, Any]]:
    return [row["fields"] for row in sb.dump()["state"]["deliveries"]]


def test_class_status_moves_like_the_control_api(
    sb: Sandbox, c: BaiJiaYunClient, room: str
) -> None:
    assert c.live.get_live_status(room) == LiveStatus.NOT_STARTED
    c.live.start_class(room)
    assert c.live.get_live_status(room) == LiveStatus.LIVE
    assert c.live.get_live_status(room) == LiveStatus.LIVE
    c.live_account.set_class_callback_url("http://127.0.0.1:9/closed")
    sb.room.end_class(room)  # the control API ends what the API started
    assert c.live.get_live_status(room) == LiveStatus.ENDED
    c.live.start_class(room)  # and the API starts it again
    assert c.live.get_live_status(room) == LiveStatus.LIVE
    c.live.stop_class(room)
    assert c.live.get_live_status(room) == LiveStatus.ENDED
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
    sb.room.end_class(room)
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


def test_an_ended_class_without_a_recording_job_reports_a_stopped_recording(
    sb: Sandbox, c: BaiJiaYunClient, room: str
) -> None:
    c.live_account.set_class_callback_url("http://127.0.0.1:9/closed")
    sb.room.start_class(room)
    sb.room.end_class(room)
    assert sb.live.cloud_record(room) == {"status": "stopped"}
