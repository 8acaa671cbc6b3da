"""Video account API: ``/openapi/video_account/*`` — account-wide VOD usage and settings.

VOD and playback transcode callbacks share the one URL set here; receive them
with :mod:`baijiayun.callbacks` (or a ready receiver in :mod:`baijiayun.callbacks.receivers`).
"""

from __future__ import annotations

from decimal import Decimal

from .._group import Group, ModeT, endpoint
from .._params import CallbackUrl, Date, check_date_order
from ..models.video_account import AccountInfo


class VideoAccount(Group[ModeT], name="video_account"):
    """The VOD account: storage and traffic used, the transcode callback URL."""

    @endpoint("getAccountInfo", safe=True)
    def get_account_info(self) -> AccountInfo:
        """The storage and the traffic (flow) the account has used.

        The platform counts traffic once a day, so it lags behind.
        """

    @endpoint("getUsedFlow", safe=True, unwrap="flow", client_checks=(check_date_order,))
    def get_used_flow(self, start_date: Date, end_date: Date) -> Decimal:
        """The traffic the whole account used between two days (inclusive).

        ``start_date``/``end_date``: ``datetime.date`` or ``YYYY-MM-DD`` text.
        """

    @endpoint("setTranscodeCallbackUrl", unwrap="url")
    def set_transcode_callback_url(self, url: CallbackUrl) -> str | None:
        """Set the URL the platform calls when a video or playback is transcoded.

        ``url`` must be an absolute http:// or https:// URL. Returns the URL the
        platform echoes, or None when its answer holds none (``null`` or ``{}``).
        """

    @endpoint("getTranscodeCallbackUrl", safe=True, unwrap="url")
    def get_transcode_callback_url(self) -> str:
        """The URL the platform calls when a video or playback is transcoded."""
