"""Result models of the live account API (``/openapi/live_account/*``): peaks and costs.

Dates are Beijing dates; amounts are ``Decimal`` (CNY), never floats.
"""

from __future__ import annotations

import datetime as _dt

from ._base import Money, Result

__all__ = ["DailyCost", "DayPeaks", "HourPeaks", "RoomCost"]

HourPeaks = dict[int, int]
"""Answer of ``live_account/getHourPeakUser``: the peak number of users online, by hour (0–23)."""

DayPeaks = dict[_dt.date, int]
"""Answer of ``live_account/getDayPeakUser``: the peak number of users online, by day."""


class DailyCost(Result):
    """One day of ``live_account/getPartnerDailyCost``."""

    date: _dt.date
    user_count: int
    """User visits (人次): each user counts once per room and day."""
    minutes: int
    """User minutes: the time users spent in rooms, each visit rounded up to a minute."""
    amount: Money
    """What the day cost (CNY)."""


class RoomCost(Result):
    """One room of ``live_account/getAllRoomCost``."""

    room_id: str
    title: str | None = None
    date: _dt.date
    user_count: int
    """User visits (人次) in the room that day."""
    minutes: int
    """User minutes in the room that day."""
    amount: Money
