"""The import: create each row's room exactly once, then its codes and enter links.

The order of work in a run: reconcile uncertain rows (after a short settling
delay, since a create whose answer was lost may still be in progress), finish
deletes of pruned rooms, create the pending rows concurrently, update the rooms
of rows with keys whose title, times or settings changed (an update is
idempotent: one whose answer was lost is simply sent again), repeat while some
answers were lost, then make the teacher's and each student's codes and enter
links (``getcode`` gives the same code for the same user, so that phase is safe
to repeat). Errors pause every worker with the client's own backoff.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from .._flow import RequestOptions, backoff_delay
from .._signing import TIMESTAMP_TOLERANCE
from ..errors import (
    APIConnectionError,
    APIError,
    BaiJiaYunError,
    DecodeError,
    HTTPStatusError,
    ResultShapeError,
    RoomDeletedError,
    RoomNotFoundError,
    ValidationError,
)
from ..links import Role
from .ledger import (
    CREATED,
    DELETING,
    DONE,
    HAS_ROOM,
    PENDING,
    UNCERTAIN,
    UPDATE_FAILED,
    Ledger,
    LedgerEntry,
    room_changes,
    sent_of,
    why_not_done,
)
from .rows import Row, same_title

__all__ = ["CLOCK_SKEW", "ImportReport", "ImportSettings", "Importer", "Progress"]

T = TypeVar("T")

CLOCK_SKEW = TIMESTAMP_TOLERANCE + 60.0
"""Seconds a room's ``create_time`` may precede the moment its create was sent and still
match in reconciliation (signatures already keep clocks within
:data:`~baijiayun._signing.TIMESTAMP_TOLERANCE` of the platform's, plus a minute)."""


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
    """First pause after an error, doubled on each consecutive error (with jitter): the
    client's own backoff (:func:`baijiayun._flow.backoff_delay`), counted across workers."""
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
    updated: list[int] = field(default_factory=list)
    """Lines (with keys) whose room got their new title, times or settings, or new links."""
    changed: list[int] = field(default_factory=list)
    """Lines without keys edited after their room was created (the room is not changed)."""
    deleted: list[str] = field(default_factory=list)
    """Keys no longer in the timetable whose room this run deleted (``prune``)."""
    gone: list[str] = field(default_factory=list)
    """Keys no longer in the timetable whose room was kept (no ``prune``)."""
    warnings: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def rows(self) -> int:
        return (
            len(self.created)
            + len(self.reused)
            + len(self.updated)
            + len(self.failed)
            + len(self.skipped)
        )


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

    Rows with keys are a sync: an edited row updates its room, and with
    ``prune=True`` the rooms of keys no longer in the timetable (nor in
    ``kept_keys``: keys of bad rows left out of this run) are deleted.
    """

    def __init__(
        self,
        client: Any,
        ledger: Ledger,
        rows: Sequence[Row],
        settings: ImportSettings | None = None,
        progress: Progress | None = None,
        clock: Callable[[], float] = time.time,
        *,
        prune: bool = False,
        kept_keys: Iterable[str] = (),
    ) -> None:
        self.client = client
        self.ledger = ledger
        self.rows = list(rows)
        self.settings = settings or ImportSettings()
        self.progress: Progress = progress or _Quiet()
        self.clock = clock
        self.prune = prune
        self.report = ImportReport()
        self._keys = {r.user_key for r in self.rows if r.user_key is not None} | set(kept_keys)
        self._by_key = {row.key: row for row in self.rows}
        self._outcome: dict[str, str] = {}
        self._attempts: dict[str, int] = {}
        self._tried: set[str] = set()
        self._updates: set[str] = set()
        self._errors_in_a_row = 0
        self._resume_at = 0.0
        self._backoff = RequestOptions(
            backoff_base=self.settings.backoff, backoff_max=self.settings.backoff_max
        )

    # ---- backoff shared by every worker: errors slow everyone down
    def _failed_once(self) -> None:
        self._errors_in_a_row += 1
        # The client's own backoff (exponential, jitter between half and all of the cap),
        # counted in errors in a row; the exponent stops growing long after the cap is met.
        pause = backoff_delay(min(self._errors_in_a_row, 17), self._backoff)
        self._resume_at = max(self._resume_at, time.monotonic() + pause)

    def _succeeded(self) -> None:
        self._errors_in_a_row = 0

    async def _gate(self) -> None:
        while True:
            wait = self._resume_at - time.monotonic()
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    async def _pool(self, items: Sequence[T], work: Callable[[T], Awaitable[None]]) -> None:
        queue: asyncio.Queue[T] = asyncio.Queue()
        for item in items:
            queue.put_nowait(item)

        async def worker() -> None:
            while not queue.empty():
                await work(queue.get_nowait())

        workers = max(1, min(self.settings.concurrency, len(items)))
        await asyncio.gather(*(worker() for _ in range(workers)))

    def _gone(self, entry: LedgerEntry) -> bool:
        """Whether the entry's key is no longer in the timetable."""
        return entry.user_key is not None and entry.user_key not in self._keys

    def _needs_update(self, row: Row, entry: LedgerEntry) -> bool:
        return row.user_key is not None and bool(room_changes(sent_of(entry, row), row.payload))

    # ---- the run
    async def run(self) -> ImportReport:
        started = time.monotonic()
        plan = self.ledger.plan(self.rows, self._keys)
        self._updates = {row.key for row in plan.update}
        self.report.changed = [row.line for row in self.ledger.sync(self.rows)]
        states = self.ledger.states()
        for row in self.rows:
            if states.get(row.key) == DONE:
                self._finish(row, "reused")
        for _ in range(self.settings.max_attempts + 1):
            entries = self.ledger.entries()
            uncertain = [
                e
                for k, e in entries.items()
                if e.state in UNCERTAIN and (k in self._by_key or (self.prune and self._gone(e)))
            ]
            # A row that may have been created is never re-sent before it is reconciled;
            # if rooms cannot be listed it stays uncertain and the other rows go on.
            reconciled = not uncertain or await self._reconcile(uncertain)
            if self.prune:
                for entry in self.ledger.entries().values():
                    if entry.state in HAS_ROOM and self._gone(entry):
                        self.ledger.mark_deleting(entry.key)
            entries = self.ledger.entries()
            deleting = [
                e for e in entries.values() if e.state == DELETING and e.key not in self._tried
            ]
            if deleting:
                await self._pool(deleting, self._delete)
            states = self.ledger.states()
            pending = [
                row
                for row in self.rows
                if states[row.key] == PENDING
                and self._attempts.get(row.key, 0) < self.settings.max_attempts
            ]
            if pending:
                await self._pool(pending, self._create)
            entries = self.ledger.entries()
            stale = [
                row
                for row in self.rows
                if entries[row.key].state in HAS_ROOM
                and row.key not in self._tried
                and self._needs_update(row, entries[row.key])
            ]
            if stale:
                await self._pool(stale, self._update)
            if not (pending or stale or deleting) and reconciled:
                break
        states = self.ledger.states()
        ready = [r for r in self.rows if states[r.key] == CREATED and r.key not in self._outcome]
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
                self._finish(row, "failed", why_not_done(entry))
        left = sorted(
            (e for e in self.ledger.entries().values() if self._gone(e)),
            key=lambda e: (e.line, e.user_key or ""),
        )
        self.report.gone = [
            e.user_key or "" for e in left if e.state in (*HAS_ROOM, *UNCERTAIN, DELETING)
        ]
        self.report.elapsed = time.monotonic() - started
        return self.report

    def _finish(self, row: Row, outcome: str, error: str | None = None) -> None:
        if row.key in self._outcome:
            return
        self._outcome[row.key] = outcome
        if outcome == "failed":
            self.report.failed[row.line] = error or "failed"
        elif outcome == "reused":
            self.report.reused.append(row.line)
        elif outcome == "updated":
            self.report.updated.append(row.line)
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
            self.ledger.mark_sending(key, self.clock(), row)
            try:
                created = await self.client.room.create(**row.payload)
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

    # ---- updating (rows with keys): the same room gets the row's new values
    async def _update(self, row: Row) -> None:
        self._tried.add(row.key)
        entry = self.ledger.get(row.key)
        changes = room_changes(sent_of(entry, row), row.payload)
        room_id = str(entry.room_id)
        if isinstance(changes, str):
            self._finish(row, "failed", f"room {room_id} not updated: {changes}")
            return
        try:  # idempotent: an update whose answer was lost is sent again as it is
            await self._retrying(functools.partial(self.client.room.update, room_id, **changes))
        except BaiJiaYunError as exc:
            text = _error_text(exc)
            self.ledger.note_error(row.key, UPDATE_FAILED + text)
            self._finish(row, "failed", why_not_done(self.ledger.get(row.key)))
            return
        self.ledger.mark_updated(row.key, row)
        self._updates.add(row.key)

    # ---- pruning (rows with keys, ``prune``): rooms of keys no longer in the timetable
    async def _delete(self, entry: LedgerEntry) -> None:
        self._tried.add(entry.key)
        room_id = str(entry.room_id)
        try:
            await self._retrying(functools.partial(self.client.room.delete, room_id))
        except (RoomDeletedError, RoomNotFoundError):
            pass  # deleted already (an earlier delete whose answer was lost): done
        except BaiJiaYunError as exc:
            text = _error_text(exc)
            self.ledger.note_error(entry.key, f"delete failed: {text}")
            self.report.warnings.append(
                f"key {entry.user_key}: room {room_id} not deleted ({text}); "
                "run the import again to retry"
            )
            return
        self.ledger.mark_deleted(entry.key)
        row = self._by_key.get(entry.key)
        if row is not None:  # its key is back in the timetable: a new room
            self.ledger.sync([row])
        else:
            self.report.deleted.append(entry.user_key or "")

    # ---- reconciling rows whose create may have been carried out
    async def _reconcile(self, uncertain: Sequence[LedgerEntry]) -> bool:
        """Match uncertain rows to the account's rooms; False if rooms could not be listed.

        Each is matched by what its create sent (title, start, end), among rooms made
        no earlier than :data:`CLOCK_SKEW` before it was sent and owned by no other row.
        """
        entries = {e.key: e for e in uncertain}
        latest = max(e.updated_at for e in entries.values())  # when the answer was lost
        wait = latest + self.settings.settle - self.ledger.clock()
        if wait > 0:
            self.progress.note(
                f"waiting {wait:.0f} s before checking {len(entries)} row(s) whose answer was lost"
            )
            await asyncio.sleep(wait)
        self.progress.note(f"listing rooms to check {len(entries)} row(s) whose answer was lost")
        wanted = {e.identity: e for e in entries.values()}
        claimed = self.ledger.claimed_rooms()
        matches: dict[str, list[Any]] = {}
        try:
            await self._gate()
            async for room in self.client.room.iter_rooms(limit=1000, product_type=0):
                start = room.start_time.timestamp() if room.start_time else None
                end = room.end_time.timestamp() if room.end_time else None
                if start is None or end is None or room.room_id in claimed:
                    continue
                entry = wanted.get((same_title(room.title or ""), int(start), int(end)))
                if entry is None:
                    continue
                made = room.create_time.timestamp() if room.create_time else None
                sent_at = entry.sent_at
                if made is not None and sent_at is not None and made < sent_at - CLOCK_SKEW:
                    continue  # an older room with the same title and times is not this row's
                matches.setdefault(entry.key, []).append(room)
        except BaiJiaYunError as exc:
            self._failed_once()
            self.report.warnings.append(
                f"could not list rooms to check rows whose answer was lost: {_error_text(exc)}"
            )
            for key in entries:
                self.ledger.note_error(key, f"rooms could not be listed: {_error_text(exc)}")
            return False
        self._succeeded()
        for key, entry in entries.items():
            row = self._by_key.get(key)
            line = row.line if row is not None else entry.line
            found = matches.get(key)
            if not found:
                self.ledger.mark_pending(key, "not created (checked by listing rooms)")
                continue
            found.sort(key=lambda r: (r.create_time.timestamp() if r.create_time else 0, r.room_id))
            if len(found) > 1:
                self.report.warnings.append(
                    f"line {line}: {len(found)} rooms match; using {found[0].room_id}"
                )
            self.ledger.mark_created(key, found[0].room_id, None, None)
            if entry.sent_run == self.ledger.run and row is not None:
                self.report.recovered.append(line)
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
            self._finish(row, "failed", why_not_done(self.ledger.get(row.key)))
            return
        self.ledger.mark_done(row.key, output)
        if entry.sent_run == self.ledger.run:
            self._finish(row, "created")
        else:
            self._finish(row, "updated" if row.key in self._updates else "reused")
