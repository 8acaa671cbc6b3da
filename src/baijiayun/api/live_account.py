"""Live account API: ``/openapi/live_account/*`` — account-wide live settings.

Only the class-callback endpoints are declared so far. Receive the callbacks
with :mod:`baijiayun.callbacks` (or a ready receiver in :mod:`baijiayun.receivers`).
"""

from __future__ import annotations

from .._group import Group, ModeT, endpoint
from ._types import CallbackUrl


class LiveAccount(Group[ModeT], name="live_account"):
    """Settings of the live account."""

    @endpoint("setClassCallbackUrl", unwrap="url")
    def set_class_callback_url(self, url: CallbackUrl) -> str:
        """Set the URL the platform calls on class events (start, end, ...).

        ``url`` must be an absolute http:// or https:// URL.
        """

    @endpoint("getClassCallbackUrl", safe=True, unwrap="url")
    def get_class_callback_url(self) -> str:
        """The URL the platform calls on class events."""
