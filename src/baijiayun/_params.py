"""Parameter types that several endpoint groups (and the link pages) share: one home each.

Each alias carries its wire kind and documented rules in ``Annotated``
metadata, read by :func:`baijiayun._endpoint.declare`. A type that one group
alone uses lives in that group's module; one that two use lives here: ids,
dates and times, files, one :data:`Page`, one page size per rule
(:data:`PageSize`, :data:`PageSizeUpTo1000`), the paging presets, and one
check that a period's end is not before its start (:func:`check_time_order`).
"""

from __future__ import annotations

import datetime as _dt
import enum
import json
import os
from collections.abc import Mapping
from typing import Annotated, Any

from ._endpoint import Paging
from ._wire import (
    CSV,
    DATE,
    DATETIME,
    FILE,
    FLAG,
    INT,
    JSON,
    STR,
    TIME,
    ClientOnly,
    Context,
    FileInput,
    HttpUrl,
    Invalid,
    Range,
    Rule,
    UserNumber,
)

__all__ = [
    "PAGING_20",
    "PAGING_100",
    "PAGING_500",
    "PAGING_1000",
    "Avatar",
    "CallbackUrl",
    "Date",
    "DateTime",
    "ExpiresIn",
    "Extensions",
    "File",
    "Flag",
    "Ids",
    "Int",
    "IntList",
    "JsonObjects",
    "JsonText",
    "LengthBetween",
    "MaxJsonItems",
    "Page",
    "PageSize",
    "PageSizeUpTo1000",
    "PublishStatus",
    "RoomId",
    "RoomIds",
    "Str",
    "Timestamp",
    "UserNum",
    "UserNums",
    "VideoId",
    "VideoIds",
    "check_date_order",
    "check_time_order",
    "day_of",
    "file_name",
]

# --------------------------------------------------------------------------- values
Int = Annotated[int | str, INT]
"""An integer (numeric text is accepted and sent as is)."""

Flag = Annotated[int | bool, FLAG]
"""A switch: ``True``/``False`` are sent as 1/0; other documented values as given."""

Str = Annotated[str, STR]

Timestamp = Annotated[int | _dt.datetime, TIME]
"""Unix seconds, or a datetime (naive ones are read in the client's ``tz``)."""

RoomId = Annotated[int | str, INT, Range(1)]
"""A room id (14 digits)."""

RoomIds = Annotated[list[int | str] | tuple[int | str, ...] | str, CSV(INT), Range(1)]

UserNum = Annotated[int | str, INT, UserNumber()]
"""A user number in the partner's own user system: a positive integer of ≤ 19 digits."""

UserNums = Annotated[list[int | str] | tuple[int | str, ...] | str, CSV(INT), UserNumber()]

IntList = Annotated[list[int | str] | tuple[int | str, ...] | set[int] | str, CSV(INT)]

Avatar = Annotated[str, STR, ClientOnly(HttpUrl())]
"""An absolute http(s) URL of the user's avatar."""

JsonText = Annotated[object, JSON]
"""A list or dict, sent as compact JSON text (text is sent as given)."""

File = Annotated[FileInput, FILE]
"""A path, bytes, a binary file object, or ``(filename, content)``; never signed."""

CallbackUrl = Annotated[str, STR, HttpUrl()]
"""A URL the platform calls back: must start with http:// or https://."""

ExpiresIn = Annotated[int | str, INT, Range(0)]
"""Seconds a player token stays valid; 0 means it never expires."""

Date = Annotated[str | _dt.date, DATE]
"""A calendar date (Beijing): a ``date``, a ``datetime`` or text ``YYYY-MM-DD``."""

DateTime = Annotated[str | int | _dt.datetime, DATETIME]
"""A moment sent as Beijing text ``YYYY-MM-DD HH:MM:SS``: a ``datetime`` (naive ones are
read in the client's ``tz``), unix seconds, or that text."""

Ids = Annotated[list[int | str] | tuple[int | str, ...] | str | int, CSV(INT), Range(1)]
"""Positive ids, sent comma-joined (a list, or comma text)."""

VideoId = Annotated[Int, Range(1)]
VideoIds = Annotated[IntList, Range(1)]


class PublishStatus(enum.IntEnum):
    """Whether viewers may watch a playback or a video (``setPublishStatus``)."""

    PUBLISHED = 1
    BLOCKED = 2


# --------------------------------------------------------------------------- pages
Page = Annotated[Int, ClientOnly(Range(1))]
"""A page number, from 1."""

PageSize = Annotated[Int, ClientOnly(Range(1))]
"""How many items a page holds: at least 1 (the platform documents no bound; some read 0
as "every row", which the SDK does not ask for)."""

