"""``baijiayun room import TIMETABLE.csv --out RESULT.csv``: one room per row, exactly once.

The engine is :mod:`baijiayun.timetable`; this module reads the options,
draws the progress bar, and reports. Why asyncio rather than threads: one
event loop owns the ledger (no locks around SQLite), ``--concurrency`` is just
the number of tasks, and the rate limiter and the backoff pause every task at
once without waking threads.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from .._wire import BEIJING
from ..limits import RateLimit, parse_rate
from ..timetable import (
    KEY_COLUMN,
    BadRow,
    Gone,
    Importer,
    ImportReport,
    ImportSettings,
    Ledger,
    Plan,
    Row,
    Timetable,
    TimetableError,
    UndecodableTimetable,
    ledger_path,
    read_timetable,
    write_result,
)
from ..timetable.ledger import room_changes, sent_of
from ._app import CliError, State, json_option, pass_state
from ._output import Output

__all__ = ["import_timetable"]

DEFAULT_RATE = "180/10s"
"""10 % under the platform's 200 requests per 10 s, for clocks and other callers."""
SHOWN = 20
"""Bad or failed rows listed at most (all are in the result file)."""
PLAN_SHOWN = 5
"""Rows of each kind ``--dry-run`` lists."""


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


def _report_bad(out: Output, bad: list[BadRow]) -> None:
    for row in bad[:SHOWN]:
        out.note(f"line {row.line}: {row.message}")
    if len(bad) > SHOWN:
        out.note(f"... and {len(bad) - SHOWN} more bad row(s)")


def _when(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, BEIJING).strftime("%Y-%m-%d %H:%M")


def _row_text(row: Row) -> str:
    key = f"key {row.user_key}: " if row.user_key is not None else ""
    return f"line {row.line}: {key}{row.title} {_when(row.start)}"


def _gone_text(gone: Gone) -> str:
    room = f"room {gone.room_id}" if gone.room_id else "room not known yet"
    return f"key {gone.user_key}: {room}, {gone.title} {_when(gone.start_time)}"


def _kept_keys(table: Timetable) -> list[str]:
    """Keys of rows left out of the run (bad rows): their rooms are not pruned."""
    if not table.keyed:
        return []
    return [k for k in (b.cells.get(KEY_COLUMN, "").strip() for b in table.bad) if k]


def _changes_text(ledger: Ledger, row: Row) -> str:
    entry = ledger.entries().get(row.key)
    if entry is None:
        return "codes and links"
    changes = room_changes(sent_of(entry, row), row.payload)
    if isinstance(changes, str) or not changes:
        return "codes and links"
    names = {"start_time": "start", "end_time": "end"}
    first = ["title", "start_time", "end_time"]
    ordered = [n for n in first if n in changes] + [n for n in changes if n not in first]
    return ", ".join(names.get(name, name) for name in ordered)


def _show_plan(output: Output, plan: Plan, ledger: Ledger, prune: bool, table: Timetable) -> None:
    """``--dry-run``: what the run would do (counts, and the first rows of each)."""
    gone = "deleted (--prune)" if prune else "kept; add --prune to delete them"
    if output.json_mode:
        output.json(
            {
                "rows": len(table.rows),
                "bad": [{"line": b.line, "error": b.message} for b in table.bad],
                "create": [r.line for r in plan.create],
                "check_first": [r.line for r in plan.check],
                "update": [r.line for r in plan.update],
                "unchanged": [r.line for r in plan.unchanged],
                "prune": [
                    {"key": g.user_key, "room_id": g.room_id, "title": g.title} for g in plan.prune
                ],
                "prune_deletes": prune,
                "possible_duplicates": [m.line for m in plan.moved],
                "changed_not_updated": [r.line for r in plan.changed],
            }
        )
        return
    output.text(
        f"plan: {len(plan.create)} to create, {len(plan.update)} to update, "
        f"{len(plan.unchanged)} unchanged, {len(plan.prune)} no longer in the timetable"
        + (f" ({gone})" if plan.prune else "")
    )
    sections: list[tuple[str, list[str]]] = [
        ("create", [_row_text(r) for r in plan.create]),
        ("update", [f"{_row_text(r)} ({_changes_text(ledger, r)})" for r in plan.update]),
        ("unchanged", [_row_text(r) for r in plan.unchanged]),
        ("no longer in the timetable", [_gone_text(g) for g in plan.prune]),
    ]
    for name, lines in sections:
        if not lines:
            continue
        output.text(f"{name} ({len(lines)}):")
        for text in lines[:PLAN_SHOWN]:
            output.text(f"  {text}")
        if len(lines) > PLAN_SHOWN:
            output.text(f"  ... and {len(lines) - PLAN_SHOWN} more")
    if plan.check:
        first = ", ".join(str(r.line) for r in plan.check[:SHOWN])
        output.text(f"looked up first (an earlier create's answer was lost): line(s) {first}")


