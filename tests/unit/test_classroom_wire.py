"""The classroom groups on the wire: exact form fields per endpoint, JSON text, files, hosts.

live, live_setting, hudong, doc, notice, quiz, evaluation — sync and async,
against the scripted platform (answers recorded from the sandbox).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest

from baijiayun import ValidationError
from baijiayun.api import REGISTRY
from baijiayun.api.live import LiveStatus, chat_message
from baijiayun.models import (
    CheckinData,
    ClassRoster,
    Document,
    HorseLamp,
    NoticeCreated,
    NoticeList,
    QuizCreated,
    RedPackageRecords,
    SensitiveWords,
    TeacherList,
    UserCount,
    Watermark,
)

from .conftest import DEFAULT_DATA, NOW, PARTNER_ID, PARTNER_KEY, ROOM_ID, answer, ref_sign

ROOM = str(ROOM_ID)
HUDONG = "http://hudong.baijiayun.com"  # the vendor's page and a PHP client show http
GROUPS = ("live", "live_setting", "hudong", "doc", "notice", "quiz", "evaluation")
MESSAGE = {"class_id": ROOM_ID, "content": "Hi 你好", "from": {"id": 7, "name": "Li"}}
STUDENTS = [{"student_id": "s1", "student_name": "王小明", "student_mobile": "13800000000"}]
UTC = dt.timezone.utc


def call(harness: Any, qualname: str, *args: Any, **kwargs: Any) -> Any:
    group, _, method = qualname.partition(".")
    return harness.run(lambda c: getattr(getattr(c, group), method)(*args, **kwargs))


# qualname, arguments, the business fields expected as sent (text)
WIRE = [
    # ---- live
    pytest.param("live.get_live_status", {"room_id": ROOM_ID}, {"room_id": ROOM}, id="live-status"),
    pytest.param(
        "live.get_teacher_online_status", {"room_id": ROOM}, {"room_id": ROOM}, id="teacher"
    ),
    pytest.param("live.get_user_count", {"room_id": ROOM_ID}, {"room_id": ROOM}, id="user-count"),
    pytest.param(
        "live.set_notify",
        {"room_id": ROOM_ID, "content": "Quiz & notes = 今晚"},
        {"room_id": ROOM, "content": "Quiz & notes = 今晚"},
        id="set-notify",
    ),
    pytest.param(
        "live.send_chat_message",
        {"message_list": [MESSAGE]},
        {
            "message_list": (
                f'[{{"class_id":{ROOM_ID},"content":"Hi 你好","from":{{"id":7,"name":"Li"}}}}]'
            )
        },
        id="chat-list",
    ),
    pytest.param(
        "live.send_chat_message",
        {"message_list": '[{"class_id": 1, "content": "as given"}]'},
        {"message_list": '[{"class_id": 1, "content": "as given"}]'},
        id="chat-text-as-given",
    ),
    pytest.param(
        "live.stop_cloud_record", {"room_id": ROOM_ID}, {"room_id": ROOM}, id="stop-record"
    ),
    pytest.param(
        "live.trans_cloud_record", {"room_id": ROOM_ID}, {"room_id": ROOM}, id="trans-record"
    ),
    pytest.param("live.start_class", {"room_id": ROOM_ID}, {"room_id": ROOM}, id="start-class"),
    pytest.param("live.stop_class", {"room_id": ROOM_ID}, {"room_id": ROOM}, id="stop-class"),
    pytest.param(
        "live.stop_class",
        {"room_id": ROOM_ID, "is_kick_out_all": True},
        {"room_id": ROOM, "is_kick_out_all": "1"},
        id="stop-class-kick",
    ),
    # ---- live_setting
    pytest.param("live_setting.set_watermark", {"pos": 0}, {"pos": "0"}, id="watermark-off"),
    pytest.param(
        "live_setting.set_watermark",
        {"pos": 3, "product_type": 2},
        {"pos": "3", "product_type": "2"},
        id="watermark-pos",
    ),
    pytest.param("live_setting.get_watermark", {}, {}, id="get-watermark"),
    pytest.param(
        "live_setting.get_watermark", {"product_type": 0}, {"product_type": "0"}, id="watermark-0"
    ),
    pytest.param("live_setting.get_sensitive_word", {}, {}, id="words"),
    pytest.param(
        "live_setting.get_sensitive_word",
        {"page": 2, "page_size": 50, "product_type": 4},
        {"page": "2", "page_size": "50", "product_type": "4"},
        id="words-page",
    ),
    pytest.param(
        "live_setting.add_sensitive_word_batch",
        {"words": ["广告", "spam"]},
        {"words": "广告,spam"},
        id="add-words",
    ),
    pytest.param(
        "live_setting.add_sensitive_word_batch",
        {"words": "a,b", "product_type": 1},
        {"words": "a,b", "product_type": "1"},
        id="add-words-text",
    ),
    pytest.param(
        "live_setting.delete_sensitive_word_batch",
        {"ids": [3, "4"]},
        {"ids": "3,4"},
        id="delete-words",
    ),
    pytest.param("live_setting.get_live_horse_lamp", {}, {}, id="get-lamp"),
    pytest.param(
        "live_setting.set_live_horse_lamp",
        {"type": 1, "value": "School", "color": "#00ff00", "font_size": 12, "opacity": 0.25},
        {"type": "1", "value": "School", "color": "#00ff00", "font_size": "12", "opacity": "0.25"},
        id="set-lamp",
    ),
    pytest.param(
        "live_setting.set_live_horse_lamp",
        {"opacity": Decimal("0.50")},
        {"opacity": "0.5"},
        id="lamp-decimal",
    ),
    pytest.param(
        "live_setting.set_live_horse_lamp", {"opacity": 1}, {"opacity": "1"}, id="lamp-int"
    ),
    pytest.param(
        "live_setting.add_notice",
        {"content": "Homework", "link": ""},
        {"content": "Homework", "link": ""},
        id="add-notice-empty-link",
    ),
    pytest.param(
        "live_setting.get_notice_list",
        {"page": 1, "page_size": 10, "query": "作业"},
        {"page": "1", "page_size": "10", "query": "作业"},
        id="notices",
    ),
    pytest.param(
        "live_setting.delete_notice_batch", {"ids": "5,6"}, {"ids": "5,6"}, id="delete-notices"
    ),
    pytest.param("live_setting.get_quiz_list", {"query": "unit"}, {"query": "unit"}, id="quizzes"),
    pytest.param("live_setting.delete_quiz", {"id": 9}, {"id": "9"}, id="delete-quiz"),
    pytest.param(
        "live_setting.set_max_red_package_count",
        {"max_count": 1000},
        {"max_count": "1000"},
        id="red-max",
    ),
    pytest.param("live_setting.get_max_red_package_count", {}, {}, id="red-get"),
    # ---- notice, quiz, evaluation
    pytest.param(
        "notice.get_room_notice_list", {"room_id": ROOM_ID}, {"room_id": ROOM}, id="room-notices"
    ),
    pytest.param(
        "notice.assign_room_notice",
        {"room_id": ROOM_ID, "notice_ids": [1, 2]},
        {"room_id": ROOM, "notice_ids": "1,2"},
        id="assign-notices",
    ),
    pytest.param(
        "notice.batch_delete_room_notice",
        {"room_id": ROOM_ID, "notice_ids": 2, "product_type": 3},
        {"room_id": ROOM, "notice_ids": "2", "product_type": "3"},
        id="unassign-notices",
    ),
    pytest.param(
        "quiz.assign_room_paper",
        {"paper_ids": (7, 8), "room_id": ROOM_ID},
        {"paper_ids": "7,8", "room_id": ROOM},
        id="assign-papers",
    ),
    pytest.param(
        "quiz.get_room_quiz_list", {"room_id": ROOM_ID}, {"room_id": ROOM}, id="room-quizzes"
    ),
    pytest.param(
        "quiz.batch_delete_room_paper",
        {"room_id": ROOM_ID, "paper_ids": [7]},
        {"room_id": ROOM, "paper_ids": "7"},
        id="unassign-papers",
    ),
    pytest.param("evaluation.get_evaluation_list", {}, {}, id="evaluations"),
    pytest.param(
        "evaluation.get_evaluation_list",
        {"status": 1, "page": 2, "page_size": 5},
        {"status": "1", "page": "2", "page_size": "5"},
        id="evaluations-page",
    ),
    pytest.param(
        "evaluation.bind_room_evaluation",
        {"room_id": ROOM_ID, "evaluate_id": 4},
        {"room_id": ROOM, "evaluate_id": "4"},
        id="bind-evaluation",
    ),
    pytest.param(
        "evaluation.update_room_evaluation",
        {"room_id": ROOM_ID, "evaluate_id": "5"},
        {"room_id": ROOM, "evaluate_id": "5"},
        id="update-evaluation",
    ),
    # ---- doc
    pytest.param(
        "doc.bind_doc", {"room_id": ROOM_ID, "fid": 11}, {"room_id": ROOM, "fid": "11"}, id="bind"
    ),
    pytest.param("doc.list_doc", {"room_id": ROOM_ID}, {"room_id": ROOM}, id="list-doc"),
    pytest.param("doc.list_all_doc", {"type": "api"}, {"type": "api"}, id="list-all-doc"),
    pytest.param(
        "doc.remove_doc", {"room_id": ROOM_ID, "fid": 11}, {"room_id": ROOM, "fid": "11"}, id="rm"
    ),
    pytest.param(
        "doc.upload_h5_by_url",
        {"h5_doc_url": "https://h5.example/a?b=1&c=2"},
        {"h5_doc_url": "https://h5.example/a?b=1&c=2"},
        id="h5",
    ),
    pytest.param(
        "doc.upload_h5_by_url",
        {"h5_doc_url": "https://h5.example/", "room_id": ROOM_ID},
        {"h5_doc_url": "https://h5.example/", "room_id": ROOM},
        id="h5-room",
    ),
    pytest.param(
        "doc.bind_doc_multi",
        {"room_ids": [ROOM_ID, "26010100000001"], "fid": 11},
        {"room_ids": f"{ROOM},26010100000001", "fid": "11"},
        id="bind-multi",
    ),
    # ---- hudong
    pytest.param(
        "hudong.interact_info_get_interact_list",
        {"room_id": ROOM_ID, "type": "checkin"},
        {"room_id": ROOM, "type": "checkin"},
        id="interact-list",
    ),
    pytest.param(
        "hudong.interact_info_get_interact_list",
        {
            "room_id": ROOM_ID,
            "type": 2,
            "page": 1,
            "page_size": 50,
            "begin_time": dt.datetime(2027, 1, 15, 9, 0),  # naive: the client's tz (Beijing)
            "end_time": dt.datetime(2027, 1, 15, 3, 30, tzinfo=UTC),
        },
        {
            "room_id": ROOM,
            "type": "2",
            "page": "1",
            "page_size": "50",
            "begin_time": "2027-01-15 09:00:00",
            "end_time": "2027-01-15 11:30:00",
        },
        id="interact-list-times",
    ),
    pytest.param(
        "hudong.interact_info_get_interact_detail",
        {"room_id": ROOM_ID, "type": "vote", "begin_time": NOW, "end_time": "2027-01-16 00:00:00"},
        {
            "room_id": ROOM,
            "type": "vote",
            "begin_time": "2027-01-15 16:00:00",
            "end_time": "2027-01-16 00:00:00",
        },
        id="interact-detail",
    ),
    pytest.param(
        "hudong.interact_data_get_class_vote_data",
        {"room_id": ROOM_ID, "type": "single", "sub_type": 1, "date": dt.date(2027, 1, 15)},
        {"room_id": ROOM, "type": "single", "sub_type": "1", "date": "2027-01-15"},
        id="votes",
    ),
    pytest.param(
        "hudong.interact_data_get_red_package_data",
        {"room_id": ROOM_ID, "date": dt.datetime(2027, 1, 15, 20, 0, tzinfo=UTC)},
        {"room_id": ROOM, "date": "2027-01-16"},  # 20:00 UTC is the next day in Beijing
        id="red-packages",
    ),
    pytest.param(
        "hudong.interact_data_get_random_ask_data",
        {"room_id": ROOM_ID, "type": 1, "date": "2027-01-15", "page": 3, "page_size": 1},
        {"room_id": ROOM, "type": "1", "date": "2027-01-15", "page": "3", "page_size": "1"},
        id="random-asks",
    ),
    pytest.param(
        "hudong.interact_data_get_ai_user_count_data",
        {"room_id": ROOM_ID},
        {"room_id": ROOM},
        id="ai-count",
    ),
    pytest.param(
        "hudong.interact_data_save",
        {
            "assist_teacher_id": 12,
            "assist_teacher_name": "陈",
            "assist_teacher_mobile": "13800000001",
            "class_id": "c-9",
            "class_name": "一班",
            "student_list": STUDENTS,
            "origin": "huatu",
        },
        {
            "assist_teacher_id": "12",
            "assist_teacher_name": "陈",
            "assist_teacher_mobile": "13800000001",
            "class_id": "c-9",
            "class_name": "一班",
            "student_list": (
                '[{"student_id":"s1","student_name":"王小明","student_mobile":"13800000000"}]'
            ),
            "origin": "huatu",
        },
        id="roster-save",
    ),
    pytest.param(
        "hudong.interact_data_get_checkin_data",
        {"checkin_id": 77},
        {"checkin_id": "77"},
        id="checkin",
    ),
    pytest.param(
        "hudong.interact_data_delete",
        {"class_ids": ["c-1", 2]},
        {"class_ids": "c-1,2"},
        id="roster-delete",
    ),
    pytest.param("hudong.interact_data_list", {"class_id": "c-1"}, {"class_id": "c-1"}, id="ros"),
    pytest.param(
        "hudong.teacher_save",
        {"teacher_id": 5, "teacher_name": "张", "teacher_mobile": "138", "role": 2},
        {"teacher_id": "5", "teacher_name": "张", "teacher_mobile": "138", "role": "2"},
        id="teacher-save",
    ),
    pytest.param(
        "hudong.teacher_delete",
        {"teacher_id": "5", "role": 2},
        {"teacher_id": "5", "role": "2"},
        id="teacher-delete",
    ),
    pytest.param(
        "hudong.teacher_list",
        {"role": 1, "page": 1, "page_size": 20},
        {"role": "1", "page": "1", "page_size": "20"},
        id="teacher-list",
    ),
    pytest.param(
        "hudong.interact_data_update_callback_url",
        {"callback_url": "https://school.example/hd?x=1"},
        {"callback_url": "https://school.example/hd?x=1"},
        id="hudong-callback",
    ),
]

FILES = [
    # qualname, arguments without the file, expected fields, file parameter, filename
    pytest.param(
        "doc.upload_doc",
        {"room_id": ROOM_ID, "ppt_animation": 1},
        {"room_id": ROOM, "ppt_animation": "1"},
        "attachment",
        "lesson 1.pptx",
        id="upload-doc",
    ),
    pytest.param("doc.upload_doc", {}, {}, "attachment", "notes.pdf", id="upload-doc-bare"),
    pytest.param(
        "live_setting.set_watermark",
        {"pos": 2},
        {"pos": "2"},
        "attachment",
        "logo.png",
        id="watermark-image",
    ),
    pytest.param(
        "live_setting.add_quiz",
        {"is_force": 1, "product_type": 1},
        {"is_force": "1", "product_type": "1"},
        "attachment",
        "unit 1.xlsx",
        id="add-quiz",
    ),
]


# The earlier SDK's parameter order (baijiayun 1.0.1): positional calls keep working.
EARLIER_SDK_ORDER = {
    "doc.upload_doc": ["attachment", "room_id", "ppt_animation"],
    "doc.bind_doc": ["room_id", "fid"],
    "doc.list_doc": ["room_id"],
    "doc.list_all_doc": ["type"],
    "doc.remove_doc": ["room_id", "fid"],
    "doc.upload_h5_by_url": ["h5_doc_url", "room_id"],
    "doc.bind_doc_multi": ["room_ids", "fid"],
    "evaluation.get_evaluation_list": ["status", "page", "page_size"],
    "evaluation.bind_room_evaluation": ["room_id", "evaluate_id"],
    "evaluation.update_room_evaluation": ["room_id", "evaluate_id"],
    "hudong.interact_info_get_interact_list": [
        "room_id",
        "type",
        "page",
        "page_size",
        "begin_time",
        "end_time",
    ],
    "hudong.interact_info_get_interact_detail": [
        "room_id",
        "type",
        "page",
        "page_size",
        "begin_time",
        "end_time",
    ],
    "hudong.interact_data_get_class_vote_data": [
        "room_id",
        "type",
        "sub_type",
        "date",
        "page",
        "page_size",
    ],
    "hudong.interact_data_get_red_package_data": ["room_id", "type", "date", "page", "page_size"],
    "hudong.interact_data_get_random_ask_data": ["room_id", "type", "date", "page", "page_size"],
    "hudong.interact_data_get_ai_user_count_data": ["room_id", "date", "page", "page_size"],
    "hudong.interact_data_save": [
        "assist_teacher_id",
        "assist_teacher_name",
        "assist_teacher_mobile",
        "class_id",
        "class_name",
        "student_list",
        "origin",
    ],
    "hudong.interact_data_get_checkin_data": ["checkin_id"],
    "hudong.interact_data_delete": ["class_ids"],
    "hudong.interact_data_list": ["class_id"],
    "hudong.teacher_save": ["teacher_id", "teacher_name", "teacher_mobile", "role"],
    "hudong.teacher_delete": ["teacher_id", "role"],
    "hudong.teacher_list": ["role", "page", "page_size"],
    "hudong.interact_data_update_callback_url": ["callback_url"],
    "live.get_live_status": ["room_id"],
    "live.get_teacher_online_status": ["room_id"],
    "live.get_user_count": ["room_id"],
    "live.set_notify": ["room_id", "content"],
    "live.send_chat_message": ["message_list"],
    "live.stop_cloud_record": ["room_id"],
    "live.trans_cloud_record": ["room_id"],
    "live_setting.set_watermark": ["pos", "attachment", "product_type"],
    "live_setting.get_watermark": ["product_type"],
    "live_setting.get_sensitive_word": ["page", "page_size", "product_type"],
    "live_setting.add_sensitive_word_batch": ["words", "product_type"],
    "live_setting.delete_sensitive_word_batch": ["ids", "product_type"],
    "live_setting.get_live_horse_lamp": ["product_type"],
    "live_setting.set_live_horse_lamp": [
        "product_type",
        "type",
        "value",
        "color",
        "font_size",
        "opacity",
    ],
    "live_setting.add_notice": ["content", "link", "product_type"],
    "live_setting.get_notice_list": ["page", "page_size", "query", "product_type"],
    "live_setting.delete_notice_batch": ["ids", "product_type"],
    "live_setting.add_quiz": ["attachment", "is_force", "product_type"],
    "live_setting.get_quiz_list": ["page", "page_size", "query", "product_type"],
    "live_setting.delete_quiz": ["id", "product_type"],
    "live_setting.set_max_red_package_count": ["max_count", "product_type"],
    "live_setting.get_max_red_package_count": ["product_type"],
    "notice.get_room_notice_list": ["room_id", "product_type"],
    "notice.assign_room_notice": ["room_id", "notice_ids", "product_type"],
    "notice.batch_delete_room_notice": ["room_id", "notice_ids", "product_type"],
    "quiz.assign_room_paper": ["paper_ids", "room_id", "product_type"],
    "quiz.get_room_quiz_list": ["room_id", "product_type"],
    "quiz.batch_delete_room_paper": ["room_id", "paper_ids", "product_type"],
}


def _expect(sent: Any, path: str, fields: dict[str, str]) -> None:
    assert sent.method == "POST"
    assert sent.path == path
    want = {**fields, "partner_id": PARTNER_ID, "timestamp": str(NOW)}
    want["sign"] = ref_sign(want.items(), PARTNER_KEY)
    assert sent.form == want


def test_every_classroom_endpoint_is_on_the_wire_table() -> None:
    covered = {p.values[0] for p in WIRE} | {p.values[0] for p in FILES}
    declared = {s.qualname for s in REGISTRY if s.group in GROUPS}
    assert covered == declared
    assert len(declared) == 54


@pytest.mark.parametrize(("qualname", "args", "fields"), WIRE)
def test_form_fields_sent(harness: Any, qualname: str, args: dict, fields: dict) -> None:
    call(harness, qualname, **args)
    sent = harness.api.last
    assert len(harness.api.sent) == 1
    assert sent.content_type == "application/x-www-form-urlencoded"
    assert sent.files == {}
    _expect(sent, REGISTRY[qualname].path, fields)


@pytest.mark.parametrize(("qualname", "args", "fields"), WIRE)
def test_positional_calls_send_the_same(
    harness: Any, qualname: str, args: dict, fields: dict
) -> None:
    """Arguments given by position, in the earlier SDK's order (None for a gap: not sent)."""
    names = [p.name for p in REGISTRY[qualname].params]
    last = max((names.index(k) for k in args), default=-1)
    call(harness, qualname, *[args.get(n) for n in names[: last + 1]])
    _expect(harness.api.last, REGISTRY[qualname].path, fields)


