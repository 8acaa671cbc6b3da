"""This SDK next to the published ``baijiayun`` 1.0.1 package, side by side in one run.

    python benchmarks/bench_compare.py [--quick]

The 1.0.1 package is installed into its own virtualenv under this run's temp
directory (both import as ``baijiayun``; it is only ever run in its own
processes). Both talk to the same sandbox server process on 127.0.0.1 with
the sandbox's default account (1.0.1 fetches its key with the secret key).
Absolute times on a shared machine are noise: read the ratios.

Measured:
(a) per call, sync ``room.info`` and ``room.create``: this SDK, 1.0.1, a bare
    httpx2 post of a hand-signed form, and ``requests`` with the same form;
(b) 2,000 ``room.info`` at concurrency 8 and 32: this SDK's async client, its
    sync client on threads, and 1.0.1 on threads;
(c) 1,000 ``room.create``: this SDK's async client at concurrency 32 next to
    1.0.1's sequential loop, on bare loopback and with each answer held back
    ``--latency`` seconds (a round trip to the platform, which loopback lacks);
(d) signing 41 parameters: ``baijiayun._signing.sign`` next to 1.0.1's signer;
(e) ``import baijiayun`` and building a client (fresh processes, medians);
(f) auto-paginating 100,000 rooms (``iter_rooms``): time and peak memory of the
    client process and of the server process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from hashlib import md5
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx2
from _served import sandbox_server

from baijiayun import AsyncBaiJiaYunClient, BaiJiaYunClient
from baijiayun._signing import sign
from baijiayun.sandbox import SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY, SANDBOX_SECRET_KEY

FORM = {"Content-Type": "application/x-www-form-urlencoded"}

OLD_RUNNER = textwrap.dedent(
    r"""
    import json, statistics, sys, time
    from concurrent.futures import ThreadPoolExecutor
    from baijiayun import BaiJiaYunClient

    what, base, room_id, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    client = BaiJiaYunClient(int(sys.argv[5]), sys.argv[6])
    client.API_BASE_URL = base
    start = int(time.time()) + 3600

    def timed(fn, count):
        for _ in range(min(200, count)):
            fn()
        out = []
        for _ in range(count):
            t0 = time.perf_counter_ns()
            fn()
            out.append(time.perf_counter_ns() - t0)
        return statistics.median(out) / 1000

    if what == "percall":
        info = timed(lambda: client.room.info(room_id), n)
        create = timed(lambda: client.room.create("old", start, start + 3600, 2), n // 4)
        print(json.dumps({"info_us": info, "create_us": create}))
    elif what == "threads":
        client.room.info(room_id)
        out = {}
        for workers in (8, 32):
            t0 = time.perf_counter()
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(lambda _: client.room.info(room_id), range(n)))
            out[str(workers)] = time.perf_counter() - t0
        print(json.dumps(out))
    elif what == "creates":
        client.room.info(room_id)
        t0 = time.perf_counter()
        for i in range(n):
            client.room.create("old %d" % i, start, start + 3600, 2)
        print(json.dumps({"seconds": time.perf_counter() - t0}))
    elif what == "sign":
        data = {"field_%02d" % i: "value %d 值" % i for i in range(39)}
        data.update(partner_id="10000001", timestamp=str(int(time.time())))
        client.partner_key
        print(json.dumps({"sign_us": timed(lambda: client.get_sign(data), n)}))
    elif what == "requests":  # a bare requests post of a hand-signed form (requests is here)
        import hashlib, requests
        from urllib.parse import urlencode
        session = requests.Session()
        key = sys.argv[7]

        def post():
            fields = {"room_id": room_id, "partner_id": sys.argv[5]}
            fields["timestamp"] = str(int(time.time()))
            text = "&".join("%s=%s" % (k, fields[k]) for k in sorted(fields))
            fields["sign"] = hashlib.md5((text + "&partner_key=" + key).encode()).hexdigest()
            session.post(base + "openapi/room/info", data=urlencode(fields),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})

        print(json.dumps({"info_us": timed(post, n)}))
    elif what == "construct":
        print(json.dumps({"construct_us": timed(lambda: BaiJiaYunClient(1, "s"), n)}))
    """
)


def median_us(fn: Callable[[], Any], count: int) -> float:
    for _ in range(min(200, count)):
        fn()
    samples = []
    for _ in range(count):
        t0 = time.perf_counter_ns()
        fn()
        samples.append(time.perf_counter_ns() - t0)
    return statistics.median(samples) / 1000


class Old:
    """The 1.0.1 package in a virtualenv of its own."""

    def __init__(self, tmp: Path) -> None:
        venv = tmp / "venv-1.0.1"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        self.python = str(venv / "bin" / "python")
        subprocess.run(
            [self.python, "-m", "pip", "install", "-q", "baijiayun==1.0.1"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.runner = tmp / "old_runner.py"
        self.runner.write_text(OLD_RUNNER)

    def run(self, what: str, base: str, room_id: str, n: int) -> dict[str, Any]:
        out = subprocess.run(
            [
                self.python,
                str(self.runner),
                what,
                base,
                room_id,
                str(n),
                SANDBOX_PARTNER_ID,
                SANDBOX_SECRET_KEY,
                SANDBOX_PARTNER_KEY,
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=str(self.runner.parent),
        )
        result: dict[str, Any] = json.loads(out.stdout)
        return result


def import_ms(python: str, code: str, runs: int = 7) -> float:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([python, "-c", code], check=True, cwd="/")
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def hand_signed(fields: dict[str, str]) -> bytes:
    fields = {**fields, "partner_id": SANDBOX_PARTNER_ID, "timestamp": str(int(time.time()))}
    text = "&".join(f"{k}={fields[k]}" for k in sorted(fields)) + "&partner_key="
    fields["sign"] = md5((text + SANDBOX_PARTNER_KEY).encode()).hexdigest()
    return urlencode(fields).encode()


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations and rooms")
    parser.add_argument(
        "--latency",
        type=float,
        default=0.02,
        help="seconds the sandbox holds each create's answer in (c)'s second run (a platform RTT)",
    )
    args = parser.parse_args()
    n = 500 if args.quick else 2000
    rooms = 20_000 if args.quick else 100_000
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        print("installing baijiayun 1.0.1 into its own virtualenv ...", flush=True)
        old = Old(tmp)
        with sandbox_server() as (base, _server):
            run(base, old, n, tmp, args.latency)
        paginate(tmp, rooms)


def run(base: str, old: Old, n: int, tmp: Path, latency_s: float) -> None:
    client = BaiJiaYunClient(SANDBOX_PARTNER_ID, partner_key=SANDBOX_PARTNER_KEY, base_url=base)
    start = int(time.time()) + 3600
    room_id = client.room.create("bench", start, start + 3600, 2).room_id

    # (a) per call
    http = httpx2.Client()
    info_url = base + "openapi/room/info"
    ours_info = median_us(lambda: client.room.info(room_id), n)
    ours_create = median_us(lambda: client.room.create("new", start, start + 3600, 2), n // 4)
    bare = median_us(
        lambda: http.post(info_url, content=hand_signed({"room_id": room_id}), headers=FORM), n
    )
    req = old.run("requests", base, room_id, n)["info_us"]
    theirs = old.run("percall", base, room_id, n)
    print("\n(a) per call over loopback (median µs)")
    print(
        f"  room.info    this SDK {ours_info:7.1f}  1.0.1 {theirs['info_us']:7.1f}  "
        f"bare httpx2 {bare:7.1f}  requests {req:7.1f}"
    )
    print(f"  room.create  this SDK {ours_create:7.1f}  1.0.1 {theirs['create_us']:7.1f}")
    print(
        f"  this SDK / 1.0.1: info {ratio(ours_info, theirs['info_us'])}, create "
        f"{ratio(ours_create, theirs['create_us'])} (goal <= 0.65x); this SDK / bare httpx2: "
        f"{ratio(ours_info, bare)} (goal <= 1.0x)"
    )

    # (b) concurrency
    print("\n(b) 2,000 room.info (seconds; requests per second)")
    theirs_threads = old.run("threads", base, room_id, 2000)
    for workers in (8, 32):
        t0 = time.perf_counter()
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda _: client.room.info(room_id), range(2000)))
        threads = time.perf_counter() - t0

        async def gather(limit: int) -> float:
            async with AsyncBaiJiaYunClient(
                SANDBOX_PARTNER_ID, partner_key=SANDBOX_PARTNER_KEY, base_url=base
            ) as aclient:
                await aclient.room.info(room_id)
                gate = asyncio.Semaphore(limit)

                async def one() -> None:
                    async with gate:
                        await aclient.room.info(room_id)

                t0 = time.perf_counter()
                await asyncio.gather(*(one() for _ in range(2000)))
                return time.perf_counter() - t0

        aio = asyncio.run(gather(workers))
        old_s = theirs_threads[str(workers)]
        print(
            f"  concurrency {workers:2}: async {aio:5.2f} s ({2000 / aio:5.0f}/s)  "
            f"threads {threads:5.2f} s ({2000 / threads:5.0f}/s)  1.0.1 threads {old_s:5.2f} s "
            f"({2000 / old_s:5.0f}/s)  best vs 1.0.1: {old_s / min(aio, threads):.2f}x "
            f"(goal >= 1.5x)"
        )

    # (c) creates
    async def creates() -> float:
        async with AsyncBaiJiaYunClient(
            SANDBOX_PARTNER_ID, partner_key=SANDBOX_PARTNER_KEY, base_url=base
        ) as aclient:
            gate = asyncio.Semaphore(32)

            async def one(i: int) -> None:
                async with gate:
                    await aclient.room.create(f"c{i}", start, start + 3600, 2)

            t0 = time.perf_counter()
            await asyncio.gather(*(one(i) for i in range(1000)))
            return time.perf_counter() - t0

    print("\n(c) 1,000 room.create: this SDK's async client at concurrency 32, 1.0.1 sequential")
    for latency in (0.0, latency_s):
        if latency:  # the platform's round trip, stood in for by a delay on every create
            fault = {"path": "/openapi/room/create", "delay": latency, "count": 10**9}
            httpx2.post(base + "_sandbox/faults", json=fault).raise_for_status()
        ours_creates = asyncio.run(creates())
        theirs_creates = old.run("creates", base, room_id, 1000)["seconds"]
        where = f"answers {latency * 1000:.0f} ms late" if latency else "loopback, no latency"
        print(
            f"  {where:24} async {ours_creates:6.2f} s; 1.0.1 {theirs_creates:6.2f} s: "
            f"{theirs_creates / ours_creates:5.1f}x (goal >= 8x)"
        )
    httpx2.request("DELETE", base + "_sandbox/faults", json={}).raise_for_status()

    # (d) signing
    data = {f"field_{i:02d}": f"value {i} 值" for i in range(39)}
    data.update(partner_id="10000001", timestamp=str(int(time.time())))
    ours_sign = median_us(lambda: sign(data, SANDBOX_PARTNER_KEY), 20_000)
    theirs_sign = old.run("sign", base, room_id, 20_000)["sign_us"]
    print(
        f"\n(d) signing 41 fields: {ours_sign:.2f} µs vs 1.0.1 {theirs_sign:.2f} µs: "
        f"{ratio(ours_sign, theirs_sign)} (goal <= 0.3x)"
    )

    # (e) import and construction
    ours_import = import_ms(sys.executable, "import baijiayun")
    theirs_import = import_ms(old.python, "import baijiayun")
    ours_construct = median_us(
        lambda: BaiJiaYunClient(1, partner_key="k", base_url=base).close(), 200
    )
    theirs_construct = old.run("construct", base, room_id, 2000)["construct_us"]
    print(
        f"\n(e) import baijiayun: {ours_import:.0f} ms vs 1.0.1 {theirs_import:.0f} ms; "
        f"a client: {ours_construct:.0f} µs vs 1.0.1 {theirs_construct:.0f} µs"
    )
    client.close()


PAGINATE = textwrap.dedent(
    """
    import resource, sys, time
    from baijiayun import BaiJiaYunClient
    client = BaiJiaYunClient(sys.argv[2], partner_key=sys.argv[3], base_url=sys.argv[1])
    t0 = time.perf_counter()
    count = sum(1 for _ in client.iter_rooms(limit=1000))
    print(count, time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    """
)


def paginate(tmp: Path, rooms: int) -> None:
    """(f) every room of a 100,000-room account through ``iter_rooms``."""
    from baijiayun.sandbox import Sandbox
    from baijiayun.sandbox.state.rooms import RoomStore

    db = str(tmp / "rooms.db")
    sandbox = Sandbox(db)
    store = RoomStore(sandbox.env, SANDBOX_PARTNER_ID)
    start = int(time.time()) + 3600
    with sandbox.db.tx():
        for i in range(rooms):
            store.create(
                {"title": f"room {i}", "type": 2, "start_time": start, "end_time": start + 3600},
                time.time(),
            )
    with sandbox_server("--db", db) as (base, server):
        out = subprocess.run(
            [sys.executable, "-c", PAGINATE, base, SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        with open(f"/proc/{server.pid}/status") as status:
            hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
        print(
            f"\n(f) iter_rooms over {int(out[0]):,} rooms (page size 1000): {float(out[1]):.2f} s; "
            f"peak RSS client {int(out[2]) / 1024:.0f} MB, server {hwm / 1024:.0f} MB"
        )
    os.remove(db)


if __name__ == "__main__":
    main()
