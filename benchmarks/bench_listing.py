"""Listing every room of an account from the sandbox: time against the number of rooms.

    python benchmarks/bench_listing.py [--sizes 1000,10000,100000] [--limit 100]

For each size, a sandbox state file is filled with that many rooms (through
the in-process client, so any version of the SDK can be measured), then a
sandbox server process serves it on 127.0.0.1 and a client walks every page
with ``client.iter_rooms(limit=...)`` over HTTP. Prints seconds and
microseconds per room; the time should grow linearly with the number of rooms
(goal: 100,000 rooms in at most 10 s at page size 100).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

from _served import sandbox_server

from baijiayun import BaiJiaYunClient
from baijiayun.sandbox import SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY, Sandbox


def fill(path: str, rooms: int) -> float:
    started = time.perf_counter()
    client = Sandbox(path).client()
    start = int(time.time()) + 3600
    for i in range(rooms):
        client.room.create(f"room {i}", start, start + 3600, 2)
    client.close()
    return time.perf_counter() - started


def walk(path: str, limit: int) -> tuple[int, float]:
    with (
        sandbox_server("--db", path) as (base, _server),
        BaiJiaYunClient(
            SANDBOX_PARTNER_ID, partner_key=SANDBOX_PARTNER_KEY, base_url=base
        ) as client,
    ):
        started = time.perf_counter()
        count = sum(1 for _ in client.iter_rooms(limit=limit))
        return count, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--limit", type=int, default=100)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, page size {args.limit}\n")
    print(f"{'rooms':>8} {'fill s':>8} {'list s':>8} {'µs/room':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            path = os.path.join(tmp, f"rooms-{size}.db")
            filled = fill(path, size)
            count, seconds = walk(path, args.limit)
            assert count == size, (count, size)
            print(f"{size:>8} {filled:>8.1f} {seconds:>8.2f} {seconds / size * 1e6:>9.1f}")


if __name__ == "__main__":
    main()
