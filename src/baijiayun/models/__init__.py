"""Result models: lenient pydantic models that keep unknown fields, one module per group.

Every model also reads like the dict the earlier SDK returned
(``result["room_id"]``, ``result.get("x")``, ``"x" in result``), so code written
against dict results keeps working. Times are aware datetimes in Beijing time.
"""

from ._base import BeijingTime, Page, Result
from ._paging import SizedPage
from .doc import Document
from .evaluation import EvaluationList, EvaluationTemplate
from .hudong import (
    AiUserCount,
    AiUserCounts,
    CheckinData,
    CheckinUser,
    ClassRoster,
    InteractRecord,
    InteractRecords,
    InteractSummaries,
    InteractSummary,
    RandomAskRecord,
    RandomAskRecords,
    RedPackageRecord,
    RedPackageRecords,
    RosterStudent,
    Teacher,
    TeacherList,
    VoteRecord,
    VoteRecords,
)
from .live import UserCount
from .live_setting import HorseLamp, SensitiveWord, SensitiveWords, Watermark
from .notice import NoticeCreated, NoticeList, NoticeTemplate
from .playback import PlaybackToken
from .quiz import QuizCreated, QuizList, QuizTemplate
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
    "AiUserCount",
    "AiUserCounts",
    "AuditionCode",
    "AuditionCodes",
    "BeijingTime",
    "CheckinData",
    "CheckinUser",
    "ClassRoster",
    "CodeInfo",
    "CodeItem",
    "CodeList",
    "Document",
    "EvaluationList",
    "EvaluationTemplate",
    "GroupCode",
    "GroupLiveCodes",
    "GroupSubRooms",
    "HorseLamp",
    "InteractRecord",
    "InteractRecords",
    "InteractSummaries",
    "InteractSummary",
    "NoticeCreated",
    "NoticeList",
    "NoticeTemplate",
    "Page",
    "PlaybackToken",
    "PullStreamUrls",
    "PushLiveUrl",
    "QuizCreated",
    "QuizList",
    "QuizTemplate",
    "RandomAskRecord",
    "RandomAskRecords",
    "RedPackageRecord",
    "RedPackageRecords",
    "Result",
    "RoomCreated",
    "RoomInfo",
    "RoomSummary",
    "RosterStudent",
    "SensitiveWord",
    "SensitiveWords",
    "SizedPage",
    "SpotVideo",
    "SpotVideos",
    "SubRoom",
    "Teacher",
    "TeacherList",
    "UserCount",
    "VideoToken",
    "VoteRecord",
    "VoteRecords",
    "Watermark",
]
