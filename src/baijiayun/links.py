"""Enter-classroom, playback and VOD links (docs/protocol.md §5): pure functions, no client needed.

>>> from baijiayun.links import Role, enter_url
>>> enter_url("https://e12345678.at.baijiayun.com/", KEY, 21090312345678, 1001, "小明")
'https://e12345678.at.baijiayun.com/web/room/enter?room_id=21090312345678&user_number=1001&...'

An enter link is signed like an API request (``_signing.sign``) over exactly
``room_id``, ``user_avatar``, ``user_name``, ``user_number``, ``user_role``
(and ``group_id`` when given), without ``partner_id`` or ``timestamp``. Values
are signed as raw text and URL-encoded only in the link. An empty avatar is
signed as ``user_avatar=``.

The parameters of each link are declared once, like an endpoint (typed stubs
read by :func:`baijiayun._endpoint.declare`; they are pages, not API endpoints),
so links are validated and encoded by the same kinds and rules as API calls:
a bad argument raises :class:`~baijiayun.errors.ValidationError` naming it,
before anything is signed.

Playback and VOD links need a player token from the API; the clients build
them in one call: ``client.links.playback_url(room_id)``,
``client.links.video_url(video_id)``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Annotated, Any, Protocol
from urllib.parse import quote, urlencode

from ._endpoint import Endpoint, declare
from ._params import Int, RoomId, Str, UserNum, VideoId
from ._signing import SIGN, sign
from ._wire import Context, HttpUrl, NonEmpty, OneOf
from .errors import ValidationError

__all__ = [
    "ENTER_PATH",
    "PLAYBACK_PATH",
    "VIDEO_PATH",
    "Role",
    "enter_fields",
    "enter_url",
    "get_web_sign",
    "playback_url",
    "signed_enter_url",
    "video_url",
    "web_sign",
]

ENTER_PATH = "/web/room/enter"
PLAYBACK_PATH = "/web/playback/index"
VIDEO_PATH = "/web/video/player"


class Role(enum.IntEnum):
    """``user_role`` of an enter link."""

    STUDENT = 0
    TEACHER = 1
    ASSISTANT = 2


UserName = Annotated[Str, NonEmpty()]
UserRole = Annotated[Int, OneOf.of(Role)]
OptionalAvatar = Annotated[Str, HttpUrl(allow_empty=True)]
Token = Annotated[Str, NonEmpty()]
_BASE_URL = HttpUrl()


def _page(path: str) -> Callable[[Callable[..., None]], Endpoint]:
    """Declare the parameters of one of the platform's web pages."""

    def decorate(stub: Callable[..., None]) -> Endpoint:
        return declare(stub, group="web", path=path, signed=False)

    return decorate


class _Pages:
    """The parameters of the platform's web pages (declarations only)."""

    @_page(ENTER_PATH)
    def enter(
        self,
        room_id: RoomId,
        user_number: UserNum,
        user_name: UserName,
        user_role: UserRole = Role.STUDENT,
        user_avatar: OptionalAvatar = "",
        group_id: Int | None = None,
    ) -> None:
        """Enter a live classroom as a student, teacher or assistant."""

    @_page(PLAYBACK_PATH)
    def playback(self, room_id: RoomId, token: Token, session_id: Int | None = None) -> None:
        """Watch a room's playback (``room_id`` is sent as ``classid``)."""

    @_page(VIDEO_PATH)
    def video(self, video_id: VideoId, token: Token) -> None:
        """Watch a VOD video (``video_id`` is sent as ``vid``)."""


_CTX = Context()
ENTER: Endpoint = _Pages.enter
PLAYBACK: Endpoint = _Pages.playback
VIDEO: Endpoint = _Pages.video
_ORDER = {s.path: {p.name: i for i, p in enumerate(s.params)} for s in (ENTER, PLAYBACK, VIDEO)}


def _fields(spec: Endpoint, *args: Any) -> list[tuple[str, str]]:
    """Validated, encoded fields of a link, in declaration order (None: not sent)."""
    fields, _ = spec.prepare(spec.bind(args, {}), _CTX)
    order = _ORDER[spec.path]
    return sorted(fields, key=lambda kv: order[kv[0]])


def _base(base_url: str) -> str:
    problem = _BASE_URL.check(base_url)
    if problem:
        raise ValidationError("base_url", problem)
    return base_url.rstrip("/")


def _link(base: str, spec: Endpoint, fields: list[tuple[str, str]], **rename: str) -> str:
    query = urlencode([(rename.get(k, k), v) for k, v in fields], quote_via=quote)
    return f"{base}{spec.path}?{query}"


