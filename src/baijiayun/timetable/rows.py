"""The timetable CSV: read, check every row before anything is sent, and the row's identity.

Every row is checked with the same declared rules the SDK checks on
``room.create`` (plus a title, a teacher and valid user numbers); bad rows are
reported with their line numbers. A row is identified by its title (as the
platform keeps it: the first 50 characters), start and end.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as _dt
import hashlib
import io
import json
import os
import re
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._wire import BEIJING, Context, Invalid, UserNumber
from ..api import REGISTRY
from ..api.room import TITLE_LENGTH
from ..errors import BaiJiaYunError, ValidationError

__all__ = [
    "CREATE_COLUMNS",
    "KEY_COLUMN",
    "REQUIRED_COLUMNS",
    "RESULT_COLUMNS",
    "STUDENT_NAMES",
    "BadRow",
    "Row",
    "Timetable",
    "TimetableError",
    "UndecodableTimetable",
    "parse_time",
    "read_timetable",
    "same_title",
]

REQUIRED_COLUMNS = (
    "title",
    "start",
    "end",
    "type",
    "teacher_number",
    "teacher_name",
    "student_numbers",
)
STUDENT_NAMES = "student_names"
"""Optional column: the students' names for their enter links, separated by ``;``."""
KEY_COLUMN = "key"
"""Optional column: the operator's own id for a class (a course-session code). With it, a
later run matches rows to rooms by key: an edited row updates its room."""
KEY_LENGTH = 200

RESULT_COLUMNS = (
    "room_id",
    "teacher_code",
    "admin_code",
    "teacher_link",
    "student_codes",
    "student_links",
    "status",
    "error",
)
"""Columns the result adds after the input's (codes and links of students are
space-separated, in the order of ``student_numbers``)."""

_CREATE = REGISTRY["room.create"]
_COVERED = {"title", "start_time", "end_time", "type"}
CREATE_COLUMNS = tuple(p.name for p in _CREATE.params if p.name not in _COVERED)
"""Optional columns sent to ``room/create`` as they are (``max_users``, ``template_name``, ...)."""


class TimetableError(BaiJiaYunError):
    """The timetable or the ledger cannot be used at all (not one row's problem)."""


class UndecodableTimetable(TimetableError):
    """The timetable is not text in the encoding it was read with."""

    def __init__(self, message: str, encoding: str) -> None:
        super().__init__(message)
        self.encoding = encoding


# --------------------------------------------------------------------------- times
_LOOSE_TIME = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?\Z"
)


def parse_time(text: str, tz: _dt.tzinfo = BEIJING) -> _dt.datetime:
    """An aware datetime from ISO 8601, ``YYYY-MM-DD HH:MM`` or unix seconds.

    Without an offset the time is read in ``tz`` (Beijing time by default).
    ``2026/12/1 19:00`` (as spreadsheets write it) is accepted too. Raises
    ``ValueError`` naming the expected forms.
    """
    value = text.strip()
    if value.isdigit():
        return _dt.datetime.fromtimestamp(int(value), tz)
    parsed: _dt.datetime | None = None
    iso = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    if len(value) > 10:  # a date alone is not a time
        with contextlib.suppress(ValueError):
            parsed = _dt.datetime.fromisoformat(iso)
    if parsed is None:
        match = _LOOSE_TIME.match(value)
        if match is None:
            raise ValueError(
                f"not a time: {text!r} (use YYYY-MM-DD HH:MM, ISO 8601 or unix seconds)"
            )
        year, month, day, hour, minute, second, offset = match.groups()
        zone: _dt.tzinfo | None = None
        if offset:
            if offset.upper() == "Z":
                zone = _dt.timezone.utc
            else:
                digits = offset.replace(":", "")
                delta = _dt.timedelta(hours=int(digits[1:3]), minutes=int(digits[3:5]))
                zone = _dt.timezone(-delta if digits[0] == "-" else delta)
        try:
            parsed = _dt.datetime(
                int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
                tzinfo=zone,
            )  # fmt: skip
        except ValueError as exc:
            raise ValueError(f"not a time: {text!r} ({exc})") from None
    if parsed.tzinfo is None or parsed.tzinfo.utcoffset(parsed) is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed


# --------------------------------------------------------------------------- the timetable
def same_title(title: str) -> str:
    """A title as compared in reconciliation: runs of white space as one space, none at the
    ends (in case the platform trims or collapses them)."""
    return " ".join(title.split())


