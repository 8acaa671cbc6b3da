"""Parameter kinds and rules of the classroom groups (live, live_setting, hudong, doc, ...).

Kinds that are not in :mod:`baijiayun._wire`: decimal numbers (a horse lamp's
opacity); rules on JSON text (message and student lists) and on uploaded files
(type and size). Each is generic: nothing here knows an endpoint.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from .._wire import CSV, INT, STR, ClientOnly, Context, Invalid, Kind, Range, Rule

__all__ = [
    "NUMBER",
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


NUMBER: Kind = _Number()


# --------------------------------------------------------------------------- rules
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
