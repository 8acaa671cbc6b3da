"""The ``baijiayun`` command through click's runner: each command, its output and its errors.

Commands run against the embedded sandbox (``--sandbox``, state in a temporary
data directory) or against the session's sandbox server on 127.0.0.1. Every
error path checks the exact message, the exit code, and that no traceback
and no key is printed.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx2
import pytest
from click.testing import CliRunner, Result

from baijiayun import __version__
from baijiayun._wire import BEIJING
from baijiayun.api import REGISTRY
from baijiayun.callbacks import sign_callback
from baijiayun.cli._commands import cli
from baijiayun.sandbox import SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY, SANDBOX_SECRET_KEY, Sandbox
from harness import timetable_row

START = (dt.datetime.now(BEIJING) + dt.timedelta(days=2)).replace(
    hour=19, minute=0, second=0, microsecond=0
)
START_TEXT = START.strftime("%Y-%m-%d %H:%M")
END_TEXT = (START + dt.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")


@pytest.fixture(autouse=True)
def home(cli_home: Path) -> Path:
    return cli_home


@pytest.fixture
def server(http_sandbox: Any) -> Iterator[Any]:
    http_sandbox.sandbox.reset()
    yield http_sandbox


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input)


def ok(*args: str, input: str | None = None) -> Result:
    result = run(*args, input=input)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def data(*args: str) -> Any:
    return json.loads(ok(*args, "--json").stdout)


def fails(code: int, *args: str, input: str | None = None) -> list[str]:
    """Run a command that must fail: the exit code, and the stderr lines (no traceback)."""
    result = run(*args, input=input)
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.output
    assert SANDBOX_PARTNER_KEY not in result.output
    lines = [x for x in result.stderr.strip().splitlines() if not x.startswith("note: ")]
    assert 1 <= len(lines) <= 2, lines
    return lines


def remote(server: Any) -> list[str]:
    """Global flags for the session's sandbox server (where requests can be counted)."""
    return ["--partner-id", SANDBOX_PARTNER_ID, "--partner-key", SANDBOX_PARTNER_KEY,
            "--base-url", server.base_url]  # fmt: skip


def embedded() -> Sandbox:
    """The embedded sandbox's state, opened the way the command opens it."""
    return Sandbox(str(Path(os.environ["BAIJIAYUN_DATA_DIR"]) / "sandbox.db"))


def create(*extra: str) -> str:
    made = data("--sandbox", "room", "create", "--title", "Algebra", "--start", START_TEXT,
                "--end", END_TEXT, *extra)  # fmt: skip
    return str(made["room_id"])


# --------------------------------------------------------------------------- basics
def test_version_and_help() -> None:
    assert __version__ in ok("--version").stdout
    text = ok("--help").stdout
    for command in ("room", "call", "config", "callback", "sandbox", "demo", "completion"):
        assert f"  {command} " in text
    room = ok("room", "--help").stdout
    for command in ("create", "update", "info", "list", "delete", "code", "codes", "link"):
        assert f"  {command} " in room
    assert "  import " in room


def test_demo_runs_every_step() -> None:
    started = time.monotonic()
    result = ok("demo", "--plain")
    assert "All 9 steps worked" in result.stdout
    assert result.stdout.count("ok: ") >= 12 and "FAILED" not in result.stdout
    assert time.monotonic() - started < 60
    summary = json.loads(ok("demo", "--json").stdout)  # the tour itself goes to stderr
    assert summary["ok"] is True and summary["seconds"] < 60


