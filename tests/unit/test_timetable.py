"""The timetable engine: reading and checking rows, the ledger, and the import's decisions.

The import runs here on the async client bound to an in-process sandbox; the
over-HTTP test with a killed process is in tests/integration.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from baijiayun._wire import BEIJING
from baijiayun.sandbox import Sandbox
from baijiayun.timetable import (
    CREATED,
    DONE,
    PENDING,
    SENDING,
    UNKNOWN,
    Importer,
    ImportSettings,
    Ledger,
    TimetableError,
    ledger_path,
    parse_time,
    read_timetable,
    write_result,
)

HEADER = "title,start,end,type,teacher_number,teacher_name,student_numbers"
CREATE = "/openapi/room/create"
FAST = ImportSettings(concurrency=4, backoff=0.0, settle=0.0)


def tomorrow(hour: int, minute: int = 0) -> str:
    day = dt.datetime.now(BEIJING) + dt.timedelta(days=1)
    return day.replace(hour=hour, minute=minute).strftime("%Y-%m-%d %H:%M")


def write(path: Path, lines: list[str], header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def rows(n: int, students: str = "1001 1002") -> list[str]:
    return [
        f"Class {i},{tomorrow(8 + i % 12, 0)},{tomorrow(8 + i % 12, 50)},2,{900 + i},T{i},"
        f"{students}"
        if i < 12
        else f"Class {i},{tomorrow(8, 0)},{tomorrow(9, i % 60)},2,{900 + i},T{i},{students}"
        for i in range(n)
    ]


# --------------------------------------------------------------------------- times
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01 19:00", dt.datetime(2026, 12, 1, 19, 0, tzinfo=BEIJING)),
        ("2026-12-01T19:00:30", dt.datetime(2026, 12, 1, 19, 0, 30, tzinfo=BEIJING)),
        ("2026-12-01T11:00:00Z", dt.datetime(2026, 12, 1, 19, 0, tzinfo=BEIJING)),
        ("2026-12-01T12:00:00+01:00", dt.datetime(2026, 12, 1, 19, 0, tzinfo=BEIJING)),
        ("2026/12/1 19:00", dt.datetime(2026, 12, 1, 19, 0, tzinfo=BEIJING)),
        ("2026/12/1 11:00 Z", dt.datetime(2026, 12, 1, 19, 0, tzinfo=BEIJING)),
        ("1796122800", dt.datetime(2026, 12, 1, 19, 0, tzinfo=BEIJING)),
    ],
)
def test_parse_time_reads_beijing_time_unless_an_offset_is_given(
    text: str, expected: dt.datetime
) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["", "tomorrow", "2026-12-01", "2026-13-01 19:00", "19:00"])
def test_parse_time_refuses_what_is_not_a_time(text: str) -> None:
    with pytest.raises(ValueError, match="not a time"):
        parse_time(text)


# --------------------------------------------------------------------------- reading
def test_bad_rows_are_reported_with_their_line_numbers(tmp_path: Path) -> None:
    good = f"Good,{tomorrow(9)},{tomorrow(10)},2,7,Ms Li,1 2"
    lines = [
        good,
        f",{tomorrow(9)},{tomorrow(10)},2,7,T,1",  # line 3: no title
        f"Backwards,{tomorrow(10)},{tomorrow(9)},2,7,T,1",  # 4
        f"Bad time,tomorrow 9am,{tomorrow(10)},2,7,T,1",  # 5
        good,  # 6: duplicate of line 2
        f"Short,{tomorrow(9)},{tomorrow(9, 10)},2,7,T,1",  # 7: 10 minutes
        f"Type,{tomorrow(9)},{tomorrow(10)},9,7,T,1",  # 8
        f"Teacher,{tomorrow(9)},{tomorrow(10)},2,x7,T,1",  # 9
        f"Students,{tomorrow(9)},{tomorrow(10)},2,7,T,1 abc",  # 10
        f"Twice,{tomorrow(9)},{tomorrow(10)},2,7,T,1 1",  # 11
        "",  # 12: blank, skipped
        f'"Multi\nline",{tomorrow(11)},{tomorrow(12)},2,7,T,1',  # 13-14: fine
        f"Cells,{tomorrow(9)},{tomorrow(10)},2,7,T,1,extra",  # 15
        f"No teacher,{tomorrow(9)},{tomorrow(10)},2,7,,1",  # 16
    ]
    table = read_timetable(write(tmp_path / "t.csv", lines))
    assert [r.line for r in table.rows] == [2, 13]
    problems = {b.line: b.message for b in table.bad}
    assert problems == {
        3: "title is missing",
        4: "end is not after start",
        5: "start: not a time: 'tomorrow 9am' (use YYYY-MM-DD HH:MM, ISO 8601 or unix seconds)",
        6: "duplicate of line 2 (same title, start and end)",
        7: "end: a room must last more than 15 minutes",
        8: "type: must be one of 1, 2, 3, 4, 5, 6",
        9: "teacher_number must be a positive integer of at most 19 digits, not 'x7'",
        10: "each of student_numbers must be a positive integer of at most 19 digits, not 'abc'",
        11: "student 1 is listed twice",
        15: "8 cells for 7 columns",
        16: "teacher_name is missing",
    }


def test_optional_columns_are_create_parameters_read_with_their_kinds(tmp_path: Path) -> None:
    header = HEADER + ",max_users,is_long_term,notes,student_names"
    lines = [
        f"Small,{tomorrow(9)},{tomorrow(10)},4,7,T,1 2,6,,bring books,Ann;Bob",
        f"No seats,{tomorrow(11)},{tomorrow(12)},4,7,T,1,,,,",
        f"Names,{tomorrow(13)},{tomorrow(14)},2,7,T,1 2,,,,Ann",
    ]
    table = read_timetable(write(tmp_path / "t.csv", lines, header))
    assert table.ignored_columns == ["notes"]
    (row,) = table.rows
    assert row.create["max_users"] == 6 and "is_long_term" not in row.create
    assert row.student_names == ("Ann", "Bob")
    assert {b.line: b.message for b in table.bad} == {
        3: "max_users: is required for a small class (type 4): 1 to 12 seats",
        4: "student_names has 1 names for 2 student numbers",
    }


def test_titles_are_compared_as_the_platform_keeps_them(tmp_path: Path) -> None:
    long = "x" * 50
    lines = [
        f"{long}A,{tomorrow(9)},{tomorrow(10)},2,7,T,1",
        f"{long}B,{tomorrow(9)},{tomorrow(10)},2,7,T,1",  # the same first 50 characters
        f"Maths  101,{tomorrow(11)},{tomorrow(12)},2,7,T,1",
        f" Maths 101 ,{tomorrow(11)},{tomorrow(12)},2,7,T,1",  # the same up to white space
    ]
    table = read_timetable(write(tmp_path / "t.csv", lines))
    assert [(b.line, b.message) for b in table.bad] == [
        (3, "duplicate of line 2 (same title, start and end)"),
        (5, "duplicate of line 4 (same title, start and end)"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is empty"),
        ("title,start\nx,y\n", "missing column(s) end, type, teacher_number"),
        (HEADER + ",title\n", "column(s) named twice: title"),
        (b"\xff\xfetitle", "not UTF-8"),
    ],
)
def test_unusable_files_are_refused_before_any_row(
    tmp_path: Path, content: str | bytes, message: str
) -> None:
    path = tmp_path / "t.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(TimetableError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_timetable(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TimetableError, match="cannot read"):
        read_timetable(tmp_path / "nope.csv")


def test_excel_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(("\ufeff" + HEADER + "\n" + rows(1)[0] + "\n").encode("utf-8"))
    assert len(read_timetable(path).rows) == 1


# --------------------------------------------------------------------------- the ledger
def test_a_ledger_belongs_to_one_account(tmp_path: Path) -> None:
    path = ledger_path(tmp_path / "out.csv")
    assert path.name == "out.csv.ledger.db"
    Ledger(path, "1 https://a/").close()
    with pytest.raises(TimetableError, match="belongs to another account"):
        Ledger(path, "2 https://a/")
    Ledger(path, "1 https://a/").close()


def test_one_import_at_a_time_per_ledger(tmp_path: Path) -> None:
    path = ledger_path(tmp_path / "out.csv")
    with Ledger(path, "acct"), pytest.raises(TimetableError, match="another import is using"):
        Ledger(path, "acct")
    Ledger(path, "acct").close()  # released when the first one closed


def test_runs_are_counted(tmp_path: Path) -> None:
    path = ledger_path(tmp_path / "out.csv")
    assert [Ledger(path, "a").run for _ in range(1)] == [1]
    with Ledger(path, "a") as second:
        assert second.run == 2


# --------------------------------------------------------------------------- the import
def run_import(
    box: Sandbox,
    table: Any,
    out: Path,
    settings: ImportSettings = FAST,
    clock: Any = time.time,
) -> tuple[Any, Importer]:
    async def go() -> Any:
        async with box.async_client(max_retries=0) as client:
            with Ledger(ledger_path(out), "sandbox") as ledger:
                importer = Importer(client, ledger, table.rows, settings, clock=clock)
                report = await importer.run()
                write_result(out, table, ledger, importer.outcome)
                return report, importer

    result: tuple[Any, Importer] = asyncio.run(go())
    return result


def titles_in(box: Sandbox) -> Counter[str]:
    with box.client() as client:
        return Counter(r.title for r in client.iter_rooms())


def result_rows(out: Path) -> list[dict[str, str]]:
    with out.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_lost_answers_are_found_by_listing_and_not_sent_again(tmp_path: Path) -> None:
    box = Sandbox()
    table = read_timetable(write(tmp_path / "t.csv", rows(20)))
    box.inject(CREATE, drop=True, process=True, count=3)  # made, answer lost
    report, _ = run_import(box, table, tmp_path / "out.csv")
    assert box.request_count(CREATE) == 20  # nothing sent twice
    assert box.request_count("/openapi/room/list") == 1  # one listing for all three
    assert len(report.created) == 20 and len(report.recovered) == 3
    assert titles_in(box) == Counter(r.create["title"] for r in table.rows)


def test_a_503_is_checked_then_sent_again(tmp_path: Path) -> None:
    box = Sandbox()
    table = read_timetable(write(tmp_path / "t.csv", rows(10)))
    box.inject(CREATE, status=503, count=2)  # nothing made
    report, _ = run_import(box, table, tmp_path / "out.csv")
    assert titles_in(box) == Counter(r.create["title"] for r in table.rows)
    assert box.request_count(CREATE) == 12
    assert report.recovered == [] and len(report.created) == 10


def test_a_row_left_sending_by_a_crash_is_reconciled_not_resent(tmp_path: Path) -> None:
    box = Sandbox()
    table = read_timetable(write(tmp_path / "t.csv", rows(3)))
    out = tmp_path / "out.csv"
    made, lost = table.rows[0], table.rows[1]
    with Ledger(ledger_path(out), "sandbox") as ledger:  # a run that died mid-request
        ledger.sync(table.rows)
        ledger.mark_sending(made.key, time.time())
        ledger.mark_sending(lost.key, time.time())
    with box.client() as client:  # the first create reached the platform, the second did not
        room = client.room.create(**made.create)
    report, _ = run_import(box, table, out)
    assert box.request_count(CREATE) == 1 + 2  # the made row is not sent again
    assert titles_in(box) == Counter(r.create["title"] for r in table.rows)
    by_line = {int(r["title"].split()[1]): r for r in result_rows(out)}
    assert by_line[0]["room_id"] == room.room_id and by_line[0]["status"] == "reused"
    assert sorted(report.reused) == [made.line]


def test_a_title_the_platform_stored_with_collapsed_spaces_still_matches(tmp_path: Path) -> None:
    box = Sandbox()
    table = read_timetable(
        write(tmp_path / "t.csv", [f"Maths  101,{tomorrow(9)},{tomorrow(10)},2,7,T,1"])
    )
    out = tmp_path / "out.csv"
    (row,) = table.rows
    with Ledger(ledger_path(out), "sandbox") as ledger:
        ledger.sync(table.rows)
        ledger.mark_sending(row.key, time.time())
    with box.client() as client:  # as the platform might have kept it
        room = client.room.create(**{**row.create, "title": "Maths 101"})
    run_import(box, table, out)
    assert box.request_count(CREATE) == 1
    assert result_rows(out)[0]["room_id"] == room.room_id


def test_an_older_room_with_the_same_title_and_times_is_not_taken(tmp_path: Path) -> None:
    box = Sandbox()
    table = read_timetable(write(tmp_path / "t.csv", rows(1)))
    out = tmp_path / "out.csv"
    with box.client() as client:
        older = client.room.create(**table.rows[0].create)  # made by hand long ago
    later = lambda: time.time() + 3600  # noqa: E731 - the row is sent an hour after it
    with Ledger(ledger_path(out), "sandbox") as ledger:  # ... by a run that then died
        ledger.sync(table.rows)
        ledger.mark_sending(table.rows[0].key, later())
    run_import(box, table, out, clock=later)
    (row,) = result_rows(out)
    assert row["room_id"] and row["room_id"] != older.room_id
    assert titles_in(box)[table.rows[0].create["title"]] == 2


def test_when_rooms_cannot_be_listed_uncertain_rows_wait_and_others_go_on(
    tmp_path: Path,
) -> None:
    box = Sandbox()
    table = read_timetable(write(tmp_path / "t.csv", rows(6)))
    out = tmp_path / "out.csv"
    box.inject(CREATE, drop=True, process=True, count=1)
    box.inject("/openapi/room/list", status=503, count=1000)
    report, _ = run_import(box, table, out, ImportSettings(concurrency=1, settle=0, backoff=0))
    assert box.request_count(CREATE) == 6  # the uncertain row was never sent again
    assert len(report.failed) == 1
    why = next(iter(report.failed.values()))
    assert "may have been created" in why and "run the import again" in why
    failed = [r for r in result_rows(out) if r["status"] == "failed"]
    assert len(failed) == 1 and "may have been created" in failed[0]["error"]
    box.clear_faults()
    assert len(titles_in(box)) == 6
    report, _ = run_import(box, table, out)  # the next run reconciles it
    assert box.request_count(CREATE) == 6 and report.failed == {}
    assert len(report.reused) == 6


def test_a_refused_create_fails_its_row_and_is_retried_next_run(tmp_path: Path) -> None:
    box = Sandbox()
    table = read_timetable(write(tmp_path / "t.csv", rows(4)))
    out = tmp_path / "out.csv"
    box.inject(CREATE, code=2002, msg="no permission", count=1)
    report, _ = run_import(box, table, out, ImportSettings(concurrency=1, settle=0, backoff=0))
    assert list(report.failed.values()) == ["2002 no permission"]
    assert box.request_count(CREATE) == 4  # a refusal is not repeated within the run
    report, _ = run_import(box, table, out)
    assert report.failed == {} and len(report.created) == 1 and len(report.reused) == 3
    assert sum(titles_in(box).values()) == 4


def test_codes_and_links_survive_errors_and_are_the_real_ones(tmp_path: Path) -> None:
    box = Sandbox()
    table = read_timetable(write(tmp_path / "t.csv", rows(5, students="11 12 13")))
    out = tmp_path / "out.csv"
    box.inject("/openapi/room/getcode", status=502, count=2)  # 4 failures: fewer than the
    box.inject("/openapi/room/getcode", drop=True, count=2)  # 5 tries of one request
    run_import(box, table, out)
    with box.client() as client:
        for row in result_rows(out):
            codes = row["student_codes"].split()
            assert codes == [client.room.getcode(row["room_id"], n) for n in (11, 12, 13)]
            links = row["student_links"].split()
            assert links[0] == client.links.enter_url(row["room_id"], 11, "Student 11", 0)
            assert row["status"] == "created" and row["error"] == ""


def test_settle_waits_before_listing(tmp_path: Path) -> None:
    box = Sandbox()
    table = read_timetable(write(tmp_path / "t.csv", rows(2)))
    box.inject(CREATE, drop=True, process=True, count=1)
    started = time.monotonic()
    run_import(box, table, tmp_path / "out.csv", ImportSettings(settle=0.4, backoff=0))
    assert time.monotonic() - started >= 0.4
    assert box.request_count(CREATE) == 2


def test_an_edited_row_is_reported_not_recreated(tmp_path: Path) -> None:
    box = Sandbox()
    path = tmp_path / "t.csv"
    out = tmp_path / "out.csv"
    run_import(box, read_timetable(write(path, rows(2))), out)
    edited = [line.replace(",T0,", ",Teacher Zero,") for line in rows(2)]
    table = read_timetable(write(path, edited))
    report, _ = run_import(box, table, out)
    assert report.changed == [2]
    assert box.request_count(CREATE) == 2
    first = result_rows(out)[0]
    assert "user_name=Teacher%20Zero" in first["teacher_link"]  # links were made again


def test_ledger_states_after_a_full_run(tmp_path: Path) -> None:
    box = Sandbox()
    table = read_timetable(write(tmp_path / "t.csv", rows(3)))
    out = tmp_path / "out.csv"
    run_import(box, table, out)
    with Ledger(ledger_path(out), "sandbox") as ledger:
        assert set(ledger.states().values()) == {DONE}
        assert {PENDING, SENDING, UNKNOWN, CREATED}.isdisjoint(ledger.states().values())


@pytest.mark.real_backoff
def test_the_importer_pauses_with_the_clients_own_backoff() -> None:
    """One backoff rule for the SDK: the importer's pause after n errors in a row is the
    client's ``backoff_delay`` for attempt n (exponential, between half and all of the cap)."""
    import time

    from baijiayun import _flow
    from baijiayun.timetable import importer

    assert importer.backoff_delay is _flow.backoff_delay
    run = Importer(None, None, [], ImportSettings(backoff=1.0, backoff_max=3.0))  # type: ignore[arg-type]
    for n, cap in enumerate([1.0, 2.0, 3.0, 3.0], start=1):
        run._resume_at = 0.0
        before = time.monotonic()
        run._failed_once()
        pause = run._resume_at - before
        assert cap / 2 - 0.05 <= pause <= cap + 0.05, (n, pause)
    for _ in range(3000):  # thousands of errors in a row: the pause stays at the cap
        run._failed_once()


