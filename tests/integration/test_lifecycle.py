"""Class lifecycle and media callbacks the sandbox sends to a receiver on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import pytest

from baijiayun import BaiJiaYunClient
from baijiayun._signing import sign
from baijiayun.api.live import LiveStatus
from baijiayun.sandbox import SANDBOX_PARTNER_KEY, PlatformError, Sandbox


class Receiver:
    """A plain HTTP receiver that checks the sign by hand and records what it got."""

    def __init__(self, answer: dict[str, Any] | None = None) -> None:
        self.received: list[dict[str, str]] = []
        self.answer = answer or {"code": 0, "msg": ""}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                fields = dict(parse_qsl(self.rfile.read(length).decode()))
                outer.received.append(dict(fields))
                received_sign = fields.pop("sign", "")
                ok = sign(fields, SANDBOX_PARTNER_KEY) == received_sign
                body = json.dumps(outer.answer if ok else {"code": 1, "msg": "bad sign"}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/callback"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def test_class_start_and_end_send_signed_callbacks(
    client: BaiJiaYunClient, sandbox: Sandbox, receiver: Receiver, times: Any
) -> None:
    room = client.room.create("live", *times, 2)
    with pytest.raises(PlatformError, match="callback URL") as missing:
        sandbox.room.start_class(room.room_id)
    assert missing.value.code == 1001
    assert client.live.get_live_status(room.room_id) == LiveStatus.NOT_STARTED  # not half-done
    assert client.live_account.set_class_callback_url(receiver.url) == receiver.url
    assert client.live_account.get_class_callback_url() == receiver.url

    report = sandbox.room.start_class(room.room_id)
    assert report["delivered"] is True and report["status"] == 200
    assert json.loads(report["answer"]) == {"code": 0, "msg": ""}
    assert client.live.get_live_status(room.room_id) == LiveStatus.LIVE
    sandbox.room.end_class(room.room_id)
    assert client.live.get_live_status(room.room_id) == LiveStatus.ENDED

    start, end = receiver.received
    assert (start["op"], end["op"]) == ("start", "end")
    assert start["room_id"] == room.room_id
    assert len(start["qid"]) == 24 and start["qid"] != end["qid"]
    assert set(start) == {"room_id", "op", "op_time", "qid", "timestamp", "sign"}


def test_a_refusing_receiver_is_reported(sandbox: Sandbox, times: Any) -> None:
    refusing = Receiver(answer={"code": 500, "msg": "no"})
    try:
        with sandbox.client() as c:
            room = c.room.create("live", *times, 2)
            c.live_account.set_class_callback_url(refusing.url)
        report = sandbox.room.class_event(room.room_id, "teacher_in")
        assert report["delivered"] is False and report["status"] == 200
        assert refusing.received[0]["op"] == "teacher_in"
    finally:
        refusing.close()
    with pytest.raises(PlatformError, match="op: must be one of") as bad:
        sandbox.room.class_event(room.room_id, "dance")
    assert bad.value.code == 1001


def test_unreachable_receiver_is_reported(sandbox: Sandbox, times: Any) -> None:
    with sandbox.client() as c:
        room = c.room.create("live", *times, 2)
        c.live_account.set_class_callback_url("http://127.0.0.1:9/nothing")
    report = sandbox.room.start_class(room.room_id)
    assert report["delivered"] is False and report["status"] is None and report["error"]


def test_video_and_playback_callbacks(
    client: BaiJiaYunClient, sandbox: Sandbox, receiver: Receiver, times: Any
) -> None:
    client.video_account.set_transcode_callback_url(receiver.url)
    assert client.video_account.get_transcode_callback_url() == receiver.url
    video_id = sandbox.video.create_video("lesson.mp4")
    assert sandbox.video.set_video_status(video_id, 100)["delivered"]
    ready = receiver.received[-1]
    assert ready["video_id"] == str(video_id) and ready["status"] == "100"
    assert "room_id" not in ready and int(ready["total_size"]) > 0
    assert sandbox.video.set_video_status(video_id, 30)["delivered"]
    assert "total_size" not in receiver.received[-1]

    room = client.room.create("rec", *times, 2)
    report = sandbox.playback.set_playback_status(room.room_id, 100, session_id="202611291")
    assert report["delivered"]
    playback = receiver.received[-1]
    assert playback["room_id"] == room.room_id and playback["session_id"] == "202611291"


def test_lifecycle_over_the_control_api(http_sandbox: Any, receiver: Receiver, times: Any) -> None:
    import httpx2

    http_sandbox.sandbox.reset()
    with http_sandbox.client() as c:
        room = c.room.create("live", *times, 2)
        c.live_account.set_class_callback_url(receiver.url)
    with httpx2.Client(base_url=http_sandbox.base_url) as control:
        report = control.post(f"/_sandbox/rooms/{room.room_id}/start", json={}).json()
        assert report["delivered"] is True
        video = control.post("/_sandbox/videos", json={"name": "v"}).json()["video_id"]
        assert (
            control.post(f"/_sandbox/videos/{video}/status", json={"status": 7}).status_code == 400
        )
        missing = control.post("/_sandbox/rooms/12345678901234/start", json={})
        assert missing.status_code == 400 and missing.json()["code"] == 3001
