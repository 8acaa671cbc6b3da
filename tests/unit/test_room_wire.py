"""Room API on the wire: exact path and form body of every method, sync and async."""

from __future__ import annotations

import datetime as dt
import inspect
import io
from zoneinfo import ZoneInfo

import pytest

from baijiayun import ValidationError
from baijiayun._signing import encode_value
from baijiayun.api import REGISTRY
from baijiayun.api.room import Room
from baijiayun.models import (
    AuditionCodes,
    CodeInfo,
    CodeList,
    GroupSubRooms,
    PushLiveUrl,
    RoomCreated,
    RoomInfo,
    RoomSummary,
    SpotVideos,
)

from .conftest import DEFAULT_DATA, NOW, PARTNER_ID, PARTNER_KEY, ROOM_ID, answer, ref_sign

CREATE = "/openapi/room/create"
INFO = "/openapi/room/info"
LIST = "/openapi/room/list"

START = NOW + 5 * 86400  # five days after "now"
END = START + 3600
AVATAR = "https://cdn.example.com/a/b.png?x=1&y=2"

# method, seed-named required arguments (in the seed's positional order),
# optional keyword arguments, path, expected business fields (text as sent)
CASES = [
    (
        "create",
        {"title": "Maths 数学", "start_time": START, "end_time": END, "type": 2},
        {},
        "/openapi/room/create",
        {"title": "Maths 数学", "start_time": str(START), "end_time": str(END), "type": "2"},
    ),
    (
        "create",
        {"title": "Small", "start_time": START, "end_time": END, "type": 4},
        {
            "max_users": 6,
            "is_long_term": 0,
            "template_name": "single",
            "end_delay_time": 7200,
            "max_backup_users": 300,
            "has_student_raise": True,
            "app_template": 2,
        },
        "/openapi/room/create",
        {
            "title": "Small",
            "start_time": str(START),
            "end_time": str(END),
            "type": "4",
            "max_users": "6",
            "is_long_term": "0",
            "template_name": "single",
            "end_delay_time": "7200",
            "max_backup_users": "300",
            "has_student_raise": "1",
            "app_template": "2",
        },
    ),
    (
        "update",
        {"room_id": ROOM_ID},
        {
            "title": "New",
            "start_time": START,
            "end_time": END,
            "max_users": 0,
            "forbidden_end_types": ["web", "h5"],
            "is_private": 3,
        },
        "/openapi/room/update",
        {
            "room_id": str(ROOM_ID),
            "title": "New",
            "start_time": str(START),
            "end_time": str(END),
            "max_users": "0",
            "forbidden_end_types": "web,h5",
            "is_private": "3",
        },
    ),
    ("delete", {"room_id": ROOM_ID}, {}, "/openapi/room/delete", {"room_id": str(ROOM_ID)}),
    ("info", {"room_id": ROOM_ID}, {}, "/openapi/room/info", {"room_id": str(ROOM_ID)}),
    (
        "getcode",
        {"room_id": ROOM_ID, "user_number": 42},
        {"user_avatar": AVATAR},
        "/openapi/room/getcode",
        {"room_id": str(ROOM_ID), "user_number": "42", "user_avatar": AVATAR},
    ),
    (
        "getcode",
        {"room_id": str(ROOM_ID), "user_number": "9999999999999999999"},
        {"update_audition_type": 1},
        "/openapi/room/getcode",
        {
            "room_id": str(ROOM_ID),
            "user_number": "9999999999999999999",
            "update_audition_type": "1",
        },
    ),
    (
        "get_code_info",
        {"code": "abc123"},
        {},
        "/openapi/room/getCodeInfo",
        {"code": "abc123"},
    ),
    (
        "listcode",
        {"room_id": ROOM_ID},
        {"type": 1, "page": 2, "limit": 1000},
        "/openapi/room/listcode",
        {"room_id": str(ROOM_ID), "type": "1", "page": "2", "limit": "1000"},
    ),
    ("listcode", {"room_id": ROOM_ID}, {}, "/openapi/room/listcode", {"room_id": str(ROOM_ID)}),
    (
        "list",
        {},
        {"page": 3, "limit": 50, "product_type": 4},
        "/openapi/room/list",
        {"page": "3", "limit": "50", "product_type": "4"},
    ),
    ("list", {}, {}, "/openapi/room/list", {}),
    (
        "get_audition_code",
        {"room_id": ROOM_ID, "user_numbers": [5, 6, 7]},
        {"user_avatar": AVATAR, "audition_length": 3600},
        "/openapi/room/getAuditionCode",
        {
            "room_id": str(ROOM_ID),
            "user_numbers": "5,6,7",
            "user_avatar": AVATAR,
            "audition_length": "3600",
        },
    ),
    (
        "create_group_live_codes",
        {"room_id": ROOM_ID, "number": 5},
        {},
        "/openapi/room/createGroupLiveCodes",
        {"room_id": str(ROOM_ID), "number": "5"},
    ),
    (
        "get_group_live_codes",
        {"room_id": ROOM_ID},
        {},
        "/openapi/room/getGroupLiveCodes",
        {"room_id": str(ROOM_ID)},
    ),
    (
        "get_push_live_url",
        {"room_id": ROOM_ID},
        {},
        "/openapi/room/getPushLiveUrl",
        {"room_id": str(ROOM_ID)},
    ),
    (
        "get_group_sub_room_id",
        {"room_id": ROOM_ID},
        {},
        "/openapi/room/getGroupSubRoomId",
        {"room_id": str(ROOM_ID)},
    ),
    (
        "get_pull_stream_url",
        {"room_id": ROOM_ID},
        {},
        "/openapi/room/getPullStreamUrl",
        {"room_id": str(ROOM_ID)},
    ),
    (
        "set_spot_video",
        {"room_id": ROOM_ID, "video_ids": [11, 22, 33]},
        {},
        "/openapi/room/setSpotVideo",
        {"room_id": str(ROOM_ID), "video_ids": "11,22,33"},
    ),
    (
        "get_spot_video",
        {"room_id": ROOM_ID},
        {},
        "/openapi/room/getSpotVideo",
        {"room_id": str(ROOM_ID)},
    ),
]

