"""Platform callbacks (docs/protocol.md §6): verification, typed events, de-duplication, helpers."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx2
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from starlette.datastructures import FormData
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from baijiayun import (
    AsyncBaiJiaYunClient,
    BaiJiaYunClient,
    CallbackDeduplicator,
    CallbackSignatureError,
    ConfigurationError,
    parse_callback,
    sign_callback,
    verify_callback,
)
from baijiayun.callbacks import (
    SUCCESS_BODY,
    CallbackEvent,
    ClassEnded,
    ClassEvent,
    ClassStarted,
    DedupStore,
    MemoryDedupStore,
    PlaybackEvent,
    PlaybackFailed,
    PlaybackGenerating,
    PlaybackReady,
    UnknownEvent,
    VideoEvent,
    VideoFailed,
    VideoTranscoded,
    VideoUploaded,
    callback_fields,
    failure_body,
)

KEY = "rLkIPaQjxSwRQmC/ITnHh8i2rifmmbFIVsYw03SSi24zAnkrAd0ZNb2rcTzI2avy7+AmNJDdLmzU89zKUAP3Xg=="
PARTNER_ID = "12345678"
NOW = 1_800_000_000
BEIJING = ZoneInfo("Asia/Shanghai")
REASONS = {
    "missing_sign",
    "mismatch",
    "stale",
    "future",
    "malformed_timestamp",
    "missing_timestamp",
    "malformed",
}

CLASS_START = {
    "room_id": "27011512345678",
    "op": "start",
    "op_time": "2027-01-15 16:00:00",
    "qid": "202701151600001234567890",
}


def md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def canonical(fields: Mapping[str, str]) -> str:
    """§2 written out independently: keys in byte order, raw values, key appended."""
    items = sorted(fields.items(), key=lambda kv: kv[0].encode("utf-8"))
    return "&".join(f"{k}={v}" for k, v in items) + f"&partner_key={KEY}"


def reason(fields: Any, **kwargs: Any) -> str:
    with pytest.raises(CallbackSignatureError) as info:
        verify_callback(fields, KEY, now=kwargs.pop("now", NOW), **kwargs)
    assert info.value.reason in REASONS
    return info.value.reason


@pytest.fixture(scope="module")
def django_settings() -> None:
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEFAULT_CHARSET="utf-8", ALLOWED_HOSTS=["testserver"], SECRET_KEY="test-only"
        )


# --------------------------------------------------------------------------- fixed vectors
def test_fixed_vector_by_hand() -> None:
    fields = {**CLASS_START, "timestamp": str(NOW)}
    text = (
        "op=start&op_time=2027-01-15 16:00:00&qid=202701151600001234567890"
        f"&room_id=27011512345678&timestamp={NOW}&partner_key={KEY}"
    )
    assert canonical(fields) == text
    received = {**fields, "sign": md5(text)}
    assert verify_callback(received, KEY, now=NOW) == fields
    assert sign_callback(CLASS_START, KEY, timestamp=NOW) == received


def test_official_example_as_a_callback() -> None:
    fields = {
        "partner_id": "12345678",
        "title": "测试教室",
        "start_time": "1501575608",
        "end_time": "1501579208",
        "type": "2",
        "timestamp": "1501572288",
        "sign": "5b78486597c679b0c6256da014af1260",
    }
    assert verify_callback(fields, KEY, now=1501572288)["title"] == "测试教室"
    assert verify_callback(fields, KEY, tolerance=None)["type"] == "2"


def test_prefix_keys_sort_by_key_not_by_pair() -> None:
    fields = {"type": "2", "type_id": "5", "timestamp": str(NOW)}
    signed = {**fields, "sign": md5(f"timestamp={NOW}&type=2&type_id=5&partner_key={KEY}")}
    assert verify_callback(signed, KEY, now=NOW) == fields


# --------------------------------------------------------------------------- properties
KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=10).filter(
    lambda k: k not in ("sign", "timestamp")
)
VALUES = st.text(max_size=20)
FIELDS = st.dictionaries(KEYS, VALUES, max_size=6)
PROPERTY = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(fields=FIELDS, stamp=st.integers(min_value=1, max_value=4_000_000_000))
def test_signed_fields_verify(fields: dict[str, str], stamp: int) -> None:
    signed = sign_callback(fields, KEY, timestamp=stamp)
    assert signed["sign"] == md5(canonical({**fields, "timestamp": str(stamp)}))
    assert verify_callback(signed, KEY, now=stamp) == {**fields, "timestamp": str(stamp)}
    assert verify_callback(signed, KEY, tolerance=None) == {**fields, "timestamp": str(stamp)}


@st.composite
def tampered(draw: st.DrawFn) -> tuple[dict[str, str], dict[str, str]]:
    fields = draw(FIELDS)
    signed = sign_callback(fields, KEY, timestamp=NOW)
    changed = dict(signed)
    names = sorted(k for k in signed if k != "sign")
    how = draw(st.sampled_from(["value", "key", "add", "remove", "sign"]))
    if how == "value":
        name = draw(st.sampled_from(names))
        changed[name] = draw(VALUES.filter(lambda v: v != signed[name]))
    elif how == "key":
        name = draw(st.sampled_from(names))
        new = draw(KEYS.filter(lambda k: k not in signed))
        changed[new] = changed.pop(name)
    elif how == "add":
        changed[draw(KEYS.filter(lambda k: k not in signed))] = draw(VALUES)
    elif how == "remove":
        del changed[draw(st.sampled_from(names))]
    else:
        changed["sign"] = draw(
            st.text(alphabet="0123456789abcdefABCDEF", min_size=0, max_size=33).filter(
                lambda s: s != signed["sign"]
            )
        )
    return signed, changed


@PROPERTY
@given(case=tampered())
def test_any_change_fails(case: tuple[dict[str, str], dict[str, str]]) -> None:
    signed, changed = case
    rest = {k: v for k, v in changed.items() if k != "sign"}
    original = {k: v for k, v in signed.items() if k != "sign"}
    # the sign covers the canonical text: a change must change it (always true for these keys)
    if changed["sign"] == signed["sign"]:
        assume(canonical(rest) != canonical(original))
    with pytest.raises(CallbackSignatureError) as info:
        verify_callback(changed, KEY, tolerance=None)
    assert info.value.reason in {"mismatch", "missing_sign", "malformed_timestamp"}


def _junk_leaf() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True),
        st.text(),
        st.binary(),
        st.complex_numbers(),
        st.just(object()),
        st.just(Ellipsis),
        st.text().map(lambda t: t + "\ud800"),  # a lone surrogate
    )


JUNK = st.recursive(
    _junk_leaf(),
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.tuples(inner, inner),
        st.sets(st.integers() | st.text(), max_size=4),
        st.dictionaries(
            st.text(max_size=8) | st.integers() | st.binary(max_size=4), inner, max_size=5
        ),
        st.dictionaries(st.sampled_from(["sign", "timestamp", "qid", "op"]), inner, max_size=4),
        st.lists(st.tuples(inner, inner), max_size=4),
    ),
    max_leaves=10,
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(junk=JUNK)
def test_junk_raises_only_callback_signature_error(junk: Any) -> None:
    try:
        verify_callback(junk, KEY, now=NOW)
    except CallbackSignatureError as exc:
        assert exc.reason in REASONS
    else:  # only a correctly signed mapping could pass
        pytest.fail("junk verified")
    try:
        event = parse_callback(junk)
    except CallbackSignatureError as exc:
        assert exc.reason == "malformed"
    else:
        assert isinstance(event, CallbackEvent)


@settings(max_examples=300, deadline=None)
@given(st.from_type(type).flatmap(st.from_type))
def test_values_of_random_types(value: Any) -> None:
    for candidate in (value, {"sign": value}, {"timestamp": "1", "sign": "x", "op": value}):
        with pytest.raises(CallbackSignatureError):
            verify_callback(candidate, KEY, now=NOW)


@settings(max_examples=500, deadline=None)
@given(fields=st.dictionaries(st.text(max_size=15), st.text(max_size=30), max_size=10))
def test_parse_never_fails_on_text(fields: dict[str, str]) -> None:
    event = parse_callback(fields)
    assert isinstance(event, CallbackEvent)
    assert event.raw == {k: v for k, v in fields.items() if k != "sign"}
    repr(event)


class Hostile(Mapping[str, str]):
    def __getitem__(self, key: str) -> str:
        raise RuntimeError("boom")

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("boom")

    def __len__(self) -> int:
        raise RuntimeError("boom")


class HostileItems(dict[str, str]):
    def items(self) -> Any:
        raise KeyError("boom")


class EvilStr(str):
    def __hash__(self) -> int:
        raise RuntimeError("boom")

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("boom")

    def __str__(self) -> str:
        raise RuntimeError("boom")

    def encode(self, *args: Any, **kwargs: Any) -> bytes:
        raise RuntimeError("boom")


class WeirdLists:
    def lists(self) -> Any:
        return [(1, 2)]


class RaisingMulti:
    def multi_items(self) -> Any:
        raise MemoryError


def deep(n: int) -> Any:
    value: Any = "x"
    for _ in range(n):
        value = [value]
    return {"sign": value}


def selfref() -> dict[str, Any]:
    d: dict[str, Any] = {}
    d["sign"] = d
    return d


@pytest.mark.parametrize(
    "junk",
    [
        None,
        0,
        1.5,
        b"sign=abc",
        "sign=abc&timestamp=1",
        bytearray(b"x"),
        [],
        [("sign", "a", "b")],
        ["sign"],
        object(),
        Hostile(),
        HostileItems(a="b"),
        [(EvilStr("sign"), EvilStr("x"))],
        {"sign": EvilStr("abc"), "timestamp": str(NOW)},
        WeirdLists(),
        RaisingMulti(),
        deep(50_000),
        selfref(),
        {str(i): "x" for i in range(5000)},
        {"sign": "x" * (2 << 20)},
        {"a": "\ud800", "sign": "x"},
        {b"sign": b"x"},
        {1: "x"},
        {"sign": 5, "timestamp": NOW},
        {"sign": None},
        {"sign": ["a", "b"]},
        {"sign": []},
    ],
)
def test_hostile_inputs(junk: Any) -> None:
    assert reason(junk) in REASONS
    try:
        parse_callback(junk)
    except CallbackSignatureError as exc:
        assert exc.reason == "malformed"


def test_reasons() -> None:
    good = sign_callback(CLASS_START, KEY, timestamp=NOW)
    assert reason({k: v for k, v in good.items() if k != "sign"}) == "missing_sign"
    assert reason({**good, "sign": ""}) == "missing_sign"
    assert reason({**good, "sign": good["sign"].upper()}) == "mismatch"
    assert reason({**good, "op": "end"}) == "mismatch"
    assert reason({**good, "extra": ""}) == "mismatch"
    assert reason("junk") == "malformed"


def test_wrong_key_is_a_mismatch() -> None:
    good = sign_callback(CLASS_START, "another key", timestamp=NOW)
    assert reason(good) == "mismatch"


# --------------------------------------------------------------------------- the window
@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        (NOW, None),
        (NOW - 300, None),
        (NOW + 300, None),
        (NOW - 301, "stale"),
        (NOW + 301, "future"),
        (NOW - 86400, "stale"),
        (NOW + 86400, "future"),
        (1, "stale"),
        (999_999_999_999, "future"),
    ],
)
def test_window(stamp: int, expected: str | None) -> None:
    good = sign_callback(CLASS_START, KEY, timestamp=stamp)
    if expected is None:
        assert verify_callback(good, KEY, now=NOW)["timestamp"] == str(stamp)
    else:
        assert reason(good) == expected


def test_custom_and_disabled_tolerance() -> None:
    old = sign_callback(CLASS_START, KEY, timestamp=NOW - 1000)
    assert reason(old) == "stale"
    assert verify_callback(old, KEY, tolerance=1000, now=NOW)
    assert verify_callback(old, KEY, tolerance=None, now=NOW)
    assert reason(old, tolerance=999.5) == "stale"


@pytest.mark.parametrize(
    "stamp", ["", "abc", "-1", "1.5", " 1800000000", "1800000000 ", "١٢٣", "1" * 13, "0x10"]
)
def test_malformed_timestamp(stamp: str) -> None:
    fields = {**CLASS_START, "timestamp": stamp}
    good = {**fields, "sign": md5(canonical(fields))}
    expected = "missing_timestamp" if stamp == "" else "malformed_timestamp"
    assert reason(good) == expected
    assert verify_callback(good, KEY, tolerance=None)  # the sign itself is fine


def test_missing_timestamp() -> None:
    good = {**CLASS_START, "sign": md5(canonical(CLASS_START))}
    assert reason(good) == "missing_timestamp"


def test_sign_is_checked_before_the_window() -> None:
    stale_and_forged = {**sign_callback(CLASS_START, KEY, timestamp=1), "op": "end"}
    assert reason(stale_and_forged) == "mismatch"
    forged_stamp = {**sign_callback(CLASS_START, KEY, timestamp=1), "timestamp": str(NOW)}
    assert reason(forged_stamp) == "mismatch"


def test_default_now_is_the_clock() -> None:
    assert verify_callback(sign_callback(CLASS_START, KEY), KEY)


@pytest.mark.parametrize("key", ["", None, 5])
def test_unusable_partner_key_is_a_configuration_error(key: Any) -> None:
    with pytest.raises(ConfigurationError):
        verify_callback(sign_callback(CLASS_START, KEY), key)


@pytest.mark.parametrize("tolerance", [-1, "300", True])
def test_unusable_tolerance_is_a_configuration_error(tolerance: Any) -> None:
    with pytest.raises(ConfigurationError):
        verify_callback(sign_callback(CLASS_START, KEY), KEY, tolerance=tolerance)


def test_error_messages_hold_no_sign_or_key() -> None:
    good = sign_callback(CLASS_START, KEY, timestamp=NOW)
    for bad in (
        {**good, "op": "end"},
        {**good, "sign": good["sign"][:-1]},
        {**good, "qid": ["a", "b"]},
    ):
        with pytest.raises(CallbackSignatureError) as info:
            verify_callback(bad, KEY, now=NOW)
        text = str(info.value) + repr(info.value)
        assert good["sign"] not in text and bad["sign"] not in text and KEY not in text


# --------------------------------------------------------------------------- multi-dicts
def multi_variants(signed: dict[str, str]) -> list[Any]:
    pairs = list(signed.items())
    return [
        signed,
        MultiDict(pairs),
        ImmutableMultiDict(pairs),
        FormData(pairs),
        pairs,
        {k: [v] for k, v in signed.items()},
    ]


def test_multi_dicts_verify(django_settings: None) -> None:
    from django.http import QueryDict

    signed = sign_callback({**CLASS_START, "title": "数学 & 物理"}, KEY, timestamp=NOW)
    expected = {k: v for k, v in signed.items() if k != "sign"}
    for fields in [*multi_variants(signed), QueryDict(urlencode(signed))]:
        assert verify_callback(fields, KEY, now=NOW) == expected, type(fields)


def test_repeated_fields(django_settings: None) -> None:
    from django.http import QueryDict

    signed = sign_callback(CLASS_START, KEY, timestamp=NOW)
    same = [*signed.items(), ("op", "start")]  # the same value twice: fine
    differ = [*signed.items(), ("op", "end")]  # QueryDict.items() would show only "end"
    twice_sign = [*signed.items(), ("sign", "0" * 32)]
    for pairs, ok in ((same, True), (differ, False), (twice_sign, False)):
        for fields in (MultiDict(pairs), FormData(pairs), pairs, QueryDict(urlencode(pairs))):
            if ok:
                assert verify_callback(fields, KEY, now=NOW)["op"] == "start"
            else:
                assert reason(fields) == "malformed"


def test_callback_fields() -> None:
    assert callback_fields({"a": ["1", "1"], "b": ()}) == {"a": "1"}
    assert callback_fields([("a", "1"), ("b", "")]) == {"a": "1", "b": ""}
    assert type(next(iter(callback_fields({"a": EvilStr.__new__(EvilStr, "x")}).values()))) is str


# --------------------------------------------------------------------------- sign_callback
def test_sign_callback() -> None:
    signed = sign_callback({"video_id": 123, "status": 100, "length": 12.0, "skip": None}, KEY)
    assert set(signed) == {"video_id", "status", "length", "timestamp", "sign"}
    assert (signed["video_id"], signed["length"]) == ("123", "12")
    assert all(isinstance(v, str) for v in signed.values())
    kept = sign_callback({"timestamp": "1700000000", "sign": "old"}, KEY)
    assert kept["timestamp"] == "1700000000" and kept["sign"] != "old"
    over = sign_callback({"timestamp": "1700000000"}, KEY, timestamp=NOW)
    assert over["timestamp"] == str(NOW)
    when = dt.datetime(2027, 1, 15, 16, 0, tzinfo=BEIJING)
    assert sign_callback({}, KEY, timestamp=when)["timestamp"] == str(int(when.timestamp()))


def test_bodies() -> None:
    assert SUCCESS_BODY == {"code": 0, "msg": ""}
    assert failure_body("invalid callback") == {"code": 1, "msg": "invalid callback"}
    assert failure_body()["code"] == 1


# --------------------------------------------------------------------------- events
def test_class_started() -> None:
    event = parse_callback(
        verify_callback(sign_callback(CLASS_START, KEY, timestamp=NOW), KEY, now=NOW)
    )
    assert type(event) is ClassStarted and isinstance(event, ClassEvent)
    assert event.room_id == "27011512345678" and event.op == "start"
    assert event.qid == "202701151600001234567890"
    assert event.op_time == dt.datetime(2027, 1, 15, 16, 0, tzinfo=BEIJING)
    assert event.op_time.utcoffset() == dt.timedelta(hours=8)
    assert event.op_time.tzinfo is not None and event.op_time.tzname() == "CST"
    assert event.op_time == dt.datetime(2027, 1, 15, 8, 0, tzinfo=dt.timezone.utc)
    assert event.timestamp == dt.datetime.fromtimestamp(NOW, dt.timezone.utc)
    assert event.timestamp.utcoffset() == dt.timedelta(0)
    assert "sign" not in event.raw and event.raw["op"] == "start"


@pytest.mark.parametrize(
    ("op", "cls"),
    [
        ("start", ClassStarted),
        ("end", ClassEnded),
        ("teacher_in", ClassEvent),
        ("teacher_out", ClassEvent),
        ("forbidden", ClassEvent),
        ("stat", ClassEvent),
        ("something_new", ClassEvent),
    ],
)
def test_class_ops(op: str, cls: type[ClassEvent]) -> None:
    event = parse_callback({**CLASS_START, "op": op, "sign": "x"})
    assert type(event) is cls and event.op == op
    assert isinstance(event, ClassEvent)


@pytest.mark.parametrize(
    ("status", "cls"),
    [("20", VideoUploaded), ("30", VideoFailed), ("100", VideoTranscoded), ("7", VideoEvent)],
)
def test_video_events(status: str, cls: type[VideoEvent]) -> None:
    fields = {
        "video_id": "123456",
        "status": status,
        "preface_url": "https://img.cn/p.jpg",
        "total_size": "1048576",
        "total_transcode_size": "2097152",
        "length": "3600.5",
        "file_md5": "d41d8cd98f00b204e9800998ecf8427e",
        "now_definition": "16",
        "origin_definition": "8",
        "qid": "202701151600001234567890",
        "timestamp": str(NOW),
    }
    event = parse_callback(verify_callback(sign_callback(fields, KEY), KEY, now=NOW))
    assert type(event) is cls
    assert event.video_id == 123456 and event.status == int(status)
    assert event.total_size == 1048576 and event.total_transcode_size == 2097152
    assert event.length == 3600.5
    assert event.preface_url == "https://img.cn/p.jpg"
    assert event.now_definition == "16"


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        ("20", PlaybackGenerating),
        ("30", PlaybackFailed),
        ("100", PlaybackReady),
        ("1", PlaybackEvent),
    ],
)
def test_playback_events(status: str, cls: type[PlaybackEvent]) -> None:
    fields = {
        "video_id": "99",
        "status": status,
        "room_id": "27011512345678",
        "session_id": "201711281",
        "length": "60",
    }
    event = parse_callback(fields)
    assert type(event) is cls
    assert (event.room_id, event.session_id, event.video_id) == ("27011512345678", "201711281", 99)
    assert event.length == 60 and isinstance(event.length, int)


def test_empty_room_id_is_a_video() -> None:
    assert (
        type(parse_callback({"video_id": "1", "status": "100", "room_id": ""})) is VideoTranscoded
    )


def test_lenient_numbers_and_times() -> None:
    event = parse_callback(
        {"video_id": "abc", "status": "", "length": "nan?", "total_size": "1.5", "timestamp": "x"}
    )
    assert isinstance(event, VideoEvent)
    assert (event.video_id, event.status, event.length, event.total_size, event.timestamp) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert event.raw["video_id"] == "abc"
    assert parse_callback({"op": "end", "op_time": "yesterday"}).op_time is None  # type: ignore[attr-defined]
    assert parse_callback({"op": "end", "timestamp": "9" * 30}).timestamp is None
    unix = parse_callback({"op": "end", "op_time": str(NOW)})
    assert unix.op_time == dt.datetime.fromtimestamp(NOW, BEIJING)  # type: ignore[attr-defined]


def test_unknown_event_keeps_every_field() -> None:
    fields = {"kind": "quiz", "answer": "42", "qid": "q1", "timestamp": str(NOW)}
    event = parse_callback({**fields, "sign": "secret-sign"})
    assert type(event) is UnknownEvent
    assert event.raw == fields
    assert event.qid == "q1" and event.kind == "quiz"  # type: ignore[attr-defined]
    assert "secret-sign" not in repr(event)


def test_typed_events_keep_extra_fields() -> None:
    event = parse_callback({**CLASS_START, "brand_new": "kept"})
    assert event.model_extra == {"brand_new": "kept"}
    assert event.brand_new == "kept"  # type: ignore[attr-defined]


def test_odd_field_names() -> None:
    event = parse_callback({"model_config": "a", "_raw": "b", "__class__": "c", "raw": "d"})
    assert event.raw == {"model_config": "a", "_raw": "b", "__class__": "c", "raw": "d"}
    assert isinstance(event, CallbackEvent)


# --------------------------------------------------------------------------- duplicates
def test_dedup_by_qid() -> None:
    dedup = CallbackDeduplicator(clock=lambda: NOW)  # CLASS_START's qid was sent at NOW
    event = parse_callback(CLASS_START)
    assert dedup.is_new(event) is True
    assert dedup.is_new(event) is False
    assert dedup.is_new(CLASS_START) is False  # the fields
    assert dedup.is_new(CLASS_START["qid"]) is False  # the qid
    assert dedup.is_new("202701151600009999999999") is True
    for no_qid in ({"op": "start"}, None, ""):
        with pytest.raises(CallbackSignatureError) as info:
            dedup.is_new(no_qid)  # type: ignore[arg-type]
        assert info.value.reason == "missing_qid"
    dedup.release(event)
    assert dedup.is_new(event) is True


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_memory_store_expiry_and_bound() -> None:
    clock = FakeClock()
    store = MemoryDedupStore(max_size=3, clock=clock)
    assert isinstance(store, DedupStore)
    assert store.add_if_absent("a", 10) and not store.add_if_absent("a", 10)
    clock.now = 10.5
    assert store.add_if_absent("a", 10)  # expired: new again
    for qid in "bcd":
        assert store.add_if_absent(qid, 100)
    assert len(store) == 3
    assert store.add_if_absent("a", 100)  # "a" was pushed out by the bound
    clock.now = 1000
    assert store.add_if_absent("e", 1) and len(store) == 1  # the expired ones are dropped
    with pytest.raises(ValueError):
        MemoryDedupStore(max_size=0)


def test_custom_store() -> None:
    class SetStore:
        def __init__(self) -> None:
            self.seen: set[str] = set()

        def add_if_absent(self, qid: str, ttl: float) -> bool:
            if qid in self.seen:
                return False
            self.seen.add(qid)
            return True

    dedup = CallbackDeduplicator(SetStore(), ttl=5, tolerance=None)  # the qid's form only
    qid = "202001010000000000000001"
    assert dedup.is_new(qid) and not dedup.is_new(qid)
    dedup.release(qid)  # the store cannot forget: nothing happens
    assert not dedup.is_new(qid)


def test_dedup_threads() -> None:
    dedup = CallbackDeduplicator(MemoryDedupStore(max_size=10_000), clock=lambda: NOW)
    qids = [f"20270115160000{i:010d}" for i in range(200)]
    wins: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(16)

    def worker() -> None:
        start.wait()
        for qid in qids:
            if dedup.is_new(qid):
                with lock:
                    wins.append(qid)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == sorted(qids)


# --------------------------------------------------------------------------- client methods
def platform(request: httpx2.Request) -> httpx2.Response:
    return httpx2.Response(200, json={"code": 0, "msg": "", "data": {"partner_key": KEY}})


def test_client_verify_and_check_sign() -> None:
    client = BaiJiaYunClient(PARTNER_ID, partner_key=KEY)
    good = sign_callback(CLASS_START, KEY)
    assert client.verify_callback(good) == {k: v for k, v in good.items() if k != "sign"}
    assert client.check_sign(good) is True
    assert client.check_sign({**good, "op": "end"}) is False
    assert client.check_sign(None) is False
    old = sign_callback(CLASS_START, KEY, timestamp=1)
    assert client.check_sign(old) is False
    assert client.check_sign(old, check_timestamp_second=0) is True
    with pytest.raises(CallbackSignatureError) as info:
        client.verify_callback(old)
    assert info.value.reason == "stale"
    assert client.verify_callback(old, tolerance=None)


def test_sync_client_with_secret_key_fetches_the_key() -> None:
    http = httpx2.Client(transport=httpx2.MockTransport(platform))
    client = BaiJiaYunClient(PARTNER_ID, "secret", http_client=http)
    assert client.check_sign(sign_callback(CLASS_START, KEY)) is True


async def test_async_client_callbacks() -> None:
    static = AsyncBaiJiaYunClient(PARTNER_ID, partner_key=KEY)
    good = sign_callback(CLASS_START, KEY)
    assert static.verify_callback(good)["op"] == "start"  # no await: nothing is sent
    assert static.check_sign(good) is True
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(platform))
    fetched = AsyncBaiJiaYunClient(PARTNER_ID, "secret", http_client=http)
    with pytest.raises(ConfigurationError, match="fetch_partner_key"):
        fetched.verify_callback(good)
    with pytest.raises(ConfigurationError):
        fetched.check_sign(good)
    await fetched.fetch_partner_key()
    assert fetched.check_sign(good) is True
    await fetched.aclose()
    await static.aclose()
