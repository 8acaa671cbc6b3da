"""The sandbox's ``evaluation`` group: evaluation templates bound to rooms.

(Moved from ``tests/integration/test_classroom_sandbox.py``: The sandbox keeps the classroom
groups' state, derives their reports, and refuses unknown ids.)
"""

from __future__ import annotations

import pytest

from baijiayun import BaiJiaYunClient, ParameterError
from baijiayun.sandbox import Sandbox


def test_evaluations_are_bound_to_rooms(sb: Sandbox, c: BaiJiaYunClient, room: str) -> None:
    on = sb.evaluation.add_evaluation("After class", 1)
    off = sb.evaluation.add_evaluation("Old form", 0)
    assert [e.evaluate_id for e in c.evaluation.get_evaluation_list(status=1).items] == [on]
    assert c.evaluation.get_evaluation_list().total == 2
    c.evaluation.bind_room_evaluation(room, on)
    assert sb.evaluation.room_evaluation(room) == {"evaluate_id": on}
    c.evaluation.update_room_evaluation(room, off)
    assert sb.evaluation.room_evaluation(room) == {"evaluate_id": off}
    with pytest.raises(ParameterError) as info:
        c.evaluation.update_room_evaluation(room, off + 100)
    assert info.value.msg.startswith("evaluate_id")
    assert sb.evaluation.room_evaluation(room) == {"evaluate_id": off}
