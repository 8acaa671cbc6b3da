"""The ledger: each row's state, committed durably before and after each change is sent.

SQLite, next to the result file (``<out>.ledger.db``, mode 0600: it holds codes),
held by one import at a time through a lock file beside it. A row is ``sending``
before its create is sent and ``created`` (or ``unknown``, when the answer was
lost) after it. What was last sent for the room (by its create or an update) is
recorded: a row whose title, times or settings differ from it is sent as an update
of the same room (rows with keys); ``deleting`` before a pruned room's delete is
sent and ``deleted`` after it. With a ``key`` column the ledger names a row
``key:<key>`` and records the key; without one, by a hash of title, start and end.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import IO, Any

from ..api import REGISTRY
from .rows import BadRow, Row, TimetableError, identity_key

__all__ = [
    "CREATED",
    "DELETED",
    "DELETING",
    "DONE",
    "FAILED",
    "HAS_ROOM",
    "LEDGER_SCHEMA",
    "PENDING",
    "SENDING",
    "UNCERTAIN",
    "UNKNOWN",
    "UPDATABLE",
    "UPDATE_FAILED",
    "Gone",
    "Ledger",
    "LedgerEntry",
    "Moved",
    "Plan",
    "ledger_path",
    "room_changes",
    "sent_of",
    "why_not_done",
]

PENDING, SENDING, UNKNOWN, CREATED, DONE, FAILED = (
    "pending",
    "sending",
    "unknown",
    "created",
    "done",
    "failed",
)
DELETING, DELETED = "deleting", "deleted"
UNCERTAIN = (SENDING, UNKNOWN)
"""States in which the create may or may not have been carried out."""
HAS_ROOM = (CREATED, DONE)
"""States in which the row's room exists (as far as the ledger knows)."""

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
    updated_at REAL NOT NULL,
    user_key TEXT,
    sent TEXT
);
CREATE INDEX IF NOT EXISTS rows_state ON rows (state);
"""
_ADDED_COLUMNS = {"user_key": "TEXT", "sent": "TEXT"}
"""Columns later versions added (ledgers made before them gain them when opened)."""


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
    user_key: str | None = None
    """The row's ``key`` cell, None for a row of a timetable without keys."""
    sent: dict[str, Any] | None = None
    """The create arguments last sent for the room (by its create or an update)."""
    title: str = ""
    start_time: int = 0
    end_time: int = 0
    """Title (as compared), start and end of what was last sent: matched in reconciliation."""

    @property
    def identity(self) -> tuple[str, int, int]:
        return (self.title, self.start_time, self.end_time)


_UPDATE = REGISTRY["room.update"]
UPDATABLE = frozenset(p.name for p in _UPDATE.params if p.name != "room_id")
"""Create arguments that ``room/update`` can change on an existing room."""
_COLUMN = {"start_time": "start", "end_time": "end"}


def room_changes(sent: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any] | str:
    """The ``room/update`` arguments that make a room made with ``sent`` match ``wanted``,
    or why that cannot be done (``column: text``). Start and end are sent together."""
    changes: dict[str, Any] = {}
    for name in sorted({*sent, *wanted}):
        old, new = sent.get(name), wanted.get(name)
        if old == new:
            continue
        column = _COLUMN.get(name, name)
        if name not in UPDATABLE:
            return f"{column}: cannot be changed on an existing room"
        if new is None:
            return f"{column}: cannot be emptied on an existing room (give the value to use)"
        changes[name] = new
    if "start_time" in changes or "end_time" in changes:
        changes["start_time"], changes["end_time"] = wanted["start_time"], wanted["end_time"]
    return changes


@dataclass(frozen=True)
class Gone:
    """A room made for a key that is no longer in the timetable."""

    user_key: str
    line: int
    """Its line in the run that last saw it."""
    room_id: str | None
    title: str
    start_time: int
    state: str


@dataclass(frozen=True)
class Moved:
    """A row without a key whose title or time changed since the last run (same line): the
    import makes a new room and keeps the old one, a possible duplicate."""

    line: int
    room_id: str | None
    title: str
    start_time: int
    end_time: int


@dataclass
class Plan:
    """What a run will do, worked out from the ledger before anything is sent."""

    create: list[Row] = field(default_factory=list)
    """Rows without a room yet (or whose create may have been carried out: ``check``)."""
    update: list[Row] = field(default_factory=list)
    """Rows with keys whose room gets their new title, times or settings (or new codes)."""
    unchanged: list[Row] = field(default_factory=list)
    check: list[Row] = field(default_factory=list)
    """Of ``create``: rows whose earlier create may have been carried out (looked up first)."""
    prune: list[Gone] = field(default_factory=list)
    """Rooms of keys no longer in the timetable (deleted only with ``prune``)."""
    refused: list[BadRow] = field(default_factory=list)
    """Rows with keys whose change ``room/update`` cannot make (``type``, ...)."""
    moved: list[Moved] = field(default_factory=list)
    changed: list[Row] = field(default_factory=list)
    """Rows without keys edited after their room was made (the room is not changed)."""


