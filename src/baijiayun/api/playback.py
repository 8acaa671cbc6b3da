"""Playback API: ``/openapi/playback/*`` — the recordings of live classes.

A room's class is recorded; once it ends the platform generates its playback
(a long-term room gets one playback per class, told apart by ``session_id``).
A playback may have several versions: the recording, the crops made of it in
the console, and replacements (:meth:`Playback.replace_playback`,
:meth:`Playback.replace_playback_by_video`); one of them is the main version,
the one players show.

Optional parameters default to ``None`` and are then not sent, so the
platform's own defaults apply. (The earlier SDK's ``get_list`` filtered on
the example room ``123456`` unless told otherwise.) Player links built from
the tokens are in :mod:`baijiayun.links` and ``client.links``.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Annotated, Any

from .._group import Group, ModeT, endpoint
from .._params import (
    PAGING_100,
    PAGING_1000,
    Date,
    ExpiresIn,
    Int,
    Page,
    PageSizeUpTo1000,
    PublishStatus,
    RoomId,
    Str,
    VideoId,
)
from .._wire import CSV, STR, ClientOnly, NonEmpty, OneOf, Range, Rule
from ..models.playback import (
    CropList,
    PlaybackInfo,
    PlaybackList,
    PlaybackTokens,
    PptUrl,
    PptUrlList,
    SessionList,
)

__all__ = [
    "LiveProduct",
    "Playback",
    "PlaybackEntries",
    "PlaybackStatus",
    "PublishStatus",
    "ReplaceType",
]

_ENTRY_RE = re.compile(r"[1-9][0-9]*(-[0-9]+)?\Z")


class LiveProduct(enum.IntEnum):
    """``product_type`` of the playback listings: which product line's rooms."""

    ALL = 0
    """Every product line (what the earlier SDK sent to ``getCropList`` by default)."""
    EDUCATION = 1
    SMALL_CLASS = 2
    DUAL_TEACHER = 3
    ENTERPRISE = 4


class PlaybackStatus(enum.IntEnum):
    """``status`` of a playback (``getBasicInfo``, listings)."""

    NOT_GENERATED = 0
    """No recording yet (the class has not ended): the other fields are null."""
    GENERATING = 10
    TRANSCODING = 20
    FAILED = 30
    READY = 100


class ReplaceType(enum.IntEnum):
    """``type`` of ``replacePlayback``."""

    REPLACE = 1
    """The source replaces a version of the target."""
    ADD = 2
    """The source is added to the target as a new version."""


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
SessionId = Annotated[Int, Range(0)]
"""A long-term room's session: ``yyyymmdd`` and a sequence number (``202611291``)."""
Version = Annotated[Int, Range(0)]
"""A playback version: 0 the recording, then crops and replacements."""
Product = Annotated[LiveProduct | int, ClientOnly(OneOf.of(LiveProduct))]
Name = Annotated[Str, ClientOnly(NonEmpty())]
PAGING = PAGING_100
SESSION_PAGING = PAGING_1000


