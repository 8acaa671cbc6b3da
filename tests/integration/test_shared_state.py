"""Many workers, one account (issue 13): the partner key, the rate limit and callback
de-duplication shared through a real ``redis-server`` on 127.0.0.1.

Workers are real processes (``shared_worker.py``) against a sandbox served on
127.0.0.1; counts and request times are read from the sandbox's side. Some
tests stand for several processes with several clients in this one, each with
a store object of its own (no state shared but Redis).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx2
import pytest

from baijiayun import AsyncBaiJiaYunClient, BaiJiaYunClient, SignatureError, StoreError
from baijiayun.callbacks import CallbackDeduplicator, Claim, RedisDedupStore, sign_callback
from baijiayun.errors import ConfigurationError
from baijiayun.keys import REFRESH_INTERVAL, KeyRecord, RedisKeyStore, SharedKeyStore
from baijiayun.limits import Limiter, Permit, RedisRateLimit
from baijiayun.sandbox import (
    SANDBOX_PARTNER_ID,
    SANDBOX_PARTNER_KEY,
    SANDBOX_SECRET_KEY,
    Sandbox,
)

WORKER = Path(__file__).with_name("shared_worker.py")
CREATEKEY = "/openapi/partner/createkey"
INFO = "/openapi/room/info"
NEW_KEY = "sandbox-partner-key-replaced-" + "1" * 30


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    """A sandbox of this module's own, over HTTP (workers and this process reach it)."""
    with Sandbox(raise_errors=True).serve() as served:
        yield served


@pytest.fixture
def sandbox(server: Any) -> Sandbox:
    box: Sandbox = server.sandbox
    box.reset()
    return box


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def secret_client(server: Any, store: Any, cls: type = BaiJiaYunClient, **kwargs: Any) -> Any:
    return cls(
        SANDBOX_PARTNER_ID,
        SANDBOX_SECRET_KEY,
        base_url=server.base_url,
        key_store=store,
        **kwargs,
    )


