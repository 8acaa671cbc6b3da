"""The sandbox's ``notice`` group: notice templates assigned to rooms.

(Moved from ``tests/integration/test_classroom_sandbox.py``: The sandbox keeps the classroom
groups' state, derives their reports, and refuses unknown ids.)
"""

from __future__ import annotations

import pytest

from baijiayun import BaiJiaYunClient, ParameterError


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
