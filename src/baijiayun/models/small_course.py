"""Result models of the small course API (``/openapi/small_course/*``): small-class costs.

Dates are Beijing dates; amounts are ``Decimal`` (CNY), never floats.
"""

from __future__ import annotations

import datetime as _dt

from ._base import Result, field
from ._money import Money

__all__ = ["SmallClassDailyCost", "SmallClassRoomCost", "SmallClassUserCost", "SmallClassUserCosts"]


class SmallClassDailyCost(Result):
    """One day of ``small_course/getDailyCost``."""

    date: _dt.date | None = None
    room_count: int | None = None
    """Small-class rooms that had users that day."""
    room_minutes: int | None = None
    """Minutes the rooms were in use (from each room's first entry to its last exit)."""
    user_minutes: int | None = None
    """Minutes students spent in the rooms."""
    amount: Money | None = None


class SmallClassRoomCost(Result):
    """One room of ``small_course/getRoomCost``."""

    room_id: str | None = None
    title: str | None = None
    date: _dt.date | None = None
    room_minutes: int | None = None
    user_minutes: int | None = None
    user_count: int | None = None
    """Users who entered the room that day."""
    amount: Money | None = None


class SmallClassUserCost(Result):
    """One user of ``small_course/getUserCost``."""

    user_number: str | None = None
    user_name: str | None = None
    user_role: int | None = None
    """0 student, 1 teacher, 2 assistant."""
    minutes: int | None = None
    amount: Money | None = None


class SmallClassUserCosts(Result):
    """Answer of ``small_course/getUserCost``: one room's users on one day."""

    room_id: str | None = None
    date: _dt.date | None = None
    items: list[SmallClassUserCost] = field(default_factory=list, alias="list")
    amount: Money | None = None
    """The room's amount that day (its room fee and every user's)."""
