"""Retries: what is repeated, how often, and that each attempt is freshly signed.

Backoff is zero in every unit test (conftest patches ``backoff_delay``).
"""

from __future__ import annotations

import httpx2
import pytest

import baijiayun._flow
from baijiayun._flow import RequestOptions
from baijiayun.errors import APIConnectionError, APITimeoutError, HTTPStatusError, RoomNotFoundError

from .conftest import NOW, ROOM_ID, answer, envelope

INFO = "/openapi/room/info"
CREATE = "/openapi/room/create"
START = NOW + 86400
REAL_BACKOFF = baijiayun._flow.backoff_delay  # read at import, before conftest patches it
CREATE_ARGS = ("t", START, START + 3600, 2)


def _create(h):
    return h.room("create", *CREATE_ARGS)


def test_read_timeout_on_create_is_not_retried(harness) -> None:
    harness.api.script(CREATE, httpx2.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError) as info:
        _create(harness)
    assert info.value.may_have_been_sent is True
    assert len(harness.api.sent) == 1


@pytest.mark.parametrize("max_retries", [0, 1, 2, 4])
def test_read_timeout_on_info_is_retried_until_attempts_run_out(make_harness, mode, max_retries):
    h = make_harness(mode, max_retries=max_retries)
    h.api.script(INFO, httpx2.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError):
        h.room("info", ROOM_ID)
    assert len(h.api.sent) == max_retries + 1


def test_read_timeout_on_info_recovers(harness) -> None:
    # default max_retries is 2: two timeouts, then an answer on the third attempt
    slow = httpx2.ReadTimeout("slow")
    harness.api.script(INFO, slow, slow, answer(INFO))
    info = harness.room("info", ROOM_ID)
    assert info.room_id == str(ROOM_ID)
    assert len(harness.api.sent) == 3


def test_connect_error_on_create_is_retried(harness) -> None:
    refused = httpx2.ConnectError("refused")
    harness.api.script(CREATE, refused, refused, answer(CREATE, room_id="1"))
    result = _create(harness)
    assert result.room_id == "1"
    assert len(harness.api.sent) == 3


def test_connect_error_gives_up_after_max_retries(make_harness, mode) -> None:
    h = make_harness(mode, max_retries=3)
    h.api.script(CREATE, httpx2.ConnectError("refused"))
    with pytest.raises(APIConnectionError) as info:
        _create(h)
    assert info.value.may_have_been_sent is False
    assert len(h.api.sent) == 4


def test_502_on_create_is_not_retried(harness) -> None:
    harness.api.script(CREATE, httpx2.Response(502, text="bad gateway"))
    with pytest.raises(HTTPStatusError):
        _create(harness)
    assert len(harness.api.sent) == 1


def test_502_on_info_is_retried(harness) -> None:
    harness.api.script(INFO, httpx2.Response(502, text="bad gateway"), answer(INFO))
    assert harness.room("info", ROOM_ID).room_id == str(ROOM_ID)
    assert len(harness.api.sent) == 2


def test_502_on_info_gives_up(harness) -> None:
    harness.api.script(INFO, httpx2.Response(503, text="unavailable"))
    with pytest.raises(HTTPStatusError) as info:
        harness.room("info", ROOM_ID)
    assert info.value.status == 503
    assert len(harness.api.sent) == 3


def test_429_is_retried_even_for_writes(harness) -> None:
    harness.api.script(CREATE, httpx2.Response(429, text="slow down"), answer(CREATE, room_id="9"))
    assert _create(harness).room_id == "9"
    assert len(harness.api.sent) == 2


@pytest.mark.parametrize("status", [400, 403, 404])
def test_4xx_is_not_retried(harness, status) -> None:
    harness.api.script(INFO, httpx2.Response(status, text="no"))
    with pytest.raises(HTTPStatusError):
        harness.room("info", ROOM_ID)
    assert len(harness.api.sent) == 1