ROOM_METHODS = [
    "create",
    "update",
    "delete",
    "info",
    "getcode",
    "get_code_info",
    "listcode",
    "list",
    "get_audition_code",
    "create_group_live_codes",
    "get_group_live_codes",
    "get_push_live_url",
    "get_group_sub_room_id",
    "get_pull_stream_url",
    "set_spot_video",
    "get_spot_video",
]

# The earlier SDK's parameter order (seed): positional calls must keep working.
SEED_POSITIONAL = {
    "create": [
        "title",
        "start_time",
        "end_time",
        "type",
        "industry_type",
        "max_users",
        "pre_enter_time",
        "is_long_term",
        "is_group_live",
        "template_name",
        "speak_camera_turnon",
        "teacher_need_detect_device",
        "student_need_detect_device",
        "is_video_main",
        "m_is_video_main",
        "is_mock_live",
        "is_push_live",
        "is_webrtc_live",
        "mock_room_id",
        "mock_session_id",
        "mock_video_id",
        "switch_room_role",
        "enable_share",
        "enable_group_users_public",
        "group_admin_permission",
        "enable_group_chat_public",
        "new_group_live",
        "mock_live_record",
        "enable_weixin_auth",
        "has_student_raise",
        "end_delay_time",
        "class_end_operation",
        "disable_switch_class",
        "max_backup_users",
        "auto_on_stage",
        "has_foreign_user",
        "background_attachment",
        "whiteboard_attachment",
        "template_type",
        "enable_cloud_record",
    ],
    "update": [
        "room_id",
        "title",
        "start_time",
        "end_time",
        "max_users",
        "pre_enter_time",
        "template_name",
        "forbidden_end_types",
        "is_video_main",
        "m_is_video_main",
        "mock_room_id",
        "mock_session_id",
        "mock_video_id",
        "switch_room_role",
        "enable_cloud_record",
        "class_end_operation",
        "disable_switch_class",
        "max_backup_users",
        "background_attachment",
        "whiteboard_attachment",
        "template_type",
    ],
    "delete": ["room_id"],
    "info": ["room_id"],
    "getcode": ["room_id", "user_number", "user_avatar"],
    "get_code_info": ["code"],
    "listcode": ["room_id", "type", "page", "limit"],
    "list": ["page", "limit", "product_type"],
    "get_audition_code": ["room_id", "user_numbers", "user_avatar", "audition_length"],
    "create_group_live_codes": ["room_id", "number"],
    "get_group_live_codes": ["room_id"],
    "get_push_live_url": ["room_id"],
    "get_group_sub_room_id": ["room_id"],
    "get_pull_stream_url": ["room_id"],
    "set_spot_video": ["room_id", "video_ids"],
    "get_spot_video": ["room_id"],
}


