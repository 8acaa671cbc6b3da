"""The sandbox's ``playback`` group: playbacks made when classes end, published, cropped, replaced,
watched.

(Moved from ``tests/integration/test_recordings.py``: Playbacks in the sandbox: made when
classes end, published, cropped, replaced, watched.)
"""

from __future__ import annotations

import datetime as dt

import httpx2
import pytest

from baijiayun import BaiJiaYunClient, ParameterError, RoomNotFoundError
from baijiayun._wire import BEIJING
from baijiayun.api.playback import PlaybackStatus, PublishStatus
from baijiayun.sandbox import PlatformError

from .common import NOWHERE, ended_class, open_link, today


def main_version(client: BaiJiaYunClient, room_id: str) -> int | None:
    """The version players show (``getBasicInfo`` does not say: the listing does)."""
    return client.playback.get_list(room_id=room_id).items[0].version


def test_a_playback_appears_when_the_class_ends(client, sandbox, times) -> None:
    room = client.room.create("Algebra 代数", *times, 2)
    before = client.playback.get_basic_info(room.room_id)
    assert before.status == PlaybackStatus.NOT_GENERATED and before.video_id is None
    assert client.playback.get_list().items == []
    client.live_account.set_class_callback_url(NOWHERE)
    sandbox.room.start_class(room.room_id)
    assert client.playback.get_basic_info(room.room_id).status == 0  # still live
    sandbox.room.end_class(room.room_id)
    info = client.playback.get_basic_info(room.room_id)
    assert info.status == PlaybackStatus.GENERATING
    assert info.name == "Algebra 代数" and info.length == 3600
    assert main_version(client, room.room_id) == 0
    assert info.total_size == 3600 * 250_000 and info.total_transcode_size is None  # not yet
    assert info.total_ext_media_size == 0 and info.room_id is None  # the vendor sends no room
    assert info.publish_status == PublishStatus.PUBLISHED and info.video_id is not None
    assert info.create_time is not None and abs(info.create_time.timestamp() - sandbox.now()) < 5
    stored = sandbox.playback.playback(room.room_id)
    assert stored is not None and (stored["status"], stored["main_version"]) == (10, 0)
    sandbox.room.end_class(room.room_id)  # ending again records nothing new
    assert [p.room_id for p in client.playback.get_list().items] == [room.room_id]


def test_a_long_term_room_gets_a_session_per_class(client, sandbox, times) -> None:
    room_id = ended_class(client, sandbox, times, is_long_term=1)
    sandbox.room.start_class(room_id)
    sandbox.room.end_class(room_id)
    day = today(sandbox).strftime("%Y%m%d")
    sessions = client.playback.get_session_list(room_id)
    assert [s.session_id for s in sessions.items] == [f"{day}1", f"{day}2"]
    assert sessions.total == 2 and all(s.status == 10 for s in sessions.items)
    assert [s.session_id for s in client.playback.iter_sessions(room_id, page_size=1)] == [
        f"{day}1",
        f"{day}2",
    ]
    with pytest.raises(ParameterError, match="session_id: required"):
        client.playback.get_basic_info(room_id)
    second = client.playback.get_basic_info(room_id, f"{day}2")
    assert second.status == 10 and second.video_id is not None
    first = client.playback.get_basic_info(room_id, f"{day}1")
    assert first.video_id != second.video_id
    sandbox.playback.set_playback_status(room_id, 100)  # no session named: the newest one
    assert client.playback.get_basic_info(room_id, f"{day}2").status == 100
    assert client.playback.get_basic_info(room_id, f"{day}1").status == 10
    fresh = client.room.create("never held", *times, 2, is_long_term=1).room_id
    with pytest.raises(PlatformError, match="session_id"):
        sandbox.playback.set_playback_status(fresh, 100)


