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

import baijiayun.keys
from baijiayun import SignatureError, ValidationError
from baijiayun._signing import encode_value
from baijiayun._wire import CSV, STR, OneOf
from baijiayun.api import REGISTRY
from baijiayun.api.live_setting import WATERMARK_MAX_BYTES
from baijiayun.callbacks import sign_callback
from baijiayun.keys import DEFAULT_KEY_TTL, KeyRecord, PartnerKeyProvider, SharedKeyStore

from .conftest import (
    CREATEKEY,
    FETCHED_KEY,
    FETCHED_KEY_2,
    NOW,
    PARTNER_ID,
    PARTNER_KEY,
    ROOM_ID,
    SECRET_KEY,
    answer,
    envelope,
)

INFO = "/openapi/room/info"

WIRE_NAMES = json.loads(
    (Path(__file__).parent / "data" / "wire_names.json").read_text(encoding="utf-8")
)


# --------------------------------------------------------------------------- names on the wire
def _listed_names(qualname: str) -> list[str]:
    """The platform's names for an endpoint's parameters, as listed apart from the stubs."""
    names = WIRE_NAMES["catalog"].get(qualname, []) + WIRE_NAMES["beyond_catalog"].get(qualname, [])
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
def test_every_listed_parameter_reaches_the_wire_under_its_exact_name(make_harness, spec) -> None:
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


# --------------------------------------------------------------------------- key refresh
def test_one_refresh_per_refused_key_whatever_the_retries(make_harness, mode, monkeypatch) -> None:
    """Bug: ``refreshed = True`` dropped from the call's 1002 branch (``_flow.py``, ``_flow``):
    the call refreshes again at the second 1002, once per retry.

    The key provider's own guard (a key refused right after a refresh is not
    fetched again for ``REFRESH_INTERVAL`` seconds) would hide the call's: the
    interval is set to 0 here, so the call alone must keep to one refresh.
    """
    monkeypatch.setattr(baijiayun.keys, "REFRESH_INTERVAL", 0.0)
    provider = PartnerKeyProvider("1")  # the patch takes effect: the provider no longer settles
    fetched = iter(["a", "b", "c"])
    provider.get(lambda: next(fetched))
    assert provider.get(lambda: next(fetched), stale="a") == "b"
    assert provider.get(lambda: next(fetched), stale="b") == "c"
    h = make_harness(mode, partner_key=None, secret_key=SECRET_KEY, max_retries=3)
    third = "thirdFetchedPartnerKey+/0123456789abcdefghijklmnopqrstuvw=="
    h.api.script(
        CREATEKEY,
        {"partner_key": FETCHED_KEY},
        {"partner_key": FETCHED_KEY_2},
        {"partner_key": third},
    )
    h.api.script(
        INFO,
        envelope(code=1002, msg="sign error"),  # refused: one refresh
        envelope(code=500, msg="busy", status=502),  # retried
        envelope(code=1002, msg="sign error"),  # refused again: raised, no second refresh
        answer(INFO),
    )
    with pytest.raises(SignatureError):
        h.room("info", ROOM_ID)
    assert h.api.paths == [CREATEKEY, INFO, CREATEKEY, INFO, INFO]
    assert h.api.sent[3].sign_ok(FETCHED_KEY_2) and h.api.sent[4].sign_ok(FETCHED_KEY_2)