def _case_id(case) -> str:
    method, _, optional, _, _ = case
    return method + ("+opts" if optional else "")


def _check_body(sent, path, expected) -> None:
    assert sent.method == "POST"
    assert sent.path == path
    assert sent.content_type == "application/x-www-form-urlencoded"
    assert sent.files == {}
    want = {**expected, "partner_id": PARTNER_ID, "timestamp": str(NOW)}
    want["sign"] = ref_sign(want.items(), PARTNER_KEY)
    assert sent.form == want


def test_every_room_method_is_covered() -> None:
    assert sorted({c[0] for c in CASES}) == sorted(ROOM_METHODS)
    room_paths = {spec.path for spec in REGISTRY if spec.group == "room"}
    assert {c[3] for c in CASES} == room_paths


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_positional_call_wire(harness, case) -> None:
    method, required, optional, path, expected = case
    harness.room(method, *required.values(), **optional)
    assert len(harness.api.sent) == 1
    _check_body(harness.api.last, path, expected)


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_keyword_call_wire(harness, case) -> None:
    method, required, optional, path, expected = case
    harness.room(method, **required, **optional)
    assert len(harness.api.sent) == 1
    _check_body(harness.api.last, path, expected)


@pytest.mark.parametrize("method", ROOM_METHODS)
def test_parameter_order_follows_the_seed(method) -> None:
    endpoint_spec = Room.__dict__[method].spec
    names = [p.name for p in endpoint_spec.params]
    seed = SEED_POSITIONAL[method]
    assert names[: len(seed)] == seed
    # Parameters the seed did not have are keyword-only.
    params = list(endpoint_spec.signature.parameters.values())[1:]
    for p in params[len(seed) :]:
        assert p.kind is p.KEYWORD_ONLY, p.name


def test_create_fully_positional_like_the_seed(harness) -> None:
    """Every one of the seed's 40 positional create parameters lands on its own name."""
    names = SEED_POSITIONAL["create"]
    values: list = []
    for i, name in enumerate(names):
        if name in ("title",):
            values.append("T")
        elif name in ("start_time", "end_time"):
            values.append(START if name == "start_time" else END)
        elif name in ("background_attachment", "whiteboard_attachment"):
            values.append(None)
        elif name == "template_name":
            values.append("classic")
        else:
            values.append(100 + i)
    harness.with_options(validate=False).room("create", *values)
    form = harness.api.last.form
    for name, value in zip(names, values, strict=True):
        if value is None:
            assert name not in form
        else:
            assert form[name] == str(value), name
    assert harness.api.last.sign_ok()


def test_create_with_only_required_sends_exactly_those(harness) -> None:
    harness.room("create", "t", START, END, 2)
    assert [k for k, _ in harness.api.last.pairs] == [
        "title",
        "start_time",
        "end_time",
        "type",
        "partner_id",
        "timestamp",
        "sign",
    ]


def test_seed_style_delete_and_get_spot_video(harness) -> None:
    harness.room("delete", ROOM_ID)
    assert harness.api.last.form["room_id"] == str(ROOM_ID)
    harness.room("get_spot_video", ROOM_ID)
    assert "video_ids" not in harness.api.last.form
    with pytest.raises(TypeError):
        harness.client.room.get_spot_video(ROOM_ID, video_ids="1")
    with pytest.raises(TypeError):
        harness.client.room.delete()


def test_bad_call_shapes_raise_type_error(harness) -> None:
    with pytest.raises(TypeError):
        harness.client.room.info()
    with pytest.raises(TypeError):
        harness.client.room.info(ROOM_ID, room_id=ROOM_ID)
    with pytest.raises(TypeError):
        harness.client.room.info(room_idd=ROOM_ID)
    with pytest.raises(TypeError):
        harness.client.room.create("t", START)
    # keyword-only additions cannot be given positionally
    with pytest.raises(TypeError):
        harness.client.room.getcode(ROOM_ID, 1, AVATAR, 1)
    assert harness.api.sent == []


