"""End to end: the sandbox sends callbacks to a real receiver; SDK links open in the sandbox."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
import uvicorn
from starlette.applications import Starlette

from baijiayun import BaiJiaYunClient
from baijiayun.callbacks import (
    CallbackDeduplicator,
    CallbackEvent,
    ClassEnded,
    ClassStarted,
    PlaybackReady,
    VideoTranscoded,
)
from baijiayun.callbacks.receivers.starlette import callback_route
from baijiayun.sandbox import SANDBOX_PARTNER_KEY
from baijiayun.sandbox.core.server import bind


class ReceiverApp:
    """Our Starlette receiver served by uvicorn on 127.0.0.1, recording each event."""

    def __init__(self) -> None:
        self.events: list[CallbackEvent] = []
        route = callback_route(
            "/bjy/callback", self.events.append, SANDBOX_PARTNER_KEY, dedup=CallbackDeduplicator()
        )
        app = Starlette(routes=[route])
        sock = bind("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}/bjy/callback"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "receiver did not start"
            time.sleep(0.01)

    def post(self, fields: dict[str, str]) -> httpx2.Response:
        return httpx2.post(self.url, data=fields)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def receiver() -> Iterator[ReceiverApp]:
    app = ReceiverApp()
    yield app
    app.close()


@pytest.fixture
def events(receiver: ReceiverApp) -> list[CallbackEvent]:
    receiver.events.clear()
    return receiver.events


def test_class_callbacks_reach_the_receiver(
    client: BaiJiaYunClient, sandbox: Any, receiver: ReceiverApp, events: list[Any], times: Any
) -> None:
    room = client.room.create("e2e", *times, 2)
    client.live_account.set_class_callback_url(receiver.url)

    report = sandbox.room.start_class(room.room_id)
    assert report["delivered"] is True and report["status"] == 200
    assert report["answer"] == '{"code":0,"msg":""}'
    sandbox.room.end_class(room.room_id)

    started, ended = events
    assert isinstance(started, ClassStarted) and isinstance(ended, ClassEnded)
    assert started.room_id == room.room_id
    assert started.op_time is not None and started.op_time.utcoffset() == dt.timedelta(hours=8)
    assert abs(started.op_time.timestamp() - time.time()) < 5

    # A replay of the same delivery (same qid) is answered but not handled twice.
    fields = dict(report["fields"])
    again = receiver.post(fields)
    assert again.status_code == 200 and again.json() == {"code": 0, "msg": ""}
    assert len(events) == 2

    # A tampered delivery is refused without saying why, and not handled.
    tampered = {**fields, "room_id": "1" + fields["room_id"][1:], "qid": "x" * 24}
    refused = receiver.post(tampered)
    assert refused.status_code == 400 and refused.json() == {"code": 1, "msg": "invalid callback"}
    # So is an old delivery replayed outside the time window under a new qid.
    stale = receiver.post({**fields, "timestamp": str(int(time.time()) - 3600)})
    assert stale.status_code == 400
    assert len(events) == 2


def test_media_callbacks_reach_the_receiver(
    client: BaiJiaYunClient, sandbox: Any, receiver: ReceiverApp, events: list[Any], times: Any
) -> None:
    client.video_account.set_transcode_callback_url(receiver.url)
    video_id = sandbox.video.create_video("lesson.mp4")
    assert sandbox.video.set_video_status(video_id, 100)["delivered"]
    room = client.room.create("rec", *times, 2)
    assert sandbox.playback.set_playback_status(room.room_id, 100)["delivered"]
    video, playback = events
    assert isinstance(video, VideoTranscoded) and video.video_id == video_id
    assert isinstance(playback, PlaybackReady) and playback.room_id == room.room_id


def test_enter_links_built_by_the_sdk_open(http_sandbox: Any, times: Any) -> None:
    http_sandbox.sandbox.reset()
    with http_sandbox.client() as client, httpx2.Client() as browser:
        room = client.room.create("links", *times, 2)
        url = client.links.enter_url(room.room_id, 1001, "张三 & co", 1, "")
        assert url.startswith(http_sandbox.base_url + "web/room/enter?")
        page = browser.get(url)
        assert page.status_code == 200 and "张三 &amp; co entered room" in page.text
        assert "as teacher" in page.text

        grouped = client.links.enter_url(room.room_id, 1002, "Li", 0, "https://a.example/x.png", 3)
        assert browser.get(grouped).status_code == 200

        forged = url.replace("user_role=1", "user_role=2")
        assert browser.get(forged).status_code == 403
        client.room.delete(room.room_id)
        assert browser.get(url).status_code == 410


def test_player_links_built_by_the_sdk_open(http_sandbox: Any, times: Any) -> None:
    http_sandbox.sandbox.reset()
    with http_sandbox.client() as client, httpx2.Client() as browser:
        room = client.room.create("rec", *times, 2)
        playback = client.links.playback_url(room.room_id, expires_in=60)
        assert "/web/playback/index?" in playback
        assert browser.get(playback).status_code == 404  # no class was recorded yet
        for session in (None, "202611291"):  # as if recorded, and generated
            http_sandbox.sandbox.playback.set_playback_status(room.room_id, 100, session)
        assert browser.get(playback).status_code == 200
        video_id = http_sandbox.sandbox.video.create_video("v")
        assert browser.get(client.links.video_url(video_id)).status_code == 409  # transcoding
        http_sandbox.sandbox.video.set_video_status(video_id, 100)
        assert browser.get(client.links.video_url(video_id)).status_code == 200
        urls = client.links.playback_urls([room.room_id, (room.room_id, "202611291")])
        assert len(urls) == 2 and all(browser.get(u).status_code == 200 for u in urls.values())
        http_sandbox.sandbox.advance_clock(61)
        assert browser.get(playback).status_code == 403  # the token expired
        assert browser.get(playback.replace("token=", "token=x")).status_code == 403


async def test_async_links(aclient: Any, sandbox: Any, times: Any) -> None:
    room = await aclient.room.create("rec", *times, 2)
    url = await aclient.links.playback_url(room.room_id)
    assert f"classid={room.room_id}" in url and "token=" in url
    assert aclient.links.enter_url(room.room_id, 5, "Wang").startswith(aclient.base_url)
