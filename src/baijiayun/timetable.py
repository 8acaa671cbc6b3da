"""Timetable import: create one room per CSV row, exactly once, and hand out codes and links.

Used by ``baijiayun room import``; usable on its own with an
:class:`~baijiayun.AsyncBaiJiaYunClient`.

**Exactly once.** A ledger (SQLite, next to the result file) records each row's
state *before* its create is sent (``sending``) and after the answer
(``created``, or ``unknown`` when the answer was lost). A later run skips rows
whose room exists and, before re-sending a row whose create may have reached
the platform without an answer (a dropped connection, a read timeout, a gateway
error, a kill in mid-request), lists the account's rooms and matches title and
times: a match is the row's room, no match means it was never created. Rows are
identified by title (as the platform keeps it: the first 50 characters), start
and end, so two rows with the same three are refused as duplicates.

**Before anything is sent** every row is checked with the same declared rules
the SDK checks on ``room.create`` (plus a title, a teacher and valid user
numbers); bad rows are reported with their line numbers.

The order of work in a run: reconcile uncertain rows (after a short settling
delay, since a create whose answer was lost may still be in progress), create
the pending ones concurrently, repeat while some answers were lost, then make
the teacher's and each student's codes and enter links (``getcode`` gives the
same code for the same user, so that phase is safe to repeat).
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import datetime as _dt
import functools
import hashlib
import json
import os
import random
import re
import sqlite3
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from ._wire import BEIJING, Context, Invalid, UserNumber
from .api import REGISTRY
from .api.room import TITLE_LENGTH
from .errors import (
    APIConnectionError,
    APIError,
    BaiJiaYunError,
    DecodeError,
    HTTPStatusError,
    ResultShapeError,
    ValidationError,
)
from .links import Role

__all__ = [
    "REQUIRED_COLUMNS",
    "RESULT_COLUMNS",
    "BadRow",
    "ImportReport",
    "ImportSettings",
    "Importer",
    "Ledger",
    "LedgerEntry",
    "Progress",
    "Row",
    "Timetable",
    "TimetableError",
    "ledger_path",
    "parse_time",
    "read_timetable",
    "write_result",
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

CLOCK_SKEW = 360.0
"""Seconds a room's ``create_time`` may precede the moment its create was sent and still
match in reconciliation (signatures already keep clocks within 300 s of the platform's)."""


class TimetableError(BaiJiaYunError):
    """The timetable or the ledger cannot be used at all (not one row's problem)."""


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
        text = "\x1f".join(str(part) for part in self.identity)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

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
    try:
        title = cells["title"].strip()
        if not title:
            raise Invalid("title is missing")
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
    return Row(line, cells, create, teacher, teacher_name, tuple(students), names), None


def read_timetable(
    path: str | os.PathLike[str],
    *,
    tz: _dt.tzinfo = BEIJING,
    now: Callable[[], float] = time.time,
) -> Timetable:
    """Read and check every row; raises :class:`TimetableError` if the file itself is unusable.

    Bad rows (missing title, unparseable time, end not after start, a broken
    ``room/create`` rule, bad user numbers, a duplicate of an earlier row) are
    collected with their line numbers in ``Timetable.bad``.
    """
    source = Path(path)
    try:
        handle = source.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise TimetableError(f"cannot read {source}: {exc.strerror or exc}") from None
    ctx = Context(tz=tz, now=now)
    with handle:
        try:
            reader = csv.reader(handle)
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
            known = {*REQUIRED_COLUMNS, STUDENT_NAMES, *RESULT_COLUMNS}
            extra = [c for c in columns if c in CREATE_COLUMNS]
            table = Timetable(source, columns)
            table.ignored_columns = [c for c in columns if c not in known and c not in extra]
            seen: dict[tuple[str, int, int], int] = {}
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
                    table.rows.append(row)
        except csv.Error as exc:
            raise TimetableError(f"{source}, line {reader.line_num}: {exc}") from None
        except UnicodeDecodeError:
            raise TimetableError(f"{source} is not UTF-8 text (save it as CSV UTF-8)") from None
    return table


# --------------------------------------------------------------------------- the ledger
PENDING, SENDING, UNKNOWN, CREATED, DONE, FAILED = (
    "pending",
    "sending",
    "unknown",
    "created",
    "done",
    "failed",
)
UNCERTAIN = (SENDING, UNKNOWN)
"""States in which the create may or may not have been carried out."""

LEDGER_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rows (
    key TEXT PRIMARY KEY,
    line INTEGER NOT NULL,
    title TEXT NOT NULL,
    start_time INTEGER NOT NULL,
    end_time INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL,
    room_id TEXT,
    teacher_code TEXT,
    admin_code TEXT,
    output TEXT,
    error TEXT,
    sent_at REAL,
    sent_run INTEGER,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS rows_state ON rows (state);
"""


def ledger_path(out: str | os.PathLike[str]) -> Path:
    """Where the ledger of a result file lives: beside it, ``<out>.ledger.db``."""
    target = Path(out)
    return target.with_name(target.name + ".ledger.db")


@dataclass(frozen=True)
class LedgerEntry:
    key: str
    line: int
    state: str
    room_id: str | None
    teacher_code: str | None
    admin_code: str | None
    output: dict[str, str] | None
    error: str | None
    sent_at: float | None
    sent_run: int | None
    fingerprint: str
    updated_at: float


class Ledger:
    """Each row's state, committed durably (``synchronous=FULL``) before and after each create.

    One import at a time may use a ledger: a lock file beside it is held for
    the ledger's lifetime (released by the system if the process dies).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        account: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.clock = clock
        self._lock_handle = self._lock(self.path.with_name(self.path.name + ".lock"))
        try:
            self.conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=30)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.executescript(LEDGER_SCHEMA)
        except sqlite3.Error as exc:
            self._unlock()
            raise TimetableError(f"cannot use the ledger {self.path}: {exc}") from None
        owner = self._meta("account")
        if owner is None:
            self._set_meta("account", account)
        elif owner != account:
            self.close()
            raise TimetableError(
                f"the ledger {self.path} belongs to another account or platform ({owner}); "
                "choose another --out for this one"
            )
        self.run = int(self._meta("runs") or 0) + 1
        self._set_meta("runs", str(self.run))

    @staticmethod
    def _lock(path: Path) -> IO[str] | None:
        try:
            handle = path.open("a+", encoding="utf-8")
        except OSError as exc:
            raise TimetableError(f"cannot write beside the result file: {exc}") from None
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no advisory lock
            return handle
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise TimetableError(
                f"another import is using {path.name[: -len('.lock')]}: wait for it to finish"
            ) from None
        return handle

    def _unlock(self) -> None:
        if self._lock_handle is not None:
            self._lock_handle.close()
            self._lock_handle = None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()
        self._unlock()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _meta(self, name: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE name=?", (name,)).fetchone()
        return None if row is None else str(row["value"])

    def _set_meta(self, name: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta (name, value) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value=excluded.value",
            (name, value),
        )

    def sync(self, rows: Sequence[Row]) -> list[Row]:
        """Add rows not seen before (as pending); return rows edited since their room was made."""
        changed: list[Row] = []
        now = time.time()
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for row in rows:
                found = self.conn.execute(
                    "SELECT state, fingerprint FROM rows WHERE key=?", (row.key,)
                ).fetchone()
                if found is None:
                    self.conn.execute(
                        "INSERT INTO rows (key, line, title, start_time, end_time, fingerprint, "
                        "state, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (row.key, row.line, row.title, row.start, row.end, row.fingerprint,
                         PENDING, now),
                    )  # fmt: skip
                    continue
                if found["fingerprint"] != row.fingerprint:
                    if found["state"] in (CREATED, DONE, *UNCERTAIN):
                        changed.append(row)
                    if found["state"] == DONE:  # codes and links are made again
                        self.conn.execute(
                            "UPDATE rows SET state=?, output=NULL WHERE key=?", (CREATED, row.key)
                        )
                    self.conn.execute(
                        "UPDATE rows SET fingerprint=? WHERE key=?", (row.fingerprint, row.key)
                    )
                self.conn.execute("UPDATE rows SET line=? WHERE key=?", (row.line, row.key))
            # A definite refusal in an earlier run is tried again (the cause may be fixed).
            self.conn.execute("UPDATE rows SET state=? WHERE state=?", (PENDING, FAILED))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return changed

    def get(self, key: str) -> LedgerEntry:
        row = self.conn.execute("SELECT * FROM rows WHERE key=?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return LedgerEntry(
            key=row["key"],
            line=row["line"],
            state=row["state"],
            room_id=row["room_id"],
            teacher_code=row["teacher_code"],
            admin_code=row["admin_code"],
            output=json.loads(row["output"]) if row["output"] else None,
            error=row["error"],
            sent_at=row["sent_at"],
            sent_run=row["sent_run"],
            fingerprint=row["fingerprint"],
            updated_at=row["updated_at"],
        )

    def states(self) -> dict[str, str]:
        return {r["key"]: r["state"] for r in self.conn.execute("SELECT key, state FROM rows")}

    def claimed_rooms(self) -> set[str]:
        """Room ids some row already owns (never matched to another row)."""
        rows = self.conn.execute("SELECT room_id FROM rows WHERE room_id IS NOT NULL")
        return {str(r["room_id"]) for r in rows}

    def _set(self, key: str, **values: Any) -> None:
        values["updated_at"] = self.clock()
        names = ", ".join(f"{name}=:{name}" for name in values)
        self.conn.execute(f"UPDATE rows SET {names} WHERE key=:key", {**values, "key": key})

    def mark_sending(self, key: str, now: float) -> None:
        """Committed before the create is sent: from here on the row is uncertain."""
        self._set(key, state=SENDING, sent_at=now, sent_run=self.run, error=None)

    def mark_created(
        self, key: str, room_id: str, teacher_code: str | None, admin_code: str | None
    ) -> None:
        self._set(
            key,
            state=CREATED,
            room_id=str(room_id),
            teacher_code=teacher_code,
            admin_code=admin_code,
            error=None,
        )

    def mark_unknown(self, key: str, error: str) -> None:
        self._set(key, state=UNKNOWN, error=error)

    def mark_pending(self, key: str, error: str | None) -> None:
        self._set(key, state=PENDING, error=error)

    def mark_failed(self, key: str, error: str) -> None:
        self._set(key, state=FAILED, error=error)

    def mark_done(self, key: str, output: dict[str, str]) -> None:
        self._set(key, state=DONE, output=json.dumps(output, ensure_ascii=False), error=None)

    def note_error(self, key: str, error: str) -> None:
        self._set(key, error=error)


# --------------------------------------------------------------------------- the import
class Progress(Protocol):
    """What the importer reports as it goes (the CLI draws a progress bar)."""

    def advance(self, rows: int = 1) -> None: ...

    def note(self, text: str) -> None: ...


class _Quiet:
    def advance(self, rows: int = 1) -> None:
        return None

    def note(self, text: str) -> None:
        return None


@dataclass(frozen=True)
class ImportSettings:
    concurrency: int = 8
    """Rows worked on at once (each has at most one request in flight)."""
    max_attempts: int = 5
    """Creates of one row per run, and tries of each code or info request."""
    backoff: float = 0.5
    """First pause after an error, doubled on each consecutive error (with jitter)."""
    backoff_max: float = 30.0
    settle: float = 15.0
    """Seconds to wait after a lost answer before listing rooms to reconcile (a create
    may still be under way on the platform when its answer is lost)."""


@dataclass
class ImportReport:
    created: list[int] = field(default_factory=list)
    """Lines whose room this run created."""
    recovered: list[int] = field(default_factory=list)
    """Of those, lines whose answer was lost and whose room was found by listing rooms."""
    reused: list[int] = field(default_factory=list)
    """Lines whose room an earlier run created."""
    failed: dict[int, str] = field(default_factory=dict)
    skipped: dict[int, str] = field(default_factory=dict)
    changed: list[int] = field(default_factory=list)
    """Lines edited after their room was created (the room is not changed)."""
    warnings: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def rows(self) -> int:
        return len(self.created) + len(self.reused) + len(self.failed) + len(self.skipped)


def _error_text(exc: BaiJiaYunError) -> str:
    if isinstance(exc, APIError):
        return f"{exc.code} {exc.msg}".strip()
    if isinstance(exc, HTTPStatusError):
        return f"HTTP {exc.status}"
    if isinstance(exc, ValidationError):
        return f"{exc.param} {exc.rule}"
    text = str(exc)
    return text.split(" (")[0] if isinstance(exc, APIConnectionError) else text


def _transient(exc: BaiJiaYunError) -> bool:
    """A failure that says nothing about the request itself: worth repeating later."""
    if isinstance(exc, ResultShapeError):  # code 0: the platform did it; never repeated
        return False
    return isinstance(exc, (APIConnectionError, HTTPStatusError, DecodeError))


class Importer:
    """Create the rooms of a timetable with an async client, recording each step in a ledger.

    Concurrency is asyncio tasks on one event loop: ``concurrency`` workers,
    each with at most one request in flight, sharing the client's connection
    pool; the ledger is touched only from the loop's thread, so it needs no
    locks. Give the client a rate limit (``rate_limit=``, see
    :mod:`baijiayun.limits`) to stay under the platform's limit.
    """

    def __init__(
        self,
        client: Any,
        ledger: Ledger,
        rows: Sequence[Row],
        settings: ImportSettings | None = None,
        progress: Progress | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.ledger = ledger
        self.rows = list(rows)
        self.settings = settings or ImportSettings()
        self.progress: Progress = progress or _Quiet()
        self.clock = clock
        self.report = ImportReport()
        self._outcome: dict[str, str] = {}
        self._attempts: dict[str, int] = {}
        self._errors_in_a_row = 0
        self._resume_at = 0.0
        self._rng = random.Random()

    # ---- backoff shared by every worker: errors slow everyone down
    def _failed_once(self) -> None:
        self._errors_in_a_row += 1
        cap = min(
            self.settings.backoff_max,
            self.settings.backoff * 2 ** min(self._errors_in_a_row - 1, 16),
        )
        pause = self._rng.uniform(cap / 2, cap)
        self._resume_at = max(self._resume_at, time.monotonic() + pause)

    def _succeeded(self) -> None:
        self._errors_in_a_row = 0

    async def _gate(self) -> None:
        while True:
            wait = self._resume_at - time.monotonic()
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    async def _pool(self, items: Sequence[Row], work: Callable[[Row], Any]) -> None:
        queue: asyncio.Queue[Row] = asyncio.Queue()
        for item in items:
            queue.put_nowait(item)

        async def worker() -> None:
            while not queue.empty():
                await work(queue.get_nowait())

        workers = max(1, min(self.settings.concurrency, len(items)))
        await asyncio.gather(*(worker() for _ in range(workers)))

    # ---- the run
    async def run(self) -> ImportReport:
        started = time.monotonic()
        self.report.changed = [row.line for row in self.ledger.sync(self.rows)]
        by_key = {row.key: row for row in self.rows}
        states = self.ledger.states()
        for row in self.rows:
            if states.get(row.key) == DONE:
                self._finish(row, "reused")
        for _ in range(self.settings.max_attempts + 1):
            states = self.ledger.states()
            uncertain = [by_key[k] for k, s in states.items() if s in UNCERTAIN and k in by_key]
            # A row that may have been created is never re-sent before it is reconciled;
            # if rooms cannot be listed it stays uncertain and the other rows go on.
            reconciled = not uncertain or await self._reconcile(uncertain)
            states = self.ledger.states()
            pending = [
                row
                for row in self.rows
                if states[row.key] == PENDING
                and self._attempts.get(row.key, 0) < self.settings.max_attempts
            ]
            if pending:
                await self._pool(pending, self._create)
            elif reconciled:
                break
        states = self.ledger.states()
        ready = [r for r in self.rows if states[r.key] == CREATED]
        if ready:
            try:  # enter links are signed locally: the key must be known first
                await self._retrying(self.client.fetch_partner_key)
            except BaiJiaYunError as exc:
                for row in ready:
                    self.ledger.note_error(row.key, _error_text(exc))
                ready = []
        await self._pool(ready, self._codes)
        for row in self.rows:
            entry = self.ledger.get(row.key)
            if entry.state != DONE and row.key not in self._outcome:
                self._finish(row, "failed", self._why(entry))
        self.report.elapsed = time.monotonic() - started
        return self.report

    @staticmethod
    def _why(entry: LedgerEntry) -> str:
        if entry.state in UNCERTAIN:
            return (
                f"may have been created ({entry.error or 'no answer'}); "
                "not re-sent: run the import again to check"
            )
        if entry.state == CREATED:
            return f"room {entry.room_id} created; codes or links failed: {entry.error}"
        return entry.error or "not created"

    def _finish(self, row: Row, outcome: str, error: str | None = None) -> None:
        if row.key in self._outcome:
            return
        self._outcome[row.key] = outcome
        if outcome == "failed":
            self.report.failed[row.line] = error or "failed"
        elif outcome == "reused":
            self.report.reused.append(row.line)
        else:
            self.report.created.append(row.line)
        self.progress.advance()

    def outcome(self, row: Row) -> str:
        return self._outcome.get(row.key, "failed")

    # ---- creating
    async def _create(self, row: Row) -> None:
        key = row.key
        while self._attempts.get(key, 0) < self.settings.max_attempts:
            await self._gate()
            self._attempts[key] = self._attempts.get(key, 0) + 1
            self.ledger.mark_sending(key, self.clock())
            try:
                created = await self.client.room.create(**row.create)
            except (APIError, ValidationError) as exc:  # refused: nothing was created
                self.ledger.mark_failed(key, _error_text(exc))
                return
            except BaiJiaYunError as exc:
                if not _transient(exc):
                    raise
                self._failed_once()
                text = _error_text(exc)
                never_sent = (
                    isinstance(exc, APIConnectionError) and not exc.may_have_been_sent
                ) or (isinstance(exc, HTTPStatusError) and exc.status == 429)
                if never_sent:
                    self.ledger.mark_pending(key, text)
                    continue
                self.ledger.mark_unknown(key, text)  # reconciled before anything is re-sent
                return
            self._succeeded()
            self.ledger.mark_created(key, created.room_id, created.teacher_code, created.admin_code)
            return

    # ---- reconciling rows whose create may have been carried out
    async def _reconcile(self, rows: Sequence[Row]) -> bool:
        """Match uncertain rows to the account's rooms; False if rooms could not be listed."""
        entries = {row.key: self.ledger.get(row.key) for row in rows}
        latest = max(e.updated_at for e in entries.values())  # when the answer was lost
        wait = latest + self.settings.settle - self.ledger.clock()
        if wait > 0:
            self.progress.note(
                f"waiting {wait:.0f} s before checking {len(rows)} row(s) whose answer was lost"
            )
            await asyncio.sleep(wait)
        self.progress.note(f"listing rooms to check {len(rows)} row(s) whose answer was lost")
        wanted = {row.identity: row for row in rows}
        claimed = self.ledger.claimed_rooms()
        matches: dict[str, list[Any]] = {}
        try:
            await self._gate()
            async for room in self.client.room.iter_rooms(limit=1000, product_type=0):
                start = room.start_time.timestamp() if room.start_time else None
                end = room.end_time.timestamp() if room.end_time else None
                if start is None or end is None or room.room_id in claimed:
                    continue
                row = wanted.get((same_title(room.title or ""), int(start), int(end)))
                if row is None:
                    continue
                sent_at = entries[row.key].sent_at
                made = room.create_time.timestamp() if room.create_time else None
                if made is not None and sent_at is not None and made < sent_at - CLOCK_SKEW:
                    continue  # an older room with the same title and times is not this row's
                matches.setdefault(row.key, []).append(room)
        except BaiJiaYunError as exc:
            self._failed_once()
            self.report.warnings.append(
                f"could not list rooms to check rows whose answer was lost: {_error_text(exc)}"
            )
            for row in rows:
                self.ledger.note_error(row.key, f"rooms could not be listed: {_error_text(exc)}")
            return False
        self._succeeded()
        for row in rows:
            found = matches.get(row.key)
            if not found:
                self.ledger.mark_pending(row.key, "not created (checked by listing rooms)")
                continue
            found.sort(key=lambda r: (r.create_time.timestamp() if r.create_time else 0, r.room_id))
            if len(found) > 1:
                self.report.warnings.append(
                    f"line {row.line}: {len(found)} rooms match; using {found[0].room_id}"
                )
            self.ledger.mark_created(row.key, found[0].room_id, None, None)
            if entries[row.key].sent_run == self.ledger.run:
                self.report.recovered.append(row.line)
        return True

    # ---- codes and links
    async def _retrying(self, call: Callable[[], Any]) -> Any:
        for attempt in range(1, self.settings.max_attempts + 1):
            await self._gate()
            try:
                result = await call()
            except BaiJiaYunError as exc:
                if not _transient(exc) or attempt == self.settings.max_attempts:
                    raise
                self._failed_once()
                continue
            self._succeeded()
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    async def _codes(self, row: Row) -> None:
        entry = self.ledger.get(row.key)
        room_id = str(entry.room_id)
        client = self.client.with_options(retry_writes=True)  # getcode is idempotent
        try:
            teacher_code, admin_code = entry.teacher_code, entry.admin_code
            if not teacher_code:
                info = await self._retrying(lambda: client.room.info(room_id))
                teacher_code, admin_code = info.teacher_code, info.admin_code
            codes = []
            for number in row.students:
                code = await self._retrying(functools.partial(client.room.getcode, room_id, number))
                codes.append(code)
            names = row.student_names or tuple(f"Student {n}" for n in row.students)
            links = [
                client.links.enter_url(room_id, number, name, Role.STUDENT)
                for number, name in zip(row.students, names, strict=True)
            ]
            output = {
                "room_id": room_id,
                "teacher_code": teacher_code or "",
                "admin_code": admin_code or "",
                "teacher_link": client.links.enter_url(
                    room_id, row.teacher_number, row.teacher_name, Role.TEACHER
                ),
                "student_codes": " ".join(codes),
                "student_links": " ".join(links),
            }
        except BaiJiaYunError as exc:
            self.ledger.note_error(row.key, _error_text(exc))
            self._finish(row, "failed", self._why(self.ledger.get(row.key)))
            return
        self.ledger.mark_done(row.key, output)
        made_now = entry.sent_run == self.ledger.run
        self._finish(row, "created" if made_now else "reused")


# --------------------------------------------------------------------------- the result
def write_result(
    out: str | os.PathLike[str],
    table: Timetable,
    ledger: Ledger,
    outcomes: Callable[[Row], str],
) -> None:
    """The input's columns and rows, plus room id, codes, links, status and error.

    Written to a temporary file and renamed, so the result is never half-written.
    """
    target = Path(out)
    columns = table.columns + [c for c in RESULT_COLUMNS if c not in table.columns]
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for line in _result_rows(table, ledger, outcomes):
                writer.writerow(line)
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise TimetableError(f"cannot write {target}: {exc.strerror or exc}") from None


def _result_rows(
    table: Timetable, ledger: Ledger, outcomes: Callable[[Row], str]
) -> Iterator[dict[str, str]]:
    for item in table.entries():
        cells = {c: item.cells.get(c, "") for c in table.columns}
        if isinstance(item, BadRow):
            yield {**cells, "status": "skipped", "error": f"line {item.line}: {item.message}"}
            continue
        entry = ledger.get(item.key)
        status = outcomes(item) if entry.state == DONE else "failed"
        result = dict(entry.output or {})
        if entry.room_id and not result:
            result["room_id"] = entry.room_id
        error = "" if entry.state == DONE else Importer._why(entry)
        yield {**cells, **result, "status": status, "error": error}
