"""Result models of the Live API (``/openapi/live/*``)."""

from __future__ import annotations

from ._base import Result

__all__ = ["UserCount"]


class UserCount(Result):
    """Answer of ``live/getUserCount``: the users in the room now."""

    user_count: int | None = None
    """Distinct users in the room at the moment of the call."""
