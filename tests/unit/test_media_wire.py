"""Playback, video, video_account and video_data on the wire: exact path and form of every call.

Every case is run on the sync and the async client (the ``harness`` fixture).
Only the arguments given are sent: no example room id, no fixed defaults.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from baijiayun import ValidationError
from baijiayun.api import REGISTRY
from baijiayun.api.playback import LiveProduct, PublishStatus, ReplaceType
from baijiayun.api.video import Definition, FileType, VideoFormat
from baijiayun.models import (
    CropList,
    PlaybackInfo,
    PlaybackList,
    PlayRecords,
    UploadUrl,
    VideoInfo,
    VideoList,
)

from .conftest import NOW, PARTNER_ID, PARTNER_KEY, ROOM_ID, ref_sign

VIDEO = 10_000_042
UTC = dt.timezone.utc
BEIJING = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2027, 1, 15)


def case(call: str, args: tuple[Any, ...], kwargs: dict[str, Any], path: str, form: dict, id: str):
    return pytest.param(call, args, kwargs, path, form, id=id)


P = "/openapi/playback/"
V = "/openapi/video/"
A = "/openapi/video_account/"
D = "/openapi/video_data/"
R = str(ROOM_ID)

CASES = [
    # ---- playback
    case("playback.get_basic_info", (ROOM_ID,), {}, P + "getBasicInfo", {"room_id": R}, "basic"),
    case(
        "playback.get_basic_info",
        (ROOM_ID, 202611291),
        {},
        P + "getBasicInfo",
        {"room_id": R, "session_id": "202611291"},
        "basic-session",
    ),
    case("playback.get_list", (), {}, P + "getList", {}, "list-sends-nothing"),
    case(
        "playback.get_list",
        (LiveProduct.DUAL_TEACHER, 2, 50),
        {"crop_video": True, "room_id": ROOM_ID},
        P + "getList",
        {"product_type": "3", "page": "2", "page_size": "50", "crop_video": "1", "room_id": R},
        "list-all",
    ),
    case(
        "playback.get_player_token",
        (ROOM_ID, 0),
        {"session_id": 202611291},
        P + "getPlayerToken",
        {"room_id": R, "expires_in": "0", "session_id": "202611291"},
        "token",
    ),
    case(
        "playback.get_player_token_batch",
        ([ROOM_ID, f"{ROOM_ID}-202611291"], 60),
        {},
        P + "getPlayerTokenBatch",
        {"room_ids": f"{R},{R}-202611291", "expires_in": "60"},
        "token-batch",
    ),
    case(
        "playback.get_session_list",
        (ROOM_ID,),
        {},
        P + "getSessionList",
        {"room_id": R},
        "sessions",
    ),
    case(
        "playback.get_session_list",
        (ROOM_ID,),
        {"page": 2, "page_size": 10},
        P + "getSessionList",
        {"room_id": R, "page": "2", "page_size": "10"},
        "sessions-paged",
    ),
    case(
        "playback.set_publish_status",
        (ROOM_ID, PublishStatus.BLOCKED),
        {},
        P + "setPublishStatus",
        {"room_id": R, "status": "2"},
        "publish",
    ),
    case(
        "playback.delete",
        (ROOM_ID, 202611291, 2),
        {},
        P + "delete",
        {"room_id": R, "session_id": "202611291", "version": "2"},
        "delete-version",
    ),
    case("playback.delete", (ROOM_ID,), {}, P + "delete", {"room_id": R}, "delete"),
    case(
        "playback.update",
        (ROOM_ID, "第一讲 & more"),
        {},
        P + "update",
        {"room_id": R, "name": "第一讲 & more"},
        "update",
    ),
    case("playback.get_crop_list", (ROOM_ID,), {}, P + "getCropList", {"room_id": R}, "crops"),
    case(
        "playback.get_crop_list",
        (ROOM_ID, 0, 202611291, 1, 100),
        {},
        P + "getCropList",
        {
            "room_id": R,
            "product_type": "0",
            "session_id": "202611291",
            "page": "1",
            "page_size": "100",
        },
        "crops-earlier-sdk-defaults",
    ),
    case(
        "playback.set_main_version",
        (ROOM_ID, 3),
        {},
        P + "setMainVersion",
        {"room_id": R, "version": "3"},
        "main-version",
    ),
    case(
        "playback.get_playback_ppt_url_list",
        (ROOM_ID, DAY),
        {},
        P + "getPlaybackPptUrlList",
        {"room_id": R, "date": "2027-01-15"},
        "ppt-list-date",
    ),
    case(
        "playback.get_playback_ppt_url_list",
        (ROOM_ID,),
        {"date": "2027-01-15"},
        P + "getPlaybackPptUrlList",
        {"room_id": R, "date": "2027-01-15"},
        "ppt-list-text",
    ),
    case(
        "playback.get_playback_ppt_url",
        (ROOM_ID,),
        {},
        P + "getPlaybackPptUrl",
        {"room_id": R},
        "ppt",
    ),
    case(
        "playback.replace_playback",
        (ReplaceType.REPLACE, ROOM_ID, ROOM_ID + 1),
        {"source_version": 1, "is_replace_main": True, "target_version": 0},
        P + "replacePlayback",
        {
            "type": "1",
            "source_room_id": R,
            "target_room_id": str(ROOM_ID + 1),
            "source_version": "1",
            "is_replace_main": "1",
            "target_version": "0",
        },
        "replace",
    ),
    case(
        "playback.replace_playback_by_video",
        (ROOM_ID, VIDEO),
        {},
        P + "replacePlaybackByVideo",
        {"target_room_id": R, "video_id": str(VIDEO)},
        "replace-by-video",
    ),
    # ---- video
    case(
        "video.get_upload_url",
        ("讲座 1.mp4", [Definition.SD, Definition.P1080]),
        {},
        V + "getUploadUrl",
        {"file_name": "讲座 1.mp4", "definition": "16,8"},
        "upload-url",
    ),
    case(
        "video.get_upload_url",
        ("a.mp3", 16, True, [VideoFormat.MP4, VideoFormat.M3U8], 2, 1),
        {},
        V + "getUploadUrl",
        {
            "file_name": "a.mp3",
            "definition": "16",
            "audio_with_view": "1",
            "format": "1,4",
            "encrypt": "2",
            "use_https": "1",
        },
        "upload-url-all",
    ),
    case(
        "video.get_resume_upload_url",
        (VIDEO,),
        {},
        V + "getResumeUploadUrl",
        {"video_id": str(VIDEO)},
        "resume-url",
    ),
    case("video.get_status", (VIDEO,), {}, V + "getStatus", {"video_id": str(VIDEO)}, "status"),
    case("video.get_info", (VIDEO,), {}, V + "getInfo", {"video_id": str(VIDEO)}, "info"),
    case("video.get_image", (VIDEO,), {}, V + "getImage", {"video_id": str(VIDEO)}, "image"),
    case(
        "video.remove_definition",
        (VIDEO, "1,2"),
        {"type": [FileType.MP4, FileType.ENCRYPT]},
        V + "removeDefinition",
        {"video_id": str(VIDEO), "definition": "1,2", "type": "1,8"},
        "remove-definition",
    ),
    case(
        "video.transcode_again",
        (VIDEO, [4]),
        {"format": 1},
        V + "transcodeAgain",
        {"video_id": str(VIDEO), "definition": "4", "format": "1"},
        "transcode-again",
    ),
    case(
        "video.update",
        (VIDEO, "New name"),
        {},
        V + "update",
        {"video_id": str(VIDEO), "name": "New name"},
        "update",
    ),
    case("video.delete", (VIDEO,), {}, V + "delete", {"video_id": str(VIDEO)}, "delete"),
    case("video.get_category_list", (), {}, V + "getCategoryList", {}, "categories"),
    case("video.get_category_info", (), {}, V + "getCategoryInfo", {}, "category-top"),
    case(
        "video.get_category_info",
        (7,),
        {},
        V + "getCategoryInfo",
        {"category_id": "7"},
        "category",
    ),
    case(
        "video.add_category",
        ("物理",),
        {"parent_id": 7},
        V + "addCategory",
        {"name": "物理", "parent_id": "7"},
        "add-category",
    ),
    case(
        "video.delete_category",
        (7,),
        {},
        V + "deleteCategory",
        {"category_id": "7"},
        "delete-category",
    ),
    case(
        "video.get_category_video",
        (7, 100, 3),
        {},
        V + "getCategoryVideo",
        {"category_id": "7", "page_size": "100", "page": "3"},
        "category-videos",
    ),
    case(
        "video.set_video_category",
        (VIDEO, 0),
        {},
        V + "setVideoCategory",
        {"video_id": str(VIDEO), "category_id": "0"},
        "set-category",
    ),
    case(
        "video.get_player_token",
        (VIDEO, 3600),
        {},
        V + "getPlayerToken",
        {"video_id": str(VIDEO), "expires_in": "3600"},
        "player-token",
    ),
    case(
        "video.get_player_token_batch",
        ({VIDEO + 1, VIDEO}, 0),
        {},
        V + "getPlayerTokenBatch",
        {"video_ids": f"{VIDEO},{VIDEO + 1}", "expires_in": "0"},
        "player-token-batch",
    ),
    case(
        "video.get_url",
        (VIDEO,),
        {"format": "m3u8", "expires_in": 600},
        V + "getUrl",
        {"video_id": str(VIDEO), "format": "m3u8", "expires_in": "600"},
        "url",
    ),
    case(
        "video.set_publish_status",
        (VIDEO, 1),
        {},
        V + "setPublishStatus",
        {"video_id": str(VIDEO), "status": "1"},
        "video-publish",
    ),
    case(
        "video.get_share_url",
        (VIDEO,),
        {},
        V + "getShareUrl",
        {"video_id": str(VIDEO)},
        "share",
    ),
    case("video.get_video_list", (), {}, V + "getVideoList", {}, "videos"),
    case(
        "video.get_video_list",
        (1000, 2, dt.datetime(2027, 1, 15, 8, 30)),
        {},
        V + "getVideoList",
        {"page_size": "1000", "page": "2", "create_time": "2027-01-15 08:30:00"},
        "videos-since-naive",
    ),
    case(
        "video.get_video_list",
        (),
        {"create_time": dt.datetime(2027, 1, 15, 0, 30, tzinfo=UTC)},
        V + "getVideoList",
        {"create_time": "2027-01-15 08:30:00"},
        "videos-since-aware",
    ),
    case(
        "video.get_video_list",
        (),
        {"create_time": NOW},
        V + "getVideoList",
        {"create_time": "2027-01-15 16:00:00"},
        "videos-since-seconds",
    ),
    # ---- video_account
    case("video_account.get_account_info", (), {}, A + "getAccountInfo", {}, "account"),
    case(
        "video_account.get_used_flow",
        (DAY, "2027-01-31"),
        {},
        A + "getUsedFlow",
        {"start_date": "2027-01-15", "end_date": "2027-01-31"},
        "account-flow",
    ),
    case(
        "video_account.set_transcode_callback_url",
        ("https://school.example/bjy?x=1&y=2",),
        {},
        A + "setTranscodeCallbackUrl",
        {"url": "https://school.example/bjy?x=1&y=2"},
        "set-callback",
    ),
    case(
        "video_account.get_transcode_callback_url",
        (),
        {},
        A + "getTranscodeCallbackUrl",
        {},
        "get-callback",
    ),
    # ---- video_data
    case(
        "video_data.get_used_flow",
        (VIDEO, DAY, DAY),
        {},
        D + "getUsedFlow",
        {"video_id": str(VIDEO), "start_date": "2027-01-15", "end_date": "2027-01-15"},
        "video-flow",
    ),
    case(
        "video_data.get_video_play_record",
        (VIDEO, dt.datetime(2027, 1, 15, 0, 0), "2027-01-15 23:59:59"),
        {"page": 2, "page_size": 1000},
        D + "getVideoPlayRecord",
        {
            "video_id": str(VIDEO),
            "start_time": "2027-01-15 00:00:00",
            "end_time": "2027-01-15 23:59:59",
            "page": "2",
            "page_size": "1000",
        },
        "video-records",
    ),
    case(
        "video_data.export_video_report_batch",
        ("2027-01-15 08:00:00", "2027-01-15 09:00:00"),
        {},
        D + "exportVideoReportBatch",
        {"start_time": "2027-01-15 08:00:00", "end_time": "2027-01-15 09:00:00"},
        "report",
    ),
    case(
        "video_data.export_video_report_batch",
        ("2027-01-15 08:00:00", "2027-01-15 09:00:00", 0, 1, 100),
        {},
        D + "exportVideoReportBatch",
        {
            "start_time": "2027-01-15 08:00:00",
            "end_time": "2027-01-15 09:00:00",
            "product_type": "0",
            "page": "1",
            "page_size": "100",
        },
        "report-earlier-sdk-defaults",
    ),
    case(
        "video_data.get_video_play_count_rank",
        (DAY, DAY),
        {"product_type": 5},
        D + "getVideoPlayCountRank",
        {"start_date": "2027-01-15", "end_date": "2027-01-15", "product_type": "5"},
        "rank",
    ),
    case(
        "video_data.get_video_daily_play_count",
        (VIDEO, DAY, DAY),
        {},
        D + "getVideoDailyPlayCount",
        {"video_id": str(VIDEO), "start_date": "2027-01-15", "end_date": "2027-01-15"},
        "video-daily",
    ),
    case(
        "video_data.get_partner_daily_play_count",
        (DAY, DAY),
        {},
        D + "getPartnerDailyPlayCount",
        {"start_date": "2027-01-15", "end_date": "2027-01-15"},
        "partner-daily",
    ),
    case(
        "video_data.get_playback_play_record",
        (ROOM_ID, "2027-01-15 00:00:00", "2027-01-15 12:00:00", 202611291),
        {},
        D + "getPlaybackPlayRecord",
        {
            "room_id": R,
            "start_time": "2027-01-15 00:00:00",
            "end_time": "2027-01-15 12:00:00",
            "session_id": "202611291",
        },
        "playback-records",
    ),
]

GROUPS = ("playback", "video", "video_account", "video_data")


def run(harness, qualname: str, *args: Any, **kwargs: Any) -> Any:
    group, _, method = qualname.partition(".")
    return harness.run(lambda c: getattr(getattr(c, group), method)(*args, **kwargs))


def test_every_endpoint_of_these_groups_has_a_wire_case() -> None:
    covered = {c.values[0] for c in CASES}
    declared = {spec.qualname for spec in REGISTRY if spec.group in GROUPS}
    assert covered == declared


@pytest.mark.parametrize(("call", "args", "kwargs", "path", "form"), CASES)
def test_exact_form_sent(harness, call, args, kwargs, path, form) -> None:
    run(harness, call, *args, **kwargs)
    (sent,) = harness.api.sent
    assert (sent.method, sent.path) == ("POST", path)
    assert sent.content_type == "application/x-www-form-urlencoded"
    want = {**form, "partner_id": PARTNER_ID, "timestamp": str(NOW)}
    want["sign"] = ref_sign(want.items(), PARTNER_KEY)
    assert sent.form == want


def test_playback_get_list_filters_on_no_example_room(harness) -> None:
    """The earlier SDK sent room_id=123456 unless told otherwise; nothing is sent here."""
    run(harness, "playback.get_list")
    assert "room_id" not in harness.api.last.form


@pytest.mark.parametrize(
    ("alias", "method", "path"),
    [
        pytest.param("videoaccount", "get_account_info", A + "getAccountInfo", id="videoaccount"),
        pytest.param(
            "videodata",
            "get_partner_daily_play_count",
            D + "getPartnerDailyPlayCount",
            id="videodata",
        ),
    ],
)
def test_the_earlier_sdks_group_names_still_work(harness, alias, method, path) -> None:
    args = () if method == "get_account_info" else (DAY, DAY)
    run(harness, f"{alias}.{method}", *args)
    assert harness.api.last.path == path
    assert getattr(harness.client, alias) is getattr(
        harness.client, alias.replace("video", "video_")
    )


RESULTS = [
    pytest.param("playback.get_basic_info", (ROOM_ID,), PlaybackInfo, id="basic"),
    pytest.param("playback.get_list", (), PlaybackList, id="list"),
    pytest.param("playback.get_crop_list", (ROOM_ID,), CropList, id="crops"),
    pytest.param("video.get_upload_url", ("a.mp4", 16), UploadUrl, id="upload-url"),
    pytest.param("video.get_info", (VIDEO,), VideoInfo, id="info"),
    pytest.param("video.get_video_list", (), VideoList, id="videos"),
    pytest.param(
        "video_data.export_video_report_batch",
        ("2027-01-15 08:00:00", "2027-01-15 09:00:00"),
        PlayRecords,
        id="records",
    ),
]


@pytest.mark.parametrize(("call", "args", "model"), RESULTS)
def test_results_are_typed(harness, call, args, model) -> None:
    assert isinstance(run(harness, call, *args), model)


def test_times_are_aware_beijing_datetimes(harness) -> None:
    harness.api.script(
        P + "getBasicInfo", {"room_id": R, "status": 100, "create_time": "2027-01-15 16:00:00"}
    )
    info = run(harness, "playback.get_basic_info", ROOM_ID)
    assert info.create_time == dt.datetime(2027, 1, 15, 8, 0, tzinfo=UTC)
    assert info.create_time.utcoffset() == dt.timedelta(hours=8)


@pytest.mark.parametrize(
    ("call", "args", "path", "answer", "expected"),
    [
        pytest.param(
            "video.set_publish_status",
            (VIDEO, 2),
            V + "setPublishStatus",
            {"status": 2},
            PublishStatus.BLOCKED,
            id="enum",
        ),
        pytest.param(
            "playback.set_publish_status",
            (ROOM_ID, 1),
            P + "setPublishStatus",
            {"status": "1"},
            PublishStatus.PUBLISHED,
            id="enum-from-text",
        ),
        pytest.param(
            "video.update", (VIDEO, "x"), V + "update", {"video_id": str(VIDEO)}, VIDEO, id="id"
        ),
        pytest.param(
            "video.delete_category", (7,), V + "deleteCategory", {"category_id": 7}, 7, id="cat"
        ),
    ],
)
def test_unwrapped_results(harness, call, args, path, answer, expected) -> None:
    harness.api.script(path, answer)
    result = run(harness, call, *args)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        pytest.param(123, Decimal(123), id="bytes"),
        pytest.param("1.25", Decimal("1.25"), id="text"),
        pytest.param(0.5, Decimal("0.5"), id="float"),
    ],
)
def test_flow_is_read_in_any_numeric_form(harness, answer, expected) -> None:
    harness.api.script(A + "getUsedFlow", {"flow": answer})
    assert run(harness, "video_account.get_used_flow", DAY, DAY) == expected


# --------------------------------------------------------------------------- validation
INVALID = [
    pytest.param("playback.get_list", (), {"page_size": 1001}, "page_size", id="page-size"),
    pytest.param("playback.get_list", (), {"page": 0}, "page", id="page"),
    pytest.param("playback.get_list", (), {"product_type": 9}, "product_type", id="product"),
    pytest.param("playback.set_publish_status", (ROOM_ID, 3), {}, "status", id="publish"),
    pytest.param("playback.replace_playback", (3, ROOM_ID, ROOM_ID), {}, "type", id="replace-type"),
    pytest.param("playback.update", (ROOM_ID, ""), {}, "name", id="empty-name"),
    pytest.param(
        "playback.get_playback_ppt_url_list", (ROOM_ID, "15/01/2027"), {}, "date", id="date-text"
    ),
    pytest.param(
        "playback.get_playback_ppt_url_list", (ROOM_ID, "2027-02-30"), {}, "date", id="date-invalid"
    ),
    pytest.param("video.get_upload_url", ("a.mp4", 3), {}, "definition", id="definition"),
    pytest.param("video.get_upload_url", ("a.mp4", 16), {"format": 8}, "format", id="format"),
    pytest.param("video.get_upload_url", ("a.mp4", 16), {"encrypt": 0}, "encrypt", id="encrypt"),
    pytest.param("video.get_url", (VIDEO,), {"format": "avi"}, "format", id="url-format"),
    pytest.param("video.get_category_video", (7, 101), {}, "page_size", id="category-size"),
    pytest.param(
        "video.get_video_list", (), {"create_time": DAY}, "create_time", id="date-not-time"
    ),
    pytest.param("video.get_info", (0,), {}, "video_id", id="video-id"),
    pytest.param(
        "video_account.get_used_flow", (DAY, dt.date(2027, 1, 14)), {}, "end_date", id="dates-order"
    ),
    pytest.param(
        "video_data.get_video_play_record",
        (VIDEO, "2027-01-15 23:00:00", "2027-01-16 01:00:00"),
        {},
        "end_time",
        id="spans-days",
    ),
    pytest.param(
        "video_data.export_video_report_batch",
        ("2027-01-15 10:00:00", "2027-01-15 09:00:00"),
        {},
        "end_time",
        id="times-order",
    ),
    pytest.param(
        "video_data.get_partner_daily_play_count",
        (DAY, DAY),
        {"product_type": 6},
        "product_type",
        id="data-product",
    ),
]


@pytest.mark.parametrize(("call", "args", "kwargs", "param"), INVALID)
def test_bad_input_is_refused_before_sending(harness, call, args, kwargs, param) -> None:
    with pytest.raises(ValidationError) as info:
        run(harness, call, *args, **kwargs)
    assert info.value.param == param
    assert harness.api.sent == []


def test_a_day_window_is_read_in_beijing_time(harness) -> None:
    """08:00 to 15:00 UTC is 16:00 to 23:00 the same Beijing day: accepted."""
    start = dt.datetime(2027, 1, 15, 8, 0, tzinfo=UTC)
    run(harness, "video_data.export_video_report_batch", start, start + dt.timedelta(hours=7))
    assert harness.api.last.form["end_time"] == "2027-01-15 23:00:00"
    with pytest.raises(ValidationError):  # 16:01 UTC is the next Beijing day
        run(
            harness,
            "video_data.export_video_report_batch",
            start,
            start + dt.timedelta(hours=8, minutes=1),
        )


def test_sdk_only_checks_can_be_skipped(harness) -> None:
    """A product line the SDK does not know is still sent with validate=False."""
    run(harness.with_options(validate=False), "playback.get_list", product_type=9)
    assert harness.api.last.form["product_type"] == "9"


# --------------------------------------------------------------------------- the date kinds
@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        pytest.param("DATE", "2027-01-15", DAY, id="date"),
        pytest.param("DATE", " 2027-01-15 ", DAY, id="date-spaces"),
        pytest.param(
            "DATETIME",
            "2027-01-15 16:00:00",
            dt.datetime(2027, 1, 15, 16, 0, tzinfo=BEIJING),
            id="datetime",
        ),
    ],
)
def test_the_sandbox_reads_dates_back(kind, text, value) -> None:
    from baijiayun import _wire

    parsed = getattr(_wire, kind).parse(text)
    assert parsed == value
    assert getattr(_wire, kind).encode(parsed) == text.strip()


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        pytest.param("DATE", "2027-1-5", id="short"),
        pytest.param("DATE", "2027-13-01", id="month"),
        pytest.param("DATE", "1800000000", id="seconds"),
        pytest.param("DATETIME", "2027-01-15T16:00:00", id="iso-t"),
        pytest.param("DATETIME", "2027-01-15 24:00:00", id="hour"),
        pytest.param("DATETIME", "1800000000", id="seconds-text"),
    ],
)
def test_the_sandbox_refuses_other_date_text(kind, text) -> None:
    from baijiayun import _wire

    with pytest.raises(_wire.Invalid):
        getattr(_wire, kind).parse(text)
