"""``baijiayun doctor``: read-only calls, answers held against the models, a report of shapes.

Against the sandbox every answer conforms and nothing changes; against a local server
whose answers drift from ours, each drift is reported and the command exits 1; the
report holds field names and JSON types, never a value.
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from baijiayun.api import REGISTRY
from baijiayun.cli._app import cli
from baijiayun.doctor import check_account, check_answer, shape_of
from baijiayun.sandbox import Sandbox

TODAY = dt.date(2026, 12, 5)


def _prepared(sandbox: Sandbox) -> Any:
    client = sandbox.client()
    start = int(sandbox.now()) + 3600
    room = client.room.create("Doctor 医生", start, start + 3600, 2)
    client.room.getcode(room.room_id, 1001)
    return client


def test_every_answer_of_the_sandbox_conforms_and_nothing_changes() -> None:
    sandbox = Sandbox(seed=5)
    client = _prepared(sandbox)
    before = {path: n for path, n in sandbox.requests.items()}
    report = check_account(client, TODAY)
    drifting = {f.qualname: f.drifts for f in report.findings if f.status == "drifts"}
    assert drifting == {}
    assert report.problem is None and report.conforms
    called = {f.qualname for f in report.findings if f.status == "conforms"}
    assert {"room.info", "room.listcode", "room.list", "playback.get_basic_info"} <= called
    # arguments learnt from listings (a room, its codes) and from a check's refusal (the
    # date getAllRoomUserStat needs though its signature makes it optional)
    assert {"room.get_code_info", "room_data.get_all_room_user_stat"} <= called
    assert len(called) >= 50
    # only reads were sent
    sent = {path for path, n in sandbox.requests.items() if n > before.get(path, 0)}
    writes = {spec.path for spec in REGISTRY if not spec.safe}
    assert sent and not (sent & writes)


# --------------------------------------------------------------------------- a drifted server
SECRET_VALUE = "value-that-must-not-appear-7f3a"
DRIFTED: dict[str, Any] = {
    "/openapi/room/list": {
        "list": [
            {
                "room_id": 26120570059370,
                "title": 12345,  # a number where text is read: read as text, conforms
                "start_time": {"nested": SECRET_VALUE},  # an object where a time is read
                "brand_new_field": SECRET_VALUE,
            }
        ],
        "total": 1,
    },
    "/openapi/room/info": {"title": SECRET_VALUE},  # room_id is required and missing
}


class _Drifted(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        data = DRIFTED.get(self.path)
        body = json.dumps({"code": 0, "msg": "", "data": data, "ts": 1_764_900_000}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def drifted() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Drifted)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_each_drift_is_reported_and_the_report_holds_no_value(
    drifted: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BAIJIAYUN_CONFIG", str(tmp_path / "config.toml"))
    report_file = tmp_path / "report.json"
    done = CliRunner().invoke(
        cli,
        [
            "--base-url",
            drifted,
            "--partner-id",
            "12345678",
            "--partner-key",
            "k" * 40,
            "doctor",
            "--report",
            str(report_file),
        ],
    )
    assert done.exit_code == 1, done.output
    text = report_file.read_text(encoding="utf-8")
    assert SECRET_VALUE not in text and "26120570059370" not in text
    assert report_file.stat().st_mode & 0o777 == 0o600
    report = json.loads(text)
    assert report["conforms"] is False
    listing = report["endpoints"]["room.list"]
    found = {(d["kind"], d["where"]) for d in listing["drifts"]}
    assert ("type", "data.list[].start_time") in found
    assert ("unknown", "data.list[].brand_new_field") in found
    assert ("type", "data.list[].title") not in found  # numbers are read as text: conforms
    fields = listing["shape"]["fields"]["list"]["items"]["fields"]
    assert fields["brand_new_field"] == {"type": "string"}
    info = report["endpoints"]["room.info"]
    assert ("missing", "data.room_id") in {(d["kind"], d["where"]) for d in info["drifts"]}
    assert report["clock_skew_seconds"] is not None
    # the table says it too
    assert "brand_new_field" in done.output and "drifts" in done.output


def test_shapes_fold_id_keys_and_keep_no_values() -> None:
    shape = shape_of({"12345": {"token": "abc"}, "67890": {"token": None}, "name": "x"})
    assert shape == {
        "type": "object",
        "fields": {
            "<id>": {"type": "object", "fields": {"token": {"type": "null|string"}}},
            "name": {"type": "string"},
        },
    }


def test_a_write_answering_nothing_conforms_whatever_it_sends() -> None:
    spec = REGISTRY["room.delete"]
    assert check_answer(spec, None) == [] and check_answer(spec, {"anything": 1}) == []