# --------------------------------------------------------------------------- datetimes
@pytest.mark.parametrize(
    "tzinfo",
    [dt.timezone.utc, dt.timezone(dt.timedelta(hours=-5)), ZoneInfo("Asia/Shanghai")],
    ids=["utc", "minus5", "shanghai"],
)
def test_aware_datetimes_are_exact(harness, tzinfo) -> None:
    start = dt.datetime(2027, 1, 20, 9, 30, 15, tzinfo=tzinfo)
    end = start + dt.timedelta(hours=2)
    harness.room("create", "t", start, end, 2)
    form = harness.api.last.form
    assert form["start_time"] == str(int(start.timestamp()))
    assert form["end_time"] == str(int(end.timestamp()))
    assert harness.api.last.sign_ok()


def test_naive_datetimes_are_read_in_beijing_time_by_default(harness) -> None:
    harness.room("create", "t", dt.datetime(2027, 1, 20, 9, 0), dt.datetime(2027, 1, 20, 10, 0), 2)
    form = harness.api.last.form
    utc = dt.timezone.utc
    assert form["start_time"] == str(int(dt.datetime(2027, 1, 20, 1, 0, tzinfo=utc).timestamp()))
    assert form["end_time"] == str(int(dt.datetime(2027, 1, 20, 2, 0, tzinfo=utc).timestamp()))


@pytest.mark.parametrize("tz", ["UTC", dt.timezone.utc])
def test_naive_datetimes_in_the_client_tz(make_harness, mode, tz) -> None:
    h = make_harness(mode, tz=tz)
    h.room("update", ROOM_ID, start_time=dt.datetime(2027, 1, 20, 9, 0))
    utc = dt.timezone.utc
    assert h.api.last.form["start_time"] == str(
        int(dt.datetime(2027, 1, 20, 9, 0, tzinfo=utc).timestamp())
    )


def test_unix_seconds_as_text_and_float(harness) -> None:
    harness.room("create", "t", str(START), float(END), 2)
    form = harness.api.last.form
    assert (form["start_time"], form["end_time"]) == (str(START), str(END))


# --------------------------------------------------------------------------- multipart
def test_multipart_when_a_file_is_given(harness, tmp_path) -> None:
    picture = tmp_path / "bg.png"
    picture.write_bytes(b"\x89PNG\r\n--fake--\x00\xff")
    harness.room(
        "create",
        "Small",
        START,
        END,
        4,
        max_users=6,
        background_attachment=picture,
        whiteboard_attachment=("board.jpg", b"JPEGDATA"),
    )
    sent = harness.api.last
    assert sent.content_type.startswith("multipart/form-data; boundary=")
    assert sent.files == {
        "background_attachment": ("bg.png", b"\x89PNG\r\n--fake--\x00\xff"),
        "whiteboard_attachment": ("board.jpg", b"JPEGDATA"),
    }
    form = sent.form
    assert set(form) == {
        "title",
        "start_time",
        "end_time",
        "type",
        "max_users",
        "partner_id",
        "timestamp",
        "sign",
    }
    # Files are not signed: the sign verifies over the text fields alone.
    assert form["sign"] == ref_sign(sent.unsigned(), PARTNER_KEY)


@pytest.mark.parametrize(
    "file_value",
    [b"RAWBYTES", io.BytesIO(b"RAWBYTES"), ("x.png", b"RAWBYTES")],
    ids=["bytes", "fileobj", "tuple"],
)
def test_update_multipart_file_forms(harness, file_value) -> None:
    harness.room("update", ROOM_ID, title="t", background_attachment=file_value)
    sent = harness.api.last
    assert sent.files["background_attachment"][1] == b"RAWBYTES"
    assert sent.form == {
        "room_id": str(ROOM_ID),
        "title": "t",
        "partner_id": PARTNER_ID,
        "timestamp": str(NOW),
        "sign": ref_sign(
            [
                ("room_id", str(ROOM_ID)),
                ("title", "t"),
                ("partner_id", PARTNER_ID),
                ("timestamp", str(NOW)),
            ],
            PARTNER_KEY,
        ),
    }


