"""Parameter kinds and rules of the classroom groups (live, live_setting, hudong, doc, ...).

Kinds that are not in :mod:`baijiayun._wire`: dates and times the platform takes
as Beijing **text** (the hudong reports), decimal numbers (a horse lamp's
opacity); rules on JSON text (message and student lists) and on uploaded files
(type and size). Each is generic: nothing here knows an endpoint.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from .._wire import BEIJING, CSV, INT, STR, ClientOnly, Context, Invalid, Kind, Range, Rule

__all__ = [
    "DATE",
    "DATETIME",
    "NUMBER",
    "DateFormat",
    "DateText",
    "DateTimeText",
    "Extensions",
    "HttpsOnly",
    "Ids",
    "JsonObjects",
    "MaxFileSize",
    "MaxJsonItems",
    "NoComma",
    "Number",
    "NumberRange",
    "PageNo",
    "PageSize",
    "TextList",
    "file_name",
    "file_size",
]

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_DATETIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}(:[0-9]{2})?)?\Z")


def _beijing(value: _dt.datetime, ctx: Context) -> _dt.datetime:
    """A datetime in Beijing time (a naive one is read in the context's zone first)."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        value = value.replace(tzinfo=ctx.tz)
    return value.astimezone(BEIJING)


class _DateText(Kind):
    """A day sent as ``YYYY-MM-DD`` (Beijing); a ``date``, a ``datetime`` or text."""

    name = "date"

    def coerce(self, value: Any, ctx: Context) -> Any:
        if isinstance(value, _dt.datetime):
            return _beijing(value, ctx).date().isoformat()
        if isinstance(value, _dt.date):
            return value.isoformat()
        if isinstance(value, str):
            return value
        raise Invalid("must be a date, a datetime or YYYY-MM-DD text")


class _DateTimeText(Kind):
    """A moment sent as Beijing ``YYYY-MM-DD HH:MM:SS`` text.

    Takes a ``datetime`` (a naive one is read in the client's ``tz``), unix
    seconds, or text (sent as given).
    """

    name = "datetime text"

    def coerce(self, value: Any, ctx: Context) -> Any:
        if isinstance(value, _dt.datetime):
            return _beijing(value, ctx).strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(value, _dt.date):
            raise Invalid("must be a datetime, unix seconds or text, not a date")
        if isinstance(value, int) and not isinstance(value, bool):
            return _dt.datetime.fromtimestamp(value, BEIJING).strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(value, str):
            return value
        raise Invalid("must be a datetime, unix seconds or YYYY-MM-DD HH:MM:SS text")


class _Number(Kind):
    """A decimal number sent as text (``0.5``); ints, floats, ``Decimal`` or numeric text."""

    name = "number"

    def coerce(self, value: Any, ctx: Context) -> Any:
        if isinstance(value, bool):
            raise Invalid("must be a number, not a boolean")
        if isinstance(value, (int, float, Decimal)):
            number = Decimal(str(value))
        elif isinstance(value, str):
            number = _decimal(value)
        else:
            raise Invalid("must be a number")
        if not number.is_finite():
            raise Invalid("must be a finite number")
        return format(number.normalize(), "f") if number != 0 else "0"

    def parse(self, text: str) -> Any:
        number = _decimal(text)
        if not number.is_finite():
            raise Invalid("must be a finite number")
        return text


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise Invalid("must be a number") from None


DATE: Kind = _DateText()
DATETIME: Kind = _DateTimeText()
NUMBER: Kind = _Number()


# --------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class DateFormat(Rule):
    """Text in ``YYYY-MM-DD`` (``with_time``: optionally followed by ``HH:MM[:SS]``)."""

    with_time: bool = False

    def check(self, value: Any) -> str | None:
        pattern = _DATETIME_RE if self.with_time else _DATE_RE
        return None if isinstance(value, str) and pattern.match(value) else self.describe()

    def describe(self) -> str:
        return "must be YYYY-MM-DD HH:MM:SS" if self.with_time else "must be YYYY-MM-DD"


@dataclass(frozen=True)
class NumberRange(Rule):
    """A decimal number (as text) between ``lo`` and ``hi``."""

    lo: float
    hi: float

    def check(self, value: Any) -> str | None:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return self.describe()
        return None if Decimal(str(self.lo)) <= number <= Decimal(str(self.hi)) else self.describe()

    def describe(self) -> str:
        return f"must be between {self.lo:g} and {self.hi:g}"


@dataclass(frozen=True)
class NoComma(Rule):
    """No item of a comma-joined list may itself contain a comma (it would be split)."""

    def check(self, value: Any) -> str | None:
        items = value if isinstance(value, list) else [value]
        if not items or any(not str(item).strip() for item in items):
            return "items must not be empty"
        if any("," in str(item) for item in items):
            return "an item may not contain a comma (the list is sent comma-joined)"
        return None

    def describe(self) -> str:
        return "non-empty items, without commas"


def _json_list(value: Any) -> list[Any] | None:
    try:
        parsed = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return None
    return parsed if isinstance(parsed, list) else None


@dataclass(frozen=True)
class JsonObjects(Rule):
    """JSON text of a non-empty array of objects, each with the ``keys`` named."""

    keys: tuple[str, ...] = ()

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


@dataclass(frozen=True)
class MaxJsonItems(Rule):
    """A JSON array of at most ``n`` items."""

    n: int

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


def file_size(value: Any) -> int | None:
    """The size in bytes of a file value, when it can be known without reading it."""
    if isinstance(value, (str, os.PathLike)):
        return os.path.getsize(os.fspath(value))
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    if isinstance(value, tuple) and len(value) >= 2:
        return file_size(value[1])
    seekable = getattr(value, "seekable", None)
    if callable(seekable) and seekable():  # sent whole, from its start: measure it whole
        position = value.tell()
        end = value.seek(0, os.SEEK_END)
        value.seek(position)
        return int(end)
    return None


@dataclass(frozen=True)
class Extensions(Rule):
    """The uploaded file's name ends with one of the documented extensions."""

    extensions: tuple[str, ...]

    def check(self, value: Any) -> str | None:
        name = file_name(value)
        if name is None:
            return "needs a file name to tell its type: give a path or (filename, content)"
        return None if name.lower().endswith(self.extensions) else self.describe()

    def describe(self) -> str:
        return "must be one of " + ", ".join(self.extensions)


@dataclass(frozen=True)
class MaxFileSize(Rule):
    """The uploaded file is at most ``n`` bytes (checked when its size is known)."""

    n: int

    def check(self, value: Any) -> str | None:
        size = file_size(value)
        return self.describe() if size is not None and size > self.n else None

    def describe(self) -> str:
        return f"at most {self.n // 1024} KB" if self.n < 1 << 20 else f"at most {self.n >> 20} MB"


# --------------------------------------------------------------------------- aliases
DateText = Annotated[_dt.date | str, DATE, ClientOnly(DateFormat())]
"""A day: a ``date``/``datetime`` or ``YYYY-MM-DD`` text (sent as Beijing text)."""

DateTimeText = Annotated[_dt.datetime | int | str, DATETIME, ClientOnly(DateFormat(True))]
"""A moment: a ``datetime``, unix seconds or text, sent as Beijing ``YYYY-MM-DD HH:MM:SS``."""

Number = Annotated[float | int | Decimal | str, NUMBER]

Ids = Annotated[list[int | str] | tuple[int | str, ...] | str | int, CSV(INT), Range(1)]
"""Positive ids, sent comma-joined (a list, or comma text)."""

TextList = Annotated[list[str] | tuple[str, ...] | str, CSV(STR), ClientOnly(NoComma())]
"""Text items sent comma-joined (a list, or comma text); an item may not hold a comma."""

PageNo = Annotated[int | str, INT, ClientOnly(Range(1))]
"""A page number, from 1."""

PageSize = Annotated[int | str, INT, ClientOnly(Range(1))]
"""How many items a page holds."""


@dataclass(frozen=True)
class HttpsOnly(Rule):
    """An ``https://`` URL (the platform asks for https where it loads the page itself)."""

    def check(self, value: Any) -> str | None:
        ok = isinstance(value, str) and value[:8].lower() == "https://"
        return None if ok else self.describe()

    def describe(self) -> str:
        return "must start with https://"
