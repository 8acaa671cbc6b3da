"""Partner keys: fetched once from createkey, shared by threads and tasks, refreshed on 1002."""

from __future__ import annotations

import asyncio
import threading

import pytest

from baijiayun import KeyStore, MemoryKeyStore
from baijiayun.errors import AccountNotFoundError, SignatureError
from baijiayun.keys import DEFAULT_KEY_TTL, PartnerKeyProvider

from .conftest import (
    CREATEKEY,
    FETCHED_KEY,
    FETCHED_KEY_2,
    PARTNER_ID,
    PARTNER_KEY,
    ROOM_ID,
    SECRET_KEY,
    answer,
    envelope,
)

INFO = "/openapi/room/info"
CREATE = "/openapi/room/create"


@pytest.fixture
def fetching(make_harness, mode):
    """A client that has only its secret key."""
    return make_harness(mode, partner_key=None, secret_key=SECRET_KEY)


def test_secret_only_client_fetches_the_key_once(fetching) -> None:
    fetching.room("info", ROOM_ID)
    fetching.room("info", ROOM_ID)
    fetching.room("delete", ROOM_ID)
    api = fetching.api
    assert api.paths == [CREATEKEY, INFO, INFO, "/openapi/room/delete"]
    createkey = api.sent[0]
    # not signed, no timestamp, secret_key in the body, never regenerate by default
    assert createkey.form == {"secret_key": SECRET_KEY, "regenerate": "0", "partner_id": PARTNER_ID}
    for sent in api.sent[1:]:
        assert sent.sign_ok(FETCHED_KEY)
        assert "secret_key" not in sent.form


def test_cached_key_is_shared_with_option_copies(fetching) -> None:
    fetching.room("info", ROOM_ID)
    fetching.with_options(max_retries=0).room("info", ROOM_ID)
    fetching.with_options(validate=False).room("info", ROOM_ID)
    assert fetching.api.paths.count(CREATEKEY) == 1


def test_20_threads_fetch_the_key_once(make_harness) -> None:
    h = make_harness("sync", partner_key=None, secret_key=SECRET_KEY)
    h.api.createkey_delay = 0.05  # keep the first fetch in flight while the others arrive
    barrier = threading.Barrier(20)
    results: list = []
    failures: list = []

    def worker() -> None:
        barrier.wait()
        try:
            results.append(h.client.room.info(ROOM_ID))
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert failures == []
    assert len(results) == 20
    assert h.api.paths.count(CREATEKEY) == 1
    assert h.api.paths.count(INFO) == 20
    assert all(s.sign_ok(FETCHED_KEY) for s in h.api.to(INFO))


def test_20_tasks_fetch_the_key_once(make_harness) -> None:
    h = make_harness("async", partner_key=None, secret_key=SECRET_KEY)
    h.api.createkey_delay = 0.05

    async def main():
        return await asyncio.gather(*(h.client.room.info(ROOM_ID) for _ in range(20)))

    results = h.loop.run_until_complete(main())
    assert len(results) == 20
    assert h.api.paths.count(CREATEKEY) == 1
    assert h.api.paths.count(INFO) == 20
    assert all(s.sign_ok(FETCHED_KEY) for s in h.api.to(INFO))


def test_1002_with_a_fetched_key_refreshes_once_and_resends(fetching) -> None:
    api = fetching.api
    api.script(CREATEKEY, {"partner_key": FETCHED_KEY}, {"partner_key": FETCHED_KEY_2})
    api.script(INFO, envelope(code=1002, msg="sign error"), answer(INFO))
    info = fetching.room("info", ROOM_ID)
    assert info.room_id == str(ROOM_ID)
    assert api.paths == [CREATEKEY, INFO, CREATEKEY, INFO]
    assert api.sent[2].form["regenerate"] == "0"
    assert api.sent[1].sign_ok(FETCHED_KEY)
    assert api.sent[3].sign_ok(FETCHED_KEY_2)
    # the refreshed key is cached for later calls
    fetching.room("info", ROOM_ID)
    assert api.paths.count(CREATEKEY) == 2
    assert api.last.sign_ok(FETCHED_KEY_2)


def test_the_resend_after_a_refresh_uses_the_refreshed_key(make_harness, mode) -> None:
    """A store shared with other processes may still answer the refused key for a moment
    (a read under way during the refresh): the resend uses the key the refresh brought."""

    class Lagging:
        def __init__(self) -> None:
            self.data: dict = {}
            self.lag: list = []

        def get(self, partner_id):
            return self.lag.pop() if self.lag else self.data.get(partner_id)

        def set(self, partner_id, partner_key, ttl):
            if partner_id in self.data:
                self.lag.append(self.data[partner_id])  # the next read is late
            self.data[partner_id] = partner_key

        def delete(self, partner_id):
            self.data.pop(partner_id, None)

    h = make_harness(mode, partner_key=None, secret_key=SECRET_KEY, key_store=Lagging())
    h.api.script(CREATEKEY, {"partner_key": FETCHED_KEY}, {"partner_key": FETCHED_KEY_2})
    h.api.script(INFO, envelope(code=1002, msg="sign error"), answer(INFO))
    assert h.room("info", ROOM_ID).room_id == str(ROOM_ID)
    assert h.api.paths == [CREATEKEY, INFO, CREATEKEY, INFO]
    assert h.api.last.sign_ok(FETCHED_KEY_2)


def test_1002_twice_raises_after_one_refresh(fetching) -> None:
    api = fetching.api
    api.script(CREATEKEY, {"partner_key": FETCHED_KEY}, {"partner_key": FETCHED_KEY_2})
    api.script(INFO, envelope(code=1002, msg="sign error"))
    with pytest.raises(SignatureError):
        fetching.room("info", ROOM_ID)
    assert api.paths == [CREATEKEY, INFO, CREATEKEY, INFO]