def test_publishing_decides_whether_the_player_opens(client, sandbox, times) -> None:
    room_id = ended_class(client, sandbox, times)
    link = client.links.playback_url(room_id)
    assert open_link(sandbox, link) == 409  # being generated
    report = sandbox.playback.set_playback_status(room_id, 100)
    assert report["fields"]["room_id"] == room_id and report["delivered"] is False  # no URL
    info = client.playback.get_basic_info(room_id)
    assert info.status == 100 and info.preface_url and str(info.video_id) in info.preface_url
    assert open_link(sandbox, link) == 200
    assert client.playback.set_publish_status(room_id, 2) is PublishStatus.BLOCKED
    assert client.playback.get_basic_info(room_id).publish_status == 2
    assert open_link(sandbox, link) == 403
    assert client.playback.set_publish_status(room_id, PublishStatus.PUBLISHED) == 1
    assert open_link(sandbox, link) == 200
    day = today(sandbox)
    window = dt.datetime.combine(day, dt.time(0), BEIJING)
    records = client.video_data.get_playback_play_record(
        room_id, window, window + dt.timedelta(hours=23, minutes=59, seconds=59)
    )
    assert records.total == 2  # the refused openings were not plays
    assert {(r.room_id, r.ip, r.user_agent) for r in records.items} == {
        (room_id, "10.1.2.3", "pytest-browser")
    }
    assert all(r.video_id == info.video_id and r.duration == 3600 for r in records.items)


def test_crops_and_the_main_version(client, sandbox, times) -> None:
    room_id = ended_class(client, sandbox, times)
    sandbox.playback.set_playback_status(room_id, 100)
    version = sandbox.playback.add_crop(room_id, name="精华", length=600)
    assert version == 1
    crops = client.playback.get_crop_list(room_id)
    assert [(c.version, c.source, c.is_main, c.length) for c in crops.items] == [
        (0, "record", 1, 3600),
        (1, "crop", 0, 600),
    ]
    assert crops.items[1].name == "精华" and crops.items[1].video_id != crops.items[0].video_id
    client.playback.set_main_version(room_id, 1)
    info = client.playback.get_basic_info(room_id)
    assert (info.length, info.video_id) == (600, crops.items[1].video_id)
    assert main_version(client, room_id) == 1
    listed = client.playback.get_list(crop_video=1).items
    assert [(p.room_id, p.version) for p in listed] == [(room_id, 0), (room_id, 1)]
    assert [p.version for p in client.playback.get_list().items] == [1]
    with pytest.raises(ParameterError, match="version"):
        client.playback.set_main_version(room_id, 7)
    with pytest.raises(ParameterError, match="version"):
        client.playback.delete(room_id, version=0)
    client.playback.delete(room_id, version=1)
    assert main_version(client, room_id) == 0
    assert [c.version for c in client.playback.iter_crops(room_id)] == [0]


def test_renaming_and_deleting_a_playback(client, sandbox, times) -> None:
    room_id = ended_class(client, sandbox, times)
    client.playback.update(room_id, "第一讲")
    assert client.playback.get_basic_info(room_id).name == "第一讲"
    assert client.playback.get_list().total == 1
    client.playback.delete(room_id)
    assert client.playback.get_basic_info(room_id).status == 0
    assert client.playback.get_list().total == 0
    with pytest.raises(ParameterError, match="has no playback"):
        client.playback.update(room_id, "x")


def test_unknown_rooms_answer_3001(client) -> None:
    with pytest.raises(RoomNotFoundError):
        client.playback.get_basic_info(25010112345678)
    with pytest.raises(RoomNotFoundError):
        client.playback.get_session_list(25010112345678)


def test_listing_filters_and_pages(client, sandbox, times) -> None:
    education = ended_class(client, sandbox, times, title="edu")
    small = ended_class(client, sandbox, times, title="small", type=4, max_users=6)
    dual = ended_class(client, sandbox, times, title="dual", type=5)
    corp = ended_class(client, sandbox, times, title="corp", industry_type=1)
    newest_first = [corp, dual, small, education]
    assert [p.room_id for p in client.playback.get_list().items] == newest_first
    assert [p.room_id for p in client.playback.get_list(1).items] == [education]
    assert [p.room_id for p in client.playback.get_list(2).items] == [small]
    assert [p.room_id for p in client.playback.get_list(3).items] == [dual]
    assert [p.room_id for p in client.playback.get_list(4).items] == [corp]
    assert [p.room_id for p in client.playback.get_list(room_id=small).items] == [small]
    page = client.playback.get_list(page=2, page_size=3)
    assert [p.room_id for p in page.items] == [education] and page.total == 4
    assert [p.room_id for p in client.playback.iter_playbacks(page_size=3)] == newest_first
    # the earlier SDK's defaults: its example room filters everything out, and is no error
    earlier = client.playback.get_list(0, 1, 100, crop_video=0, room_id=123456)
    assert earlier.items == [] and earlier.total == 0


