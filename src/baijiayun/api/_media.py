"""Parameter types shared by the recording and VOD groups (playback, video, video_data).

Each alias carries its wire kind and documented rules in ``Annotated``
metadata, read by :func:`baijiayun._endpoint.declare`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Annotated, Any

from .._wire import CSV, INT, ClientOnly, Context, Invalid, OneOf, Range
from ._types import Date, DateTime, Int, IntList

__all__ = [
    "Date",
    "DateTime",
    "Definition",
    "Definitions",
    "PublishStatus",
    "VideoId",
    "VideoIds",
    "check_date_order",
    "check_same_day",
]


class PublishStatus(enum.IntEnum):
    """Whether viewers may watch a playback or a video (``setPublishStatus``)."""

    PUBLISHED = 1
    BLOCKED = 2


class Definition(enum.IntEnum):
    """A transcoding definition (``definition``: one or several, comma-joined)."""

    SD = 16
    """Standard definition."""
    HD = 1
    SUPER_HD = 2
    P720 = 4
    P1080 = 8


VideoId = Annotated[Int, Range(1)]
VideoIds = Annotated[IntList, Range(1)]
Definitions = Annotated[
    list[Definition | int] | tuple[Definition | int, ...] | Definition | int | str,
    CSV(INT),
    OneOf.of(Definition),
]
"""One or several definitions: a list, one value, or comma text (``"16,1"``)."""

Page = Annotated[Int, ClientOnly(Range(1))]


def check_date_order(values: Mapping[str, Any], ctx: Context) -> None:
    """``end_date`` is not before ``start_date``."""
    start, end = values.get("start_date"), values.get("end_date")
    if start is not None and end is not None and end < start:
        raise Invalid("must not be before start_date", "end_date")


def check_time_order(values: Mapping[str, Any], ctx: Context) -> None:
    """``end_time`` is not before ``start_time``."""
    start, end = values.get("start_time"), values.get("end_time")
    if type(start) is type(end) and start is not None and end < start:  # two days or two times
        raise Invalid("must not be before start_time", "end_time")


def check_same_day(values: Mapping[str, Any], ctx: Context) -> None:
    """``start_time`` and ``end_time`` are on the same day (Beijing time): a query may
    not span days."""
    start, end = values.get("start_time"), values.get("end_time")
    if start is not None and end is not None and start.date() != end.date():
        raise Invalid("must be on the day of start_time (a query may not span days)", "end_time")
