"""The sandbox's storage: one SQLite database, and stores scoped to one partner.

Each group's module declares its tables as :class:`Store` subclasses (a
``schema`` fragment each). A store is made for one partner and every query it
runs is bound to that partner: :meth:`Store._rows` and friends refuse SQL that
does not use ``:partner``, so reaching another account's data needs the
explicit, unscoped :class:`Database` methods, used by name for the few lookups
across accounts (who owns a room, which key signed a link).
"""

from __future__ import annotations

import json
import random
import sqlite3
import string
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .http import PlatformError

__all__ = ["Database", "Env", "Ids", "Pager", "Store"]

BUSY_TIMEOUT = 30.0
"""Seconds a write waits for another process's transaction on a shared file."""
INT64 = 2**63
MAX_OFFSET = 2**62

COUNTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS counts (
    partner_id TEXT NOT NULL,
    name TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (partner_id, name)
);
"""


class Database:
    """One SQLite connection (in memory, or a file that survives restarts) under one lock."""

    def __init__(self, path: str, schemas: Iterable[str]) -> None:
        self.path = path
        self.schema = COUNTS_SCHEMA + "".join(schemas)
        self.lock = threading.RLock()
        # Several sandbox processes may share one file: a writer waits for another
        # (busy timeout) instead of failing with "database is locked".
        self.conn = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT
        )
        self.conn.row_factory = sqlite3.Row
        if path != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.executescript(self.schema)

    @contextmanager
    def tx(self) -> Iterator[None]:
        """One transaction (nested calls join the outer one)."""
        with self.lock:
            if self.conn.in_transaction:
                yield
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    # ---- unscoped access: for the core only (see the module docstring)
    def rows(self, sql: str, params: dict[str, Any] | tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    def row(self, sql: str, params: dict[str, Any] | tuple[Any, ...] = ()) -> sqlite3.Row | None:
        with self.lock:
            found: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
            return found

    def execute(self, sql: str, params: dict[str, Any] | tuple[Any, ...] = ()) -> int:
        with self.lock:
            return self.conn.execute(sql, params).lastrowid or 0

    def tables(self) -> list[str]:
        return [
            r[0]
            for r in self.rows(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]

    def reset(self) -> None:
        """Drop every table and create them again, empty."""
        with self.lock:
            for table in self.tables():
                self.conn.execute(f"DROP TABLE {table}")
            self.conn.executescript(self.schema)

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        """Every table as JSON-ready rows (keys and secrets included: a local tool)."""
        out: dict[str, list[dict[str, Any]]] = {}
        with self.lock:
            for table in self.tables():
                rows = [dict(r) for r in self.conn.execute(f"SELECT * FROM {table}")]
                for row in rows:
                    for name in ("settings", "fields"):
                        if isinstance(row.get(name), str):
                            row[name] = json.loads(row[name])
                out[table] = rows
        return out


class Ids:
    """The seeded random source of ids, codes and tokens (repeatable with a seed)."""

    def __init__(self, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(seed)

    def seed(self, seed: int | None) -> None:
        with self._lock:
            self._rng = random.Random(seed)

    def text(self, alphabet: str, length: int) -> str:
        with self._lock:
            return "".join(self._rng.choice(alphabet) for _ in range(length))

    def digits(self, length: int) -> str:
        return self.text(string.digits, length)

    def integer(self, lo: int, hi: int) -> int:
        with self._lock:
            return self._rng.randint(lo, hi)


class Pager:
    """Remembers where each page of a listing ended, so the next page starts there.

    A listing read page after page (what auto-pagination does) then costs one
    index seek per page instead of skipping ``(page - 1) * limit`` rows, so
    listing everything is linear in the number of rows. A page asked for out
    of order is found with ``OFFSET``. Bounded: the oldest cursors are dropped.
    """

    def __init__(self, size: int = 1024) -> None:
        self._cursors: OrderedDict[tuple[Any, ...], int] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def after(self, key: tuple[Any, ...], page: int) -> int | None:
        with self._lock:
            return self._cursors.get((*key, page))

    def remember(self, key: tuple[Any, ...], page: int, last: int) -> None:
        with self._lock:
            slot = (*key, page + 1)
            self._cursors[slot] = last
            self._cursors.move_to_end(slot)
            while len(self._cursors) > self._size:
                self._cursors.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._cursors.clear()


@dataclass
class Env:
    """What services share: the database, the id source, the clock and the pager."""

    db: Database
    ids: Ids
    now: Callable[[], float]
    pager: Pager
    default_partner: str
    """The account controls act on when none is named."""
    default_keys: tuple[str, str] = field(default=("", ""), repr=False)
    """The default account's partner key and secret key (made again at every ``reset``)."""
    listeners: dict[str, list[Callable[..., Any]]] = field(default_factory=dict)
    """What other services do when something happens (``class_ended``: make a playback;
    ``reset``: the database was made empty)."""

    def emit(self, event: str, **details: Any) -> None:
        """Tell the services listening for ``event`` (see ``Service.on``)."""
        for listener in self.listeners.get(event, ()):
            listener(self, **details)


