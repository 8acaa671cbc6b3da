"""Result models of the room data API (``/openapi/room_data/*``).

Times are aware datetimes in Beijing time, dates Beijing dates, amounts
``Decimal`` (CNY). The attention exports answer CSV text: ``.rows()`` parses it
into typed rows.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Generic, TypeVar

from .._read import Before, read
from ._base import BeijingTime, Result, field
from ._money import Money

__all__ = [
    "AnswerQuestion",
    "AnswerStat",
    "AttentionCheck",
    "AttentionDetailExport",
    "AttentionListExport",
    "AttentionResult",
    "AwardRecord",
    "AwardStat",
    "ChatMessage",
    "CheckinRecord",
    "CheckinRound",
    "CsvExport",
    "EvaluationRecord",
    "EvaluationStat",
    "ExpressionReport",
    "ExpressionReports",
    "LiveReport",
    "LiveReportRow",
    "PraiseStat",
    "QaRecord",
    "QaStat",
    "QuestionAnswers",
    "QuestionnaireRecord",
    "QuestionnaireStat",
    "QuizAnswers",
    "QuizUserAnswer",
    "RaiseData",
    "RaiseRecord",
    "RedPackageGrab",
    "RedPackageRecordInfo",
    "RedPackageStat",
    "RoomPeakUser",
    "RoomQuiz",
    "RoomUserStat",
    "RoomUserStats",
    "UserAnswer",
    "UserCheckin",
    "UserCheckins",
    "UserPraise",
    "UserRedPackage",
]

RowT = TypeVar("RowT", bound=Result)


class UserRow(Result):
    """A row about one user of a room."""

    user_number: str | None = None
    user_name: str | None = None


# --------------------------------------------------------------------------- attendance
class LiveReportRow(UserRow):
    """One visit of ``room_data/exportLiveReport``: a user's stay in the room."""

    room_id: str | None = None
    date: _dt.date | None = None
    """The (Beijing) day the visit began."""
    user_role: int | None = None
    """0 student, 1 teacher, 2 assistant."""
    first_time: BeijingTime | None = None
    """When the user entered."""
    last_time: BeijingTime | None = None
    """When the user left (None while still in the room)."""
    actual_listen_time: int | None = None
    """Seconds in the room (until now for a user still in it)."""


class LiveReport(Result):
    """Answer of ``room_data/exportLiveReport``: one page of visits (or all of them)."""

    items: list[LiveReportRow] = field(default_factory=list, alias="room_user_info")
    total: int | None = None
    page: int | None = None
    page_size: int | None = None


class RoomUserStat(Result):
    """One room of ``room_data/getAllRoomUserStat``."""

    room_id: str | None = None
    title: str | None = None
    student_count: int | None = None
    """Students who entered the room that day."""
    total_user_count: int | None = None
    """Users of every role who entered the room that day."""
    peak_user: int | None = None
    """The most users online at once that day."""


def _room_entries(value: Any) -> Any:
    """The platform may key the rooms by room id: ``{room_id: {...}}`` becomes a list."""
    if isinstance(value, dict):
        return [
            {"room_id": key, **item} if isinstance(item, dict) else item
            for key, item in value.items()
        ]
    return value


RoomUserStats = Annotated[list[RoomUserStat], Before(_room_entries)]
"""Answer of ``room_data/getAllRoomUserStat`` (a list, or a mapping by room id)."""


class RoomPeakUser(Result):
    """Answer of ``room_data/getRoomPeakUser``: the peak online per 10 minutes of one day."""

    date: _dt.date | None = None
    peak_user: dict[_dt.time, int] = field(default_factory=dict)
    """``{15:10: 3}``: at most 3 users online from 15:10:00 to 15:19:59."""


# --------------------------------------------------------------------------- the answer tool
class AnswerQuestion(Result):
    """One question of ``room_data/exportAnswerStat``."""

    question_id: str | None = None
    question: str | None = None
    start_time: BeijingTime | None = None
    """When the first answer came."""
    answer_count: int | None = None
    correct_count: int | None = None


