"""Issue 20 (hardening, third round), the SDK's side: each test names the bug it catches.

Every test here was seen to fail with its bug put in by hand (the docstring says
which line was changed) and to pass on the code as it is.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest

from baijiayun import AsyncBaiJiaYunClient, BaiJiaYunClient, DecodeError
from baijiayun._flow import ANSWER_TOO_LARGE, MAX_ANSWER_BYTES
from baijiayun.keys import KeyRecord, PartnerKeyProvider, RedisKeyStore

from .conftest import PARTNER_ID, PARTNER_KEY, ROOM_ID
from .rawserver import RawServer
from .test_upload import (
    CHUNK,
    FIRST_URL,
    HOST_PATH,
    RESUME,
    UPLOAD,
    VIDEO_ID,
    UploadHost,
    upload,
)

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


class HugeAnswerServer(RawServer):
    """Answers every request with an endless JSON listing on 127.0.0.1: chunked, or
    announcing ``Content-Length: 10 GiB`` and sending it slowly. Counts what it sent."""

    def __init__(self, framing: str) -> None:
        self.framing = framing
        self.sent = 0
        super().__init__()

    def answer(self, conn: socket.socket) -> None:
        item = b'{"room_id": 27011512345678, "title": "a room"},' * (MiB // 48)
        chunked = self.framing == "chunked"
        if chunked:
            head = b"Transfer-Encoding: chunked\r\n\r\n"
            piece = b"%x\r\n" % len(item) + item + b"\r\n"
        else:
            head = b"Content-Length: %d\r\n\r\n" % (10 << 30)
            piece = item
        until = time.monotonic() + 10  # no test can hang on this server
        try:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + head)
            start = b'{"code": 0, "msg": "", "data": {"list": ['
            conn.sendall(b"%x\r\n%s\r\n" % (len(start), start) if chunked else start)
            while not self._stop.is_set() and time.monotonic() < until:
                if not chunked:
                    time.sleep(0.5)  # slow: waiting for this body would take ages
                conn.sendall(piece)
                self.sent += len(piece)
        except OSError:  # the client closed: what we want
            return


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


# --------------------------------------------------------------------------- untested behaviour
@pytest.mark.parametrize(
    "text",
    [
        "POST /openapi/room/info?room_id=1&SIGN=c0ffee0123&timestamp=1",
        '{"Partner_Key": "c0ffee0123", "code": 0}',
        "{'SECRET_KEY': 'c0ffee0123'}",
        "partner_KEY = c0ffee0123; next",
    ],
)
def test_redaction_ignores_case(text: str) -> None:
    """``SIGN=`` or ``Partner_Key`` values are redacted like lower-case ones (bug tried:
    ``re.IGNORECASE`` dropped from ``errors._SECRET_VALUE``: the value shows)."""
    from baijiayun.errors import DecodeError as Decode
    from baijiayun.errors import HTTPStatusError, redact

    assert "c0ffee0123" not in redact(text) and "***" in redact(text)
    assert "c0ffee0123" not in str(Decode("body is not JSON", text, path="/x"))
    assert "c0ffee0123" not in str(HTTPStatusError(502, text, path="/x"))


def test_redacted_data_ignores_the_case_of_key_names() -> None:
    """A mapping's ``SIGN`` / ``Partner_Key`` / ``Secret_Key`` values are masked (bug tried:
    ``str(k)`` for ``str(k).lower()`` in ``redact_data``)."""
    from baijiayun.errors import redact_data

    data = {"SIGN": "c0ffee0123", "list": [{"Partner_Key": "c0ffee0123"}], "Secret_Key": 1}
    shown = redact_data(data)
    assert shown == {"SIGN": "***", "list": [{"Partner_Key": "***"}], "Secret_Key": "***"}


def test_a_network_operation_gets_the_smaller_of_its_timeout_and_what_is_left() -> None:
    """Bug tried: ``timeout < left`` for ``timeout > left`` in ``_deadline._left`` (the
    larger of the two: a 60 s read timeout outlived a 1 s attempt)."""
    from baijiayun import _deadline

    token = _deadline.start(1.0)
    try:
        assert _deadline._left(60.0, "read") <= 1.0  # the attempt's end comes first
        assert _deadline._left(0.2, "read") == 0.2  # the operation's own timeout comes first
        assert _deadline._left(None, "read") <= 1.0
    finally:
        _deadline.end(token)
    assert _deadline._left(60.0, "read") == 60.0  # no attempt under way: unbounded by it


class LeaseSpy:
    """A limiter that grants every slot and records each lease asked for."""

    def __init__(self) -> None:
        self.leases: list[float] = []

    def try_acquire(self, key: str, lease: float) -> Any:
        from baijiayun.limits import Permit

        self.leases.append(lease)
        return Permit(self, key, str(len(self.leases)))  # type: ignore[arg-type]

    async def atry_acquire(self, key: str, lease: float) -> Any:
        return self.try_acquire(key, lease)

    def release(self, permit: Any) -> None:
        pass

    async def arelease(self, permit: Any) -> None:
        pass


def test_a_slot_is_leased_for_the_attempts_timeout(make_harness: Any, mode: str) -> None:
    """A rate-limit slot is held for the attempt's timeout, the client's or a call's
    (bug tried: ``lease = DEFAULT_LEASE`` in ``ClientBase._slot``: a dead worker's slot
    stays taken for the default lease whatever the timeout)."""
    from baijiayun.limits import DEFAULT_LEASE

    spy = LeaseSpy()
    harness = make_harness(mode, timeout=7.5, rate_limit=spy)
    harness.run(lambda c: c.room.info(ROOM_ID))
    harness.run(lambda c: c.with_options(timeout=2.0).room.info(ROOM_ID))
    assert spy.leases == [7.5, 2.0] and DEFAULT_LEASE not in spy.leases


DOC = "/openapi/doc/uploadDoc"


@pytest.mark.parametrize("form", ["file", "tuple"])
def test_a_file_object_is_rewound_before_a_retried_upload(
    harness: Any, tmp_path: Any, form: str
) -> None:
    """The first attempt read the whole file and never reached the platform; the retry
    sends the whole file again, not the empty rest. (httpx2's multipart writer rewinds a
    file object too, so this end-to-end test holds even without the SDK's own rewind: the
    next test guards that one.)"""
    import httpx2

    data = b"%PDF-" + bytes(range(256)) * 40
    path = tmp_path / "slides.pdf"
    path.write_bytes(data)
    harness.api.script(DOC, httpx2.ConnectError("refused"), {"fid": 1, "name": "slides.pdf"})
    with path.open("rb") as handle:
        value = handle if form == "file" else ("slides.pdf", handle)
        harness.run(lambda c: c.doc.upload_doc(value))
    first, second = harness.api.to(DOC)
    assert first.files["attachment"] == ("slides.pdf", data)
    assert second.files["attachment"] == ("slides.pdf", data)  # again from its start


@pytest.mark.parametrize("form", ["file", "tuple"])
def test_each_attempt_puts_a_file_object_back_at_its_start(tmp_path: Any, form: str) -> None:
    """Every attempt's file parts start at byte 0, whatever the last attempt read (bug
    tried: ``value.seek(0)`` left out of ``_transport._rewind``; before this round a
    ``(filename, file object)`` tuple was never rewound)."""
    from contextlib import ExitStack

    from baijiayun._transport import _file_parts

    path = tmp_path / "slides.pdf"
    path.write_bytes(b"x" * 1000)
    with path.open("rb") as handle, ExitStack() as stack:
        handle.read()  # what the failed attempt consumed
        value = handle if form == "file" else ("slides.pdf", handle)
        parts = _file_parts({"attachment": value}, stack)
        assert handle.tell() == 0
        assert parts["attachment"][1] is handle


@pytest.fixture
def host(api: Any) -> UploadHost:
    """The scripted upload host of ``test_upload.py``, on this test's platform."""
    host = UploadHost()
    api.script(UPLOAD, {"video_id": VIDEO_ID, "upload_url": FIRST_URL})
    api.script(HOST_PATH, host)
    api.script(RESUME, host.resume)
    return host


