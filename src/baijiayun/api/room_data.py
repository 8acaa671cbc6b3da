"""Room data API: ``/openapi/room_data/*`` — what happened in a room, as reports.

Attendance (who entered and left, peaks, user counts) and in-class activity
(quizzes, the answer tool, check-ins, raised hands, red packets, praise, prize
draws, Q&A, questionnaires, evaluations, attention checks). Dates are Beijing
dates (a ``date`` or text ``YYYY-MM-DD``); ``date`` narrows a report to one day.

``get_room_red_package`` goes to ``/openapi/room_data/getRoomRedPackage`` (the
earlier SDK sent it to ``/openapi/room-data/...``). ``export_live_report`` sends
no page size unless given (the platform then answers every row; the earlier SDK
sent ``page_size=0``); :meth:`RoomData.iter_live_report` pages through it.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from .._group import Group, ModeT, endpoint
from .._params import PAGING_500, Date, DateTime, Page, PageSize, RoomId, check_time_order
from .._wire import STR, Context, Invalid, NonEmpty
from ..models.room_data import (
    AnswerStat,
    AttentionDetailExport,
    AttentionListExport,
    AwardStat,
    ChatMessage,
    CheckinRound,
    EvaluationStat,
    ExpressionReports,
    LiveReport,
    PraiseStat,
    QaStat,
    QuestionAnswers,
    QuestionnaireStat,
    QuizAnswers,
    RaiseData,
    RedPackageRecordInfo,
    RedPackageStat,
    RoomPeakUser,
    RoomQuiz,
    RoomUserStats,
    UserCheckins,
)
from .room import ProductType

ReportType = Literal["all", "student", "teacher", "admin"]
"""Whose visits ``export_live_report`` lists (the platform's default: students)."""

Id = Annotated[str | int, STR, NonEmpty()]
"""The id of something in a room (a quiz, a question, a check-in, a red packet, ...)."""
PAGING = PAGING_500


def check_one_day(values: Mapping[str, Any], ctx: Context) -> None:
    """``start_time`` and ``end_time`` are on the same day (Beijing), in order."""
    check_time_order(values, ctx)
    start, end = values.get("start_time"), values.get("end_time")
    if not (isinstance(start, _dt.datetime) and isinstance(end, _dt.datetime)):
        return
    if start.date() != end.date():
        raise Invalid("must be on the same day as start_time", "end_time")


def check_date_given(values: Mapping[str, Any], ctx: Context) -> None:
    """``date`` is required (it follows the optional ``product_type`` in the signature)."""
    if values.get("date") is None:
        raise Invalid("is required", "date")


class RoomData(Group[ModeT], name="room_data"):
    """Reports on rooms: attendance, peaks and what users did in class."""

    @endpoint("exportAnswerStat", safe=True)
    def export_answer_stat(self, room_id: RoomId, date: Date | None = None) -> AnswerStat:
        """The answer tool's questions in a room: how many answered, how many correctly."""

    @endpoint("exportChatMsg", safe=True, unwrap="list")
    def export_chat_msg(self, room_id: RoomId, date: Date | None = None) -> list[ChatMessage]:
        """The chat messages sent in a room on one day, oldest first.

        Without ``date``: a long-term room's latest class day, a normal room's whole
        class (zoulux/baijiayun ``src/BJCloud.php``, citing the vendor's wiki/detail/79).
        """

    @endpoint("exportLiveReport", safe=True, paging=PAGING)
    def export_live_report(
        self,
        room_id: RoomId,
        type: ReportType | None = None,
        page: Page | None = None,
        page_size: PageSize | None = None,
        date: Date | None = None,
    ) -> LiveReport:
        """Visits to a room: who entered, when, when they left and how long they stayed.

        ``type``: ``all``, ``student`` (the platform's default), ``teacher`` or
        ``admin`` (assistants). Without ``page_size`` every row comes in one answer;
        :meth:`iter_live_report` walks the pages instead, one in memory at a time.
        """

    @endpoint("getAllRoomUserStat", safe=True, unwrap="room_user_stat", checks=(check_date_given,))
    def get_all_room_user_stat(
        self, product_type: ProductType | int | None = None, date: Date | None = None
    ) -> RoomUserStats:
        """For each room used on a day: its students, all its users and its peak online.

        ``date`` is required. ``product_type`` is sent only when given (a 2018 copy of
        the vendor's table lists only ``partner_id`` and ``date``).
        """

    @endpoint("getRoomPeakUser", safe=True, checks=(check_one_day,))
    def get_room_peak_user(
        self, room_id: RoomId, start_time: DateTime, end_time: DateTime
    ) -> RoomPeakUser:
        """A room's peak number of users online in each 10 minutes of a period of one day.

        ``peak_user[15:10]`` is the peak from 15:10:00 to 15:19:59.
        """

    @endpoint("exportRoomPraiseStat", safe=True)
    def export_room_praise_stat(self, room_id: RoomId) -> PraiseStat:
        """The praise (likes) given in a room, per user."""

    @endpoint("getRoomQuiz", safe=True, unwrap="quiz_list")
    def get_room_quiz(self, room_id: RoomId) -> list[RoomQuiz]:
        """The quizzes given in a room."""

    @endpoint("getQuizUserAnswer", safe=True)
    def get_quiz_user_answer(self, room_id: RoomId, quiz_id: Id) -> QuizAnswers:
        """Each user's answer to one quiz of a room."""

    @endpoint("getExpReportList", safe=True)
    def get_exp_report_list(self, room_id: RoomId) -> ExpressionReports:
        """The pictures the expression report captured of users in a room."""

    @endpoint("getUserCheckinInfo", safe=True)
    def get_user_checkin_info(self, room_id: RoomId) -> UserCheckins:
        """For each user of a room: how many of its check-ins they answered."""

    @endpoint("getRoomRaiseData", safe=True, checks=(check_time_order,))
    def get_room_raise_data(
        self, room_id: RoomId, start_time: DateTime, end_time: DateTime
    ) -> RaiseData:
        """Hands raised in a room during a period, and who went on stage."""

    @endpoint("getRoomRedPackage", safe=True)
    def get_room_red_package(self, room_id: RoomId) -> RedPackageStat:
        """The red packets users grabbed in a room: count and amount per user."""

    @endpoint("exportAwardStat", safe=True)
    def export_award_stat(self, room_id: RoomId, date: Date | None = None) -> AwardStat:
        """The prize draws of a room and who won what."""

    @endpoint("exportQaStat", safe=True)
    def export_qa_stat(self, room_id: RoomId, date: Date | None = None) -> QaStat:
        """The questions users asked in a room (Q&A) and their answers."""

    @endpoint("exportQuestionnaireStat", safe=True)
    def export_questionnaire_stat(
        self, room_id: RoomId, date: Date | None = None
    ) -> QuestionnaireStat:
        """The questionnaires users filled in during a room's classes."""

    @endpoint("getEvaluationStat", safe=True, paging=PAGING)
    def get_evaluation_stat(
        self, room_id: RoomId, page: Page, page_size: PageSize, date: Date | None = None
    ) -> EvaluationStat:
        """One page of the evaluations users left after a room's class, with the average.

        The platform needs ``page`` and ``page_size``; :meth:`iter_evaluation_stat`
        walks every page from ``page``.
        """

    @endpoint("getCheckinInfo", safe=True)
    def get_checkin_info(self, room_id: RoomId, session_id: Id) -> CheckinRound:
        """One check-in of a room (``session_id`` names it): who checked in and when."""

    @endpoint("exportAnswerByQuestionId", safe=True)
    def export_answer_by_question_id(self, room_id: RoomId, question_id: Id) -> QuestionAnswers:
        """Each user's answer to one question of the answer tool."""

    @endpoint("getRedPackageRecordInfo", safe=True)
    def get_red_package_record_info(
        self, room_id: RoomId, red_package_id: Id
    ) -> RedPackageRecordInfo:
        """One red packet of a room: who grabbed how much, and when."""

    @endpoint("exportAttentionList", safe=True)
    def export_attention_list(self, room_id: RoomId) -> AttentionListExport:
        """The attention checks of a room, as CSV text; ``.rows()`` gives them parsed."""

    @endpoint("exportAttentionDetail", safe=True)
    def export_attention_detail(self, room_id: RoomId, attention_id: Id) -> AttentionDetailExport:
        """Each user's result in one attention check, as CSV text; ``.rows()`` parses it."""

    # ---- every page, one in memory at a time
    iter_live_report = export_live_report.pages()
    iter_evaluation_stat = get_evaluation_stat.pages()