@pytest.mark.parametrize("qualname", sorted(EARLIER_SDK_ORDER))
def test_parameters_keep_the_earlier_order_and_send_nothing_by_default(qualname: str) -> None:
    spec = REGISTRY[qualname]
    assert [p.name for p in spec.params][: len(EARLIER_SDK_ORDER[qualname])] == (
        EARLIER_SDK_ORDER[qualname]
    )
    assert all(p.default is None for p in spec.params if not p.required)
    assert not any(p.keyword_only for p in spec.params)  # nothing added after the earlier SDK's


def test_the_endpoints_the_earlier_sdk_missed() -> None:
    start, stop = REGISTRY["live.start_class"], REGISTRY["live.stop_class"]
    assert (start.path, stop.path) == ("/openapi/live/startClass", "/openapi/live/stopClass")
    assert [p.name for p in start.params] == ["room_id"]
    assert [(p.name, p.required) for p in stop.params] == [
        ("room_id", True),
        ("is_kick_out_all", False),
    ]
    assert set(EARLIER_SDK_ORDER) | {"live.start_class", "live.stop_class"} == {
        s.qualname for s in REGISTRY if s.group in GROUPS
    }


@pytest.mark.parametrize(("qualname", "args", "fields", "param", "filename"), FILES)
def test_files_go_as_multipart_parts_and_are_not_signed(
    harness: Any, tmp_path: Any, qualname: str, args: dict, fields: dict, param: str, filename: str
) -> None:
    path = tmp_path / filename
    content = b"\x00\x01 binary \xff" * 100
    path.write_bytes(content)
    call(harness, qualname, **{param: path}, **args)
    sent = harness.api.last
    assert sent.content_type.startswith("multipart/form-data; boundary=")
    assert sent.files == {param: (filename, content)}
    _expect(sent, REGISTRY[qualname].path, fields)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(("slides.pdf", b"PDFDATA"), id="tuple-bytes"),
        pytest.param(("slides.pdf", io.BytesIO(b"PDFDATA")), id="tuple-fileobj"),
        pytest.param("path", id="path"),
        pytest.param("fileobj", id="named-fileobj"),
    ],
)
def test_upload_doc_takes_every_file_form(harness: Any, tmp_path: Any, value: Any) -> None:
    path = tmp_path / "slides.pdf"
    path.write_bytes(b"PDFDATA")
    handle = None
    if value == "path":
        value = str(path)
    elif value == "fileobj":
        value = handle = path.open("rb")
    try:
        result = call(harness, "doc.upload_doc", value)
    finally:
        if handle is not None:
            handle.close()
    assert harness.api.last.files == {"attachment": ("slides.pdf", b"PDFDATA")}
    assert isinstance(result, Document)
    assert result.fid == DEFAULT_DATA["/openapi/doc/uploadDoc"]["fid"]