@dataclass(frozen=True)
class Row:
    """A valid row: what ``room/create`` gets, and the users to make codes and links for."""

    line: int
    cells: dict[str, str]
    create: dict[str, Any]
    """Keyword arguments of ``room.create``."""
    teacher_number: int
    teacher_name: str
    students: tuple[int, ...]
    student_names: tuple[str, ...]
    user_key: str | None = None
    """The row's ``key`` cell (the operator's id for the class), None without that column."""
    warnings: tuple[str, ...] = ()
    """Remarks that do not stop the row, each ``column: text``."""

    @property
    def payload(self) -> dict[str, Any]:
        """What is sent to ``room/create`` (and compared for ``room/update``): the create
        arguments, the title cut to the first 50 characters as the platform keeps it."""
        title = str(self.create["title"])
        if len(title) <= TITLE_LENGTH:
            return self.create
        return {**self.create, "title": title[:TITLE_LENGTH]}

    @property
    def title(self) -> str:
        """The title as the platform keeps it (the first 50 characters), spaces collapsed."""
        return same_title(str(self.create["title"])[:TITLE_LENGTH])

    @property
    def start(self) -> int:
        return int(self.create["start_time"])

    @property
    def end(self) -> int:
        return int(self.create["end_time"])

    @property
    def identity(self) -> tuple[str, int, int]:
        """What tells rooms apart in reconciliation: title, start and end."""
        return (self.title, self.start, self.end)

    @property
    def key(self) -> str:
        """The row's name in the ledger: ``key:`` and its key cell, or (without a ``key``
        column) a hash of its identity."""
        if self.user_key is not None:
            return "key:" + self.user_key
        return identity_key(self.identity)

    @property
    def fingerprint(self) -> str:
        """Everything sent for the row: tells a later run that the row was edited."""
        data = {
            "create": self.create,
            "teacher": [self.teacher_number, self.teacher_name],
            "students": list(self.students),
            "names": list(self.student_names),
        }
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def identity_key(identity: tuple[str, int, int]) -> str:
    """The ledger name of a row without a key: a hash of its title, start and end."""
    text = "\x1f".join(str(part) for part in identity)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class BadRow:
    """A row that cannot be sent, and why."""

    line: int
    cells: dict[str, str]
    message: str


@dataclass
class Timetable:
    path: Path
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    """Columns that are neither known inputs nor ``room/create`` parameters: copied, not sent."""

    @property
    def keyed(self) -> bool:
        """Whether the timetable has a ``key`` column (rows are matched to rooms by key)."""
        return KEY_COLUMN in self.columns

    @property
    def warnings(self) -> list[str]:
        """One line per remark on a good row: ``line 7, title: over 50 characters; ...``."""
        return [f"line {row.line}, {text}" for row in self.rows for text in row.warnings]

    def entries(self) -> list[Row | BadRow]:
        """Every row in file order."""
        return sorted([*self.rows, *self.bad], key=lambda e: e.line)


def _user_number(text: str, what: str) -> int:
    value = text.strip()
    number = int(value) if value.isdigit() else -1
    if UserNumber().check(number) is not None:
        raise Invalid(f"{what} must be a positive integer of at most 19 digits, not {text!r}")
    return number


def _parse_row(
    line: int, cells: dict[str, str], extra: Sequence[str], ctx: Context
) -> tuple[Row, None] | tuple[None, str]:
    notes: list[str] = []
    user_key: str | None = None
    try:
        if KEY_COLUMN in cells:
            user_key = cells[KEY_COLUMN].strip()
            if not user_key:
                raise Invalid("key is missing (every row needs one when the column is there)")
            if len(user_key) > KEY_LENGTH:
                raise Invalid(f"key: longer than {KEY_LENGTH} characters")
        title = cells["title"].strip()
        if not title:
            raise Invalid("title is missing")
        if len(title) > TITLE_LENGTH:
            notes.append(
                f"title: over {TITLE_LENGTH} characters; the platform keeps the first "
                f"{TITLE_LENGTH}"
            )
        times: dict[str, int] = {}
        for column, param in (("start", "start_time"), ("end", "end_time")):
            if not cells[column].strip():
                raise Invalid(f"{column} is missing")
            try:
                times[param] = int(parse_time(cells[column], ctx.tz).timestamp())
            except ValueError as exc:
                raise Invalid(f"{column}: {exc}") from None
        if times["end_time"] <= times["start_time"]:
            raise Invalid("end is not after start")
        create: dict[str, Any] = {"title": title, **times}
        type_text = cells["type"].strip()
        if not type_text:
            raise Invalid("type is missing")
        create["type"] = _CREATE.by_name["type"].kind.parse(type_text)
        for name in extra:
            text = cells.get(name, "").strip()
            if text:
                declared = _CREATE.by_name[name]
                try:
                    create[name] = declared.kind.parse(text)
                except Invalid as exc:
                    raise Invalid(f"{name}: {exc.rule}") from None
        teacher = _user_number(cells["teacher_number"], "teacher_number")
        teacher_name = cells["teacher_name"].strip()
        if not teacher_name:
            raise Invalid("teacher_name is missing")
        students: list[int] = []
        for part in cells["student_numbers"].replace(",", " ").split():
            number = _user_number(part, "each of student_numbers")
            if number in students:
                raise Invalid(f"student {number} is listed twice")
            students.append(number)
        names = tuple(n.strip() for n in cells.get(STUDENT_NAMES, "").split(";") if n.strip())
        if names and len(names) != len(students):
            raise Invalid(
                f"student_names has {len(names)} names for {len(students)} student numbers"
            )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a long title is kept truncated: not an error
            _CREATE.prepare(_CREATE.bind((), create), ctx)
    except Invalid as exc:
        return None, exc.rule
    except ValidationError as exc:
        name = {"start_time": "start", "end_time": "end"}.get(exc.param, exc.param)
        return None, f"{name}: {exc.rule}"
    row = Row(
        line, cells, create, teacher, teacher_name, tuple(students), names, user_key, tuple(notes)
    )
    return row, None


