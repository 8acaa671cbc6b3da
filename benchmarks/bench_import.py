"""Timetable import throughput: rows per second at concurrency 1 and 16.

    python benchmarks/bench_import.py [--rows 200] [--latency 0.03] [--limited-rows 90]

A sandbox server runs as its own process on 127.0.0.1 and answers every
request ``--latency`` seconds late (a ``delay`` fault on every path: the
request is carried out, the answer waits), standing in for the round trip to
the platform. ``baijiayun room import`` then runs as its own process, as an
operator runs it, on a timetable of ``--rows`` rows (two students each: one
create and two join codes per row), once at ``--concurrency 1`` and once at
``--concurrency 16``, with the rate limiter opened wide; rows per second are
taken from the import's own ``--json`` report (its elapsed time, without the
process start). Goal: concurrency 16 at least 8x concurrency 1.

Then the same import at concurrency 16 under the default limit (180 requests
per 10 s, under the platform's 200) on ``--limited-rows`` rows: once the first
10 s window is used up the limiter binds, and no concurrency goes faster than
18 requests per second (6 rows per second at 3 requests a row).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

PARTNER_ID = "10000001"
PARTNER_KEY = "sandbox-partner-key-0000000000000000000000000000000000000000"
REQUESTS_PER_ROW = 3


def start_sandbox() -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "baijiayun", "sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert server.stdout is not None
    return server, server.stdout.readline().strip()


def control(base: str, path: str, body: dict[str, Any]) -> None:
    request = urllib.request.Request(
        base + path.lstrip("/"),
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # 127.0.0.1 only
        answer.read()


def write_timetable(path: Path, rows: int, prefix: str) -> None:
    first = (dt.datetime.now() + dt.timedelta(days=1)).replace(hour=6, minute=0)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "start", "end", "type", "teacher_number", "teacher_name",
                         "student_numbers"])  # fmt: skip
        for i in range(rows):
            start = first + dt.timedelta(minutes=30 * i)
            writer.writerow([f"{prefix} {i}", start.strftime("%Y-%m-%d %H:%M"),
                             (start + dt.timedelta(minutes=45)).strftime("%Y-%m-%d %H:%M"),
                             2, 9000 + i, f"Teacher {i}", f"{2 * i + 1} {2 * i + 2}"])  # fmt: skip


def run_import(base: str, folder: Path, rows: int, concurrency: int, rate: str) -> float:
    """Rows per second of one import, from its own report."""
    name = f"c{concurrency}-{rate.replace('/', 'per')}"
    table, out = folder / f"{name}.csv", folder / f"{name}-result.csv"
    write_timetable(table, rows, f"Bench {name}")
    command = [
        sys.executable, "-m", "baijiayun", "--json", "--base-url", base,
        "--partner-id", PARTNER_ID, "--partner-key", PARTNER_KEY,
        "room", "import", str(table), "--out", str(out), "--concurrency", str(concurrency),
        "--rate-limit", rate, "--settle", "0",
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAIJIAYUN_")}
    env["BAIJIAYUN_CONFIG"] = str(folder / "none.toml")
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
    if done.returncode != 0:
        raise SystemExit(f"import failed: {done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    assert report["created"] == rows and not report["failed"], report
    return rows / float(report["elapsed"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.03, help="seconds per answer")
    parser.add_argument("--limited-rows", type=int, default=90)
    args = parser.parse_args()
    server, base = start_sandbox()
    try:
        control(base, "/_sandbox/faults", {"path": "*", "delay": args.latency, "count": 10**9})
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            print(f"sandbox at {base}, {args.latency * 1000:.0f} ms per answer, "
                  f"{REQUESTS_PER_ROW} requests per row")  # fmt: skip
            wide = "1000000/1"
            started = time.perf_counter()
            one = run_import(base, folder, args.rows, 1, wide)
            sixteen = run_import(base, folder, args.rows, 16, wide)
            print(f"concurrency  1: {one:8.1f} rows/s  ({args.rows} rows)")
            print(f"concurrency 16: {sixteen:8.1f} rows/s  ({args.rows} rows)")
            print(f"speed-up: {sixteen / one:.1f}x (goal >= 8x)")
            if args.limited_rows:
                limited = run_import(base, folder, args.limited_rows, 16, "180/10s")
                steady = 18 / REQUESTS_PER_ROW
                print(
                    f"concurrency 16 under 180 requests/10 s: {limited:.1f} rows/s "
                    f"({args.limited_rows} rows; a burst of 180 requests in the first 10 s, "
                    f"then at most {steady:.0f} rows/s)"
                )
            print(f"total {time.perf_counter() - started:.1f} s")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