def _warn_moved(output: Output, plan: Plan, interactive: bool) -> None:
    """Rows without keys whose title or time changed at the same line: said before sending."""
    if not plan.moved:
        return
    for moved in plan.moved[:SHOWN]:
        room = f"room {moved.room_id}" if moved.room_id else "a room"
        output.note(
            f"warning: line {moved.line}: title or time changed since the last run (it was "
            f"{moved.title} {_when(moved.start_time)}, {room}); a new room will be made and "
            "the old one kept: a possible duplicate"
        )
    if len(plan.moved) > SHOWN:
        output.note(f"... and {len(plan.moved) - SHOWN} more possible duplicate(s)")
    output.note(
        "hint: add a key column (your own id for each class) so that a changed row updates "
        'its room ("Keeping a timetable in sync" in docs/cli.md)'
    )
    if interactive and not click.confirm(
        f"Make new rooms for these {len(plan.moved)} row(s) anyway?", err=True
    ):
        raise CliError("nothing was sent", exit_code=1)


def _confirm_prune(output: Output, plan: Plan, yes: bool) -> None:
    if not plan.prune or yes:
        return
    for gone in plan.prune[:SHOWN]:
        output.note(f"no longer in the timetable: {_gone_text(gone)}")
    if len(plan.prune) > SHOWN:
        output.note(f"... and {len(plan.prune) - SHOWN} more")
    count = len(plan.prune)
    if not sys.stdin.isatty():
        raise CliError(
            f"deleting {count} room(s) no longer in the timetable needs confirmation; "
            "nothing was sent",
            "add --yes to delete them without asking",
            exit_code=2,
        )
    if not click.confirm(f"Delete these {count} room(s)?", err=True):
        raise CliError("nothing was sent", exit_code=1)


def _summary(
    report: ImportReport, table: Timetable, out_path: Path, ledger: Path, pruned: bool
) -> str:
    rate = len(report.created) / report.elapsed if report.elapsed > 0 else 0.0
    recovered = (
        f" ({len(report.recovered)} found by listing after a lost answer)"
        if report.recovered
        else ""
    )
    updated = f"{len(report.updated)} updated, " if table.keyed or report.updated else ""
    deleted = (
        f"; {len(report.deleted)} room(s) no longer in the timetable deleted"
        if pruned or report.deleted
        else ""
    )
    return (
        f"{report.rows} row(s): {len(report.created)} created{recovered}, {updated}"
        f"{len(report.reused)} reused from an earlier run, {len(report.failed)} failed, "
        f"{len(report.skipped)} skipped (bad rows){deleted} in {report.elapsed:.1f} s "
        f"({rate:.1f} rooms/s)\nresult: {out_path}  ledger: {ledger}"
    )


