"""Signing (docs/protocol.md §2): the official example, key order, and sign == sent."""

from __future__ import annotations

import hashlib
import json
import random
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baijiayun._signing import canonical_string, encode_value, sign, signs_equal

from .conftest import PARTNER_ID, PARTNER_KEY, ROOM_ID, ref_sign

OFFICIAL_FIELDS = {
    "partner_id": "12345678",
    "title": "测试教室",
    "start_time": "1501575608",
    "end_time": "1501579208",
    "type": "2",
    "timestamp": "1501572288",
}
OFFICIAL_STRING = (
    "end_time=1501579208&partner_id=12345678&start_time=1501575608&timestamp=1501572288"
    f"&title=测试教室&type=2&partner_key={PARTNER_KEY}"
)
OFFICIAL_SIGN = "5b78486597c679b0c6256da014af1260"

PROPERTY = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that can be sent: any Unicode except lone surrogates (not encodable as UTF-8).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
KEYS = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz_0123456789-."), min_size=1, max_size=12)


# --------------------------------------------------------------------------- official example
def test_official_example_with_sign_function() -> None:
    assert canonical_string(OFFICIAL_FIELDS.items(), PARTNER_KEY) == OFFICIAL_STRING
    assert sign(OFFICIAL_FIELDS, PARTNER_KEY) == OFFICIAL_SIGN
    assert sign(list(OFFICIAL_FIELDS.items()), PARTNER_KEY) == OFFICIAL_SIGN
    assert hashlib.md5(OFFICIAL_STRING.encode()).hexdigest() == OFFICIAL_SIGN


def test_official_example_through_a_client_call(make_harness, mode, clock) -> None:
    clock.now = 1501572288
    h = make_harness(mode)
    h.room("create", "测试教室", 1501575608, 1501579208, 2)
    sent = h.api.last
    assert sent.path == "/openapi/room/create"
    assert sent.form == {**OFFICIAL_FIELDS, "sign": OFFICIAL_SIGN}
    assert PARTNER_KEY not in sent.body.decode()
    assert "partner_key" not in sent.form


# --------------------------------------------------------------------------- key order
def test_sort_is_by_key_not_by_joined_text() -> None:
    # ``type`` is a prefix of ``type_id``: ksort puts ``type`` first.
    fields = {"type_id": "7", "type": "2"}
    assert canonical_string(fields.items(), "K") == "type=2&type_id=7&partner_key=K"
    assert sign(fields, "K") == hashlib.md5(b"type=2&type_id=7&partner_key=K").hexdigest()
    # A key continued by a character below "=" is where sorting the joined
    # "k=v" strings (the 1.0.1 package) goes wrong: "type1=..." < "type=...".
    fields = {"type1": "a", "type": "b"}
    assert sorted(f"{k}={v}" for k, v in fields.items())[0] == "type1=a"
    assert canonical_string(fields.items(), "K") == "type=b&type1=a&partner_key=K"
    assert sign(fields, "K") == hashlib.md5(b"type=b&type1=a&partner_key=K").hexdigest()


def test_sort_is_by_utf8_bytes() -> None:
    fields = {"b": "1", "B": "2", "_": "3", "a1": "4", "a": "5"}
    assert canonical_string(fields.items(), "K") == "B=2&_=3&a=5&a1=4&b=1&partner_key=K"


@PROPERTY
@given(fields=st.dictionaries(KEYS, TEXT, max_size=12), key=TEXT, seed=st.randoms())
def test_key_order_does_not_matter(fields, key, seed) -> None:
    items = list(fields.items())
    shuffled = items[:]
    seed.shuffle(shuffled)
    assert sign(items, key) == sign(shuffled, key) == sign(dict(shuffled), key)


@PROPERTY
@given(fields=st.dictionaries(KEYS, TEXT, max_size=12), key=TEXT)
def test_sign_matches_the_reference_implementation(fields, key) -> None:
    assert sign(fields, key) == ref_sign(fields.items(), key)


# --------------------------------------------------------------------------- value encoding
@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("", ""),
        ("测试", "测试"),
        (0, "0"),
        (42, "42"),
        (-3, "-3"),
        (True, "1"),
        (False, "0"),
        (0.0, "0"),
        (3.0, "3"),
        (1.5, "1.5"),
        (Decimal("2.50"), "2.5"),
        ([1, 2, 3], "1,2,3"),
        (("web", "h5"), "web,h5"),
        ({3, 1, 2}, "1,2,3"),
        ([], ""),
        ({"a": 1, "b": "中"}, '{"a":1,"b":"中"}'),
        (b"bytes", "bytes"),
    ],
)
def test_encode_value(value, text) -> None:
    assert encode_value(value) == text


def test_signs_equal() -> None:
    assert signs_equal(OFFICIAL_SIGN, OFFICIAL_SIGN)
    assert not signs_equal(OFFICIAL_SIGN, OFFICIAL_SIGN.upper())
    assert not signs_equal(OFFICIAL_SIGN, "")
    assert not signs_equal(OFFICIAL_SIGN, "\udcff")  # not encodable: no crash


