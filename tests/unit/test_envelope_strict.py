"""The envelope is read strictly: ``code`` is an integer or integer text (issue 8, items 10-11)."""

from __future__ import annotations

import json

import httpx2
import pytest

from baijiayun._flow import envelope_code
from baijiayun.errors import DecodeError, RoomNotFoundError

from .conftest import ROOM_ID, answer

INFO = "/openapi/room/info"

NOT_A_CODE = [
    "0.5",
    "0.0",
    "false",
    "true",
    "null",
    '"٠"',  # ARABIC-INDIC DIGIT ZERO: int() reads it as 0
    '"0_0"',  # int() reads it as 0
    '" 0"',
    '"0 "',
    '"+0"',
    '""',
    '"0x0"',
    '"0.0"',
    "[0]",
    '{"v": 0}',
    "Infinity",  # int() raised OverflowError
    "-Infinity",
    "NaN",
    "1e999",  # read as inf: OverflowError
    "1e0",
    '"' + "9" * 5000 + '"',  # int() refuses it (ValueError) or takes long
]


@pytest.mark.parametrize("code", NOT_A_CODE)
def test_a_code_that_is_not_an_integer_is_a_decode_error(harness, code) -> None:
    """Before: 0.5, false, "٠" and "0_0" counted as success; Infinity raised OverflowError."""
    body = '{"code": ' + code + ', "msg": "", "data": {"room_id": "' + str(ROOM_ID) + '"}}'
    harness.api.script(INFO, httpx2.Response(200, text=body))
    with pytest.raises(DecodeError) as info:
        harness.room("info", ROOM_ID)
    assert "'code' is not a number" in str(info.value)
    assert info.value.http_status == 200


@pytest.mark.parametrize(("code", "expected"), [("0", 0), ('"0"', 0), ('"3001"', 3001), ("-1", -1)])
def test_integer_codes_and_integer_text_are_read(code, expected) -> None:
    assert envelope_code(json.loads(code)) == expected


def test_text_code_of_an_error_maps_to_its_class(harness) -> None:
    harness.api.script(INFO, httpx2.Response(200, json={"code": "3001", "msg": "x", "data": None}))
    with pytest.raises(RoomNotFoundError):
        harness.room("info", ROOM_ID)


@pytest.mark.parametrize(
    "body",
    [{"code": 0, "msg": ""}, {"code": 0, "msg": "", "data": None}],
    ids=["no-data", "null-data"],
)
def test_a_missing_data_where_a_result_is_declared_is_a_decode_error(harness, body) -> None:
    harness.api.script(INFO, httpx2.Response(200, json=body))
    with pytest.raises(DecodeError):
        harness.room("info", ROOM_ID)


def test_a_missing_data_where_no_result_is_declared_is_fine(harness) -> None:
    harness.api.script("/openapi/room/delete", httpx2.Response(200, json={"code": 0, "msg": ""}))
    assert harness.room("delete", ROOM_ID) is None
    harness.api.script(INFO, answer(INFO))
    assert harness.room("info", ROOM_ID).room_id == str(ROOM_ID)