class Playback(Group[ModeT], name="playback"):
    """Playback of recorded live classes: listing, publishing, versions, replacements."""

    @endpoint("getBasicInfo", safe=True)
    def get_basic_info(self, room_id: RoomId, session_id: SessionId | None = None) -> PlaybackInfo:
        """A room's playback: status, publish status, main version, video id and length.

        ``status`` 0 means no playback was generated yet; the other fields are
        then null. ``session_id`` picks a session of a long-term room.
        """

    @endpoint("getList", safe=True, paging=PAGING)
    def get_list(
        self,
        product_type: Product | None = None,
        page: Page | None = None,
        page_size: PageSizeUpTo1000 | None = None,
        crop_video: bool | int | None = None,
        room_id: RoomId | None = None,
    ) -> PlaybackList:
        """One page of the account's playbacks, the most recently generated first.

        ``product_type``: 1 education live, 2 small class, 3 dual-teacher,
        4 enterprise (0 or unset: all). ``crop_video=1`` lists every version
        (crops and replacements) instead of one entry per playback. ``room_id``
        lists one room's playbacks (its sessions). ``page`` starts at 1;
        ``page_size`` is at most 1000. See :meth:`iter_playbacks`.
        """

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

    @endpoint("getSessionList", safe=True, paging=SESSION_PAGING)
    def get_session_list(
        self,
        room_id: RoomId,
        *,
        page: Page | None = None,
        page_size: PageSizeUpTo1000 | None = None,
    ) -> SessionList:
        """The sessions recorded in a long-term room (one playback each), oldest first.

        ``page`` and ``page_size`` are this SDK's additions, sent only when given
        (the platform's documentation shows none); :meth:`iter_sessions` sends
        them with pages of 1000.
        """

    @endpoint("setPublishStatus", unwrap="status")
    def set_publish_status(
        self, room_id: RoomId, status: PublishStatus | int, session_id: SessionId | None = None
    ) -> PublishStatus:
        """Publish (1) or block (2) a playback; returns the status set.

        A playback is published when it is generated; a blocked one does not play.
        """

    @endpoint("delete")
    def delete(
        self,
        room_id: RoomId,
        session_id: SessionId | None = None,
        version: Version | None = None,
    ) -> None:
        """Delete a playback, or only one of its versions (``version``, for a crop)."""

    @endpoint("update")
    def update(self, room_id: RoomId, name: Name, session_id: SessionId | None = None) -> None:
        """Rename a playback."""

    @endpoint("getCropList", safe=True, paging=PAGING)
    def get_crop_list(
        self,
        room_id: RoomId,
        product_type: Product | None = None,
        session_id: SessionId | None = None,
        page: Page | None = None,
        page_size: PageSizeUpTo1000 | None = None,
    ) -> CropList:
        """One page of a playback's versions (the recording, crops, replacements).

        ``session_id`` is needed for a long-term room. See :meth:`iter_crops`.
        """

    @endpoint("setMainVersion")
    def set_main_version(
        self, room_id: RoomId, version: Version, session_id: SessionId | None = None
    ) -> None:
        """Make one of a playback's versions the one players show."""

    @endpoint("getPlaybackPptUrlList", safe=True)
    def get_playback_ppt_url_list(self, room_id: RoomId, date: Date | None = None) -> PptUrlList:
        """The PDFs the class slides were turned into, one per playback (of one day).

        ``date``: a ``datetime.date`` or ``YYYY-MM-DD`` text (the class's day,
        Beijing time). The platform serves this on its pro environment only.
        """

    @endpoint("getPlaybackPptUrl", safe=True)
    def get_playback_ppt_url(self, room_id: RoomId, session_id: SessionId | None = None) -> PptUrl:
        """The PDF the slides of one playback were turned into."""

    @endpoint("replacePlayback")
    def replace_playback(
        self,
        type: ReplaceType | int,
        source_room_id: RoomId,
        target_room_id: RoomId,
        source_session_id: SessionId | None = None,
        source_version: Version | None = None,
        is_replace_main: bool | int | None = None,
        target_session_id: SessionId | None = None,
        target_version: Version | None = None,
    ) -> None:
        """Put one playback (the source) in place of another (the target), or add it.

        ``type``: 1 replaces ``target_version`` (default: the main version) with
        the source, 2 adds the source to the target as a new version.
        ``source_version`` defaults to the source's main version.
        ``is_replace_main=1`` makes the result the target's main version.
        """

    @endpoint("replacePlaybackByVideo")
    def replace_playback_by_video(self, target_room_id: RoomId, video_id: VideoId) -> None:
        """Make an uploaded video (VOD) the playback of a room (its new main version).

        Not in the earlier SDK. The video must be transcoded.
        """

    # ---- every page, one in memory at a time
    iter_playbacks = get_list.pages()
    iter_sessions = get_session_list.pages()
    iter_crops = get_crop_list.pages()