# --------------------------------------------------------------------------- sign == sent
OPTIONALS = {
    "title": st.none() | st.text(st.characters(blacklist_categories=("Cs",)), max_size=50),
    "max_users": st.none() | st.integers(0, 10**6),
    "pre_enter_time": st.none() | st.integers(0, 10**5),
    "template_name": st.none() | st.sampled_from(["classic", "triple", "docVideo"]),
    "forbidden_end_types": st.none()
    | st.lists(st.sampled_from(["web", "h5"]), min_size=1, max_size=2, unique=True),
    "is_video_main": st.none() | st.sampled_from([1, 2]),
    "class_end_operation": st.none() | st.booleans() | st.sampled_from([0, 1]),
    "disable_switch_class": st.none() | st.booleans(),
    "mock_video_id": st.none() | st.integers(1, 10**12) | st.integers(1, 10**12).map(str),
    "is_private": st.none() | st.integers(0, 6),
}


def _expected_text(name, value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return ",".join(value)
    return str(value)


def test_what_is_signed_is_what_is_sent(make_harness) -> None:
    h = make_harness("sync")

    @PROPERTY
    @given(room_id=st.integers(1, 10**14), optionals=st.fixed_dictionaries(OPTIONALS))
    def check(room_id, optionals) -> None:
        h.room("update", room_id, **optionals)
        sent = h.api.last
        form = sent.form
        expected = {k: _expected_text(k, v) for k, v in optionals.items() if v is not None}
        expected["room_id"] = str(room_id)
        # None is not sent; everything else is sent with its exact text.
        assert {k: form[k] for k in form if k not in ("partner_id", "timestamp", "sign")} == (
            expected
        )
        assert form["partner_id"] == PARTNER_ID
        # The sign verifies over every received field but ``sign``.
        assert form["sign"] == ref_sign(sent.unsigned(), PARTNER_KEY)

    check()


def test_what_is_signed_is_what_is_sent_async(make_harness) -> None:
    h = make_harness("async")

    @settings(max_examples=150, deadline=None)
    @given(title=TEXT, code=TEXT)
    def check(title, code) -> None:
        h.room("update", ROOM_ID, title=title)
        assert h.api.last.form["title"] == title
        assert h.api.last.sign_ok()
        h.room("get_code_info", code)
        assert h.api.last.form["code"] == code
        assert h.api.last.sign_ok()

    check()


def test_none_is_not_sent(harness) -> None:
    harness.room("update", ROOM_ID, title=None, max_users=None, forbidden_end_types=None)
    assert set(harness.api.last.form) == {"room_id", "partner_id", "timestamp", "sign"}
    assert harness.api.last.sign_ok()


def test_empty_string_and_zero_are_sent_and_signed(harness) -> None:
    harness.room("update", ROOM_ID, title="", max_users=0, pre_enter_time=0)
    sent = harness.api.last
    assert ("title", "") in sent.pairs
    assert sent.form["max_users"] == "0"
    assert sent.form["pre_enter_time"] == "0"
    assert "title=&" in sent.body.decode() or sent.body.decode().endswith("title=")
    assert sent.sign_ok()
    harness.room("get_code_info", "")
    assert harness.api.last.form["code"] == ""
    assert harness.api.last.sign_ok()


def test_booleans_are_sent_as_1_and_0(harness) -> None:
    harness.room(
        "update", ROOM_ID, class_end_operation=True, disable_switch_class=False, is_long_term=True
    )
    form = harness.api.last.form
    assert (form["class_end_operation"], form["disable_switch_class"]) == ("1", "0")
    assert form["is_long_term"] == "1"
    assert harness.api.last.sign_ok()


@pytest.mark.parametrize(
    ("method", "args", "field", "text"),
    [
        ("set_spot_video", (ROOM_ID, [11, 22, 33]), "video_ids", "11,22,33"),
        ("set_spot_video", (ROOM_ID, (11, "22")), "video_ids", "11,22"),
        ("set_spot_video", (ROOM_ID, "11,22"), "video_ids", "11,22"),
        ("set_spot_video", (ROOM_ID, 11), "video_ids", "11"),
        ("get_audition_code", (ROOM_ID, [5, 6]), "user_numbers", "5,6"),
        ("get_audition_code", (ROOM_ID, "5,6"), "user_numbers", "5,6"),
    ],
)
def test_lists_are_comma_joined(harness, method, args, field, text) -> None:
    harness.room(method, *args)
    assert harness.api.last.form[field] == text
    assert harness.api.last.sign_ok()


@pytest.mark.parametrize("value", [["web", "h5"], ("web", "h5"), "web,h5"])
def test_forbidden_end_types_comma_joined(harness, value) -> None:
    harness.room("update", ROOM_ID, forbidden_end_types=value)
    assert harness.api.last.form["forbidden_end_types"] == "web,h5"
    assert harness.api.last.sign_ok()


def test_signed_fields_are_exactly_the_sent_fields(harness) -> None:
    """The sign is over all sent fields: dropping or altering any one breaks it."""
    harness.room("update", ROOM_ID, title="a&b=c+d %20", max_users=3)
    sent = harness.api.last
    fields = sent.unsigned()
    assert sent.form["title"] == "a&b=c+d %20"
    assert sent.sign_ok()
    rng = random.Random(0)
    for i in range(len(fields)):
        dropped = fields[:i] + fields[i + 1 :]
        assert ref_sign(dropped, PARTNER_KEY) != sent.form["sign"]
        k, v = fields[i]
        altered = [*dropped, (k, v + str(rng.randint(0, 9)))]
        assert ref_sign(altered, PARTNER_KEY) != sent.form["sign"]


def test_structured_values_are_json_text() -> None:
    value = {"b": [1, 2], "a": "中"}
    assert encode_value(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))
