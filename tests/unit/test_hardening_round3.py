"""Issue 20 (hardening, third round), the SDK's side: each test names the bug it catches.

Every test here was seen to fail with its bug put in by hand (the docstring says
which line was changed) and to pass on the code as it is.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest

from baijiayun import AsyncBaiJiaYunClient, BaiJiaYunClient, DecodeError
from baijiayun._flow import ANSWER_TOO_LARGE, MAX_ANSWER_BYTES
from baijiayun.keys import KeyRecord, PartnerKeyProvider, RedisKeyStore

from .conftest import PARTNER_ID, PARTNER_KEY, ROOM_ID

NOT_UTF8 = b"\xff\xfe\xc3 not a key"


# --------------------------------------------------------------------------- item 5
class FakeRedis:
    """What RedisKeyStore asks of redis-py, over a dict (a ``redis.Redis`` by class)."""

    @staticmethod
    def make(values: dict[str, Any]) -> Any:
        import redis

        class Fake(redis.Redis):
            def __init__(self) -> None:
                super().__init__()  # connects only when used: never, here
                self.values = values

            def register_script(self, script: Any) -> Any:
                return lambda keys, args: values.pop(keys[0], None) and 1

            def set(self, name: Any, value: Any, nx: bool = False, **_: Any) -> Any:
                if nx and name in values:
                    return None
                values[name] = value.encode() if isinstance(value, str) else value
                return True

            def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> Any:
                return FakePipe(self)

        return Fake()


class FakePipe:
    def __init__(self, client: Any) -> None:
        self.client, self.ops = client, []

    def get(self, name: str) -> FakePipe:
        self.ops.append(lambda: self.client.values.get(name))
        return self

    def pttl(self, name: str) -> FakePipe:
        self.ops.append(lambda: -1)
        return self

    def set(self, name: str, value: Any, **options: Any) -> FakePipe:
        self.ops.append(lambda: self.client.set(name, value))
        return self

    def execute(self) -> list[Any]:
        return [op() for op in self.ops]


def test_a_stored_key_that_is_not_utf8_is_missing_and_fetched_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Bug tried: ``key = raw.decode("utf-8")`` without the guard in ``_readable_key``
    (UnicodeDecodeError out of ``read``, ``aread`` and every call)."""
    values: dict[str, Any] = {"p:partner_key:{1}": NOT_UTF8}
    store = RedisKeyStore(FakeRedis.make(values), prefix="p:")
    with caplog.at_level(logging.WARNING, "baijiayun"):
        assert store.read("1") is None
        assert asyncio.run(store.aread("1")) is None
    assert "not UTF-8" in caplog.text and "not a key" not in caplog.text  # never the value
    fetched: list[str] = []

    def fetch() -> str:
        fetched.append("createkey")
        return "fresh-key"

    provider = PartnerKeyProvider("1", store=store)
    assert provider.get(fetch) == "fresh-key" and fetched == ["createkey"]
    assert values["p:partner_key:{1}"] == b"fresh-key"  # written over the bad value
    assert store.read("1") == KeyRecord("fresh-key")
    values["p:partner_key:{1}"] = NOT_UTF8

    async def afetch() -> str:
        fetched.append("createkey")
        return "fresh-key-2"

    async def aget() -> str:
        return await PartnerKeyProvider(
            "1", store=RedisKeyStore(FakeRedis.make(values), prefix="p:")
        ).aget(afetch)

    assert asyncio.run(aget()) == "fresh-key-2" and len(fetched) == 2
    assert values["p:partner_key:{1}"] == b"fresh-key-2"
    values["p:partner_key:{1}"] = b""  # an empty value is no key either
    assert store.read("1") is None


# --------------------------------------------------------------------------- item 9
MiB = 1 << 20


class HugeAnswerServer:
    """Answers every request with an endless JSON listing on 127.0.0.1: chunked, or
    announcing ``Content-Length: 10 GiB`` and sending it slowly. Counts what it sent."""

    def __init__(self, framing: str) -> None:
        self.framing = framing
        self.connections = 0
        self.sent = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/"
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            thread = threading.Thread(target=self._answer, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            item = b'{"room_id": 27011512345678, "title": "a room"},' * (MiB // 48)
            if self.framing == "chunked":
                head = b"Transfer-Encoding: chunked\r\n\r\n"
                piece = b"%x\r\n" % len(item) + item + b"\r\n"
            else:
                head = b"Content-Length: %d\r\n\r\n" % (10 << 30)
                piece = item
            until = time.monotonic() + 10  # no test can hang on this server
            try:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + head)
                start = b'{"code": 0, "msg": "", "data": {"list": ['
                chunked = self.framing == "chunked"
                conn.sendall(b"%x\r\n%s\r\n" % (len(start), start) if chunked else start)
                while not self._stop.is_set() and time.monotonic() < until:
                    if self.framing == "length":
                        time.sleep(0.5)  # slow: waiting for this body would take ages
                    conn.sendall(piece)
                    self.sent += len(piece)
            except OSError:  # the client closed: what we want
                return

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        for thread in self._threads:
            thread.join(5)


@pytest.fixture(params=["chunked", "length"])
def huge(request: pytest.FixtureRequest) -> Iterator[HugeAnswerServer]:
    server = HugeAnswerServer(request.param)
    yield server
    server.close()


def test_an_answer_past_the_cap_is_refused_without_reading_further(
    huge: HugeAnswerServer, mode: str
) -> None:
    """An endless answer fails fast as a DecodeError, not retried, memory bounded by the
    cap (bug tried: ``return RawResponse(..., response.read(), ...)`` in ``_read``/``_aread``:
    the call reads until the 30 s timeout, memory growing all the while)."""
    options: dict[str, Any] = {"base_url": huge.url, "timeout": 30, "max_retries": 2}
    tracemalloc.start()
    started = time.monotonic()
    try:
        if mode == "sync":
            client = BaiJiaYunClient(PARTNER_ID, partner_key=PARTNER_KEY, **options)
            with client, pytest.raises(DecodeError) as info:
                client.room.info(ROOM_ID)
        else:

            async def scenario() -> Any:
                async with AsyncBaiJiaYunClient(
                    PARTNER_ID, partner_key=PARTNER_KEY, **options
                ) as client:
                    with pytest.raises(DecodeError) as info:
                        await client.room.info(ROOM_ID)
                    return info

            info = asyncio.run(scenario())
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert info.value.reason == ANSWER_TOO_LARGE and "32 MiB" in str(info.value)
    assert 16 * MiB <= MAX_ANSWER_BYTES  # generous: a listing of 1,000 items is a few MB
    assert elapsed < 5, elapsed
    assert huge.connections == 1  # not retried: the same answer would come back
    assert peak < 2 * MAX_ANSWER_BYTES + 16 * MiB, peak
    if huge.framing == "length":
        assert huge.sent <= 2 * MiB  # refused on its Content-Length: the body was not waited for
    else:
        assert huge.sent < MAX_ANSWER_BYTES + 16 * MiB