def _check_key(partner_key: object) -> str:
    if not isinstance(partner_key, str) or not partner_key:
        raise ValidationError("partner_key", "must be a non-empty string")
    try:
        partner_key.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("partner_key", "must be valid Unicode text") from None
    return partner_key


def enter_fields(
    room_id: int | str,
    user_number: int | str,
    user_name: str,
    user_role: int = Role.STUDENT,
    user_avatar: str | None = "",
    group_id: int | str | None = None,
) -> list[tuple[str, str]]:
    """The validated text fields an enter link carries and signs (without ``sign``).

    ``user_avatar=None`` is the empty avatar (always sent and signed, as ``user_avatar=``).
    """
    if user_role is None:
        raise ValidationError("user_role", "is required", endpoint=ENTER_PATH)
    avatar = "" if user_avatar is None else user_avatar
    return _fields(ENTER, room_id, user_number, user_name, user_role, avatar, group_id)


def signed_enter_url(base_url: str, partner_key: str, fields: list[tuple[str, str]]) -> str:
    """The enter link for fields from :func:`enter_fields`, with their sign appended."""
    base = _base(base_url)
    fields = [*fields, (SIGN, sign(fields, _check_key(partner_key)))]
    return _link(base, ENTER, fields)


def web_sign(
    partner_key: str,
    room_id: int | str,
    user_number: int | str,
    user_name: str,
    user_role: int,
    user_avatar: str | None = "",
    group_id: int | str | None = None,
) -> str:
    """The sign of an enter link alone (what the earlier SDK's ``get_web_sign`` returned)."""
    fields = enter_fields(room_id, user_number, user_name, user_role, user_avatar, group_id)
    return sign(fields, _check_key(partner_key))


def enter_url(
    base_url: str,
    partner_key: str,
    room_id: int | str,
    user_number: int | str,
    user_name: str,
    user_role: int = Role.STUDENT,
    user_avatar: str | None = "",
    group_id: int | str | None = None,
) -> str:
    """A signed link that enters ``room_id`` as ``user_name``.

    Args:
        base_url: the account's host, e.g. ``https://e12345678.at.baijiayun.com/``.
        partner_key: the account's partner key (it signs the link; it is not in it).
        user_number: the user's id in your own system: a positive integer of at
            most 19 digits.
        user_role: :class:`Role` — 0 student, 1 teacher, 2 assistant.
        user_avatar: an absolute http(s) URL, or empty.
        group_id: the group of a group-live room (signed and sent only when given).

    Raises:
        ValidationError: naming the bad parameter, before anything is signed.
    """
    _base(base_url)
    fields = enter_fields(room_id, user_number, user_name, user_role, user_avatar, group_id)
    return signed_enter_url(base_url, partner_key, fields)


def playback_url(
    base_url: str, room_id: int | str, token: str, session_id: int | str | None = None
) -> str:
    """``{base}/web/playback/index?classid=..&token=..[&session_id=..]``.

    ``token`` comes from ``playback.get_player_token``; ``session_id`` picks one
    session of a long-term room.
    """
    base = _base(base_url)
    fields = _fields(PLAYBACK, room_id, token, session_id)
    return _link(base, PLAYBACK, fields, room_id="classid")


def video_url(base_url: str, video_id: int | str, token: str) -> str:
    """``{base}/web/video/player?vid=..&token=..`` (``token`` from ``video.get_player_token``)."""
    base = _base(base_url)
    fields = _fields(VIDEO, video_id, token)
    return _link(base, VIDEO, fields, video_id="vid")


class _KeyHolder(Protocol):
    def _partner_key_now(self, purpose: str) -> str: ...


class _HasClient(Protocol):
    """A links group, or a client itself (a client is its own ``_client``)."""

    @property
    def _client(self) -> _KeyHolder: ...


def get_web_sign(
    self: _HasClient,
    room_id: int | str,
    user_number: int | str,
    user_name: str,
    user_role: int,
    user_avatar: str | None = "",
    group_id: int | str | None = None,
) -> str:
    """The sign of an enter link alone (the earlier SDK's ``client.get_web_sign``).

    Prefer ``client.links.enter_url(...)``, which returns the whole link. The
    arguments are checked before the key is looked up. Both ``client.links`` and
    the clients themselves carry this one function as a method (its ``self`` is
    either).
    """
    fields = enter_fields(room_id, user_number, user_name, user_role, user_avatar, group_id)
    return sign(fields, self._client._partner_key_now("signing an enter link"))