class Store:
    """The rows of one partner in one group's tables (see the module docstring)."""

    schema: ClassVar[str] = ""
    """``CREATE TABLE IF NOT EXISTS ...`` of the store's tables; each has ``partner_id``."""

    def __init__(self, env: Env, partner_id: str) -> None:
        self.env = env
        self.partner_id = partner_id

    def _bind(self, sql: str, params: dict[str, Any]) -> dict[str, Any]:
        if ":partner" not in sql:
            raise AssertionError(f"{type(self).__name__}: query not scoped to :partner: {sql}")
        for name, value in params.items():  # SQLite integers are 64-bit
            if isinstance(value, int) and not -INT64 <= value < INT64:
                raise PlatformError(1001, f"{name}: out of range")
        return {**params, "partner": self.partner_id}

    def _rows(self, sql: str, **params: Any) -> list[sqlite3.Row]:
        return self.env.db.rows(sql, self._bind(sql, params))

    def _row(self, sql: str, **params: Any) -> sqlite3.Row | None:
        return self.env.db.row(sql, self._bind(sql, params))

    def _exec(self, sql: str, **params: Any) -> int:
        return self.env.db.execute(sql, self._bind(sql, params))

    # ---- counters: exact totals without counting rows on every page
    def _count(self, name: str) -> int:
        row = self._row("SELECT n FROM counts WHERE partner_id=:partner AND name=:name", name=name)
        return int(row["n"]) if row else 0

    def _bump(self, name: str, delta: int) -> None:
        self._exec(
            "INSERT INTO counts (partner_id, name, n) VALUES (:partner, :name, :delta) "
            "ON CONFLICT (partner_id, name) DO UPDATE SET n = n + :delta",
            name=name,
            delta=delta,
        )

    def _page(
        self,
        select: str,
        where: str,
        page: int,
        limit: int,
        *,
        after_seq: int | None = None,
        before_seq: int | None = None,
        **params: Any,
    ) -> list[sqlite3.Row]:
        """Rows ``page`` (from 1) of ``select ... WHERE where ORDER BY seq`` (see :class:`Pager`).

        ``select`` must select ``seq``; ``where`` must use ``:partner``. A cursor (the
        console's links: the rows after ``after_seq`` or before ``before_seq``) is read
        with an index seek whatever the page number.
        """
        if after_seq is not None:
            sql = f"{select} WHERE {where} AND seq > :after_seq ORDER BY seq LIMIT :limit"
            return self._rows(sql, limit=limit, after_seq=after_seq, **params)
        if before_seq is not None:
            sql = f"{select} WHERE {where} AND seq < :before_seq ORDER BY seq DESC LIMIT :limit"
            return self._rows(sql, limit=limit, before_seq=before_seq, **params)[::-1]
        key = (type(self).__name__, self.partner_id, where, tuple(sorted(params.items())), limit)
        if (page - 1) * limit >= MAX_OFFSET:
            return []  # far past the end of any listing
        after = self.env.pager.after(key, page)
        if after is None:
            sql = f"{select} WHERE {where} ORDER BY seq LIMIT :limit OFFSET :offset"
            rows = self._rows(sql, limit=limit, offset=(page - 1) * limit, **params)
        else:
            sql = f"{select} WHERE {where} AND seq > :after ORDER BY seq LIMIT :limit"
            rows = self._rows(sql, limit=limit, after=after, **params)
        if rows:
            self.env.pager.remember(key, page, int(rows[-1]["seq"]))
        return rows
