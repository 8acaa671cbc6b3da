"""Walking a 100,000-row report with ``iter_live_report``: peak memory stays flat.

    python benchmarks/bench_report_memory.py [--sizes 10000,100000] [--page-size 1000]

For each size, a sandbox state file gets one room with that many visits (written
straight into the sandbox's store in one transaction), then a sandbox server
process serves it on 127.0.0.1 and this process walks every row over HTTP with
``client.room_data.iter_live_report(room_id, type="all", page_size=...)``,
keeping nothing but a count and a sum. Prints the rows, the seconds, and the
peak of Python memory allocated during the walk (``tracemalloc``), which should
be about one page's worth whatever the size. For contrast it then asks for the
same report in one answer (no page size, the platform's default), whose peak
grows with the number of rows.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from baijiayun import BaiJiaYunClient
from baijiayun.sandbox import SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY, Sandbox
from baijiayun.sandbox.state.classroom import ClassroomStore


def fill(path: str, rows: int) -> tuple[str, float]:
    """A room with ``rows`` visits (half still open), in a state file; returns its id."""
    started = time.perf_counter()
    box = Sandbox(path)
    client = box.client()
    start = int(time.time()) + 3600
    room_id = str(client.room.create("Big lecture", start, start + 3600, 2).room_id)
    store = ClassroomStore(box.env, SANDBOX_PARTNER_ID)
    now = box.now()
    with box.db.tx():
        for n in range(rows):
            visit = store.enter(
                room_id, str(n + 1), f"Student {n + 1}", 0 if n % 50 else 1, now + n
            )
            if n % 2:  # closed by its row id (what sandbox.classroom.leave records)
                box.db.execute(
                    "UPDATE attendance SET leave_time=? WHERE seq=?", (now + n + 1800, visit)
                )
    client.close()
    box.db.conn.close()
    return room_id, time.perf_counter() - started


def measured(work: Callable[[], Any]) -> tuple[Any, float, int]:
    """``work()``'s result, seconds and peak of Python memory allocated meanwhile."""
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak


def serve(path: str) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "baijiayun.sandbox", "--db", path, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert server.stdout is not None
    return server, server.stdout.readline().strip()


def walk(client: BaiJiaYunClient, room_id: str, page_size: int) -> tuple[int, int]:
    """Every row of the report, one page in memory at a time: (rows, seconds listened)."""
    count = listened = 0
    for row in client.room_data.iter_live_report(room_id, type="all", page_size=page_size):
        count += 1
        listened += row.actual_listen_time
    return count, listened


def run(tmp: str, size: int, page_size: int) -> str:
    path = os.path.join(tmp, f"report-{size}.db")
    room_id, filled = fill(path, size)
    server, base = serve(path)
    try:
        with BaiJiaYunClient(
            SANDBOX_PARTNER_ID, partner_key=SANDBOX_PARTNER_KEY, base_url=base, timeout=120
        ) as client:
            (count, _), iter_s, iter_peak = measured(lambda: walk(client, room_id, page_size))
            assert count == size, (count, size)
            whole, one_s, one_peak = measured(
                lambda: client.room_data.export_live_report(room_id, type="all")
            )
            assert len(whole.items) == size
    finally:
        server.terminate()
        server.wait()
    return (
        f"{size:>8} {filled:>7.1f} {iter_s:>7.2f} {iter_peak / 1e6:>13.1f} "
        f"{one_s:>13.2f} {one_peak / 1e6:>19.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, page size {args.page_size}\n")
    print(
        f"{'rows':>8} {'fill s':>7} {'iter s':>7} {'iter peak MB':>13} "
        f"{'one answer s':>13} {'one answer peak MB':>19}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            print(run(tmp, size, args.page_size))


if __name__ == "__main__":
    main()