# --------------------------------------------------------------------------- hosts
HUDONG_PATH = "/openapi/interact_data/getCheckinData"


@pytest.mark.parametrize(
    ("settings", "hudong", "own"),
    [
        pytest.param({}, HUDONG, "https://api.baijiayun.com", id="default"),
        pytest.param(
            {"private_domain": "e12345678"},
            HUDONG,
            "https://e12345678.at.baijiayun.com",
            id="private-domain",
        ),
        pytest.param(
            {"base_url": "http://127.0.0.1:8123/"},
            "http://127.0.0.1:8123",
            "http://127.0.0.1:8123",
            id="explicit-base-url",
        ),
    ],
)
def test_hudong_goes_to_its_host_unless_base_url_is_set(
    make_harness: Any, mode: str, settings: dict, hudong: str, own: str
) -> None:
    h = make_harness(mode, **settings)
    call(h, "hudong.interact_data_get_checkin_data", 77)
    call(h, "live.get_user_count", ROOM_ID)
    call(h, "hudong.teacher_list", 1, 1, 20)
    assert [s.url.split("?")[0] for s in h.api.sent] == [
        hudong + HUDONG_PATH,
        own + "/openapi/live/getUserCount",
        hudong + "/openapi/teacher/list",
    ]
    assert all(s.sign_ok() for s in h.api.sent)


