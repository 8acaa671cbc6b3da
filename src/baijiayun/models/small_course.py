"""Result models of the small course API (``/openapi/small_course/*``): small-class costs.

Dates are Beijing dates; amounts are ``Decimal`` (CNY), never floats.
"""

from __future__ import annotations

import datetime as _dt

from pydantic import Field

from ._base import Money, Result

__all__ = ["SmallClassDailyCost", "SmallClassRoomCost", "SmallClassUserCost", "SmallClassUserCosts"]


class SmallClassDailyCost(Result):
    """One day of ``small_course/getDailyCost``."""

    date: _dt.date
    room_count: int
    """Small-class rooms that had users that day."""
    room_minutes: int
    """Minutes the rooms were in use (from each room's first entry to its last exit)."""
    user_minutes: int
    """Minutes students spent in the rooms."""
    amount: Money


class SmallClassRoomCost(Result):
    """One room of ``small_course/getRoomCost``."""

    room_id: str
    title: str | None = None
    date: _dt.date
    room_minutes: int
    user_minutes: int
    user_count: int
    """Users who entered the room that day."""
    amount: Money


class SmallClassUserCost(Result):
    """One user of ``small_course/getUserCost``."""

    user_number: str
    user_name: str | None = None
    user_role: int
    """0 student, 1 teacher, 2 assistant."""
    minutes: int
    amount: Money


class SmallClassUserCosts(Result):
    """Answer of ``small_course/getUserCost``: one room's users on one day."""

    room_id: str
    date: _dt.date
    items: list[SmallClassUserCost] = Field(default_factory=list, alias="list")
    amount: Money
    """The room's amount that day (its room fee and every user's)."""
