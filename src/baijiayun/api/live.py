"""Live API: ``/openapi/live/*`` — what happens in a classroom while a class runs.

Class status, the teacher's presence and the user count; the room's notice;
chat messages sent on the platform's behalf; cloud recording; and starting or
stopping a class from your backend (``startClass``/``stopClass``, which the
earlier SDK did not have).
"""

from __future__ import annotations

import enum
from typing import Annotated, Any, TypedDict

from .._group import Group, ModeT, endpoint
from .._params import JsonObjects, MaxJsonItems, RoomId, Str
from .._wire import FLAG, JSON, ClientOnly, NonEmpty, OneOf
from ..models.live import UserCount

__all__ = ["ChatMessage", "ChatSender", "Live", "LiveStatus", "TeacherStatus", "chat_message"]


class LiveStatus(enum.IntEnum):
    """``live.get_live_status``: where a room's class is."""

    NOT_STARTED = 0
    """No class is running (none started yet)."""
    LIVE = 1
    """A class is running."""
    ENDED = 2
    """The class was stopped (the sandbox tells this apart from never started)."""


class TeacherStatus(enum.IntEnum):
    """``live.get_teacher_online_status``: whether a teacher is in the room."""

    OFFLINE = 0
    ONLINE = 1


class ChatSender(TypedDict, total=False):
    """Who a chat message appears to come from (``from`` of a message)."""

    id: int
    """The sender's user number in your own user system."""
    number: str
    name: str
    type: int
    """0 student, 1 teacher, 2 assistant."""
    avatar: str


ChatMessage = TypedDict(
    "ChatMessage",
    {
        "message_type": str,
        "class_id": int | str,
        "content": str,
        "to": str,
        "from": ChatSender,
        "uid": int,
        "agent_id": int,
        "group": int,
        "time": int,
    },
    total=False,
)
"""One message of ``send_chat_message``'s ``message_list`` (build it with :func:`chat_message`).

``class_id`` is the room id and ``content`` the text; both are required.
"""

MessageList = Annotated[
    list[ChatMessage] | list[dict[str, Any]] | str,
    JSON,
    JsonObjects(("class_id", "content")),
    ClientOnly(MaxJsonItems(10)),
]
KickOut = Annotated[int | bool, FLAG, ClientOnly(OneOf((0, 1)))]


def chat_message(
    room_id: int | str,
    content: str,
    user_number: int,
    user_name: str = "",
    *,
    user_role: int = 0,
    user_avatar: str = "",
    time: int | None = None,
) -> ChatMessage:
    """One chat message in the shape the platform reads, for ``send_chat_message``.

    ``user_number`` is the sender's id in your own user system, ``user_role``
    0 student, 1 teacher, 2 assistant; ``time`` unix seconds (left out when None).
    Sent to everyone in the room.
    """
    sender: ChatSender = {
        "id": int(user_number),
        "number": str(user_number),
        "name": user_name or str(user_number),
        "type": user_role,
        "avatar": user_avatar,
    }
    message: ChatMessage = {
        "message_type": "message_send",
        "class_id": room_id,
        "content": content,
        "to": "-1",
        "from": sender,
        "uid": int(user_number),
        "agent_id": 0,
        "group": 0,
    }
    if time is not None:
        message["time"] = int(time)
    return message


class Live(Group[ModeT], name="live"):
    """A classroom while its class runs: status, users, notice, chat, recording."""

    @endpoint("getLiveStatus", safe=True, unwrap="status")
    def get_live_status(self, room_id: RoomId) -> int:
        """Whether the room's class is running: see :class:`LiveStatus` (1 while it runs)."""

    @endpoint("getTeacherOnlineStatus", safe=True, unwrap="status")
    def get_teacher_online_status(self, room_id: RoomId) -> int:
        """Whether a teacher is in the room now: 1 yes, 0 no (:class:`TeacherStatus`)."""

    @endpoint("getUserCount", safe=True)
    def get_user_count(self, room_id: RoomId) -> UserCount:
        """How many users are in the room now."""

    @endpoint("setNotify")
    def set_notify(self, room_id: RoomId, content: Annotated[Str, ClientOnly(NonEmpty())]) -> None:
        """Set the notice shown in the room (replaces the previous one)."""

    @endpoint("sendChatMessage")
    def send_chat_message(self, message_list: MessageList) -> None:
        """Send chat messages into rooms, as if the users named had written them.

        ``message_list``: a list of messages (see :func:`chat_message`; each needs
        ``class_id``, the room id, and ``content``), sent as JSON text; JSON text
        is sent as given. The SDK sends at most 10 at a time.
        """

    @endpoint("stopCloudRecord")
    def stop_cloud_record(self, room_id: RoomId) -> None:
        """Stop the room's cloud recording."""

    @endpoint("transCloudRecord")
    def trans_cloud_record(self, room_id: RoomId) -> None:
        """Turn the room's cloud recording into a playback."""

    @endpoint("startClass")
    def start_class(self, room_id: RoomId) -> None:
        """Start the room's class now (the platform then sends the class callback)."""

    @endpoint("stopClass")
    def stop_class(self, room_id: RoomId, is_kick_out_all: KickOut | None = None) -> None:
        """Stop the room's class; ``is_kick_out_all=1`` also sends everyone out of the room."""
