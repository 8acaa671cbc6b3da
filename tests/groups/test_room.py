"""The sandbox's ``room`` group: the whole Room API, sync and async, in process and over HTTP.

(Moved from ``tests/integration/test_room_api.py``: The whole Room API, sync and async, against
the sandbox in process and over HTTP.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from baijiayun import (
    AsyncBaiJiaYunClient,
    BaiJiaYunClient,
    HTTPStatusError,
    ParameterError,
    RoomDeletedError,
    RoomNotFoundError,
    ValidationError,
)
from baijiayun.models import RoomCreated, RoomInfo
from baijiayun.sandbox import Sandbox


def test_room_lifecycle_sync(client: BaiJiaYunClient, times: tuple[int, int]) -> None:
    start, end = times
    room = client.room.create("代数 101", start, end, 2, template_name="classic")
    assert isinstance(room, RoomCreated)
    assert len(room.room_id) == 14 and room.room_id.isdigit()
    assert room.room_id[:6] == dt.datetime.now(client.tz).strftime("%y%m%d")
    assert all(len(c) == 6 for c in (room.admin_code, room.teacher_code, room.student_code))
    assert room["room_id"] == room.room_id  # the seed's dict access

    info = client.room.info(room.room_id)
    assert isinstance(info, RoomInfo)
    assert info.room_id == room.room_id  # a number on the wire, text in the model
    assert info.title == "代数 101" and info.template_name == "classic"
    assert info.start_time == dt.datetime.fromtimestamp(start, client.tz)
    assert info.start_time.utcoffset() == dt.timedelta(hours=8)
    assert info.admin_code == room.admin_code and info.teacher_code == room.teacher_code

    assert client.room.update(room.room_id, title="代数 102", max_users=0) is None
    assert client.room.info(room.room_id).title == "代数 102"

    assert client.room.delete(room.room_id) is None
    with pytest.raises(RoomDeletedError) as err:
        client.room.info(room.room_id)
    assert err.value.code == 3002 and err.value.path == "/openapi/room/info"
    with pytest.raises(RoomDeletedError):
        client.room.getcode(room.room_id, 1)
    with pytest.raises(RoomNotFoundError):
        client.room.info(99999999999999)


async def test_room_lifecycle_async(aclient: AsyncBaiJiaYunClient, times: tuple[int, int]) -> None:
    start, end = times
    room = await aclient.room.create("Async room", start, end, 2)
    info = await aclient.room.info(room.room_id)
    assert info.title == "Async room"
    await aclient.room.update(room.room_id, title="Renamed")
    assert (await aclient.room.info(room.room_id)).title == "Renamed"
    code = await aclient.room.getcode(room.room_id, 7)
    assert code == await aclient.room.getcode(room.room_id, 7)
    await aclient.room.delete(room.room_id)
    with pytest.raises(RoomDeletedError):
        await aclient.room.info(room.room_id)


def test_codes(client: BaiJiaYunClient, times: tuple[int, int]) -> None:
    room = client.room.create("codes", *times, 2)
    first = client.room.getcode(room.room_id, 1001, "https://img.example.com/a.png")
    assert isinstance(first, str) and len(first) == 6
    assert client.room.getcode(room.room_id, 1001) == first
    other = client.room.getcode(room.room_id, 1002)
    assert other != first
    info = client.room.get_code_info(first)
    assert info.room_id == room.room_id and info.user_number == "1001"
    assert client.room.get_code_info(room.teacher_code).user_role == 1
    page = client.room.listcode(room.room_id, 0, 1, 100)
    assert [c.code for c in page.items] == [first, other]
    assert page["list"][0].user_avatar == "https://img.example.com/a.png"


def test_listcode_and_list_paginate(client: BaiJiaYunClient, times: tuple[int, int]) -> None:
    room = client.room.create("paged", *times, 2)
    codes = [client.room.getcode(room.room_id, n) for n in range(1, 8)]
    assert [c.code for c in client.room.listcode(room.room_id, limit=3, page=2).items] == codes[3:6]
    assert [c.code for c in client.room.iter_codes(room.room_id, limit=3)] == codes
    more = [client.room.create(f"r{i}", *times, 2).room_id for i in range(4)]
    all_ids = [room.room_id, *more]
    assert [r.room_id for r in client.room.list(page=1, limit=2)] == all_ids[:2]
    assert [r.room_id for r in client.room.list(2, 2)] == all_ids[2:4]
    assert [r.room_id for r in client.room.iter_rooms(limit=2)] == all_ids
    assert [r.room_id for r in client.room.iter_rooms(limit=1000)] == all_ids


async def test_async_iterators(aclient: AsyncBaiJiaYunClient, times: tuple[int, int]) -> None:
    ids = [(await aclient.room.create(f"a{i}", *times, 2)).room_id for i in range(5)]
    assert [r.room_id async for r in aclient.room.iter_rooms(limit=2)] == ids
    codes = [await aclient.room.getcode(ids[0], n) for n in range(1, 4)]
    assert [c.code async for c in aclient.room.iter_codes(ids[0], limit=2)] == codes


def test_audition_codes_expire(
    client: BaiJiaYunClient, sandbox: Sandbox, times: tuple[int, int]
) -> None:
    room = client.room.create("audition", *times, 2)
    result = client.room.get_audition_code(room.room_id, [11, 12], audition_length=60)
    codes = [item["code"] for item in result["list"]]
    assert len(codes) == 2
    assert client.room.get_code_info(codes[0]).user_number == "11"
    listed = client.room.listcode(room.room_id, type=1)
    assert {c.code for c in listed.items} == set(codes)
    sandbox.advance_clock(61)
    with pytest.raises(ParameterError, match="expired"):
        client.room.get_code_info(codes[0])


def test_group_live_codes(client: BaiJiaYunClient, times: tuple[int, int]) -> None:
    plain = client.room.create("plain", *times, 2)
    with pytest.raises(ParameterError, match="group"):
        client.room.create_group_live_codes(plain.room_id, 2)
    group = client.room.create("group", *times, 2, is_group_live=2)
    created = client.room.create_group_live_codes(group.room_id, 3)
    assert [g["group_id"] for g in created["list"]] == [1, 2, 3]
    assert client.room.get_group_live_codes(group.room_id) == created
    subs = client.room.get_group_sub_room_id(group.room_id)
    assert len(subs["list"]) == 3


def test_push_and_pull_urls(client: BaiJiaYunClient, times: tuple[int, int]) -> None:
    plain = client.room.create("plain", *times, 2)
    with pytest.raises(ParameterError, match="push"):
        client.room.get_push_live_url(plain.room_id)
    push = client.room.create("push", *times, 2, is_push_live=True)
    assert client.room.get_push_live_url(push.room_id)["push_url"].startswith("rtmp://")
    pull = client.room.get_pull_stream_url(push.room_id)
    assert pull.rtmp and pull.flv and pull.hls
    assert all(push.room_id in url for url in (pull.rtmp, pull.flv, pull.hls))


def test_spot_videos(client: BaiJiaYunClient, times: tuple[int, int]) -> None:
    room = client.room.create("spots", *times, 2)
    assert client.room.get_spot_video(room.room_id).items == []
    client.room.set_spot_video(room.room_id, [101, 102, 103])
    assert [v["video_id"] for v in client.room.get_spot_video(room.room_id)["list"]] == [
        101,
        102,
        103,
    ]
    with pytest.raises(ValidationError, match="at most 3"):
        client.room.set_spot_video(room.room_id, "1,2,3,4")
    # the sandbox enforces the same rule when client checks are skipped
    with pytest.raises(ParameterError, match="video_ids"):
        client.with_options(validate=False).room.set_spot_video(room.room_id, "1,2,3,4")


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"type": 7}, "type"),
        ({"end_delay_time": 7201}, "end_delay_time"),
        ({"max_backup_users": 301}, "max_backup_users"),
        ({"type": 4, "max_users": 13}, "max_users"),
        ({"type": 6, "max_users": 2}, "max_users"),
        ({"short": True}, "end_time"),
        ({"long": True}, "end_time"),
    ],
)
def test_sandbox_enforces_the_declared_rules(
    client: BaiJiaYunClient, times: tuple[int, int], kwargs: dict[str, Any], param: str
) -> None:
    """The same declarations reject bad input on both sides: client first, sandbox too."""
    start, end = times
    kwargs = dict(kwargs)
    if kwargs.pop("short", False):
        end = start + 15 * 60
    if kwargs.pop("long", False):
        end = start + 24 * 3600
    args: dict[str, Any] = {"title": "t", "start_time": start, "end_time": end, "type": 2}
    args.update(kwargs)
    with pytest.raises(ValidationError) as local:
        client.room.create(**args)
    assert local.value.param == param
    with pytest.raises(ParameterError) as remote:
        client.with_options(validate=False).room.create(**args)
    assert remote.value.code == 1001 and param in remote.value.msg


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"template_name": "fancy"}, "template_name"),
        ({"pre_enter_time": -5}, "pre_enter_time"),
    ],
)
def test_client_only_rules_are_not_enforced_by_the_sandbox(
    client: BaiJiaYunClient, times: tuple[int, int], kwargs: dict[str, Any], param: str
) -> None:
    """The SDK refuses these before sending; the sandbox, like the platform, takes them."""
    with pytest.raises(ValidationError) as local:
        client.room.create("t", *times, 2, **kwargs)
    assert local.value.param == param
    room = client.with_options(validate=False).room.create("t", *times, 2, **kwargs)
    assert client.room.info(room.room_id)[param] == next(iter(kwargs.values()))


def test_long_term_room_may_last_days(client: BaiJiaYunClient, times: tuple[int, int]) -> None:
    start, _ = times
    room = client.room.create("term", start, start + 30 * 86400, 2, is_long_term=1)
    assert client.room.info(room.room_id).is_long_term == 1


def test_naive_datetimes_are_beijing_time(client: BaiJiaYunClient) -> None:
    start = dt.datetime.now(client.tz).replace(tzinfo=None, microsecond=0) + dt.timedelta(hours=2)
    room = client.room.create("naive", start, start + dt.timedelta(hours=1), 2)
    assert client.room.info(room.room_id).start_time == start.replace(tzinfo=client.tz)


def test_state_is_kept_per_partner(sandbox: Sandbox, times: tuple[int, int]) -> None:
    sandbox.partner.add("20000002", "other-key", "other-secret")
    with (
        sandbox.client() as ours,
        sandbox.client(partner_id="20000002", partner_key="other-key") as theirs,
    ):
        room = ours.room.create("ours", *times, 2)
        assert theirs.room.list() == []
        with pytest.raises(RoomNotFoundError):
            theirs.room.info(room.room_id)
        with pytest.raises(RoomNotFoundError):
            theirs.room.delete(room.room_id)
        assert ours.room.info(room.room_id).title == "ours"


async def test_concurrent_creates_get_unique_ids(
    aclient: AsyncBaiJiaYunClient, sandbox: Sandbox, times: tuple[int, int]
) -> None:
    import asyncio

    rooms = await asyncio.gather(*(aclient.room.create(f"c{i}", *times, 2) for i in range(60)))
    ids = {r.room_id for r in rooms}
    codes = {r.student_code for r in rooms}
    assert len(ids) == 60 and len(codes) == 60
    assert sandbox.request_count("/openapi/room/create") == 60
    assert len([r async for r in aclient.room.iter_rooms(limit=25)]) == 60


def test_one_sync_client_shared_by_threads(
    client: BaiJiaYunClient, sandbox: Sandbox, times: tuple[int, int]
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    room = client.room.create("shared", *times, 2)
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda n: client.room.getcode(room.room_id, n % 10 + 1), range(80)))
    assert len(set(codes)) == 10  # the same user always gets the same code
    assert client.room.listcode(room.room_id).total == 10


def test_iterators_on_the_client_itself(
    client: BaiJiaYunClient, sandbox: Sandbox, times: tuple[int, int]
) -> None:
    ids = [client.room.create(f"i{i}", *times, 2).room_id for i in range(3)]
    assert [r.room_id for r in client.iter_rooms(limit=2)] == ids
    codes = [client.room.getcode(ids[0], n) for n in (1, 2, 3)]
    assert [c.code for c in client.iter_codes(ids[0], limit=2)] == codes
    # Each copy iterates with its own options (nothing bound to the parent is reused).
    patient = client.with_options(max_retries=1)
    assert len(list(patient.iter_rooms())) == 3
    strict = patient.with_options(max_retries=0)
    sandbox.inject("/openapi/room/list", status=503)
    with pytest.raises(HTTPStatusError):
        list(strict.iter_rooms())
    sandbox.inject("/openapi/room/list", status=503)
    assert len(list(patient.iter_rooms())) == 3  # retried once


async def test_async_iterators_on_the_client_itself(
    aclient: AsyncBaiJiaYunClient, times: tuple[int, int]
) -> None:
    ids = [(await aclient.room.create(f"a{i}", *times, 2)).room_id for i in range(3)]
    assert [r.room_id async for r in aclient.iter_rooms(limit=2)] == ids


def test_listcode_totals_count_the_kind_of_code_asked_for(
    client: BaiJiaYunClient, times: tuple[int, int]
) -> None:
    """``type=1`` answers the audition codes' total, not the regular codes'."""
    room = client.room.create("totals", *times, 2)
    for user in (1, 2, 3):
        client.room.getcode(room.room_id, user)
    client.room.get_audition_code(room.room_id, [11, 12])
    assert client.room.listcode(room.room_id, type=0).total == 3
    audition = client.room.listcode(room.room_id, type=1)
    assert audition.total == len(audition.items) == 2


def test_a_room_created_without_a_type_is_a_large_class(
    client: BaiJiaYunClient, times: tuple[int, int]
) -> None:
    """``type`` is optional (the platform defaults to a large class): the sandbox must not
    assume it was sent (it answered "internal error" when it read ``values["type"]``)."""
    start, end = times
    created = client.room.create(title="no type", start_time=start, end_time=end)
    assert client.room.info(created.room_id).type == 2
    assert [r.type for r in client.room.list() if r.room_id == created.room_id] == [2]
