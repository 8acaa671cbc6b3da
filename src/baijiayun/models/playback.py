"""Result models of the Playback API (``/openapi/playback/*``)."""

from __future__ import annotations

from typing import Annotated

from ._base import Result, token_entries

__all__ = ["PlaybackToken", "PlaybackTokens"]


class PlaybackToken(Result):
    """A player token for one room's playback (or one session of a long-term room)."""

    room_id: str
    session_id: str | None = None
    token: str


PlaybackTokens = Annotated[list[PlaybackToken], token_entries("room_id")]
"""Answer of ``playback/getPlayerTokenBatch``."""