# --------------------------------------------------------------------------- shared key stores
class RecordingSharedStore:
    """An in-memory :class:`SharedKeyStore` that records every write and its expiry."""

    poll_interval = 0.001

    def __init__(self) -> None:
        self.records: dict[str, KeyRecord] = {}
        self.writes: list[tuple[str, str, str, float | None, bool]] = []
        self.locked: set[str] = set()

    # KeyStore
    def get(self, partner_id: str) -> str | None:
        record = self.records.get(partner_id)
        return None if record is None else record.key

    def set(self, partner_id: str, partner_key: str, ttl: float | None) -> None:
        self.write(partner_id, partner_key, ttl, False)

    def delete(self, partner_id: str) -> None:
        self.records.pop(partner_id, None)

    # SharedKeyStore, sync
    def read(self, partner_id: str) -> KeyRecord | None:
        return self.records.get(partner_id)

    def write(self, partner_id: str, partner_key: str, ttl: float | None, refreshed: bool) -> None:
        self.writes.append(("write", partner_id, partner_key, ttl, refreshed))
        self.records[partner_id] = KeyRecord(partner_key, refreshed)

    def lock(self, partner_id: str) -> str | None:
        if partner_id in self.locked:
            return None
        self.locked.add(partner_id)
        return "token"

    def unlock(self, partner_id: str, token: str) -> None:
        self.locked.discard(partner_id)

    # SharedKeyStore, async
    async def aread(self, partner_id: str) -> KeyRecord | None:
        return self.read(partner_id)

    async def awrite(
        self, partner_id: str, partner_key: str, ttl: float | None, refreshed: bool
    ) -> None:
        self.writes.append(("awrite", partner_id, partner_key, ttl, refreshed))
        self.records[partner_id] = KeyRecord(partner_key, refreshed)

    async def alock(self, partner_id: str) -> str | None:
        return self.lock(partner_id)

    async def aunlock(self, partner_id: str, token: str) -> None:
        self.unlock(partner_id, token)


def test_a_key_fetched_through_a_shared_store_is_saved_with_its_expiry(make_harness, mode) -> None:
    """Bug: ``await shared.awrite(pid, key, None, ...)`` in ``_ashared_get`` (keys.py): the
    async client saves the fetched key with no expiry, so every worker trusts it forever.

    Run for both clients: the sync one writes through ``write``, the async one
    through ``awrite``; both must pass the client's key lifetime.
    """
    store = RecordingSharedStore()
    assert isinstance(store, SharedKeyStore)
    h = make_harness(mode, partner_key=None, secret_key=SECRET_KEY, key_store=store)
    h.api.script(CREATEKEY, {"partner_key": FETCHED_KEY}, {"partner_key": FETCHED_KEY_2})
    h.api.script(INFO, envelope(code=1002, msg="sign error"), answer(INFO))
    h.room("info", ROOM_ID)
    method = "write" if mode == "sync" else "awrite"
    assert store.writes == [
        (method, PARTNER_ID, FETCHED_KEY, DEFAULT_KEY_TTL, False),  # the first fetch
        (method, PARTNER_ID, FETCHED_KEY_2, DEFAULT_KEY_TTL, True),  # the refresh after 1002
    ]
    assert h.api.paths == [CREATEKEY, INFO, CREATEKEY, INFO]


# --------------------------------------------------------------------------- hash order
_HASH_PROBE = r"""
import json
import httpx2
from urllib.parse import parse_qsl
from baijiayun import BaiJiaYunClient
from baijiayun._signing import encode_value
from baijiayun.callbacks import sign_callback

sent = []

def handler(request):
    sent.append(dict(parse_qsl(request.content.decode())))
    return httpx2.Response(200, json={"code": 0, "msg": "", "data": {"list": []}})

client = BaiJiaYunClient(
    "12345678",
    partner_key="k" * 32,
    clock=lambda: 1_800_000_000,
    http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
)
words = {"web", "h5", "ios", "android", "pc", "mac", "tv", "car"}
rooms = {"22112449907210", "22112449907211", "22112449907212", "22112449907213"}
client.links.playback_urls(rooms | {("22112449907214", "2027011501")})
client.playback.get_player_token_batch(rooms, 60)
client.room.update(1, forbidden_end_types={"web", "h5"})
print(json.dumps({
    "raw": list(words),
    "encode_value": encode_value(words),
    "callback": sign_callback({"tags": frozenset(words)}, "k" * 32, timestamp=1),
    "links": sent[0]["room_ids"],
    "batch": sent[1]["room_ids"],
    "update": sent[2]["forbidden_end_types"],
    "signs": [s["sign"] for s in sent],
}))
"""