# --------------------------------------------------------------------------- rooms
def test_room_lifecycle_on_the_embedded_sandbox() -> None:
    room_id = create("--type", "2")
    assert len(room_id) == 14
    info = data("--sandbox", "room", "info", room_id)  # state persists between commands
    assert info["title"] == "Algebra" and info["start_time"] == START.isoformat()
    listed = data("--sandbox", "room", "list")
    assert [r["room_id"] for r in listed] == [room_id]

    ok("--sandbox", "room", "update", room_id, "--title", "Algebra II", "-o", "pre_enter_time=600")
    info = data("--sandbox", "room", "info", room_id)
    assert info["title"] == "Algebra II" and info["pre_enter_time"] == 600

    code = ok("--sandbox", "room", "code", room_id, "--user-number", "1001").stdout.strip()
    again = data("--sandbox", "room", "code", room_id, "--user-number", "1001")
    assert again["code"] == code and len(code) == 6
    codes = data("--sandbox", "room", "codes", room_id)
    assert [(c["user_number"], c["code"]) for c in codes] == [("1001", code)]

    url = ok(
        "--sandbox", "room", "link", room_id, "--user-number", "9", "--user-name", "王老师",
        "--role", "teacher",
    ).stdout.strip()  # fmt: skip
    with httpx2.Client(transport=embedded().transport()) as browser:
        page = browser.get(url)
    assert page.status_code == 200 and "entered room" in page.text and "teacher" in page.text

    ok("--sandbox", "room", "delete", room_id, "--yes")
    lines = fails(1, "--sandbox", "room", "info", room_id)
    assert lines == ["error: 3002 room has been deleted (room/info)", "the room was deleted"]


def test_tables_are_readable() -> None:
    room_id = create()
    text = ok("--sandbox", "room", "list").stdout
    assert room_id in text and "Algebra" in text and START_TEXT in text
    assert "1 room(s); times in Beijing time" in text
    info = ok("--sandbox", "room", "info", room_id).stdout
    assert "teacher_code" in info and f"Room {room_id}" in info


def test_without_rich_tables_are_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    room_id = create()
    for name in [m for m in sys.modules if m == "rich" or m.startswith("rich.")]:
        monkeypatch.delitem(sys.modules, name)  # restored after the test
    monkeypatch.setitem(sys.modules, "rich", None)  # only the sandbox extra: click, no rich
    lines = ok("--sandbox", "room", "list").stdout.splitlines()
    assert lines[0].split() == ["room_id", "title", "type", "start", "end"]
    assert lines[1].split()[:3] == [room_id, "Algebra", "2"]
    assert "All 9 steps worked" in ok("demo").stdout


def test_json_is_accepted_before_and_after_the_subcommand() -> None:
    create()
    before = json.loads(ok("--sandbox", "--json", "room", "list").stdout)
    after = json.loads(ok("--sandbox", "room", "list", "--json").stdout)
    assert before == after and len(before) == 1


def test_platform_errors_show_their_code_and_what_to_do() -> None:
    lines = fails(1, "--sandbox", "room", "info", "26010112345678")
    assert lines == [
        "error: 3001 room does not exist (room/info)",
        "check the room id (`baijiayun room list`)",
    ]


@pytest.mark.parametrize(
    ("args", "code", "first"),
    [
        (["room", "info", "abc"], 2, "error: bad room id 'abc': room ids are digits (14 of them)"),
        (
            ["room", "create", "--title", "T", "--start", "tonight", "--end", END_TEXT],
            2,
            "error: bad --start: not a time: 'tonight' (use YYYY-MM-DD HH:MM, ISO 8601 or "
            "unix seconds)",
        ),
        (
            ["room", "create", "--title", "T", "--start", START_TEXT, "--end", START_TEXT],
            2,
            "error: invalid end_time: must be after start_time",
        ),
        (
            [
                "room",
                "create",
                "--title",
                "T",
                "--start",
                START_TEXT,
                "--end",
                END_TEXT,
                "-o",
                "max_users=many",
            ],
            2,
            "error: invalid max_users: must be an integer",
        ),
        (["room", "update", "26010112345678"], 2, "error: nothing to change"),
        (
            ["room", "create", "--start", START_TEXT, "--end", END_TEXT],
            2,
            "error: Missing option '--title'.",
        ),
        (
            ["room", "delete", "26010112345678"],
            2,  # bad usage: --yes is missing where nobody can be asked
            "error: deleting room 26010112345678 needs confirmation",
        ),
        (
            ["room", "link", "26010112345678", "--user-number", "-1", "--user-name", "x"],
            2,
            "error: invalid user_number: must be a positive integer of at most 19 digits",
        ),
    ],
)
def test_bad_input_is_one_clean_error(args: list[str], code: int, first: str) -> None:
    lines = fails(code, "--sandbox", *args)
    assert lines[0] == first


