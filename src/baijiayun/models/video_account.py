"""Result models of the Video account API (``/openapi/video_account/*``).

The answer's field names are the sandbox's conventions (the platform does not
document them): optional, and every field the platform sends is kept.
"""

from __future__ import annotations

from ._base import Result

__all__ = ["AccountInfo"]


class AccountInfo(Result):
    """Answer of ``video_account/getAccountInfo``: what the account uses."""

    used_space: int | None = None
    """Bytes stored: uploaded files and their transcoded copies."""
    used_flow: int | None = None
    """Bytes played (traffic)."""