def test_every_hudong_endpoint_declares_the_hudong_host() -> None:
    specs = [s for s in REGISTRY if s.group == "hudong"]
    assert len(specs) == 14
    assert {s.host for s in specs} == {HUDONG + "/"}
    assert all(s.host is None for s in REGISTRY if s.group in GROUPS and s.group != "hudong")


def test_livesetting_is_an_alias_of_live_setting(harness: Any) -> None:
    assert REGISTRY.groups["live_setting"].aliases == ("livesetting",)
    assert type(harness.client.livesetting) is type(harness.client.live_setting)
    call(harness, "livesetting.get_watermark", product_type=1)
    assert harness.api.last.path == "/openapi/live_setting/getWatermark"
    assert REGISTRY["livesetting.get_watermark"] is REGISTRY["live_setting.get_watermark"]


# --------------------------------------------------------------------------- checks
@pytest.mark.parametrize(
    ("qualname", "args", "param"),
    [
        pytest.param("live_setting.set_watermark", {"pos": 5}, "pos", id="pos"),
        pytest.param("live_setting.get_watermark", {"product_type": 5}, "product_type", id="pt"),
        pytest.param(
            "live_setting.set_max_red_package_count", {"max_count": 1001}, "max_count", id="max"
        ),
        pytest.param("live_setting.set_live_horse_lamp", {"type": 3}, "type", id="lamp-type"),
        pytest.param("live_setting.set_live_horse_lamp", {"opacity": "x"}, "opacity", id="nan"),
        pytest.param("doc.list_all_doc", {"type": "mine"}, "type", id="doc-origin"),
        pytest.param("doc.upload_h5_by_url", {"h5_doc_url": "ftp://h5/"}, "h5_doc_url", id="ftp"),
        pytest.param("doc.bind_doc", {"room_id": ROOM_ID, "fid": 0}, "fid", id="fid"),
        pytest.param(
            "live.send_chat_message",
            {"message_list": [{"class_id": 1}]},
            "message_list",
            id="message-content",
        ),
        pytest.param("live.send_chat_message", {"message_list": []}, "message_list", id="empty"),
        pytest.param(
            "hudong.interact_data_update_callback_url",
            {"callback_url": "school.example"},
            "callback_url",
            id="callback",
        ),
        pytest.param("hudong.interact_data_delete", {"class_ids": []}, "class_ids", id="no-ids"),
    ],
)
def test_platform_rules_are_checked_before_sending(
    harness: Any, qualname: str, args: dict, param: str
) -> None:
    with pytest.raises(ValidationError) as info:
        call(harness, qualname, **args)
    assert info.value.param == param
    assert harness.api.sent == []


