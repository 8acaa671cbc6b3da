"""Behaviour that a one-line bug would break, each with the test that sees it.

Each test names the bug it is there to catch.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import httpx2
import pytest

from baijiayun import APITimeoutError, SignatureError
from baijiayun.callbacks import (
    PlaybackReady,
    VideoTranscoded,
    parse_callback,
    sign_callback,
    verify_callback,
)

from .conftest import (
    CREATEKEY,
    FETCHED_KEY,
    FETCHED_KEY_2,
    ROOM_ID,
    SECRET_KEY,
    answer,
    envelope,
)

INFO = "/openapi/room/info"
UPDATE = "/openapi/room/update"

_HASH_PROBE = r"""
import json, sys
from baijiayun._wire import CSV, STR, Context
from baijiayun.api import REGISTRY
words = {"web", "h5", "ios", "android", "pc", "mac", "tv", "car"}
kind = CSV(STR)
spec = REGISTRY["room.update"]
fields, _ = spec.prepare({"room_id": 1, "forbidden_end_types": {"web", "h5"}}, Context())
print(json.dumps({
    "raw": list(words),
    "csv": kind.encode(kind.coerce(words, Context())),
    "wire": dict(fields)["forbidden_end_types"],
}))
"""


def test_sets_are_sent_in_the_same_order_under_any_hash_seed() -> None:
    """Bug: a set is encoded in iteration order (which follows PYTHONHASHSEED)."""
    runs = []
    for seed in range(8):
        out = subprocess.run(
            [sys.executable, "-c", _HASH_PROBE],
            capture_output=True,
            text=True,
            env={"PYTHONHASHSEED": str(seed), "PATH": ""},
            check=True,
        )
        runs.append(json.loads(out.stdout))
    # the probe is sensitive: the sets themselves iterate differently across seeds
    assert len({tuple(r["raw"]) for r in runs}) > 1
    assert {r["csv"] for r in runs} == {"android,car,h5,ios,mac,pc,tv,web"}
    assert {r["wire"] for r in runs} == {"h5,web"}


def test_sign_callback_replaces_a_sign_already_in_the_fields() -> None:
    """Bug: the old ``sign`` is signed along with the other fields."""
    fields = {"room_id": "1", "op": "start", "op_time": "2026-11-29 10:00:00", "sign": "stale"}
    signed = sign_callback(fields, "k3y")
    assert signed["sign"] != "stale"
    assert verify_callback(signed, "k3y")["op"] == "start"


@pytest.mark.parametrize(
    ("room_id", "kind"),
    [
        ("0", VideoTranscoded),
        ("", VideoTranscoded),
        (None, VideoTranscoded),
        ("26112912345678", PlaybackReady),
    ],
)
def test_a_vod_callback_with_room_id_zero_is_a_video_event(room_id, kind) -> None:
    """Bug: any ``room_id`` field (even "0") makes a transcode callback a playback's."""
    fields = {"video_id": "5", "status": "100", "qid": "1" * 24, "room_id": room_id}
    event = parse_callback(sign_callback(fields, "k3y"))
    assert type(event) is kind


def test_code_sent_as_the_string_zero_is_success(harness) -> None:
    """Bug: ``code`` compared with the int 0 only."""
    body = {"code": "0", "msg": "", "data": answer(INFO), "ts": 1}
    harness.api.script(INFO, httpx2.Response(200, content=json.dumps(body).encode()))
    assert harness.room("info", ROOM_ID).room_id == str(ROOM_ID)


def test_http_500_on_a_read_is_retried(harness) -> None:
    """Bug: only 502/503 are treated as retryable server errors."""
    harness.api.script(INFO, httpx2.Response(500, text="oops"), answer(INFO))
    assert harness.room("info", ROOM_ID).room_id == str(ROOM_ID)
    assert harness.api.paths.count(INFO) == 2


def test_update_is_not_resent_after_a_read_timeout(harness) -> None:
    """Bug: update declared safe (or writes retried by default) re-sends a change."""
    harness.api.script(UPDATE, httpx2.ReadTimeout("slow"), None)
    with pytest.raises(APITimeoutError) as info:
        harness.with_options(max_retries=3).room("update", ROOM_ID, title="x")
    assert info.value.may_have_been_sent
    assert harness.api.paths.count(UPDATE) == 1


def test_a_key_refresh_does_not_use_up_a_retry(make_harness, mode) -> None:
    """Bug: the request after a 1002 refresh counts as one of the caller's retries."""
    h = make_harness(mode, partner_key=None, secret_key=SECRET_KEY, max_retries=1)
    h.api.script(CREATEKEY, {"partner_key": FETCHED_KEY}, {"partner_key": FETCHED_KEY_2})
    h.api.script(INFO, envelope(code=1002), httpx2.Response(502), answer(INFO))
    assert h.room("info", ROOM_ID).room_id == str(ROOM_ID)
    assert h.api.paths.count(INFO) == 3
    assert h.api.paths.count(CREATEKEY) == 2


def test_a_second_1002_after_a_refresh_is_raised(make_harness, mode) -> None:
    h = make_harness(mode, partner_key=None, secret_key=SECRET_KEY, max_retries=2)
    h.api.script(INFO, envelope(code=1002))
    with pytest.raises(SignatureError):
        h.room("info", ROOM_ID)
    assert h.api.paths.count(CREATEKEY) == 2


@pytest.mark.real_backoff
def test_the_backoff_pause_is_really_slept(make_harness, mode) -> None:
    """Bug: a driver that never sleeps (every other unit test patches the delay away)."""
    h = make_harness(mode, max_retries=2)
    h.api.script(INFO, httpx2.Response(503), httpx2.Response(503), answer(INFO))
    started = time.perf_counter()
    h.room("info", ROOM_ID)
    elapsed = time.perf_counter() - started
    # attempt 1 waits 0.125-0.25 s, attempt 2 waits 0.25-0.5 s (base 0.25 s, jitter)
    assert elapsed >= 0.37, elapsed
    assert h.api.paths.count(INFO) == 3