# --------------------------------------------------------------------------- guards
def test_reconciliation_never_takes_a_room_another_row_of_the_import_owns(
    tmp_path: Path,
) -> None:
    """Row a made room R at 09:00; a moves to 11:00 and a new row b takes the 09:00 slot
    with the same title; b's create was left uncertain by a crash. When b is reconciled,
    R (still at 09:00: a's update comes later) matches b's title and times, but R is a's."""
    box = Sandbox()
    path, out = tmp_path / "t.csv", tmp_path / "out.csv"
    header = "key," + HEADER
    first = read_timetable(write(path, [f"a,Maths,{tomorrow(9)},{tomorrow(10)},2,7,T,1"], header))
    run_import(box, first, out)
    owned = result_rows(out)[0]["room_id"]
    moved = f"a,Maths,{tomorrow(11)},{tomorrow(12)},2,7,T,1"
    table = read_timetable(
        write(path, [moved, f"b,Maths,{tomorrow(9)},{tomorrow(10)},2,8,U,2"], header)
    )
    b = table.rows[1]
    with Ledger(ledger_path(out), "sandbox") as ledger:  # a run that died sending b
        ledger.sync(table.rows)
        ledger.mark_sending(b.key, time.time(), b)
    run_import(box, table, out)
    a_row, b_row = result_rows(out)
    assert a_row["room_id"] == owned and a_row["status"] == "updated"
    assert b_row["room_id"] != owned and b_row["status"] == "created"
    assert box.request_count(CREATE) == 2  # b was sent: no room was its
    with box.client() as client:
        assert len(list(client.iter_rooms())) == 2
        assert client.room.info(owned).start_time.hour == 11