def test_missing_credentials_say_how_to_set_them() -> None:
    lines = fails(2, "room", "list")
    assert lines[0].startswith("error: missing credentials: partner_id")
    assert "baijiayun config set" in lines[1] and "--sandbox" in lines[1]


def test_an_unreachable_platform_is_a_network_error() -> None:
    lines = fails(
        1, "--partner-id", "1", "--partner-key", "k", "--base-url", "http://127.0.0.1:9/",
        "--timeout", "2", "room", "info", "26010112345678",
    )  # fmt: skip
    assert lines[0].startswith("error: network failure: ConnectError")
    assert lines[1] == "check the network and base_url / private_domain"


def test_a_refused_sign_names_the_key_and_the_clock(server: Any) -> None:
    lines = fails(
        1, "--partner-id", SANDBOX_PARTNER_ID, "--partner-key", "wrong-key",
        "--base-url", server.base_url, "room", "list",
    )  # fmt: skip
    assert lines == [
        "error: 1002 sign error (room/list)",
        "the sign was refused: check the partner key (`baijiayun config show`) and this "
        "machine's clock",
    ]


def test_a_wrong_secret_key_is_said_in_words(server: Any) -> None:
    """Bug: the masking took ``does`` for the secret key's value (``secret_key: ***``)."""
    lines = fails(
        1, "--partner-id", SANDBOX_PARTNER_ID, "--secret-key", "wrong-secret",
        "--base-url", server.base_url, "room", "list",
    )  # fmt: skip
    assert lines[0] == "error: 1001 secret_key does not match the account (partner/createkey)"
    assert "***" not in lines[0] and "wrong-secret" not in "".join(lines)


def test_a_failing_platform_says_try_later(server: Any) -> None:
    server.sandbox.inject("/openapi/room/delete", status=503)
    lines = fails(
        1, "--partner-id", SANDBOX_PARTNER_ID, "--partner-key", SANDBOX_PARTNER_KEY,
        "--base-url", server.base_url, "room", "delete", "26010112345678", "--yes",
    )  # fmt: skip
    assert lines == [
        "error: HTTP 503 from /openapi/room/delete",
        "the platform (or a proxy before it) is failing: try again later",
    ]


# --------------------------------------------------------------------------- call
def test_call_list_names_every_registered_endpoint() -> None:
    listed = data("call", "--list")
    assert [e["name"] for e in listed] == [spec.qualname for spec in REGISTRY]
    text = ok("call", "--list").stdout
    assert f"{len(REGISTRY)} endpoints" in text


@pytest.mark.parametrize("spec", list(REGISTRY), ids=lambda s: s.qualname)
def test_method_help_lists_its_parameters_from_the_registry(spec: Any) -> None:
    text = ok("call", spec.qualname, "--help").stdout
    assert spec.path in text
    section = text.split("Parameters (name=value):", 1)[1]
    for param in spec.params:
        assert f"  {param.name} " in section or f"  {param.name}\n" in section, param.name
    for param in spec.params:
        if param.required:
            assert "required" in section


def test_method_help_is_plain_text() -> None:
    text = ok("call", "room.delete", "--help").stdout
    assert "Later calls about it raise RoomDeletedError (3002)." in text
    assert ":class:" not in ok("call", "--help").stdout and "``" not in text


def test_call_reads_values_with_the_declared_kinds() -> None:
    end = (START + dt.timedelta(days=2)).astimezone(dt.timezone.utc)  # long-term: 2 days
    made = data(
        "--sandbox", "call", "room.create", "title=Kinds", f"start_time={START_TEXT}",
        f"end_time={end.isoformat()}", "type=2", "is_long_term=true",
    )  # fmt: skip
    assert set(made) == {"room_id", "admin_code", "teacher_code", "student_code"}
    room_id = made["room_id"]
    info = data("--sandbox", "call", "room.info", f"room_id={room_id}")
    assert info["is_long_term"] == 1  # a flag from "true"
    assert info["end_time"] == end.astimezone(BEIJING).isoformat()  # a time from ISO 8601
    ok("--sandbox", "call", "room.set_spot_video", f"room_id={room_id}", "video_ids=3,5")
    spots = data("--sandbox", "call", "room.get_spot_video", f"room_id={room_id}")
    assert spots == {"list": [{"video_id": 3}, {"video_id": 5}]}  # a list from comma text