def _decode(source: Path, data: bytes, encoding: str) -> str:
    """The file's text; a UTF-8 BOM is dropped (Excel's "CSV UTF-8" writes one)."""
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise TimetableError(f"unknown encoding {encoding!r} (use utf-8, gbk or gb18030)") from None
    if codec == "utf-8":
        codec = "utf-8-sig"
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        name = "UTF-8" if codec == "utf-8-sig" else encoding
        raise UndecodableTimetable(f"{source}, line {line}: not {name} text", encoding) from None


def read_timetable(
    path: str | os.PathLike[str],
    *,
    tz: _dt.tzinfo = BEIJING,
    now: Callable[[], float] = time.time,
    encoding: str = "utf-8",
) -> Timetable:
    """Read and check every row; raises :class:`TimetableError` if the file itself is unusable.

    Bad rows (missing title, unparseable time, end not after start, a broken
    ``room/create`` rule, bad user numbers, a duplicate of an earlier row, a key used
    twice) are collected with their line numbers in ``Timetable.bad``. ``encoding`` is
    the file's (``utf-8`` by default, a BOM accepted; ``gbk`` or ``gb18030`` for what
    Excel on Chinese Windows saves); a file that is not in it raises
    :class:`UndecodableTimetable`.
    """
    source = Path(path)
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise TimetableError(f"cannot read {source}: {exc.strerror or exc}") from None
    text = _decode(source, data, encoding)
    ctx = Context(tz=tz, now=now)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise TimetableError(f"{source} is empty: the first line must name the columns")
        columns = [c.strip() for c in header]
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise TimetableError(
                f"{source}: missing column(s) {', '.join(missing)} "
                f"(the header needs {','.join(REQUIRED_COLUMNS)})"
            )
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        if repeated:
            raise TimetableError(f"{source}: column(s) named twice: {', '.join(repeated)}")
        known = {*REQUIRED_COLUMNS, STUDENT_NAMES, KEY_COLUMN, *RESULT_COLUMNS}
        extra = [c for c in columns if c in CREATE_COLUMNS]
        table = Timetable(source, columns)
        table.ignored_columns = [c for c in columns if c not in known and c not in extra]
        seen: dict[tuple[str, int, int], int] = {}
        keys: dict[str, int] = {}
        line = reader.line_num + 1
        for record in reader:
            first_line, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            cells = {c: (record[i] if i < len(record) else "") for i, c in enumerate(columns)}
            if len(record) > len(columns):
                table.bad.append(
                    BadRow(first_line, cells, f"{len(record)} cells for {len(columns)} columns")
                )
                continue
            row, problem = _parse_row(first_line, cells, extra, ctx)
            if row is None:
                table.bad.append(BadRow(first_line, cells, problem or "invalid"))
            elif row.user_key is not None and row.user_key in keys:
                table.bad.append(
                    BadRow(
                        first_line,
                        cells,
                        f"key: {row.user_key} is also the key of line {keys[row.user_key]} "
                        "(each class needs its own key)",
                    )
                )
            elif row.identity in seen:
                table.bad.append(
                    BadRow(
                        first_line,
                        cells,
                        f"duplicate of line {seen[row.identity]} (same title, start and end)",
                    )
                )
            else:
                seen[row.identity] = first_line
                if row.user_key is not None:
                    keys[row.user_key] = first_line
                table.rows.append(row)
    except csv.Error as exc:
        raise TimetableError(f"{source}, line {reader.line_num}: {exc}") from None
    return table
