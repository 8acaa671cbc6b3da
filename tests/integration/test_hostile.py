"""The sandbox as a server under hostile or careless traffic (issue: hardening, sandbox side).

Every test talks to 127.0.0.1 only and is bounded in count and time.
"""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import threading
import time
from typing import Any

import httpx2
import pytest

from baijiayun import APIConnectionError, BaiJiaYunClient, ParameterError
from baijiayun.sandbox import SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY, Sandbox, SandboxRequest
from baijiayun.sandbox.core.control import is_loopback, refusal
from baijiayun.sandbox.core.forms import MAX_FIELDS
from baijiayun.sandbox.core.server import ThreadedServer

JSON = {"Content-Type": "application/json"}


def signed_form(fields: dict[str, str]) -> dict[str, str]:
    from baijiayun._signing import sign

    data = {**fields, "partner_id": SANDBOX_PARTNER_ID, "timestamp": str(int(time.time()))}
    return {**data, "sign": sign(data, SANDBOX_PARTNER_KEY)}


# --------------------------------------------------------------------------- 1. bounded work
def test_a_flood_of_parts_is_refused_while_others_are_answered(times: Any) -> None:
    sandbox = Sandbox()
    with sandbox.serve() as server, server.client(max_retries=0) as client:
        room_id = client.room.create("busy", *times, 2).room_id
        part = b'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n'
        flood = part * 200_000 + b"--b--\r\n"
        assert len(flood) > 10_000_000
        answers: list[Any] = []

        def attack() -> None:
            with httpx2.Client(timeout=60) as http:
                answers.append(
                    http.post(
                        server.base_url + "openapi/room/info",
                        content=flood,
                        headers={"Content-Type": "multipart/form-data; boundary=b"},
                    ).json()
                )

        attacker = threading.Thread(target=attack)
        attacker.start()
        slowest = 0.0
        while attacker.is_alive():
            started = time.perf_counter()
            assert client.room.info(room_id).title == "busy"
            slowest = max(slowest, time.perf_counter() - started)
        attacker.join()
        assert answers[0]["code"] == 1001 and "fields" in answers[0]["msg"]
        assert slowest < 1.0, slowest


def test_too_many_urlencoded_fields_are_refused_before_parsing() -> None:
    sandbox = Sandbox()
    body = "&".join(f"f{i}=1" for i in range(MAX_FIELDS + 1)).encode()
    started = time.perf_counter()
    answer = sandbox.handle(
        SandboxRequest(
            "POST",
            "/openapi/room/info",
            headers={"content-type": "application/x-www-form-urlencoded"},
            body=body,
        )
    )
    assert json.loads(answer.body)["code"] == 1001
    assert time.perf_counter() - started < 0.5


def test_count_parameters_have_an_upper_bound(client: BaiJiaYunClient, times: Any) -> None:
    room_id = client.room.create("groups", *times, 2, new_group_live=1).room_id
    with pytest.raises(ParameterError, match="number"):
        client.with_options(validate=False).room.create_group_live_codes(room_id, 50_000)
    assert len(client.room.create_group_live_codes(room_id, 1000).items) == 1000


# --------------------------------------------------------------------------- 2. memory
def test_unknown_paths_are_counted_under_one_key() -> None:
    sandbox = Sandbox()
    http = httpx2.Client(transport=sandbox.transport(), base_url="http://sandbox.local")
    for i in range(300):
        http.post(f"/openapi/{'x' * 1000}{i}")
        http.get(f"/web/{i}")
    assert sandbox.request_count() == 600
    assert set(sandbox.requests) == {"(other)"}
    assert len(json.dumps(sandbox.dump())) < 10_000


