"""Notice API: ``/openapi/notice/*`` — which notice templates a room shows.

Templates are made with ``client.live_setting.add_notice``.
"""

from __future__ import annotations

from .._group import Group, ModeT, endpoint
from .._params import Ids, RoomId
from ..models.notice import NoticeTemplate
from .live_setting import ProductLine


class Notice(Group[ModeT], name="notice"):
    """Notice templates assigned to rooms."""

    @endpoint("getRoomNoticeList", safe=True, unwrap="list")
    def get_room_notice_list(
        self, room_id: RoomId, product_type: ProductLine | int | None = None
    ) -> list[NoticeTemplate]:
        """The notice templates assigned to a room."""

    @endpoint("assignRoomNotice")
    def assign_room_notice(
        self, room_id: RoomId, notice_ids: Ids, product_type: ProductLine | int | None = None
    ) -> None:
        """Assign notice templates to a room (a list of ids, or comma text)."""

    @endpoint("batchDeleteRoomNotice")
    def batch_delete_room_notice(
        self, room_id: RoomId, notice_ids: Ids, product_type: ProductLine | int | None = None
    ) -> None:
        """Take notice templates off a room (the templates themselves stay)."""
