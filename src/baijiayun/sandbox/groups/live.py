"""The live group: ``/openapi/live/*`` — a classroom while its class runs.

* class status: ``startClass``/``stopClass`` move the same status as
  ``sandbox.room.start_class``/``end_class`` and send the class callback when
  a class callback URL is set (without one the status still moves);
* users and the teacher's presence are read from attendance (enter links,
  ``sandbox.classroom.leave``); ``stopClass`` with ``is_kick_out_all=1`` ends
  every open visit;
* chat messages are recorded as ``chat`` activity of the room (a message
  holding a sensitive word is recorded as blocked);
* the room's notice, and its cloud recording (``recording`` from a class start,
  ``stopped``, ``transcoding`` once turned into a playback).
"""

from __future__ import annotations

import json
from typing import Any

from ...api import Live
from ...api.live import LiveStatus
from ..core.db import Store
from ..core.http import PlatformError
from ..core.service import Call, Controls, Service, route
from ..core.util import beijing
from ..state import classroom, rooms, settings
from ..state.classroom import ClassroomStore
from ..state.rooms import RoomStore, class_event
from ..state.settings import blocked_words

__all__ = ["LiveControls", "LiveStore", "service"]

service = Service("live", uses=(rooms.service, classroom.service, settings.service))

STATUS_CODES = {
    "scheduled": LiveStatus.NOT_STARTED,
    "live": LiveStatus.LIVE,
    "ended": LiveStatus.ENDED,
}
RECORDING, STOPPED, TRANSCODING = "recording", "stopped", "transcoding"


@service.store
class LiveStore(Store):
    """One partner's room notices and cloud-recording jobs."""

    schema = """
    CREATE TABLE IF NOT EXISTS room_notify (
        partner_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        content TEXT NOT NULL,
        update_time REAL NOT NULL,
        PRIMARY KEY (partner_id, room_id)
    );
    CREATE TABLE IF NOT EXISTS cloud_records (
        partner_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        status TEXT NOT NULL,
        update_time REAL NOT NULL,
        PRIMARY KEY (partner_id, room_id)
    );
    """

    def set_notify(self, room_id: str, content: str, now: float) -> None:
        self._exec(
            "INSERT INTO room_notify (partner_id, room_id, content, update_time) "
            "VALUES (:partner, :room_id, :content, :now) ON CONFLICT (partner_id, room_id) "
            "DO UPDATE SET content=excluded.content, update_time=excluded.update_time",
            room_id=room_id,
            content=content,
            now=now,
        )

    def notify(self, room_id: str) -> str | None:
        row = self._row(
            "SELECT content FROM room_notify WHERE partner_id=:partner AND room_id=:room_id",
            room_id=room_id,
        )
        return None if row is None else str(row["content"])

    def record_status(self, room_id: str) -> str | None:
        row = self._row(
            "SELECT status FROM cloud_records WHERE partner_id=:partner AND room_id=:room_id",
            room_id=room_id,
        )
        return None if row is None else str(row["status"])

    def set_record(self, room_id: str, status: str, now: float) -> None:
        self._exec(
            "INSERT INTO cloud_records (partner_id, room_id, status, update_time) "
            "VALUES (:partner, :room_id, :status, :now) ON CONFLICT (partner_id, room_id) "
            "DO UPDATE SET status=excluded.status, update_time=excluded.update_time",
            room_id=room_id,
            status=status,
            now=now,
        )


def present(store: ClassroomStore, room_id: str) -> dict[str, dict[str, Any]]:
    """The users in the room now (their latest open visit), by user number."""
    users: dict[str, dict[str, Any]] = {}
    for visit in store.visits(room_id):
        if visit["leave_time"] is None:
            users[str(visit["user_number"])] = visit
    return users


def cloud_record(live: LiveStore, room: dict[str, Any]) -> str | None:
    """The room's cloud-recording state: the job's, else the class's (a running class records)."""
    status = live.record_status(room["room_id"])
    if status == RECORDING and room["status"] != "live":
        return STOPPED  # the class ended (through the API or the control API)
    if status is not None:
        return status
    return {"live": RECORDING, "ended": STOPPED}.get(room["status"])


def _room(call: Call) -> dict[str, Any]:
    return call.store(RoomStore).get(call.args["room_id"])


# --------------------------------------------------------------------------- handlers
@service.handles(Live.get_live_status)
def get_live_status(call: Call) -> dict[str, Any]:
    return {"status": int(STATUS_CODES.get(_room(call)["status"], 0))}


@service.handles(Live.get_teacher_online_status)
def get_teacher_online_status(call: Call) -> dict[str, Any]:
    room = _room(call)
    users = present(call.store(ClassroomStore), room["room_id"])
    return {"status": int(any(v["user_role"] == 1 for v in users.values()))}


