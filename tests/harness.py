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
import itertools
import socket
import time
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any
from urllib.parse import urlsplit

from baijiayun._read import read
from baijiayun._wire import BEIJING
from baijiayun.api import REGISTRY
from baijiayun.api.live import chat_message
from baijiayun.models._base import fields_of
from baijiayun.sandbox import Sandbox, SandboxRequest

PNG = b"\x89PNG\r\n\x1a\n sandbox logo"


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
        video_id = sandbox.video.create_video("world.mp4", partner_id=str(client.partner_id))
        code = client.room.getcode(room.room_id, 1001)
        return cls(sandbox, client, room.room_id, video_id, code, start, end)

    _day: ClassDay | None = field(default=None, repr=False)
    _serial: itertools.count[int] = field(default_factory=lambda: itertools.count(1), repr=False)
    _sub: str | None = field(default=None, repr=False)

    def room(self) -> str:
        """A fresh room (for calls that use one up)."""
        return str(self.client.room.create("Spare", self.start, self.end, 2).room_id)

    # ---- classroom state, made on demand (each call adds one)
    @property
    def partner_id(self) -> str:
        return str(self.client.partner_id)

    def local_callbacks(self) -> None:
        """Class callbacks go to a closed port of 127.0.0.1 (never off the machine)."""
        with socket.socket() as probe:  # a port just freed: nothing listens there
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.client.live_account.set_class_callback_url(f"http://127.0.0.1:{port}/class")

    def started(self) -> str:
        """The world room with its class started (so it is being recorded)."""
        self.local_callbacks()
        self.client.live.start_class(self.room_id)
        return self.room_id

    def attend(self) -> None:
        """A teacher and a student enter the world room."""
        self.sandbox.classroom.enter(self.room_id, "9001", "Teacher Wang", 1)
        self.sandbox.classroom.enter(self.room_id, "1001", "Student Li", 0)

    def activity(self, kind: str, **data: Any) -> str:
        """Student 1001 takes part in an interaction (``data["id"]``, default ``kind``-1)."""
        self.attend()
        data.setdefault("id", f"{kind}-1")
        self.sandbox.classroom.record(self.room_id, kind, "1001", data)
        return str(data["id"])

    def doc(self) -> int:
        """A document uploaded through the API and bound to the world room."""
        pdf = ("world.pdf", b"%PDF-1.4 world")
        return int(self.client.doc.upload_doc(pdf, room_id=self.room_id).fid)

    def sensitive_word(self) -> int:
        self.client.live_setting.add_sensitive_word_batch(["spoiler"])
        return int(self.client.live_setting.get_sensitive_word().items[-1].id)

    def notice(self) -> int:
        return int(self.client.live_setting.add_notice("World notice 通知", "").id)

    def room_notice(self) -> int:
        notice_id = self.notice()
        self.client.notice.assign_room_notice(self.room_id, [notice_id])
        return notice_id

    def quiz(self) -> int:
        return int(self.client.live_setting.add_quiz(("world quiz.xlsx", b"PK\x03\x04")).id)

    def room_quiz(self) -> int:
        quiz_id = self.quiz()
        self.client.quiz.assign_room_paper([quiz_id], self.room_id)
        return quiz_id

    def evaluation(self) -> int:
        return int(self.sandbox.evaluation.add_evaluation("World evaluation", 1, self.partner_id))

    def zone(self) -> int:
        """A dual-teacher campus of the world's partner."""
        added = self.client.double_teacher.add_zone(next(_ZONES), 110100, "海淀校区", "北京海淀区")
        return int(added.zone_id)

    def roster(self) -> str:
        """A dual-teacher class saved with one student."""
        self.client.hudong.interact_data_save(**HUDONG_CLASS)
        return str(HUDONG_CLASS["class_id"])

    def teacher(self) -> str:
        self.client.hudong.teacher_save("t-100", "Teacher Zhang", "13800000001", 1)
        return "t-100"

    def today(self) -> dt.date:
        """The sandbox's Beijing date."""
        return dt.datetime.fromtimestamp(self.sandbox.now(), BEIJING).date()

    def day_span(self) -> tuple[str, str]:
        """The first and last second of the sandbox's Beijing day, as the platform's text."""
        day = self.today().isoformat()
        return f"{day} 00:00:00", f"{day} 23:59:59"

    def classday(self) -> ClassDay:
        """The world's room after a class (made once): visits and a record of each activity."""
        if self._day is None:
            self._day = ClassDay.hold(self)
        return self._day

    def serial(self) -> int:
        """A new number each call (unique mobiles and emails)."""
        return next(self._serial)

    def sub_account(self) -> str:
        """A sub-account of the world's partner (made once)."""
        if self._sub is None:
            self._sub = str(
                self.client.sub_account.create_sub_account(**sub_account_args(self)).sub_partner_id
            )
        return self._sub

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
        self.sandbox.playback.set_playback_status(room.room_id, 100, session_id)
        return str(room.room_id), session_id

    @cached_property
    def playback_room_id(self) -> str:
        """A room with a ready playback, a crop (version 1), and one play of it."""
        room_id, _ = self.playback()
        self.sandbox.playback.add_crop(room_id, name="Highlights 精华")
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
            self.sandbox.video.create_video(name, partner_id=str(self.client.partner_id))
        )
        self.sandbox.video.set_video_status(video_id, 100)
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
    def play_day(self) -> dt.date:
        """Today (Beijing), once the plays it reports on happened."""
        assert self.played
        return self.today()

    @property
    def day(self) -> dict[str, Any]:
        """Today's window (Beijing), for the play-record queries."""
        start = dt.datetime.combine(self.play_day, dt.time(0, 0), BEIJING)
        return {"start_time": start, "end_time": start + dt.timedelta(hours=23, minutes=59)}

    @property
    def days(self) -> dict[str, Any]:
        return {"start_date": self.play_day, "end_date": self.play_day}


