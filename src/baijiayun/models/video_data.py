"""Result models of the Video data API (``/openapi/video_data/*``).

``video_id``, ``play_count`` and the day of a count are documented; the play
records' other field names are the sandbox's conventions, so they are optional,
and every field the platform sends is kept.
"""

from __future__ import annotations

import datetime as _dt

from ._base import BeijingTime, Page, Result

__all__ = ["DailyPlayCount", "PlayRank", "PlayRecord", "PlayRecords"]


class PlayRecord(Result):
    """One play of a video or a playback."""

    video_id: int | None = None
    """The video (for a playback: its recording's video id)."""
    room_id: str | None = None
    """The room, for a playback (None for a video on demand)."""
    session_id: str | None = None
    start_time: BeijingTime | None = None
    duration: int | None = None
    """Seconds watched."""
    flow: int | None = None
    """Bytes sent."""
    ip: str | None = None
    user_agent: str | None = None


class PlayRecords(Page[PlayRecord]):
    """Answer of the play-record queries: one page of plays, in the order they began."""


class PlayRank(Result):
    """One entry of ``video_data/getVideoPlayCountRank``."""

    video_id: int | None = None
    name: str | None = None
    play_count: int | None = None


class DailyPlayCount(Result):
    """Plays on one day (Beijing time)."""

    date: _dt.date | None = None
    play_count: int | None = None