def test_key_refresh_is_not_one_of_the_retries(make_harness, mode) -> None:
    h = make_harness(mode, partner_key=None, secret_key=SECRET_KEY, max_retries=0)
    h.api.script(CREATEKEY, {"partner_key": FETCHED_KEY}, {"partner_key": FETCHED_KEY_2})
    h.api.script("/openapi/room/create", envelope(code=1002), answer(CREATE, room_id="1"))
    start = 1_800_100_000
    assert h.room("create", "t", start, start + 3600, 2).room_id == "1"
    assert h.api.paths.count("/openapi/room/create") == 2


@pytest.mark.parametrize("with_secret", [False, True])
def test_1002_with_a_static_key_raises_without_refresh(make_harness, mode, with_secret) -> None:
    extra = {"secret_key": SECRET_KEY} if with_secret else {}
    h = make_harness(mode, partner_key=PARTNER_KEY, **extra)
    h.api.script(INFO, envelope(code=1002, msg="sign error"))
    with pytest.raises(SignatureError) as info:
        h.room("info", ROOM_ID)
    assert info.value.code == 1002
    assert h.api.paths == [INFO]


def test_createkey_failure_is_raised_and_not_cached(fetching) -> None:
    api = fetching.api
    api.script(CREATEKEY, envelope(code=2001, msg="no such account"), {"partner_key": FETCHED_KEY})
    with pytest.raises(AccountNotFoundError) as info:
        fetching.room("info", ROOM_ID)
    assert info.value.path == CREATEKEY
    assert api.paths == [CREATEKEY]
    fetching.room("info", ROOM_ID)
    assert api.paths == [CREATEKEY, CREATEKEY, INFO]


def test_explicit_createkey_call(harness) -> None:
    key = harness.run(lambda c: c.partner.createkey(SECRET_KEY))
    assert key == FETCHED_KEY
    assert harness.api.last.form == {
        "secret_key": SECRET_KEY,
        "regenerate": "0",
        "partner_id": PARTNER_ID,
    }


def test_shared_key_store_between_clients(make_harness, mode) -> None:
    store = MemoryKeyStore()
    first = make_harness(mode, partner_key=None, secret_key=SECRET_KEY, key_store=store)
    second = make_harness(mode, partner_key=None, secret_key=SECRET_KEY, key_store=store)
    first.room("info", ROOM_ID)
    second.room("info", ROOM_ID)
    assert first.api.paths == [CREATEKEY, INFO, INFO]
    assert store.get(PARTNER_ID) == FETCHED_KEY


def test_custom_key_store(make_harness, mode) -> None:
    class DictStore:
        def __init__(self) -> None:
            self.data: dict = {}
            self.calls: list = []

        def get(self, partner_id):
            self.calls.append(("get", partner_id))
            return self.data.get(partner_id)

        def set(self, partner_id, partner_key, ttl):
            self.calls.append(("set", partner_id, ttl))
            self.data[partner_id] = partner_key

        def delete(self, partner_id):
            self.data.pop(partner_id, None)

    store = DictStore()
    assert isinstance(store, KeyStore)
    h = make_harness(mode, partner_key=None, secret_key=SECRET_KEY, key_store=store)
    h.room("info", ROOM_ID)
    assert store.data == {PARTNER_ID: FETCHED_KEY}
    assert ("set", PARTNER_ID, DEFAULT_KEY_TTL) in store.calls


def test_fetched_key_expires_and_is_fetched_again(make_harness, mode) -> None:
    now = [1000.0]
    store = MemoryKeyStore(clock=lambda: now[0])
    h = make_harness(mode, partner_key=None, secret_key=SECRET_KEY, key_store=store)
    h.room("info", ROOM_ID)
    now[0] += DEFAULT_KEY_TTL - 1
    h.room("info", ROOM_ID)
    assert h.api.paths.count(CREATEKEY) == 1
    now[0] += 2
    h.room("info", ROOM_ID)
    assert h.api.paths.count(CREATEKEY) == 2


# --------------------------------------------------------------------------- MemoryKeyStore
def test_memory_key_store_expiry() -> None:
    now = [0.0]
    store = MemoryKeyStore(clock=lambda: now[0])
    assert store.get("1") is None
    store.set("1", "k1", 10)
    store.set("2", "k2", None)
    now[0] = 9.999
    assert store.get("1") == "k1"
    now[0] = 10.0
    assert store.get("1") is None
    assert store.get("1") is None  # stays gone
    now[0] = 10**9
    assert store.get("2") == "k2"  # no ttl: never expires
    store.delete("2")
    assert store.get("2") is None
    store.delete("missing")  # no error
    store.set("3", "k3", 5)
    store.set("3", "k3b", 100)  # replacing resets the expiry
    now[0] += 50
    assert store.get("3") == "k3b"
    assert "k3b" not in repr(store)
    assert isinstance(store, KeyStore)


def test_provider_static_and_fetched() -> None:
    static = PartnerKeyProvider("1", partner_key="STATICKEY")
    assert not static.fetched
    assert static.get(lambda: pytest.fail("must not fetch")) == "STATICKEY"
    calls: list = []

    def fetch() -> str:
        calls.append(1)
        return f"K{len(calls)}"

    provider = PartnerKeyProvider("1")
    assert provider.fetched
    assert provider.get(fetch) == "K1"
    assert provider.get(fetch) == "K1"
    assert provider.get(fetch, stale="K1") == "K2"  # the refused key is replaced
    assert provider.get(fetch, stale="K1") == "K2"  # already replaced: no second fetch
    assert len(calls) == 2
    assert "K2" not in repr(provider)
    assert "STATICKEY" not in repr(static)
