"""``baijiayun doctor``: does the SDK match what your account's platform answers?"""

from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path

import click

from .._wire import BEIJING
from ._app import State, json_option, pass_state

__all__ = ["doctor"]


@click.command()
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the answer shapes (field names and JSON types, never values) to FILE as JSON.",
)
@json_option
@pass_state
def doctor(state: State, report_path: Path | None) -> None:
    """Check this account against the SDK: read-only calls, answers compared with the models.

    \b
    Checks the settings, the clock against the platform's, that the key works, then
    calls every read-only endpoint it can form arguments for from what the account
    lists (rooms, codes, videos, categories, sub-accounts, yesterday's reports...)
    and compares each answer with its model: required fields missing, fields the
    SDK does not know, JSON types that differ. Nothing is created, changed or
    deleted. Exits 0 when every answer conforms, 1 when one drifts or fails.
    """
    from ..doctor import check_account

    out = state.output
    today = _dt.datetime.now(BEIJING).date()
    with state.client() as client:
        report = check_account(client, today)
    if report_path is not None:
        text = json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
        fd = os.open(report_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
    if out.json_mode:
        out.json(report.to_json())
    else:
        rows = []
        for finding in report.findings:
            what = finding.detail
            if finding.drifts:
                what = "; ".join(f"{d.kind} {d.where}: {d.detail}" for d in finding.drifts)
            rows.append([finding.qualname, finding.status, what])
        counts: dict[str, int] = {}
        for finding in report.findings:
            counts[finding.status] = counts.get(finding.status, 0) + 1
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        out.table(["endpoint", "result", "what"], rows, caption=summary)
        if report.clock_skew is not None:
            skew = report.clock_skew
            verdict = "fine" if abs(skew) < 60 else "too far off: signs will be refused"
            out.note(f"clock: this machine is {skew:+.0f} s from the platform ({verdict})")
        if report.problem:
            out.note(f"stopped: {report.problem}")
        if report_path is not None:
            out.note(f"report (shapes only, no values): {report_path}")
    if not report.conforms:
        raise click.exceptions.Exit(1)
