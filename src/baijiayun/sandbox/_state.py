"""The sandbox's state: SQLite (in memory by default, a file to survive restarts).

Every table is keyed by partner, so several accounts can share one sandbox.
All access goes through :class:`State` under one re-entrant lock; SQLite is
fast enough here that a single connection serves thousands of requests/s.
"""

from __future__ import annotations

import json
import random
import sqlite3
import string
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS partners (
    partner_id TEXT PRIMARY KEY,
    partner_key TEXT NOT NULL,
    secret_key TEXT NOT NULL,
    class_callback_url TEXT,
    transcode_callback_url TEXT
);
CREATE TABLE IF NOT EXISTS rooms (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    partner_id TEXT NOT NULL,
    room_id TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'scheduled'
);
CREATE INDEX IF NOT EXISTS rooms_partner ON rooms (partner_id, deleted, seq);
CREATE TABLE IF NOT EXISTS codes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    type INTEGER NOT NULL,
    user_number TEXT,
    user_role INTEGER NOT NULL DEFAULT 0,
    user_avatar TEXT,
    group_id INTEGER,
    expires_at REAL,
    create_time REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS codes_room ON codes (room_id, type, seq);
CREATE TABLE IF NOT EXISTS spot_videos (
    room_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    video_id INTEGER NOT NULL,
    PRIMARY KEY (room_id, position)
);
CREATE TABLE IF NOT EXISTS videos (
    video_id INTEGER PRIMARY KEY,
    partner_id TEXT NOT NULL,
    name TEXT NOT NULL,
    status INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    session_id TEXT,
    expires_at REAL
);
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    partner_id TEXT NOT NULL,
    url TEXT NOT NULL,
    fields TEXT NOT NULL,
    status INTEGER,
    answer TEXT,
    ok INTEGER NOT NULL
);
"""

CODE_ALPHABET = string.ascii_lowercase + string.digits


class State:
    """SQLite-backed state plus a seeded random source for ids, codes and tokens."""

    def __init__(self, db: str = ":memory:", *, seed: int | None = None) -> None:
        self.path = db
        self.lock = threading.RLock()
        self.conn = sqlite3.connect(db, check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        if db != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.executescript(SCHEMA)
        self.rng = random.Random(seed)

    def seed(self, seed: int | None) -> None:
        with self.lock:
            self.rng = random.Random(seed)

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """A transaction under the state lock."""
        with self.lock:
            self.conn.execute("BEGIN")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def query(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self.conn.execute(sql, args).fetchall()

    def one(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        with self.lock:
            row: sqlite3.Row | None = self.conn.execute(sql, args).fetchone()
            return row

    def execute(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        with self.lock:
            return self.conn.execute(sql, args).lastrowid or 0

    def reset(self) -> None:
        with self.lock:
            tables = [
                r[0]
                for r in self.conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            for table in tables:
                self.conn.execute(f"DROP TABLE {table}")
            self.conn.executescript(SCHEMA)

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        """Every table as JSON-ready rows (keys and secrets included: a local tool)."""
        out: dict[str, list[dict[str, Any]]] = {}
        with self.lock:
            for (table,) in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            ):
                rows = [dict(r) for r in self.conn.execute(f"SELECT * FROM {table}")]
                for row in rows:
                    if isinstance(row.get("data"), str):
                        row["data"] = json.loads(row["data"])
                    if isinstance(row.get("fields"), str):
                        row["fields"] = json.loads(row["fields"])
                out[table] = rows
        return out

    # ---- identifiers
    def new_code(self) -> str:
        """A fresh 6-character join code (lowercase letters and digits)."""
        with self.lock:
            while True:
                code = "".join(self.rng.choice(CODE_ALPHABET) for _ in range(6))
                if self.one("SELECT 1 FROM codes WHERE code=?", (code,)) is None:
                    return code

    def new_room_id(self, now: float) -> str:
        """14 digits: the Beijing creation date ``yymmdd`` and 8 random digits."""
        prefix = time.strftime("%y%m%d", time.gmtime(now + 8 * 3600))
        with self.lock:
            while True:
                room_id = prefix + "".join(self.rng.choice(string.digits) for _ in range(8))
                if self.one("SELECT 1 FROM rooms WHERE room_id=?", (room_id,)) is None:
                    return room_id

    def new_token(self) -> str:
        alphabet = string.ascii_letters + string.digits + "-_"
        with self.lock:
            return "".join(self.rng.choice(alphabet) for _ in range(64))

    def new_qid(self, now: float) -> str:
        """24 chars: Beijing time ``yyyyMMddHHmmss`` and 10 digits."""
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(now + 8 * 3600))
        with self.lock:
            return stamp + "".join(self.rng.choice(string.digits) for _ in range(10))

    def random_int(self, lo: int, hi: int) -> int:
        with self.lock:
            return self.rng.randint(lo, hi)


Clock = Callable[[], float]