class Ledger:
    """Each row's state, committed durably (``synchronous=FULL``) before and after each change.

    One import at a time may use a ledger: a lock file beside it is held for
    the ledger's lifetime (released by the system if the process dies). The
    ledger and its lock are created with mode 0600 (they hold codes). With
    ``readonly=True`` (``--dry-run``) nothing is written, locked or created: a
    missing ledger reads as empty.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        account: str,
        clock: Callable[[], float] = time.time,
        *,
        readonly: bool = False,
    ) -> None:
        self.path = Path(path)
        self.clock = clock
        self.readonly = readonly
        self._lock_handle: IO[str] | None = None
        if readonly:
            self.conn = sqlite3.connect(":memory:", isolation_level=None)
            self.conn.row_factory = sqlite3.Row
            try:
                if self.path.exists():
                    uri = self.path.resolve().as_uri() + "?mode=ro"
                    self.conn.execute("ATTACH DATABASE ? AS disk", (uri,))
                    self.conn.executescript(
                        "CREATE TABLE main.rows AS SELECT * FROM disk.rows;"
                        "CREATE TABLE main.meta AS SELECT * FROM disk.meta;"
                        "DETACH DATABASE disk;"
                    )
                self.conn.executescript(LEDGER_SCHEMA)
                self._add_columns()
            except sqlite3.Error as exc:
                self.conn.close()
                raise TimetableError(f"cannot read the ledger {self.path}: {exc}") from None
            self.run = int(self._meta("runs") or 0) + 1
            return
        self._lock_handle = self._lock(self.path.with_name(self.path.name + ".lock"))
        try:
            _private(self.path)
            self.conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=30)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.executescript(LEDGER_SCHEMA)
            self._add_columns()
        except (sqlite3.Error, OSError) as exc:
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

    def _add_columns(self) -> None:
        have = {r["name"] for r in self.conn.execute("PRAGMA table_info(rows)")}
        for name, kind in _ADDED_COLUMNS.items():
            if name not in have:
                self.conn.execute(f"ALTER TABLE rows ADD COLUMN {name} {kind}")

    @staticmethod
    def _lock(path: Path) -> IO[str] | None:
        try:
            _private(path)
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

    # ---- the plan
    def entries(self) -> dict[str, LedgerEntry]:
        """Every row the ledger knows, by ledger key."""
        return {r["key"]: _entry(r) for r in self.conn.execute("SELECT * FROM rows")}

    def plan(self, rows: Sequence[Row], kept_keys: Iterable[str] = ()) -> Plan:
        """What a run would do with ``rows``; nothing is written.

        ``kept_keys``: keys of rows left out of ``rows`` (bad rows skipped this run),
        whose rooms are not "no longer in the timetable".
        """
        plan = Plan()
        entries = self.entries()
        present = {row.key for row in rows}
        keys = {row.user_key for row in rows if row.user_key is not None} | set(kept_keys)
        adopted: set[str] = set()
        for row in rows:
            entry = entries.get(row.key) or self._adoptable(entries, row)
            if entry is not None and entry.key != row.key:
                adopted.add(entry.key)
            if entry is None or entry.state not in (*HAS_ROOM, *UNCERTAIN):
                plan.create.append(row)
                continue
            edited = entry.fingerprint != row.fingerprint
            if entry.state in UNCERTAIN:
                plan.create.append(row)
                plan.check.append(row)
                if edited and row.user_key is None:
                    plan.changed.append(row)
                continue
            if row.user_key is None:
                plan.unchanged.append(row)
                if edited:
                    plan.changed.append(row)
                continue
            changes = room_changes(sent_of(entry, row), row.payload)
            if isinstance(changes, str):
                plan.refused.append(
                    BadRow(
                        row.line,
                        row.cells,
                        f"{changes} (room {entry.room_id}); give the row a new key to make a "
                        "new room",
                    )
                )
            elif changes or edited:
                plan.update.append(row)
            else:
                plan.unchanged.append(row)
        # A row of an earlier run without keys, at the same line, that no row matches now:
        # the row was probably edited (or is the same class, gaining a key as it moved).
        by_line = {
            e.line: e
            for e in entries.values()
            if e.user_key is None
            and e.key not in present
            and e.key not in adopted
            and e.state in (*HAS_ROOM, *UNCERTAIN)
        }
        for row in plan.create:
            old = by_line.get(row.line)
            if old is not None and row.key not in entries:
                plan.moved.append(
                    Moved(row.line, old.room_id, old.title, old.start_time, old.end_time)
                )
        for entry in entries.values():
            gone = entry.user_key is not None and entry.user_key not in keys
            if gone and entry.key not in adopted and entry.state in _MAY_HAVE_A_ROOM:
                plan.prune.append(
                    Gone(
                        entry.user_key or "",
                        entry.line,
                        entry.room_id,
                        entry.title,
                        entry.start_time,
                        entry.state,
                    )
                )
        plan.prune.sort(key=lambda g: (g.line, g.user_key))
        return plan

    @staticmethod
    def _adoptable(entries: dict[str, LedgerEntry], row: Row) -> LedgerEntry | None:
        """A row of an earlier run without keys that this keyed row takes over."""
        if row.user_key is None:
            return None
        entry = entries.get(identity_key(row.identity))
        if entry is None or entry.user_key is not None:
            return None
        return entry

    def sync(self, rows: Sequence[Row]) -> list[Row]:
        """Record the run's rows; return rows without keys edited since their room was made.

        New rows are added as pending; rows with keys take over the entry of the same
        title and times from an earlier run without keys; a key back in the timetable
        after its room was deleted is made again; rows whose codes or links change are
        made again (their room's update is worked out from what was last sent).
        """
        changed: list[Row] = []
        now = self.clock()
        entries = self.entries()
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for row in rows:
                found = entries.get(row.key)
                if found is None:
                    old = self._adoptable(entries, row)
                    if old is not None:
                        self.conn.execute(
                            "UPDATE rows SET key=?, user_key=? WHERE key=?",
                            (row.key, row.user_key, old.key),
                        )
                        found = replace(old, key=row.key, user_key=row.user_key)
                if found is None:
                    self.conn.execute(
                        "INSERT INTO rows (key, line, title, start_time, end_time, fingerprint, "
                        "state, updated_at, user_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (row.key, row.line, row.title, row.start, row.end, row.fingerprint,
                         PENDING, now, row.user_key),
                    )  # fmt: skip
                    continue
                if found.state == DELETED:  # its key is back: a new room
                    self.conn.execute(
                        "UPDATE rows SET state=?, room_id=NULL, teacher_code=NULL, "
                        "admin_code=NULL, output=NULL, sent=NULL, sent_at=NULL, sent_run=NULL, "
                        "title=?, start_time=?, end_time=? WHERE key=?",
                        (PENDING, row.title, row.start, row.end, row.key),
                    )
                if found.fingerprint != row.fingerprint:
                    edited_room = found.state in (CREATED, DONE, *UNCERTAIN)
                    if edited_room and row.user_key is None:
                        changed.append(row)
                    if found.state == DONE:  # codes and links are made again
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
        return _entry(row)

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

    def mark_sending(self, key: str, now: float, row: Row | None = None) -> None:
        """Committed before the create is sent: from here on the row is uncertain.

        ``row``: what is sent (recorded, and matched in reconciliation).
        """
        sent: dict[str, Any] = {}
        if row is not None:
            sent = {
                "sent": _dumps(row.payload),
                "title": row.title,
                "start_time": row.start,
                "end_time": row.end,
            }
        self._set(key, state=SENDING, sent_at=now, sent_run=self.run, error=None, **sent)

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

    def mark_updated(self, key: str, row: Row) -> None:
        """The room now has the row's title, times and settings; its links are made again."""
        self._set(
            key,
            state=CREATED,
            sent=_dumps(row.payload),
            title=row.title,
            start_time=row.start,
            end_time=row.end,
            output=None,
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

    def mark_deleting(self, key: str) -> None:
        """Committed before the delete is sent (a delete of a deleted room is harmless)."""
        self._set(key, state=DELETING, error=None)

    def mark_deleted(self, key: str) -> None:
        self._set(key, state=DELETED, output=None, error=None)

    def note_error(self, key: str, error: str) -> None:
        self._set(key, error=error)


_MAY_HAVE_A_ROOM = (*HAS_ROOM, *UNCERTAIN, DELETING)
UPDATE_FAILED = "update failed: "
"""How a row's error starts when its room's update failed (the next run sends it again)."""


def _dumps(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)


_JSON_COLUMNS = ("output", "sent")
"""Columns kept as JSON text."""


def _entry(row: sqlite3.Row) -> LedgerEntry:
    values = {f.name: row[f.name] for f in fields(LedgerEntry)}
    for name in _JSON_COLUMNS:
        values[name] = json.loads(values[name]) if values[name] else None
    return LedgerEntry(**values)


def sent_of(entry: LedgerEntry, row: Row) -> dict[str, Any]:
    """What the entry's room was last given; for rooms made before the ledger recorded it,
    the row's settings with the recorded title and times."""
    if entry.sent is not None:
        return entry.sent
    sent = dict(row.payload)
    if entry.title != row.title:
        sent["title"] = entry.title
    sent["start_time"], sent["end_time"] = entry.start_time, entry.end_time
    return sent


def _private(path: Path) -> None:
    """Create ``path`` readable by its owner only (0600), or make it so if it exists."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)


def why_not_done(entry: LedgerEntry) -> str:
    """Why a row is not done, as its result's ``error`` column says it."""
    if entry.state in UNCERTAIN:
        return (
            f"may have been created ({entry.error or 'no answer'}); "
            "not re-sent: run the import again to check"
        )
    if entry.state == CREATED and (entry.error or "").startswith(UPDATE_FAILED):
        return f"room {entry.room_id}: {entry.error}; run the import again to retry"
    if entry.state == CREATED:
        return f"room {entry.room_id} created; codes or links failed: {entry.error}"
    return entry.error or "not created"
