"""The result file: the input's columns and rows, plus room id, codes, links, status, error."""

from __future__ import annotations

import contextlib
import csv
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from .ledger import DONE, Ledger, why_not_done
from .rows import RESULT_COLUMNS, BadRow, Row, Timetable, TimetableError

__all__ = ["RESULT_COLUMNS", "write_result"]


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
        error = "" if entry.state == DONE else why_not_done(entry)
        yield {**cells, **result, "status": status, "error": error}
