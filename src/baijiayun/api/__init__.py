"""Endpoint groups, one module each, and the registry built from them.

:class:`Groups` lists the groups a client has (its annotations are the one
list); :data:`REGISTRY` is built from it at import and refuses duplicates.
"""

from __future__ import annotations

from .._group import Bound, ModeT
from .._registry import Registry
from .doc import Doc
from .evaluation import Evaluation
from .hudong import Hudong
from .links import Links
from .live import Live
from .live_account import LiveAccount
from .live_setting import LiveSetting
from .notice import Notice
from .partner import Partner
from .playback import Playback
from .quiz import Quiz
from .room import Room
from .room_data import RoomData
from .small_course import SmallCourse
from .sub_account import SubAccount
from .video import Video
from .video_account import VideoAccount
from .video_data import VideoData

__all__ = [
    "REGISTRY",
    "Doc",
    "Evaluation",
    "Groups",
    "Hudong",
    "Links",
    "Live",
    "LiveAccount",
    "LiveSetting",
    "Notice",
    "Partner",
    "Playback",
    "Quiz",
    "Room",
    "RoomData",
    "SmallCourse",
    "SubAccount",
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
    sub_account: SubAccount[ModeT]
    small_course: SmallCourse[ModeT]
    room_data: RoomData[ModeT]
    video_data: VideoData[ModeT]
    links: Links[ModeT]
    live: Live[ModeT]
    live_setting: LiveSetting[ModeT]
    livesetting: LiveSetting[ModeT]
    hudong: Hudong[ModeT]
    doc: Doc[ModeT]
    notice: Notice[ModeT]
    quiz: Quiz[ModeT]
    evaluation: Evaluation[ModeT]

    # the earlier SDK's spellings
    liveaccount: LiveAccount[ModeT]
    subaccount: SubAccount[ModeT]
    smallcourse: SmallCourse[ModeT]
    roomdata: RoomData[ModeT]
    videoaccount: VideoAccount[ModeT]
    videodata: VideoData[ModeT]

    # The Room API's iterators are also on the client itself: ``client.iter_rooms()``.
    iter_rooms = Room.iter_rooms
    iter_codes = Room.iter_codes


REGISTRY = Registry(Groups)
"""Every group, endpoint and derived method of the clients."""
