"""Endpoint groups. Each module declares its endpoints once (see ``_spec.py``)."""

from __future__ import annotations

from typing import Generic

from .._spec import ModeT
from .links import Links
from .live_account import LiveAccount
from .partner import Partner
from .playback import Playback
from .room import Room
from .video import Video
from .video_account import VideoAccount

__all__ = [
    "Groups",
    "Links",
    "LiveAccount",
    "Partner",
    "Playback",
    "Room",
    "Video",
    "VideoAccount",
]


class Groups(Generic[ModeT]):
    """The endpoint groups of a client; the annotations are the single list of them."""

    partner: Partner[ModeT]
    room: Room[ModeT]
    playback: Playback[ModeT]
    video: Video[ModeT]
    live_account: LiveAccount[ModeT]
    video_account: VideoAccount[ModeT]
    links: Links[ModeT]

    # The Room API's iterators are also on the client itself: ``client.iter_rooms()``.
    iter_rooms = Room.iter_rooms
    iter_codes = Room.iter_codes
