"""One harness for every endpoint group: valid calls, prepared state, strict result checks.

``CASES`` holds, for every registered endpoint (by ``group.method``), a function
that returns valid keyword arguments for it, given a :class:`World`: a sandbox
prepared with what the calls need (a room of every kind, a video, a join code).
Tests call endpoints by name with :func:`call`, on either client.

``strict_check(result_type, data)`` checks a raw answer against a declared
result type with no leniency: every field the model declares is present, and
no field is present that the model does not declare.
"""

from __future__ import annotations

import asyncio
import inspect
import time
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter

from baijiayun.api import REGISTRY
from baijiayun.sandbox import Sandbox


def call(client: Any, qualname: str, *args: Any, **kwargs: Any) -> Any:
    """``call(client, "room.create", ...)``: the endpoint by name, awaited on an async client."""
    group, _, method = qualname.partition(".")
    result = getattr(getattr(client, group), method)(*args, **kwargs)
    if inspect.isawaitable(result):
        return asyncio.get_event_loop_policy().get_event_loop().run_until_complete(result)
    return result


async def acall(client: Any, qualname: str, *args: Any, **kwargs: Any) -> Any:
    """:func:`call` for async tests."""
    group, _, method = qualname.partition(".")
    result = getattr(getattr(client, group), method)(*args, **kwargs)
    return await result if inspect.isawaitable(result) else result


@dataclass
class World:
    """A sandbox prepared for every case: rooms of each kind, a video, a student code."""

    sandbox: Sandbox
    client: Any
    """A sync client of the world's partner (for preparing more state)."""
    room_id: str
    """A large-class room that is also push-live and group-live (small classes)."""
    video_id: int
    student_code: str
    start: int
    end: int

    @classmethod
    def build(cls, sandbox: Sandbox, client: Any) -> World:
        """Prepare ``sandbox`` through ``client`` (a sync client bound to it)."""
        now = int(sandbox.now())
        start, end = now + 3600, now + 7200
        room = client.room.create(
            "World room 世界", start, end, 2, is_push_live=1, new_group_live=1
        )
        video_id = sandbox.media.create_video("world.mp4", partner_id=str(client.partner_id))
        code = client.room.getcode(room.room_id, 1001)
        return cls(sandbox, client, room.room_id, video_id, code, start, end)

    def room(self) -> str:
        """A fresh room (for calls that use one up)."""
        return str(self.client.room.create("Spare", self.start, self.end, 2).room_id)


Case = Callable[[World], dict[str, Any]]

CASES: dict[str, Case] = {
    "partner.createkey": lambda w: {"secret_key": w.sandbox.default_partner[2]},
    "room.create": lambda w: {
        "title": "Algebra 代数",
        "start_time": w.start,
        "end_time": w.end,
        "type": 2,
    },
    "room.update": lambda w: {"room_id": w.room_id, "title": "Geometry"},
    "room.delete": lambda w: {"room_id": w.room()},
    "room.info": lambda w: {"room_id": w.room_id},
    "room.getcode": lambda w: {"room_id": w.room_id, "user_number": 2002},
    "room.get_code_info": lambda w: {"code": w.student_code},
    "room.listcode": lambda w: {"room_id": w.room_id},
    "room.list": lambda w: {},
    "room.get_audition_code": lambda w: {"room_id": w.room_id, "user_numbers": [7, 8]},
    "room.create_group_live_codes": lambda w: {"room_id": w.room_id, "number": 2},
    "room.get_group_live_codes": lambda w: {"room_id": w.room_id},
    "room.get_push_live_url": lambda w: {"room_id": w.room_id},
    "room.get_group_sub_room_id": lambda w: {"room_id": w.room_id},
    "room.get_pull_stream_url": lambda w: {"room_id": w.room_id},
    "room.set_spot_video": lambda w: {"room_id": w.room_id, "video_ids": [w.video_id]},
    "room.get_spot_video": lambda w: {"room_id": w.room_id},
    "playback.get_player_token": lambda w: {"room_id": w.room_id, "expires_in": 3600},
    "playback.get_player_token_batch": lambda w: {
        "room_ids": [w.room_id, f"{w.room_id}-202611291"],
        "expires_in": 60,
    },
    "video.get_player_token": lambda w: {"video_id": w.video_id, "expires_in": 0},
    "video.get_player_token_batch": lambda w: {"video_ids": [w.video_id], "expires_in": 60},
    "live_account.set_class_callback_url": lambda w: {"url": "https://school.example/cb"},
    "live_account.get_class_callback_url": lambda w: {},
    "video_account.set_transcode_callback_url": lambda w: {"url": "http://127.0.0.1:9/t"},
    "video_account.get_transcode_callback_url": lambda w: {},
}


def endpoint_names() -> list[str]:
    return [spec.qualname for spec in REGISTRY]


# --------------------------------------------------------------------------- strict checks
def _strip(tp: Any) -> Any:
    """The type inside ``Annotated`` and ``X | None``."""
    while typing.get_origin(tp) is Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return _strip(args[0])
    return tp


def _shape_problems(tp: Any, data: Any, where: str) -> list[str]:
    tp = _strip(tp)
    if data is None:
        return []
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if not isinstance(data, dict):
            return [f"{where}: expected an object for {tp.__name__}, got {type(data).__name__}"]
        declared = {f.alias or name: f for name, f in tp.model_fields.items()}
        problems = [
            f"{where}: {tp.__name__} declares {k!r}, not sent" for k in declared if k not in data
        ]
        problems += [
            f"{where}: {k!r} is sent but {tp.__name__} does not declare it"
            for k in data
            if k not in declared
        ]
        for key, field in declared.items():
            if key in data:
                problems += _shape_problems(field.annotation, data[key], f"{where}.{key}")
        return problems
    if typing.get_origin(tp) is list:
        if not isinstance(data, list):
            return [f"{where}: expected a list, got {type(data).__name__}"]
        (item,) = typing.get_args(tp)
        return [p for i, d in enumerate(data) for p in _shape_problems(item, d, f"{where}[{i}]")]
    return []


def strict_check(result_type: Any, data: Any) -> None:
    """Raise AssertionError unless ``data`` is exactly the shape ``result_type`` declares."""
    problems = _shape_problems(result_type, data, "data")
    assert not problems, "\n".join(problems)
    if result_type is not None:
        TypeAdapter(result_type).validate_python(data)


def unwrapped(qualname: str, envelope_data: Any) -> Any:
    spec = REGISTRY[qualname]
    return envelope_data[spec.unwrap] if spec.unwrap else envelope_data


def fresh_world_sandbox(**kwargs: Any) -> Sandbox:
    return Sandbox(raise_errors=True, **kwargs)


def now() -> int:
    return int(time.time())
