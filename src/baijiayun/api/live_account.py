"""Live account API: ``/openapi/live_account/*`` — account-wide live settings, peaks and costs.

Receive class callbacks with :mod:`baijiayun.callbacks` (or a ready receiver in
:mod:`baijiayun.callbacks.receivers`). Dates are Beijing dates: pass a ``date`` (or text
``YYYY-MM-DD``); ``product_type`` narrows a report to one product line
(:class:`~baijiayun.api.room.ProductType`), unset means every line.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

from .._group import Group, ModeT, endpoint
from .._params import CallbackUrl, Date
from .._wire import Context, Invalid
from ..models.live_account import DailyCost, DayMediaLengths, DayPeaks, HourPeaks, RoomCost
from .room import ProductType


def check_date_range(values: Mapping[str, Any], ctx: Context) -> None:
    """``end_date`` is not before ``start_date``."""
    start, end = values.get("start_date"), values.get("end_date")
    if isinstance(start, _dt.date) and isinstance(end, _dt.date) and end < start:
        raise Invalid("must not be before start_date", "end_date")


class LiveAccount(Group[ModeT], name="live_account"):
    """The live account: class callbacks, concurrency peaks and daily costs."""

    @endpoint("getHourPeakUser", safe=True, unwrap="peak_user")
    def get_hour_peak_user(
        self, date: Date, product_type: ProductType | int | None = None
    ) -> HourPeaks:
        """The account's highest number of users online in each hour of a day.

        Returns ``{hour: peak}`` for hours 0–23 (Beijing time).
        """

    @endpoint("getDayPeakUser", safe=True, unwrap="peak_user", checks=(check_date_range,))
    def get_day_peak_user(
        self, start_date: Date, end_date: Date, product_type: ProductType | int | None = None
    ) -> DayPeaks:
        """The account's highest number of users online on each day of a range.

        Returns ``{date: peak}`` for every day from ``start_date`` to ``end_date``.
        """

    @endpoint("setClassCallbackUrl", unwrap="url")
    def set_class_callback_url(self, url: CallbackUrl) -> str | None:
        """Set the URL the platform calls on class events (start, end, ...).

        ``url`` must be an absolute http:// or https:// URL. Returns the URL the
        platform echoes, or None when its answer holds none (``null`` or ``{}``).
        """

    @endpoint("getClassCallbackUrl", safe=True, unwrap="url")
    def get_class_callback_url(self) -> str:
        """The URL the platform calls on class events."""

    @endpoint("getPartnerDailyCost", safe=True, unwrap="cost", checks=(check_date_range,))
    def get_partner_daily_cost(
        self, start_date: Date, end_date: Date, product_type: ProductType | int | None = None
    ) -> list[DailyCost]:
        """What the account used and paid on each day of a range (live classes).

        One entry per day: user visits (人次), user minutes and the amount (``Decimal``).
        Small classes are reported by :meth:`SmallCourse.get_daily_cost`.
        """

    @endpoint("getDayMediaLength", safe=True, checks=(check_date_range,))
    def get_day_media_length(
        self,
        start_date: Date | None = None,
        end_date: Date | None = None,
        product_type: ProductType | int | None = None,
    ) -> DayMediaLengths:
        """Media minutes used on each day of a range.

        Seen in public code only as a call with ``partner_id`` (its arguments left
        out, ``product_type``, ``start_date`` and ``end_date`` beside it): the
        parameters are optional here and the answer's fields are kept as sent
        (``baijiayun doctor`` shows what your account answers).
        """

    @endpoint("getAllRoomCost", safe=True, unwrap="room_cost")
    def get_all_room_cost(
        self, date: Date, product_type: ProductType | int | None = None
    ) -> list[RoomCost]:
        """What each live room used and cost on one day: visits, minutes and the amount."""
