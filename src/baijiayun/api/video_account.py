"""Video account API: ``/openapi/video_account/*`` — account-wide VOD settings.

Only the transcode-callback endpoints are declared so far. VOD and playback
transcode callbacks share the one URL; receive them with
:mod:`baijiayun.callbacks` (or a ready receiver in :mod:`baijiayun.receivers`).
"""

from __future__ import annotations

from .._group import Group, ModeT, endpoint
from ._types import CallbackUrl


class VideoAccount(Group[ModeT], name="video_account"):
    """Settings of the VOD account."""

    @endpoint("setTranscodeCallbackUrl", unwrap="url")
    def set_transcode_callback_url(self, url: CallbackUrl) -> str:
        """Set the URL the platform calls when a video or playback is transcoded.

        ``url`` must be an absolute http:// or https:// URL.
        """

    @endpoint("getTranscodeCallbackUrl", safe=True, unwrap="url")
    def get_transcode_callback_url(self) -> str:
        """The URL the platform calls when a video or playback is transcoded."""
