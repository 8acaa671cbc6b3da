"""Timetable import: one room per CSV row, exactly once, kept in sync, with codes and links.

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

**Keys.** With a ``key`` column (the operator's own id for a class) a later run
matches rows to rooms by key: an edited title, time or setting is sent as
``room/update`` of the same room (same id, codes and links), a new key creates,
and a key no longer in the timetable is reported (its room deleted only with
``prune``). The ledger records each key and what was last sent for its room.

**Before anything is sent** every row is checked with the same declared rules
the SDK checks on ``room.create`` (plus a title, a teacher and valid user
numbers); bad rows are reported with their line numbers.

The order of work in a run: reconcile uncertain rows (after a short settling
delay, since a create whose answer was lost may still be in progress), create
the pending ones concurrently, repeat while some answers were lost, then make
the teacher's and each student's codes and enter links (``getcode`` gives the
same code for the same user, so that phase is safe to repeat).

One module per concern: :mod:`~baijiayun.timetable.rows` (reading and
checking the CSV), :mod:`~baijiayun.timetable.ledger` (each row's state, on
disk), :mod:`~baijiayun.timetable.importer` (the run) and
:mod:`~baijiayun.timetable.result` (the result file); every name is also here.
"""

from __future__ import annotations

from .importer import CLOCK_SKEW, Importer, ImportReport, ImportSettings, Progress
from .ledger import (
    CREATED,
    DELETED,
    DELETING,
    DONE,
    FAILED,
    LEDGER_SCHEMA,
    PENDING,
    SENDING,
    UNCERTAIN,
    UNKNOWN,
    Gone,
    Ledger,
    LedgerEntry,
    Moved,
    Plan,
    ledger_path,
)
from .result import RESULT_COLUMNS, neutralise, write_result
from .rows import (
    CREATE_COLUMNS,
    KEY_COLUMN,
    REQUIRED_COLUMNS,
    STUDENT_NAMES,
    BadRow,
    Row,
    Timetable,
    TimetableError,
    UndecodableTimetable,
    parse_time,
    read_timetable,
    same_title,
)

__all__ = [
    "CLOCK_SKEW",
    "CREATED",
    "CREATE_COLUMNS",
    "DELETED",
    "DELETING",
    "DONE",
    "FAILED",
    "KEY_COLUMN",
    "LEDGER_SCHEMA",
    "PENDING",
    "REQUIRED_COLUMNS",
    "RESULT_COLUMNS",
    "SENDING",
    "STUDENT_NAMES",
    "UNCERTAIN",
    "UNKNOWN",
    "BadRow",
    "Gone",
    "ImportReport",
    "ImportSettings",
    "Importer",
    "Ledger",
    "LedgerEntry",
    "Moved",
    "Plan",
    "Progress",
    "Row",
    "Timetable",
    "TimetableError",
    "UndecodableTimetable",
    "ledger_path",
    "neutralise",
    "parse_time",
    "read_timetable",
    "same_title",
    "write_result",
]