def test_replacing_a_playback(client, sandbox, times) -> None:
    source = ended_class(client, sandbox, times, title="source")
    target = ended_class(client, sandbox, times, title="target")
    with pytest.raises(ParameterError, match="not ready"):
        client.playback.replace_playback(1, source, target)
    sandbox.playback.set_playback_status(source, 100)
    source_video = client.playback.get_basic_info(source).video_id
    client.playback.replace_playback(1, source, target)  # the target's recording, in place
    crops = client.playback.get_crop_list(target).items
    assert [(c.version, c.source, c.video_id) for c in crops] == [(0, "playback", source_video)]
    client.playback.replace_playback(2, source, target, is_replace_main=1)  # added, made main
    info = client.playback.get_basic_info(target)
    assert (main_version(client, target), info.video_id) == (1, source_video)
    fresh = client.room.create("fresh", *times, 2).room_id
    client.playback.replace_playback(2, source, fresh)  # a room without a playback gets one
    assert client.playback.get_basic_info(fresh).status == 100
    with pytest.raises(ParameterError, match="no playback to replace"):
        client.playback.replace_playback(1, source, client.room.create("x", *times, 2).room_id)


def test_replacing_a_playback_by_a_video(client, sandbox, times) -> None:
    room_id = ended_class(client, sandbox, times)
    video_id = sandbox.video.create_video("better.mp4")
    with pytest.raises(ParameterError, match="not transcoded"):
        client.playback.replace_playback_by_video(room_id, video_id)
    sandbox.video.set_video_status(video_id, 100)
    client.playback.replace_playback_by_video(room_id, video_id)
    info = client.playback.get_basic_info(room_id)
    assert (main_version(client, room_id), info.video_id) == (1, video_id)
    main = [c for c in client.playback.get_crop_list(room_id).items if c.is_main]
    assert [(c.source, c.name) for c in main] == [("video", "better.mp4")]
    with pytest.raises(ParameterError, match="video_id"):
        client.playback.replace_playback_by_video(room_id, 99_999_999)


def test_slides_as_pdf(client, sandbox, times) -> None:
    room_id = ended_class(client, sandbox, times)
    assert client.playback.get_playback_ppt_url(room_id).url is None  # not generated yet
    sandbox.playback.set_playback_status(room_id, 100)
    ppt = client.playback.get_playback_ppt_url(room_id)
    assert ppt.url and ppt.url.endswith(".pdf") and ppt.date == today(sandbox)
    assert client.playback.get_playback_ppt_url_list(room_id).items == [ppt]
    assert client.playback.get_playback_ppt_url_list(room_id, today(sandbox)).items == [ppt]
    yesterday = today(sandbox) - dt.timedelta(days=1)
    assert client.playback.get_playback_ppt_url_list(room_id, yesterday).items == []


def test_each_account_sees_its_own_playbacks(client, sandbox, times) -> None:
    room_id = ended_class(client, sandbox, times)
    sandbox.partner.add("20000002", "other-key", "other-secret")
    with sandbox.client(partner_id="20000002", partner_key="other-key") as other:
        assert other.playback.get_list().items == []
        with pytest.raises(RoomNotFoundError):
            other.playback.get_basic_info(room_id)


