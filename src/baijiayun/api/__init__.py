"""Endpoint groups, one module each, and the registry built from them.

:class:`Groups` lists the groups a client has (its annotations are the one
list); :data:`REGISTRY` is built from it at import and refuses duplicates.
"""

from __future__ import annotations

from .._group import Bound, ModeT
from .._registry import Registry
from .links import Links
from .live_account import LiveAccount
from .partner import Partner
from .playback import Playback
from .room import Room
from .video import Video
from .video_account import VideoAccount
from .video_data import VideoData

__all__ = [
    "REGISTRY",
    "Groups",
    "Links",
    "LiveAccount",
    "Partner",
    "Playback",
    "Room",
    "Video",
    "VideoAccount",
    "VideoData",
]


class Groups(Bound[ModeT]):
    """The endpoint groups of a client. An attribute typed with a group already
    listed under its own name is an alias (the earlier SDK's spelling)."""

    partner: Partner[ModeT]
    room: Room[ModeT]
    playback: Playback[ModeT]
    video: Video[ModeT]
    live_account: LiveAccount[ModeT]
    video_account: VideoAccount[ModeT]
    video_data: VideoData[ModeT]
    links: Links[ModeT]
    videoaccount: VideoAccount[ModeT]  # the earlier SDK's spelling
    videodata: VideoData[ModeT]  # the earlier SDK's spelling

    # The Room API's iterators are also on the client itself: ``client.iter_rooms()``.
    iter_rooms = Room.iter_rooms
    iter_codes = Room.iter_codes


REGISTRY = Registry(Groups)
"""Every group, endpoint and derived method of the clients."""