def test_an_edited_row_whose_create_was_uncertain_is_reported_changed(tmp_path: Path) -> None:
    box = Sandbox()
    path, out = tmp_path / "t.csv", tmp_path / "out.csv"
    table = read_timetable(write(path, rows(1)))
    (row,) = table.rows
    with Ledger(ledger_path(out), "sandbox") as ledger:  # died after sending the create...
        ledger.sync(table.rows)
        ledger.mark_sending(row.key, time.time(), row)
    with box.client() as client:  # ... which the platform carried out
        client.room.create(**row.create)
    edited = read_timetable(
        write(path, [line.replace(",T0,", ",Teacher Zero,") for line in rows(1)])
    )
    report, _ = run_import(box, edited, out)
    assert report.changed == [2]
    assert box.request_count(CREATE) == 1


def test_the_settle_delay_counts_from_the_latest_lost_answer(tmp_path: Path) -> None:
    box = Sandbox()
    table = read_timetable(write(tmp_path / "t.csv", rows(2)))
    out = tmp_path / "out.csv"
    now = time.time()
    clock = [now - 30]
    with Ledger(ledger_path(out), "sandbox", clock=lambda: clock[0]) as ledger:
        ledger.sync(table.rows)
        first, second = table.rows
        ledger.mark_sending(first.key, now - 30, first)
        ledger.mark_sending(second.key, now - 30, second)
        ledger.mark_unknown(first.key, "no answer")  # lost 30 s ago
        clock[0] = now
        ledger.mark_unknown(second.key, "no answer")  # lost just now
    started = time.monotonic()
    run_import(box, table, out, ImportSettings(settle=0.5, backoff=0))
    assert time.monotonic() - started >= 0.45  # 0.5 s after the latest, not the earliest
    assert box.request_count(CREATE) == 2


