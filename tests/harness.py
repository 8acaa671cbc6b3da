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
import datetime as dt
import inspect
import time
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, TypeAdapter

from baijiayun._wire import BEIJING
from baijiayun.api import REGISTRY
from baijiayun.sandbox import Sandbox, SandboxRequest


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

    # ---- recordings and videos (made when a case first asks for them)
    def open_link(self, url: str) -> int:
        """Open a player or enter link in the sandbox as a browser would; the HTTP status."""
        parts = urlsplit(url)
        answer = self.sandbox.handle(SandboxRequest("GET", parts.path, query=parts.query))
        return answer.status

    def playback(self, *, long_term: bool = False) -> tuple[str, str | None]:
        """A fresh room whose class was recorded and whose playback is ready."""
        room = self.client.room.create(
            "Lecture 讲座", self.start, self.end, 2, is_long_term=int(long_term)
        )
        session = f"{dt.datetime.fromtimestamp(self.sandbox.now(), BEIJING):%Y%m%d}1"
        session_id = session if long_term else None
        self.sandbox.playbacks.set_playback_status(room.room_id, 100, session_id)
        return str(room.room_id), session_id

    @cached_property
    def playback_room_id(self) -> str:
        """A room with a ready playback, a crop (version 1), and one play of it."""
        room_id, _ = self.playback()
        self.sandbox.playbacks.add_crop(room_id, name="Highlights 精华")
        assert self.open_link(self.client.links.playback_url(room_id)) == 200
        return room_id

    @cached_property
    def long_term(self) -> tuple[str, str]:
        """A long-term room and its recorded session."""
        room_id, session_id = self.playback(long_term=True)
        assert session_id is not None
        return room_id, session_id

    def ready_video(self, name: str = "lesson.mp4") -> int:
        video_id = int(
            self.sandbox.media.create_video(name, partner_id=str(self.client.partner_id))
        )
        self.sandbox.media.set_video_status(video_id, 100)
        return video_id

    @cached_property
    def ready_video_id(self) -> int:
        """A transcoded video in :attr:`category_id`, played once."""
        video_id = self.ready_video("world-ready.mp4")
        self.client.video.set_video_category(video_id, self.category_id)
        assert self.open_link(self.client.links.video_url(video_id)) == 200
        return video_id

    @cached_property
    def category_id(self) -> int:
        return int(self.client.video.add_category("World 世界").category_id)

    def category(self) -> int:
        """A fresh, empty category (for calls that use one up)."""
        return int(self.client.video.add_category("Spare").category_id)

    def prepared(self, *names: str, **args: Any) -> dict[str, Any]:
        """``args``, once the named state exists (for calls that only read it)."""
        for name in names:
            assert getattr(self, name)
        return args

    @cached_property
    def played(self) -> bool:
        """Plays recorded today: the ready video and the playback, once each."""
        return bool(self.ready_video_id and self.playback_room_id)

    @property
    def today(self) -> dt.date:
        assert self.played
        return dt.datetime.fromtimestamp(self.sandbox.now(), BEIJING).date()

    @property
    def day(self) -> dict[str, Any]:
        """Today's window (Beijing), for the play-record queries."""
        start = dt.datetime.combine(self.today, dt.time(0, 0), BEIJING)
        return {"start_time": start, "end_time": start + dt.timedelta(hours=23, minutes=59)}

    @property
    def days(self) -> dict[str, Any]:
        return {"start_date": self.today, "end_date": self.today}


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
    # ---- playback
    "playback.get_basic_info": lambda w: {"room_id": w.playback_room_id},
    "playback.get_list": lambda w: w.prepared(
        "playback_room_id", product_type=1, page=1, page_size=10
    ),
    "playback.get_session_list": lambda w: {"room_id": w.long_term[0]},
    "playback.set_publish_status": lambda w: {"room_id": w.playback_room_id, "status": 1},
    "playback.delete": lambda w: {"room_id": w.playback()[0]},
    "playback.update": lambda w: {"room_id": w.playback_room_id, "name": "Lecture 1 第一讲"},
    "playback.get_crop_list": lambda w: {"room_id": w.playback_room_id},
    "playback.set_main_version": lambda w: {"room_id": w.playback_room_id, "version": 0},
    "playback.get_playback_ppt_url_list": lambda w: {"room_id": w.playback_room_id},
    "playback.get_playback_ppt_url": lambda w: {
        "room_id": w.long_term[0],
        "session_id": w.long_term[1],
    },
    "playback.replace_playback": lambda w: {
        "type": 2,
        "source_room_id": w.playback_room_id,
        "target_room_id": w.room(),
    },
    "playback.replace_playback_by_video": lambda w: {
        "target_room_id": w.room(),
        "video_id": w.ready_video_id,
    },
    # ---- video
    "video.get_upload_url": lambda w: {"file_name": "lecture 讲座.mp4", "definition": [16, 1]},
    "video.get_resume_upload_url": lambda w: {"video_id": w.video_id},
    "video.get_status": lambda w: {"video_id": w.video_id},
    "video.get_info": lambda w: {"video_id": w.ready_video_id},
    "video.get_image": lambda w: {"video_id": w.ready_video_id},
    "video.remove_definition": lambda w: {"video_id": w.ready_video(), "definition": 16},
    "video.transcode_again": lambda w: {"video_id": w.ready_video(), "definition": [1, 2]},
    "video.update": lambda w: {"video_id": w.video_id, "name": "Renamed 改名"},
    "video.delete": lambda w: {"video_id": w.ready_video()},
    "video.get_category_list": lambda w: w.prepared("category_id"),
    "video.get_category_info": lambda w: {"category_id": w.category_id},
    "video.add_category": lambda w: {"name": "Physics 物理", "parent_id": w.category_id},
    "video.delete_category": lambda w: {"category_id": w.category()},
    "video.get_category_video": lambda w: w.prepared("ready_video_id", category_id=w.category_id),
    "video.set_video_category": lambda w: {"video_id": w.video_id, "category_id": w.category_id},
    "video.get_url": lambda w: {"video_id": w.ready_video_id},
    "video.set_publish_status": lambda w: {"video_id": w.ready_video_id, "status": 1},
    "video.get_share_url": lambda w: {"video_id": w.ready_video_id},
    "video.get_video_list": lambda w: w.prepared("ready_video_id", page_size=50),
    # ---- video_account
    "video_account.get_account_info": lambda w: w.prepared("played"),
    "video_account.get_used_flow": lambda w: w.days,
    # ---- video_data
    "video_data.get_used_flow": lambda w: {"video_id": w.ready_video_id, **w.days},
    "video_data.get_video_play_record": lambda w: {"video_id": w.ready_video_id, **w.day},
    "video_data.export_video_report_batch": lambda w: w.day,
    "video_data.get_video_play_count_rank": lambda w: w.days,
    "video_data.get_video_daily_play_count": lambda w: {"video_id": w.ready_video_id, **w.days},
    "video_data.get_partner_daily_play_count": lambda w: w.days,
    "video_data.get_playback_play_record": lambda w: {"room_id": w.playback_room_id, **w.day},
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
