"""Output of the command: readable tables (rich) or ``--json``; errors on stderr.

rich comes with the ``cli`` extra; with only the ``sandbox`` extra (click but
no rich) the same tables are printed as plain aligned text.
"""

from __future__ import annotations

import datetime as _dt
import enum
import json
import shutil
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import click

from .._wire import BEIJING
from ..models._base import Result

__all__ = ["Output", "jsonable", "show_time"]


def show_time(value: Any) -> str:
    """A time as Beijing ``YYYY-MM-DD HH:MM`` (seconds when they are not zero)."""
    if not isinstance(value, _dt.datetime):
        return "" if value is None else str(value)
    local = value.astimezone(BEIJING) if value.tzinfo else value
    return local.strftime("%Y-%m-%d %H:%M:%S" if local.second else "%Y-%m-%d %H:%M")


def jsonable(value: Any) -> Any:
    """Plain JSON data: models under the platform's field names, times as ISO 8601."""
    if isinstance(value, Result):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


FOLD = 24
"""Columns a long cell keeps on one line before a table folds it (a table wider than its
columns allow at this width is printed as one name/value list per item)."""


def width_of(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters count two, marks none."""
    total = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns."""
    return text + " " * max(0, width - width_of(text))


def cell(value: Any) -> str:
    if isinstance(value, _dt.datetime):
        return show_time(value)
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(jsonable(value), ensure_ascii=False)
    return str(value)


def _rich_console(stderr: bool = False) -> Any:
    try:
        from rich.console import Console
    except ImportError:
        return None
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


class Output:
    """Where a command's results go: a table or key/value list, or JSON with ``--json``."""

    def __init__(self, json_mode: bool = False) -> None:
        self.json_mode = json_mode
        self._console: Any = None
        self._err: Any = None

    @property
    def console(self) -> Any:
        """A rich console on stdout (None without rich)."""
        if self._console is None:
            self._console = _rich_console()
        return self._console

    @property
    def err_console(self) -> Any:
        if self._err is None:
            self._err = _rich_console(stderr=True)
        return self._err

    def json(self, data: Any) -> None:
        click.echo(json.dumps(jsonable(data), ensure_ascii=False, indent=2))

    def text(self, line: str) -> None:
        """A line of result (stdout), as is."""
        click.echo(line)

    def note(self, line: str) -> None:
        """A remark that is not the result (stderr), so stdout stays parseable."""
        click.echo(line, err=True)

    @property
    def width(self) -> int:
        """The terminal's width in columns (80 when it cannot be told)."""
        console = self.console
        if console is not None:
            return int(console.width)
        return shutil.get_terminal_size((80, 24)).columns

    def fields(self, pairs: Iterable[tuple[str, Any]], title: str | None = None) -> None:
        rows = [(name, cell(value)) for name, value in pairs]
        console = self.console
        if console is None:
            if title:
                click.echo(title)
            width = max((width_of(n) for n, _ in rows), default=0)
            for name, value in rows:
                click.echo(f"  {pad(name, width)}  {value}")
            return
        from rich.table import Table
        from rich.text import Text

        table = Table(title=title, show_header=False, title_justify="left", box=None)
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column(overflow="fold")
        for name, value in rows:
            table.add_row(Text(name), Text(value))  # Text: no markup read from data
        console.print(table)

    def table(
        self,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        title: str | None = None,
        caption: str | None = None,
    ) -> None:
        texts = [[cell(v) for v in row] for row in rows]
        widths = [
            max([width_of(c), *(width_of(r[i]) for r in texts)]) for i, c in enumerate(columns)
        ]
        if (
            len(columns) > 2
            and sum(min(w, FOLD) for w in widths) + 3 * len(columns) + 1 > self.width
        ):
            # Too many columns to read as a table, even with long cells folded over lines:
            # each item as its own name/value list.
            if title:
                click.echo(title)
            for number, row in enumerate(texts, 1):
                self.fields(zip(columns, row, strict=True), title=f"[{number}/{len(texts)}]")
            if caption:
                click.echo(caption)
            return
        console = self.console
        if console is None:
            if title:
                click.echo(title)
            click.echo("  ".join(pad(c, w) for c, w in zip(columns, widths, strict=True)))
            for row in texts:
                click.echo("  ".join(pad(v, w) for v, w in zip(row, widths, strict=True)))
            if caption:
                click.echo(caption)
            return
        from rich.table import Table
        from rich.text import Text

        table = Table(title=title, caption=caption, title_justify="left", caption_justify="left")
        for name in columns:
            table.add_column(name, overflow="fold")
        for row in texts:
            table.add_row(*(Text(v) for v in row))
        console.print(table)

    def success(self, line: str) -> None:
        """A short confirmation (stderr in JSON mode, where stdout is the data)."""
        console = self.err_console if self.json_mode else self.console
        if console is None:
            click.echo(line, err=self.json_mode)
        else:
            from rich.markup import escape

            console.print(f"[green]✓[/green] {escape(line)}", markup=True, highlight=False)
