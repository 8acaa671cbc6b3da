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
    # 40 creates answer at once, then each takes 0.5 s: the other 260 need more than 30 s
    # at concurrency 4, so Ctrl-C always arrives in mid-import, however loaded the machine.
    box.inject(CREATE, delay=0.0001, count=40)
    box.inject(CREATE, delay=0.5, count=1000)
    env = clean_env(tmp_path)
    command = import_command(url, timetable, out, "--concurrency", "4")
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while box.request_count(CREATE) < 44:  # the slow ones are in flight
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.005)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    assert "error: interrupted" in stderr and "Traceback" not in stderr
    assert "run the same command again" in stderr
    partial = read_result(out)  # written on the way out: every row, some not done yet
    assert len(partial) == 300 and any(r["status"] == "failed" for r in partial)
    assert box.request_count(CREATE) < 300
    box.clear_faults()
    # Creates in flight at Ctrl-C finish on the server up to 0.5 s later: settle past that.
    rerun = subprocess.run(
        [*command, "--settle", "1"], env=env, capture_output=True, text=True, timeout=60
    )
    assert rerun.returncode == 0, rerun.stderr
    rooms = sandbox_rooms(url)
    assert Counter(r.title for r in rooms) == Counter(titles)


# --------------------------------------------------------------------------- keys: a sync
UPDATE = "/openapi/room/update"
DELETE = "/openapi/room/delete"