# --------------------------------------------------------------------------- results
# The fake platform answers what the sandbox answered (conftest.DEFAULT_DATA).
def test_create_result(harness) -> None:
    harness.api.script(CREATE, answer(CREATE, brand_new_field="kept"))
    result = harness.room("create", "t", START, END, 2)
    sent = DEFAULT_DATA[CREATE]
    assert isinstance(result, RoomCreated)
    assert result.room_id == sent["room_id"]
    assert len(result.room_id) == 14
    assert result["room_id"] == sent["room_id"]
    assert result["student_code"] == sent["student_code"]
    assert result.get("admin_code") == sent["admin_code"]
    assert result.get("nope", 5) == 5
    assert "teacher_code" in result
    # unknown fields are kept
    assert result["brand_new_field"] == "kept"
    assert result.to_dict()["brand_new_field"] == "kept"
    with pytest.raises(KeyError):
        result["nope"]


def test_getcode_returns_the_student_code(harness) -> None:
    code = harness.room("getcode", ROOM_ID, 42)
    assert code == DEFAULT_DATA["/openapi/room/getcode"]["student_code"]
    assert isinstance(code, str) and len(code) == 6


def test_list_returns_the_rooms(harness) -> None:
    listed = [answer(LIST)["list"][0], {**answer(LIST)["list"][0], "room_id": "1", "type": "4"}]
    harness.api.script(LIST, answer(LIST, list=[listed[0], {**listed[1], "extra": "x"}]))
    rooms = harness.room("list")
    assert isinstance(rooms, list)
    assert [type(r) for r in rooms] == [RoomSummary, RoomSummary]
    assert [r.room_id for r in rooms] == [str(ROOM_ID), "1"]
    assert rooms[1].type == 4
    assert rooms[1]["extra"] == "x"


def test_info_times_are_aware_beijing_datetimes(harness) -> None:
    harness.api.script(INFO, answer(INFO, start_time="2027-01-20 09:00:00", undocumented_flag=1))
    info = harness.room("info", ROOM_ID)
    assert isinstance(info, RoomInfo)
    assert info.room_id == str(ROOM_ID)
    assert info.type == 2
    assert info.start_time == dt.datetime(2027, 1, 20, 1, 0, tzinfo=dt.timezone.utc)
    assert info.start_time.utcoffset() == dt.timedelta(hours=8)
    assert info["undocumented_flag"] == 1


def test_listcode_and_code_info_results(harness) -> None:
    listed = answer("/openapi/room/listcode")
    two = {**listed["list"][0], "user_number": "2002", "code": "k2002x"}
    listed = {**listed, "list": [*listed["list"], two], "total": 2}
    harness.api.script("/openapi/room/listcode", listed)
    harness.api.script(
        "/openapi/room/getCodeInfo",
        answer("/openapi/room/getCodeInfo", room_id=str(ROOM_ID), user_number="1001"),
    )
    codes = harness.room("listcode", ROOM_ID)
    first = DEFAULT_DATA["/openapi/room/listcode"]["list"][0]
    assert isinstance(codes, CodeList)
    assert codes.items[0].code == first["code"]
    assert codes["list"][0].code == first["code"]
    assert codes.total == 2
    assert [c.user_number for c in codes.items][1:] == ["2002"]
    info = harness.room("get_code_info", first["code"])
    assert isinstance(info, CodeInfo)
    assert (info.room_id, info.user_number) == (str(ROOM_ID), "1001")


def test_null_data_results(harness) -> None:
    assert harness.room("update", ROOM_ID, title="x") is None
    assert harness.room("delete", ROOM_ID) is None


def test_results_of_the_other_room_calls_are_typed(harness) -> None:
    api = harness.api
    api.script("/openapi/room/getSpotVideo", {"list": [{"video_id": 10_000_001}]})
    api.script(
        "/openapi/room/getPushLiveUrl",
        answer("/openapi/room/getPushLiveUrl", push_url=f"rtmp://push.example/live/{ROOM_ID}"),
    )
    subs = answer("/openapi/room/getGroupSubRoomId")["list"][0]
    api.script(
        "/openapi/room/getGroupSubRoomId",
        {"list": [{**subs, "group_id": 1}, {**subs, "group_id": 2}]},
    )
    audition = answer("/openapi/room/getAuditionCode")["list"][0]
    api.script(
        "/openapi/room/getAuditionCode",
        {
            "list": [
                {**audition, "user_number": 7, "expire_time": "2027-01-22 16:00:00"},
                {**audition, "user_number": 8, "expire_time": "2027-01-22 16:00:00"},
            ]
        },
    )
    spots = harness.room("get_spot_video", ROOM_ID)
    assert isinstance(spots, SpotVideos)
    assert [v.video_id for v in spots.items] == [10_000_001]
    push = harness.room("get_push_live_url", ROOM_ID)
    assert isinstance(push, PushLiveUrl)
    assert push.push_url.startswith("rtmp://") and str(ROOM_ID) in push.push_url
    subs = harness.room("get_group_sub_room_id", ROOM_ID)
    assert isinstance(subs, GroupSubRooms)
    assert [s.group_id for s in subs.items] == [1, 2]
    auditions = harness.room("get_audition_code", ROOM_ID, [7, 8])
    assert isinstance(auditions, AuditionCodes)
    assert [a.user_number for a in auditions.items] == ["7", "8"]
    assert auditions.items[0].expire_time is not None


