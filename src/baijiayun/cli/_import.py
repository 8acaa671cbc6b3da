"""``baijiayun room import TIMETABLE.csv --out RESULT.csv``: one room per row, exactly once.

The engine is :mod:`baijiayun.timetable`; this module reads the options,
draws the progress bar, and reports. Why asyncio rather than threads: one
event loop owns the ledger (no locks around SQLite), ``--concurrency`` is just
the number of tasks, and the rate limiter and the backoff pause every task at
once without waking threads.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import click

from ..limits import RateLimit, parse_rate
from ..timetable import (
    Importer,
    ImportReport,
    ImportSettings,
    Ledger,
    Timetable,
    TimetableError,
    ledger_path,
    read_timetable,
    write_result,
)
from ._app import CliError, State, json_option, pass_state
from ._output import Output

__all__ = ["import_timetable"]

DEFAULT_RATE = "180/10s"
"""10 % under the platform's 200 requests per 10 s, for clocks and other callers."""
SHOWN = 20
"""Bad or failed rows listed at most (all are in the result file)."""


class _Progress:
    """A rich progress bar on stderr (plain notes without a terminal or without rich)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self._bar: Any = None
        self._task: Any = None
        if not enabled:
            return
        try:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )
        except ImportError:
            return
        console = Console(stderr=True)
        if not console.is_terminal:
            return
        self._bar = Progress(
            TextColumn("creating rooms"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task = self._bar.add_task("rooms", total=total)

    def __enter__(self) -> _Progress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def advance(self, rows: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, rows)

    def note(self, text: str) -> None:
        if self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False)
        else:
            click.echo(text, err=True)


def _report_bad(out: Output, table: Timetable) -> None:
    for bad in table.bad[:SHOWN]:
        out.note(f"line {bad.line}: {bad.message}")
    if len(table.bad) > SHOWN:
        out.note(f"... and {len(table.bad) - SHOWN} more bad row(s)")


def _summary(report: ImportReport, table: Timetable, out_path: Path, ledger: Path) -> str:
    rate = len(report.created) / report.elapsed if report.elapsed > 0 else 0.0
    recovered = (
        f" ({len(report.recovered)} found by listing after a lost answer)"
        if report.recovered
        else ""
    )
    return (
        f"{report.rows} row(s): {len(report.created)} created{recovered}, "
        f"{len(report.reused)} reused from an earlier run, {len(report.failed)} failed, "
        f"{len(report.skipped)} skipped (bad rows) in {report.elapsed:.1f} s "
        f"({rate:.1f} rooms/s)\nresult: {out_path}  ledger: {ledger}"
    )


@click.command("import")
@click.argument("timetable", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Result CSV (its ledger, <out>.ledger.db, is kept beside it: run again with the "
    "same --out to finish an interrupted import).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="Rows worked on at once.",
)
@click.option("--skip-bad-rows", is_flag=True, help="Import the good rows when some are bad.")
@click.option("--dry-run", is_flag=True, help="Check every row and stop; nothing is sent.")
@click.option(
    "--rate-limit",
    default=DEFAULT_RATE,
    show_default=True,
    metavar="N/SECONDS",
    help="Requests allowed per period (the platform allows 200/10s per account).",
)
@click.option("--backoff", type=click.FloatRange(min=0), default=0.5, hidden=True)
@click.option("--settle", type=click.FloatRange(min=0), default=15.0, hidden=True)
@json_option
@pass_state
def import_timetable(
    state: State,
    timetable: Path,
    out: Path,
    concurrency: int,
    skip_bad_rows: bool,
    dry_run: bool,
    rate_limit: str,
    backoff: float,
    settle: float,
) -> None:
    """Create one room per row of a timetable CSV, with codes and enter links.

    The header names the columns: title,start,end,type,teacher_number,
    teacher_name,student_numbers (student numbers separated by spaces), then
    optionally student_names (separated by ';') and any room/create parameter
    (max_users, template_name, ...). Times are YYYY-MM-DD HH:MM in Beijing time
    unless an offset is given.

    Every row is checked before anything is sent. Each room is created exactly
    once: a ledger beside --out records each row before and after its create,
    so running the same command again after a crash, Ctrl-C or a network fault
    creates only the missing rooms, and a create whose answer was lost is
    looked up (by title and times) before anything is sent again.
    """
    output = state.output
    if out.resolve() == timetable.resolve():
        raise CliError("--out must not be the timetable itself", exit_code=2)
    try:
        limit = parse_rate(rate_limit)
    except ValueError as exc:
        raise CliError(f"bad --rate-limit: {exc}", exit_code=2) from None
    if limit[0] / limit[1] > 20:
        output.note(
            f"note: --rate-limit {rate_limit} is above the platform's 200 requests per 10 s"
        )
    try:
        table = read_timetable(timetable)
    except TimetableError as exc:
        raise CliError(str(exc), exit_code=2) from None
    if table.ignored_columns:
        output.note(
            f"note: column(s) {', '.join(table.ignored_columns)} are not room/create "
            "parameters: copied to the result, not sent"
        )
    if table.bad:
        _report_bad(output, table)
        if not skip_bad_rows and not dry_run:
            raise CliError(
                f"{len(table.bad)} bad row(s) in {timetable}; nothing was sent",
                f"fix them, or add --skip-bad-rows to import the other {len(table.rows)}",
                exit_code=2,
            )
    if dry_run:
        if output.json_mode:
            output.json(
                {
                    "rows": len(table.rows),
                    "bad": [{"line": b.line, "error": b.message} for b in table.bad],
                }
            )
        else:
            output.note(f"{len(table.rows)} row(s) ready, {len(table.bad)} bad; nothing was sent")
        if table.bad and not skip_bad_rows:
            raise click.exceptions.Exit(2)
        return
    if not table.rows:
        raise CliError(f"no rows to import in {timetable}", exit_code=2)
    settings = ImportSettings(concurrency=concurrency, backoff=backoff, settle=settle)
    ledger_file = ledger_path(out)
    if out.exists() and not ledger_file.exists():
        raise CliError(
            f"{out} exists but its ledger {ledger_file.name} does not: the rooms it lists "
            "would be created again",
            "restore the ledger beside it, or choose another --out",
        )
    try:
        ledger = Ledger(ledger_file, state.account())
    except TimetableError as exc:
        raise CliError(str(exc)) from None
    limiter = RateLimit(*limit)
    interrupted = False
    with ledger, _Progress(len(table.rows), not output.json_mode) as progress:
        importer: Importer | None = None

        async def run() -> ImportReport:
            nonlocal importer
            async with state.async_client(rate_limit=limiter) as client:
                importer = Importer(client, ledger, table.rows, settings, progress)
                return await importer.run()

        try:
            report = asyncio.run(run())
        except KeyboardInterrupt:
            interrupted = True
            report = importer.report if importer is not None else ImportReport()
        for bad in table.bad:
            report.skipped[bad.line] = bad.message
        try:
            write_result(out, table, ledger, importer.outcome if importer else lambda r: "failed")
        except TimetableError as exc:
            raise CliError(str(exc)) from None
    if interrupted:
        raise CliError(
            "interrupted; the result file lists what is done so far",
            "run the same command again to finish: no room is created twice",
            exit_code=130,
        )
    _report(output, report, table, out, ledger_file)
    if report.failed:
        raise click.exceptions.Exit(1)


def _report(
    output: Output, report: ImportReport, table: Timetable, out: Path, ledger_file: Path
) -> None:
    if output.json_mode:
        output.json(
            {
                "rows": report.rows,
                "created": len(report.created),
                "recovered": len(report.recovered),
                "reused": len(report.reused),
                "failed": [{"line": k, "error": v} for k, v in sorted(report.failed.items())],
                "skipped": [{"line": k, "error": v} for k, v in sorted(report.skipped.items())],
                "changed": report.changed,
                "warnings": report.warnings,
                "elapsed": round(report.elapsed, 3),
                "out": str(out),
                "ledger": str(ledger_file),
            }
        )
        return
    for warning in report.warnings:
        output.note(f"warning: {warning}")
    if report.changed:
        lines = ", ".join(str(n) for n in report.changed[:SHOWN])
        output.note(
            f"warning: line(s) {lines} changed after their room was created; "
            "the rooms were not changed (use `baijiayun room update`)"
        )
    for line, error in sorted(report.failed.items())[:SHOWN]:
        output.note(f"line {line}: {error}")
    if len(report.failed) > SHOWN:
        output.note(f"... and {len(report.failed) - SHOWN} more failed row(s) (see {out})")
    output.text(_summary(report, table, out, ledger_file))
    if report.failed:
        output.note("run the same command again to retry the failed rows")
