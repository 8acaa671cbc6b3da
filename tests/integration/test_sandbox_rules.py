"""What the sandbox accepts, keeps and refuses: like the platform, partner by partner."""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any
from urllib.parse import urlencode

import httpx2
import pytest

from baijiayun import APIError, BaiJiaYunClient, ParameterError, RoomNotFoundError
from baijiayun.links import enter_url
from baijiayun.sandbox import SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY, Sandbox
from baijiayun.sandbox.state.rooms import RoomStore

OTHER = ("20000002", "other-partner-key", "other-secret")

# The defaults the earlier SDK (baijiayun 1.0.1) sends on every call, whatever the caller set.
EARLIER_CREATE_DEFAULTS = {
    "industry_type": 0,
    "max_users": 0,
    "is_long_term": 0,
    "is_group_live": 0,
    "is_mock_live": 0,
    "is_push_live": 0,
    "mock_room_id": 0,
    "mock_session_id": 0,
    "mock_video_id": 0,
    "switch_room_role": 0,
    "enable_share": 0,
    "enable_group_users_public": 0,
    "group_admin_permission": 0,
    "enable_group_chat_public": 0,
    "new_group_live": 0,
    "enable_weixin_auth": 1,
    "has_student_raise": 0,
    "max_backup_users": 0,
    "auto_on_stage": 0,
}