def test_call_all_pages() -> None:
    for n in range(3):
        data("--sandbox", "call", "room.create", f"title=R{n}", f"start_time={START_TEXT}",
             f"end_time={END_TEXT}", "type=2")  # fmt: skip
    one_page = data("--sandbox", "call", "room.list", "limit=2")
    every = data("--sandbox", "call", "room.list", "limit=2", "--all-pages")
    assert len(one_page) == 2 and [r["title"] for r in every] == ["R0", "R1", "R2"]


def test_call_never_prints_a_key() -> None:
    result = ok("--sandbox", "call", "partner.createkey", f"secret_key={SANDBOX_SECRET_KEY}")
    assert SANDBOX_PARTNER_KEY not in result.output
    assert result.stdout.strip() == "********" + SANDBOX_PARTNER_KEY[-4:]
    shown = data("--sandbox", "call", "partner.createkey", f"secret_key={SANDBOX_SECRET_KEY}")
    assert shown == "********" + SANDBOX_PARTNER_KEY[-4:]


@pytest.mark.parametrize(
    ("args", "lines"),
    [
        (
            ["room.lst"],
            [
                "error: no endpoint 'room.lst'",
                "did you mean room.list, room.listcode, room.delete? `baijiayun call --list` "
                "lists them (as GROUP.METHOD)",
            ],
        ),
        (
            ["room.info", "room=1"],
            [
                "error: room.info has no parameter 'room'",
                "did you mean room_id? see `baijiayun call room.info --help` for the parameters",
            ],
        ),
        (
            ["room.info"],
            [
                "error: room.info needs room_id=...",
                "see `baijiayun call room.info --help` for the parameters",
            ],
        ),
        (["room.info", "room_id=abc"], ["error: invalid room_id: must be an integer"]),
        (
            ["room.info", "26010112345678"],
            [
                "error: expected name=value, got '26010112345678'",
                "see `baijiayun call room.info --help` for the parameters",
            ],
        ),
        (
            ["room.list", "limit=5000"],
            ["error: invalid limit: must be between 1 and 1000"],
        ),
    ],
)
def test_call_errors(args: list[str], lines: list[str]) -> None:
    assert fails(2, "--sandbox", "call", *args) == lines


# --------------------------------------------------------------------------- config
def test_config_profiles_are_stored_privately_and_shown_masked(home: Path) -> None:
    ok("config", "set", "partner_id", "12345678")
    ok("config", "set", "partner_key", input="console-partner-key-abcdefgh\n")
    ok("--profile", "staging", "config", "set", "base_url", "https://staging.example.invalid/")
    path = home / "config" / "config.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ok("config", "path").stdout.strip() == str(path)
    assert data("config", "list")["profiles"] == ["default", "staging"]
    shown = ok("config", "show")
    assert "console-partner-key" not in shown.output
    assert "********efgh" in shown.stdout and "profile default" in shown.stdout
    settings = data("config", "show")["settings"]
    assert settings["partner_key"] == {"value": "********efgh", "source": "profile default"}
    assert data("config", "unset", "partner_key") == {
        "profile": "default",
        "key": "partner_key",
        "removed": True,
    }
    assert "partner_key" not in data("config", "show")["settings"]
    saved = data("config", "set", "secret_key", "another-secret-value-1234")
    assert saved["value"] == "********1234"


