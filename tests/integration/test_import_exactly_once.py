"""``baijiayun room import`` against a sandbox server on 127.0.0.1: exactly one room per row.

The import runs as a separate process (as operators run it) so that it can be
killed with SIGKILL in mid-run; the sandbox runs in this process, where the
test queues faults and counts requests.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from baijiayun import BaiJiaYunClient
from baijiayun._wire import BEIJING
from baijiayun.sandbox import SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY, Sandbox

CREATE = "/openapi/room/create"
GETCODE = "/openapi/room/getcode"
LIST = "/openapi/room/list"
HEADER = [
    "title",
    "start",
    "end",
    "type",
    "teacher_number",
    "teacher_name",
    "student_numbers",
]


@pytest.fixture
def served() -> Iterator[tuple[Sandbox, str]]:
    box = Sandbox()
    with box.serve() as server:
        yield box, server.base_url


def write_timetable(path: Path, rows: int) -> list[str]:
    """``rows`` valid rows (two students each), one hour apart from tomorrow 08:00."""
    first = (dt.datetime.now(BEIJING) + dt.timedelta(days=1)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    titles = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            start = first + dt.timedelta(hours=i)
            title = f"Lesson {i:04d} 数学"
            titles.append(title)
            writer.writerow(
                [
                    title,
                    start.strftime("%Y-%m-%d %H:%M"),
                    (start + dt.timedelta(minutes=45)).strftime("%Y-%m-%d %H:%M"),
                    2,
                    500000 + i,
                    f"Teacher {i}",
                    f"{1000000 + 2 * i} {1000001 + 2 * i}",
                ]
            )
    return titles


def import_command(url: str, timetable: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "baijiayun",
        "--base-url",
        url,
        "--partner-id",
        SANDBOX_PARTNER_ID,
        "--partner-key",
        SANDBOX_PARTNER_KEY,
        "room",
        "import",
        str(timetable),
        "--out",
        str(out),
        "--rate-limit",
        "100000/1",  # the limiter itself is tested in tests/unit/test_rate_limit.py
        "--backoff",
        "0.01",
        "--settle",
        "0",
        *extra,
    ]


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAIJIAYUN_")}
    env["BAIJIAYUN_CONFIG"] = str(tmp_path / "config.toml")
    env["BAIJIAYUN_DATA_DIR"] = str(tmp_path / "data")
    return env


def queue_faults(box: Sandbox) -> None:
    """5 % of creates lose their answer after the room is made, 5 % answer 503 without
    making it, 2 % of getcodes answer 503, and the listing fails once: spread evenly
    with near-no-op spacers (a tiny delay that still carries the request out)."""
    for _ in range(50):
        box.inject(CREATE, delay=0.0001, count=9)
        box.inject(CREATE, status=503)
        box.inject(CREATE, delay=0.0001, count=9)
        box.inject(CREATE, drop=True, process=True)
    for _ in range(40):
        box.inject(GETCODE, delay=0.0001, count=49)
        box.inject(GETCODE, status=503)
    box.inject(LIST, status=503)


def sandbox_rooms(url: str) -> list[Any]:
    with BaiJiaYunClient(SANDBOX_PARTNER_ID, partner_key=SANDBOX_PARTNER_KEY, base_url=url) as c:
        return list(c.iter_rooms(limit=1000))


def read_result(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_1000_rows_with_faults_and_a_kill_make_exactly_1000_rooms(
    served: tuple[Sandbox, str], tmp_path: Path
) -> None:
    box, url = served
    timetable, out = tmp_path / "timetable.csv", tmp_path / "result.csv"
    titles = write_timetable(timetable, 1000)
    queue_faults(box)
    env = clean_env(tmp_path)
    command = import_command(url, timetable, out, "--concurrency", "16")

    started = time.monotonic()
    first = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    while box.request_count(CREATE) < 400:
        assert first.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() - started < 60, "the import made no progress"
        time.sleep(0.005)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert first.returncode == -signal.SIGKILL
    before = len(sandbox_rooms(url))
    assert 0 < before < 1000, before  # killed in mid-run

    second = subprocess.run(
        [*command, "--json"], env=env, capture_output=True, text=True, timeout=120
    )
    assert second.returncode == 0, second.stderr[-2000:]
    summary = json.loads(second.stdout)

    rooms = sandbox_rooms(url)
    assert len(rooms) == 1000
    assert Counter(r.title for r in rooms) == Counter(titles)  # one room per row, no duplicate
    # The faults really happened: rooms whose 503 made nothing were sent again.
    assert box.request_count(CREATE) > 1000
    assert summary["created"] + summary["reused"] == 1000
    assert summary["reused"] >= before  # what the killed run made is not made again
    assert summary["failed"] == [] and summary["skipped"] == []

    result = read_result(out)
    assert [r["title"] for r in result] == titles  # one result row per input row, in order
    by_title = {r.title: r.room_id for r in rooms}
    assert all(r["room_id"] == by_title[r["title"]] for r in result)
    assert all(r["status"] in ("created", "reused") and not r["error"] for r in result)
    for row in result:
        students = row["student_numbers"].split()
        assert len(row["student_codes"].split()) == len(students) == 2
        assert len(row["student_links"].split()) == 2
        assert row["teacher_code"] and row["admin_code"]
        assert row["teacher_link"].startswith(url + "web/room/enter?")
    # The codes are the students' real codes (getcode answers the same code again).
    with BaiJiaYunClient(SANDBOX_PARTNER_ID, partner_key=SANDBOX_PARTNER_KEY, base_url=url) as c:
        for row in result[::97]:
            number = int(row["student_numbers"].split()[1])
            assert c.room.getcode(row["room_id"], number) == row["student_codes"].split()[1]
            info = c.room.info(row["room_id"])
            assert info.teacher_code == row["teacher_code"]
    assert time.monotonic() - started < 60


def test_a_third_run_sends_nothing(served: tuple[Sandbox, str], tmp_path: Path) -> None:
    box, url = served
    timetable, out = tmp_path / "timetable.csv", tmp_path / "result.csv"
    write_timetable(timetable, 30)
    env = clean_env(tmp_path)
    command = import_command(url, timetable, out, "--json")
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["created"] == 30
    sent = box.request_count()
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["reused"] == 30
    assert box.request_count() == sent  # everything was done: not one request
    assert len(read_result(out)) == 30


def test_ctrl_c_stops_cleanly_and_a_rerun_finishes(
    served: tuple[Sandbox, str], tmp_path: Path
) -> None:
    box, url = served
    timetable, out = tmp_path / "timetable.csv", tmp_path / "result.csv"
    titles = write_timetable(timetable, 300)
    box.inject(CREATE, delay=0.01, count=300)  # slow enough to interrupt in mid-run
    env = clean_env(tmp_path)
    command = import_command(url, timetable, out, "--concurrency", "4")
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 30
    while box.request_count(CREATE) < 40:
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.005)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    assert "error: interrupted" in stderr and "Traceback" not in stderr
    assert "run the same command again" in stderr
    partial = read_result(out)  # written on the way out: every row, some not done yet
    assert len(partial) == 300 and any(r["status"] == "failed" for r in partial)
    box.clear_faults()
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr
    rooms = sandbox_rooms(url)
    assert Counter(r.title for r in rooms) == Counter(titles)
