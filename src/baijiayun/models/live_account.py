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

    date: _dt.date | None = None
    user_count: int | None = None
    """User visits (人次): each user counts once per room and day."""
    minutes: int | None = None
    """User minutes: the time users spent in rooms, each visit rounded up to a minute."""
    amount: Money | None = None
    """What the day cost (CNY)."""


class RoomCost(Result):
    """One room of ``live_account/getAllRoomCost``."""

    room_id: str | None = None
    title: str | None = None
    date: _dt.date | None = None
    user_count: int | None = None
    """User visits (人次) in the room that day."""
    minutes: int | None = None
    """User minutes in the room that day."""
    amount: Money | None = None