ELEVEN = [chat_message(ROOM_ID, f"m{i}", 7) for i in range(11)]


@pytest.mark.parametrize(
    ("qualname", "args", "param"),
    [
        pytest.param("live.send_chat_message", {"message_list": ELEVEN}, "message_list", id="11"),
        pytest.param(
            "live_setting.add_sensitive_word_batch", {"words": ["a,b"]}, "words", id="comma"
        ),
        pytest.param("live_setting.add_sensitive_word_batch", {"words": []}, "words", id="none"),
        pytest.param("live_setting.set_live_horse_lamp", {"opacity": 1.5}, "opacity", id="op"),
        pytest.param("live_setting.set_live_horse_lamp", {"color": "red"}, "color", id="color"),
        pytest.param("live_setting.set_live_horse_lamp", {"font_size": 0}, "font_size", id="fs"),
        pytest.param(
            "live_setting.add_notice", {"content": "c", "link": "www.x"}, "link", id="link"
        ),
        pytest.param("doc.upload_h5_by_url", {"h5_doc_url": "http://h5/"}, "h5_doc_url", id="h5"),
        pytest.param("live.stop_class", {"room_id": 1, "is_kick_out_all": 2}, "is_kick_out_all"),
        pytest.param("evaluation.get_evaluation_list", {"page": 0}, "page", id="page"),
    ],
)
def test_sdk_only_checks_can_be_skipped(
    harness: Any, qualname: str, args: dict, param: str
) -> None:
    with pytest.raises(ValidationError) as info:
        call(harness, qualname, **args)
    assert info.value.param == param
    assert harness.api.sent == []
    call(harness.with_options(validate=False), qualname, **args)
    assert len(harness.api.sent) == 1
    assert param in harness.api.last.form