# --------------------------------------------------------------------------- 3. control trust
@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.9.9.9:8000", True),
        ("::1", True),
        ("[::1]:80", True),
        ("::ffff:127.0.0.1", True),
        ("localhost:1", True),
        ("10.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("example.com", False),
        ("127.0.0.1.example.com", False),
        ("", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def _control(method: str = "POST", **headers: str) -> SandboxRequest:
    base = {"host": "127.0.0.1:9", "content-type": "application/json"}
    return SandboxRequest(
        method, "/_sandbox/reset", headers={**base, **headers}, client_host="127.0.0.1"
    )


@pytest.mark.parametrize(
    ("request_", "refused"),
    [
        pytest.param(_control(), False, id="loopback-json"),
        pytest.param(_control(origin="http://127.0.0.1:9"), False, id="own-origin"),
        # another local app (a dev server on another port) is another origin
        pytest.param(_control(origin="http://127.0.0.1:5173"), True, id="local-other-port"),
        pytest.param(_control(origin="http://localhost:9"), True, id="local-other-host"),
        pytest.param(_control(origin="https://127.0.0.1:9"), True, id="other-scheme"),
        pytest.param(_control(origin="null"), True, id="opaque-origin"),
        pytest.param(_control("GET", **{"content-type": ""}), False, id="get-without-json"),
        pytest.param(_control(host="evil.example"), True, id="rebinding-host"),
        pytest.param(_control(origin="https://evil.example"), True, id="foreign-origin"),
        pytest.param(_control(**{"content-type": "text/plain"}), True, id="form-post"),
        pytest.param(_control(**{"content-type": "application/x-www-form-urlencoded"}), True),
        pytest.param(
            SandboxRequest(
                "POST",
                "/_sandbox/reset",
                client_host="::ffff:127.0.0.1",
                headers={"host": "localhost", "content-type": "application/json"},
            ),
            False,
            id="ipv4-mapped-peer",
        ),
        pytest.param(
            SandboxRequest(
                "POST",
                "/_sandbox/reset",
                client_host="203.0.113.5",
                headers={
                    "host": "127.0.0.1",
                    "x-forwarded-for": "127.0.0.1",
                    "content-type": "application/json",
                },
            ),
            True,
            id="forwarded-for-is-ignored",
        ),
    ],
)
def test_control_requests_are_judged_by_peer_host_origin_and_type(
    request_: SandboxRequest, refused: bool
) -> None:
    assert (refusal(request_) is not None) is refused
    answer = Sandbox().handle(request_)
    assert (answer.status == 403) is refused


def test_the_server_ignores_forwarded_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    """With proxy headers trusted, X-Forwarded-For would make the peer 203.0.113.5."""
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")
    with Sandbox().serve() as server:
        answer = httpx2.post(
            server.base_url + "_sandbox/reset",
            json={},
            headers={"X-Forwarded-For": "203.0.113.5", "Forwarded": "for=203.0.113.5"},
        )
        assert answer.status_code == 200, answer.text
        # and a page of another origin cannot use it
        page = httpx2.post(
            server.base_url + "_sandbox/reset", json={}, headers={"Origin": "https://evil.example"}
        )
        assert page.status_code == 403


def test_a_server_bound_to_all_ipv6_addresses_takes_ipv4_loopback_control_calls() -> None:
    try:
        server = Sandbox().serve(host="::")
        server.__enter__()
    except OSError:
        pytest.skip("this machine has no IPv6")
    try:
        answer = httpx2.post(f"http://127.0.0.1:{server.port}/_sandbox/reset", json={})
        assert answer.status_code == 200, answer.text
    finally:
        server.__exit__(None, None, None)


def test_the_control_index_lists_the_routes() -> None:
    http = httpx2.Client(transport=Sandbox().transport(), base_url="http://sandbox.local")
    routes = http.get("/_sandbox/").json()["routes"]
    paths = {(r["method"], r["path"]) for r in routes}
    assert ("POST", "/_sandbox/rooms/{room_id}/start") in paths
    assert ("POST", "/_sandbox/faults") in paths
    assert all(r["doc"] for r in routes)


# --------------------------------------------------------------------------- 4. non-finite
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/_sandbox/clock", b'{"advance": NaN}'),
        ("/_sandbox/clock", b'{"advance": Infinity}'),
        ("/_sandbox/clock", b'{"advance": -Infinity}'),
        ("/_sandbox/clock", b'{"advance": 1e400}'),
        ("/_sandbox/faults", b'{"delay": NaN}'),
        ("/_sandbox/faults", b'{"delay": 1e999}'),
    ],
)
def test_non_finite_numbers_are_refused_and_break_nothing(
    client: BaiJiaYunClient, sandbox: Sandbox, path: str, body: bytes, times: Any
) -> None:
    http = httpx2.Client(transport=sandbox.transport(), base_url="http://sandbox.local")
    assert http.post(path, content=body, headers=JSON).status_code == 400
    assert sandbox.clock_offset == 0.0 and sandbox.faults.describe() == []
    assert client.room.create("after", *times, 2).room_id