# --------------------------------------------------------------------------- worker processes
class Workers:
    """Worker processes started together: each says ``ready``, all get ``go`` at once."""

    def __init__(self, mode: str, settings: list[dict[str, Any]]) -> None:
        self.procs = [
            subprocess.Popen(
                [sys.executable, str(WORKER), mode, json.dumps(s)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for s in settings
        ]
        self.first_lines = [self._line(p) for p in self.procs]

    @staticmethod
    def _line(proc: subprocess.Popen[str]) -> str:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if not line:
            proc.kill()
            assert proc.stderr is not None
            raise AssertionError("worker failed to start: " + proc.stderr.read()[-3000:])
        return line

    def go(self) -> list[dict[str, Any]]:
        for proc in self.procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = []
        for proc in self.procs:
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err[-3000:]
            results.append(json.loads(out.strip().splitlines()[-1]))
        return results

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.communicate(input="", timeout=20)


def settings(server: Any, redis_url: str, prefix: str, **more: Any) -> dict[str, Any]:
    return {
        "base_url": server.base_url,
        "redis_url": redis_url,
        "prefix": prefix,
        "partner_id": SANDBOX_PARTNER_ID,
        "partner_key": SANDBOX_PARTNER_KEY,
        "secret_key": SANDBOX_SECRET_KEY,
        **more,
    }


# --------------------------------------------------------------------------- the partner key
def test_8_processes_of_4_threads_starting_cold_make_one_createkey(
    server: Any, sandbox: Sandbox, redis_url: str, redis_prefix: str
) -> None:
    workers = Workers(
        "cold", [settings(server, redis_url, redis_prefix, threads=4) for _ in range(8)]
    )
    results = workers.go()
    assert [r["results"] for r in results] == [["ok"] * 4] * 8
    assert sandbox.request_count(CREATEKEY) == 1
    assert sandbox.request_count("/openapi/room/list") == 32


def test_8_processes_refused_with_the_stored_key_make_one_createkey(
    server: Any, sandbox: Sandbox, redis_url: str, redis_prefix: str
) -> None:
    """The key in Redis was regenerated in the console: every worker reads it, is refused
    (1002), and one refresh serves all 32."""
    stale = RedisKeyStore.from_url(redis_url, prefix=redis_prefix)
    stale.write(SANDBOX_PARTNER_ID, "regenerated-since", ttl=None, refreshed=False)
    workers = Workers(
        "cold", [settings(server, redis_url, redis_prefix, threads=4) for _ in range(8)]
    )
    results = workers.go()
    assert [r["results"] for r in results] == [["ok"] * 4] * 8
    assert sandbox.request_count(CREATEKEY) == 1
    # Those that read Redis before the refresh were refused once and resent; later ones
    # read the new key at once.
    assert 32 < sandbox.request_count("/openapi/room/list") <= 64
    assert stale.read(SANDBOX_PARTNER_ID) == KeyRecord(SANDBOX_PARTNER_KEY, refreshed=True)


def test_4_async_processes_of_8_tasks_starting_cold_make_one_createkey(
    server: Any, sandbox: Sandbox, redis_url: str, redis_prefix: str
) -> None:
    cold = settings(server, redis_url, redis_prefix, threads=8, **{"async": True})
    results = Workers("cold", [cold] * 4).go()
    assert [r["results"] for r in results] == [["ok"] * 8] * 4
    assert sandbox.request_count(CREATEKEY) == 1


def _workers_of_one_process(server: Any, redis_url: str, prefix: str, n: int) -> list[Any]:
    """``n`` clients standing for ``n`` processes: each has a store object of its own."""
    return [
        secret_client(server, RedisKeyStore.from_url(redis_url, prefix=prefix)) for _ in range(n)
    ]


def _at_once(clients: list[Any], call: Any) -> list[Any]:
    barrier = threading.Barrier(len(clients))

    def one(client: Any) -> Any:
        barrier.wait()
        try:
            return call(client)
        except Exception as exc:
            return exc

    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(one, clients))


def test_a_replaced_key_is_refreshed_once_for_every_process(
    server: Any, sandbox: Sandbox, redis_url: str, redis_prefix: str
) -> None:
    clients = _workers_of_one_process(server, redis_url, redis_prefix, 12)
    assert all(r == [] for r in _at_once(clients, lambda c: c.room.list()))
    assert sandbox.request_count(CREATEKEY) == 1
    sandbox.partner.add(SANDBOX_PARTNER_ID, NEW_KEY, SANDBOX_SECRET_KEY)  # regenerated elsewhere
    before = sandbox.request_count("/openapi/room/list")
    assert all(r == [] for r in _at_once(clients, lambda c: c.room.list()))
    assert sandbox.request_count(CREATEKEY) == 2  # one refresh for all twelve
    assert sandbox.request_count("/openapi/room/list") - before == 24  # refused once, resent
    store = RedisKeyStore.from_url(redis_url, prefix=redis_prefix)
    assert store.read(SANDBOX_PARTNER_ID) == KeyRecord(NEW_KEY, refreshed=True)


def test_a_1002_about_the_clock_is_not_answered_with_a_refresh_per_process(
    server: Any, sandbox: Sandbox, redis_url: str, redis_prefix: str
) -> None:
    _at_once(_workers_of_one_process(server, redis_url, redis_prefix, 2), lambda c: c.room.list())
    assert sandbox.request_count(CREATEKEY) == 1

    def skewed() -> BaiJiaYunClient:  # a process whose clock is 1000 s behind
        store = RedisKeyStore.from_url(redis_url, prefix=redis_prefix)
        return secret_client(server, store, clock=lambda: time.time() - 1000)

    clients = [skewed() for _ in range(12)]
    outcomes = _at_once(clients, lambda c: c.room.list())
    assert all(isinstance(o, SignatureError) for o in outcomes), outcomes
    assert sandbox.request_count(CREATEKEY) == 2  # one refresh, which brought the same key back
    outcomes = _at_once([skewed() for _ in range(4)], lambda c: c.room.list())
    assert all(isinstance(o, SignatureError) for o in outcomes)  # within REFRESH_INTERVAL
    assert sandbox.request_count(CREATEKEY) == 2
    assert REFRESH_INTERVAL == 30.0


async def test_async_clients_of_several_processes_fetch_once(
    server: Any, sandbox: Sandbox, redis_url: str, redis_prefix: str
) -> None:
    clients = [
        secret_client(
            server, RedisKeyStore.from_url(redis_url, prefix=redis_prefix), AsyncBaiJiaYunClient
        )
        for _ in range(10)
    ]
    results = await asyncio.gather(*(c.room.list() for c in clients for _ in range(3)))
    assert results == [[]] * 30
    assert sandbox.request_count(CREATEKEY) == 1
    sandbox.partner.add(SANDBOX_PARTNER_ID, NEW_KEY, SANDBOX_SECRET_KEY)
    results = await asyncio.gather(*(c.room.list() for c in clients))
    assert results == [[]] * 10 and sandbox.request_count(CREATEKEY) == 2
    for c in clients:
        await c.aclose()


def test_the_store_itself(redis_url: str, redis_prefix: str) -> None:
    store = RedisKeyStore.from_url(
        redis_url, prefix=redis_prefix, lock_timeout=0.3, poll_interval=0.01
    )
    other = RedisKeyStore.from_url(redis_url, prefix=redis_prefix)  # another process
    assert isinstance(store, SharedKeyStore)
    assert store.read("1") is None and store.get("1") is None
    store.write("1", "k1", ttl=0.3, refreshed=False)
    assert store.get("1") == "k1"  # this process's copy
    assert other.get("1") is None and other.read("1") == KeyRecord("k1") and other.get("1") == "k1"
    time.sleep(0.35)
    assert store.get("1") is None and other.get("1") is None  # the copies expire with Redis'
    assert store.read("1") is None
    store.set("1", "k2", None)
    assert other.read("1") == KeyRecord("k2", refreshed=False)
    store.write("1", "k2", None, refreshed=True)
    assert other.read("1") == KeyRecord("k2", refreshed=True)
    store.write("1", "k3", None, refreshed=False)
    assert other.read("1") == KeyRecord("k3", refreshed=False)  # the mark was for k2
    token = store.lock("1")
    assert token and other.lock("1") is None
    other.unlock("1", "not-the-token")  # only the holder unlocks
    assert other.lock("1") is None
    store.unlock("1", token)
    assert other.lock("1") is not None
    store.delete("1")
    assert other.read("1") is None
    store.close()  # its connections; the client reconnects if used again
    assert redis_prefix in repr(store) and "k3" not in repr(store)
    assert "k3" not in repr(KeyRecord("k3"))  # a key is never shown


def test_a_read_under_way_during_a_refresh_does_not_bring_the_old_key_back(
    redis_url: str, redis_prefix: str
) -> None:
    import redis

    gate, read_done = threading.Event(), threading.Event()

    class LateAnswers(redis.Redis):  # a real client whose read answers arrive late
        def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> Any:
            pipe = super().pipeline(transaction, shard_hint)
            if not transaction:
                execute = pipe.execute

                def late(*args: Any, **kwargs: Any) -> Any:
                    answer = execute(*args, **kwargs)  # the old key, read now...
                    read_done.set()
                    assert gate.wait(10)  # ...reported after the refresh
                    return answer

                pipe.execute = late  # type: ignore[method-assign]
            return pipe

    store = RedisKeyStore(LateAnswers.from_url(redis_url), prefix=redis_prefix)
    store.write("1", "old", ttl=None, refreshed=False)
    reading = threading.Thread(target=store.read, args=("1",))
    reading.start()
    assert read_done.wait(10)
    store.write("1", "new", ttl=None, refreshed=True)  # the refresh, meanwhile
    gate.set()
    reading.join(10)
    assert store.get("1") == "new"


def test_a_lock_whose_holder_died_expires(redis_url: str, redis_prefix: str) -> None:
    store = RedisKeyStore.from_url(redis_url, prefix=redis_prefix, lock_timeout=0.2)
    assert store.lock("1") is not None
    assert store.lock("1") is None
    time.sleep(0.25)
    assert store.lock("1") is not None


def test_a_dead_redis_is_a_store_error(server: Any, sandbox: Sandbox) -> None:
    url = f"redis://:pass-word@127.0.0.1:{free_port()}/0"
    store = RedisKeyStore.from_url(url, socket_connect_timeout=0.5)
    assert "pass-word" not in repr(store)
    with pytest.raises(StoreError) as info:
        store.read("1")
    assert "pass-word" not in str(info.value)
    client = secret_client(server, store)
    with pytest.raises(StoreError):
        client.room.list()
    assert sandbox.request_count() == 0  # nothing was sent
    with pytest.raises(ConfigurationError, match="Redis URL"):
        RedisKeyStore.from_url("http://127.0.0.1/")
    with pytest.raises(ConfigurationError):
        RedisKeyStore(object())  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the rate limit
def most_in_a_window(times: list[float], per: float) -> int:
    times = sorted(times)
    return max(sum(1 for u in times[i:] if u < t + per) for i, t in enumerate(times))


def test_4_processes_sharing_50_per_second_send_at_most_50_in_any_second(
    server: Any, sandbox: Sandbox, redis_url: str, redis_prefix: str
) -> None:
    with server.client() as c:
        room = c.room.create("r", int(time.time()) + 3600, int(time.time()) + 7200, 2)
    limited = settings(
        server,
        redis_url,
        redis_prefix,
        limit=50,
        per=1.0,
        threads=4,
        calls=10,
        room_id=room.room_id,
    )
    workers = Workers("limited", [limited] * 4)
    results = workers.go()
    assert all(r["results"] == ["ok"] * 4 for r in results)
    times = [e.time for e in sandbox.recent if e.path == INFO]
    assert len(times) == 4 * (1 + 4 * 10)  # a warm-up call each, then 40 each
    busiest = most_in_a_window(times, 1.0)
    assert busiest <= 50  # measured where the platform would count: on arrival
    assert busiest >= 45  # and the limit was reached: the limiter shaped the traffic
    assert max(times) - min(times) >= (len(times) - 50) / 50 - 0.1
    print(
        f"\nrate limit 50/s, 4 processes x 4 threads: {len(times)} requests, busiest second "
        f"{busiest}, over {max(times) - min(times):.2f}s"
    )


async def test_async_tasks_share_a_redis_limit(
    server: Any, sandbox: Sandbox, redis_url: str, redis_prefix: str
) -> None:
    limit = RedisRateLimit.from_url(redis_url, 20, per=0.5, prefix=redis_prefix)
    assert isinstance(limit, Limiter)
    with server.client() as c:
        room = c.room.create("r", int(time.time()) + 3600, int(time.time()) + 7200, 2)
    async with server.async_client(rate_limit=limit) as client:
        await asyncio.gather(*(client.room.info(room.room_id) for _ in range(60)))
    times = [e.time for e in sandbox.recent if e.path == INFO]
    assert len(times) == 60
    assert 18 <= most_in_a_window(times, 0.5) <= 20


def test_the_redis_limit_itself(redis_url: str, redis_prefix: str) -> None:
    limit = RedisRateLimit.from_url(redis_url, 2, per=0.3, prefix=redis_prefix)
    other = RedisRateLimit.from_url(redis_url, 2, per=0.3, prefix=redis_prefix)  # a worker
    a = limit.try_acquire("p", 5.0)
    b = other.try_acquire("p", 5.0)
    assert isinstance(a, Permit) and isinstance(b, Permit)
    wait = other.try_acquire("p", 5.0)
    assert wait == pytest.approx(0.3, abs=0.01)  # both pending: nothing frees before `per`
    assert isinstance(limit.try_acquire("q", 5.0), Permit)  # another account
    limit.release(a)
    other.release(b)
    time.sleep(0.1)
    fresh = RedisRateLimit.from_url(redis_url, 2, per=0.3, prefix=redis_prefix)
    wait = fresh.try_acquire("p", 5.0)
    assert isinstance(wait, float) and 0.1 < wait < 0.25  # a frees 0.3 s after its answer
    time.sleep(0.25)
    assert isinstance(fresh.try_acquire("p", 5.0), Permit)
    # A worker that died holding a slot: it frees `per` after its lease.
    dying = RedisRateLimit.from_url(redis_url, 1, per=0.2, prefix=redis_prefix + "x")
    assert isinstance(dying.try_acquire("p", 0.1), Permit)
    time.sleep(0.15)
    late = RedisRateLimit.from_url(redis_url, 1, per=0.2, prefix=redis_prefix + "x")
    wait = late.try_acquire("p", 0.1)
    assert isinstance(wait, float) and 0.1 < wait <= 0.2
    time.sleep(wait + 0.01)
    assert isinstance(late.try_acquire("p", 0.1), Permit)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_async_redis_calls_work_in_a_forked_worker(redis_url: str, redis_prefix: str) -> None:
    """A pre-fork server (gunicorn --preload) forks after the parent used the store."""
    limit = RedisRateLimit.from_url(redis_url, 10, per=1.0, prefix=redis_prefix)
    assert isinstance(asyncio.run(limit.atry_acquire("p", 1.0)), Permit)
    child = os.fork()
    if child == 0:  # pragma: no cover - the child
        signal.alarm(10)  # a pool whose threads were lost in the fork would hang here
        permit = asyncio.run(limit.atry_acquire("p", 1.0))
        os._exit(0 if isinstance(permit, Permit) else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_a_dead_redis_limit_is_a_store_error_and_nothing_is_sent(
    server: Any, sandbox: Sandbox
) -> None:
    limit = RedisRateLimit.from_url(
        f"redis://127.0.0.1:{free_port()}/0", 10, socket_connect_timeout=0.5
    )
    with server.client(rate_limit=limit) as client, pytest.raises(StoreError):
        client.room.list()
    assert sandbox.request_count() == 0


# --------------------------------------------------------------------------- callbacks
def test_the_redis_dedup_store(redis_url: str, redis_prefix: str) -> None:
    store = RedisDedupStore.from_url(redis_url, prefix=redis_prefix)
    a = CallbackDeduplicator(store, tolerance=None, claim_ttl=0.3)
    b = CallbackDeduplicator(
        RedisDedupStore.from_url(redis_url, prefix=redis_prefix), tolerance=None, claim_ttl=0.3
    )
    qid = "202701151600001234567890"
    assert a.claim(qid) is Claim.NEW
    assert b.claim(qid) is Claim.BUSY
    b.release(qid)  # not b's claim: nothing happens
    assert b.claim(qid) is Claim.BUSY
    a.release(qid)
    assert b.claim(qid) is Claim.NEW
    time.sleep(0.35)  # b died: its claim expires
    assert a.claim(qid) is Claim.NEW
    b.release(qid)  # late, and no longer b's
    assert b.claim(qid) is Claim.BUSY
    a.done(qid)
    assert b.claim(qid) is Claim.DONE and b.is_new(qid) is False
    other = "202701151600001234567891"
    assert a.is_new(other) is True and b.is_new(other) is False
    b.release(other)  # the earlier add_if_absent/discard pair
    assert a.is_new(other) is True


def test_a_callback_delivered_to_two_workers_at_once_is_handled_once(
    redis_url: str, redis_prefix: str
) -> None:
    import redis

    def worker(name: str) -> dict[str, Any]:
        return {
            "name": name,
            "redis_url": redis_url,
            "prefix": redis_prefix,
            "partner_key": SANDBOX_PARTNER_KEY,
            "hold": 0.5,
            "claim_ttl": 30,
        }

    workers = Workers("receiver", [worker("a"), worker("b")])
    urls = workers.first_lines
    handled = redis.Redis.from_url(redis_url)
    qid = time.strftime("%Y%m%d%H%M%S", time.gmtime(time.time() + 8 * 3600)) + "0000000001"
    event = {"room_id": "27011512345678", "op": "end", "op_time": "2027-01-15 17:00:00"}
    try:
        body = sign_callback({**event, "qid": qid}, SANDBOX_PARTNER_KEY)
        with ThreadPoolExecutor(2) as pool:  # the platform's retry lands on the other worker
            answers = list(pool.map(lambda url: httpx2.post(url, data=body, timeout=10), urls))
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [200, 409], [a.text for a in answers]
        assert handled.llen(redis_prefix + "handled") == 1
        again = [httpx2.post(url, data=body, timeout=10) for url in urls]
        assert [a.status_code for a in again] == [200, 200]  # done: repeats are dropped
        assert [a.json() for a in again] == [{"code": 0, "msg": ""}] * 2
        assert handled.llen(redis_prefix + "handled") == 1

        # Worker a's handler fails: the claim is given back and b handles the next delivery.
        failing_qid = qid[:-1] + "2"
        failing = sign_callback({**event, "qid": failing_qid, "fail": "a"}, SANDBOX_PARTNER_KEY)
        assert httpx2.post(urls[0], data=failing, timeout=10).status_code == 500
        assert httpx2.post(urls[1], data=failing, timeout=10).status_code == 200
        assert httpx2.post(urls[0], data=failing, timeout=10).status_code == 200
        calls = [c.decode() for c in handled.lrange(redis_prefix + "handled", 0, -1)]
        assert calls[1:] == [f"a:{failing_qid}", f"b:{failing_qid}"]
    finally:
        workers.stop()
        handled.close()


# --------------------------------------------------------------------------- issue 20, item 5
@pytest.mark.parametrize("decode_responses", [False, True])
async def test_a_stored_key_that_is_not_utf8_is_fetched_again(
    server: Any, sandbox: Sandbox, redis_url: str, redis_prefix: str, decode_responses: bool
) -> None:
    """Bytes that are not UTF-8 under the partner key's name are treated as missing: the
    key is fetched once and written over them, sync and async (fails with the value
    decoded unguarded: a ``UnicodeDecodeError`` out of every call)."""
    import redis

    name = f"{redis_prefix}partner_key:{{{SANDBOX_PARTNER_ID}}}"
    raw = redis.Redis.from_url(redis_url)
    for make in (BaiJiaYunClient, AsyncBaiJiaYunClient):
        sandbox.reset()
        raw.set(name, b"\xff\xfe not a key \xc3")
        client_options = {"decode_responses": decode_responses}
        store = RedisKeyStore.from_url(redis_url, prefix=redis_prefix, **client_options)
        client = secret_client(server, store, make)
        listed = client.room.list()
        assert (await listed if make is AsyncBaiJiaYunClient else listed) == []
        assert sandbox.request_count(CREATEKEY) == 1
        assert raw.get(name) == SANDBOX_PARTNER_KEY.encode()  # repaired in Redis
        assert store.read(SANDBOX_PARTNER_ID) == KeyRecord(SANDBOX_PARTNER_KEY)
        if make is AsyncBaiJiaYunClient:
            await client.aclose()
        else:
            client.close()
    raw.close()


async def test_a_worker_told_to_wait_does_not_ask_redis_again_meanwhile(
    redis_url: str, redis_prefix: str
) -> None:
    """Refused with "wait 0.6 s", a worker's threads and tasks wait until then without a
    round trip to Redis, then ask again (bug tried: ``self._full_until[key] =
    time.monotonic()`` for ``... + wait`` in ``RedisRateLimit.try_acquire``: each asks
    Redis again at once)."""
    limit = RedisRateLimit.from_url(redis_url, 1, per=0.6, prefix=redis_prefix)
    asked: list[int] = []
    script = limit._acquire

    def counted(*args: Any, **kwargs: Any) -> Any:
        asked.append(1)
        return script(*args, **kwargs)

    limit._acquire = counted  # type: ignore[method-assign]
    permit = limit.try_acquire("p", 5.0)
    assert isinstance(permit, Permit)
    limit.release(permit)
    told = limit.try_acquire("p", 5.0)
    assert isinstance(told, float) and 0.4 < told <= 0.6
    assert len(asked) == 2
    with ThreadPoolExecutor(4) as pool:
        waits = list(pool.map(lambda _: limit.try_acquire("p", 5.0), range(8)))
    waits += await asyncio.gather(*(limit.atry_acquire("p", 5.0) for _ in range(8)))
    assert all(isinstance(w, float) and 0 < w <= told for w in waits), waits
    assert len(asked) == 2  # every one of them was answered from what Redis said
    await asyncio.sleep(told + 0.02)
    assert isinstance(limit.try_acquire("p", 5.0), Permit) and len(asked) == 3
    limit.close()
