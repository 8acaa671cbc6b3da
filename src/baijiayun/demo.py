"""An end-to-end tour on the embedded sandbox: ``python -m baijiayun.demo``.

Creates a room, hands out join codes, reads it back, lists rooms, updates
and deletes it — the same calls you make against the platform, answered by
the local sandbox (no network, no credentials).
"""

from __future__ import annotations

import datetime as _dt

from . import RoomDeletedError
from .sandbox import Sandbox


def run(echo: object = print) -> None:
    say = echo if callable(echo) else print
    sandbox = Sandbox(seed=2024)
    with sandbox.client() as client:
        say(f"sandbox client: {client!r}")
        start = _dt.datetime.now(client.tz).replace(microsecond=0) + _dt.timedelta(hours=1)
        room = client.room.create("Demo: algebra 101", start, start + _dt.timedelta(hours=2), 2)
        say(
            f"1. created room {room.room_id}: teacher code {room.teacher_code}, "
            f"student code {room.student_code}"
        )
        code = client.room.getcode(room.room_id, user_number=1001)
        again = client.room.getcode(room.room_id, 1001)
        say(f"2. join code of student 1001: {code} (asking again gives {again})")
        client.room.getcode(room.room_id, user_number=1002)
        codes = client.room.listcode(room.room_id)
        say(f"3. codes made for the room: {[(c.user_number, c.code) for c in codes.items]}")
        client.room.update(room.room_id, title="Demo: algebra 102")
        info = client.room.info(room.room_id)
        say(f"4. room info: {info.title!r}, {info.start_time} - {info.end_time} (Beijing time)")
        rooms = client.room.list()
        say(f"5. rooms on the account: {[r.room_id for r in rooms]}")
        client.room.delete(room.room_id)
        say(f"6. deleted room {room.room_id}")
        try:
            client.room.info(room.room_id)
        except RoomDeletedError as exc:
            say(f"7. asking for it again raises {type(exc).__name__}: code {exc.code}")
    say("done: every call above was signed and checked by the sandbox.")


if __name__ == "__main__":
    run()