def test_what_is_signed_never_depends_on_hash_order() -> None:
    """Bugs: ``items = value`` for ``sorted(value)`` in ``encode_value`` (_signing.py); and
    ``_sent`` in ``api/links.py`` turning a set of room ids into a list in iteration
    order (a real bug, fixed with this test: ``links.playback_urls`` of a set sent and
    signed its entries in hash order).

    Every path that encodes a collection is run under several hash seeds; the
    sets' own iteration order is checked to differ, so the probe can see the bug.
    """
    runs = []
    for seed in range(6):
        out = subprocess.run(
            [sys.executable, "-c", _HASH_PROBE],
            capture_output=True,
            text=True,
            env={"PYTHONHASHSEED": str(seed), "PATH": "", "PYTHONPATH": ":".join(sys.path)},
            check=True,
        )
        runs.append(json.loads(out.stdout))
    assert len({tuple(r["raw"]) for r in runs}) > 1  # the sets do iterate differently
    first = runs[0]
    for run in runs[1:]:
        assert {k: v for k, v in run.items() if k != "raw"} == {
            k: v for k, v in first.items() if k != "raw"
        }
    assert first["encode_value"] == "android,car,h5,ios,mac,pc,tv,web"
    assert first["callback"]["tags"] == "android,car,h5,ios,mac,pc,tv,web"
    rooms = "22112449907210,22112449907211,22112449907212,22112449907213"
    assert first["links"] == rooms + ",22112449907214-2027011501"
    assert first["batch"] == rooms
    assert first["update"] == "h5,web"


# --------------------------------------------------------------------------- None
def test_none_is_never_encoded_as_the_empty_string(harness) -> None:
    """Bug: ``if value is None: return ""`` added to ``encode_value`` (_signing.py).

    ``None`` means "not sent"; the empty string is a value that is sent and signed.
    A None that reaches the encoder must not pass for an empty value: not at the
    top, not inside a list, not in a signed callback.
    """
    assert encode_value(None) != ""
    assert encode_value([1, None, 2]) != encode_value([1, "", 2])
    none = sign_callback({"ids": [1, None]}, PARTNER_KEY, timestamp=NOW)
    empty = sign_callback({"ids": [1, ""]}, PARTNER_KEY, timestamp=NOW)
    assert none["sign"] != empty["sign"]
    # and None given to a call is not sent at all (an empty value would be)
    harness.room("update", ROOM_ID, title=None, max_users=0)
    form = harness.api.last.form
    assert "title" not in form and form["max_users"] == "0"


# --------------------------------------------------------------------------- uploads (SDK side)
@pytest.mark.parametrize("name", ["Deck.PPTX", "NOTES.Pdf", "slides.pptx"])
def test_a_document_with_an_upper_case_extension_is_uploaded(harness, name) -> None:
    """Bug: ``name.endswith(self.extensions)`` for ``name.lower().endswith(...)`` in
    ``Extensions.check`` (_params.py): ``.PPTX`` refused before sending."""
    harness.run(lambda c: c.doc.upload_doc((name, b"PK\x03\x04 slides"), room_id=ROOM_ID))
    sent = harness.api.last
    assert sent.path == "/openapi/doc/uploadDoc"
    assert sent.files["attachment"][0] == name
    with pytest.raises(ValidationError):  # the rule is still there
        harness.run(lambda c: c.doc.upload_doc(("Deck.EXE", b"MZ"), room_id=ROOM_ID))


def test_a_watermark_of_exactly_the_size_limit_is_sent(harness) -> None:
    """Bug: ``size >= self.n`` for ``size > self.n`` in ``MaxFileSize.check``
    (api/live_setting.py): a watermark of exactly 1 MB refused before sending."""
    assert WATERMARK_MAX_BYTES == 1 << 20
    exact = b"\x89PNG\r\n\x1a\n".ljust(WATERMARK_MAX_BYTES, b"\0")
    harness.run(lambda c: c.live_setting.set_watermark(1, ("logo.png", exact)))
    sent = harness.api.last
    assert sent.path == "/openapi/live_setting/setWatermark"
    assert len(sent.files["attachment"][1]) == WATERMARK_MAX_BYTES
    with pytest.raises(ValidationError):  # one byte more is refused
        harness.run(lambda c: c.live_setting.set_watermark(1, ("logo.png", exact + b"\0")))
