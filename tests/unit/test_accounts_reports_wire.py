"""Accounts and reports on the wire: exact form fields, parameter order, checks and results.

Covers the ``live_account``, ``sub_account``, ``small_course`` and ``room_data``
groups (and ``partner.create_key``), sync and async, against the scripted
platform of ``conftest.py`` whose default answers are the sandbox's own.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from baijiayun import ValidationError
from baijiayun._read import ShapeProblems, read
from baijiayun._wire import BEIJING, DATE, DATETIME, Context, Invalid
from baijiayun.api import REGISTRY, Partner
from baijiayun.models import (
    AttentionCheck,
    AttentionResult,
    DailyCost,
    LiveReport,
    RoomPeakUser,
    SubAccountCreated,
    SubAccountList,
)
from baijiayun.models._money import Money

from .conftest import NOW, PARTNER_ID, PARTNER_KEY, ROOM_ID, answer, envelope, ref_sign

GROUPS = ("live_account", "sub_account", "small_course", "room_data")
DAY = dt.date(2027, 1, 15)
SUB = 20000123
UTC = dt.timezone.utc


def wire(
    qualname: str,
    args: dict[str, Any],
    kwargs: dict[str, Any],
    path: str,
    expected: dict[str, str],
    id: str,
) -> Any:
    return pytest.param(qualname, args, kwargs, path, expected, id=id)


# qualname, required arguments (in declaration order), optional keyword arguments,
# path, the business fields expected on the wire (text as sent)
CASES = [
    wire(
        "live_account.get_hour_peak_user",
        {"date": DAY},
        {},
        "/openapi/live_account/getHourPeakUser",
        {"date": "2027-01-15"},
        id="hour-peak",
    ),
    wire(
        "live_account.get_hour_peak_user",
        {"date": "2027-01-15"},
        {"product_type": 4},
        "/openapi/live_account/getHourPeakUser",
        {"date": "2027-01-15", "product_type": "4"},
        id="hour-peak-product",
    ),
    wire(
        "live_account.get_day_peak_user",
        {"start_date": DAY, "end_date": DAY + dt.timedelta(days=30)},
        {"product_type": 0},
        "/openapi/live_account/getDayPeakUser",
        {"start_date": "2027-01-15", "end_date": "2027-02-14", "product_type": "0"},
        id="day-peak",
    ),
    wire(
        "live_account.set_class_callback_url",
        {"url": "https://school.example/cb?a=1"},
        {},
        "/openapi/live_account/setClassCallbackUrl",
        {"url": "https://school.example/cb?a=1"},
        id="set-callback",
    ),
    wire(
        "live_account.get_class_callback_url",
        {},
        {},
        "/openapi/live_account/getClassCallbackUrl",
        {},
        id="get-callback",
    ),
    wire(
        "live_account.get_partner_daily_cost",
        {"start_date": DAY, "end_date": DAY},
        {},
        "/openapi/live_account/getPartnerDailyCost",
        {"start_date": "2027-01-15", "end_date": "2027-01-15"},
        id="daily-cost",
    ),
    wire(
        "live_account.get_day_media_length",
        {},
        {"start_date": dt.date(2027, 1, 14), "end_date": dt.date(2027, 1, 15)},
        "/openapi/live_account/getDayMediaLength",
        {"start_date": "2027-01-14", "end_date": "2027-01-15"},
        id="day-media-length",
    ),
    wire(
        "live_account.get_all_room_cost",
        {"date": dt.datetime(2027, 1, 15, 23, 30)},
        {"product_type": 1},
        "/openapi/live_account/getAllRoomCost",
        {"date": "2027-01-15", "product_type": "1"},
        id="room-cost-naive-datetime",
    ),
    wire(
        "sub_account.get_sub_account_list",
        {},
        {},
        "/openapi/sub_account/getSubAccountList",
        {},
        id="sub-list-defaults",
    ),
    wire(
        "sub_account.get_sub_account_list",
        {},
        {"status": 2, "page": 3, "page_size": 50},
        "/openapi/sub_account/getSubAccountList",
        {"status": "2", "page": "3", "page_size": "50"},
        id="sub-list",
    ),
    wire(
        "sub_account.create_sub_account",
        {
            "mobile": "13800001234",
            "email": "a@b.example",
            "password": "pw-123456",
            "contacts": "李雷",
            "company": "分校 Branch",
            "live_on": 1,
            "video_on": 0,
            "effect_time": DAY,
            "expire_time": "2028-01-15",
        },
        {"user_limit": 10, "max_user_limit": 10, "live_max_speakers": 0},
        "/openapi/sub_account/createSubAccount",
        {
            "mobile": "13800001234",
            "email": "a@b.example",
            "password": "pw-123456",
            "contacts": "李雷",
            "company": "分校 Branch",
            "live_on": "1",
            "video_on": "0",
            "effect_time": "2027-01-15",
            "expire_time": "2028-01-15",
            "user_limit": "10",
            "max_user_limit": "10",
            "live_max_speakers": "0",
        },
        id="sub-create",
    ),
    wire(
        "sub_account.stop_sub_account",
        {"sub_partner_id": SUB},
        {},
        "/openapi/sub_account/stopSubAccount",
        {"sub_partner_id": str(SUB)},
        id="sub-stop",
    ),
    wire(
        "sub_account.get_sub_account_info",
        {"sub_partner_id": str(SUB)},
        {},
        "/openapi/sub_account/getSubAccountInfo",
        {"sub_partner_id": str(SUB)},
        id="sub-info",
    ),
    wire(
        "sub_account.get_account_info",
        {"sub_partner_id": SUB},
        {},
        "/openapi/new_sub/getAccountInfo",
        {"sub_partner_id": str(SUB)},
        id="new-sub-info",
    ),
    wire(
        "sub_account.modify_sub_account",
        {"sub_partner_id": SUB},
        {"live_on": 2, "video_on": 1, "flow_limit": 5, "max_flow_limit": 8, "expire_time": DAY},
        "/openapi/sub_account/modifySubAccount",
        {
            "sub_partner_id": str(SUB),
            "live_on": "2",
            "video_on": "1",
            "flow_limit": "5",
            "max_flow_limit": "8",
            "expire_time": "2027-01-15",
        },
        id="sub-modify",
    ),
    wire(
        "small_course.get_daily_cost",
        {"product_type": 2, "start_date": DAY, "end_date": DAY},
        {},
        "/openapi/small_course/getDailyCost",
        {"product_type": "2", "start_date": "2027-01-15", "end_date": "2027-01-15"},
        id="small-daily",
    ),
    wire(
        "small_course.get_room_cost",
        {"product_type": 0, "date": DAY},
        {},
        "/openapi/small_course/getRoomCost",
        {"product_type": "0", "date": "2027-01-15"},
        id="small-room",
    ),
    wire(
        "small_course.get_user_cost",
        {"product_type": 2, "date": DAY, "room_id": ROOM_ID},
        {},
        "/openapi/small_course/getUserCost",
        {"product_type": "2", "date": "2027-01-15", "room_id": str(ROOM_ID)},
        id="small-user",
    ),
    wire(
        "room_data.export_answer_stat",
        {"room_id": ROOM_ID},
        {"date": DAY},
        "/openapi/room_data/exportAnswerStat",
        {"room_id": str(ROOM_ID), "date": "2027-01-15"},
        id="answer-stat",
    ),
    wire(
        "room_data.export_chat_msg",
        {"room_id": ROOM_ID, "date": DAY},
        {},
        "/openapi/room_data/exportChatMsg",
        {"room_id": str(ROOM_ID), "date": "2027-01-15"},
        id="chat",
    ),
    wire(
        "room_data.export_live_report",
        {"room_id": ROOM_ID},
        {},
        "/openapi/room_data/exportLiveReport",
        {"room_id": str(ROOM_ID)},
        id="live-report-no-page-size",
    ),
    wire(
        "room_data.export_live_report",
        {"room_id": ROOM_ID},
        {"type": "all", "page": 2, "page_size": 1000, "date": DAY},
        "/openapi/room_data/exportLiveReport",
        {
            "room_id": str(ROOM_ID),
            "type": "all",
            "page": "2",
            "page_size": "1000",
            "date": "2027-01-15",
        },
        id="live-report",
    ),
    wire(
        "room_data.get_all_room_user_stat",
        {"product_type": 1, "date": DAY},
        {},
        "/openapi/room_data/getAllRoomUserStat",
        {"product_type": "1", "date": "2027-01-15"},
        id="all-room-user-stat",
    ),
    wire(
        "room_data.get_room_peak_user",
        {
            "room_id": ROOM_ID,
            "start_time": dt.datetime(2027, 1, 15, 10, 0),
            "end_time": "2027-01-15 15:00:00",
        },
        {},
        "/openapi/room_data/getRoomPeakUser",
        {
            "room_id": str(ROOM_ID),
            "start_time": "2027-01-15 10:00:00",
            "end_time": "2027-01-15 15:00:00",
        },
        id="room-peak",
    ),
    wire(
        "room_data.export_room_praise_stat",
        {"room_id": ROOM_ID},
        {},
        "/openapi/room_data/exportRoomPraiseStat",
        {"room_id": str(ROOM_ID)},
        id="praise",
    ),
    wire(
        "room_data.get_room_quiz",
        {"room_id": ROOM_ID},
        {},
        "/openapi/room_data/getRoomQuiz",
        {"room_id": str(ROOM_ID)},
        id="quiz",
    ),
    wire(
        "room_data.get_quiz_user_answer",
        {"room_id": ROOM_ID, "quiz_id": 77},
        {},
        "/openapi/room_data/getQuizUserAnswer",
        {"room_id": str(ROOM_ID), "quiz_id": "77"},
        id="quiz-answer",
    ),
    wire(
        "room_data.get_exp_report_list",
        {"room_id": ROOM_ID},
        {},
        "/openapi/room_data/getExpReportList",
        {"room_id": str(ROOM_ID)},
        id="expressions",
    ),
    wire(
        "room_data.get_user_checkin_info",
        {"room_id": ROOM_ID},
        {},
        "/openapi/room_data/getUserCheckinInfo",
        {"room_id": str(ROOM_ID)},
        id="user-checkins",
    ),
    wire(
        "room_data.get_room_raise_data",
        {"room_id": ROOM_ID, "start_time": NOW, "end_time": NOW + 3600},
        {},
        "/openapi/room_data/getRoomRaiseData",
        {
            "room_id": str(ROOM_ID),
            "start_time": "2027-01-15 16:00:00",
            "end_time": "2027-01-15 17:00:00",
        },
        id="raise-unix-seconds",
    ),
    wire(
        "room_data.get_room_red_package",
        {"room_id": ROOM_ID},
        {},
        "/openapi/room_data/getRoomRedPackage",
        {"room_id": str(ROOM_ID)},
        id="red-package-underscore-path",
    ),
    wire(
        "room_data.export_award_stat",
        {"room_id": ROOM_ID},
        {},
        "/openapi/room_data/exportAwardStat",
        {"room_id": str(ROOM_ID)},
        id="award",
    ),
    wire(
        "room_data.export_qa_stat",
        {"room_id": ROOM_ID},
        {"date": "2027-01-15"},
        "/openapi/room_data/exportQaStat",
        {"room_id": str(ROOM_ID), "date": "2027-01-15"},
        id="qa",
    ),
    wire(
        "room_data.export_questionnaire_stat",
        {"room_id": ROOM_ID},
        {},
        "/openapi/room_data/exportQuestionnaireStat",
        {"room_id": str(ROOM_ID)},
        id="questionnaire",
    ),
    wire(
        "room_data.get_evaluation_stat",
        {"room_id": ROOM_ID, "page": 1, "page_size": 20},
        {"date": DAY},
        "/openapi/room_data/getEvaluationStat",
        {"room_id": str(ROOM_ID), "page": "1", "page_size": "20", "date": "2027-01-15"},
        id="evaluation",
    ),
    wire(
        "room_data.get_checkin_info",
        {"room_id": ROOM_ID, "session_id": "c-1"},
        {},
        "/openapi/room_data/getCheckinInfo",
        {"room_id": str(ROOM_ID), "session_id": "c-1"},
        id="checkin",
    ),
    wire(
        "room_data.export_answer_by_question_id",
        {"room_id": ROOM_ID, "question_id": "q-9"},
        {},
        "/openapi/room_data/exportAnswerByQuestionId",
        {"room_id": str(ROOM_ID), "question_id": "q-9"},
        id="answers-by-question",
    ),
    wire(
        "room_data.get_red_package_record_info",
        {"room_id": ROOM_ID, "red_package_id": 5},
        {},
        "/openapi/room_data/getRedPackageRecordInfo",
        {"room_id": str(ROOM_ID), "red_package_id": "5"},
        id="red-package-record",
    ),
    wire(
        "room_data.export_attention_list",
        {"room_id": ROOM_ID},
        {},
        "/openapi/room_data/exportAttentionList",
        {"room_id": str(ROOM_ID)},
        id="attention-list",
    ),
    wire(
        "room_data.export_attention_detail",
        {"room_id": ROOM_ID, "attention_id": "a-1"},
        {},
        "/openapi/room_data/exportAttentionDetail",
        {"room_id": str(ROOM_ID), "attention_id": "a-1"},
        id="attention-detail",
    ),
]

# The catalog's parameter order (the earlier SDK's): positional calls keep working.
CATALOG_ORDER = {
    "live_account.get_hour_peak_user": ["date", "product_type"],
    "live_account.get_day_peak_user": ["start_date", "end_date", "product_type"],
    "live_account.set_class_callback_url": ["url"],
    "live_account.get_class_callback_url": [],
    "live_account.get_partner_daily_cost": ["start_date", "end_date", "product_type"],
    "live_account.get_all_room_cost": ["date", "product_type"],
    "live_account.get_day_media_length": ["start_date", "end_date", "product_type"],
    "sub_account.get_sub_account_list": ["status", "page", "page_size"],
    "sub_account.create_sub_account": [
        "mobile",
        "email",
        "password",
        "contacts",
        "company",
        "live_on",
        "video_on",
        "effect_time",
        "expire_time",
        "user_limit",
        "max_user_limit",
        "user_count",
        "max_user_count",
        "live_max_speakers",
        "storage_limit",
        "max_storage_limit",
        "flow_limit",
        "max_flow_limit",
    ],
    "sub_account.stop_sub_account": ["sub_partner_id"],
    "sub_account.get_sub_account_info": ["sub_partner_id"],
    "sub_account.get_account_info": ["sub_partner_id"],
    "sub_account.modify_sub_account": [
        "sub_partner_id",
        "live_on",
        "video_on",
        "storage_limit",
        "max_storage_limit",
        "flow_limit",
        "max_flow_limit",
        "live_max_speakers",
        "effect_time",
        "expire_time",
        "user_limit",
        "max_user_limit",
        "user_count",
        "max_user_count",
    ],
    "small_course.get_daily_cost": ["product_type", "start_date", "end_date"],
    "small_course.get_room_cost": ["product_type", "date"],
    "small_course.get_user_cost": ["product_type", "date", "room_id"],
    "room_data.export_answer_stat": ["room_id", "date"],
    "room_data.export_chat_msg": ["room_id", "date"],
    "room_data.export_live_report": ["room_id", "type", "page", "page_size", "date"],
    "room_data.get_all_room_user_stat": ["product_type", "date"],
    "room_data.get_room_peak_user": ["room_id", "start_time", "end_time"],
    "room_data.export_room_praise_stat": ["room_id"],
    "room_data.get_room_quiz": ["room_id"],
    "room_data.get_quiz_user_answer": ["room_id", "quiz_id"],
    "room_data.get_exp_report_list": ["room_id"],
    "room_data.get_user_checkin_info": ["room_id"],
    "room_data.get_room_raise_data": ["room_id", "start_time", "end_time"],
    "room_data.get_room_red_package": ["room_id"],
    "room_data.export_award_stat": ["room_id", "date"],
    "room_data.export_qa_stat": ["room_id", "date"],
    "room_data.export_questionnaire_stat": ["room_id", "date"],
    "room_data.get_evaluation_stat": ["room_id", "page", "page_size", "date"],
    "room_data.get_checkin_info": ["room_id", "session_id"],
    "room_data.export_answer_by_question_id": ["room_id", "question_id"],
    "room_data.get_red_package_record_info": ["room_id", "red_package_id"],
    "room_data.export_attention_list": ["room_id"],
    "room_data.export_attention_detail": ["room_id", "attention_id"],
}


def _call(harness: Any, qualname: str, *args: Any, **kwargs: Any) -> Any:
    group, _, method = qualname.partition(".")
    return harness.run(lambda c: getattr(getattr(c, group), method)(*args, **kwargs))


def _check_body(sent: Any, path: str, expected: dict[str, str]) -> None:
    assert sent.method == "POST"
    assert sent.path == path
    assert sent.content_type == "application/x-www-form-urlencoded"
    want = {**expected, "partner_id": PARTNER_ID, "timestamp": str(NOW)}
    want["sign"] = ref_sign(want.items(), PARTNER_KEY)
    assert sent.form == want


def test_every_endpoint_of_the_groups_is_on_the_wire_table() -> None:
    declared = {spec.path for spec in REGISTRY if spec.group in GROUPS}
    assert {case.values[3] for case in CASES} == declared
    # the catalog's 33, the 2 attention exports, getDayMediaLength and new_sub/getAccountInfo
    assert len(declared) == 6 + 5 + 3 + 19 + 2 + 2
    assert sorted(CATALOG_ORDER) == sorted(s.qualname for s in REGISTRY if s.group in GROUPS)


@pytest.mark.parametrize(("qualname", "args", "kwargs", "path", "expected"), CASES)
def test_positional_call_wire(harness, qualname, args, kwargs, path, expected) -> None:
    _call(harness, qualname, *args.values(), **kwargs)
    assert len(harness.api.sent) == 1
    _check_body(harness.api.last, path, expected)


@pytest.mark.parametrize(("qualname", "args", "kwargs", "path", "expected"), CASES)
def test_keyword_call_wire(harness, qualname, args, kwargs, path, expected) -> None:
    _call(harness, qualname, **args, **kwargs)
    _check_body(harness.api.last, path, expected)


@pytest.mark.parametrize("qualname", sorted(CATALOG_ORDER))
def test_parameters_keep_the_catalogs_order(qualname: str) -> None:
    assert [p.name for p in REGISTRY[qualname].params] == CATALOG_ORDER[qualname]


@pytest.mark.parametrize(
    ("alias", "group"),
    [
        pytest.param("liveaccount", "live_account", id="liveaccount"),
        pytest.param("subaccount", "sub_account", id="subaccount"),
        pytest.param("smallcourse", "small_course", id="smallcourse"),
        pytest.param("roomdata", "room_data", id="roomdata"),
    ],
)
def test_the_earlier_sdks_group_spellings_are_the_same_group(harness, alias, group) -> None:
    assert getattr(harness.client, alias) is getattr(harness.client, group)
    assert REGISTRY.groups[group].aliases == (alias,)


def test_no_default_is_sent_unless_given(harness) -> None:
    """``export_live_report`` sends no ``page``/``page_size`` (the earlier SDK sent 0)."""
    _call(harness, "room_data.export_live_report", ROOM_ID)
    assert [k for k, _ in harness.api.last.pairs] == ["room_id", "partner_id", "timestamp", "sign"]
    _call(harness, "live_account.get_hour_peak_user", DAY)
    assert "product_type" not in harness.api.last.form


# --------------------------------------------------------------------------- partner.create_key
def test_create_key_is_createkey_under_the_documented_name(harness) -> None:
    key = _call(harness, "partner.create_key", "the-secret", regenerate=1)
    first = harness.api.last
    _call(harness, "partner.createkey", "the-secret", regenerate=1)
    second = harness.api.last
    assert first.path == second.path == "/openapi/partner/createkey"
    assert (
        first.form
        == second.form
        == {
            "secret_key": "the-secret",
            "regenerate": "1",
            "partner_id": PARTNER_ID,
        }
    )
    assert key == answer("/openapi/partner/createkey")["partner_key"]


def test_an_alias_is_one_endpoint_in_the_registry() -> None:
    assert Partner.methods["create_key"] is Partner.methods["createkey"]
    assert Partner.createkey.name == "createkey"
    on_path = [s for s in REGISTRY if s.path == "/openapi/partner/createkey"]
    assert [s.qualname for s in on_path] == ["partner.createkey"]
    assert REGISTRY["partner.createkey"] is Partner.create_key.spec


# --------------------------------------------------------------------------- checks before sending
BAD = [
    pytest.param(
        "live_account.get_hour_peak_user",
        {"date": "2027-02-30"},
        "date",
        "must be a date",
        id="impossible-date",
    ),
    pytest.param(
        "live_account.get_hour_peak_user",
        {"date": "15/01/2027"},
        "date",
        "must be a date",
        id="date-format",
    ),
    pytest.param(
        "live_account.get_hour_peak_user",
        {"date": DAY, "product_type": 3},
        "product_type",
        "must be one of 0, 1, 2, 4",
        id="product-type",
    ),
    pytest.param(
        "live_account.get_day_peak_user",
        {"start_date": DAY, "end_date": DAY - dt.timedelta(days=1)},
        "end_date",
        "must not be before start_date",
        id="date-order",
    ),
    pytest.param(
        "small_course.get_daily_cost",
        {"product_type": 2, "start_date": "2027-01-02", "end_date": "2027-01-01"},
        "end_date",
        "must not be before start_date",
        id="small-date-order",
    ),
    pytest.param(
        "room_data.get_room_peak_user",
        {
            "room_id": ROOM_ID,
            "start_time": "2027-01-15 23:00:00",
            "end_time": "2027-01-16 01:00:00",
        },
        "end_time",
        "same day",
        id="peak-spans-two-days",
    ),
    pytest.param(
        "room_data.get_room_raise_data",
        {"room_id": ROOM_ID, "start_time": NOW, "end_time": NOW - 1},
        "end_time",
        "must not be before start_time",
        id="raise-order",
    ),
    pytest.param(
        "room_data.get_room_peak_user",
        {"room_id": ROOM_ID, "start_time": DAY, "end_time": "2027-01-15 15:00:00"},
        "start_time",
        "must be a datetime",
        id="date-for-a-time",
    ),
    pytest.param(
        "room_data.export_live_report",
        {"room_id": ROOM_ID, "type": "parents"},
        "type",
        "must be one of all, student, teacher, admin",
        id="report-type",
    ),
    pytest.param(
        "room_data.export_live_report",
        {"room_id": ROOM_ID, "page_size": 0},
        "page_size",
        "must be >= 1",
        id="page-size-zero",
    ),
    pytest.param(
        "room_data.get_quiz_user_answer",
        {"room_id": ROOM_ID, "quiz_id": ""},
        "quiz_id",
        "must not be empty",
        id="empty-id",
    ),
    pytest.param(
        "sub_account.create_sub_account",
        {"password": "12345"},
        "password",
        "6 to 18 characters",
        id="short-password",
    ),
    pytest.param(
        "sub_account.create_sub_account",
        {"user_limit": 10, "max_user_limit": 9},
        "max_user_limit",
        "must not be below user_limit",
        id="quota-below-limit",
    ),
    pytest.param(
        "sub_account.create_sub_account",
        {"live_on": 2},
        "live_on",
        "must be one of 0, 1",
        id="live-on-create",
    ),
    pytest.param(
        "sub_account.create_sub_account",
        {"expire_time": DAY},
        "expire_time",
        "must be after effect_time",
        id="period",
    ),
    pytest.param(
        "sub_account.create_sub_account",
        {"mobile": "12345"},
        "mobile",
        "mobile number",
        id="mobile",
    ),
    pytest.param(
        "sub_account.create_sub_account",
        {"storage_limit": 0},
        "storage_limit",
        "must be >= 1",
        id="positive-quota",
    ),
    pytest.param(
        "sub_account.modify_sub_account",
        {"sub_partner_id": SUB, "live_on": 3},
        "live_on",
        "must be one of 0, 1, 2",
        id="live-on-modify",
    ),
    pytest.param(
        "sub_account.modify_sub_account",
        {"sub_partner_id": SUB, "flow_limit": 9, "max_flow_limit": 3},
        "max_flow_limit",
        "must not be below flow_limit",
        id="modify-quota",
    ),
]

CREATE_ARGS = {
    "mobile": "13800001234",
    "email": "a@b.example",
    "password": "pw-123456",
    "contacts": "Li",
    "company": "Co",
    "live_on": 1,
    "video_on": 0,
    "effect_time": DAY,
    "expire_time": DAY + dt.timedelta(days=1),
}


@pytest.mark.parametrize(("qualname", "args", "param", "rule"), BAD)
def test_bad_input_raises_naming_the_parameter_before_sending(
    harness, qualname, args, param, rule
) -> None:
    if qualname == "sub_account.create_sub_account":
        args = {**CREATE_ARGS, **args}
    with pytest.raises(ValidationError) as info:
        _call(harness, qualname, **args)
    assert info.value.param == param
    assert rule in info.value.rule
    assert harness.api.sent == []


# --------------------------------------------------------------------------- the new kinds
CTX = Context(tz=BEIJING, now=lambda: NOW)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param(dt.date(2027, 3, 1), "2027-03-01", id="date"),
        pytest.param("2027-03-01", "2027-03-01", id="text"),
        pytest.param(" 2027-03-01 ", "2027-03-01", id="text-spaces"),
        pytest.param(dt.datetime(2027, 3, 1, 23, 59), "2027-03-01", id="naive-datetime"),
        pytest.param(
            dt.datetime(2027, 2, 28, 16, 0, tzinfo=UTC), "2027-03-01", id="utc-to-beijing"
        ),
        pytest.param(dt.datetime(2027, 2, 28, 15, 59, tzinfo=UTC), "2027-02-28", id="utc-same-day"),
    ],
)
def test_date_kind_sends_the_beijing_date(value: Any, text: str) -> None:
    assert DATE.encode(DATE.coerce(value, CTX)) == text
    assert DATE.parse(text) == DATE.coerce(value, CTX)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("2027-3-1", id="short"),
        pytest.param("2027-13-01", id="month"),
        pytest.param("20270301", id="compact"),
        pytest.param(20270301, id="int"),
        pytest.param(None, id="none"),
    ],
)
def test_date_kind_refuses_what_is_not_a_date(value: Any) -> None:
    with pytest.raises(Invalid, match="must be a date"):
        DATE.coerce(value, CTX)


@pytest.mark.parametrize(
    ("value", "tz", "text"),
    [
        pytest.param(
            dt.datetime(2027, 1, 15, 10, 0, 5), BEIJING, "2027-01-15 10:00:05", id="naive"
        ),
        pytest.param(
            dt.datetime(2027, 1, 15, 10, 0), UTC, "2027-01-15 18:00:00", id="naive-in-utc-client"
        ),
        pytest.param(
            dt.datetime(2027, 1, 15, 2, 0, 0, 999, tzinfo=UTC),
            BEIJING,
            "2027-01-15 10:00:00",
            id="aware",
        ),
        pytest.param(NOW, BEIJING, "2027-01-15 16:00:00", id="unix-seconds"),
        pytest.param("2027-01-15 10:00:00", UTC, "2027-01-15 10:00:00", id="text-is-beijing"),
    ],
)
def test_datetime_kind_sends_beijing_text(value: Any, tz: dt.tzinfo, text: str) -> None:
    ctx = Context(tz=tz, now=lambda: NOW)
    assert DATETIME.encode(DATETIME.coerce(value, ctx)) == text
    parsed = DATETIME.parse(text)
    assert parsed == DATETIME.coerce(value, ctx)
    assert parsed.utcoffset() == dt.timedelta(hours=8)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("2027-01-15T10:00:00", id="iso-t"),
        pytest.param("2027-01-15 25:00:00", id="hour"),
        pytest.param(dt.date(2027, 1, 15), id="date"),
        pytest.param(True, id="bool"),
    ],
)
def test_datetime_kind_refuses_what_is_not_a_time(value: Any) -> None:
    with pytest.raises(Invalid, match="must be a"):
        DATETIME.coerce(value, CTX)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(0.1, Decimal("0.1"), id="float-shortest"),
        pytest.param(1.15, Decimal("1.15"), id="float-no-binary-tail"),
        pytest.param("12.30", Decimal("12.30"), id="text"),
        pytest.param(3, Decimal(3), id="int"),
        pytest.param(" 7.5 ", Decimal("7.5"), id="spaces"),
    ],
)
def test_money_is_an_exact_decimal(value: Any, expected: Decimal) -> None:
    got = read(Money, value)
    assert isinstance(got, Decimal) and got == expected and str(got) == str(expected)


@pytest.mark.parametrize("value", [pytest.param(True, id="bool"), pytest.param("1,5", id="comma")])
def test_money_refuses_what_is_not_an_amount(value: Any) -> None:
    with pytest.raises(ShapeProblems):
        read(Money, value)


# --------------------------------------------------------------------------- typed results
def test_peaks_are_keyed_by_hour_and_date(harness) -> None:
    harness.api.script(
        "/openapi/live_account/getHourPeakUser",
        {"peak_user": {str(hour): hour * 2 for hour in range(24)}},
    )
    hours = _call(harness, "live_account.get_hour_peak_user", DAY)
    assert sorted(hours) == list(range(24))
    assert all(isinstance(v, int) for v in hours.values()) and hours[23] == 46
    harness.api.script(
        "/openapi/live_account/getDayPeakUser", {"peak_user": {"2027-01-14": 3, "2027-01-15": 7}}
    )
    days = _call(harness, "live_account.get_day_peak_user", DAY, DAY)
    assert days == {dt.date(2027, 1, 14): 3, dt.date(2027, 1, 15): 7}


def test_costs_are_decimals_never_floats(harness) -> None:
    harness.api.script(
        "/openapi/live_account/getPartnerDailyCost",
        {"cost": [{"date": "2027-01-15", "user_count": 3, "minutes": 7, "amount": 0.37}]},
    )
    (day,) = _call(harness, "live_account.get_partner_daily_cost", DAY, DAY)
    assert isinstance(day, DailyCost)
    assert day.date == DAY and day.amount == Decimal("0.37") and isinstance(day.amount, Decimal)
    room_cost = _call(harness, "live_account.get_all_room_cost", DAY)
    assert room_cost and all(isinstance(r.amount, Decimal) for r in room_cost)


def test_room_user_stat_also_reads_a_mapping_by_room_id(harness) -> None:
    harness.api.script(
        "/openapi/room_data/getAllRoomUserStat",
        {
            "room_user_stat": {
                "27011512345678": {"student_count": 2, "total_user_count": 3, "peak_user": 2}
            }
        },
    )
    (stat,) = _call(harness, "room_data.get_all_room_user_stat", 1, DAY)
    assert (stat.room_id, stat.student_count, stat.total_user_count, stat.peak_user) == (
        "27011512345678",
        2,
        3,
        2,
    )


def test_room_peak_is_keyed_by_time_of_day(harness) -> None:
    harness.api.script(
        "/openapi/room_data/getRoomPeakUser",
        {"date": "2027-01-15", "peak_user": {"15:10:00": 3, "15:20:00": 1}},
    )
    peak = _call(harness, "room_data.get_room_peak_user", ROOM_ID, NOW, NOW + 60)
    assert isinstance(peak, RoomPeakUser)
    assert peak.peak_user == {dt.time(15, 10): 3, dt.time(15, 20): 1}


def test_live_report_rows_have_aware_times(harness) -> None:
    report = _call(harness, "room_data.export_live_report", ROOM_ID, page=1, page_size=2)
    assert isinstance(report, LiveReport)
    assert report.items, "the recorded answer has visits"
    for row in report.items:
        assert row.first_time.utcoffset() == dt.timedelta(hours=8)
        assert row.actual_listen_time >= 0


def test_attention_exports_give_the_csv_and_typed_rows(harness) -> None:
    harness.api.script(
        "/openapi/room_data/exportAttentionList",
        {
            "file_name": "a.csv",
            "csv": "\ufeffattention_id,start_time,user_count,focused_count\r\n"
            "att-1,2027-01-15 10:00:00,30,28\r\n\r\natt-2,2027-01-15 11:00:00,29,20\r\n",
        },
    )
    export = _call(harness, "room_data.export_attention_list", ROOM_ID)
    assert export.csv.startswith("\ufeffattention_id")
    rows = export.rows()
    assert rows == [
        AttentionCheck(
            attention_id="att-1",
            start_time=dt.datetime(2027, 1, 15, 10, tzinfo=BEIJING),
            user_count=30,
            focused_count=28,
        ),
        AttentionCheck(
            attention_id="att-2",
            start_time=dt.datetime(2027, 1, 15, 11, tzinfo=BEIJING),
            user_count=29,
            focused_count=20,
        ),
    ]
    harness.api.script(
        "/openapi/room_data/exportAttentionDetail",
        {
            "file_name": "d.csv",
            "csv": "user_number,user_name,attention_id,focused,check_time\r\n"
            "101,Ann,att-1,1,2027-01-15 10:00:05\r\n102,Bo,att-1,0,2027-01-15 10:00:07\r\n",
        },
    )
    detail = _call(harness, "room_data.export_attention_detail", ROOM_ID, "att-1")
    parsed = detail.rows()
    assert parsed and all(isinstance(r, AttentionResult) for r in parsed)
    assert {r.focused for r in parsed} == {True, False}


def test_sub_account_key_is_kept_out_of_repr(harness) -> None:
    created = _call(harness, "sub_account.create_sub_account", **CREATE_ARGS)
    assert isinstance(created, SubAccountCreated)
    assert created.partner_key and created.partner_key not in repr(created)
    assert created.sub_partner_id in repr(created)


# --------------------------------------------------------------------------- iterators
def _page(rows: int, start: int = 0) -> dict[str, Any]:
    row = answer("/openapi/room_data/exportLiveReport")["room_user_info"][0]
    return {
        "room_user_info": [{**row, "user_number": str(start + i)} for i in range(rows)],
        "total": None,
        "page": None,
        "page_size": None,
    }


def test_iter_live_report_walks_every_page_from_the_one_given(harness) -> None:
    path = "/openapi/room_data/exportLiveReport"
    harness.api.script(path, _page(3, 0), _page(3, 3), _page(1, 6))
    rows = harness.collect(
        harness.client.room_data.iter_live_report(ROOM_ID, type="all", page=2, page_size=3)
    )
    assert [r.user_number for r in rows] == [str(i) for i in range(7)]
    sent = harness.api.to(path)
    assert [(s.form["page"], s.form["page_size"], s.form["type"]) for s in sent] == [
        ("2", "3", "all"),
        ("3", "3", "all"),
        ("4", "3", "all"),
    ]


def test_iter_live_report_sends_a_page_size_of_its_own(harness) -> None:
    harness.api.script("/openapi/room_data/exportLiveReport", _page(0))
    assert harness.collect(harness.client.room_data.iter_live_report(ROOM_ID)) == []
    assert harness.api.last.form["page_size"] == "500"
    assert harness.api.last.form["page"] == "1"


def test_iter_sub_accounts_pages_by_page_size(harness) -> None:
    path = "/openapi/sub_account/getSubAccountList"
    entry = answer(path)["list"][0]
    first = {"list": [entry, entry], "total": 3, "page": 1, "page_size": 2}
    last = {"list": [entry], "total": 3, "page": 2, "page_size": 2}
    harness.api.script(path, first, last)
    accounts = harness.collect(harness.client.sub_account.iter_sub_accounts(status=1, page_size=2))
    assert len(accounts) == 3
    assert [s.form["page"] for s in harness.api.to(path)] == ["1", "2"]
    assert isinstance(SubAccountList.model_validate(first).items[0].effect_time, dt.date)


def test_iter_evaluation_stat_needs_the_platforms_paging(harness) -> None:
    path = "/openapi/room_data/getEvaluationStat"
    entry = answer(path)["list"][0]
    harness.api.script(path, {**answer(path), "list": [entry] * 2}, {**answer(path), "list": []})
    got = harness.collect(
        harness.client.room_data.iter_evaluation_stat(ROOM_ID, page=1, page_size=2)
    )
    assert len(got) == 2
    assert [s.form["page"] for s in harness.api.to(path)] == ["1", "2"]


def test_a_platform_error_on_a_report_is_raised_typed(harness) -> None:
    from baijiayun import AccountDisabledError

    harness.api.script(
        "/openapi/room_data/getRoomQuiz",
        envelope(code=2003, msg="live account not opened"),
    )
    with pytest.raises(AccountDisabledError) as info:
        _call(harness, "room_data.get_room_quiz", ROOM_ID)
    assert info.value.code == 2003 and info.value.path == "/openapi/room_data/getRoomQuiz"