def test_file_rules_are_checked_before_anything_is_read(harness: Any, tmp_path: Any) -> None:
    big = tmp_path / "logo.png"
    big.write_bytes(b"x" * ((1 << 20) + 1))
    with pytest.raises(ValidationError) as info:
        call(harness, "live_setting.set_watermark", 1, big)
    assert (info.value.param, info.value.rule) == ("attachment", "at most 1 MB")
    with pytest.raises(ValidationError) as info:
        call(harness, "live_setting.add_quiz", ("quiz.csv", b"a,b"))
    assert info.value.rule == "must be one of .xls, .xlsx"
    with pytest.raises(ValidationError) as info:
        call(harness, "doc.upload_doc", b"%PDF bare bytes have no name")
    assert "file name" in info.value.rule
    with pytest.raises(ValidationError) as info:
        call(harness, "doc.upload_doc", ("virus.exe", b"MZ"))
    assert info.value.rule.startswith("must be one of .doc")
    assert harness.api.sent == []
    exactly = tmp_path / "fits.png"
    exactly.write_bytes(b"x" * (1 << 20))
    call(harness, "live_setting.set_watermark", 1, exactly)
    assert harness.api.last.files["attachment"][1] == exactly.read_bytes()


def test_a_file_object_is_measured_whole_without_moving_it(harness: Any) -> None:
    handle = io.BytesIO(b"y" * ((1 << 20) + 10))
    handle.seek(20)  # a file object is sent from its start: all of it counts
    with pytest.raises(ValidationError):
        call(harness, "live_setting.set_watermark", 1, ("logo.png", handle))
    assert handle.tell() == 20
    fits = io.BytesIO(b"y" * (1 << 20))
    fits.seek(5)
    call(harness, "live_setting.set_watermark", 1, ("logo.png", fits))
    assert len(harness.api.last.files["attachment"][1]) == 1 << 20


