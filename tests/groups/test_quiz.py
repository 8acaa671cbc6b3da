"""The sandbox's ``quiz`` group: quiz papers from Excel sheets, assigned to rooms.

(Moved from ``tests/integration/test_classroom_sandbox.py``: The sandbox keeps the classroom
groups' state, derives their reports, and refuses unknown ids.)
"""

from __future__ import annotations

from typing import Any

import pytest

from baijiayun import BaiJiaYunClient, ParameterError, UploadError


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
