"""Result models: lenient pydantic models that keep unknown fields.

Every model also reads like the dict the earlier SDK returned
(``result["room_id"]``, ``result.get("x")``, ``"x" in result``), so code written
against dict results keeps working.
"""

from ._base import Result
from .room import (
    AuditionCodes,
    CodeInfo,
    CodeList,
    GroupLiveCodes,
    PushLiveUrl,
    RoomCreated,
    RoomInfo,
    RoomSummary,
    StudentCode,
)

__all__ = [
    "AuditionCodes",
    "CodeInfo",
    "CodeList",
    "GroupLiveCodes",
    "PushLiveUrl",
    "Result",
    "RoomCreated",
    "RoomInfo",
    "RoomSummary",
    "StudentCode",
]
