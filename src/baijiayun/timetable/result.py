"""The result file: the input's columns and rows, plus room id, codes, links, status, error.

Written for spreadsheets: UTF-8 with a BOM by default (Excel on Chinese Windows
reads UTF-8 without one as GBK), every cell that a spreadsheet would read as a
formula neutralised (OWASP's advice for CSV injection: a cell starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``; a
cell that is just a number, such as ``-5``, is left as it is), and mode 0600
(it holds admin and teacher codes and signed enter links).
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from .ledger import DONE, Ledger, why_not_done
from .rows import RESULT_COLUMNS, BadRow, Row, Timetable, TimetableError

__all__ = ["RESULT_COLUMNS", "neutralise", "write_result"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\Z")


def neutralise(cell: str) -> str:
    """The cell as a spreadsheet shows it as text: a leading ``'`` when it would start a
    formula (OWASP, "CSV Injection"); a plain number (``-5``, ``+3.5``) is kept."""
    if cell.startswith(_FORMULA_START) and not _NUMBER.match(cell):
        return "'" + cell
    return cell


def write_result(
    out: str | os.PathLike[str],
    table: Timetable,
    ledger: Ledger,
    outcomes: Callable[[Row], str],
    *,
    bom: bool = True,
) -> None:
    """The input's columns and rows, plus room id, codes, links, status and error.

    Written to a temporary file (created 0600) and renamed, so the result is never
    half-written; ``bom=False`` leaves out the UTF-8 BOM.
    """
    target = Path(out)
    columns = table.columns + [c for c in RESULT_COLUMNS if c not in table.columns]
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(fd, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for line in _result_rows(table, ledger, outcomes):
                writer.writerow({name: neutralise(value) for name, value in line.items()})
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