def test_flags_win_over_variables_which_win_over_the_profile(
    server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok("config", "set", "partner_id", SANDBOX_PARTNER_ID)
    ok("config", "set", "partner_key", "a-wrong-key-from-the-profile")
    ok("config", "set", "base_url", server.base_url)
    assert fails(1, "room", "list")[0] == "error: 1002 sign error (room/list)"
    monkeypatch.setenv("BAIJIAYUN_PARTNER_KEY", SANDBOX_PARTNER_KEY)
    assert data("room", "list") == []  # the variable beats the profile
    sources = data("config", "show")["settings"]
    assert sources["partner_key"]["source"] == "env BAIJIAYUN_PARTNER_KEY"
    assert sources["base_url"]["source"] == "profile default"
    lines = fails(1, "--partner-key", "a-wrong-flag", "room", "list")  # the flag beats both
    assert lines[0] == "error: 1002 sign error (room/list)"


def test_a_named_profile_is_used(server: Any) -> None:
    for key, value in (
        ("partner_id", SANDBOX_PARTNER_ID),
        ("secret_key", SANDBOX_SECRET_KEY),  # the partner key is fetched with it
        ("base_url", server.base_url),
    ):
        ok("--profile", "local", "config", "set", key, value)
    create_args = ["room", "create", "--title", "P", "--start", START_TEXT, "--end", END_TEXT]
    made = json.loads(ok("--profile", "local", "--json", *create_args).stdout)
    assert server.sandbox.request_count("/openapi/partner/createkey") == 1
    assert fails(2, "--profile", "other", "room", "list")[0].startswith(
        "error: no profile 'other' in"
    )
    assert len(made["room_id"]) == 14


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["partner_id", "abc"], "error: partner_id must be digits"),
        (["base_url", "ftp://x"], "error: base_url must be an absolute http(s) URL"),
        (["private_domain", "https://e1.at.baijiayun.com"], "error: private_domain is the host"),
        (["partner_id", " "], "error: partner_id must not be empty"),
    ],
)
def test_config_refuses_bad_values(args: list[str], message: str) -> None:
    assert fails(2, "config", "set", *args)[0].startswith(message)


def test_a_broken_config_file_is_named(home: Path) -> None:
    path = home / "config" / "config.toml"
    path.parent.mkdir()
    path.write_text("[profiles.default]\npartner_id = 1\nsecret = 'x'\n", encoding="utf-8")
    lines = fails(2, "config", "show")
    assert lines[0].startswith(f"error: {path}: [profiles.default] has unknown setting(s) secret")
    path.write_text("not toml [", encoding="utf-8")
    assert fails(2, "room", "list")[0].startswith(f"error: {path} is not valid TOML")


# --------------------------------------------------------------------------- callbacks
def callback_body(key: str = SANDBOX_PARTNER_KEY, **changes: Any) -> str:
    fields = {"room_id": "26010112345678", "op": "start", "op_time": "2026-01-01 19:00:00",
              "qid": "202601011900001234567890"}  # fmt: skip
    stamp = changes.pop("timestamp", None)
    signed = sign_callback(fields, key, timestamp=stamp)
    signed.update(changes)
    return urlencode(signed)


def test_callback_verify_accepts_a_signed_callback(tmp_path: Path) -> None:
    body = tmp_path / "body.txt"
    body.write_text(callback_body(), encoding="utf-8")
    result = ok("--sandbox", "callback", "verify", str(body))
    assert "valid ClassStarted callback" in result.stdout
    assert "26010112345678" in result.stdout
    shown = json.loads(
        ok("--sandbox", "callback", "verify", "--json", input=body.read_text()).stdout
    )
    assert shown["valid"] is True and shown["event"] == "ClassStarted"
    assert shown["fields"]["op"] == "start" and "sign" not in shown["fields"]


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (callback_body(op="end"), "the sign does not match"),
        (callback_body(key="another-key"), "the sign does not match"),
        (callback_body(timestamp=time.time() - 4000), "its timestamp is more than 300 s old"),
        (callback_body(timestamp=time.time() + 4000), "more than 300 s ahead"),
        (callback_body(sign=""), "it has no sign field"),
    ],
)
def test_callback_verify_says_why_not(body: str, why: str) -> None:
    result = run("--sandbox", "callback", "verify", input=body)
    assert result.exit_code == 1
    first, second = result.stderr.strip().splitlines()
    assert first.startswith("✗ not valid: ") and why in first
    assert second.strip().startswith("(unverified: it looks like Class")


