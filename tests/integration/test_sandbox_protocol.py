"""The sandbox checks requests like the platform and never answers a 500."""

from __future__ import annotations

import copy
import hashlib
import json
import time
from typing import Any
from urllib.parse import urlencode

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baijiayun import (
    AccountNotFoundError,
    BaiJiaYunClient,
    EndpointNotFoundError,
    ParameterError,
    SignatureError,
)
from baijiayun.api import REGISTRY
from baijiayun.sandbox import (
    SANDBOX_PARTNER_ID,
    SANDBOX_PARTNER_KEY,
    Sandbox,
    SandboxRequest,
)


def hand_signed(fields: dict[str, str], key: str = SANDBOX_PARTNER_KEY) -> dict[str, str]:
    """Sign the documented way, by hand, as a third-party client would."""
    text = "&".join(f"{k}={fields[k]}" for k in sorted(fields)) + "&partner_key=" + key
    return {**fields, "sign": hashlib.md5(text.encode()).hexdigest()}


def post(server: Any, path: str, fields: dict[str, str]) -> dict[str, Any]:
    with httpx2.Client(base_url=server.base_url) as http:
        answer = http.post(path, data=fields)
    assert answer.status_code == 200
    envelope: dict[str, Any] = answer.json()
    assert set(envelope) == {"code", "msg", "data", "ts"}
    return envelope


def test_third_party_client_signing_by_hand(http_sandbox: Any) -> None:
    http_sandbox.sandbox.reset()
    now = int(time.time())
    fields = {
        "partner_id": SANDBOX_PARTNER_ID,
        "title": "测试教室",
        "type": "2",
        "start_time": str(now + 600),
        "end_time": str(now + 4200),
        "timestamp": str(now),
    }
    created = post(http_sandbox, "/openapi/room/create", hand_signed(fields))
    assert created["code"] == 0 and len(created["data"]["room_id"]) == 14
    info = post(
        http_sandbox,
        "/openapi/room/info",
        hand_signed(
            {
                "partner_id": SANDBOX_PARTNER_ID,
                "room_id": created["data"]["room_id"],
                "timestamp": str(now),
            }
        ),
    )
    assert info["code"] == 0 and info["data"]["title"] == "测试教室"
    assert isinstance(info["data"]["room_id"], int)


def test_wrong_sign_stale_timestamp_unknown_partner(http_sandbox: Any) -> None:
    now = int(time.time())
    base = {"partner_id": SANDBOX_PARTNER_ID, "timestamp": str(now), "page": "1"}
    good = hand_signed(base)
    assert post(http_sandbox, "/openapi/room/list", good)["code"] == 0
    assert post(http_sandbox, "/openapi/room/list", {**good, "sign": "0" * 32})["code"] == 1002
    assert post(http_sandbox, "/openapi/room/list", {**good, "page": "2"})["code"] == 1002
    assert post(http_sandbox, "/openapi/room/list", hand_signed(base, "wrong"))["code"] == 1002
    stale = hand_signed({**base, "timestamp": str(now - 301)})
    assert post(http_sandbox, "/openapi/room/list", stale)["code"] == 1002
    future = hand_signed({**base, "timestamp": str(now + 400)})
    assert post(http_sandbox, "/openapi/room/list", future)["code"] == 1002
    unsigned = {k: v for k, v in good.items() if k != "sign"}
    assert post(http_sandbox, "/openapi/room/list", unsigned)["code"] == 1002
    stranger = hand_signed({**base, "partner_id": "424242"})
    assert post(http_sandbox, "/openapi/room/list", stranger)["code"] == 2001
    bad_param = hand_signed({**base, "page": "zero"})
    answer = post(http_sandbox, "/openapi/room/list", bad_param)
    assert answer["code"] == 1001 and "page" in answer["msg"]
    assert post(http_sandbox, "/openapi/nope/nothing", good)["code"] == 404


def test_sdk_errors_for_protocol_failures(sandbox: Sandbox) -> None:
    with (
        sandbox.client(partner_key="not-the-key") as wrong,
        pytest.raises(SignatureError),
    ):
        wrong.room.list()
    with sandbox.client(partner_id=999) as stranger, pytest.raises(AccountNotFoundError):
        stranger.room.list()
    with sandbox.client() as c:
        spec = REGISTRY["/openapi/room/list"]
        ghost = copy.copy(spec)
        ghost.path = "/openapi/room/ghost"
        with pytest.raises(EndpointNotFoundError):
            c._call(ghost, {})


def test_createkey_needs_the_secret(sandbox: Sandbox) -> None:
    with (
        sandbox.client(secret_key="wrong", partner_key=None) as c,
        pytest.raises(ParameterError) as err,
    ):
        c.room.list()
    assert err.value.code == 1001 and err.value.path == "/openapi/partner/createkey"
    assert "secret_key" in str(err.value) and "wrong" not in str(err.value)


def signed_now(fields: dict[str, str]) -> dict[str, str]:
    now = str(int(time.time()))
    return hand_signed({**fields, "partner_id": SANDBOX_PARTNER_ID, "timestamp": now})


paths = st.sampled_from(
    [*(e.path for e in REGISTRY), "/openapi/x", "/", "/web/room/enter", "/openapi/room/"]
)
junk_text = st.text(max_size=60)
form_fields = st.dictionaries(
    st.sampled_from(
        [
            "partner_id",
            "timestamp",
            "sign",
            "room_id",
            "title",
            "type",
            "page",
            "limit",
            "start_time",
            "end_time",
            "user_number",
            "video_ids",
            "code",
        ]
    )
    | junk_text,
    junk_text | st.integers().map(str),
    max_size=10,
)
bodies = st.one_of(
    st.binary(max_size=300),
    form_fields.map(lambda f: urlencode(f).encode()),
    form_fields.map(lambda f: urlencode(signed_now(f)).encode()),
)
content_types = st.sampled_from(
    [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "multipart/form-data",
        "text/plain",
        "",
        "application/json; charset=latin-1",
    ]
)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=paths, body=bodies, ctype=content_types, query=st.text(max_size=30))
def test_malformed_requests_never_give_500(path: str, body: bytes, ctype: str, query: str) -> None:
    answer = SANDBOX.handle(
        SandboxRequest("POST", path, query=query, headers={"content-type": ctype}, body=body)
    )
    assert answer.status < 500
    if path.startswith("/openapi/"):
        envelope = json.loads(answer.body)
        assert isinstance(envelope["code"], int)
        assert envelope["code"] == 0 or envelope["data"] is None


SANDBOX = Sandbox()


@settings(max_examples=40, deadline=None)
@given(body=st.binary(max_size=2000), ctype=content_types)
def test_malformed_requests_over_http(http_sandbox: Any, body: bytes, ctype: str) -> None:
    with httpx2.Client(base_url=http_sandbox.base_url) as http:
        answer = http.post("/openapi/room/create", content=body, headers={"content-type": ctype})
    assert answer.status_code == 200
    assert answer.json()["code"] in (1001, 1002, 2001)


def test_huge_body_is_refused_in_the_envelope(http_sandbox: Any) -> None:
    with httpx2.Client(base_url=http_sandbox.base_url, timeout=30) as http:
        answer = http.post("/openapi/room/create", content=b"a=" + b"x" * (21 * 1024 * 1024))
    assert answer.status_code == 200 and answer.json()["code"] == 1001


def test_multipart_upload_is_signed_without_the_file(client: BaiJiaYunClient, times: Any) -> None:
    room = client.room.create("bg", *times, 4, max_users=6, background_attachment=b"\x89PNG...")
    assert client.room.info(room.room_id).max_users == 6
