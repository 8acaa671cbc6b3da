"""Small helpers every layer of the sandbox uses: Beijing time, HTML escaping, HTML pages."""

from __future__ import annotations

import datetime as _dt
import html
from typing import Any
from urllib.parse import urlencode

from ..._wire import BEIJING
from .http import HTML_HEADERS, SandboxResponse

__all__ = ["beijing", "clock_time", "escape", "html_page", "pager", "when"]


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


def when(ts: float | None) -> str:
    """:func:`beijing`, or nothing for no time."""
    return "" if ts is None else beijing(ts)


def clock_time(ts: float | None) -> str:
    """The time of day (``HH:MM:SS``, Beijing) of ``ts``."""
    return when(ts)[11:]


def pager(params: dict[str, str], page: int, total: int, size: int, name: str = "page") -> str:
    """Links to the pages before and after ``page`` of a console table (none for one page)."""
    pages = max(1, -(-total // size))
    if pages == 1:
        return ""
    links = []
    if page > 1:
        links.append(f"<a href='?{urlencode({**params, name: page - 1})}'>← newer</a>")
    if page < pages:
        links.append(f"<a href='?{urlencode({**params, name: page + 1})}'>older →</a>")
    return f"<p class='pager'>{''.join(links)} <span class='muted'>{page}/{pages}</span></p>"