def test_callback_verify_old_callbacks_with_no_time_check() -> None:
    body = callback_body(timestamp=time.time() - 4000)
    result = run("--sandbox", "callback", "verify", "--no-time-check", input=body)
    assert result.exit_code == 0
    assert run("--sandbox", "callback", "verify", "--tolerance", "5000", input=body).exit_code == 0


def test_callback_verify_reads_a_json_body_too() -> None:
    fields = dict(sign_callback({"video_id": 7, "status": 100}, SANDBOX_PARTNER_KEY))
    shown = json.loads(
        ok("--sandbox", "callback", "verify", "--json", input=json.dumps(fields)).stdout
    )
    assert shown["valid"] is True and shown["event"] == "VideoTranscoded"


@pytest.mark.parametrize(
    ("body", "first"),
    [
        ("", "error: the body is empty"),
        ("{not json", "error: the body starts with '{' but is not JSON"),
        ("a=1&&=", "error: the body is not a form (name=value&name=value...)"),
    ],
)
def test_callback_verify_refuses_what_is_not_a_body(body: str, first: str) -> None:
    assert fails(2, "--sandbox", "callback", "verify", input=body)[0] == first


# --------------------------------------------------------------------------- completion
def test_completion_scripts_and_completions() -> None:
    script = ok("completion", "bash").stdout
    assert "_BAIJIAYUN_COMPLETE=bash_complete" in script
    assert "compdef" in ok("completion", "zsh").stdout

    def complete(words: str) -> list[str]:
        env = {
            "_BAIJIAYUN_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
        }
        result = CliRunner().invoke(cli, [], env=env, prog_name="baijiayun")
        return [line.split(",", 1)[1] for line in result.stdout.splitlines()]

    assert "room.info" in complete("baijiayun call room.in")
    assert complete("baijiayun call room.info ro") == ["room_id="]
    assert "import" in complete("baijiayun room im")


# --------------------------------------------------------------------------- import
def write_timetable(path: Path, lines: list[list[Any]], extra: tuple[str, ...] = ()) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "start", "end", "type", "teacher_number", "teacher_name",
                         "student_numbers", *extra])  # fmt: skip
        writer.writerows(lines)
    return path


def lesson(n: int, /, **changes: Any) -> list[Any]:
    return timetable_row(START, n, **changes)


FAST = ("--rate-limit", "1000/1", "--backoff", "0", "--settle", "0")


def test_import_reports_bad_rows_by_line_and_sends_nothing(server: Any, tmp_path: Path) -> None:
    table = write_timetable(
        tmp_path / "t.csv",
        [lesson(0), lesson(1, title=""), lesson(2, end="2020-01-01 00:00"), lesson(0)],
    )
    out = tmp_path / "r.csv"
    result = run(*remote(server), "room", "import", str(table), "--out", str(out))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "line 3: title is missing",
        "line 4: end is not after start",
        "line 5: duplicate of line 2 (same title, start and end)",
        f"error: 3 bad row(s) in {table}; nothing was sent",
        "fix them, or add --skip-bad-rows to import the other 1",
    ]
    assert server.sandbox.request_count() == 0 and not out.exists()


def test_import_skips_bad_rows_when_asked_and_writes_every_row(tmp_path: Path) -> None:
    table = write_timetable(
        tmp_path / "t.csv",
        [lesson(0, notes="x"), lesson(1, type=9, notes=""), lesson(2, notes="y")],
        extra=("notes",),
    )
    out = tmp_path / "r.csv"
    result = run("--sandbox", "room", "import", str(table), "--out", str(out),
                 "--skip-bad-rows", *FAST)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "note: column(s) notes are not room/create parameters" in result.stderr
    assert "3 row(s): 2 created, 0 reused from an earlier run, 0 failed, 1 skipped" in (
        result.stdout
    )
    with out.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["status"] for r in rows] == ["created", "skipped", "created"]
    assert rows[1]["error"] == "line 3: type: must be one of 1, 2, 3, 4, 5, 6"
    assert [r["notes"] for r in rows] == ["x", "", "y"]
    assert list(rows[0]) == [
        "title", "start", "end", "type", "teacher_number", "teacher_name", "student_numbers",
        "notes", "room_id", "teacher_code", "admin_code", "teacher_link", "student_codes",
        "student_links", "status", "error",
    ]  # fmt: skip
    listed = {r["room_id"] for r in data("--sandbox", "room", "list")}
    assert listed == {rows[0]["room_id"], rows[2]["room_id"]}