# --------------------------------------------------------------------------- keys: a sync
KEYED = "key," + HEADER


def keyed(n: int, day: int = 1, title: str = "Class", start: int = 0) -> list[str]:
    out = []
    for i in range(start, start + n):
        when = (dt.datetime.now(BEIJING) + dt.timedelta(days=day)).replace(
            hour=8, minute=0, second=0, microsecond=0
        ) + dt.timedelta(hours=i % 12, days=i // 12)
        text = when.strftime("%Y-%m-%d %H:%M")
        end = (when + dt.timedelta(minutes=50)).strftime("%Y-%m-%d %H:%M")
        out.append(f"K{i},{title} {i},{text},{end},2,{900 + i},T{i},{1000 + i}")
    return out


def test_duplicate_keys_are_a_row_error_naming_both_lines(tmp_path: Path) -> None:
    lines = keyed(3)
    lines[2] = lines[2].replace("K2,", "K0,", 1)
    lines.append(f",Keyless,{tomorrow(20)},{tomorrow(21)},2,7,T,1")
    table = read_timetable(write(tmp_path / "t.csv", lines, KEYED))
    assert table.keyed and [r.user_key for r in table.rows] == ["K0", "K1"]
    assert {b.line: b.message for b in table.bad} == {
        4: "key: K0 is also the key of line 2 (each class needs its own key)",
        5: "key is missing (every row needs one when the column is there)",
    }


def test_a_moved_or_renamed_row_updates_its_room_and_keeps_id_and_codes(tmp_path: Path) -> None:
    box = Sandbox()
    path, out = tmp_path / "t.csv", tmp_path / "out.csv"
    run_import(box, read_timetable(write(path, keyed(4), KEYED)), out)
    before = {r["key"]: r for r in result_rows(out)}
    lines = keyed(4)
    lines[0] = keyed(1, day=2)[0]  # moved to the next day
    lines[1] = lines[1].replace("Class 1", "Renamed 1")
    table = read_timetable(write(path, lines, KEYED))
    with Ledger(ledger_path(out), "sandbox", readonly=True) as ledger:
        plan = ledger.plan(table.rows)
    assert [r.user_key for r in plan.update] == ["K0", "K1"]
    assert [r.user_key for r in plan.unchanged] == ["K2", "K3"] and not plan.create
    report, _ = run_import(box, table, out)
    assert sorted(report.updated) == [2, 3] and sorted(report.reused) == [4, 5]
    assert box.request_count(CREATE) == 4 and box.request_count("/openapi/room/update") == 2
    after = {r["key"]: r for r in result_rows(out)}
    for key in ("K0", "K1"):
        for column in ("room_id", "teacher_code", "admin_code", "student_codes"):
            assert after[key][column] == before[key][column]
        assert after[key]["status"] == "updated"
    with box.client() as client:
        assert client.room.info(after["K1"]["room_id"]).title == "Renamed 1"
        moved = client.room.info(after["K0"]["room_id"]).start_time
        assert moved.strftime("%Y-%m-%d %H:%M") == keyed(1, day=2)[0].split(",")[2]
        assert len(list(client.iter_rooms())) == 4
    report, _ = run_import(box, table, out)  # and then nothing more to do
    assert len(report.reused) == 4 and box.request_count("/openapi/room/update") == 2


def test_an_update_whose_answer_is_lost_is_sent_again(tmp_path: Path) -> None:
    box = Sandbox()
    path, out = tmp_path / "t.csv", tmp_path / "out.csv"
    run_import(box, read_timetable(write(path, keyed(2), KEYED)), out)
    table = read_timetable(
        write(path, [keyed(2)[0].replace("Class 0", "New 0"), keyed(2)[1]], KEYED)
    )
    box.inject("/openapi/room/update", drop=True, process=True)
    box.inject("/openapi/room/update", status=503)
    report, _ = run_import(box, table, out)
    assert report.updated == [2] and report.failed == {}
    assert box.request_count("/openapi/room/update") == 3
    with box.client() as client:
        assert sorted(r.title for r in client.iter_rooms()) == ["Class 1", "New 0"]


def test_a_change_a_room_cannot_take_is_refused_before_anything_is_sent(
    tmp_path: Path,
) -> None:
    box = Sandbox()
    path, out = tmp_path / "t.csv", tmp_path / "out.csv"
    run_import(box, read_timetable(write(path, keyed(1), KEYED)), out)
    table = read_timetable(write(path, [keyed(1)[0].replace(",2,900,", ",5,900,")], KEYED))
    with Ledger(ledger_path(out), "sandbox", readonly=True) as ledger:
        plan = ledger.plan(table.rows)
    (refused,) = plan.refused
    room = result_rows(out)[0]["room_id"]
    assert refused.line == 2
    assert refused.message == (
        f"type: cannot be changed on an existing room (room {room}); "
        "give the row a new key to make a new room"
    )


def test_keys_no_longer_in_the_timetable_are_listed_and_deleted_only_with_prune(
    tmp_path: Path,
) -> None:
    box = Sandbox()
    path, out = tmp_path / "t.csv", tmp_path / "out.csv"
    run_import(box, read_timetable(write(path, keyed(4), KEYED)), out)
    ids = {r["key"]: r["room_id"] for r in result_rows(out)}
    table = read_timetable(write(path, keyed(2), KEYED))
    report, _ = run_import(box, table, out)
    assert report.gone == ["K2", "K3"] and report.deleted == []
    with box.client() as client:
        assert len(list(client.iter_rooms())) == 4

    async def prune() -> Any:
        async with box.async_client(max_retries=0) as client:
            with Ledger(ledger_path(out), "sandbox") as ledger:
                return await Importer(client, ledger, table.rows, FAST, prune=True).run()

    box.inject("/openapi/room/delete", drop=True, process=True)  # deleted, answer lost
    report = asyncio.run(prune())
    assert sorted(report.deleted) == ["K2", "K3"] and report.gone == []
    assert box.request_count("/openapi/room/delete") == 3  # the lost one was sent again
    with box.client() as client:
        assert {r.room_id for r in client.iter_rooms()} == {ids["K0"], ids["K1"]}
    with Ledger(ledger_path(out), "sandbox", readonly=True) as ledger:
        assert ledger.plan(table.rows).prune == []
    # A key back in the timetable after its room was deleted gets a new room.
    report, _ = run_import(box, read_timetable(write(path, keyed(3), KEYED)), out)
    assert report.created == [4]
    assert result_rows(out)[2]["room_id"] not in ids.values()


def test_a_timetable_gains_keys_without_making_its_rooms_again(tmp_path: Path) -> None:
    box = Sandbox()
    path, out = tmp_path / "t.csv", tmp_path / "out.csv"
    plain = [line.split(",", 1)[1] for line in keyed(3)]
    run_import(box, read_timetable(write(path, plain)), out)
    before = [r["room_id"] for r in result_rows(out)]
    report, _ = run_import(box, read_timetable(write(path, keyed(3), KEYED)), out)
    assert len(report.reused) == 3 and box.request_count(CREATE) == 3
    assert [r["room_id"] for r in result_rows(out)] == before


def test_without_keys_a_changed_title_or_time_is_a_possible_duplicate(tmp_path: Path) -> None:
    box = Sandbox()
    path, out = tmp_path / "t.csv", tmp_path / "out.csv"
    run_import(box, read_timetable(write(path, rows(2))), out)
    room = result_rows(out)[0]["room_id"]
    lines = rows(2)
    lines[0] = lines[0].replace("Class 0", "Class zero")
    with Ledger(ledger_path(out), "sandbox", readonly=True) as ledger:
        plan = ledger.plan(read_timetable(write(path, lines)).rows)
    (moved,) = plan.moved
    assert (moved.line, moved.room_id, moved.title) == (2, room, "Class 0")
    assert [r.line for r in plan.create] == [2]


def test_a_dry_run_ledger_reads_without_writing(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    table = read_timetable(write(tmp_path / "t.csv", rows(2)))
    with Ledger(ledger_path(out), "x", readonly=True) as ledger:  # none yet: all to create
        assert len(ledger.plan(table.rows).create) == 2
    assert not ledger_path(out).exists()
    run_import(Sandbox(), table, out)
    before = ledger_path(out).read_bytes()
    with Ledger(ledger_path(out), "x", readonly=True) as ledger:
        assert len(ledger.plan(table.rows).unchanged) == 2
        ledger.sync(table.rows)  # writes go to a copy in memory
    assert ledger_path(out).read_bytes() == before


# --------------------------------------------------------------------------- for Excel
def test_the_result_opens_in_excel_holds_no_formula_and_is_private(tmp_path: Path) -> None:
    box = Sandbox()
    header = HEADER + ",notes"
    lines = [
        f'"=HYPERLINK(""http://x"")",{tomorrow(9)},{tomorrow(10)},2,7,王老师,1,@SUM(A1)',
        f"+cmd,{tomorrow(11)},{tomorrow(12)},2,7,T,1,-5",
        f"数学,{tomorrow(13)},{tomorrow(14)},2,7,T,1,-2+3",
    ]
    table = read_timetable(write(tmp_path / "t.csv", lines, header))
    out = tmp_path / "out.csv"
    run_import(box, table, out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "王老师".encode() in raw
    rows_ = result_rows(out)
    assert [r["title"] for r in rows_] == ['\'=HYPERLINK("http://x")', "'+cmd", "数学"]
    assert [r["notes"] for r in rows_] == ["'@SUM(A1)", "-5", "'-2+3"]
    assert out.stat().st_mode & 0o777 == 0o600
    assert ledger_path(out).stat().st_mode & 0o777 == 0o600
    with Ledger(ledger_path(out), "sandbox") as ledger:
        write_result(out, table, ledger, lambda r: "reused", bom=False)
    assert out.read_bytes().startswith(b"title,")


def test_neutralise_follows_owasp() -> None:
    from baijiayun.timetable import neutralise

    for cell in ("=1+1", "+1+1", "-1+1", "@x", "\tx", "\rx", "-", "+86 138"):
        assert neutralise(cell) == "'" + cell
    for cell in ("-5", "+3.5", "1e3", "x=1", "", "数学"):
        assert neutralise(cell) == cell


def test_gbk_is_read_with_its_encoding_and_refused_as_utf8(tmp_path: Path) -> None:
    from baijiayun.timetable import UndecodableTimetable

    path = tmp_path / "t.csv"
    path.write_bytes(
        (HEADER + f"\n数学 1,{tomorrow(9)},{tomorrow(10)},2,7,王老师,1\n").encode("gbk")
    )
    with pytest.raises(UndecodableTimetable, match=r"t\.csv, line 2: not UTF-8 text"):
        read_timetable(path)
    (row,) = read_timetable(path, encoding="gbk").rows
    assert row.title == "数学 1" and row.teacher_name == "王老师"
    assert read_timetable(path, encoding="gb18030").rows[0].title == "数学 1"
    with pytest.raises(TimetableError, match="unknown encoding"):
        read_timetable(path, encoding="klingon")


def test_a_long_title_is_one_warning_naming_line_and_column(tmp_path: Path) -> None:
    box = Sandbox()
    long = "长" * 55
    table = read_timetable(
        write(tmp_path / "t.csv", [f"{long},{tomorrow(9)},{tomorrow(10)},2,7,T,1"])
    )
    assert table.warnings == ["line 2, title: over 50 characters; the platform keeps the first 50"]
    import warnings as _warnings

    with _warnings.catch_warnings():
        _warnings.simplefilter("error")  # the SDK's own warning would fail the import
        report, _ = run_import(box, table, tmp_path / "out.csv")
    assert len(report.created) == 1
    with box.client() as client:
        assert [r.title for r in client.iter_rooms()] == ["长" * 50]


def test_a_refused_update_fails_its_row_and_is_sent_again_next_run(tmp_path: Path) -> None:
    box = Sandbox()
    path, out = tmp_path / "t.csv", tmp_path / "out.csv"
    run_import(box, read_timetable(write(path, keyed(1), KEYED)), out)
    room = result_rows(out)[0]["room_id"]
    table = read_timetable(write(path, [keyed(1)[0].replace("Class 0", "New 0")], KEYED))
    box.inject("/openapi/room/update", code=2002, msg="no permission")
    report, _ = run_import(box, table, out)
    assert report.failed == {
        2: f"room {room}: update failed: 2002 no permission; run the import again to retry"
    }
    (row,) = result_rows(out)
    assert row["status"] == "failed" and row["room_id"] == room
    report, _ = run_import(box, table, out)
    assert report.updated == [2] and report.failed == {}
    assert result_rows(out)[0]["room_id"] == room
