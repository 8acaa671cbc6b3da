"""Evaluation API: ``/openapi/evaluation/*`` — after-class evaluation templates and rooms.

The platform documents these for accounts on its "pro" environment only.
"""

from __future__ import annotations

from typing import Annotated

from .._group import Group, ModeT, endpoint
from .._params import PAGING_20, Int, Page, PageSize, RoomId
from .._wire import Range
from ..models.evaluation import EvaluationList

EvaluateId = Annotated[Int, Range(1)]
PAGING = PAGING_20


class Evaluation(Group[ModeT], name="evaluation"):
    """After-class evaluation templates, and the one each room uses."""

    @endpoint("getEvaluationList", safe=True, paging=PAGING)
    def get_evaluation_list(
        self,
        status: Int | None = None,
        page: Page | None = None,
        page_size: PageSize | None = None,
    ) -> EvaluationList:
        """One page of the evaluation templates; ``status`` keeps those with that status
        (1 enabled, 0 disabled)."""

    @endpoint("bindRoomEvaluation")
    def bind_room_evaluation(self, room_id: RoomId, evaluate_id: EvaluateId) -> None:
        """Give a room an evaluation template."""

    @endpoint("updateRoomEvaluation")
    def update_room_evaluation(self, room_id: RoomId, evaluate_id: EvaluateId) -> None:
        """Change the evaluation template of a room."""

    iter_evaluations = get_evaluation_list.pages()
