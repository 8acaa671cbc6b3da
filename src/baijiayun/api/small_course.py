"""Small course API: ``/openapi/small_course/*`` — what small classes (room type 4) cost.

``product_type`` is required by the platform: ``0`` on older accounts, ``2``
(:attr:`~baijiayun.api.room.ProductType.SMALL_CLASS`) on newer ones.
"""

from __future__ import annotations

from .._group import Group, ModeT, endpoint
from .._params import Date, RoomId
from ..models.small_course import SmallClassDailyCost, SmallClassRoomCost, SmallClassUserCosts
from .live_account import check_date_range
from .room import ProductType


class SmallCourse(Group[ModeT], name="small_course"):
    """Costs of small classes: per day, per room and per user."""

    @endpoint("getDailyCost", safe=True, unwrap="cost", checks=(check_date_range,))
    def get_daily_cost(
        self, product_type: ProductType | int, start_date: Date, end_date: Date
    ) -> list[SmallClassDailyCost]:
        """What small classes used and cost on each day of a range."""

    @endpoint("getRoomCost", safe=True, unwrap="room_cost")
    def get_room_cost(
        self, product_type: ProductType | int, date: Date
    ) -> list[SmallClassRoomCost]:
        """What each small-class room used and cost on one day."""

    @endpoint("getUserCost", safe=True)
    def get_user_cost(
        self, product_type: ProductType | int, date: Date, room_id: RoomId
    ) -> SmallClassUserCosts:
        """What each user of one small-class room used and cost on one day."""
