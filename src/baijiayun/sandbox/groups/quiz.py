"""``quiz``: the quiz papers a room is assigned (``state/settings.py``)."""

from __future__ import annotations

from typing import Any

from ...api import Quiz
from ..core.service import Call, Service
from ..state import settings
from ..state.settings import SettingsStore, product_arg, quiz_item, room_arg

__all__ = ["service"]

service = Service("quiz", uses=(settings.service,))


@service.handles(Quiz.assign_room_paper)
def assign_room_paper(call: Call) -> None:
    call.store(SettingsStore).assign("quiz", room_arg(call), call.args["paper_ids"], "paper_ids")


@service.handles(Quiz.get_room_quiz_list)
def get_room_quiz_list(call: Call) -> dict[str, Any]:
    quizzes = call.store(SettingsStore).room_templates("quiz", room_arg(call), product_arg(call))
    return {"list": [quiz_item(q) for q in quizzes]}


@service.handles(Quiz.batch_delete_room_paper)
def batch_delete_room_paper(call: Call) -> None:
    call.store(SettingsStore).unassign("quiz", room_arg(call), call.args["paper_ids"], "paper_ids")