HUDONG_CLASS: dict[str, Any] = {
    "assist_teacher_id": "a-1",
    "assist_teacher_name": "Assistant Chen",
    "assist_teacher_mobile": "13800000002",
    "class_id": "c-1",
    "class_name": "Class One 一班",
    "student_list": [
        {"student_id": "s-1", "student_name": "Student Li", "student_mobile": "13800000003"}
    ],
    "origin": "sandbox",
}


def sub_account_args(w: World) -> dict[str, Any]:
    n = w.serial()
    today = w.today()
    return {
        "mobile": f"1380000{n:04d}",
        "email": f"school{n}@example.com",
        "password": "secret-123",
        "contacts": "Li Lei 李雷",
        "company": "Branch school 分校",
        "live_on": 1,
        "video_on": 0,
        "effect_time": today,
        "expire_time": today + dt.timedelta(days=365),
        "user_limit": 50,
        "max_user_limit": 60,
    }


@dataclass
class ClassDay:
    """What happened in a class of the world's room (and of a small class), by the ids it made."""

    small_room_id: str
    quiz_id: str = "quiz-1"
    question_id: str = "q-1"
    session_id: str = "checkin-1"
    red_package_id: str = "rp-1"
    attention_id: str = "att-1"

    @classmethod
    def hold(cls, w: World) -> ClassDay:
        box = w.sandbox
        small = str(w.client.room.create("Small class", w.start, w.end, 4, max_users=6).room_id)
        day = cls(small)
        for room_id in (w.room_id, small):
            box.classroom.enter(room_id, "901", "Teacher 王", 1)
            box.classroom.enter(room_id, "101", "Ann 安", 0)
            box.classroom.enter(room_id, "102", "Bo 波", 0)
        box.advance_clock(90)
        box.classroom.leave(w.room_id, "101")
        box.classroom.leave(small, "101")
        rid = w.room_id
        records: list[tuple[str, str | None, dict[str, Any]]] = [
            ("chat", "101", {"content": "hello 你好"}),
            ("chat", None, {"content": "class starts"}),
            ("answer", "101", {"question_id": day.question_id, "answer": "A", "correct": True}),
            ("answer", "102", {"question_id": day.question_id, "answer": "B", "correct": False}),
            ("quiz", None, {"quiz_id": day.quiz_id, "title": "Unit 1"}),
            ("quiz_answer", "101", {"quiz_id": day.quiz_id, "answer": {"1": "A"}, "score": 90}),
            ("praise", "102", {"count": 3}),
            (
                "expression",
                "101",
                {"image_url": "https://img.example.com/e.png", "expression": "smile"},
            ),
            ("checkin_start", None, {"session_id": day.session_id}),
            ("checkin", "101", {"session_id": day.session_id}),
            ("raise_hand", "102", {"on_stage": True, "speak_seconds": 30}),
            ("red_package", "101", {"red_package_id": day.red_package_id, "amount": "1.25"}),
            ("award", "102", {"award_id": "aw-1", "prize": "Book"}),
            ("question", "101", {"question": "Why?", "answer": "Because."}),
            ("questionnaire", "102", {"questionnaire_id": "qn-1", "answers": {"1": "Yes"}}),
            ("evaluation", "101", {"score": 5, "comment": "Great"}),
            ("attention", "101", {"attention_id": day.attention_id, "focused": True}),
            ("attention", "102", {"attention_id": day.attention_id, "focused": False}),
        ]
        for kind, user, data in records:
            box.classroom.record(rid, kind, user, data)
        return day