def test_api_errors_are_not_retried(harness) -> None:
    harness.api.script(INFO, envelope(code=3001, msg="no room"))
    with pytest.raises(RoomNotFoundError):
        harness.room("info", ROOM_ID)
    assert len(harness.api.sent) == 1


@pytest.mark.parametrize(
    "failure",
    [lambda: httpx2.ReadTimeout("slow"), lambda: httpx2.Response(502, text="bad gateway")],
    ids=["read-timeout", "502"],
)
def test_retry_writes_opts_in(harness, failure) -> None:
    harness.api.script(CREATE, failure(), answer(CREATE, room_id="5"))
    result = harness.with_options(retry_writes=True).room("create", *CREATE_ARGS)
    assert result.room_id == "5"
    assert len(harness.api.sent) == 2


def test_retry_writes_respects_max_retries(harness) -> None:
    harness.api.script(CREATE, httpx2.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError):
        harness.with_options(retry_writes=True, max_retries=4).room("create", *CREATE_ARGS)
    assert len(harness.api.sent) == 5


@pytest.mark.parametrize(
    "failure",
    [httpx2.ConnectError("refused"), httpx2.ReadTimeout("slow")],
    ids=["connect", "read-timeout"],
)
def test_max_retries_zero_means_one_attempt(make_harness, mode, failure) -> None:
    h = make_harness(mode, max_retries=0)
    h.api.script(INFO, failure)
    with pytest.raises(APIConnectionError):
        h.room("info", ROOM_ID)
    assert len(h.api.sent) == 1


def test_max_retries_zero_through_with_options(harness) -> None:
    harness.api.script(INFO, httpx2.ConnectError("refused"))
    with pytest.raises(APIConnectionError):
        harness.with_options(max_retries=0).room("info", ROOM_ID)
    assert len(harness.api.sent) == 1


def test_each_attempt_has_a_fresh_timestamp_and_a_valid_sign(harness, clock) -> None:
    clock.step = 7  # every reading of the clock is 7 s later than the one before
    slow = httpx2.ReadTimeout("slow")
    harness.api.script(INFO, slow, slow, answer(INFO))
    harness.room("info", ROOM_ID)
    sent = harness.api.to(INFO)
    assert len(sent) == 3
    stamps = [int(s.form["timestamp"]) for s in sent]
    assert len(set(stamps)) == 3 and stamps == sorted(stamps)
    signs = [s.form["sign"] for s in sent]
    assert len(set(signs)) == 3
    for s in sent:
        assert s.sign_ok()
        assert s.form["room_id"] == str(ROOM_ID)


def test_multipart_retry_resends_the_whole_file(harness, tmp_path) -> None:
    picture = tmp_path / "bg.png"
    picture.write_bytes(b"PICTURE" * 100)
    harness.api.script(CREATE, httpx2.ConnectError("refused"), answer(CREATE, room_id="1"))
    with open(picture, "rb") as handle:
        harness.room("create", *CREATE_ARGS, background_attachment=handle)
    sent = harness.api.to(CREATE)
    assert len(sent) == 2
    assert [s.files["background_attachment"][1] for s in sent] == [b"PICTURE" * 100] * 2
    assert all(s.sign_ok() for s in sent)


def test_sleeps_between_attempts_use_backoff(make_harness, mode, monkeypatch) -> None:
    delays: list[tuple[int, RequestOptions]] = []

    def record(attempt, opts):
        delays.append((attempt, opts))
        return 0.0

    monkeypatch.setattr(baijiayun._flow, "backoff_delay", record)
    h = make_harness(mode, max_retries=3)
    h.api.script(INFO, httpx2.ConnectError("refused"))
    with pytest.raises(APIConnectionError):
        h.room("info", ROOM_ID)
    assert [a for a, _ in delays] == [1, 2, 3]


def test_backoff_delay_is_bounded() -> None:
    opts = RequestOptions(backoff_base=0.25, backoff_max=8.0)
    for attempt in range(1, 12):
        cap = min(8.0, 0.25 * 2 ** (attempt - 1))
        for _ in range(20):
            assert cap / 2 <= REAL_BACKOFF(attempt, opts) <= cap