@click.command("import")
@click.argument("timetable", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Result CSV (its ledger, <out>.ledger.db, is kept beside it: run again with the "
    "same --out to finish an interrupted import or to sync a changed timetable).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="Rows worked on at once.",
)
@click.option("--skip-bad-rows", is_flag=True, help="Import the good rows when some are bad.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Check every row and print the plan (create, update, unchanged, no longer in the "
    "timetable); nothing is sent or changed.",
)
@click.option(
    "--prune",
    is_flag=True,
    help="Delete the rooms of keys no longer in the timetable (asks first unless --yes).",
)
@click.option("--yes", "-y", is_flag=True, help="Do not ask before deleting with --prune.")
@click.option(
    "--encoding",
    default="utf-8",
    show_default=True,
    metavar="NAME",
    help="The timetable's encoding: utf-8 (a BOM is fine), or gbk / gb18030 for what Excel "
    "on Chinese Windows saves as plain CSV.",
)
@click.option("--no-bom", is_flag=True, help="Write the result without the UTF-8 BOM Excel needs.")
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
    prune: bool,
    yes: bool,
    encoding: str,
    no_bom: bool,
    rate_limit: str,
    backoff: float,
    settle: float,
) -> None:
    """Create one room per row of a timetable CSV, with codes and enter links.

    Run it again on a changed timetable to sync it (see the key column below).

    The header names the columns: title,start,end,type,teacher_number,
    teacher_name,student_numbers (student numbers separated by spaces), then
    optionally key (your own id for each class), student_names (separated by
    ';') and any room/create parameter (max_users, template_name, ...). Times
    are YYYY-MM-DD HH:MM in Beijing time unless an offset is given.

    Every row is checked before anything is sent. Each room is created exactly
    once: a ledger beside --out records each row before and after its create,
    so running the same command again after a crash, Ctrl-C or a network fault
    creates only the missing rooms, and a create whose answer was lost is
    looked up (by title and times) before anything is sent again. With a key
    column, a row whose title, time or settings changed updates its room (same
    id, codes and links), and --prune deletes the rooms of keys no longer in
    the timetable.
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
        table = read_timetable(timetable, encoding=encoding)
    except UndecodableTimetable as exc:
        hint = (
            "save it as CSV UTF-8, or name its encoding: --encoding gbk (or gb18030)"
            if exc.encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")
            else "name the encoding it was saved in with --encoding (utf-8, gbk, gb18030)"
        )
        raise CliError(str(exc), hint, exit_code=2) from None
    except TimetableError as exc:
        raise CliError(str(exc), exit_code=2) from None
    if prune and not table.keyed:
        raise CliError(
            "--prune needs a key column: without keys no row says which room is whose",
            exit_code=2,
        )
    if table.ignored_columns:
        output.note(
            f"note: column(s) {', '.join(table.ignored_columns)} are not room/create "
            "parameters: copied to the result, not sent"
        )
    for warning in table.warnings:
        output.note(f"warning: {warning}")
    if table.bad:
        _report_bad(output, table.bad)
        if not skip_bad_rows and not dry_run:
            raise CliError(
                f"{len(table.bad)} bad row(s) in {timetable}; nothing was sent",
                f"fix them, or add --skip-bad-rows to import the other {len(table.rows)}",
                exit_code=2,
            )
    ledger_file = ledger_path(out)
    if dry_run:
        try:
            with Ledger(ledger_file, "", readonly=True) as ledger:
                plan = ledger.plan(table.rows, _kept_keys(table))
                _refuse(table, plan)
                if plan.refused:
                    _report_bad(output, plan.refused)
                _warn_moved(output, plan, interactive=False)
                _show_plan(output, plan, ledger, prune, table)
        except TimetableError as exc:
            raise CliError(str(exc)) from None
        if not output.json_mode:
            output.note(f"{len(table.rows)} row(s) ready, {len(table.bad)} bad; nothing was sent")
        if table.bad and not skip_bad_rows:
            raise click.exceptions.Exit(2)
        return
    if not table.rows:
        raise CliError(f"no rows to import in {timetable}", exit_code=2)
    settings = ImportSettings(concurrency=concurrency, backoff=backoff, settle=settle)
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
    with ledger:
        plan = ledger.plan(table.rows, _kept_keys(table))
        if plan.refused:
            _refuse(table, plan)
            _report_bad(output, plan.refused)
            if not skip_bad_rows:
                raise CliError(
                    f"{len(plan.refused)} row(s) change what a room cannot change; "
                    "nothing was sent",
                    f"fix them, or add --skip-bad-rows to import the other {len(table.rows)}",
                    exit_code=2,
                )
            plan = ledger.plan(table.rows, _kept_keys(table))
        _warn_moved(output, plan, interactive=sys.stdin.isatty() and not output.json_mode)
        if prune:
            _confirm_prune(output, plan, yes)
        with _Progress(len(table.rows), not output.json_mode) as progress:
            importer: Importer | None = None

            async def run() -> ImportReport:
                nonlocal importer
                async with state.async_client(rate_limit=limiter) as client:
                    importer = Importer(
                        client,
                        ledger,
                        table.rows,
                        settings,
                        progress,
                        prune=prune,
                        kept_keys=_kept_keys(table),
                    )
                    return await importer.run()

            try:
                report = asyncio.run(run())
            except KeyboardInterrupt:
                interrupted = True
                report = importer.report if importer is not None else ImportReport()
        for bad in table.bad:
            report.skipped[bad.line] = bad.message
        try:
            write_result(
                out,
                table,
                ledger,
                importer.outcome if importer else lambda r: "failed",
                bom=not no_bom,
            )
        except TimetableError as exc:
            raise CliError(str(exc)) from None
    if interrupted:
        raise CliError(
            "interrupted; the result file lists what is done so far",
            "run the same command again to finish: no room is created twice",
            exit_code=130,
        )
    report.warnings[:0] = [w for w in table.warnings]
    _report(output, report, table, out, ledger_file, plan, prune)
    if report.failed:
        raise click.exceptions.Exit(1)


def _refuse(table: Timetable, plan: Plan) -> None:
    """Rows whose change a room cannot take become bad rows (before anything is sent)."""
    if not plan.refused:
        return
    lines = {bad.line for bad in plan.refused}
    table.rows = [row for row in table.rows if row.line not in lines]
    table.bad = sorted([*table.bad, *plan.refused], key=lambda b: b.line)


def _report(
    output: Output,
    report: ImportReport,
    table: Timetable,
    out: Path,
    ledger_file: Path,
    plan: Plan,
    pruned: bool,
) -> None:
    if output.json_mode:
        output.json(
            {
                "rows": report.rows,
                "created": len(report.created),
                "recovered": len(report.recovered),
                "updated": len(report.updated),
                "reused": len(report.reused),
                "failed": [{"line": k, "error": v} for k, v in sorted(report.failed.items())],
                "skipped": [{"line": k, "error": v} for k, v in sorted(report.skipped.items())],
                "changed": report.changed,
                "possible_duplicates": [m.line for m in plan.moved],
                "deleted": report.deleted,
                "no_longer_in_timetable": report.gone,
                "warnings": report.warnings,
                "elapsed": round(report.elapsed, 3),
                "out": str(out),
                "ledger": str(ledger_file),
            }
        )
        return
    for warning in report.warnings[len(table.warnings) :]:
        output.note(f"warning: {warning}")
    if report.changed:
        lines = ", ".join(str(n) for n in report.changed[:SHOWN])
        output.note(
            f"warning: line(s) {lines} changed after their room was created; "
            "the rooms were not changed (add a key column to update them, or use "
            "`baijiayun room update`)"
        )
    if report.gone:
        keys = ", ".join(report.gone[:SHOWN]) + (" ..." if len(report.gone) > SHOWN else "")
        output.note(
            f"{len(report.gone)} key(s) no longer in the timetable, rooms kept "
            f"(add --prune to delete them): {keys}"
        )
    for line, error in sorted(report.failed.items())[:SHOWN]:
        output.note(f"line {line}: {error}")
    if len(report.failed) > SHOWN:
        output.note(f"... and {len(report.failed) - SHOWN} more failed row(s) (see {out})")
    output.text(_summary(report, table, out, ledger_file, pruned))
    if report.failed:
        output.note("run the same command again to retry the failed rows")
