"""Per-call cost of the SDK next to a bare ``httpx2`` post of a hand-signed form.

    python benchmarks/bench_percall.py [--iterations 3000] [--warmup 300]

Two measurements, each interleaved call by call (SDK, bare, SDK, bare, ...)
so both see the same machine state:

(a) loopback: a sandbox server runs as its own process on 127.0.0.1; the SDK's
    ``client.room.info(room_id)`` and a bare ``httpx2.Client.post`` of the
    same signed form (fresh timestamp and sign each call, answer parsed with
    ``json.loads``) go to it over keep-alive. Goal: SDK / bare <= 1.00.
(b) in process: the same two calls against an ``httpx2.MockTransport`` that
    answers a fixed ``room/info`` envelope, so only client-side CPU is timed.
    Goal: SDK / bare <= 1.25.

Only public API is used, so the script measures any version of the SDK.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from hashlib import md5
from typing import Any
from urllib.parse import urlencode

import httpx2
from _served import sandbox_server

from baijiayun import BaiJiaYunClient

PARTNER_ID = "10000001"
PARTNER_KEY = "sandbox-partner-key-0000000000000000000000000000000000000000"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def hand_sign(fields: dict[str, str]) -> str:
    text = "&".join(f"{k}={fields[k]}" for k in sorted(fields))
    return md5((text + "&partner_key=" + PARTNER_KEY).encode()).hexdigest()


def bare_call(http: httpx2.Client, url: str, room_id: str) -> Any:
    fields = {"partner_id": PARTNER_ID, "room_id": room_id, "timestamp": str(int(time.time()))}
    fields["sign"] = hand_sign(fields)
    response = http.post(url, content=urlencode(fields).encode(), headers=FORM)
    envelope = json.loads(response.content)
    assert envelope["code"] == 0, envelope
    return envelope["data"]


def interleave(
    a: Callable[[], Any], b: Callable[[], Any], iterations: int, warmup: int
) -> tuple[float, float]:
    for _ in range(warmup):
        a()
        b()
    ta: list[int] = []
    tb: list[int] = []
    clock = time.perf_counter_ns
    for _ in range(iterations):
        t0 = clock()
        a()
        t1 = clock()
        b()
        t2 = clock()
        ta.append(t1 - t0)
        tb.append(t2 - t1)
    return statistics.median(ta) / 1000, statistics.median(tb) / 1000


def report(label: str, sdk: float, bare: float, goal: float) -> None:
    ratio = sdk / bare
    verdict = "met" if ratio <= goal else "NOT met"
    print(f"{label}")
    print(f"  SDK room.info      median {sdk:8.1f} µs")
    print(f"  bare httpx2 post   median {bare:8.1f} µs")
    print(f"  ratio SDK / bare   {ratio:.2f}   (goal <= {goal:.2f}: {verdict})")


def loopback(iterations: int, warmup: int) -> None:
    with sandbox_server() as (base, _server):
        client = BaiJiaYunClient(PARTNER_ID, partner_key=PARTNER_KEY, base_url=base)
        start = int(time.time()) + 3600
        room_id = client.room.create("bench", start, start + 3600, 2).room_id
        http = httpx2.Client()
        url = base + "openapi/room/info"
        sdk, bare = interleave(
            lambda: client.room.info(room_id),
            lambda: bare_call(http, url, str(room_id)),
            iterations,
            warmup,
        )
        report("(a) loopback, sandbox server in its own process", sdk, bare, 1.00)
        client.close()
        http.close()


def in_process(iterations: int, warmup: int) -> None:
    answer = json.dumps(
        {
            "code": 0,
            "msg": "",
            "data": {
                "room_id": 26112912345678,
                "title": "bench",
                "type": 2,
                "start_time": "2026-11-29 20:00:00",
                "end_time": "2026-11-29 21:00:00",
                "create_time": "2026-11-29 19:00:00",
                "admin_code": "adm001",
                "teacher_code": "tea001",
            },
            "ts": 0,
        }
    ).encode()
    headers = {"Content-Type": "application/json"}

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=answer, headers=headers)

    base = "http://mock.local/"
    client = BaiJiaYunClient(
        PARTNER_ID,
        partner_key=PARTNER_KEY,
        base_url=base,
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )
    http = httpx2.Client(transport=httpx2.MockTransport(handler))
    url = base + "openapi/room/info"
    sdk, bare = interleave(
        lambda: client.room.info(26112912345678),
        lambda: bare_call(http, url, "26112912345678"),
        iterations,
        warmup,
    )
    report("(b) in process, httpx2.MockTransport (client-side CPU only)", sdk, bare, 1.25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=300)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {args.iterations} interleaved calls each\n")
    loopback(args.iterations, args.warmup)
    print()
    in_process(args.iterations, args.warmup)


if __name__ == "__main__":
    main()
