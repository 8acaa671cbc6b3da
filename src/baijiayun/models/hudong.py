"""Result models of the interaction API (``hudong``: ``interact_info``, ``interact_data``,
``teacher``): what happened in classrooms, and the dual-teacher class roster.

Times are aware datetimes in Beijing time; money is ``Decimal``.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from ._base import BeijingTime, Result, field
from ._paging import SizedPage

__all__ = [
    "AiUserCount",
    "AiUserCounts",
    "CheckinData",
    "CheckinUser",
    "ClassRoster",
    "InteractRecord",
    "InteractRecords",
    "InteractSaved",
    "InteractSummaries",
    "InteractSummary",
    "RandomAskRecord",
    "RandomAskRecords",
    "RedPackageRecord",
    "RedPackageRecords",
    "RosterStudent",
    "SavedAssistant",
    "SavedClass",
    "SavedStudent",
    "Teacher",
    "TeacherList",
    "VoteRecord",
    "VoteRecords",
]


class InteractSummary(Result):
    """One interaction run in a room (a check-in, a vote, ...), with how many took part."""

    interact_id: str | None = None
    room_id: str | None = None
    type: str | None = None
    start_time: BeijingTime | None = None
    """When the first user took part."""
    end_time: BeijingTime | None = None
    """When the last user took part."""
    user_count: int | None = None
    """Distinct users who took part."""


class InteractSummaries(SizedPage[InteractSummary]):
    """Answer of ``interact_info/getInteractList``."""


class InteractRecord(Result):
    """One user's part in an interaction."""

    interact_id: str | None = None
    room_id: str | None = None
    type: str | None = None
    user_number: str | None = None
    user_name: str | None = None
    time: BeijingTime | None = None
    content: str | None = None
    """What the user answered or wrote, when there is text."""


class InteractRecords(SizedPage[InteractRecord]):
    """Answer of ``interact_info/getInteractDetail``."""


class VoteRecord(Result):
    """One vote cast in a class."""

    vote_id: str | None = None
    room_id: str | None = None
    type: str | None = None
    sub_type: str | None = None
    user_number: str | None = None
    user_name: str | None = None
    answer: str | None = None
    time: BeijingTime | None = None


class VoteRecords(SizedPage[VoteRecord]):
    """Answer of ``interact_data/getClassVoteData``."""


class RedPackageRecord(Result):
    """One red package grabbed in a class."""

    red_package_id: str | None = None
    room_id: str | None = None
    type: str | None = None
    user_number: str | None = None
    user_name: str | None = None
    amount: Decimal | None = None
    time: BeijingTime | None = None


class RedPackageRecords(SizedPage[RedPackageRecord]):
    """Answer of ``interact_data/getRedPackageData``."""


class RandomAskRecord(Result):
    """One user picked by a random roll call."""

    ask_id: str | None = None
    room_id: str | None = None
    type: str | None = None
    user_number: str | None = None
    user_name: str | None = None
    time: BeijingTime | None = None


class RandomAskRecords(SizedPage[RandomAskRecord]):
    """Answer of ``interact_data/getRandomAskData``."""


class AiUserCount(Result):
    """How many users attended a room on one day."""

    room_id: str | None = None
    date: _dt.date | None = None
    """The day (Beijing), sent as ``YYYY-MM-DD``."""
    user_count: int | None = None


class AiUserCounts(SizedPage[AiUserCount]):
    """Answer of ``interact_data/getAiUserCountData``."""


class CheckinUser(Result):
    """A user who checked in."""

    user_number: str | None = None
    user_name: str | None = None
    checkin_time: BeijingTime | None = None


class CheckinData(Result):
    """Answer of ``interact_data/getCheckinData``: who checked in to one check-in."""

    checkin_id: str | None = None
    room_id: str | None = None
    user_count: int | None = None
    items: list[CheckinUser] = field(default_factory=list, alias="list")


class RosterStudent(Result):
    """A student of a dual-teacher class, as saved with ``interact_data/save``."""

    student_id: str | None = None
    student_name: str | None = None
    student_mobile: str | None = None


class ClassRoster(Result):
    """Answer of ``interact_data/list``: a dual-teacher class, its assistant and students."""

    class_id: str | None = None
    class_name: str | None = None
    origin: str | None = None
    assist_teacher_id: str | None = None
    assist_teacher_name: str | None = None
    assist_teacher_mobile: str | None = None
    student_list: list[RosterStudent] = field(default_factory=list)


class Teacher(Result):
    """A teacher of the interaction system."""

    teacher_id: str | None = None
    teacher_name: str | None = None
    teacher_mobile: str | None = None
    role: int | None = None
    create_time: BeijingTime | None = None


class TeacherList(SizedPage[Teacher]):
    """Answer of ``teacher/list``."""


class SavedAssistant(Result):
    """The assistant teacher of a saved class: your id and the platform's."""

    assist_teacher_id: str | None = None
    """Your id, as sent."""
    id: int | None = None
    """The platform's id of the assistant."""


class SavedClass(Result):
    """A saved class: your id and the platform's."""

    class_id: str | None = None
    """Your id, as sent."""
    id: int | None = None
    """The platform's id of the class."""


class SavedStudent(Result):
    """One saved student: your id and the platform's."""

    student_id: str | None = None
    """Your id, as sent."""
    id: int | None = None
    """The platform's id of the student."""


class InteractSaved(Result):
    """Answer of ``interact_data/save``: the platform ids of the saved assistant, class and
    students, each beside the id you sent.

    Source: http://dev.baijiacloud.com/default/wiki/detail/74 (the vendor's page
    双师课堂创建互动成员接口, API 1: ``assist_teacher_list``, ``class_list``,
    ``student_list``). Every field is optional: a write's answer is never refused.
    """

    assist_teacher_list: SavedAssistant | None = None
    class_list: SavedClass | None = None
    student_list: list[SavedStudent] = field(default_factory=list)