# --------------------------------------------------------------------------- 5. shared file
def test_two_servers_on_one_file_take_concurrent_creates(tmp_path: Any, times: Any) -> None:
    db = str(tmp_path / "shared.db")
    Sandbox(db)  # create the schema once
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "baijiayun.sandbox", "--db", db, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        urls = [s.stdout.readline().strip() for s in servers if s.stdout]
        failures: list[str] = []

        def create(url: str, n: int) -> None:
            with BaiJiaYunClient(
                SANDBOX_PARTNER_ID, partner_key=SANDBOX_PARTNER_KEY, base_url=url, max_retries=0
            ) as c:
                for i in range(n):
                    try:
                        c.room.create(f"r{i}", *times, 2)
                    except Exception as exc:  # counted, then asserted below
                        failures.append(repr(exc))

        threads = [threading.Thread(target=create, args=(u, 150)) for u in urls for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert failures == []
        row = Sandbox(db).db.row("SELECT COUNT(*) AS n FROM rooms")
        assert row is not None and row["n"] == 600
    finally:
        for s in servers:
            s.terminate()
            s.wait()


# --------------------------------------------------------------------------- 6. range checks
@pytest.mark.parametrize(
    ("path", "fields", "code"),
    [
        ("/openapi/video/getPlayerToken", {"video_id": str(2**63), "expires_in": "0"}, 1001),
        ("/openapi/video/getPlayerToken", {"video_id": "9" * 30, "expires_in": "0"}, 1001),
        ("/openapi/room/info", {"room_id": "9" * 25}, 3001),  # ids are text: no such room
    ],
)
def test_numbers_beyond_64_bits_are_answered_not_crashed_on(
    path: str, fields: dict[str, str], code: int
) -> None:
    sandbox = Sandbox(raise_errors=True)
    http = httpx2.Client(transport=sandbox.transport(), base_url="http://sandbox.local")
    assert http.post(path, data=signed_form(fields)).json()["code"] == code


@pytest.mark.parametrize("stamp", ["²", "1" * 5000, "١٢٣", "-5", "1e9"])
def test_malformed_timestamps_are_answered_1001(stamp: str) -> None:
    sandbox = Sandbox(raise_errors=True)
    http = httpx2.Client(transport=sandbox.transport(), base_url="http://sandbox.local")
    fields = {"partner_id": SANDBOX_PARTNER_ID, "timestamp": stamp, "sign": "x"}
    answer = http.post("/openapi/room/list", data=fields).json()
    assert answer["code"] == 1001 and "timestamp" in answer["msg"]


def test_a_page_far_past_the_end_is_empty(client: BaiJiaYunClient, times: Any) -> None:
    room_id = client.room.create("r", *times, 2).room_id
    client.room.getcode(room_id, 1)
    assert client.room.listcode(room_id, page=10**17).items == []
    assert client.room.list(page=10**17, limit=1000) == []


# --------------------------------------------------------------------------- 7. slow sockets
def test_a_connection_that_sends_no_request_is_closed() -> None:
    server = ThreadedServer(Sandbox(), header_timeout=0.3)
    with server:
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.settimeout(5)
        started = time.perf_counter()
        assert sock.recv(1) == b""  # closed by the server
        assert time.perf_counter() - started < 3
        sock.close()


def test_a_drop_fault_logs_no_traceback(caplog: pytest.LogCaptureFixture, times: Any) -> None:
    sandbox = Sandbox()
    with sandbox.serve() as server, server.client(max_retries=0) as client:
        sandbox.inject("/openapi/room/list", drop=True)
        with (
            caplog.at_level(logging.DEBUG, logger="uvicorn"),
            pytest.raises(APIConnectionError) as err,
        ):
            client.room.list()
        assert err.value.may_have_been_sent
        time.sleep(0.1)
    assert [r for r in caplog.records if r.exc_info] == []
    assert not any("Traceback" in r.getMessage() for r in caplog.records)
