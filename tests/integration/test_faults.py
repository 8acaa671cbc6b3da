"""Fault injection, and the retry decisions it proves over HTTP and in process."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

import baijiayun._flow as base
from baijiayun import (
    AccountDisabledError,
    APIConnectionError,
    APIError,
    APITimeoutError,
    BaiJiaYunClient,
    DecodeError,
    HTTPStatusError,
)
from baijiayun.sandbox import Sandbox

CREATE = "/openapi/room/create"
JSON = {"Content-Type": "application/json"}
INFO = "/openapi/room/info"


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "backoff_delay", lambda attempt, opts: 0.0)


def rooms(sandbox: Sandbox) -> int:
    row = sandbox.db.row("SELECT COUNT(*) AS n FROM rooms")
    return int(row["n"]) if row else 0


def test_502_on_a_read_is_retried(client: BaiJiaYunClient, sandbox: Sandbox, times: Any) -> None:
    room = client.room.create("r", *times, 2)
    sandbox.inject(INFO, status=502, count=2)
    info = client.with_options(max_retries=2).room.info(room.room_id)
    assert info.room_id == room.room_id
    assert sandbox.request_count(INFO) == 3


def test_502_on_a_write_is_not_retried(
    client: BaiJiaYunClient, sandbox: Sandbox, times: Any
) -> None:
    sandbox.inject(CREATE, status=502)
    with pytest.raises(HTTPStatusError) as err:
        client.with_options(max_retries=3).room.create("r", *times, 2)
    assert err.value.status == 502
    assert sandbox.request_count(CREATE) == 1 and rooms(sandbox) == 0


def test_timeout_on_create_is_sent_exactly_once(
    client: BaiJiaYunClient, sandbox: Sandbox, times: Any
) -> None:
    sandbox.inject(CREATE, delay=0.5)
    with pytest.raises(APITimeoutError) as err:
        client.with_options(timeout=0.2, max_retries=3).room.create("r", *times, 2)
    assert err.value.may_have_been_sent is True
    assert sandbox.request_count(CREATE) == 1
    assert rooms(sandbox) == 1  # the platform did create it: a blind retry would duplicate it


def test_timeout_on_info_is_retried(client: BaiJiaYunClient, sandbox: Sandbox, times: Any) -> None:
    room = client.room.create("r", *times, 2)
    sandbox.inject(INFO, delay=0.5)
    assert client.with_options(timeout=0.2, max_retries=1).room.info(room.room_id)
    assert sandbox.request_count(INFO) == 2


def test_dropped_connection_on_create(
    client: BaiJiaYunClient, sandbox: Sandbox, times: Any
) -> None:
    sandbox.inject(CREATE, drop=True)
    with pytest.raises(APIConnectionError) as err:
        client.with_options(max_retries=3).room.create("r", *times, 2)
    assert err.value.may_have_been_sent is True
    assert sandbox.request_count(CREATE) == 1 and rooms(sandbox) == 1


def test_retry_writes_opt_in(client: BaiJiaYunClient, sandbox: Sandbox, times: Any) -> None:
    sandbox.inject(CREATE, status=503)
    room = client.with_options(max_retries=1, retry_writes=True).room.create("r", *times, 2)
    assert room.room_id and sandbox.request_count(CREATE) == 2


def test_platform_code_fault(client: BaiJiaYunClient, sandbox: Sandbox) -> None:
    sandbox.inject("*", code=2003, msg="service stopped")
    with pytest.raises(AccountDisabledError) as err:
        client.room.list()
    assert err.value.code == 2003 and err.value.msg == "service stopped"
    assert client.room.list() == []  # used up


@pytest.mark.parametrize(
    ("body", "error"),
    [("truncated", DecodeError), ("not_json", DecodeError), ("html", HTTPStatusError)],
)
def test_body_faults(client: BaiJiaYunClient, sandbox: Sandbox, body: str, error: type) -> None:
    sandbox.inject("/openapi/room/list", body=body)
    with pytest.raises(error) as err:
        client.room.list()
    assert "sign" not in str(err.value)


def test_fault_count_and_path_matching(client: BaiJiaYunClient, sandbox: Sandbox) -> None:
    sandbox.inject("/openapi/room/list", code=1, count=2)
    sandbox.inject("/openapi/room/info", code=1)
    for _ in range(2):
        with pytest.raises(APIError, match="injected error") as err:
            client.room.list()
        assert err.value.code == 1
    assert client.room.list() == []
    assert len(sandbox.faults.describe()) == 1


def test_control_api_over_http(http_sandbox: Any, times: Any) -> None:
    http_sandbox.sandbox.reset()
    control = httpx2.Client(base_url=http_sandbox.base_url)
    answer = control.post("/_sandbox/faults", json={"path": CREATE, "status": 503, "count": 1})
    assert answer.status_code == 200 and answer.json()["fault"]["status"] == 503
    assert control.get("/_sandbox/faults").json()["faults"][0]["status"] == 503
    with http_sandbox.client(max_retries=0) as client:
        with pytest.raises(HTTPStatusError):
            client.room.create("r", *times, 2)
        client.room.create("r", *times, 2)
    counts = control.get("/_sandbox/requests").json()
    assert counts["by_path"][CREATE] == 2
    state = control.get("/_sandbox/state").json()
    assert len(state["state"]["rooms"]) == 1
    assert control.post("/_sandbox/faults", json={"status": 42}).status_code == 400
    bad_json = control.post("/_sandbox/faults", content=b"{nope", headers=JSON)
    assert bad_json.status_code == 400
    assert control.post("/_sandbox/reset", json={}).json() == {"ok": True}
    assert control.get("/_sandbox/state").json()["state"]["rooms"] == []
    assert control.get("/_sandbox/nothing").status_code == 404
    control.close()


def test_control_api_is_loopback_only() -> None:
    from baijiayun.sandbox import SandboxRequest

    sandbox = Sandbox()
    answer = sandbox.handle(SandboxRequest("POST", "/_sandbox/reset", client_host="10.1.2.3"))
    assert answer.status == 403


def test_seed_makes_ids_repeatable(times: Any) -> None:
    def run() -> list[str]:
        box = Sandbox(seed=99)
        with box.client() as c:
            room = c.room.create("r", *times, 2)
            return [room.room_id[6:], room.student_code or "", c.room.getcode(room.room_id, 5)]

    assert run() == run()
    box = Sandbox()
    box.seed(99)
    with box.client() as c:
        room = c.room.create("r", *times, 2)
        assert room.room_id[6:] == run()[0]