# --------------------------------------------------------------------------- results
def test_chat_message_builds_the_platforms_shape() -> None:
    message = chat_message(ROOM_ID, "hi", 42, "Li", user_role=1, user_avatar="https://a/x.png")
    assert message == {
        "message_type": "message_send",
        "class_id": ROOM_ID,
        "content": "hi",
        "to": "-1",
        "from": {"id": 42, "number": "42", "name": "Li", "type": 1, "avatar": "https://a/x.png"},
        "uid": 42,
        "agent_id": 0,
        "group": 0,
    }
    assert chat_message(1, "x", 5, time=1_700_000_000)["time"] == 1_700_000_000
    assert chat_message(1, "x", 5)["from"]["name"] == "5"


def test_status_answers_are_unwrapped_to_ints(harness: Any) -> None:
    harness.api.script("/openapi/live/getLiveStatus", {"status": 1})
    assert call(harness, "live.get_live_status", ROOM_ID) == LiveStatus.LIVE
    harness.api.script("/openapi/live/getTeacherOnlineStatus", {"status": "0"})
    assert call(harness, "live.get_teacher_online_status", ROOM_ID) == 0
    harness.api.script("/openapi/doc/removeDoc", {"fid": "11"})
    assert call(harness, "doc.remove_doc", ROOM_ID, 11) == 11
    harness.api.script("/openapi/interact_data/delete", {"result": 2})
    assert call(harness, "hudong.interact_data_delete", ["a", "b"]) == 2
    harness.api.script("/openapi/live_setting/getMaxRedPackageCount", {"max_count": "300"})
    assert call(harness, "live_setting.get_max_red_package_count") == 300


def test_results_are_typed_models(harness: Any) -> None:
    count = call(harness, "live.get_user_count", ROOM_ID)
    assert isinstance(count, UserCount)
    assert count.user_count == DEFAULT_DATA["/openapi/live/getUserCount"]["user_count"]
    assert isinstance(call(harness, "live_setting.get_watermark"), Watermark)
    lamp = call(harness, "live_setting.get_live_horse_lamp")
    assert isinstance(lamp, HorseLamp)
    words = call(harness, "live_setting.get_sensitive_word")
    assert isinstance(words, SensitiveWords)
    assert words.items and words.items[0].create_time is not None
    assert words.items[0].create_time.utcoffset() == dt.timedelta(hours=8)
    assert isinstance(call(harness, "live_setting.add_notice", "c", ""), NoticeCreated)
    assert isinstance(call(harness, "live_setting.get_notice_list"), NoticeList)
    assert isinstance(call(harness, "live_setting.add_quiz", ("q.xls", b"x")), QuizCreated)
    docs = call(harness, "doc.list_doc", ROOM_ID)
    assert docs and all(isinstance(d, Document) for d in docs)
    assert isinstance(call(harness, "hudong.interact_data_get_checkin_data", 1), CheckinData)
    assert isinstance(call(harness, "hudong.interact_data_list", "c-1"), ClassRoster)
    assert isinstance(call(harness, "hudong.teacher_list", 1, 1, 20), TeacherList)