def test_both_clients_have_every_endpoint_with_one_signature(make_harness) -> None:
    """The async client's methods take the same arguments and return awaitables."""
    sync, asyn = make_harness("sync"), make_harness("async")
    for spec in REGISTRY:
        s = getattr(getattr(sync.client, spec.group), spec.name)
        a = getattr(getattr(asyn.client, spec.group), spec.name)
        assert inspect.signature(s) == inspect.signature(a), spec.qualname
        assert not inspect.iscoroutinefunction(s)
    result = asyn.client.room.info(ROOM_ID)
    assert inspect.iscoroutine(result)
    assert isinstance(asyn.loop.run_until_complete(result), RoomInfo)


# --------------------------------------------------------------------------- validation
DAY = 86400
MIN15 = 15 * 60

INVALID = [
    # (method, args, kwargs, parameter named by the error)
    ("create", ("t", START, END, 0), {}, "type"),
    ("create", ("t", START, END, 7), {}, "type"),
    ("create", ("t", START, END, "x"), {}, "type"),
    ("create", ("t", START, START - 3600, 2), {}, "end_time"),
    ("create", ("t", START, START, 2), {}, "end_time"),
    ("create", ("t", START, START + MIN15, 2), {}, "end_time"),
    ("create", ("t", START, START + MIN15 - 1, 2), {}, "end_time"),
    ("create", ("t", START, START + DAY, 2), {}, "end_time"),
    ("create", ("t", START, START + DAY + 3600, 2), {"is_long_term": 0}, "end_time"),
    ("create", ("t", NOW + 367 * DAY, NOW + 367 * DAY + 3600, 2), {}, "start_time"),
    ("create", ("t", dt.date(2027, 1, 20), END, 2), {}, "start_time"),
    ("create", ("t", START, END, 4), {"max_users": 0}, "max_users"),
    ("create", ("t", START, END, 4), {"max_users": 13}, "max_users"),
    ("create", ("t", START, END, 6), {"max_users": 2}, "max_users"),
    ("create", ("t", START, END, 6), {"max_users": 0}, "max_users"),
    ("create", ("t", START, END, 2), {"max_users": -1}, "max_users"),
    ("create", ("t", START, END, 2), {"end_delay_time": -1}, "end_delay_time"),
    ("create", ("t", START, END, 2), {"end_delay_time": 7201}, "end_delay_time"),
    ("create", ("t", START, END, 4), {"max_users": 2, "max_backup_users": 301}, "max_backup_users"),
    ("create", ("t", START, END, 2), {"template_name": "fancy"}, "template_name"),
    ("create", ("t", START, END, 2), {"template_name": ""}, "template_name"),
    ("create", (None, START, END, 2), {}, "title"),
    (
        "create",
        ("t", START, END, 2),
        {"background_attachment": "/no/such/file.png"},
        "background_attachment",
    ),
    ("create", ("t", START, END, 2), {"is_long_term": "yes"}, "is_long_term"),
    ("update", (ROOM_ID,), {"start_time": END, "end_time": START}, "end_time"),
    ("update", (ROOM_ID,), {"template_name": "fancy"}, "template_name"),
    ("update", (ROOM_ID,), {"forbidden_end_types": "ios"}, "forbidden_end_types"),
    ("update", (ROOM_ID,), {"forbidden_end_types": ["web", "ios"]}, "forbidden_end_types"),
    ("update", (ROOM_ID,), {"forbidden_end_types": "web,ios"}, "forbidden_end_types"),
    ("update", (ROOM_ID,), {"max_backup_users": 301}, "max_backup_users"),
    ("update", (0,), {"title": "x"}, "room_id"),
    ("info", (0,), {}, "room_id"),
    ("info", (-1,), {}, "room_id"),
    ("info", ("abc",), {}, "room_id"),
    ("info", (None,), {}, "room_id"),
    ("delete", (True,), {}, "room_id"),
    ("list", (), {"page": 0}, "page"),
    ("list", (), {"limit": 0}, "limit"),
    ("list", (), {"limit": 1001}, "limit"),
    ("list", (), {"product_type": 3}, "product_type"),
    ("listcode", (ROOM_ID,), {"page": 0}, "page"),
    ("listcode", (ROOM_ID,), {"limit": 0}, "limit"),
    ("listcode", (ROOM_ID,), {"limit": 1001}, "limit"),
    ("listcode", (ROOM_ID,), {"type": 2}, "type"),
    ("get_audition_code", (ROOM_ID, [1]), {"audition_length": 0}, "audition_length"),
    ("get_audition_code", (ROOM_ID, [1]), {"audition_length": 3601}, "audition_length"),
    ("get_audition_code", (ROOM_ID, [1, 0]), {}, "user_numbers"),
    ("get_audition_code", (ROOM_ID, "1,x"), {}, "user_numbers"),
    ("get_audition_code", (ROOM_ID, [1]), {"user_avatar": "a.png"}, "user_avatar"),
    ("getcode", (ROOM_ID, 0), {}, "user_number"),
    ("getcode", (ROOM_ID, -5), {}, "user_number"),
    ("getcode", (ROOM_ID, 10**19), {}, "user_number"),  # 20 digits
    ("getcode", (ROOM_ID, "12345678901234567890"), {}, "user_number"),
    ("getcode", (ROOM_ID, "abc"), {}, "user_number"),
    ("getcode", (ROOM_ID, "12a"), {}, "user_number"),
    ("getcode", (ROOM_ID, 1.5), {}, "user_number"),
    ("getcode", (ROOM_ID, 1), {"user_avatar": "ftp://x.example/a.png"}, "user_avatar"),
    ("getcode", (ROOM_ID, 1), {"user_avatar": "/a.png"}, "user_avatar"),
    ("getcode", (ROOM_ID, 1), {"user_avatar": "//x.example/a.png"}, "user_avatar"),
    ("getcode", (ROOM_ID, 1), {"user_avatar": "http://"}, "user_avatar"),
    ("getcode", (ROOM_ID, 1), {"user_avatar": ""}, "user_avatar"),
    ("create_group_live_codes", (ROOM_ID, 0), {}, "number"),
    ("set_spot_video", (ROOM_ID, [1, 2, 3, 4]), {}, "video_ids"),
    ("set_spot_video", (ROOM_ID, "1,2,3,4"), {}, "video_ids"),
    ("set_spot_video", (ROOM_ID, [0]), {}, "video_ids"),
    ("update", (ROOM_ID,), {"is_private": 7}, "is_private"),
    ("update", (ROOM_ID,), {"is_private": -1}, "is_private"),
    ("update", (ROOM_ID,), {"max_users": -1}, "max_users"),
    ("update", (ROOM_ID,), {"start_time": START, "end_time": START}, "end_time"),
    ("update", (ROOM_ID,), {"forbidden_end_types": ["web", "ios"]}, "forbidden_end_types"),
    ("list", (), {"product_type": 3}, "product_type"),
    ("listcode", (ROOM_ID,), {"type": 2}, "type"),
]


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "param"),
    INVALID,
    ids=[f"{c[0]}-{c[3]}-{i}" for i, c in enumerate(INVALID)],
)
def test_invalid_arguments_raise_before_sending(harness, method, args, kwargs, param) -> None:
    with pytest.raises(ValidationError) as info:
        harness.room(method, *args, **kwargs)
    assert info.value.param == param
    assert repr(param) in str(info.value)
    assert info.value.endpoint == f"/openapi/room/{REGISTRY_NAMES[method]}"
    assert harness.api.sent == []


