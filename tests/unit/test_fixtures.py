"""The unit tests' fake platform answers from fixtures of their own, never from the sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from baijiayun._read import read
from baijiayun.api import REGISTRY

from .conftest import DEFAULT_DATA, ROOM_ID
from .fixtures import EXAMPLES, build_value

TESTS = Path(__file__).resolve().parents[1]

_PROBE = """
import sys
sys.path.insert(0, {tests!r})
import unit.conftest
loaded = sorted(m for m in sys.modules if m.partition(".")[2].startswith("sandbox"))
print(repr(loaded))
"""


def test_the_unit_conftest_does_not_import_the_sandbox() -> None:
    """Bug: the unit tests' answers are recorded from the sandbox again (issue 17, item 7)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE.format(tests=str(TESTS))],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=TESTS.parent,
    )
    assert out.stdout.strip() == "[]"


def test_every_endpoint_has_a_default_answer() -> None:
    assert {spec.path for spec in REGISTRY} <= set(DEFAULT_DATA)


@pytest.mark.parametrize("spec", list(REGISTRY), ids=lambda s: s.qualname)
def test_each_default_answer_is_valid_for_its_result_type(spec) -> None:
    data = DEFAULT_DATA[spec.path]
    if spec.result_type is None:
        return
    value = data[spec.unwrap] if spec.unwrap else data
    read(spec.result_type, value)


def test_the_public_examples_are_answered_where_they_exist() -> None:
    info = DEFAULT_DATA["/openapi/room/info"]
    assert info["room_id"] == ROOM_ID == 22112449907210
    assert info["title"] == EXAMPLES["/openapi/room/info"]["title"]
    # fields the model declares and the example lacks are filled in
    assert "industry_type" in info and "industry_type" not in EXAMPLES["/openapi/room/info"]
    assert DEFAULT_DATA["/openapi/video/getUploadUrl"] == EXAMPLES["/openapi/video/getUploadUrl"]
    assert DEFAULT_DATA["/openapi/room/update"] is None


def test_optional_fields_get_values_too() -> None:
    """Models may become lenient (fields optional): every declared field still has a value."""
    from baijiayun.models import RoomInfo

    built = build_value(RoomInfo)
    declared = {f.alias or name for name, f in RoomInfo.model_fields.items()}
    assert declared <= set(built)
    assert all(built[k] is not None for k in declared)


def test_a_csv_export_gets_a_parsable_row() -> None:
    from baijiayun.models.room_data import AttentionListExport

    export = AttentionListExport.model_validate(build_value(AttentionListExport))
    (row,) = export.rows()
    assert row.user_count > 0
    assert json.dumps(export.to_dict())  # plain data
