"""Helpers shared by the group test modules (fixtures are in ``conftest.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

import httpx2

from baijiayun import BaiJiaYunClient
from baijiayun._wire import BEIJING
from baijiayun.sandbox import Sandbox, SandboxRequest
from harness import CASES

PDF = ("week1.pdf", b"%PDF-1.4 week one")
CHUNK = 64 * 1024
NOWHERE = "http://127.0.0.1:9/class"  # class callbacks go nowhere (refused at once)

T0 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=BEIJING)
"""Where the clock of the ``box`` fixture stands."""
DAY = T0.date()

NEEDS_AN_ID = {
    "room_data.get_quiz_user_answer": "quiz_id",
    "room_data.get_checkin_info": "session_id",
    "room_data.export_answer_by_question_id": "question_id",
    "room_data.get_red_package_record_info": "red_package_id",
    "room_data.export_attention_detail": "attention_id",
}
"""Reports that name a record of their own, and the parameter that names it."""

REPORTS = [
    name
    for name in CASES
    if name.split(".")[0] in ("live_account", "small_course", "room_data")
    and "callback" not in name
]


def enter(sb: Sandbox, c: BaiJiaYunClient, room_id: str, number: int, role: int = 0) -> None:
    """Open a signed enter link in the sandbox, as a browser would."""
    url = c.links.enter_url(room_id, number, f"user {number}", role)
    with httpx2.Client(transport=sb.transport()) as browser:
        assert browser.get(url).status_code == 200


def room(client: BaiJiaYunClient, room_type: int = 2, **options: Any) -> str:
    """A room starting a minute from the client's now, lasting an hour."""
    start = int(client._ctx.now()) + 60
    return str(client.room.create("Room", start, start + 3600, room_type, **options).room_id)


def minutes(box: Sandbox, n: float) -> None:
    box.advance_clock(n * 60)


def open_link(sandbox: Sandbox, url: str, agent: str = "pytest-browser") -> int:
    """Open a player link as a browser at 10.1.2.3 would."""
    parts = urlsplit(url)
    request = SandboxRequest(
        "GET", parts.path, query=parts.query, headers={"user-agent": agent}, client_host="10.1.2.3"
    )
    return sandbox.handle(request).status


def ended_class(client: BaiJiaYunClient, sandbox: Sandbox, times: Any, **room: Any) -> str:
    created = client.room.create(room.pop("title", "Algebra 代数"), *times, **{"type": 2, **room})
    client.live_account.set_class_callback_url(NOWHERE)
    sandbox.room.start_class(created.room_id)
    sandbox.room.end_class(created.room_id)
    return str(created.room_id)


def today(sandbox: Sandbox) -> dt.date:
    return dt.datetime.fromtimestamp(sandbox.now(), BEIJING).date()