PageSizeUpTo1000 = Annotated[Int, Range(1, 1000)]
"""How many items a page holds, where the platform documents 1 to 1000."""

PAGING_20 = Paging(page="page", size="page_size", default_size=20)
"""Pages by ``page`` and ``page_size``; the platform's default size 20."""
PAGING_100 = Paging(page="page", size="page_size", default_size=100)
"""Pages by ``page`` and ``page_size``; the platform's default size 100."""
PAGING_500 = Paging(page="page", size="page_size", default_size=500)
"""Pages by ``page`` and ``page_size``; the platform's default size 500."""
PAGING_1000 = Paging(page="page", size="page_size", default_size=1000)
"""Pages by ``page`` and ``page_size``; the platform's default size 1000."""


# --------------------------------------------------------------------------- periods
def check_time_order(values: Mapping[str, Any], ctx: Context) -> None:
    """``end_time`` is not before ``start_time``.

    Two moments are compared as they are, two whole days (``YYYY-MM-DD`` text) as
    days; a day and a moment by their days (``2026-12-02`` to ``2026-12-01 10:00``
    is refused, the same day is not).
    """
    start, end = values.get("start_time"), values.get("end_time")
    if start is None or end is None:
        return
    if type(start) is not type(end):
        if not (isinstance(start, _dt.date) and isinstance(end, _dt.date)):
            return  # not two values of one kind: nothing to compare
        start, end = day_of(start), day_of(end)  # a day and a moment: compare their days
    if end < start:
        raise Invalid("must not be before start_time", "end_time")


def day_of(value: _dt.date) -> _dt.date:
    """The (Beijing) day of a moment; a day as it is."""
    return value.date() if isinstance(value, _dt.datetime) else value


def check_date_order(values: Mapping[str, Any], ctx: Context) -> None:
    """``end_date`` is not before ``start_date``."""
    start, end = values.get("start_date"), values.get("end_date")
    if start is not None and end is not None and end < start:
        raise Invalid("must not be before start_date", "end_date")


# --------------------------------------------------------------------------- JSON text
def _json_list(value: Any) -> list[Any] | None:
    try:
        parsed = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return None
    return parsed if isinstance(parsed, list) else None


class LengthBetween(Rule):
    """Text of ``lo`` to ``hi`` characters."""

    __slots__ = ("hi", "lo")

    def __init__(self, lo: int, hi: int) -> None:
        self.lo, self.hi = lo, hi

    def check(self, value: Any) -> str | None:
        ok = isinstance(value, str) and self.lo <= len(value) <= self.hi
        return None if ok else self.describe()

    def describe(self) -> str:
        return f"must be {self.lo} to {self.hi} characters"


class JsonObjects(Rule):
    """JSON text of a non-empty array of objects, each with the ``keys`` named."""

    __slots__ = ("keys",)

    def __init__(self, keys: tuple[str, ...] = ()) -> None:
        self.keys = keys

    def check(self, value: Any) -> str | None:
        items = _json_list(value)
        if not items:
            return self.describe()
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                return f"item {index} must be an object"
            for key in self.keys:
                if item.get(key) in (None, ""):
                    return f"item {index} needs {key!r}"
        return None

    def describe(self) -> str:
        needs = f" each with {', '.join(self.keys)}" if self.keys else ""
        return f"must be a non-empty JSON array of objects{needs}"


class MaxJsonItems(Rule):
    """A JSON array of at most ``n`` items."""

    __slots__ = ("n",)

    def __init__(self, n: int) -> None:
        self.n = n

    def check(self, value: Any) -> str | None:
        items = _json_list(value)
        return self.describe() if items is not None and len(items) > self.n else None

    def describe(self) -> str:
        return f"at most {self.n} items"


# --------------------------------------------------------------------------- files
def file_name(value: Any) -> str | None:
    """The file name a file value is uploaded under (None for bare bytes)."""
    if isinstance(value, (str, os.PathLike)):
        return os.path.basename(os.fspath(value))
    if isinstance(value, tuple) and value and isinstance(value[0], str):
        return value[0]
    if isinstance(value, (bytes, bytearray)):
        return None
    name = getattr(value, "name", None)
    return os.path.basename(name) if isinstance(name, str) else None


class Extensions(Rule):
    """The uploaded file's name ends with one of the documented extensions."""

    __slots__ = ("extensions",)

    def __init__(self, extensions: tuple[str, ...]) -> None:
        self.extensions = extensions

    def check(self, value: Any) -> str | None:
        name = file_name(value)
        if name is None:
            return "needs a file name to tell its type: give a path or (filename, content)"
        return None if name.lower().endswith(self.extensions) else self.describe()

    def describe(self) -> str:
        return "must be one of " + ", ".join(self.extensions)