def test_import_dry_run_checks_only(server: Any, tmp_path: Path) -> None:
    table = write_timetable(tmp_path / "t.csv", [lesson(0), lesson(1)])
    result = ok(*remote(server), "room", "import", str(table), "--out", str(tmp_path / "r.csv"),
                "--dry-run")  # fmt: skip
    assert "2 row(s) ready, 0 bad; nothing was sent" in result.stderr
    assert server.sandbox.request_count() == 0


@pytest.mark.parametrize(
    ("args", "first"),
    [
        (["--rate-limit", "fast"], "error: bad --rate-limit: not a rate: 'fast'"),
        (["--concurrency", "0"], "error: Invalid value for '--concurrency'"),
    ],
)
def test_import_option_errors(tmp_path: Path, args: list[str], first: str) -> None:
    table = write_timetable(tmp_path / "t.csv", [lesson(0)])
    lines = fails(2, "--sandbox", "room", "import", str(table), "--out",
                  str(tmp_path / "r.csv"), *args)  # fmt: skip
    assert lines[0].startswith(first)


def test_import_never_writes_over_its_timetable(tmp_path: Path) -> None:
    table = write_timetable(tmp_path / "t.csv", [lesson(0)])
    before = table.read_bytes()
    lines = fails(2, "--sandbox", "room", "import", str(table), "--out", str(table))
    assert lines == ["error: --out must not be the timetable itself"]
    assert table.read_bytes() == before


def test_a_result_without_its_ledger_is_not_imported_over(tmp_path: Path) -> None:
    table = write_timetable(tmp_path / "t.csv", [lesson(0)])
    out = tmp_path / "r.csv"
    ok("--sandbox", "room", "import", str(table), "--out", str(out), *FAST)
    for leftover in tmp_path.glob("r.csv.ledger.db*"):
        leftover.unlink()
    lines = fails(1, "--sandbox", "room", "import", str(table), "--out", str(out), *FAST)
    assert lines == [
        f"error: {out} exists but its ledger r.csv.ledger.db does not: the rooms it lists "
        "would be created again",
        "restore the ledger beside it, or choose another --out",
    ]
    assert len(data("--sandbox", "room", "list")) == 1


def test_import_refuses_unusable_files(tmp_path: Path) -> None:
    bad = tmp_path / "t.csv"
    bad.write_text("title,start\nx,y\n", encoding="utf-8")
    lines = fails(2, "--sandbox", "room", "import", str(bad), "--out", str(tmp_path / "r.csv"))
    assert lines[0].startswith(f"error: {bad}: missing column(s) end, type")
    lines = fails(2, "--sandbox", "room", "import", str(tmp_path / "none.csv"), "--out",
                  str(tmp_path / "r.csv"))  # fmt: skip
    assert lines[0].startswith("error: cannot read")


def test_a_ledger_is_not_reused_for_another_account(server: Any, tmp_path: Path) -> None:
    table = write_timetable(tmp_path / "t.csv", [lesson(0)])
    out = str(tmp_path / "r.csv")
    ok("--sandbox", "room", "import", str(table), "--out", out, *FAST)
    lines = fails(1, *remote(server), "room", "import", str(table), "--out", out, *FAST)
    assert "belongs to another account or platform" in lines[0]
    assert server.sandbox.request_count() == 0


def test_import_keeps_to_the_rate_limit(server: Any, tmp_path: Path) -> None:
    table = write_timetable(tmp_path / "t.csv", [lesson(n) for n in range(6)])
    started = time.monotonic()
    # 6 creates and 12 codes: 18 requests at 10 per second need more than one second.
    ok(*remote(server), "room", "import", str(table), "--out", str(tmp_path / "r.csv"),
       "--rate-limit", "10/1", "--backoff", "0", "--settle", "0")  # fmt: skip
    assert time.monotonic() - started >= 0.95
    assert server.sandbox.request_count() == 18