class EarlierClient:
    """A client written elsewhere: signs like the earlier SDK (sorting ``k=v`` text)."""

    def __init__(self, http: httpx2.Client, base_url: str) -> None:
        self.http = http
        self.base_url = base_url

    def post(self, path: str, fields: dict[str, Any]) -> dict[str, Any]:
        data = {k: str(v) for k, v in fields.items()}
        data["partner_id"] = SANDBOX_PARTNER_ID
        data["timestamp"] = str(int(time.time()))
        text = "&".join(sorted(f"{k}={v}" for k, v in data.items()))
        data["sign"] = hashlib.md5(f"{text}&partner_key={SANDBOX_PARTNER_KEY}".encode()).hexdigest()
        answer = self.http.post(
            self.base_url + path.lstrip("/"),
            content=urlencode(data).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        body: dict[str, Any] = answer.json()
        return body


@pytest.fixture
def earlier(mode: str, sandbox: Sandbox, request: pytest.FixtureRequest) -> Any:
    if mode == "http":
        http = httpx2.Client()
        base = request.getfixturevalue("http_sandbox").base_url
    else:
        http = httpx2.Client(transport=sandbox.transport())
        base = "http://sandbox.local/"
    yield EarlierClient(http, base)
    http.close()


def test_the_earlier_sdks_default_calls_are_accepted(earlier: EarlierClient, times: Any) -> None:
    start, end = times
    created = earlier.post(
        "/openapi/room/create",
        {
            "title": "迁移",
            "start_time": start,
            "end_time": end,
            "type": 2,
            **EARLIER_CREATE_DEFAULTS,
        },
    )
    assert created["code"] == 0, created
    room_id = created["data"]["room_id"]
    listed = earlier.post("/openapi/room/list", {"page": 1, "limit": 100, "product_type": 0})
    assert listed["code"] == 0, listed
    assert [r["room_id"] for r in listed["data"]["list"]] == [int(room_id)]
    code = earlier.post("/openapi/room/getcode", {"room_id": room_id, "user_number": 7})
    assert code["code"] == 0 and len(code["data"]["student_code"]) == 6
    codes = earlier.post(
        "/openapi/room/listcode", {"room_id": room_id, "type": 0, "page": 1, "limit": 100}
    )
    assert codes["code"] == 0 and codes["data"]["total"] == 1
    # the earlier SDK sends video_ids to getSpotVideo too: extra fields are signed, not refused
    spots = earlier.post("/openapi/room/getSpotVideo", {"room_id": room_id, "video_ids": "1"})
    assert spots == {**spots, "code": 0, "data": {"list": []}}


def test_long_titles_are_kept_truncated_like_the_platform(client: BaiJiaYunClient, times) -> None:
    title = "长" * 49 + "abcdef"
    with pytest.warns(UserWarning, match="title"):
        room = client.room.create(title, *times, 2)
    assert client.room.info(room.room_id).title == title[:50]
    with pytest.warns(UserWarning):
        client.room.update(room.room_id, title="x" * 80)
    assert client.room.info(room.room_id).title == "x" * 50
    assert client.room.list()[0].title == "x" * 50


def test_product_type_zero_lists_every_product_line(client: BaiJiaYunClient, times) -> None:
    education = client.room.create("edu", *times, 2).room_id
    small = client.room.create("small", *times, 4, max_users=6).room_id
    enterprise = client.room.create("corp", *times, 2, industry_type=1).room_id
    every = [education, small, enterprise]
    assert [r.room_id for r in client.room.list(product_type=0)] == every
    assert [r.room_id for r in client.room.list()] == every
    assert [r.room_id for r in client.room.list(product_type=1)] == [education]
    assert [r.room_id for r in client.room.list(product_type=2)] == [small]
    assert [r.room_id for r in client.room.list(product_type=4)] == [enterprise]


def test_a_deleted_room_is_not_listed(client: BaiJiaYunClient, times) -> None:
    keep, gone = (client.room.create(t, *times, 2).room_id for t in ("keep", "gone"))
    client.room.delete(gone)
    assert [r.room_id for r in client.room.list()] == [keep]
    assert [r.room_id for r in client.iter_rooms(limit=1)] == [keep]


def test_update_audition_type_turns_an_audition_code_into_a_regular_one(
    client: BaiJiaYunClient, times
) -> None:
    room_id = client.room.create("trial", *times, 2).room_id
    (audition,) = client.room.get_audition_code(room_id, [7], audition_length=60).items
    assert [c.code for c in client.room.listcode(room_id, type=1).items] == [audition.code]
    code = client.room.getcode(room_id, 7, update_audition_type=1)
    assert code == audition.code
    assert client.room.listcode(room_id, type=1).items == []
    regular = client.room.listcode(room_id, type=0)
    assert [(c.code, c.expire_time) for c in regular.items] == [(audition.code, None)]
    info = client.room.get_code_info(code)
    assert (info.type, info.expire_time) == (0, None)


@pytest.fixture
def other(sandbox: Sandbox, mode: str, request: pytest.FixtureRequest) -> Any:
    sandbox.partner.add(*OTHER)
    settings = {"partner_id": OTHER[0], "partner_key": OTHER[1], "max_retries": 0}
    if mode == "http":
        client = request.getfixturevalue("http_sandbox").client(**settings)
    else:
        client = sandbox.client(**settings)
    yield client
    client.close()


def test_another_partner_cannot_reach_a_partners_rooms_or_codes(
    client: BaiJiaYunClient, other: BaiJiaYunClient, sandbox: Sandbox, times
) -> None:
    room = client.room.create("mine", *times, 2)
    code = client.room.getcode(room.room_id, 5)
    with pytest.raises(ParameterError, match="code"):
        other.room.get_code_info(code)
    with pytest.raises(ParameterError, match="code"):
        other.room.get_code_info(room.teacher_code)
    with pytest.raises(RoomNotFoundError):
        other.room.info(room.room_id)
    with pytest.raises(RoomNotFoundError):
        other.room.delete(room.room_id)
    with pytest.raises(RoomNotFoundError):
        other.room.getcode(room.room_id, 5)
    assert other.room.list() == []
    assert client.room.info(room.room_id).title == "mine"
    assert client.room.get_code_info(code).user_number == "5"


def test_an_enter_link_signed_by_another_partner_does_not_open(
    client: BaiJiaYunClient, sandbox: Sandbox, times
) -> None:
    sandbox.partner.add(*OTHER)
    room_id = client.room.create("mine", *times, 2).room_id
    http = httpx2.Client(transport=sandbox.transport())
    base = "http://sandbox.local/"
    forged = enter_url(base, OTHER[1], room_id, 9, "Mallory", 1)
    genuine = enter_url(base, SANDBOX_PARTNER_KEY, room_id, 9, "Alice", 1)
    assert http.get(forged).status_code == 404
    assert http.get(genuine).status_code == 200


def test_every_store_query_is_scoped_to_its_partner(sandbox: Sandbox) -> None:
    store = RoomStore(sandbox.env, SANDBOX_PARTNER_ID)
    with pytest.raises(AssertionError, match="not scoped"):
        store._rows("SELECT * FROM rooms")


def test_a_handler_bug_is_logged_with_its_traceback_and_answered_code_1(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox = Sandbox()
    spec, _ = sandbox._handlers["/openapi/room/list"]

    def broken(call: Any) -> Any:
        return {}["no such key"]

    monkeypatch.setitem(sandbox._handlers, spec.path, (spec, broken))
    with (
        caplog.at_level(logging.ERROR, logger="baijiayun.sandbox"),
        sandbox.client() as c,
        pytest.raises(APIError, match="sandbox internal error") as info,
    ):
        c.room.list()
    assert info.value.code == 1
    (record,) = caplog.records
    assert record.exc_info is not None and record.exc_info[0] is KeyError
    assert "/openapi/room/list" in record.getMessage()


def test_raise_errors_raises_a_handler_bug_at_the_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox = Sandbox(raise_errors=True)
    spec, _ = sandbox._handlers["/openapi/room/list"]
    monkeypatch.setitem(sandbox._handlers, spec.path, (spec, lambda call: {}["missing"]))
    with sandbox.client() as c, pytest.raises(KeyError, match="missing") as info:
        c.room.list()
    assert info.traceback[-1].name == "<lambda>"  # raised where the bug is


@pytest.mark.parametrize(
    ("room_type", "change", "param"),
    [
        pytest.param(2, {"end_time": "start"}, "end_time", id="end-at-start"),
        pytest.param(2, {"end_time": "day"}, "end_time", id="too-long"),
        pytest.param(4, {"max_users": 13}, "max_users", id="small-class-seats"),
        pytest.param(6, {"max_users": 2}, "max_users", id="one-to-one-seats"),
    ],
)
def test_updates_are_checked_against_the_room_as_changed(
    client: BaiJiaYunClient, times, room_type: int, change: dict[str, Any], param: str
) -> None:
    """The SDK cannot see the stored room; the sandbox checks the merged result."""
    start, end = times
    seats = {4: 6, 6: 1}.get(room_type)
    room_id = client.room.create("r", start, end, room_type, max_users=seats).room_id
    value = change.get("end_time")
    if value == "start":
        change = {"end_time": start}
    elif value == "day":
        change = {"end_time": start + 86400}
    with pytest.raises(ParameterError) as info:
        client.room.update(room_id, **change)
    assert info.value.msg.startswith(param)
    assert client.room.info(room_id).end_time.timestamp() == end  # unchanged


def test_enter_links_record_attendance_by_the_sandbox_clock(
    client: BaiJiaYunClient, sandbox: Sandbox, times
) -> None:
    room_id = client.room.create("class", *times, 2).room_id
    http = httpx2.Client(transport=sandbox.transport())
    base = "http://sandbox.local/"
    opened = sandbox.now()
    assert http.get(enter_url(base, SANDBOX_PARTNER_KEY, room_id, 7, "小明", 0)).status_code == 200
    assert http.get(enter_url(base, SANDBOX_PARTNER_KEY, room_id, 1, "Ms Li", 1)).status_code == 200
    forged = enter_url(base, OTHER[1], room_id, 8, "Mallory", 0)
    assert http.get(forged).status_code == 403  # unknown key: no visit recorded
    sandbox.advance_clock(600)
    assert sandbox.classroom.leave(room_id, "7") == {"left": 1}
    visits = sandbox.classroom.attendance(room_id)["visits"]
    assert [(v["user_number"], v["user_name"], v["user_role"]) for v in visits] == [
        ("7", "小明", 0),
        ("1", "Ms Li", 1),
    ]
    assert visits[0]["enter_time"] == pytest.approx(opened, abs=2)
    assert visits[0]["leave_time"] - visits[0]["enter_time"] == pytest.approx(600, abs=2)
    assert visits[1]["leave_time"] is None


def test_activity_is_recorded_per_room_over_the_control_api(
    client: BaiJiaYunClient, sandbox: Sandbox, times
) -> None:
    room_id = client.room.create("class", *times, 2).room_id
    control = httpx2.Client(transport=sandbox.transport(), base_url="http://sandbox.local")
    answer = control.post(
        f"/_sandbox/rooms/{room_id}/activity",
        json={"kind": "checkin", "user_number": "7", "data": {"late": False}},
    )
    assert answer.status_code == 200, answer.text
    bad = control.post(f"/_sandbox/rooms/{room_id}/activity", json={"kind": "x", "data": [1]})
    assert bad.status_code == 400 and "data" in bad.json()["error"]
    from baijiayun.sandbox.state.classroom import ClassroomStore

    (event,) = ClassroomStore(sandbox.env, SANDBOX_PARTNER_ID).activity(room_id)
    assert (event["kind"], event["user_number"], event["data"]) == ("checkin", "7", {"late": False})
