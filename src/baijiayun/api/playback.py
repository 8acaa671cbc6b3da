"""Playback API: ``/openapi/playback/*`` — recordings of live classes.

Only the player-token endpoints are declared so far; the links built from
them are in :mod:`baijiayun.links` and ``client.links``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from .._group import Group, ModeT, endpoint
from .._wire import CSV, STR, Rule
from ..models.playback import PlaybackTokens
from ._types import ExpiresIn, Int, RoomId

_ENTRY_RE = re.compile(r"[1-9][0-9]*(-[0-9]+)?\Z")


@dataclass(frozen=True)
class PlaybackEntry(Rule):
    """Each entry is a room id, or ``room_id-session_id`` for a session of a long-term room."""

    def check(self, value: Any) -> str | None:
        values = value if isinstance(value, list) else [value]
        ok = all(isinstance(v, str) and _ENTRY_RE.match(v) for v in values)
        return None if ok and values else self.describe()

    def describe(self) -> str:
        return "entries must be room_id or room_id-session_id"


PlaybackEntries = Annotated[
    list[int | str] | tuple[int | str, ...] | str, CSV(STR), PlaybackEntry()
]


class Playback(Group[ModeT], name="playback"):
    """Playback of recorded live classes."""

    @endpoint("getPlayerToken", safe=True, unwrap="token")
    def get_player_token(
        self, room_id: RoomId, expires_in: ExpiresIn, session_id: Int | None = None
    ) -> str:
        """A player token for a room's playback (``session_id`` for a long-term room's session).

        ``expires_in``: seconds the token stays valid, 0 for never. Build the
        link with :func:`baijiayun.links.playback_url`, or let
        ``client.links.playback_url`` do both steps.
        """

    @endpoint("getPlayerTokenBatch", safe=True)
    def get_player_token_batch(
        self, room_ids: PlaybackEntries, expires_in: ExpiresIn
    ) -> PlaybackTokens:
        """Player tokens for several playbacks at once.

        ``room_ids``: a list (or comma text) of entries ``room_id`` or
        ``room_id-session_id``. The platform does not document the answer's
        shape; it is read leniently. ``client.links.playback_urls`` makes links.
        """