def test_money_is_decimal_and_times_are_aware(harness: Any) -> None:
    path = "/openapi/interact_data/getRedPackageData"
    first = answer(path)["list"][0]
    harness.api.script(
        path, answer(path, list=[{**first, "amount": "0.10", "time": "2027-01-15 20:00:00"}])
    )
    records = call(harness, "hudong.interact_data_get_red_package_data", ROOM_ID)
    assert isinstance(records, RedPackageRecords)
    assert records.items[0].amount == Decimal("0.10")
    assert records.items[0].time == dt.datetime(2027, 1, 15, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("method", "path", "extra"),
    [
        ("iter_sensitive_words", "/openapi/live_setting/getSensitiveWord", "product_type"),
        ("iter_notices", "/openapi/live_setting/getNoticeList", "query"),
        ("iter_quizzes", "/openapi/live_setting/getQuizList", "query"),
    ],
)
def test_iterators_walk_every_page_of_page_size(
    harness: Any, method: str, path: str, extra: str
) -> None:
    size = 20  # the platform's default page size, sent by the iterators
    item = answer(path)["list"][0]
    pages = [
        answer(path, list=[{**item, "id": n} for n in range(i * size, (i + 1) * size)])
        for i in range(2)
    ]
    last = answer(path, list=[{**item, "id": 999}])
    harness.api.script(path, *pages, last)
    value = 2 if extra == "product_type" else "q"
    items = harness.collect(getattr(harness.client.live_setting, method)(**{extra: value}))
    assert [i.id for i in items] == [*range(2 * size), 999]
    sent = harness.api.to(path)
    assert [s.form["page"] for s in sent] == ["1", "2", "3"]
    assert {s.form["page_size"] for s in sent} == {str(size)}
    assert {s.form[extra] for s in sent} == {str(value)}


def test_hudong_teacher_iterator_takes_its_required_paging(harness: Any) -> None:
    path = "/openapi/teacher/list"
    teacher = answer(path)["list"][0]
    harness.api.script(
        path,
        answer(path, list=[teacher, teacher]),
        answer(path, list=[teacher]),
    )
    items = harness.collect(harness.client.hudong.iter_teachers(1, 2, 2))
    assert len(items) == 3
    assert [s.form["page"] for s in harness.api.to(path)] == ["2", "3"]


def test_structured_values_are_signed_exactly_as_sent(harness: Any) -> None:
    call(harness, "hudong.interact_data_save", 1, "a", "1", "c", "n", STUDENTS, "o")
    sent = harness.api.last
    assert json.loads(sent.form["student_list"]) == STUDENTS
    assert sent.sign_ok()
    assert "\\u" not in sent.form["student_list"]  # Chinese is sent as is, not escaped


@pytest.mark.parametrize(
    ("settings", "hudong", "own"),
    [
        pytest.param(
            {"hosts": {"hudong": "https://hudong.baijiayun.com"}},
            "https://hudong.baijiayun.com",
            "https://api.baijiayun.com",
            id="hudong-over-https",
        ),
        pytest.param(
            {"hosts": {"hudong": "https://hudong.baijiayun.com", "livesetting": "https://ls/"}},
            "https://hudong.baijiayun.com",
            "https://api.baijiayun.com",
            id="an-earlier-spelling-names-its-group",
        ),
        pytest.param(
            {"base_url": "http://127.0.0.1:8123/", "hosts": {"hudong": "http://127.0.0.1:9/"}},
            "http://127.0.0.1:9",
            "http://127.0.0.1:8123",
            id="hosts-win-over-base-url",
        ),
    ],
)
def test_a_groups_host_can_be_set_by_name(
    make_harness: Any, mode: str, settings: dict, hudong: str, own: str
) -> None:
    h = make_harness(mode, **settings)
    call(h, "hudong.teacher_list", 1, 1, 20)
    call(h, "live.get_user_count", ROOM_ID)
    call(h, "live_setting.get_watermark")
    livesetting = settings["hosts"].get("livesetting", own + "/").rstrip("/")
    assert [s.url.split("?")[0] for s in h.api.sent] == [
        hudong + "/openapi/teacher/list",
        own + "/openapi/live/getUserCount",
        livesetting + "/openapi/live_setting/getWatermark",
    ]


@pytest.mark.parametrize(
    ("hosts", "words"),
    [
        ({"hudongg": "https://x.example/"}, "no group named 'hudongg'"),
        ({"hudong": "ftp://x.example/"}, "http"),
        ({"hudong": "https://x.example/?q=1"}, "query"),
        (["hudong"], "mapping"),
    ],
)
def test_bad_hosts_are_refused_when_the_client_is_built(hosts: Any, words: str) -> None:
    from baijiayun import BaiJiaYunClient, ConfigurationError

    with pytest.raises(ConfigurationError, match=words):
        BaiJiaYunClient(12345678, partner_key="k" * 40, hosts=hosts)