class AnswerStat(Result):
    """Answer of ``room_data/exportAnswerStat``: the answer tool's questions of a room."""

    items: list[AnswerQuestion] = field(default_factory=list, alias="list")


class UserAnswer(UserRow):
    """One user's answer of ``room_data/exportAnswerByQuestionId``."""

    answer: str | None = None
    correct: bool | None = None
    answer_time: BeijingTime | None = None


class QuestionAnswers(Result):
    """Answer of ``room_data/exportAnswerByQuestionId``."""

    question_id: str | None = None
    items: list[UserAnswer] = field(default_factory=list, alias="list")


# --------------------------------------------------------------------------- chat, praise
class ChatMessage(Result):
    """One message of ``room_data/exportChatMsg``."""

    user_number: str | None = None
    """None for a message the platform or the school's backend sent."""
    user_name: str | None = None
    user_role: int | None = None
    content: str | None = None
    send_time: BeijingTime | None = None


class UserPraise(UserRow):
    praise_count: int | None = None


class PraiseStat(Result):
    """Answer of ``room_data/exportRoomPraiseStat``."""

    total: int | None = None
    """Praise given in the room, by everyone."""
    items: list[UserPraise] = field(default_factory=list, alias="list")


# --------------------------------------------------------------------------- quizzes
class RoomQuiz(Result):
    """One quiz of ``room_data/getRoomQuiz``."""

    quiz_id: str | None = None
    title: str | None = None
    start_time: BeijingTime | None = None
    """When the quiz was given (or its first answer came)."""
    answer_count: int | None = None
    """Users who answered."""


class QuizUserAnswer(UserRow):
    answer: str | None = None
    score: Decimal | None = None
    correct: bool | None = None
    answer_time: BeijingTime | None = None


class QuizAnswers(Result):
    """Answer of ``room_data/getQuizUserAnswer``."""

    quiz_id: str | None = None
    items: list[QuizUserAnswer] = field(default_factory=list, alias="list")


# --------------------------------------------------------------------------- expressions
class ExpressionReport(UserRow):
    """One picture of ``room_data/getExpReportList``."""

    expression: str | None = None
    image_url: str | None = None
    capture_time: BeijingTime | None = None


class ExpressionReports(Result):
    """Answer of ``room_data/getExpReportList``."""

    items: list[ExpressionReport] = field(default_factory=list, alias="list")


# --------------------------------------------------------------------------- check-ins
class UserCheckin(UserRow):
    """One user of ``room_data/getUserCheckinInfo``."""

    checkin_count: int | None = None
    """Check-ins of the room the user answered."""
    last_checkin_time: BeijingTime | None = None


class UserCheckins(Result):
    """Answer of ``room_data/getUserCheckinInfo``."""

    checkin_total: int | None = None
    """Check-ins the room had."""
    items: list[UserCheckin] = field(default_factory=list, alias="list")


class CheckinRecord(UserRow):
    checkin_time: BeijingTime | None = None


class CheckinRound(Result):
    """Answer of ``room_data/getCheckinInfo``: one check-in of a room."""

    session_id: str | None = None
    start_time: BeijingTime | None = None
    user_count: int | None = None
    """Students in the room when the check-in began."""
    checkin_count: int | None = None
    items: list[CheckinRecord] = field(default_factory=list, alias="list")


# --------------------------------------------------------------------------- raised hands
class RaiseRecord(UserRow):
    """One raised hand of ``room_data/getRoomRaiseData``."""

    raise_time: BeijingTime | None = None
    on_stage: bool | None = None
    """Whether the teacher took the user on stage."""
    speak_seconds: int | None = None


class RaiseData(Result):
    """Answer of ``room_data/getRoomRaiseData``."""

    total: int | None = None
    items: list[RaiseRecord] = field(default_factory=list, alias="list")


# --------------------------------------------------------------------------- red packets
class UserRedPackage(UserRow):
    grab_count: int | None = None
    amount: Money | None = None