REGISTRY_NAMES = {c[0]: c[3].rsplit("/", 1)[1] for c in CASES}

VALID_EDGES = [
    ("create", ("t", START, START + MIN15 + 1, 2), {}),
    ("create", ("t", START, START + DAY - 1, 2), {}),
    ("create", ("t", START, START + 3 * DAY, 2), {"is_long_term": 1}),
    ("create", ("t", START, START + 3 * DAY, 2), {"is_long_term": True}),
    ("create", ("t", START, END, 4), {"max_users": 1}),
    ("create", ("t", START, END, 4), {"max_users": 12}),
    ("create", ("t", START, END, 6), {"max_users": 1}),
    ("create", ("t", START, END, 2), {"max_users": 0}),
    ("create", ("t", START, END, 2), {"end_delay_time": 0}),
    ("create", ("t", START, END, 2), {"end_delay_time": 7200}),
    ("create", ("t", START, END, 4), {"max_users": 1, "max_backup_users": 300}),
    ("create", ("t", START, END, 1), {}),
    ("create", ("t", START, END, 6), {}),
    ("list", (), {"page": 1, "limit": 1}),
    ("list", (), {"limit": 1000}),
    ("get_audition_code", (ROOM_ID, [1]), {"audition_length": 1}),
    ("get_audition_code", (ROOM_ID, [1]), {"audition_length": 3600}),
    ("getcode", (ROOM_ID, 9999999999999999999), {}),
    ("getcode", (ROOM_ID, "1"), {"user_avatar": "http://x.example"}),
    ("getcode", (ROOM_ID, 1), {"user_avatar": "HTTPS://X.example/a.png"}),
    ("set_spot_video", (ROOM_ID, [1, 2, 3]), {}),
    ("update", (ROOM_ID,), {"forbidden_end_types": "h5"}),
]