@service.handles(Live.get_user_count)
def get_user_count(call: Call) -> dict[str, Any]:
    room = _room(call)
    return {"user_count": len(present(call.store(ClassroomStore), room["room_id"]))}


@service.handles(Live.set_notify)
def set_notify(call: Call) -> None:
    room = _room(call)
    call.store(LiveStore).set_notify(room["room_id"], call.args["content"], call.now)


def _sender(message: dict[str, Any]) -> tuple[str | None, str | None, int | None]:
    found = message.get("from")
    sender: dict[str, Any] = found if isinstance(found, dict) else {}
    number = sender.get("number") or sender.get("id") or message.get("uid")
    name = sender.get("name")
    role = sender.get("type")
    return (
        None if number in (None, "") else str(number),
        None if name in (None, "") else str(name),
        role if isinstance(role, int) else None,
    )


@service.handles(Live.send_chat_message)
def send_chat_message(call: Call) -> None:
    """Every message's room must exist (3001 before any is recorded)."""
    messages = json.loads(call.args["message_list"])
    rooms = call.store(RoomStore)
    targets = [rooms.get(str(m["class_id"])) for m in messages]
    classroom = call.store(ClassroomStore)
    words: dict[str, list[str]] = {}
    with call.env.db.tx():
        for message, room in zip(messages, targets, strict=True):
            room_id = room["room_id"]
            if room_id not in words:
                words[room_id] = blocked_words(call.env, call.partner_id, room)
            user_number, user_name, role = _sender(message)
            content = str(message["content"])
            data = {
                "content": content,
                "user_name": user_name,
                "user_role": role,
                "blocked": any(word in content for word in words[room_id]),
                "source": "api",
            }
            classroom.record(room_id, "chat", user_number, data, call.now)


@service.handles(Live.stop_cloud_record)
def stop_cloud_record(call: Call) -> None:
    room = _room(call)
    live = call.store(LiveStore)
    if cloud_record(live, room) == RECORDING:  # otherwise there is nothing to stop
        live.set_record(room["room_id"], STOPPED, call.now)


@service.handles(Live.trans_cloud_record)
def trans_cloud_record(call: Call) -> None:
    room = _room(call)
    live = call.store(LiveStore)
    if cloud_record(live, room) is None:
        raise PlatformError(1001, "room_id: the room has no cloud recording")
    live.set_record(room["room_id"], TRANSCODING, call.now)


@service.handles(Live.start_class)
def start_class(call: Call) -> None:
    room = _room(call)
    class_event(call.env, call.partner_id, room["room_id"], "start", callback_required=False)
    call.store(LiveStore).set_record(room["room_id"], RECORDING, call.now)


@service.handles(Live.stop_class)
def stop_class(call: Call) -> None:
    room = _room(call)
    room_id = room["room_id"]
    class_event(call.env, call.partner_id, room_id, "end", callback_required=False)
    if call.args.get("is_kick_out_all"):
        classroom = call.store(ClassroomStore)
        for user_number in present(classroom, room_id):
            classroom.leave(room_id, user_number, call.now)


# --------------------------------------------------------------------------- controls
@service.controls
class LiveControls(Controls):
    """What a classroom shows while its class runs: ``sandbox.live``."""

    def _stores(self, room_id: str) -> tuple[dict[str, Any], str]:
        partner_id = RoomStore.owner(self.env, str(room_id))
        return RoomStore(self.env, partner_id).get(str(room_id)), partner_id

    @route("GET", "/_sandbox/rooms/{room_id}/notify")
    def notify(self, room_id: str) -> dict[str, Any]:
        """The notice set for a room (``content`` null when none)."""
        room, partner_id = self._stores(room_id)
        return {"content": LiveStore(self.env, partner_id).notify(room["room_id"])}

    @route("GET", "/_sandbox/rooms/{room_id}/chat")
    def chat(self, room_id: str) -> dict[str, Any]:
        """The chat messages sent into a room, in order (``blocked``: held a sensitive word)."""
        room, partner_id = self._stores(room_id)
        records = ClassroomStore(self.env, partner_id).activity(room["room_id"], "chat")
        return {
            "messages": [
                {
                    "user_number": r["user_number"],
                    "time": beijing(r["time"]),
                    **{k: r["data"].get(k) for k in ("content", "user_name", "blocked")},
                }
                for r in records
            ]
        }

    @route("GET", "/_sandbox/rooms/{room_id}/cloud_record")
    def cloud_record(self, room_id: str) -> dict[str, Any]:
        """The room's cloud recording: ``status`` recording, stopped, transcoding or null."""
        room, partner_id = self._stores(room_id)
        return {"status": cloud_record(LiveStore(self.env, partner_id), room)}
