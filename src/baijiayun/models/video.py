"""Result models of the Video (VOD) API (``/openapi/video/*``)."""

from __future__ import annotations

from typing import Annotated

from ._base import Result, token_entries

__all__ = ["VideoToken", "VideoTokens"]


class VideoToken(Result):
    """A player token for one video."""

    video_id: int
    token: str


VideoTokens = Annotated[list[VideoToken], token_entries("video_id")]
"""Answer of ``video/getPlayerTokenBatch``."""
