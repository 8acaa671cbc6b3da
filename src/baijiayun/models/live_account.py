"""Result models of the live account API (``/openapi/live_account/*``): peaks and costs.

Dates are Beijing dates; amounts are ``Decimal`` (CNY), never floats.
"""

from __future__ import annotations

import datetime as _dt

from ._base import Result, field
from ._money import Money

__all__ = ["DailyCost", "DayMediaLength", "DayMediaLengths", "DayPeaks", "HourPeaks", "RoomCost"]

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


class DayMediaLength(Result):
    """One day of ``live_account/getDayMediaLength`` as the sandbox answers it; the
    platform's fields are not documented publicly and are kept as sent (by key)."""

    date: _dt.date | None = None
    media_length: int | None = None
    """Minutes of media (the sandbox: user minutes in live classes)."""


class DayMediaLengths(Result):
    """Answer of ``live_account/getDayMediaLength``.

    No public source shows it: ``items`` reads a ``list`` if one is sent, and every
    other field is kept as sent (``result["..."]``). Source of the endpoint: code index
    id 17753618801 (consumer code, c. 2020).
    """

    items: list[DayMediaLength] = field(default_factory=list, alias="list")
