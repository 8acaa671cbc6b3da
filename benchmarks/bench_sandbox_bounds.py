"""The sandbox's bounds under load: memory held for big bodies, and deep console pages.

    python benchmarks/bench_sandbox_bounds.py [--runs 3] [--rooms 100000]

1. Memory: a ``baijiayun sandbox`` process on 127.0.0.1 gets six parallel posts
   declaring 120 MB each to ``/openapi/room/info`` (which takes no file part), then,
   in a fresh process, six of 100 MB to the upload host. The bodies are streamed from
   the client (it never holds them). Printed: the server's resident memory before,
   and its peak (``VmHWM`` of ``/proc/PID/status``), per run, with the median.
2. Console paging: a sandbox holding ``--rooms`` rooms serves its console; the time
   of the first room page, of the last page reached by its cursor link, and of the
   last page asked by its number alone (median and range of 7 reads each).

Linux only (``/proc``).
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
from _served import sandbox_server

from baijiayun.sandbox import SANDBOX_PARTNER_ID, Sandbox
from baijiayun.sandbox.groups.room import CONSOLE_PAGE

MB = 1_000_000
CONSOLE = "/_sandbox/ui"


def _memory(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for {pid}")


def _body(size: int) -> Iterator[bytes]:
    chunk = b"a=" + b"x" * (MB - 2)
    for _ in range(size // MB):
        yield chunk


def _post(url: str, size: int) -> str:
    try:
        answer = httpx2.post(
            url,
            content=_body(size),
            headers={
                "content-length": str(size),
                "content-type": "application/x-www-form-urlencoded",
            },
            timeout=60,
        )
        return str(answer.json().get("code"))
    except (httpx2.HTTPError, ValueError) as exc:
        return type(exc).__name__


def memory_run(path: str, size: int) -> tuple[float, float, list[str]]:
    with sandbox_server() as (base, server):
        time.sleep(0.3)
        before = _memory(server.pid, "VmRSS")
        answers: list[str] = []
        threads = [
            threading.Thread(target=lambda: answers.append(_post(base + path, size)))
            for _ in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return before, _memory(server.pid, "VmHWM"), sorted(answers)


def _fill(sandbox: Sandbox, rooms: int) -> None:
    db, now = sandbox.env.db, int(time.time())
    with db.lock:
        db.conn.executemany(
            "INSERT INTO rooms (partner_id, room_id, title, type, product, start_time, end_time, "
            "create_time, deleted, settings) VALUES (?, ?, 'r', 2, 1, ?, ?, ?, 0, '{}')",
            [(SANDBOX_PARTNER_ID, str(10**9 + n), now, now + 3600, now) for n in range(rooms)],
        )
        db.conn.execute(
            "INSERT INTO counts (partner_id, name, n) VALUES (?, 'rooms:1', ?)",
            (SANDBOX_PARTNER_ID, rooms),
        )


def _timed(http: httpx2.Client, query: str) -> list[float]:
    times = []
    for _ in range(7):
        started = time.perf_counter()
        assert http.get(CONSOLE + query).status_code == 200
        times.append((time.perf_counter() - started) * 1000)
    return times


def paging(rooms: int) -> None:
    sandbox = Sandbox()
    _fill(sandbox, rooms)
    with sandbox.serve() as server, httpx2.Client(base_url=server.base_url) as http:
        size = CONSOLE_PAGE
        last = -(-rooms // size)
        cases = {
            "first page": "",
            # the rows' seq run 1..rooms: the page before the last ends at (last - 1) * size
            "last page, by its cursor link": f"?page={last}&after={(last - 1) * size}",
            "last page, by its number alone": f"?page={last}",
        }
        for name, query in cases.items():
            times = _timed(http, query)
            print(
                f"  {name}: {statistics.median(times):.1f} ms "
                f"({min(times):.1f}-{max(times):.1f}), 7 reads"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rooms", type=int, default=100_000)
    args = parser.parse_args()
    for path, size in (("openapi/room/info", 120 * MB), ("_upload/video", 100 * MB)):
        print(f"6 x {size // MB} MB to /{path}:")
        peaks = []
        for _ in range(args.runs):
            before, peak, answers = memory_run(path, size)
            peaks.append(peak)
            print(f"  RSS {before:.0f} MB before, peak {peak:.0f} MB; answers {answers}")
        print(f"  median peak {statistics.median(peaks):.0f} MB over {args.runs} runs")
    print(f"console pages of {args.rooms:,} rooms:")
    paging(args.rooms)


if __name__ == "__main__":
    main()
