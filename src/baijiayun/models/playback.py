"""Result models of the Playback API (``/openapi/playback/*``).

Room and session ids are text (as in :class:`~baijiayun.models.RoomCreated`);
times are aware datetimes in Beijing time. Fields that do not apply are None.

The platform documents few of these answers' fields. Names seen in public
integrations are used where known (``video_id``, ``upload_url``,
``upload_size``, ``status``, ``length``, ``preface_url``, ``file_md5``, ...);
the others are the sandbox's conventions (``docs/sandbox.md``), so they are
optional, and every field the platform sends is kept (``result["name"]``).
"""

from __future__ import annotations

import datetime as _dt
from typing import Annotated

from ._base import BeijingTime, Page, Result, field, token_entries

__all__ = [
    "CropItem",
    "CropList",
    "PlaybackInfo",
    "PlaybackItem",
    "PlaybackList",
    "PlaybackToken",
    "PlaybackTokens",
    "PptUrl",
    "PptUrlList",
    "Session",
    "SessionList",
]


class PlaybackToken(Result):
    """A player token for one room's playback (or one session of a long-term room)."""

    room_id: str
    session_id: str | None = None
    token: str


PlaybackTokens = Annotated[list[PlaybackToken], token_entries("room_id")]
"""Answer of ``playback/getPlayerTokenBatch``."""


class PlaybackItem(Result):
    """One playback (or, in a listing with ``crop_video=1``, one version of it).

    Fields of ``playback/getList`` as a public consumer reads them (code index id
    52497919905, ``App/Console/Commands/GetBaiJiaYunPlaybackList.php``): none is
    shown to be always sent, so each is optional.
    """

    room_id: str | None = None
    session_id: str | None = None
    """The session of a long-term room (``yyyymmdd`` and a sequence), else None."""
    video_id: int | None = None
    """The recording's video id (None until the playback is generated)."""
    name: str | None = None
    status: int | None = None
    """0 not generated, 10 generating, 20 transcoding, 30 failed, 100 ready."""
    publish_status: int | None = None
    """1 published, 2 blocked."""
    version: int | None = None
    """The version this entry shows: the main one, unless listed with ``crop_video=1``."""
    length: int | None = None
    """Duration in seconds."""
    preface_url: str | None = None
    """The cover image."""
    create_time: BeijingTime | None = None
    """When the playback was generated."""
    playback_id: int | None = None
    total_transcode_size: int | None = None
    """Bytes after transcoding."""
    play_times: int | None = None
    play_url: str | None = None


class PlaybackInfo(PlaybackItem):
    """Answer of ``playback/getBasicInfo``.

    Source: https://dev.baijiayun.com/default/wiki/detail/6 (the vendor's 回放服务端API,
    API 1), read the same way by lizhongyuan3/cloud-live (BjPlayBackGetBasicInfoResponse)
    and a Go client (code index id 10971003336, LiveBackInfo). The answer has no
    ``room_id``; a playback not generated yet answers only ``{"status": 0}``, so
    every field, ``status`` included, is optional.
    """

    status: int | None = None
    """0 not generated (the other fields are then None), 10 generating, 20 transcoding,
    30 failed, 100 ready."""
    total_size: int | None = None
    """Bytes of the playback's video."""
    total_ext_media_size: int | None = None
    """Bytes of the related extra videos (students, an auxiliary camera) after transcoding."""


class PlaybackList(Page[PlaybackItem]):
    """Answer of ``playback/getList``: one page of playbacks, the newest first."""


class Session(Result):
    """One recorded session of a long-term room."""

    session_id: str | None = None
    status: int | None = None
    video_id: int | None = None
    length: int | None = None
    create_time: BeijingTime | None = None


class SessionList(Page[Session]):
    """Answer of ``playback/getSessionList``."""


class CropItem(Result):
    """One version of a playback: the recording, a crop, or a replacement."""

    room_id: str | None = None
    session_id: str | None = None
    version: int | None = None
    name: str | None = None
    video_id: int | None = None
    length: int | None = None
    is_main: int | None = None
    """1 for the version players show."""
    source: str | None = None
    """What the version is: ``record``, ``crop``, ``playback`` (from another
    playback) or ``video`` (an uploaded video)."""
    create_time: BeijingTime | None = None


class CropList(Page[CropItem]):
    """Answer of ``playback/getCropList``."""


class PptUrl(Result):
    """The PDF a playback's slides were turned into."""

    room_id: str | None = None
    session_id: str | None = None
    date: _dt.date | None = None
    """The class's day (Beijing time)."""
    url: str | None = None


class PptUrlList(Result):
    """Answer of ``playback/getPlaybackPptUrlList``."""

    items: list[PptUrl] = field(default_factory=list, alias="list")
