"""Behaviour no test guarded before issue 17: each test names the one-line bug it catches.

Every test here was seen to fail with its bug put in by hand (the docstring
says which line was changed) and to pass on the code as it is. The sandbox's
share of the list is in ``tests/integration/test_guards_sandbox.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from baijiayun._wire import CSV, STR, OneOf
from baijiayun.api import REGISTRY

from .conftest import NOW, ROOM_ID

WIRE_NAMES = json.loads(
    (Path(__file__).parent / "data" / "wire_names.json").read_text(encoding="utf-8")
)


# --------------------------------------------------------------------------- names on the wire
def _listed_names(qualname: str) -> list[str]:
    """The platform's names for an endpoint's parameters, as listed apart from the stubs."""
    names = WIRE_NAMES["catalog"].get(qualname, []) + WIRE_NAMES["beyond_catalog"].get(
        qualname, []
    )
    skipped = WIRE_NAMES["not_sent"].get(qualname, [])
    return [n for n in names if n not in skipped]


def _value(kind: Any, rules: tuple[Any, ...] = ()) -> Any:
    """A value the kind accepts, taken from the parameter's own choices where it has some."""
    for rule in rules:
        inner = getattr(rule, "rule", rule)
        if isinstance(inner, OneOf):
            return inner.values[-1]
    by_name = {
        "int": 3,
        "flag": 1,
        "time": NOW + 3600,
        "date": dt.date(2027, 1, 15),
        "datetime": dt.datetime(2027, 1, 15, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        "json": [{"id": 1, "name": "n"}],
        "file": ("logo.png", b"\x89PNG\r\n\x1a\n"),
        "str": "text",
        "number": "0.5",
    }
    if kind.name in by_name:
        return by_name[kind.name]
    if kind.name == "csv":
        return [_value(kind.item)]
    raise AssertionError(f"no value for kind {kind!r}")


def test_every_registered_endpoint_is_listed() -> None:
    listed = set(WIRE_NAMES["catalog"]) | set(WIRE_NAMES["beyond_catalog"])
    assert {spec.qualname for spec in REGISTRY} <= listed | {
        spec.qualname for spec in REGISTRY if not spec.params
    }
    assert CSV(STR).name == "csv"  # the kinds the values are chosen by


@pytest.mark.parametrize("spec", list(REGISTRY), ids=lambda s: s.qualname)
def test_every_listed_parameter_reaches_the_wire_under_its_exact_name(
    make_harness, spec
) -> None:
    """Bug: ``enable_mock_sync_chat_message`` (room.py, ``update``) renamed
    ``enable_mock_sync_chat_msg`` in its stub (and the reference docs regenerated).

    The names come from ``data/wire_names.json`` (the catalog's, and those added
    since), never from the stub: every one is passed to the client by name, with a
    value of its kind, and must be in the request under exactly that name.
    """
    names = _listed_names(spec.qualname)
    assert sorted(names) == sorted(p.name for p in spec.params), "the stub's names changed"
    harness = make_harness("sync").with_options(validate=False)
    values = {name: _value(spec.by_name[name].kind, spec.by_name[name].rules) for name in names}
    group, _, method = spec.qualname.partition(".")
    harness.run(lambda c: getattr(getattr(c, group), method)(**values))
    sent = harness.api.last
    assert sent.path.endswith(spec.path)
    for name in names:
        if spec.by_name[name].is_file:
            assert name in sent.files, name
        else:
            assert sent.form.get(name), name


# --------------------------------------------------------------------------- room id for others
assert ROOM_ID  # the fixtures' room (imported for the tests below)
