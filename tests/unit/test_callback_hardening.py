"""Callbacks under attack (issue 8, item 14).

* The sign cannot tell where one field ends and the next begins, so a captured
  delivery re-sent with its ``qid`` moved into another value still verifies:
  de-duplication must require a well-formed ``qid`` and refuse one without.
* A receiver stops reading at its 1 MB limit, even for a chunked body that
  announces no ``Content-Length``: memory does not grow with the body.
"""

from __future__ import annotations

import asyncio
import io
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest

from baijiayun import CallbackDeduplicator, sign_callback, verify_callback
from baijiayun.callbacks import check_qid
from baijiayun.callbacks.receivers._core import MAX_BODY, form_fields
from baijiayun.errors import CallbackSignatureError

from .test_receivers import FRAMEWORKS, KEY, OK, Recorder, body_of, django_env  # noqa: F401

INVALID = (400, {"code": 1, "msg": "invalid callback"})
CHUNK = 1 << 16
HUGE = 64 << 20  # what a hostile sender offers: 64 MB, never announced


def qid_now(tail: str = "0123456789", shift: float = 0) -> str:
    """A qid as the platform makes it: Beijing time now, then 10 digits."""
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(time.time() + shift + 8 * 3600)) + tail


def genuine(pad: int = 0, timestamp: int | None = None) -> dict[str, str]:
    fields = {
        "room_id": "27011512345678",
        "op": "start",
        "op_time": "2027-01-15 16:00:00",
        "qid": qid_now(),
    }
    if pad:
        fields["note"] = "x" * pad
    return sign_callback(fields, KEY, timestamp=timestamp)


def forgeries(good: dict[str, str]) -> list[dict[str, str]]:
    """Copies of ``good`` with ``&qid=…`` moved into a neighbour: each signs the same text."""
    qid, room, stamp, sign = good["qid"], good["room_id"], good["timestamp"], good["sign"]
    base = {"op": good["op"], "timestamp": stamp, "sign": sign}
    return [
        {**base, "op_time": f"{good['op_time']}&qid={qid}", "room_id": room},  # no qid left
        {**base, "op_time": good["op_time"], "qid": f"{qid}&room_id={room}"},  # qid not 24 digits
        {**base, "op_time": good["op_time"], f"qid={qid}&room_id": room},  # key holds the qid
    ]


# --------------------------------------------------------------------------- qid rule
def test_the_forgeries_verify_so_only_the_qid_rule_stops_them() -> None:
    good = genuine()
    for forged in forgeries(good):
        assert verify_callback(forged, KEY)  # the sign holds: this is the weakness


@pytest.mark.parametrize("name", sorted(FRAMEWORKS))
def test_one_genuine_and_three_forged_deliveries_call_the_handler_once(
    name: str, request: pytest.FixtureRequest
) -> None:
    """Before: the handler was called 4 times (each forgery looked like a new delivery)."""
    if name == "django":
        request.getfixturevalue("django_env")
    handler = Recorder()
    post = FRAMEWORKS[name](handler, CallbackDeduplicator())
    good = genuine()
    assert post(body_of(good)) == (200, OK)
    for forged in forgeries(good):
        assert post(body_of(forged)) == INVALID
    assert post(body_of(good)) == (200, OK)  # the genuine repeat: answered, not handled
    assert len(handler.events) == 1


@pytest.mark.parametrize(
    ("qid", "reason"),
    [
        (None, "missing_qid"),
        ("", "missing_qid"),
        ("12345", "malformed_qid"),
        (qid_now() + "0", "malformed_qid"),  # 25 digits
        (qid_now()[:-1] + "x", "malformed_qid"),
        ("２" * 24, "malformed_qid"),  # not ASCII digits
        ("202713451600000123456789", "malformed_qid"),  # month 13
        (qid_now(shift=-3600), "stale_qid"),
        (qid_now(shift=3600), "future_qid"),
    ],
)
def test_a_qid_must_be_24_digits_of_beijing_time_within_the_window(qid, reason) -> None:
    dedup = CallbackDeduplicator()
    with pytest.raises(CallbackSignatureError) as info:
        dedup.is_new({"qid": qid} if qid is not None else {})
    assert info.value.reason == reason
    assert dedup.is_new(qid_now("9999999999"))  # a good one passes


def test_the_qid_window_follows_the_tolerance() -> None:
    old = qid_now(shift=-3600)
    assert CallbackDeduplicator(tolerance=7200).is_new(old)
    assert CallbackDeduplicator(tolerance=None).is_new(old)  # the form is still required
    with pytest.raises(CallbackSignatureError):
        CallbackDeduplicator(tolerance=None).is_new("not-a-qid")
    assert check_qid(old, tolerance=None) == old