def keyed_rows(count: int, first: int = 0) -> dict[str, list[str]]:
    """Rows with keys ``C0000``..., one hour apart from tomorrow 08:00 (by key number)."""
    day = (dt.datetime.now(BEIJING) + dt.timedelta(days=1)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    out = {}
    for i in range(first, first + count):
        start = day + dt.timedelta(hours=i)
        out[f"C{i:04d}"] = [
            f"C{i:04d}",
            f"Lesson {i:04d} 数学",
            start.strftime("%Y-%m-%d %H:%M"),
            (start + dt.timedelta(minutes=45)).strftime("%Y-%m-%d %H:%M"),
            "2",
            str(500000 + i),
            f"Teacher {i}",
            f"{1000000 + 2 * i} {1000001 + 2 * i}",
        ]
    return out


def write_keyed(path: Path, rows: dict[str, list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["key", *HEADER])
        writer.writerows(rows.values())


def test_a_changed_timetable_with_keys_is_synced_exactly_once(
    served: tuple[Sandbox, str], tmp_path: Path
) -> None:
    """300 rows; then 20 moved or renamed, 10 removed, 10 added, synced under lost answers
    and a kill -9: the changed rows keep their rooms, codes and links, 10 new rooms, the 10
    left out are reported and kept, and deleted only with --prune."""
    box, url = served
    timetable, out = tmp_path / "timetable.csv", tmp_path / "result.csv"
    env = clean_env(tmp_path)
    command = import_command(url, timetable, out, "--json")
    original = keyed_rows(300)
    write_keyed(timetable, original)
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr[-2000:]
    assert json.loads(first.stdout)["created"] == 300
    before = {r["key"]: r for r in read_result(out)}

    changed = dict(original)
    moved, renamed = list(original)[:10], list(original)[10:20]
    removed = list(original)[290:]
    for key in moved:  # to another day, same hour
        cells = list(changed[key])
        for column in (2, 3):
            when = dt.datetime.strptime(cells[column], "%Y-%m-%d %H:%M") + dt.timedelta(days=3)
            cells[column] = when.strftime("%Y-%m-%d %H:%M")
        changed[key] = cells
    for key in renamed:
        changed[key] = [key, f"Renamed {key}", *changed[key][2:]]
    for key in removed:
        del changed[key]
    added = keyed_rows(10, first=1000)
    changed.update(added)
    write_keyed(timetable, changed)

    # The plan first: the same counts, nothing sent, nothing changed.
    ledger = tmp_path / "result.csv.ledger.db"
    sent, ledger_before = box.request_count(), ledger.read_bytes()
    dry = subprocess.run([*command, "--dry-run"], env=env, capture_output=True, text=True)
    assert dry.returncode == 0, dry.stderr
    plan = json.loads(dry.stdout)
    assert (len(plan["create"]), len(plan["update"]), len(plan["unchanged"])) == (10, 20, 270)
    assert sorted(p["key"] for p in plan["prune"]) == removed
    assert box.request_count() == sent and ledger.read_bytes() == ledger_before

    # The sync, under lost answers (applied, then dropped), 503s and a kill -9.
    box.inject(CREATE, drop=True, process=True)
    box.inject(CREATE, status=503)
    box.inject(CREATE, drop=True, process=True)
    box.inject(UPDATE, drop=True, process=True)
    box.inject(UPDATE, status=503)
    box.inject(UPDATE, delay=0.2, count=6)  # slow enough to be killed among the updates
    box.inject(UPDATE, drop=True, process=True)
    proc = subprocess.Popen(
        import_command(url, timetable, out, "--concurrency", "2"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while box.request_count(UPDATE) < 5:
        assert proc.poll() is None, "the sync ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    resumed = subprocess.run(
        [*command, "--settle", "0.5"], env=env, capture_output=True, text=True, timeout=60
    )
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    summary = json.loads(resumed.stdout)
    assert sorted(summary["no_longer_in_timetable"]) == removed
    assert summary["failed"] == [] and summary["deleted"] == []
    # Lost answers were looked up, not sent again; only the create refused with 503 was.
    assert box.request_count(CREATE) == 300 + 10 + 1
    assert box.request_count(UPDATE) > 20  # lost and refused updates were sent again

    rooms = sandbox_rooms(url)
    ids = Counter(r.room_id for r in rooms)
    assert len(rooms) == 310 and max(ids.values()) == 1  # 300 + 10 new, no duplicate
    result = {r["key"]: r for r in read_result(out)}
    assert sorted(result) == sorted(changed)
    assert all(not r["error"] for r in result.values())
    kept = [k for k in original if k not in removed]
    assert len(kept) == 290 and all(result[k]["room_id"] == before[k]["room_id"] for k in kept)
    assert {r.room_id for r in rooms} == {r["room_id"] for r in result.values()} | {
        before[k]["room_id"] for k in removed
    }
    new_ids = {result[k]["room_id"] for k in added}
    assert len(new_ids) == 10 and not new_ids & {r["room_id"] for r in before.values()}
    with BaiJiaYunClient(SANDBOX_PARTNER_ID, partner_key=SANDBOX_PARTNER_KEY, base_url=url) as c:
        for key in [*moved, *renamed]:
            row, old = result[key], before[key]
            assert row["status"] in ("updated", "reused")  # reused: updated by the killed run
            for column in ("room_id", "teacher_code", "admin_code", "student_codes"):
                assert row[column] == old[column], (key, column)
            info = c.room.info(row["room_id"])
            assert info.title == changed[key][1]
            assert info.start_time.strftime("%Y-%m-%d %H:%M") == changed[key][2]
            assert info.end_time.strftime("%Y-%m-%d %H:%M") == changed[key][3]

    # --prune: asks first (no terminal here: --yes is needed), then deletes the 10.
    refused = subprocess.run([*command, "--prune"], env=env, capture_output=True, text=True)
    assert refused.returncode == 2 and "add --yes" in refused.stderr
    box.inject(DELETE, drop=True, process=True)  # deleted, answer lost: sent again, fine
    pruned = subprocess.run(
        [*command, "--prune", "--yes"], env=env, capture_output=True, text=True, timeout=60
    )
    assert pruned.returncode == 0, pruned.stderr[-2000:]
    assert sorted(json.loads(pruned.stdout)["deleted"]) == removed
    remaining = {r.room_id for r in sandbox_rooms(url)}
    assert remaining == {r["room_id"] for r in result.values()}