@pytest.fixture
def video_file(tmp_path: Any) -> tuple[str, bytes]:
    data = bytes(range(256)) * (5 * CHUNK // 256) + b"tail"  # five chunks, the last short
    path = tmp_path / "lecture.mp4"
    path.write_bytes(data)
    return str(path), data


def test_a_good_chunk_resets_the_failure_count(harness: Any, host: Any, video_file: Any) -> None:
    """``max_resumes`` counts failures in a row: a failure after each good chunk never
    adds up (bug tried: ``offset = result`` for ``offset, failures = result, 0`` in
    ``_upload``: the third lost chunk of the upload gave up with max_resumes=1)."""
    path, data = video_file
    host.plan = ["lose", "ok", "lose", "ok", "lose", "ok"]
    assert upload(harness, path, max_resumes=1) == VIDEO_ID
    assert bytes(host.data) == data
    assert len(harness.api.to(RESUME)) == 3


def test_a_resume_that_finds_every_byte_held_completes(
    harness: Any, host: Any, video_file: Any
) -> None:
    """The host holds the whole file (the last chunk's answer was lost, or an earlier run
    finished): the upload is complete, nothing more is sent (bug tried:
    ``0 <= held < total`` for ``0 <= held <= total`` in ``_upload._resume``: a DecodeError)."""
    path, data = video_file
    host.plan = ["ok"] * 5 + ["drop"]  # the last chunk is kept, its answer lost
    assert upload(harness, path) == VIDEO_ID
    assert bytes(host.data) == data
    assert harness.api.paths == [UPLOAD] + [HOST_PATH] * 6 + [RESUME]
    host.chunks.clear()
    assert upload(harness, path, video_id=VIDEO_ID) == VIDEO_ID  # continued: already whole
    assert host.chunks == [] and bytes(host.data) == data


class WaitOnce(LeaseSpy):
    """A limiter that first says "wait 0.3 s", then grants; records when it was asked."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[float] = []

    def try_acquire(self, key: str, lease: float) -> Any:
        self.asked.append(time.monotonic())
        return 0.3 if len(self.asked) == 1 else super().try_acquire(key, lease)


def test_a_refused_slot_is_asked_for_again_only_when_told(make_harness: Any, mode: str) -> None:
    """The driver sleeps the seconds the limiter said before asking again (bug tried:
    ``yield Sleep(0)`` for ``yield Sleep(granted)`` in ``ClientBase._slot``: it asked at
    once, over and over)."""
    limiter = WaitOnce()
    harness = make_harness(mode, rate_limit=limiter)
    harness.run(lambda c: c.room.info(ROOM_ID))
    assert len(limiter.asked) == 2
    assert limiter.asked[1] - limiter.asked[0] >= 0.29
