"""What an error may show of an answer: never a key, never a whole body (issue 8, item 8)."""

from __future__ import annotations

import json

import httpx2
import pytest

from baijiayun.errors import (
    EXCERPT_CHARS,
    MSG_CHARS,
    APIError,
    BaiJiaYunError,
    DecodeError,
    HTTPStatusError,
    ParameterError,
)

from .conftest import CREATEKEY, FETCHED_KEY, PARTNER_KEY, ROOM_ID, SECRET_KEY, envelope

INFO = "/openapi/room/info"
KEYED_ANSWER = json.dumps({"code": 0, "msg": "", "data": {"partner_key": FETCHED_KEY}})


def _shown(exc: BaiJiaYunError) -> str:
    """Everything an error shows: its text, repr and attributes."""
    return " ".join([str(exc), repr(exc), *(str(v) for v in vars(exc).values())])


@pytest.mark.parametrize(
    "answer",
    [
        httpx2.Response(502, text=KEYED_ANSWER),  # a proxy in the way, body passed through
        httpx2.Response(200, text=KEYED_ANSWER[:-1]),  # cut short: not JSON
        httpx2.Response(200, text=f"partner_key={FETCHED_KEY}"),  # not JSON
        httpx2.Response(200, json={"msg": "", "data": {"partner_key": FETCHED_KEY}}),  # no code
        httpx2.Response(200, json={"code": "x", "data": {"partner_key": FETCHED_KEY}}),
        envelope({"partnerKey": FETCHED_KEY}),  # no partner_key field: the data is not shown
        envelope({"partner_key": [FETCHED_KEY]}),  # not text
    ],
    ids=["502", "cut-short", "form", "no-code", "bad-code", "renamed", "list"],
)
@pytest.mark.parametrize("how", ["explicit", "fetched-by-a-call"])
def test_a_key_bearing_answer_is_never_excerpted(make_harness, mode, answer, how) -> None:
    """Before: the 200-character excerpt of a failed createkey answer held the key."""
    h = make_harness(mode, partner_key=None, secret_key=SECRET_KEY, max_retries=0)
    h.api.script(CREATEKEY, answer)
    with pytest.raises((HTTPStatusError, DecodeError)) as info:
        if how == "explicit":
            h.run(lambda c: c.partner.createkey(SECRET_KEY))
        else:
            h.room("info", ROOM_ID)
    shown = _shown(info.value)
    assert FETCHED_KEY not in shown and FETCHED_KEY[:16] not in shown
    assert "not shown" in info.value.body_excerpt
    assert info.value.path == CREATEKEY


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (
            httpx2.Response(
                400, text=f"bad request: partner_id=1&sign=0123abcd&secret_key={SECRET_KEY}"
            ),
            HTTPStatusError,
        ),
        (
            httpx2.Response(200, json={"echo": {"partner_key": PARTNER_KEY, "sign": "0123abcd"}}),
            DecodeError,
        ),
        (httpx2.Response(200, text=f"<pre>{{'partner_key': '{PARTNER_KEY}'}}</pre>"), DecodeError),
        (envelope(code=1001, msg=f"bad sign=0123abcd (partner_key={PARTNER_KEY})"), ParameterError),
    ],
    ids=["http-status", "decode-json", "decode-repr", "api-msg"],
)
def test_secret_values_are_redacted_in_every_excerpt(make_harness, mode, answer, error) -> None:
    h = make_harness(mode, max_retries=0)
    h.api.script(INFO, answer)
    with pytest.raises(error) as info:
        h.room("info", ROOM_ID)
    shown = _shown(info.value)
    for secret in (PARTNER_KEY, SECRET_KEY, "0123abcd"):
        assert secret not in shown and secret[:12] not in shown
    assert "***" in shown


def test_a_huge_msg_is_clipped(make_harness) -> None:
    """Before: a 50 MB msg ended up whole in the exception's text. (A larger answer than
    this 30 MB one is not read at all: MAX_ANSWER_BYTES.)"""
    h = make_harness("sync")
    huge = "错" * (10 << 20)  # 10 M characters, 30 MiB: under the answer cap
    h.api.script(INFO, httpx2.Response(200, json={"code": 1001, "msg": huge, "data": None}))
    with pytest.raises(ParameterError) as info:
        h.room("info", ROOM_ID)
    exc = info.value
    assert exc.msg == "错" * MSG_CHARS + "…"
    assert len(str(exc)) < MSG_CHARS + 200 and len(repr(exc)) < MSG_CHARS + 200


@pytest.mark.parametrize("status", [200, 500])
def test_a_huge_body_is_excerpted_briefly(make_harness, status) -> None:
    h = make_harness("sync", max_retries=0)
    h.api.script(INFO, httpx2.Response(status, text="<" * (5 << 20)))
    with pytest.raises((DecodeError, HTTPStatusError)) as info:
        h.room("info", ROOM_ID)
    assert len(info.value.body_excerpt) == EXCERPT_CHARS + 1  # "…" marks the cut
    assert len(str(info.value)) < EXCERPT_CHARS + 200


def test_errors_made_by_hand_are_bounded_and_redacted_too() -> None:
    exc = APIError(1, "x" * 10_000 + "sign=abc", path=INFO)
    assert len(exc.msg) == MSG_CHARS + 1
    assert "sign=abc" not in str(APIError(1, "oops sign=abc")), "redacted"
    assert HTTPStatusError(502, '{"secret_key":"s3cr3t"}').body_excerpt == '{"secret_key":***}'
