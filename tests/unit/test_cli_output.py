"""What the command prints stays readable: wide answers at 80 columns, CJK widths, no raw
Python structures, Beijing time in the request log, and exit codes as documented."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner

from baijiayun._wire import BEIJING
from baijiayun.api import REGISTRY
from baijiayun.cli._app import cli
from baijiayun.cli._call import render_result
from baijiayun.cli._output import Output, pad, width_of
from baijiayun.cli._sandbox import RequestLog, _banner
from baijiayun.models.room_data import LiveReport
from baijiayun.models.sub_account import SubAccountList


def test_cjk_characters_take_two_columns() -> None:
    assert width_of("张老师") == 6
    assert width_of("abc") == 3
    assert width_of("e\u0301") == 1  # a combining mark takes none
    assert pad("张", 4) == "张  "


WIDE_ROWS = [
    ["77354499", "13800000001", "teacher@example.cn", "张老师", "北京好学教育科技有限公司", "1"],
    ["77354500", "13800000002", "other@example.cn", "李老师", "上海", "0"],
]
COLUMNS = ["sub_partner_id", "mobile", "email", "contacts", "company", "status"]


def _plain(monkeypatch: pytest.MonkeyPatch, width: int) -> Output:
    out = Output()
    monkeypatch.setattr(Output, "console", property(lambda self: None))
    monkeypatch.setattr(Output, "width", property(lambda self: width))
    return out


def test_a_table_too_wide_for_80_columns_becomes_one_list_per_item(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _plain(monkeypatch, 80).table(COLUMNS, WIDE_ROWS, caption="2 item(s)")
    printed = capsys.readouterr().out
    assert "[1/2]" in printed and "[2/2]" in printed
    assert "北京好学教育科技有限公司" in printed and "李老师" in printed
    assert all(width_of(line) <= 80 for line in printed.splitlines())
    # name and value on one line, names aligned
    assert any(
        line.split() == ["company", "北京好学教育科技有限公司"] for line in printed.splitlines()
    )


def test_a_table_that_fits_stays_a_table(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _plain(monkeypatch, 200).table(COLUMNS, WIDE_ROWS)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == COLUMNS
    # CJK cells are padded by the columns they take: every line ends at one column
    assert len({width_of(line.rstrip()) for line in lines[1:]}) == 1


def test_wide_sub_accounts_readable_with_rich_at_80_columns(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    spec = REGISTRY["sub_account.get_sub_account_list"]
    keys = ["sub_partner_id", "mobile", "email", "contacts", "company", "status"]
    page = SubAccountList.model_validate(
        {
            "list": [
                {**dict(zip(keys, row, strict=True)), "live_on": 1, "video_on": 0}
                for row in WIDE_ROWS
            ],
            "total": 2,
        }
    )
    render_result(Output(), spec, page)
    printed = capsys.readouterr().out
    assert "北京好学教育科技有限公司" in printed and "张老师" in printed
    assert all(width_of(line) <= 80 for line in printed.splitlines())


def test_a_page_prints_no_raw_python_after_its_table(capsys: pytest.CaptureFixture[str]) -> None:
    spec = REGISTRY["room_data.export_live_report"]
    report = LiveReport.model_validate(
        {
            "room_user_info": [
                {
                    "room_id": "26120570059370",
                    "date": "2026-12-06",
                    "user_role": 0,
                    "user_number": "1001",
                    "user_name": "王小明",
                    "first_time": "2026-12-06 10:00:00",
                    "actual_listen_time": 3600,
                }
            ],
            "total": 1,
            "page": 1,
        }
    )
    render_result(Output(), spec, report)
    captured = capsys.readouterr()
    printed = captured.out + captured.err
    assert "王小明" in printed
    assert "total=1" in printed
    assert "{'" not in printed and "[{" not in printed and "room_user_info" not in printed


def test_an_empty_page_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    spec = REGISTRY["room_data.export_live_report"]
    render_result(Output(), spec, LiveReport.model_validate({"room_user_info": [], "total": 0}))
    assert "0 item(s)" in capsys.readouterr().err


def test_request_log_shows_beijing_time_whatever_the_machines_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        lines: list[str] = []
        answer = SimpleNamespace(body=b'{"code":0}', drop=False, delay=0, status=200)
        box: Any = SimpleNamespace(handle=lambda request: answer)
        log = RequestLog(box, echo=lines.append)
        before = dt.datetime.now(BEIJING)
        log.handle(SimpleNamespace(method="POST", path="/openapi/room/info"))
        after = dt.datetime.now(BEIJING)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    stamp = lines[0].split()[0][:5]
    assert stamp in {before.strftime("%H:%M"), after.strftime("%H:%M")}


def test_banner_gives_the_consoles_address() -> None:
    text = _banner("http://127.0.0.1:8123/", ":memory:", ("1", "k", "s"), log=False)
    assert "http://127.0.0.1:8123/_sandbox/ui" in text
    assert "k" not in text.split("partner_key = ")[1].split()[0][:-4]  # custom key masked


def test_private_domain_help_names_its_variable() -> None:
    help_text = CliRunner().invoke(cli, ["--help"]).output
    assert "BAIJIAYUN_PRIVATE_DOMAIN" in help_text
    assert "BAIJIAYUN_...)" not in help_text


def test_config_show_gives_the_base_url_the_client_will_use(cli_home: Path) -> None:
    shown = CliRunner().invoke(cli, ["--json", "config", "show"])
    assert shown.exit_code == 0, shown.output
    assert '"https://api.baijiayun.com/"' in shown.output
    shown = CliRunner().invoke(cli, ["--private-domain", "e123", "--json", "config", "show"])
    assert '"https://e123.at.baijiayun.com/"' in shown.output
    assert "from private_domain" in shown.output


def test_delete_without_yes_outside_a_terminal_is_bad_usage(cli_home: Path) -> None:
    done = CliRunner().invoke(cli, ["--sandbox", "room", "delete", "12345"], input="")
    assert done.exit_code == 2
    assert "--yes" in done.output
