"""Result models of the Video account API (``/openapi/video_account/*``)."""

from __future__ import annotations

from ._base import Result

__all__ = ["AccountInfo"]


class AccountInfo(Result):
    """Answer of ``video_account/getAccountInfo``: what the account uses."""

    used_space: int
    """Bytes stored: uploaded files and their transcoded copies."""
    used_flow: int
    """Bytes played (traffic)."""
