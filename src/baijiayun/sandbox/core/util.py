"""Small helpers every layer of the sandbox uses: Beijing time, HTML escaping, HTML pages, the
query of a link a browser opens, rendered text between markers in a file."""

from __future__ import annotations

import datetime as _dt
import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from ..._wire import BEIJING
from .http import HTML_HEADERS, SandboxRequest, SandboxResponse

__all__ = [
    "beijing",
    "clock_time",
    "cursor",
    "embed_between",
    "escape",
    "html_page",
    "link_query",
    "pager",
    "rewrite_files",
    "when",
]


def beijing(ts: float) -> str:
    """Unix seconds as the platform's ``YYYY-MM-DD HH:MM:SS`` Beijing time."""
    return _dt.datetime.fromtimestamp(ts, BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def escape(value: Any) -> str:
    """``value`` as HTML text (None as nothing)."""
    return html.escape("" if value is None else str(value))


def html_page(status: int, title: str, text: str) -> SandboxResponse:
    """A small HTML page: a title and one paragraph (what the ``/web/`` pages answer)."""
    body = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"</head><body><h1>{escape(title)}</h1><p>{escape(text)}</p></body></html>"
    )
    return SandboxResponse(status=status, headers=list(HTML_HEADERS), body=body.encode("utf-8"))


def table(headers: Sequence[str], rows: str, empty: str = "none") -> str:
    """A console table: a header row, the rendered ``<tr>`` rows, or one muted row saying
    ``empty`` across every column."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = rows or f"<tr><td colspan={len(headers)} class=muted>{escape(empty)}</td></tr>"
    return f"<table><tr>{head}</tr>{body}</table>"


def when(ts: float | None) -> str:
    """:func:`beijing`, or nothing for no time."""
    return "" if ts is None else beijing(ts)


def clock_time(ts: float | None) -> str:
    """The time of day (``HH:MM:SS``, Beijing) of ``ts``."""
    return when(ts)[11:]


def pager(
    params: dict[str, str],
    page: int,
    total: int,
    size: int,
    name: str = "page",
    *,
    seqs: Sequence[int] = (),
) -> str:
    """Links to the pages before and after ``page`` of a console table (none for one page).

    With the ``seqs`` of the page's rows (a table of the database), the links carry a
    cursor (``after``/``before`` the page's last/first row): the next page is then read
    from an index seek, so every page costs what the first does (see :func:`cursor`).
    """
    pages = max(1, -(-total // size))
    if pages == 1:
        return ""
    links = []
    if page > 1:
        newer: dict[str, Any] = {**params, name: page - 1}
        if seqs and page > 2:
            newer["before"] = seqs[0]
        links.append(f"<a href='?{urlencode(newer)}'>← newer</a>")
    if page < pages:
        older: dict[str, Any] = {**params, name: page + 1}
        if seqs:
            older["after"] = seqs[-1]
        links.append(f"<a href='?{urlencode(older)}'>older →</a>")
    return f"<p class='pager'>{''.join(links)} <span class='muted'>{page}/{pages}</span></p>"


def cursor(query: dict[str, str]) -> dict[str, int]:
    """A console page's cursor from its query: ``after_seq`` or ``before_seq`` (for
    ``Store._page``), or nothing (then the page number is used)."""
    for name in ("after", "before"):
        text = query.get(name, "")
        if text.isdigit() and len(text) < 19:
            return {f"{name}_seq": int(text)}
    return {}


def link_query(request: SandboxRequest, *required: str) -> dict[str, str] | SandboxResponse:
    """The query of a link a browser opened (a ``/web/`` page), or the 400 page answering it:
    the query is not UTF-8, or one of ``required`` is missing or empty."""
    try:
        query = dict(parse_qsl(request.query, keep_blank_values=True, errors="strict"))
    except UnicodeError:
        return html_page(400, "Bad request", "the query is not valid UTF-8")
    if not all(query.get(name) for name in required):
        return html_page(400, "Bad link", " and ".join(required) + " are required")
    return query


def embed_between(text: str, start: str, end: str, rendered: str, what: str) -> str:
    """``text`` with ``rendered`` in place of what stands between its ``start`` and ``end``
    markers (a ``ValueError`` names ``what`` when they are missing)."""
    head, started, rest = text.partition(start)
    _, ended, tail = rest.partition(end)
    if not started or not ended:
        raise ValueError(f"the {what} markers are missing")
    return f"{head}{start}\n{rendered}{end}{tail}"


def rewrite_files(paths: list[str], change: Callable[[str], str]) -> None:
    """Rewrite each of ``paths`` (UTF-8) as ``change`` makes its text."""
    for name in paths:
        path = Path(name)
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