@pytest.mark.parametrize(("method", "args", "kwargs"), VALID_EDGES)
def test_valid_edges_are_sent(harness, method, args, kwargs) -> None:
    harness.room(method, *args, **kwargs)
    assert len(harness.api.sent) == 1
    form = harness.api.last.form
    for name, value in kwargs.items():
        assert form[name] == encode_value(value), name
    assert harness.api.last.sign_ok()


def test_long_title_is_sent_with_a_warning(harness) -> None:
    title = "长" * 51
    with pytest.warns(UserWarning, match="title"):
        harness.room("create", title, START, END, 2)
    assert harness.api.last.form["title"] == title
    assert harness.api.last.sign_ok()


def test_validate_false_sends_invalid_values(harness) -> None:
    loose = harness.with_options(validate=False)
    loose.room(
        "create",
        "t",
        START,
        START - 60,
        9,
        max_users=99,
        template_name="fancy",
        end_delay_time=99999,
    )
    form = harness.api.last.form
    assert (form["type"], form["max_users"], form["template_name"]) == ("9", "99", "fancy")
    assert form["end_time"] == str(START - 60)
    assert form["end_delay_time"] == "99999"
    assert harness.api.last.sign_ok()
    loose.room("list", limit=5000, page=0)
    assert (harness.api.last.form["limit"], harness.api.last.form["page"]) == ("5000", "0")
    loose.room("set_spot_video", ROOM_ID, [1, 2, 3, 4])
    assert harness.api.last.form["video_ids"] == "1,2,3,4"
    loose.room("update", ROOM_ID, forbidden_end_types=["ios"])
    assert harness.api.last.form["forbidden_end_types"] == "ios"
    # the original client still validates
    with pytest.raises(ValidationError):
        harness.room("list", limit=5000)


def _example(param) -> object:
    """A valid value that differs from the platform default: the last allowed one, or 3."""
    from baijiayun._wire import OneOf

    for rule in param.rules:
        if isinstance(rule, OneOf):
            return rule.values[-1]
    return 1 if param.kind.name == "flag" else 3


@pytest.mark.parametrize("method", ["create", "update"])
def test_every_keyword_only_parameter_reaches_the_wire_under_its_name(harness, method) -> None:
    spec = REGISTRY[f"room.{method}"]
    extra = {p.name: _example(p) for p in spec.params if p.keyword_only}
    assert len(extra) >= 6
    required = (
        {"title": "t", "start_time": START, "end_time": END, "type": 2}
        if method == "create"
        else {"room_id": ROOM_ID}
    )
    harness.room(method, **required, **extra)
    form = harness.api.last.form
    for name, value in extra.items():
        assert form.get(name) == str(value), name
    assert harness.api.last.sign_ok()