def _day(w: World) -> dict[str, Any]:
    """``room_id`` of the world's room after its class."""
    w.classday()
    return {"room_id": w.room_id}


_ZONES = itertools.count(131)
"""Campus codes: each add_zone case gets a new one (the code is unique in an account)."""


def _after(w: World) -> dt.date:
    """The sandbox's date, once the world's class has been held."""
    w.classday()
    return w.today()


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
    # ---- live
    "live.get_live_status": lambda w: {"room_id": w.started()},
    "live.get_teacher_online_status": lambda w: (w.attend(), {"room_id": w.room_id})[1],
    "live.get_user_count": lambda w: (w.attend(), {"room_id": w.room_id})[1],
    "live.set_notify": lambda w: {"room_id": w.room_id, "content": "Quiz at 8 八点小测"},
    "live.send_chat_message": lambda w: {
        "message_list": [chat_message(w.room_id, "Hello 你好", 1001, "Student Li")]
    },
    "live.stop_cloud_record": lambda w: {"room_id": w.started()},
    "live.trans_cloud_record": lambda w: {"room_id": w.started()},
    "live.start_class": lambda w: (w.local_callbacks(), {"room_id": w.room_id})[1],
    "live.stop_class": lambda w: {"room_id": w.started(), "is_kick_out_all": 1},
    # ---- live_setting
    "live_setting.set_watermark": lambda w: {"pos": 1, "attachment": ("logo.png", PNG)},
    "live_setting.get_watermark": lambda w: {},
    "live_setting.get_sensitive_word": lambda w: (w.sensitive_word(), {})[1],
    "live_setting.add_sensitive_word_batch": lambda w: {"words": ["spam", "广告"]},
    "live_setting.delete_sensitive_word_batch": lambda w: {"ids": [w.sensitive_word()]},
    "live_setting.get_live_horse_lamp": lambda w: {},
    "live_setting.set_live_horse_lamp": lambda w: {
        "type": 1,
        "value": "Sandbox School",
        "color": "#FF0000",
        "font_size": 14,
        "opacity": 0.5,
    },
    "live_setting.add_notice": lambda w: {"content": "Homework due", "link": "https://s.example/"},
    "live_setting.get_notice_list": lambda w: (w.notice(), {})[1],
    "live_setting.delete_notice_batch": lambda w: {"ids": [w.notice()]},
    "live_setting.add_quiz": lambda w: {"attachment": ("unit 1.xlsx", b"PK\x03\x04 quiz")},
    "live_setting.get_quiz_list": lambda w: (w.quiz(), {})[1],
    "live_setting.delete_quiz": lambda w: {"id": w.quiz()},
    "live_setting.set_max_red_package_count": lambda w: {"max_count": 50},
    "live_setting.get_max_red_package_count": lambda w: {},
    # ---- notice, quiz, evaluation
    "notice.get_room_notice_list": lambda w: (w.room_notice(), {"room_id": w.room_id})[1],
    "notice.assign_room_notice": lambda w: {"room_id": w.room_id, "notice_ids": [w.notice()]},
    "notice.batch_delete_room_notice": lambda w: {
        "room_id": w.room_id,
        "notice_ids": [w.room_notice()],
    },
    "quiz.assign_room_paper": lambda w: {"paper_ids": [w.quiz()], "room_id": w.room_id},
    "quiz.get_room_quiz_list": lambda w: (w.room_quiz(), {"room_id": w.room_id})[1],
    "quiz.batch_delete_room_paper": lambda w: {"room_id": w.room_id, "paper_ids": [w.room_quiz()]},
    "evaluation.get_evaluation_list": lambda w: (w.evaluation(), {})[1],
    "double_teacher.add_zone": lambda w: {
        "zone_unique": next(_ZONES),
        "area_id": 110100,
        "name": "北京网校",
        "address": "北京海淀区",
    },
    "double_teacher.list_zone": lambda w: (w.zone(), {"page": 1, "page_size": 10})[1],
    "evaluation.bind_room_evaluation": lambda w: {
        "room_id": w.room_id,
        "evaluate_id": w.evaluation(),
    },
    "evaluation.update_room_evaluation": lambda w: {
        "room_id": w.room_id,
        "evaluate_id": w.evaluation(),
    },
    # ---- doc
    "doc.upload_doc": lambda w: {"attachment": ("slides.pdf", b"%PDF-1.4"), "room_id": w.room_id},
    "doc.bind_doc": lambda w: {"room_id": w.room(), "fid": w.doc()},
    "doc.list_doc": lambda w: (w.doc(), {"room_id": w.room_id})[1],
    "doc.list_all_doc": lambda w: (w.doc(), {"type": "all"})[1],
    "doc.remove_doc": lambda w: {"room_id": w.room_id, "fid": w.doc()},
    "doc.upload_h5_by_url": lambda w: {
        "h5_doc_url": "https://h5.example/l1/",
        "room_id": w.room_id,
    },
    "doc.bind_doc_multi": lambda w: {"room_ids": [w.room_id, w.room()], "fid": w.doc()},
    # ---- hudong
    "hudong.interact_info_get_interact_list": lambda w: {
        "room_id": w.room_id,
        "type": w.activity("checkin") and "checkin",
    },
    "hudong.interact_info_get_interact_detail": lambda w: {
        "room_id": w.room_id,
        "type": w.activity("vote", answer="A") and "vote",
    },
    "hudong.interact_data_get_class_vote_data": lambda w: (
        w.activity("vote", type="single", sub_type="1", answer="B"),
        {"room_id": w.room_id},
    )[1],
    "hudong.interact_data_get_red_package_data": lambda w: (
        w.activity("red_package", amount="1.50"),
        {"room_id": w.room_id},
    )[1],
    "hudong.interact_data_get_random_ask_data": lambda w: (
        w.activity("random_ask"),
        {"room_id": w.room_id},
    )[1],
    "hudong.interact_data_get_ai_user_count_data": lambda w: (w.attend(), {"room_id": w.room_id})[
        1
    ],
    "hudong.interact_data_save": lambda w: dict(HUDONG_CLASS),
    "hudong.interact_data_get_checkin_data": lambda w: {"checkin_id": w.activity("checkin")},
    "hudong.interact_data_delete": lambda w: {"class_ids": [w.roster()]},
    "hudong.interact_data_list": lambda w: {"class_id": w.roster()},
    "hudong.teacher_save": lambda w: {
        "teacher_id": 7,
        "teacher_name": "Teacher Zhao",
        "teacher_mobile": "13800000004",
        "role": 1,
    },
    "hudong.teacher_delete": lambda w: {"teacher_id": w.teacher(), "role": 1},
    "hudong.teacher_list": lambda w: (w.teacher(), {"role": 1, "page": 1, "page_size": 20})[1],
    "hudong.interact_data_update_callback_url": lambda w: {"callback_url": "https://s.example/h"},
    # accounts and reports
    "live_account.get_hour_peak_user": lambda w: {"date": _after(w)},
    "live_account.get_day_peak_user": lambda w: {
        "start_date": _after(w) - dt.timedelta(days=1),
        "end_date": w.today(),
    },
    "live_account.get_partner_daily_cost": lambda w: {
        "start_date": _after(w),
        "end_date": w.today(),
        "product_type": 1,
    },
    "live_account.get_all_room_cost": lambda w: {"date": _after(w)},
    "live_account.get_day_media_length": lambda w: {
        "start_date": _after(w),
        "end_date": w.today(),
        "product_type": 1,
    },
    "sub_account.get_sub_account_list": lambda w: {"status": 1} if w.sub_account() else {},
    "sub_account.create_sub_account": lambda w: sub_account_args(w),
    "sub_account.stop_sub_account": lambda w: {"sub_partner_id": w.sub_account()},
    "sub_account.get_sub_account_info": lambda w: {"sub_partner_id": w.sub_account()},
    "sub_account.get_account_info": lambda w: {"sub_partner_id": w.sub_account()},
    "sub_account.modify_sub_account": lambda w: {
        "sub_partner_id": w.sub_account(),
        "video_on": 1,
        "storage_limit": 100,
        "max_storage_limit": 200,
    },
    "small_course.get_daily_cost": lambda w: {
        "product_type": 2,
        "start_date": _after(w),
        "end_date": w.today(),
    },
    "small_course.get_room_cost": lambda w: {
        "product_type": 2,
        "date": _after(w),
    },
    "small_course.get_user_cost": lambda w: {
        "product_type": 0,
        "room_id": w.classday().small_room_id,
        "date": w.today(),
    },
    "room_data.export_answer_stat": _day,
    "room_data.export_chat_msg": lambda w: {**_day(w), "date": w.today()},
    "room_data.export_live_report": lambda w: {**_day(w), "type": "all", "page": 1, "page_size": 2},
    "room_data.get_all_room_user_stat": lambda w: {
        "product_type": 0,
        "date": _after(w),
    },
    "room_data.get_room_peak_user": lambda w: {
        **_day(w),
        "start_time": w.day_span()[0],
        "end_time": w.day_span()[1],
    },
    "room_data.export_room_praise_stat": _day,
    "room_data.get_room_quiz": _day,
    "room_data.get_quiz_user_answer": lambda w: {**_day(w), "quiz_id": w.classday().quiz_id},
    "room_data.get_exp_report_list": _day,
    "room_data.get_user_checkin_info": _day,
    "room_data.get_room_raise_data": lambda w: {
        **_day(w),
        "start_time": w.day_span()[0],
        "end_time": w.day_span()[1],
    },
    "room_data.get_room_red_package": _day,
    "room_data.export_award_stat": _day,
    "room_data.export_qa_stat": lambda w: {**_day(w), "date": w.today()},
    "room_data.export_questionnaire_stat": _day,
    "room_data.get_evaluation_stat": lambda w: {**_day(w), "page": 1, "page_size": 10},
    "room_data.get_checkin_info": lambda w: {**_day(w), "session_id": w.classday().session_id},
    "room_data.export_answer_by_question_id": lambda w: {
        **_day(w),
        "question_id": w.classday().question_id,
    },
    "room_data.get_red_package_record_info": lambda w: {
        **_day(w),
        "red_package_id": w.classday().red_package_id,
    },
    "room_data.export_attention_list": _day,
    "room_data.export_attention_detail": lambda w: {
        **_day(w),
        "attention_id": w.classday().attention_id,
    },
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
    if fields_of(tp) is not None:
        if not isinstance(data, dict):
            return [f"{where}: expected an object for {tp.__name__}, got {type(data).__name__}"]
        declared = {f.alias or name: f for name, f in (fields_of(tp) or {}).items()}
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
        read(result_type, data)


def unwrapped(qualname: str, envelope_data: Any) -> Any:
    spec = REGISTRY[qualname]
    return envelope_data[spec.unwrap] if spec.unwrap else envelope_data


def fresh_world_sandbox(**kwargs: Any) -> Sandbox:
    return Sandbox(raise_errors=True, **kwargs)


def now() -> int:
    return int(time.time())


def timetable_row(start: dt.datetime, n: int, /, **changes: Any) -> list[Any]:
    """Row ``n`` of a timetable CSV (title, start, end, type, teacher, students): a
    45-minute lesson ``n`` hours after ``start``; ``changes`` replace columns."""
    begins = start + dt.timedelta(hours=n)
    row: dict[str, Any] = {
        "title": f"Lesson {n}",
        "start": begins.strftime("%Y-%m-%d %H:%M"),
        "end": (begins + dt.timedelta(minutes=45)).strftime("%Y-%m-%d %H:%M"),
        "type": 2,
        "teacher_number": 900 + n,
        "teacher_name": f"Teacher {n}",
        "student_numbers": f"{100 + n} {200 + n}",
    }
    row.update(changes)
    return list(row.values())
