"""Quiz API: ``/openapi/quiz/*`` — which quiz templates (papers) a room has.

Templates are made with ``client.live_setting.add_quiz``; their ids are the
``paper_ids`` here.
"""

from __future__ import annotations

from .._group import Group, ModeT, endpoint
from .._params import Ids, RoomId
from ..models.quiz import QuizTemplate
from .live_setting import ProductLine


class Quiz(Group[ModeT], name="quiz"):
    """Quiz templates assigned to rooms."""

    @endpoint("assignRoomPaper")
    def assign_room_paper(
        self, paper_ids: Ids, room_id: RoomId, product_type: ProductLine | int | None = None
    ) -> None:
        """Assign quiz templates to a room (a list of ids, or comma text)."""

    @endpoint("getRoomQuizList", safe=True, unwrap="list")
    def get_room_quiz_list(
        self, room_id: RoomId, product_type: ProductLine | int | None = None
    ) -> list[QuizTemplate]:
        """The quiz templates assigned to a room."""

    @endpoint("batchDeleteRoomPaper")
    def batch_delete_room_paper(
        self, room_id: RoomId, paper_ids: Ids, product_type: ProductLine | int | None = None
    ) -> None:
        """Take quiz templates off a room (the templates themselves stay)."""
