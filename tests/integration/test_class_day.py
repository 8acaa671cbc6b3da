"""A class day over real HTTP: the sandbox served on 127.0.0.1, a real callback receiver.

Create a room, upload and bind the courseware, set a watermark and sensitive
words, start the class (the callback arrives, verified), people enter through
enter links, chat, read the user count and the teacher's status, stop the
class (the callback arrives, verified), read the interaction data.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
import uvicorn
from starlette.applications import Starlette

from baijiayun.api.live import LiveStatus, chat_message
from baijiayun.callbacks import CallbackDeduplicator, CallbackEvent, ClassEnded, ClassStarted
from baijiayun.callbacks.receivers.starlette import callback_route
from baijiayun.links import Role
from baijiayun.sandbox import SANDBOX_PARTNER_KEY
from baijiayun.sandbox.core.server import bind


class Receiver:
    """The school's callback endpoint: the SDK's Starlette receiver on uvicorn, 127.0.0.1."""

    def __init__(self) -> None:
        self.events: list[CallbackEvent] = []
        route = callback_route(
            "/bjy/class", self.events.append, SANDBOX_PARTNER_KEY, dedup=CallbackDeduplicator()
        )
        sock = bind("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}/bjy/class"
        config = uvicorn.Config(Starlette(routes=[route]), log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "receiver did not start"
            time.sleep(0.01)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    app = Receiver()
    yield app
    app.close()


@pytest.fixture
def server(http_sandbox: Any) -> Any:
    http_sandbox.sandbox.reset()
    return http_sandbox


def test_a_class_day(server: Any, receiver: Receiver, tmp_path: Any) -> None:
    client = server.client(max_retries=0)
    control = httpx2.Client(base_url=server.base_url, timeout=10)
    browser = httpx2.Client(timeout=10)
    try:
        _class_day(client, control, browser, receiver, tmp_path)
    finally:
        control.close()
        browser.close()
        client.close()


def _class_day(client: Any, control: Any, browser: Any, receiver: Receiver, tmp: Any) -> None:
    now = int(time.time())
    client.live_account.set_class_callback_url(receiver.url)
    room = client.room.create("Chemistry 化学", now + 600, now + 4200, 2).room_id

    # courseware: uploaded from a file, bound, converted by the platform
    slides = tmp / "lesson 3.pptx"
    slides.write_bytes(b"PK\x03\x04" + b"slide" * 20_000)
    doc = client.doc.upload_doc(slides, ppt_animation=1)
    client.doc.bind_doc(room, doc.fid)
    converted = control.post(f"/_sandbox/documents/{doc.fid}/status", json={"status": 1})
    assert converted.status_code == 200
    [bound] = client.doc.list_doc(room)
    assert (bound.fid, bound.name, bound.status) == (doc.fid, "lesson 3.pptx", 1)
    assert bound.size == slides.stat().st_size

    # settings: watermark image and sensitive words
    client.live_setting.set_watermark(1, ("logo.png", b"\x89PNG logo"))
    assert client.live_setting.get_watermark().pos == 1
    client.live_setting.add_sensitive_word_batch(["answers", "作弊"])

    # the class starts: the callback arrives, signed with the partner key
    client.live.start_class(room)
    assert client.live.get_live_status(room) == LiveStatus.LIVE
    assert [type(e) for e in receiver.events] == [ClassStarted]
    assert receiver.events[0].room_id == str(room)

    # people enter through signed enter links
    for number, role in ((9001, Role.TEACHER), (1001, Role.STUDENT), (1002, Role.STUDENT)):
        link = client.links.enter_url(room, number, f"user {number}", role)
        assert browser.get(link).status_code == 200
    assert client.live.get_user_count(room).user_count == 3
    assert client.live.get_teacher_online_status(room) == 1

    # chat: one message held back by a sensitive word
    client.live.send_chat_message(
        [
            chat_message(room, "Welcome!", 9001, "user 9001", user_role=1),
            chat_message(room, "who has the answers?", 1002, "user 1002"),
        ]
    )
    chat = control.get(f"/_sandbox/rooms/{room}/chat").json()["messages"]
    assert [(m["user_number"], m["blocked"]) for m in chat] == [("9001", False), ("1002", True)]

    # a student checks in (what the classroom would record)
    checkin = {"kind": "checkin", "user_number": "1001", "data": {"id": "ck-1"}}
    assert control.post(f"/_sandbox/rooms/{room}/activity", json=checkin).status_code == 200

    # the class stops, everyone is sent out: the callback arrives
    client.live.stop_class(room, is_kick_out_all=1)
    assert client.live.get_live_status(room) == LiveStatus.ENDED
    assert [type(e) for e in receiver.events] == [ClassStarted, ClassEnded]
    assert receiver.events[1].room_id == str(room)
    assert client.live.get_user_count(room).user_count == 0
    assert client.live.get_teacher_online_status(room) == 0

    # the interaction data of the day
    checkins = client.hudong.interact_info_get_interact_list(room, "checkin")
    assert [(i.interact_id, i.user_count) for i in checkins.items] == [("ck-1", 1)]
    chats = client.hudong.interact_info_get_interact_detail(room, "chat")
    assert [(r.user_number, r.content) for r in chats.items] == [
        ("9001", "Welcome!"),
        ("1002", "who has the answers?"),
    ]
    [day] = client.hudong.interact_data_get_ai_user_count_data(room).items
    assert day.user_count == 3
    assert client.hudong.interact_data_get_checkin_data("ck-1").items[0].user_name == "user 1001"
