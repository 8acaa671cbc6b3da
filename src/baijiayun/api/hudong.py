"""Interaction API (``hudong``): classroom interaction data and the dual-teacher roster.

The platform serves these from its own host, ``https://hudong.baijiayun.com/``,
under ``/openapi/interact_info/``, ``/openapi/interact_data/`` and
``/openapi/teacher/``; a client whose ``base_url`` was set explicitly (a proxy,
the sandbox) sends them there instead.

Dates (``date``) are days as ``YYYY-MM-DD`` and times (``begin_time``,
``end_time``) Beijing ``YYYY-MM-DD HH:MM:SS`` text, as the platform reads
them: pass ``date``/``datetime`` objects (naive ones are in the client's
``tz``) or the text itself.
"""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

from .._group import Group, ModeT, endpoint
from .._params import PAGING_20, Date, DateTime, Int, JsonObjects, Page, PageSize, RoomId, Str
from .._wire import CSV, JSON, STR, ClientOnly, HttpUrl, NonEmpty
from ..models.hudong import (
    AiUserCounts,
    CheckinData,
    ClassRoster,
    InteractRecords,
    InteractSaved,
    InteractSummaries,
    RandomAskRecords,
    RedPackageRecords,
    TeacherList,
    VoteRecords,
)

__all__ = ["HUDONG_HOST", "Hudong", "Student"]

HUDONG_HOST = "http://hudong.baijiayun.com/"
"""Where the platform serves the interaction API: ``http://``, as the vendor's page
(https://dev.baijiacloud.com/default/wiki/detail/74) and a PHP client show it; no public
source shows it served over https. Calls are signed (the key itself is never sent), but
their fields travel in the clear: ``hosts={"hudong": "https://hudong.baijiayun.com/"}``
sends them over https where your account's host serves it."""

PAGING = PAGING_20

Text = Annotated[str | int, STR]
"""Text the platform reads as given (numbers are sent as their digits)."""
ClassIds = Annotated[list[str | int] | tuple[str | int, ...] | str | int, CSV(STR), NonEmpty()]


class Student(TypedDict, total=False):
    """One student of ``interact_data_save``'s ``student_list``."""

    student_id: str | int
    student_name: str
    student_mobile: str


StudentList = Annotated[
    list[Student] | list[dict[str, Any]] | str, JSON, JsonObjects(), ClientOnly(NonEmpty())
]


class Hudong(Group[ModeT], name="hudong", prefix="/openapi/", host=HUDONG_HOST):
    """Interaction data of classrooms, teachers, and dual-teacher class rosters."""

    @endpoint("interact_info/getInteractList", safe=True, paging=PAGING)
    def interact_info_get_interact_list(
        self,
        room_id: RoomId,
        type: Text,
        page: Page | None = None,
        page_size: PageSize | None = None,
        begin_time: DateTime | None = None,
        end_time: DateTime | None = None,
    ) -> InteractSummaries:
        """One page of the interactions of one ``type`` (e.g. check-ins) run in a room,
        each with how many users took part; ``begin_time``/``end_time`` bound when."""

    @endpoint("interact_info/getInteractDetail", safe=True, paging=PAGING)
    def interact_info_get_interact_detail(
        self,
        room_id: RoomId,
        type: Text,
        page: Page | None = None,
        page_size: PageSize | None = None,
        begin_time: DateTime | None = None,
        end_time: DateTime | None = None,
    ) -> InteractRecords:
        """One page of each user's part in the interactions of one ``type`` in a room."""

    @endpoint("interact_data/getClassVoteData", safe=True, paging=PAGING)
    def interact_data_get_class_vote_data(
        self,
        room_id: RoomId,
        type: Text | None = None,
        sub_type: Text | None = None,
        date: Date | None = None,
        page: Page | None = None,
        page_size: PageSize | None = None,
    ) -> VoteRecords:
        """One page of the votes cast in a room (``type``: question type, ``sub_type``:
        question kind, ``date``: one day)."""

    @endpoint("interact_data/getRedPackageData", safe=True, paging=PAGING)
    def interact_data_get_red_package_data(
        self,
        room_id: RoomId,
        type: Text | None = None,
        date: Date | None = None,
        page: Page | None = None,
        page_size: PageSize | None = None,
    ) -> RedPackageRecords:
        """One page of the red packages grabbed in a room (``type``: red package type)."""

    @endpoint("interact_data/getRandomAskData", safe=True, paging=PAGING)
    def interact_data_get_random_ask_data(
        self,
        room_id: RoomId,
        type: Text | None = None,
        date: Date | None = None,
        page: Page | None = None,
        page_size: PageSize | None = None,
    ) -> RandomAskRecords:
        """One page of the users picked by random roll calls in a room."""

    @endpoint("interact_data/getAiUserCountData", safe=True, paging=PAGING)
    def interact_data_get_ai_user_count_data(
        self,
        room_id: RoomId,
        date: Date | None = None,
        page: Page | None = None,
        page_size: PageSize | None = None,
    ) -> AiUserCounts:
        """One page of a room's head count per day (``date``: that day only)."""

    @endpoint("interact_data/save")
    def interact_data_save(
        self,
        assist_teacher_id: Text,
        assist_teacher_name: Str,
        assist_teacher_mobile: Str,
        class_id: Text,
        class_name: Str,
        student_list: StudentList,
        origin: Str,
    ) -> InteractSaved:
        """Save a dual-teacher class from your scheduling system: its assistant teacher
        and students. Returns the platform's ids of each, beside yours.

        ``student_list``: a list of students (:class:`Student`), sent as JSON text;
        ``origin`` names the scheduling system the data comes from.
        """

    @endpoint("interact_data/getCheckinData", safe=True)
    def interact_data_get_checkin_data(self, checkin_id: Text) -> CheckinData:
        """Who checked in to one check-in."""

    @endpoint("interact_data/delete", unwrap="result")
    def interact_data_delete(self, class_ids: ClassIds) -> int:
        """Delete dual-teacher classes with their assistant and students (a list of
        class ids, or comma text); returns how many were deleted."""

    @endpoint("interact_data/list", safe=True)
    def interact_data_list(self, class_id: Text) -> ClassRoster:
        """A dual-teacher class with its assistant teacher and students."""

    @endpoint("teacher/save")
    def teacher_save(
        self, teacher_id: Text, teacher_name: Str, teacher_mobile: Str, role: Int
    ) -> None:
        """Add a teacher, or change the one with this ``teacher_id`` and ``role``."""

    @endpoint("teacher/delete")
    def teacher_delete(self, teacher_id: Text, role: Int) -> None:
        """Delete a teacher."""

    @endpoint("teacher/list", safe=True, paging=PAGING)
    def teacher_list(self, role: Int, page: Page, page_size: PageSize) -> TeacherList:
        """One page of the teachers with a ``role`` (page from 1)."""

    @endpoint("interact_data/updateCallbackUrl")
    def interact_data_update_callback_url(self, callback_url: Annotated[Str, HttpUrl()]) -> None:
        """Set the URL the platform calls back with interaction data (http or https)."""

    # ---- every page, one in memory at a time
    iter_interacts = interact_info_get_interact_list.pages()
    iter_interact_details = interact_info_get_interact_detail.pages()
    iter_votes = interact_data_get_class_vote_data.pages()
    iter_red_packages = interact_data_get_red_package_data.pages()
    iter_random_asks = interact_data_get_random_ask_data.pages()
    iter_ai_user_counts = interact_data_get_ai_user_count_data.pages()
    iter_teachers = teacher_list.pages()