# --------------------------------------------------------------------------- body limit
class Offered:
    """A body of ``HUGE`` bytes handed out lazily, counting what the receiver took."""

    def __init__(self, total: int = HUGE) -> None:
        self.left = total
        self.taken = 0
        self._chunk = b"a" * CHUNK

    def next_chunk(self, size: int = CHUNK) -> bytes:
        size = min(size, CHUNK, self.left)
        self.left -= size
        self.taken += size
        return self._chunk[:size]


class OfferedStream(io.RawIOBase):
    """``wsgi.input`` over an :class:`Offered` body."""

    def __init__(self, offered: Offered) -> None:
        self.offered = offered

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.offered.next_chunk(len(buffer))
        buffer[: len(data)] = data
        return len(data)


@pytest.fixture
def memory() -> Iterator[list[int]]:
    """The peak of Python allocations during the test, in bytes."""
    peak: list[int] = []
    tracemalloc.start()
    yield peak
    peak.append(tracemalloc.get_traced_memory()[1])
    tracemalloc.stop()


def _assert_bounded(offered: Offered, peak_bytes: int) -> None:
    assert offered.taken <= MAX_BODY + CHUNK, f"read {offered.taken} bytes"
    assert peak_bytes < 8 * MAX_BODY, f"peak {peak_bytes} bytes"


CHUNKED_HEADERS = [(b"content-type", b"application/x-www-form-urlencoded")]


def test_starlette_stops_reading_a_chunked_body_at_the_limit(memory: list[int]) -> None:
    """Before: the whole body was read first (300 MB: RSS 45 -> 331 MB)."""
    from starlette.applications import Starlette

    from baijiayun.callbacks.receivers.starlette import callback_route

    handler = Recorder()
    app = Starlette(routes=[callback_route("/cb", handler, KEY)])
    offered = Offered()
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        chunk = offered.next_chunk()
        return {"type": "http.request", "body": chunk, "more_body": offered.left > 0}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/cb",
        "raw_path": b"/cb",
        "root_path": "",
        "query_string": b"",
        "headers": [*CHUNKED_HEADERS, (b"transfer-encoding", b"chunked")],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    asyncio.run(app(scope, receive, send))
    _assert_bounded(offered, tracemalloc.get_traced_memory()[1])
    assert sent[0]["status"] == 400 and handler.events == []


def _wsgi_environ(offered: Offered) -> dict[str, Any]:
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(method="POST", path="/cb").get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
    environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    environ["wsgi.input"] = io.BufferedReader(OfferedStream(offered))
    environ["wsgi.input_terminated"] = True  # the server de-chunks: read to the end
    return environ


def _wsgi_call(app: Any, environ: dict[str, Any]) -> str:
    status: list[str] = []
    body = b"".join(app(environ, lambda s, h, e=None: status.append(s)))
    assert body
    return status[0]


def test_flask_stops_reading_a_chunked_body_at_the_limit(memory: list[int]) -> None:
    from flask import Flask

    from baijiayun.callbacks.receivers.flask import callback_view

    handler = Recorder()
    app = Flask(__name__)
    app.add_url_rule("/cb", view_func=callback_view(handler, KEY), methods=["POST"])
    offered = Offered()
    status = _wsgi_call(app, _wsgi_environ(offered))
    _assert_bounded(offered, tracemalloc.get_traced_memory()[1])
    assert status.startswith("400") and handler.events == []


def test_django_stops_reading_a_chunked_body_at_the_limit(django_env: None, memory) -> None:  # noqa: F811
    from django.core.handlers.wsgi import WSGIHandler

    from . import test_receivers

    handler = Recorder()
    test_receivers.make_django(handler, None)
    offered = Offered()
    status = _wsgi_call(WSGIHandler(), _wsgi_environ(offered))
    _assert_bounded(offered, tracemalloc.get_traced_memory()[1])
    assert status.startswith("400") and handler.events == []


@pytest.mark.parametrize("name", sorted(FRAMEWORKS))
def test_a_body_just_under_the_limit_is_still_read(name: str, request) -> None:
    if name == "django":
        request.getfixturevalue("django_env")
    handler = Recorder()
    post = FRAMEWORKS[name](handler, None)
    stamp = int(time.time())
    size = len(body_of(genuine(pad=1, timestamp=stamp))) - 1
    padded = body_of(genuine(pad=MAX_BODY - size, timestamp=stamp))
    assert len(padded) == MAX_BODY
    assert post(padded) == (200, OK)
    over = body_of(genuine(pad=MAX_BODY - size + 1, timestamp=stamp))
    assert post(over) == INVALID
    assert len(handler.events) == 1


def test_multipart_text_fields_are_read_and_file_parts_refused() -> None:
    boundary = "XyZ"
    fields = genuine()
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    ]
    body = ("".join(parts) + f"--{boundary}--\r\n").encode()
    read = form_fields(body, f"multipart/form-data; boundary={boundary}")
    assert read == list(fields.items())
    assert verify_callback(read, KEY)
    with_file = body.replace(b'name="op"', b'name="op"; filename="a.txt"')
    assert form_fields(with_file, f"multipart/form-data; boundary={boundary}") is None


