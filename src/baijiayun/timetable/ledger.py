"""The ledger: each row's state, committed durably before and after its create is sent.

SQLite, next to the result file (``<out>.ledger.db``), held by one import at
a time through a lock file beside it. A row is ``sending`` before its create
is sent and ``created`` (or ``unknown``, when the answer was lost) after it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .rows import Row, TimetableError

__all__ = [
    "CREATED",
    "DONE",
    "FAILED",
    "LEDGER_SCHEMA",
    "PENDING",
    "SENDING",
    "UNCERTAIN",
    "UNKNOWN",
    "Ledger",
    "LedgerEntry",
    "ledger_path",
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


def why_not_done(entry: LedgerEntry) -> str:
    """Why a row is not done, as its result's ``error`` column says it."""
    if entry.state in UNCERTAIN:
        return (
            f"may have been created ({entry.error or 'no answer'}); "
            "not re-sent: run the import again to check"
        )
    if entry.state == CREATED:
        return f"room {entry.room_id} created; codes or links failed: {entry.error}"
    return entry.error or "not created"
