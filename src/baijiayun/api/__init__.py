"""Endpoint groups, one module each, and the registry built from them.

:class:`Groups` lists the groups a client has: its annotations are the one
list. A group class ``LiveSetting`` lives in ``api/live_setting.py`` (its
name in snake case), so a client imports a group's module (and its result
models) only when it first uses the group. :data:`REGISTRY` (every group,
endpoint and derived method) is built at its first use and refuses duplicates.
"""

from __future__ import annotations

import importlib
import re
import threading
from typing import TYPE_CHECKING, Any

from .._group import Bound, Group, ModeT

if TYPE_CHECKING:
    from .._registry import Registry
    from .doc import Doc
    from .double_teacher import DoubleTeacher
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
    "DoubleTeacher",
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
    double_teacher: DoubleTeacher[ModeT]

    # the earlier SDK's spellings
    liveaccount: LiveAccount[ModeT]
    subaccount: SubAccount[ModeT]
    smallcourse: SmallCourse[ModeT]
    roomdata: RoomData[ModeT]
    videoaccount: VideoAccount[ModeT]
    videodata: VideoData[ModeT]

    # The Room API's iterators are also on the client itself: ``client.iter_rooms()``.
    if TYPE_CHECKING:
        iter_rooms = Room.iter_rooms
        iter_codes = Room.iter_codes


def _module_of(class_name: str) -> str:
    """``LiveSetting`` → ``baijiayun.api.live_setting``."""
    return f"{__name__}.{re.sub(r'(?<!^)(?=[A-Z])', '_', class_name).lower()}"


_CLASS_OF: dict[str, str] = {
    attr: str(hint).partition("[")[0] for attr, hint in Groups.__annotations__.items()
}
"""The class name of each group attribute of the clients (aliases included)."""
GROUP_ATTRIBUTES = tuple(_CLASS_OF)


def group_name(attribute: str) -> str:
    """The group's own name of a client attribute (``livesetting`` → ``live_setting``)."""
    return _module_of(_CLASS_OF[attribute]).rpartition(".")[2]


def group_class(class_name: str) -> type[Group[Any]]:
    """A group class, its module imported on first use."""
    cls: type[Group[Any]] = getattr(importlib.import_module(_module_of(class_name)), class_name)
    return cls


class _GroupSlot:
    """``client.<group>``: the group bound to the client, made at first use.

    Every attribute of the same class (a group and its aliases) gives one object.
    """

    def __init__(self, attr: str) -> None:
        self.attr = attr
        self.__doc__ = (
            f"``client.{attr}``: an endpoint group (``help(client.{attr})`` lists its methods)."
        )

    def __get__(self, client: Any, owner: Any) -> Any:
        if client is None:
            return self
        class_name = _CLASS_OF[self.attr]
        group = group_class(class_name)(client)
        for attr, name in _CLASS_OF.items():  # the group and its aliases
            if name == class_name:
                client.__dict__.setdefault(attr, group)
        return client.__dict__[self.attr]


class _ClientAlias:
    """A group's method offered on the client itself (``client.iter_rooms``)."""

    def __init__(self, group: str, method: str) -> None:
        self.group, self.method = group, method

    def __get__(self, client: Any, owner: Any) -> Any:
        return self if client is None else getattr(getattr(client, self.group), self.method)


for _attr in GROUP_ATTRIBUTES:
    setattr(Groups, _attr, _GroupSlot(_attr))
if not TYPE_CHECKING:
    Groups.iter_rooms = _ClientAlias("room", "iter_rooms")
    Groups.iter_codes = _ClientAlias("room", "iter_codes")

_REGISTRY: Registry | None = None
_REGISTRY_LOCK = threading.Lock()


def __getattr__(name: str) -> Any:
    """``REGISTRY`` and the group classes, imported at first use."""
    global _REGISTRY
    if name == "REGISTRY":
        with _REGISTRY_LOCK:
            if _REGISTRY is None:
                from .._registry import Registry

                classes = {n: group_class(n) for n in set(_CLASS_OF.values())}
                _REGISTRY = Registry(Groups, classes)
        return _REGISTRY
    if name in _CLASS_OF.values():
        return group_class(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
