"""Parameter types shared by endpoint declarations.

Each alias carries its wire kind and documented rules in ``Annotated``
metadata, read by :func:`baijiayun._endpoint.declare`.
"""

from __future__ import annotations

import datetime as _dt
from typing import Annotated

from .._wire import (
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
    FileInput,
    HttpUrl,
    Range,
    UserNumber,
)

__all__ = [
    "Avatar",
    "CallbackUrl",
    "Date",
    "DateTime",
    "ExpiresIn",
    "File",
    "Flag",
    "Int",
    "IntList",
    "JsonText",
    "RoomId",
    "RoomIds",
    "Str",
    "Timestamp",
    "UserNum",
    "UserNums",
]

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
