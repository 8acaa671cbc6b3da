"""Client overhead and signing cost, measured in one run.

Run:  python benchmarks/bench_client.py [--iterations 5000] [--warmup 500]

(a) Time per ``client.room.create`` through an ``httpx2.MockTransport`` against
    a bare ``httpx2.Client.post`` of the same form body to the same transport
    (interleaved call by call, so both see the same machine state). The
    difference is what the SDK adds: binding, validation, encoding, timestamp,
    sign, envelope and result parsing. Goal: median overhead <= 15 %.
(b) ``baijiayun._signing.sign`` over a 41-field request (39 business fields +
    partner_id + timestamp). Goal: median <= 20 µs. Also the full
    prepare + build (validate, encode, sign, urlencode) of a 41-field create.
(c) The SDK-side cost of a small create, step by step, to show where time goes.

Nothing here touches the network. Timings use ``time.perf_counter_ns``.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx2

import baijiayun
from baijiayun import BaiJiaYunClient
from baijiayun._flow import convert_result, form_encode, parse_envelope
from baijiayun._signing import sign
from baijiayun.api import REGISTRY

PARTNER_ID = "12345678"
PARTNER_KEY = (
    "rLkIPaQjxSwRQmC/ITnHh8i2rifmmbFIVsYw03SSi24zAnkrAd0ZNb2rcTzI2avy7+AmNJDdLmzU89zKUAP3Xg=="
)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
ANSWER = json.dumps(
    {
        "code": 0,
        "msg": "",
        "data": {
            "room_id": "27011512345678",
            "admin_code": "adm001",
            "teacher_code": "tea001",
            "student_code": "stu001",
        },
        "ts": 1_800_000_000,
    }
).encode()
JSON_HEADERS = {"Content-Type": "application/json"}

START = int(time.time()) + 86400
END = START + 3600

# 39 business parameters of room/create (+ partner_id and timestamp = 41 signed fields)
CREATE_41: dict[str, Any] = {
    "title": "Benchmark 基准测试教室",
    "start_time": START,
    "end_time": END,
    "type": 2,
    "industry_type": 0,
    "max_users": 0,
    "pre_enter_time": 600,
    "is_long_term": 0,
    "is_group_live": 0,
    "template_name": "classic",
    "speak_camera_turnon": 1,
    "teacher_need_detect_device": 2,
    "student_need_detect_device": 2,
    "is_video_main": 1,
    "m_is_video_main": 1,
    "is_mock_live": 0,
    "is_push_live": 0,
    "is_webrtc_live": 0,
    "mock_room_id": 0,
    "mock_session_id": 0,
    "mock_video_id": 0,
    "switch_room_role": 2,
    "enable_share": 1,
    "enable_group_users_public": 0,
    "group_admin_permission": 0,
    "enable_group_chat_public": 0,
    "new_group_live": 0,
    "mock_live_record": 0,
    "enable_weixin_auth": 2,
    "has_student_raise": True,
    "end_delay_time": 600,
    "class_end_operation": 0,
    "disable_switch_class": 0,
    "max_backup_users": 0,
    "auto_on_stage": 0,
    "has_foreign_user": 1,
    "template_type": 1,
    "enable_cloud_record": 1,
    "app_template": 1,
}
assert len(CREATE_41) == 39


def handler(request: httpx2.Request) -> httpx2.Response:
    return httpx2.Response(200, content=ANSWER, headers=JSON_HEADERS)


def stats(samples_ns: list[int]) -> tuple[float, float]:
    """(median, mean) in microseconds."""
    return statistics.median(samples_ns) / 1000, statistics.fmean(samples_ns) / 1000


def side_by_side(
    contenders: dict[str, Callable[[], Any]], iterations: int, warmup: int
) -> dict[str, list[int]]:
    """Time each contender once per iteration, rotating who goes first."""
    names = list(contenders)
    for _ in range(warmup):
        for name in names:
            contenders[name]()
    gc.collect()
    clock = time.perf_counter_ns
    samples: dict[str, list[int]] = {name: [] for name in names}
    for i in range(iterations):
        shift = i % len(names)
        for name in names[shift:] + names[:shift]:
            fn = contenders[name]
            t0 = clock()
            fn()
            samples[name].append(clock() - t0)
    return samples


def time_one(fn: Callable[[], Any], iterations: int, warmup: int) -> list[int]:
    for _ in range(warmup):
        fn()
    gc.collect()
    clock = time.perf_counter_ns
    samples: list[int] = []
    for _ in range(iterations):
        t0 = clock()
        fn()
        samples.append(clock() - t0)
    return samples


def report(label: str, samples: dict[str, list[int]], baseline: str, goal: float) -> None:
    base_med, base_mean = stats(samples[baseline])
    print(f"\n{label}")
    print(f"  {'':34}{'median µs':>11}{'mean µs':>11}{'overhead (median / mean)':>34}")
    for name, ns in samples.items():
        med, mean = stats(ns)
        if name == baseline:
            print(f"  {name:34}{med:11.1f}{mean:11.1f}{'(baseline)':>34}")
            continue
        over_med = (med - base_med) / base_med * 100
        over_mean = (mean - base_mean) / base_mean * 100
        verdict = "ok" if over_med <= goal else "over goal"
        cell = f"{over_med:+.1f} % / {over_mean:+.1f} % {verdict}"
        print(f"  {name:34}{med:11.1f}{mean:11.1f}{cell:>34}")
    print(f"  goal: overhead <= {goal:.0f} % on the median")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=5000)
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument("--sign-iterations", type=int, default=20000)
    args = parser.parse_args()

    print(
        f"baijiayun {baijiayun.__version__} | httpx2 {httpx2.__version__} | "
        f"Python {platform.python_version()} ({platform.python_implementation()}) | "
        f"{platform.system()} {platform.machine()}"
    )
    print(f"iterations: {args.iterations} (after {args.warmup} warm-up calls)")

    http = httpx2.Client(transport=httpx2.MockTransport(handler))
    client = BaiJiaYunClient(PARTNER_ID, partner_key=PARTNER_KEY, http_client=http, max_retries=0)
    url = client.base_url + "openapi/room/create"

    # the exact body the SDK sends, posted as is by the bare client
    captured: list[bytes] = []

    def capture(request: httpx2.Request) -> httpx2.Response:
        captured.append(request.content)
        return handler(request)

    with httpx2.Client(transport=httpx2.MockTransport(capture)) as probe:
        probe_client = BaiJiaYunClient(PARTNER_ID, partner_key=PARTNER_KEY, http_client=probe)
        probe_client.room.create("Maths", START, END, 2)
        probe_client.room.create(**CREATE_41)
    body_4, body_41 = captured

    # (a) minimal create: 4 business parameters, keyword (new style) and positional (seed style)
    samples = side_by_side(
        {
            "bare httpx2.Client.post": lambda: http.post(url, content=body_4, headers=FORM),
            "SDK room.create (keywords)": lambda: client.room.create(
                title="Maths", start_time=START, end_time=END, type=2
            ),
            "SDK room.create (positional)": lambda: client.room.create("Maths", START, END, 2),
        },
        args.iterations,
        args.warmup,
    )
    report("(a) room.create, 4 parameters (7 fields sent)", samples, "bare httpx2.Client.post", 15)

    # (a') full create: 39 business parameters
    samples = side_by_side(
        {
            "bare httpx2.Client.post": lambda: http.post(url, content=body_41, headers=FORM),
            "SDK room.create (keywords)": lambda: client.room.create(**CREATE_41),
        },
        args.iterations,
        args.warmup,
    )
    report(
        "(a') room.create, 39 parameters (42 fields sent)",
        samples,
        "bare httpx2.Client.post",
        15,
    )

    # (b) signing 41 fields
    spec = REGISTRY["/openapi/room/create"]
    fields, _ = spec.prepare(CREATE_41, client._ctx)
    signed_fields = [*fields, ("partner_id", PARTNER_ID), ("timestamp", str(START - 86400))]
    assert len(signed_fields) == 41
    sign_ns = time_one(lambda: sign(signed_fields, PARTNER_KEY), args.sign_iterations, 1000)
    med, mean = stats(sign_ns)
    verdict = "OK" if med <= 20 else "OVER GOAL"
    print("\n(b) baijiayun._signing.sign, 41 fields")
    print(f"  median {med:.2f} µs, mean {mean:.2f} µs   (goal <= 20 µs median: {verdict})")

    def prepare_and_build() -> Any:
        f, fl = spec.prepare(CREATE_41, client._ctx)
        return client._build(spec, f, fl, PARTNER_KEY)

    request = prepare_and_build()
    assert len(request.fields) == 42  # 41 signed + sign
    build_ns = time_one(prepare_and_build, args.sign_iterations, 1000)
    med, mean = stats(build_ns)
    print("    prepare + build of a 41-field create (validate, encode, timestamp, sign, urlencode)")
    print(f"  median {med:.2f} µs, mean {mean:.2f} µs")

    n = args.sign_iterations
    steps41: list[tuple[str, Callable[[], Any]]] = [
        ("of which prepare", lambda: spec.prepare(CREATE_41, client._ctx)),
        (
            "of which form encoding of the 42 fields",
            lambda: form_encode(list(request.fields)),
        ),
        ("binding the keyword arguments (not included)", lambda: spec.bind((), CREATE_41)),
    ]
    for label, fn in steps41:
        print(f"      {label}: median {stats(time_one(fn, n, 1000))[0]:.2f} µs")

    # (c) where the SDK's time goes, for the 4-parameter create (no I/O)
    small = {"title": "Maths", "start_time": START, "end_time": END, "type": 2}
    f4, fl4 = spec.prepare(small, client._ctx)
    built = client._build(spec, list(f4), fl4, PARTNER_KEY)
    signed4 = [kv for kv in built.fields if kv[0] != "sign"]
    parts: list[tuple[str, Callable[[], Any]]] = [
        ("bind, positional", lambda: spec.bind(("Maths", START, END, 2), {})),
        ("bind, keywords", lambda: spec.bind((), small)),
        ("prepare (coerce, validate, encode)", lambda: spec.prepare(small, client._ctx)),
        ("build (timestamp, sign, urlencode)", lambda: client._build(spec, list(f4), fl4, "k")),
        ("  of which sign", lambda: sign(signed4, PARTNER_KEY)),
        ("  of which form encoding", lambda: form_encode(list(built.fields))),
        ("parse envelope", lambda: parse_envelope(spec, 200, ANSWER)),
        ("build RoomCreated", lambda: convert_result(spec, parse_envelope(spec, 200, ANSWER))),
    ]
    print("\n(c) SDK-side cost of a 4-parameter create, by step (median µs, no I/O)")
    for label, fn in parts:
        print(f"  {label:40}{stats(time_one(fn, n, 1000))[0]:8.2f}")

    client.close()
    http.close()


if __name__ == "__main__":
    sys.exit(main())