def test_the_console_labels_playback_statuses_from_the_sdks_enums(client, sandbox, times) -> None:
    """10 is generating and 20 transcoding (``PlaybackStatus``), and every status has a label."""
    from baijiayun.sandbox.groups.playback import publish_label, status_label

    assert {status_label(s) for s in PlaybackStatus} == {
        s.name.lower().replace("_", " ") for s in PlaybackStatus
    }
    assert status_label(10) == "generating" and status_label(20) == "transcoding"
    assert publish_label(PublishStatus.BLOCKED) == "blocked"
    room_id = ended_class(client, sandbox, times)
    http = httpx2.Client(transport=sandbox.transport(), base_url="http://sandbox.local")
    page = http.get(f"/_sandbox/ui/rooms/{room_id}").text
    assert "<td>generating</td><td>published</td>" in page
    sandbox.playback.set_playback_status(room_id, 20)
    page = http.get(f"/_sandbox/ui/rooms/{room_id}").text
    assert "<td>transcoding</td><td>published</td>" in page
    assert "value='20'>20 transcoding</option>" in page
    # every column is named (the publish column had an empty header), on the overview too
    overview = http.get("/_sandbox/ui").text
    assert "<th>published</th>" in page
    assert "<th></th>" not in page and "<th></th>" not in overview
    assert "<td colspan=3 class=muted>none</td>" in page  # no group codes: across 3 columns
    http.close()


def test_basic_info_has_the_vendors_fields_and_only_status_before_a_recording(
    client, sandbox, times
) -> None:
    """The vendor's table (回放服务端API, API 1): no ``room_id``; sizes; ``create_time`` in
    unix seconds; a room with no playback yet answers ``{"status": 0}`` and nothing else."""
    fresh = client.room.create("not yet", *times, 2).room_id
    assert client.playback.get_basic_info.raw(fresh).data == {"status": 0}
    room_id = ended_class(client, sandbox, times)
    sandbox.playback.set_playback_status(room_id, 100)
    data = client.playback.get_basic_info.raw(room_id).data
    assert sorted(data) == sorted(
        [
            "status",
            "video_id",
            "name",
            "length",
            "total_size",
            "total_transcode_size",
            "total_ext_media_size",
            "preface_url",
            "publish_status",
            "create_time",
        ]
    )
    assert isinstance(data["create_time"], int) and abs(data["create_time"] - sandbox.now()) < 5
    assert data["total_transcode_size"] == data["total_size"] // 2 > 0


def test_the_listing_counts_plays_and_gives_ids_and_addresses(client, sandbox, times) -> None:
    first = ended_class(client, sandbox, times, title="first")
    second = ended_class(client, sandbox, times, title="second")
    link = client.links.playback_url(first)
    assert open_link(sandbox, link) == 409  # not ready: no play, no address
    before = {p.room_id: p for p in client.playback.get_list().items}
    assert before[first].play_url is None and before[first].total_transcode_size is None
    assert before[first].play_times == 0
    sandbox.playback.set_playback_status(first, 100)
    assert open_link(sandbox, link) == 200 and open_link(sandbox, link) == 200
    items = {p.room_id: p for p in client.playback.get_list().items}
    assert (items[first].play_times, items[second].play_times) == (2, 0)
    assert items[first].play_url and str(items[first].video_id) in items[first].play_url
    assert items[first].total_transcode_size == 3600 * 250_000 // 2
    ids = {room_id: item.playback_id for room_id, item in items.items()}
    assert ids == {room_id: item.playback_id for room_id, item in before.items()}  # stable
    assert len(set(ids.values())) == 2 and all(i is not None and i > 0 for i in ids.values())
    raw = client.playback.get_list.raw().data["list"][0]
    assert isinstance(raw["room_id"], int) and isinstance(raw["play_times"], int)


def test_batch_tokens_answer_an_object_of_id_to_token(client, sandbox, times) -> None:
    """lizhongyuan3/cloud-live reads ``Map<String, String>``: room (or room-session) → token."""
    plain = ended_class(client, sandbox, times)
    term = ended_class(client, sandbox, times, is_long_term=1)
    session = client.playback.get_session_list(term).items[0].session_id
    raw = client.playback.get_player_token_batch.raw([plain, f"{term}-{session}"], 60).data
    assert sorted(raw) == sorted([plain, f"{term}-{session}"])
    assert all(isinstance(token, str) and token for token in raw.values())
    tokens = client.playback.get_player_token_batch([plain, f"{term}-{session}"], 60)
    assert [(t.room_id, t.session_id) for t in tokens] == [(plain, None), (term, session)]
    assert all(t.token and t.token not in raw.values() for t in tokens)  # fresh each call