class RedPackageStat(Result):
    """Answer of ``room_data/getRoomRedPackage``: red packets grabbed in a room, per user."""

    grab_count: int | None = None
    total_amount: Money | None = None
    items: list[UserRedPackage] = field(default_factory=list, alias="list")


class RedPackageGrab(UserRow):
    amount: Money | None = None
    grab_time: BeijingTime | None = None


class RedPackageRecordInfo(Result):
    """Answer of ``room_data/getRedPackageRecordInfo``: one red packet."""

    red_package_id: str | None = None
    grab_count: int | None = None
    total_amount: Money | None = None
    items: list[RedPackageGrab] = field(default_factory=list, alias="list")


# --------------------------------------------------------------------------- awards, Q&A, ...
class AwardRecord(UserRow):
    """One prize won, of ``room_data/exportAwardStat``."""

    award_id: str | None = None
    prize: str | None = None
    award_time: BeijingTime | None = None


class AwardStat(Result):
    items: list[AwardRecord] = field(default_factory=list, alias="list")


class QaRecord(UserRow):
    """One question of ``room_data/exportQaStat``."""

    question: str | None = None
    answer: str | None = None
    """The reply, if one was given."""
    ask_time: BeijingTime | None = None


class QaStat(Result):
    items: list[QaRecord] = field(default_factory=list, alias="list")


class QuestionnaireRecord(UserRow):
    """One filled-in questionnaire of ``room_data/exportQuestionnaireStat``."""

    questionnaire_id: str | None = None
    answers: dict[str, str] = field(default_factory=dict)
    """Each question's answer, by question."""
    submit_time: BeijingTime | None = None


class QuestionnaireStat(Result):
    items: list[QuestionnaireRecord] = field(default_factory=list, alias="list")


class EvaluationRecord(UserRow):
    """One evaluation of ``room_data/getEvaluationStat``."""

    score: int | None = None
    comment: str | None = None
    submit_time: BeijingTime | None = None


class EvaluationStat(Result):
    """Answer of ``room_data/getEvaluationStat``: one page of evaluations."""

    items: list[EvaluationRecord] = field(default_factory=list, alias="list")
    total: int | None = None
    page: int | None = None
    page_size: int | None = None
    average_score: Decimal | None = None
    """The mean score of every evaluation (not only this page's), two decimals."""


# --------------------------------------------------------------------------- CSV exports
class CsvExport(Result, Generic[RowT]):
    """An export the platform answers as CSV text (``csv``), with a header row.

    ``rows()`` parses it into typed rows; ``csv`` keeps the text as sent.
    """

    row_type: ClassVar[Any] = Result
    file_name: str | None = None
    csv: str | None = None

    def rows(self) -> list[RowT]:
        """The CSV's rows as typed models (a leading BOM and blank lines are ignored)."""
        text = (self.csv or "").lstrip("\ufeff")
        reader = csv.DictReader(io.StringIO(text))
        return [read(self.row_type, row) for row in reader if any(row.values())]


class AttentionCheck(Result):
    """One attention check of ``room_data/exportAttentionList``."""

    attention_id: str | None = None
    start_time: BeijingTime | None = None
    user_count: int | None = None
    """Users the check reached."""
    focused_count: int | None = None
    """Users who were paying attention."""


class AttentionResult(UserRow):
    """One user's result in an attention check (``room_data/exportAttentionDetail``)."""

    attention_id: str | None = None
    focused: bool | None = None
    check_time: BeijingTime | None = None


class AttentionListExport(CsvExport[AttentionCheck]):
    """Answer of ``room_data/exportAttentionList``: CSV text, one row per check."""

    row_type: ClassVar[Any] = AttentionCheck


class AttentionDetailExport(CsvExport[AttentionResult]):
    """Answer of ``room_data/exportAttentionDetail``: CSV text, one row per user."""

    row_type: ClassVar[Any] = AttentionResult
