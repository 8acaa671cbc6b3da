"""Result models: lenient pydantic models that keep unknown fields, one module per group.

Every model also reads like the dict the earlier SDK returned
(``result["room_id"]``, ``result.get("x")``, ``"x" in result``), so code written
against dict results keeps working. Times are aware datetimes in Beijing time.
"""

from ._base import BeijingTime, Page, Result
from .playback import PlaybackToken
from .room import (
    AuditionCode,
    AuditionCodes,
    CodeInfo,
    CodeItem,
    CodeList,
    GroupCode,
    GroupLiveCodes,
    GroupSubRooms,
    PullStreamUrls,
    PushLiveUrl,
    RoomCreated,
    RoomInfo,
    RoomSummary,
    SpotVideo,
    SpotVideos,
    SubRoom,
)
from .video import VideoToken

__all__ = [
    "AuditionCode",
    "AuditionCodes",
    "BeijingTime",
    "CodeInfo",
    "CodeItem",
    "CodeList",
    "GroupCode",
    "GroupLiveCodes",
    "GroupSubRooms",
    "Page",
    "PlaybackToken",
    "PullStreamUrls",
    "PushLiveUrl",
    "Result",
    "RoomCreated",
    "RoomInfo",
    "RoomSummary",
    "SpotVideo",
    "SpotVideos",
    "SubRoom",
    "VideoToken",
]