# --------------------------------------------------------------------------- issue 20, item 1
def many_parts(count: int, boundary: str = "XyZ") -> bytes:
    """A body of ``count`` tiny text fields."""
    part = f'--{boundary}\r\nContent-Disposition: form-data; name="k"\r\n\r\nv\r\n'
    return (part * count + f"--{boundary}--\r\n").encode()


def flood_body(count: int = 25_000) -> bytes:
    """``count`` bare parts of 41 bytes (25,000 of them: 1,025,008 bytes, under the limit)."""
    return (
        b"--b\r\n\r\n"
        + b"v" * 32
        + b"\r\n"
        + (b"--b\r\n\r\n" + b"v" * 32 + b"\r\n") * (count - 1)
        + b"--b--\r\n"
    )


def nested(depth: int, boundary: str = "b") -> bytes:
    """A multipart body whose one part is a multipart body whose one part is ... ``depth`` deep."""
    body = b"x"
    for level in range(depth):
        inner = f"{boundary}{level}"
        kind = "text/plain" if level == 0 else f"multipart/mixed; boundary={boundary}{level - 1}"
        body = (
            (
                f'--{inner}\r\nContent-Disposition: form-data; name="n"\r\n'
                f"Content-Type: {kind}\r\n\r\n"
            ).encode()
            + body
            + f"\r\n--{inner}--\r\n".encode()
        )
    return body


def fastest(work: Any, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def test_a_flood_of_tiny_parts_is_refused_before_parsing() -> None:
    """25,000 parts in 1 MB are counted, not parsed: refused in milliseconds (the email
    parser took ~3 s; fails with the part count checked after parsing)."""
    body = flood_body()
    assert len(body) <= MAX_BODY
    refused = fastest(lambda: form_fields(body, "multipart/form-data; boundary=b"))
    assert form_fields(body, "multipart/form-data; boundary=b") is None
    assert refused < 0.05, refused
    # The limit is the field count: 1,000 parts are read, 1,001 are not.
    assert len(form_fields(many_parts(1000), "multipart/form-data; boundary=XyZ") or []) == 1000
    assert form_fields(many_parts(1001), "multipart/form-data; boundary=XyZ") is None


def test_nested_multipart_is_refused_at_once() -> None:
    """A 3,000-deep nested multipart body (1.1-1.6 s in the email parser) is refused at its
    first part, whose type is not text (fails if nested parts are parsed)."""
    body = nested(3000)
    ctype = "multipart/form-data; boundary=b2999"
    assert form_fields(body, ctype) is None
    assert fastest(lambda: form_fields(body, ctype)) < 0.05
    assert form_fields(nested(1), "multipart/form-data; boundary=b0") == [("n", "x")]


@pytest.mark.parametrize(
    "part",
    [
        'Content-Disposition: form-data; name="op"; filename="a.txt"',  # a file
        'Content-Disposition: form-data; name="op"\r\nContent-Type: application/octet-stream',
        'Content-Disposition: form-data; name="op"\r\nContent-Transfer-Encoding: base64',
        'Content-Disposition: attachment; name="op"',
        "Content-Disposition: form-data",  # no name
        'Content-Disposition: form-data; name="op"\r\n folded',
        "X" * 2000 + ': y\r\nContent-Disposition: form-data; name="op"',  # a header too long
    ],
)
def test_a_part_that_is_not_one_text_field_is_refused(part: str) -> None:
    body = f"--XyZ\r\n{part}\r\n\r\nstart\r\n--XyZ--\r\n".encode()
    assert form_fields(body, "multipart/form-data; boundary=XyZ") is None
    plain = b'--XyZ\r\nContent-Disposition: form-data; name="op"\r\n\r\nstart\r\n--XyZ--\r\n'
    assert form_fields(plain, "multipart/form-data; boundary=XyZ") == [("op", "start")]
    assert form_fields(plain, "multipart/mixed; boundary=XyZ") is None
    assert form_fields(plain, "multipart/form-data") is None  # no boundary


def test_starlette_parses_the_form_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """The form is parsed in a worker thread (fails with ``form_fields`` called on the loop)."""
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from baijiayun.callbacks.receivers import starlette as receiver

    on_loop: list[bool] = []

    def spy(body: bytes | None, content_type: str) -> Any:
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            on_loop.append(False)
        return form_fields(body, content_type)

    monkeypatch.setattr(receiver, "form_fields", spy)
    handler = Recorder()
    client = TestClient(Starlette(routes=[receiver.callback_route("/cb", handler, KEY)]))
    response = client.post(
        "/cb",
        content=body_of(genuine()),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert (response.status_code, response.json()) == (200, OK)
    assert on_loop == [False]
