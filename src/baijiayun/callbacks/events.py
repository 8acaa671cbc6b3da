"""Typed callback events: a verified delivery's fields parsed into the event they describe."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from typing import Annotated, Any

from .._read import Before, ShapeProblems
from .._wire import BEIJING
from ..models._base import Result
from .verify import SIGN, TIMESTAMP, callback_fields

__all__ = [
    "CallbackEvent",
    "ClassEnded",
    "ClassEvent",
    "ClassStarted",
    "PlaybackEvent",
    "PlaybackFailed",
    "PlaybackGenerating",
    "PlaybackReady",
    "TranscodeEvent",
    "UnknownEvent",
    "VideoEvent",
    "VideoFailed",
    "VideoTranscoded",
    "VideoUploaded",
    "event_type",
    "parse_callback",
]

_INT_RE = re.compile(r"[+-]?[0-9]+\Z")
_NUMBER_RE = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")


def _lenient_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT_RE.match(value.strip()):
        return int(value.strip())
    return None


def _lenient_number(value: Any) -> int | float | None:
    number = _lenient_int(value)
    if number is not None:
        return number
    if isinstance(value, float):
        return value
    if isinstance(value, str) and _NUMBER_RE.match(value.strip()):
        parsed = float(value.strip())
        return parsed if parsed not in (float("inf"), float("-inf")) else None
    return None


def _beijing_time(value: Any) -> _dt.datetime | None:
    """``YYYY-MM-DD HH:MM:SS`` (Beijing time) or unix seconds, as an aware datetime."""
    if isinstance(value, _dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=BEIJING)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _INT_RE.match(text):
        return _utc_time(text, BEIJING)
    try:
        return _dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
    except ValueError:
        return None


def _utc_time(value: Any, tz: _dt.tzinfo = _dt.timezone.utc) -> _dt.datetime | None:
    if isinstance(value, _dt.datetime):
        return value
    seconds = _lenient_int(value)
    if seconds is None:
        return None
    try:
        return _dt.datetime.fromtimestamp(seconds, tz=tz)
    except (OverflowError, OSError, ValueError):
        return None


LenientInt = Annotated[int | None, Before(_lenient_int)]
IdText = Annotated[str | None, Before(lambda v: None if v in (None, "") else str(v))]
"""Room and session ids stay text, as in the result models (``RoomCreated.room_id``)."""
LenientNumber = Annotated[int | float | None, Before(_lenient_number)]
BeijingTime = Annotated[_dt.datetime | None, Before(_beijing_time)]
UtcTime = Annotated[_dt.datetime | None, Before(_utc_time)]


class CallbackEvent(Result):
    """A callback's fields, typed where known; every field is kept.

    Numeric fields that do not parse are ``None`` (their text stays in
    :attr:`raw`). Unknown fields are attributes too (``event.model_extra``).
    """

    qid: str | None = None
    """Unique per delivery: use it to drop duplicates."""
    timestamp: UtcTime = None
    """When the platform sent it (aware, UTC)."""

    _raw: dict[str, str]

    @property
    def raw(self) -> dict[str, str]:
        """Every received field as text (``sign`` excluded)."""
        return dict(self.__dict__.get("_raw", {}))


class UnknownEvent(CallbackEvent):
    """A callback of a shape this SDK does not know; read its fields from :attr:`raw`."""


class ClassEvent(CallbackEvent):
    """A class event. ``op``: ``start``, ``end``, also ``teacher_in``, ``teacher_out``,
    ``forbidden``, ``stat``."""

    room_id: IdText = None
    op: str = ""
    op_time: BeijingTime = None
    """When it happened (aware, Asia/Shanghai)."""


class ClassStarted(ClassEvent):
    """``op=start``: the class began."""


class ClassEnded(ClassEvent):
    """``op=end``: the class ended."""


class TranscodeEvent(CallbackEvent):
    """A transcode result (VOD or playback; both use the transcode callback URL)."""

    video_id: LenientInt = None
    status: LenientInt = None
    preface_url: str | None = None
    total_size: LenientInt = None
    total_transcode_size: LenientInt = None
    length: LenientNumber = None
    """Duration in seconds."""
    file_md5: str | None = None
    now_definition: str | None = None
    origin_definition: str | None = None
    version: LenientInt = None
    """The cropped playback's version (absent when the playback was not cropped).
    Source: https://api.eshikao.com/Help/Api/POST-version-Course-PPLiveTranscodeCallbackUrl"""
    content: str | None = None
    """Sent empty in a stored delivery (code index id 41985710481, 2018-04)."""


class VideoEvent(TranscodeEvent):
    """A VOD video's transcode result (``status`` 20 uploaded, 30 failed, 100 ready)."""


class VideoUploaded(VideoEvent):
    """``status=20``: uploaded, transcoding."""


class VideoFailed(VideoEvent):
    """``status=30``: transcoding failed."""


class VideoTranscoded(VideoEvent):
    """``status=100``: transcoded, ready to play."""


class PlaybackEvent(TranscodeEvent):
    """A playback's generation result (``status`` 20 generating, 30 failed, 100 ready)."""

    room_id: IdText = None
    session_id: IdText = None


class PlaybackGenerating(PlaybackEvent):
    """``status=20``: the playback is being generated."""


class PlaybackFailed(PlaybackEvent):
    """``status=30``: generating the playback failed."""


class PlaybackReady(PlaybackEvent):
    """``status=100``: the playback is ready."""


_CLASS_OPS: dict[str, type[ClassEvent]] = {"start": ClassStarted, "end": ClassEnded}
_VIDEO_STATUS: dict[int | None, type[VideoEvent]] = {
    20: VideoUploaded,
    30: VideoFailed,
    100: VideoTranscoded,
}
_PLAYBACK_STATUS: dict[int | None, type[PlaybackEvent]] = {
    20: PlaybackGenerating,
    30: PlaybackFailed,
    100: PlaybackReady,
}


def event_type(fields: Mapping[str, str]) -> type[CallbackEvent]:
    """The event class for a callback's fields.

    Fields with ``op`` are class events (an unknown ``op`` gives a plain
    :class:`ClassEvent`); fields with ``status`` and ``video_id`` or
    ``room_id`` are transcode results — of a playback when ``room_id`` is set,
    else of a video (an unknown ``status`` gives :class:`PlaybackEvent` or
    :class:`VideoEvent`); anything else is an :class:`UnknownEvent`.
    """
    if "op" in fields:
        return _CLASS_OPS.get(fields["op"], ClassEvent)
    if "status" in fields and ("video_id" in fields or "room_id" in fields):
        status = _lenient_int(fields["status"])
        if fields.get("room_id", "") not in ("", "0"):
            return _PLAYBACK_STATUS.get(status, PlaybackEvent)
        return _VIDEO_STATUS.get(status, VideoEvent)
    return UnknownEvent


def parse_callback(fields: object) -> CallbackEvent:
    """The typed event of a callback's fields (pass :func:`verify_callback`'s result).

    This does not verify anything. ``fields`` is read like
    :func:`callback_fields` (``sign`` is dropped); a mapping that cannot be
    read raises :class:`CallbackSignatureError` (``malformed``).
    """
    data = callback_fields(fields)
    data.pop(SIGN, None)
    try:
        event = event_type(data).model_validate(data)
    except ShapeProblems:  # not expected (every typed field reads leniently): keep raw
        event = UnknownEvent.model_validate({k: data[k] for k in ("qid", TIMESTAMP) if k in data})
    event._raw = data
    return event
