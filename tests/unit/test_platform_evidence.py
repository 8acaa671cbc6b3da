"""Every public example of a platform answer parses, with its documented values (issue 18).

``tests/fixtures/platform/*.json`` holds each example with its source address:
``path``, ``source``, ``data`` (the envelope's ``data``, or a callback's
fields), ``fields`` (what the source documents at the top level), ``absent``
(fields the source's complete list shows are not sent) and ``expect``
(``attribute path -> value`` once parsed). ``constructed: true`` marks an
example built from a source's field table or from the code that reads the
answer, rather than printed JSON.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from baijiayun._flow import convert_result
from baijiayun.api import REGISTRY
from baijiayun.callbacks import parse_callback

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "platform"
EXAMPLES = {
    p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.glob("*.json"))
}
DECLARED = {
    name: ex
    for name, ex in EXAMPLES.items()
    if ex["kind"] == "callback" or REGISTRY.by_path(ex["path"]) is not None
}
UNDECLARED = sorted(set(EXAMPLES) - set(DECLARED))

_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)(\(\))?|\[(\d+)\]")


def _at(value: Any, path: str) -> Any:
    """``items[0].room_id``, ``play_info.low.url``, ``url()``, ``[1].token``; '' is the value."""
    for match in _STEP.finditer(path):
        name, called, index = match.groups()
        if index is not None:
            value = value[int(index)]
        elif isinstance(value, dict):
            value = value[name]
        elif hasattr(value, name):
            value = getattr(value, name)
            if called:
                value = value()
        else:  # a field not sent: None, as ``result.get(name)`` reads it
            value = value.get(name)
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    return value


def test_every_fixture_names_its_source_and_endpoint() -> None:
    assert len(EXAMPLES) >= 20
    for name, ex in EXAMPLES.items():
        assert ex["source"], name
        assert ex["kind"] in ("answer", "callback"), name
        assert ex["expect"], f"{name}: an example must say what it parses to"
        if ex["kind"] == "answer":
            assert ex["path"].startswith("/openapi/"), name


def test_every_public_example_is_of_a_declared_endpoint() -> None:
    assert UNDECLARED == []


@pytest.mark.parametrize("name", [n for n, e in DECLARED.items() if e["kind"] == "answer"])
def test_a_public_answer_parses_with_its_documented_values(name: str) -> None:
    ex = EXAMPLES[name]
    spec = REGISTRY.by_path(ex["path"])
    assert spec is not None
    result = convert_result(spec, ex["data"])
    for path, expected in ex["expect"].items():
        assert _plain(_at(result, path)) == expected, f"{name}: {path}"
    data = ex["data"]
    if isinstance(data, dict) and hasattr(result, "keys"):
        declared = type(result).model_fields
        for field in ex["fields"]:
            if field not in data:
                continue
            assert field in result, f"{name}: {field} is not reachable by key"
            if field in declared:  # typed: the attribute holds the parsed value
                assert getattr(result, field) is not None or data[field] is None, field
            elif not isinstance(data[field], (dict, list)):
                assert result[field] == data[field], f"{name}: {field}"
        for field in ex.get("absent", []):  # the source's list shows it is not sent
            declared_field = type(result).model_fields.get(field)
            assert declared_field is None or not declared_field.is_required(), (
                f"{name}: the model requires {field!r}, which the source shows is not sent"
            )


def test_get_basic_info_reads_both_shapes_the_vendor_shows() -> None:
    spec = REGISTRY["playback.get_basic_info"]
    ready = convert_result(spec, EXAMPLES["playback.get_basic_info"]["data"])
    waiting = convert_result(spec, {"status": 0})
    assert (ready.status, ready.video_id, ready.room_id) == (100, 123456, None)
    assert (waiting.status, waiting.video_id, waiting.length) == (0, None, None)


def test_get_url_reads_play_info_and_the_earlier_list() -> None:
    spec = REGISTRY["video.get_url"]
    by_name = convert_result(spec, {"play_info": {"low": {"url": "L"}, "high": {"url": "H"}}})
    assert by_name.play_info["high"].url == "H" and by_name.url("high") == "H"
    assert by_name.url() == "L" and by_name.url("super") is None
    listed = convert_result(spec, {"list": [{"definition": 16, "url": "S", "size": 3}]})
    assert listed.url(16) == "S" and listed.items[0].size == 3 and listed.play_info == {}


def test_room_info_has_no_declared_status() -> None:
    """``status`` appears in no source's room/info table: readable by key only if sent."""
    spec = REGISTRY["room.info"]
    info = convert_result(spec, {"room_id": 1, "status": "live"})
    assert "status" not in type(info).model_fields
    assert info["status"] == "live" and info.create_from is None


@pytest.mark.parametrize("name", [n for n, e in EXAMPLES.items() if e["kind"] == "callback"])
def test_a_public_callback_parses_with_its_documented_values(name: str) -> None:
    ex = EXAMPLES[name]
    fields = {k: "" if v is None else str(v) for k, v in ex["data"].items()}
    event = parse_callback(fields)
    expect = dict(ex["expect"])
    assert type(event).__name__ == expect.pop("type")
    for path, expected in expect.items():
        assert _plain(_at(event, path)) == expected, f"{name}: {path}"
    for field in ex["fields"]:
        assert field in event.raw, field
    assert "sign" not in event.raw
