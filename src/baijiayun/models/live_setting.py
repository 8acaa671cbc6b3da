"""Result models of the live-settings API (``/openapi/live_setting/*``).

Notice and quiz templates are in :mod:`.notice` and :mod:`.quiz` (the groups
that assign them to rooms).
"""

from __future__ import annotations

from ._base import BeijingTime, Result
from ._paging import SizedPage

__all__ = ["HorseLamp", "SensitiveWord", "SensitiveWords", "Watermark"]


class Watermark(Result):
    """Answer of ``live_setting/getWatermark``."""

    pos: int | None = None
    """1 top left, 2 top right, 3 bottom right, 4 bottom left, 0 off."""
    url: str | None = None
    """Where the watermark image is served from (None when none was uploaded)."""


class HorseLamp(Result):
    """Answer of ``live_setting/getLiveHorseLamp``: the marquee over the video."""

    type: int | None = None
    """0 off, 1 the fixed text ``value``, 2 the viewer's nickname."""
    value: str | None = None
    color: str | None = None
    font_size: int | None = None
    opacity: float | None = None


class SensitiveWord(Result):
    """One word of ``live_setting/getSensitiveWord``."""

    id: int | None = None
    word: str | None = None
    create_time: BeijingTime | None = None


class SensitiveWords(SizedPage[SensitiveWord]):
    """Answer of ``live_setting/getSensitiveWord``: one page of the account's words."""
