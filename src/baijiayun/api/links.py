"""``client.links``: enter-classroom, playback and VOD links built with the client's host and key.

The link is always on the client's ``base_url`` host. Two kinds of methods:

* ``enter_url`` and ``get_web_sign`` need no request: they return a ``str``
  on both clients. They sign with the partner key the client already knows —
  the static ``partner_key``, or the key it fetched with ``secret_key`` (the
  cached one, or the last fetched one after the cache expired). A sync client
  that has not fetched its key yet fetches it on the spot; an async client
  cannot wait inside a plain method, so it raises
  :class:`~baijiayun.errors.ConfigurationError` until
  ``await client.fetch_partner_key()`` (or any API call) has fetched it.
* ``playback_url``, ``video_url`` and their batch twins first ask the API for
  a player token, then build the link: they return the link on the sync client
  and an awaitable of it on the async client, like endpoints
  (see :func:`baijiayun._group.compose`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .. import links as _links
from .._group import Group, ModeT, compose
from .._params import ExpiresIn, Int, RoomId
from .._signing import encode_value
from ..links import Role, get_web_sign
from ..models.playback import PlaybackToken
from ..models.video import VideoToken
from .playback import Playback, PlaybackEntries
from .video import Video, VideoId, VideoIds

if TYPE_CHECKING:
    from .._flow import ClientBase

DEFAULT_EXPIRES_IN = 24 * 3600
"""Seconds a player token made for a link stays valid unless told otherwise."""


def _entry(item: Any) -> Any:
    """``(room_id, session_id)`` as the ``room_id-session_id`` entry; other items as given."""
    if isinstance(item, tuple) and len(item) == 2:
        return f"{encode_value(item[0])}-{encode_value(item[1])}"
    return item


def _sent(ids: Any) -> Any:
    if isinstance(ids, str):
        return ids
    entries = [_entry(i) for i in ids]
    if isinstance(ids, (set, frozenset)):  # what is signed never depends on hash order
        entries.sort(key=encode_value)
    return entries


def _entry_texts(ids: Any) -> list[str]:
    """The entries as sent (the endpoint has validated them by now)."""
    if isinstance(ids, str):
        return [p.strip() for p in ids.split(",") if p.strip()]
    return [encode_value(_entry(i)) for i in ids]


# --------------------------------------------------------------------------- builds
def _playback_link(client: ClientBase, values: dict[str, Any], token: str) -> str:
    return _links.playback_url(client.base_url, values["room_id"], token, values["session_id"])


def _video_link(client: ClientBase, values: dict[str, Any], token: str) -> str:
    return _links.video_url(client.base_url, values["video_id"], token)


def _playback_batch_args(values: dict[str, Any]) -> dict[str, Any]:
    return {"room_ids": _sent(values["room_ids"]), "expires_in": values["expires_in"]}


def _playback_links(
    client: ClientBase, values: dict[str, Any], data: list[PlaybackToken]
) -> dict[str, str]:
    tokens = {
        f"{t.room_id}-{t.session_id}" if t.session_id not in (None, "", "0") else t.room_id: t.token
        for t in data
    }
    out: dict[str, str] = {}
    for entry in _entry_texts(values["room_ids"]):
        token = tokens.get(entry)
        if token is not None:
            room_id, _, session_id = entry.partition("-")
            out[entry] = _links.playback_url(client.base_url, room_id, token, session_id or None)
    return out


def _video_links(
    client: ClientBase, values: dict[str, Any], data: list[VideoToken]
) -> dict[str, str]:
    tokens = {str(t.video_id): t.token for t in data}
    out: dict[str, str] = {}
    for entry in _entry_texts(values["video_ids"]):
        token = tokens.get(entry)
        if token is not None:
            out[entry] = _links.video_url(client.base_url, entry, token)
    return out


class Links(Group[ModeT], name="links", prefix=""):
    """Links on the client's host: enter a classroom, watch a playback or a video."""

    def enter_url(
        self,
        room_id: int | str,
        user_number: int | str,
        user_name: str,
        user_role: int = Role.STUDENT,
        user_avatar: str | None = "",
        group_id: int | str | None = None,
    ) -> str:
        """A signed link that enters ``room_id`` (see :func:`baijiayun.links.enter_url`).

        Returns a ``str`` on both clients (no request is made when the key is known).
        """
        fields = _links.enter_fields(
            room_id, user_number, user_name, user_role, user_avatar, group_id
        )
        key = self._client._partner_key_now("building an enter link")
        return _links.signed_enter_url(self._client.base_url, key, fields)

    get_web_sign = get_web_sign

    @compose(Playback.get_player_token, build=_playback_link)
    def playback_url(
        self,
        room_id: RoomId,
        session_id: Int | None = None,
        expires_in: ExpiresIn = DEFAULT_EXPIRES_IN,
    ) -> str:
        """Fetch a player token and return the room's playback link.

        ``session_id`` picks a session of a long-term room; ``expires_in`` is the
        token's lifetime in seconds (0: never expires).
        """

    @compose(Video.get_player_token, build=_video_link)
    def video_url(self, video_id: VideoId, expires_in: ExpiresIn = DEFAULT_EXPIRES_IN) -> str:
        """Fetch a player token and return the video's player link."""

    @compose(Playback.get_player_token_batch, build=_playback_links, args=_playback_batch_args)
    def playback_urls(
        self,
        room_ids: PlaybackEntries | Sequence[int | str | tuple[int | str, int | str]],
        expires_in: ExpiresIn = DEFAULT_EXPIRES_IN,
    ) -> dict[str, str]:
        """Playback links for several rooms with one token request.

        ``room_ids`` items: a room id, ``"room_id-session_id"``, or
        ``(room_id, session_id)``. Returns links by entry text (``"123"``,
        ``"123-2017112801"``); entries the platform gave no token for are absent.
        """

    @compose(Video.get_player_token_batch, build=_video_links)
    def video_urls(
        self, video_ids: VideoIds, expires_in: ExpiresIn = DEFAULT_EXPIRES_IN
    ) -> dict[str, str]:
        """Player links for several videos with one token request, by video id text."""
