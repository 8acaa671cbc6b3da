"""Video (VOD) API: ``/openapi/video/*`` — uploaded videos.

Only the player-token endpoints are declared so far; the links built from
them are in :mod:`baijiayun.links` and ``client.links``.
"""

from __future__ import annotations

from typing import Annotated

from .._group import Group, ModeT, endpoint
from .._wire import Range
from ..models.video import VideoTokens
from ._types import ExpiresIn, Int, IntList

VideoId = Annotated[Int, Range(1)]
VideoIds = Annotated[IntList, Range(1)]


class Video(Group[ModeT], name="video"):
    """Videos on demand."""

    @endpoint("getPlayerToken", safe=True, unwrap="token")
    def get_player_token(self, video_id: VideoId, expires_in: ExpiresIn) -> str:
        """A player token for a video; ``expires_in`` in seconds, 0 for never.

        Build the link with :func:`baijiayun.links.video_url`, or let
        ``client.links.video_url`` do both steps.
        """

    @endpoint("getPlayerTokenBatch", safe=True)
    def get_player_token_batch(self, video_ids: VideoIds, expires_in: ExpiresIn) -> VideoTokens:
        """Player tokens for several videos at once (a list or comma text of ids).

        The platform does not document the answer's shape; it is read leniently
        (a list, or a mapping of id to token). ``client.links.video_urls`` makes links.
        """
