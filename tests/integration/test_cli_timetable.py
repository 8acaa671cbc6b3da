"""``baijiayun room import`` as a sync, through click's runner: keys, the plan, prunes, the
output for spreadsheets, encodings and warnings (the exactly-once runs over HTTP with a
killed process are in test_import_exactly_once.py)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from baijiayun._wire import BEIJING
from baijiayun.cli._commands import cli
from baijiayun.sandbox import SANDBOX_PARTNER_KEY
from harness import timetable_row

START = (dt.datetime.now(BEIJING) + dt.timedelta(days=2)).replace(
    hour=8, minute=0, second=0, microsecond=0
)
HEADER = ["title", "start", "end", "type", "teacher_number", "teacher_name", "student_numbers"]
FAST = ("--rate-limit", "20/1", "--backoff", "0", "--settle", "0")


@pytest.fixture(autouse=True)
def home(cli_home: Path) -> Path:
    return cli_home


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, ["--sandbox", "room", "import", *args])
    assert "Traceback" not in result.output and SANDBOX_PARTNER_KEY not in result.output
    return result


def lesson(n: int, key: str | None = None, /, **changes: Any) -> list[Any]:
    return ([key] if key is not None else []) + timetable_row(START, n, **changes)


def write(path: Path, rows: list[list[Any]], keys: bool = False, encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow((["key"] if keys else []) + HEADER)
        writer.writerows(rows)
    return path


def rooms() -> list[dict[str, Any]]:
    result = CliRunner().invoke(cli, ["--sandbox", "room", "list", "--json"])
    assert result.exit_code == 0, result.stderr
    return list(json.loads(result.stdout))


def result_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_a_moved_class_keeps_its_room(tmp_path: Path) -> None:
    table, out = tmp_path / "t.csv", tmp_path / "r.csv"
    write(table, [lesson(0, "A"), lesson(1, "B"), lesson(2, "C")], keys=True)
    assert run(str(table), "--out", str(out), *FAST).exit_code == 0
    before = result_rows(out)
    moved = (START + dt.timedelta(days=1)).strftime("%Y-%m-%d")
    write(
        table,
        [
            lesson(0, "A", start=f"{moved} 08:00", end=f"{moved} 09:00"),
            lesson(1, "B", title="Renamed"),
            lesson(3, "D"),
        ],
        keys=True,
    )
    dry = run(str(table), "--out", str(out), "--dry-run", *FAST)
    assert dry.exit_code == 0, dry.stderr
    plan = dry.stdout.splitlines()
    assert plan[0] == (
        "plan: 1 to create, 2 to update, 0 unchanged, 1 no longer in the timetable "
        "(kept; add --prune to delete them)"
    )
    assert f"  line 2: key A: Lesson 0 {moved} 08:00 (start, end)" in plan
    assert "  line 3: key B: Renamed " + lesson(1)[1] + " (title)" in plan
    assert "no longer in the timetable (1):" in plan
    assert len(rooms()) == 3

    synced = run(str(table), "--out", str(out), *FAST)
    assert synced.exit_code == 0, synced.stderr
    assert "3 row(s): 1 created, 2 updated, 0 reused from an earlier run" in synced.stdout
    assert "1 key(s) no longer in the timetable, rooms kept (add --prune to delete them): C" in (
        synced.stderr
    )
    after = result_rows(out)
    assert [r["room_id"] for r in after[:2]] == [r["room_id"] for r in before[:2]]
    assert [r["status"] for r in after] == ["updated", "updated", "created"]
    assert len(rooms()) == 4

    refused = run(str(table), "--out", str(out), "--prune", *FAST)
    assert refused.exit_code == 2
    assert refused.stderr.splitlines()[-2:] == [
        "error: deleting 1 room(s) no longer in the timetable needs confirmation; nothing was sent",
        "add --yes to delete them without asking",
    ]
    pruned = run(str(table), "--out", str(out), "--prune", "--yes", "--json", *FAST)
    assert pruned.exit_code == 0, pruned.stderr
    assert json.loads(pruned.stdout)["deleted"] == ["C"]
    assert {r["room_id"] for r in rooms()} == {r["room_id"] for r in after}


def test_prune_needs_keys(tmp_path: Path) -> None:
    table = write(tmp_path / "t.csv", [lesson(0)])
    result = run(str(table), "--out", str(tmp_path / "r.csv"), "--prune", "--yes")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --prune needs a key column")


def test_without_keys_a_moved_row_is_a_possible_duplicate_said_before_sending(
    tmp_path: Path,
) -> None:
    table, out = tmp_path / "t.csv", tmp_path / "r.csv"
    write(table, [lesson(0)])
    assert run(str(table), "--out", str(out), *FAST).exit_code == 0
    room = result_rows(out)[0]["room_id"]
    write(table, [lesson(0, start=lesson(5)[1], end=lesson(5)[2])])
    result = run(str(table), "--out", str(out), *FAST)
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"warning: line 2: title or time changed since the last run (it was Lesson 0 "
        f"{lesson(0)[1]}, room {room}); a new room will be made and the old one kept: "
        "a possible duplicate"
    )
    assert lines[1].startswith("hint: add a key column")
    assert len(rooms()) == 2  # as before keys: the operator was told


def test_result_for_spreadsheets_and_no_bom(tmp_path: Path) -> None:
    table, out = tmp_path / "t.csv", tmp_path / "r.csv"
    write(table, [lesson(0, title="=1+1"), lesson(1, title="@cmd")])
    assert run(str(table), "--out", str(out), *FAST).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbftitle,")
    assert [r["title"] for r in result_rows(out)] == ["'=1+1", "'@cmd"]
    assert out.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "r.csv.ledger.db").stat().st_mode & 0o777 == 0o600
    assert run(str(table), "--out", str(out), "--no-bom", *FAST).exit_code == 0
    assert out.read_bytes().startswith(b"title,")


def test_gbk_needs_its_encoding_named(tmp_path: Path) -> None:
    table, out = tmp_path / "t.csv", tmp_path / "r.csv"
    write(table, [lesson(0, title="数学 一", teacher_name="王老师")], encoding="gbk")
    refused = run(str(table), "--out", str(out), *FAST)
    assert refused.exit_code == 2
    assert refused.stderr.splitlines() == [
        f"error: {table}, line 2: not UTF-8 text",
        "save it as CSV UTF-8, or name its encoding: --encoding gbk (or gb18030)",
    ]
    done = run(str(table), "--out", str(out), "--encoding", "gbk", *FAST)
    assert done.exit_code == 0, done.stderr
    assert [r["title"] for r in rooms()] == ["数学 一"]
    unknown = run(str(table), "--out", str(out), "--encoding", "nope", *FAST)
    assert unknown.exit_code == 2
    assert "unknown encoding" in unknown.stderr


def test_a_long_title_is_one_clean_warning(tmp_path: Path) -> None:
    table, out = tmp_path / "t.csv", tmp_path / "r.csv"
    write(table, [lesson(0), lesson(1, title="x" * 60)])
    result = run(str(table), "--out", str(out), *FAST)
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "50" in line]
    assert warnings == [
        "warning: line 3, title: over 50 characters; the platform keeps the first 50"
    ]
    assert "UserWarning" not in result.output and ".py" not in result.output
    assert "{" not in result.output and "[" not in result.stdout
