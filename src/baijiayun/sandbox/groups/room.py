"""``room``: ``/openapi/room/*`` — rooms, join codes, group codes, streams, spot videos;
the classroom entry page (``/web/room/enter``) and the console's rooms.

Parameter types and the platform's documented rules are checked by the
shared endpoint declarations (``baijiayun.api.room``) before a handler runs;
the rows are state other groups read too (``state/rooms.py``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from ..._signing import sign, signs_equal
from ..._wire import BEIJING, Context, Invalid
from ...api.room import Room, RoomType, check_duration, check_max_users
from ...links import enter_url
from ..core.db import Env
from ..core.http import PlatformError, SandboxRequest, SandboxResponse
from ..core.service import Call, Controls, PanelView, Service, route
from ..core.util import beijing, cursor, escape, html_page, link_query, pager, table, when
from ..state import accounts, classroom, rooms
from ..state.accounts import PartnerStore
from ..state.classroom import ROLES, ClassroomStore
from ..state.rooms import AUDITION, REGULAR, RoomStore, class_event, is_group_room

__all__ = ["RoomControls", "service"]

service = Service(
    "room", uses=(accounts.service, rooms.service, classroom.service), aliases=("rooms",)
)

INFO_SOURCE = (
    "bjycloud/baijiayun-skills@eb56797 skills/baijiayun-room/references/api-room.md, API 5"
)
"""Where ``room/info``'s fields come from: the vendor's table and example (no ``status``)."""
INFO_TEXT = ("type", "media_type", "max_users", "max_backup_users")
"""Fields the vendor's example sends as text (``"2"``, ``"0"``); the others are numbers."""
INFO_SETTINGS: dict[str, Any] = {
    "media_type": 0,
    "max_users": 0,
    "max_backup_users": 0,
    "pre_enter_time": 0,
    "is_long_term": 0,
    "is_mock_live": 0,
    "is_push_live": 0,
    "is_private": 0,
    "enable_share": 0,
    "new_group_live": 0,
    "is_discuss_live": 0,
    "speak_camera_turnon": 1,
    "teacher_need_detect_device": 2,
    "student_need_detect_device": 2,
    "switch_room_role": 2,
    "is_video_main": 2,
    "enable_group_users_public": 0,
    "group_admin_permission": 0,
    "enable_group_chat_public": 0,
    "template_name": "triple",
    "enable_weixin_auth": 1,
    "system_auto_allocate_name": 0,
    "has_student_raise": None,  # 1 for a large class, else 0 (below)
    "end_delay_time": 0,
    "enable_live_sell": 0,
    "auto_playback_record": 0,
    "m_is_video_main": 1,
    "m_template": 0,
    "app_template": 1,
    "sell_goods_in_large_class": 0,
    "enable_mock_sync_chat_message": 0,
    "enable_ppt_page_down": 1,
    "mock_live_record": 0,
    "push_live_record": 0,
}
"""The settings ``room/info`` answers, each with the value a room has when it was not set:
the default in the vendor's ``room/create`` table (API 2), else the vendor's example."""
CREATE_FROM_OPEN_API = 1
"""``create_from`` of a room made through the open API (the vendor's table: 1)."""
ENTER_FIELDS = ("room_id", "user_avatar", "user_name", "user_number", "user_role")
CONSOLE_PAGE = 25
"""Rows a console table shows at once."""


@service.handles(Room.create)
def create(call: Call) -> dict[str, Any]:
    return call.store(RoomStore).create(call.args, call.now)


@service.handles(Room.update)
def update(call: Call) -> None:
    """The room's own rules, checked on the room as it would be after the change."""
    store = call.store(RoomStore)
    room_id = str(call.args["room_id"])
    room = store.get(room_id)
    changes = {k: v for k, v in call.args.items() if k != "room_id"}
    merged = {**room, **changes}
    ctx = Context(tz=BEIJING, now=call.env.now)
    try:
        for check in (check_duration, check_max_users):
            check(merged, ctx)
    except Invalid as exc:
        raise PlatformError(1001, f"{exc.param}: {exc.rule}") from None
    store.update(room_id, changes)


@service.handles(Room.delete)
def delete(call: Call) -> None:
    call.store(RoomStore).delete(str(call.args["room_id"]))


@service.handles(Room.info)
def info(call: Call) -> dict[str, Any]:
    """The fields of the vendor's table and example (:data:`INFO_SOURCE`), in its JSON
    types; nothing else (the class status is the ``live`` group's ``getLiveStatus``)."""
    store = call.store(RoomStore)
    room = store.get(call.args["room_id"])
    settings = {name: _setting(room, name, default) for name, default in INFO_SETTINGS.items()}
    answer = {
        "room_id": int(room["room_id"]),  # a number here, text in create's answer
        "title": room["title"],
        "type": room["type"],
        **settings,
        "start_time": beijing(room["start_time"]),
        "end_time": beijing(room["end_time"]),
        "create_time": beijing(room["create_time"]),
        "create_from": CREATE_FROM_OPEN_API,
        "admin_code": store.role_code(room["room_id"], 2),
        "teacher_code": store.role_code(room["room_id"], 1),
    }
    for name in INFO_TEXT:
        answer[name] = str(answer[name])
    return answer


def _setting(room: dict[str, Any], name: str, default: Any) -> Any:
    value = room.get(name)
    if value is not None:
        return value
    if name == "has_student_raise":
        return int(room["type"] == RoomType.LARGE_CLASS)
    return default


@service.handles(Room.getcode)
def getcode(call: Call) -> dict[str, Any]:
    store = call.store(RoomStore)
    room = store.get(call.args["room_id"])
    user_number = call.args["user_number"]
    if call.args.get("update_audition_type"):
        store.make_regular(room["room_id"], user_number)
    code = store.user_code(room["room_id"], user_number, call.args.get("user_avatar"), call.now)
    return {"student_code": code, "user_number": str(user_number)}


def _code_item(row: Any) -> dict[str, Any]:
    expires = row["expires_at"]
    return {
        "code": row["code"],
        "user_number": row["user_number"],
        "user_avatar": row["user_avatar"] or "",
        "create_time": beijing(row["create_time"]),
        "expire_time": None if expires is None else beijing(expires),
    }


@service.handles(Room.get_code_info)
def get_code_info(call: Call) -> dict[str, Any]:
    row = call.store(RoomStore).code(call.args["code"])
    if row is None:
        raise PlatformError(1001, "code: no such join code")
    if row["deleted"]:
        raise PlatformError(3002, "room has been deleted")
    if row["expires_at"] is not None and call.now >= row["expires_at"]:
        raise PlatformError(1001, "code: the audition code has expired")
    return {
        **_code_item(row),
        "room_id": int(row["room_id"]),
        "user_role": row["user_role"],
        "type": AUDITION if row["type"] == AUDITION else REGULAR,
        "group_id": row["group_id"],
    }


@service.handles(Room.listcode)
def listcode(call: Call) -> dict[str, Any]:
    store = call.store(RoomStore)
    room = store.get(call.args["room_id"])
    page, limit = call.page_args(100)
    rows, total = store.codes_page(room["room_id"], call.args.get("type") or REGULAR, page, limit)
    return {"list": [_code_item(r) for r in rows], "total": total, "page": page, "limit": limit}


@service.handles(Room.list)
def list(call: Call) -> dict[str, Any]:
    page, limit = call.page_args(100)
    rooms, total = call.store(RoomStore).page(call.args.get("product_type") or 0, page, limit)
    return {
        "list": [
            {
                "room_id": int(r["room_id"]),
                "title": r["title"],
                "type": r["type"],
                "start_time": beijing(r["start_time"]),
                "end_time": beijing(r["end_time"]),
                "create_time": beijing(r["create_time"]),
            }
            for r in rooms
        ],
        "total": total,
        "page": page,
        "limit": limit,
    }


AUDITION_DEFAULT = 1800
"""Seconds an audition code works when ``audition_length`` is not given (sandbox choice)."""


@service.handles(Room.get_audition_code)
def get_audition_code(call: Call) -> dict[str, Any]:
    store = call.store(RoomStore)
    room = store.get(call.args["room_id"])
    expires = call.now + (call.args.get("audition_length") or AUDITION_DEFAULT)
    codes = store.audition_codes(
        room["room_id"], call.args["user_numbers"], call.args.get("user_avatar"), expires, call.now
    )
    return {"list": codes}


def _group_room(call: Call) -> dict[str, Any]:
    room = call.store(RoomStore).get(call.args["room_id"])
    if not is_group_room(room):
        raise PlatformError(1001, "room_id: not a group live room")
    return room


@service.handles(Room.create_group_live_codes)
def create_group_live_codes(call: Call) -> dict[str, Any]:
    room = _group_room(call)
    store = call.store(RoomStore)
    store.add_groups(room["room_id"], call.args["number"], call.now)
    return {"list": store.group_codes(room["room_id"])}


@service.handles(Room.get_group_live_codes)
def get_group_live_codes(call: Call) -> dict[str, Any]:
    room = _group_room(call)
    return {"list": call.store(RoomStore).group_codes(room["room_id"])}


@service.handles(Room.get_group_sub_room_id)
def get_group_sub_room_id(call: Call) -> dict[str, Any]:
    room = call.store(RoomStore).get(call.args["room_id"])
    if room.get("is_group_live") != 2 and room.get("new_group_live") not in (1, 2):
        raise PlatformError(1001, "room_id: not a group live room with small classes")
    base = int(room["room_id"])
    groups = call.store(RoomStore).group_codes(room["room_id"])
    return {
        "list": [{"group_id": g["group_id"], "room_id": str(base + g["group_id"])} for g in groups]
    }


def _push_room(call: Call) -> str:
    room = call.store(RoomStore).get(call.args["room_id"])
    if not room.get("is_push_live"):
        raise PlatformError(1001, "room_id: not a push-live room")
    return str(room["room_id"])


@service.handles(Room.get_push_live_url)
def get_push_live_url(call: Call) -> dict[str, Any]:
    rid = _push_room(call)
    return {"push_url": f"rtmp://push.sandbox.invalid/live/{rid}?token={rid[-6:]}"}


@service.handles(Room.get_pull_stream_url)
def get_pull_stream_url(call: Call) -> dict[str, Any]:
    rid = _push_room(call)
    host = "pull.sandbox.invalid"
    return {
        "rtmp": f"rtmp://{host}/live/{rid}",
        "flv": f"https://{host}/live/{rid}.flv",
        "hls": f"https://{host}/live/{rid}.m3u8",
    }


@service.handles(Room.set_spot_video)
def set_spot_video(call: Call) -> None:
    store = call.store(RoomStore)
    room = store.get(call.args["room_id"])
    store.set_spot_videos(room["room_id"], call.args["video_ids"])


@service.handles(Room.get_spot_video)
def get_spot_video(call: Call) -> dict[str, Any]:
    store = call.store(RoomStore)
    room = store.get(call.args["room_id"])
    return {"list": [{"video_id": v} for v in store.spot_videos(room["room_id"])]}


# --------------------------------------------------------------------------- controls
@service.controls
class RoomControls(Controls):
    """Classes the platform drives itself: ``sandbox.room`` (also ``sandbox.rooms``)."""

    def _class_event(self, room_id: str, op: str) -> dict[str, Any]:
        report = class_event(self.env, RoomStore.owner(self.env, room_id), room_id, op)
        assert report is not None  # a callback URL is required here
        return report

    @route("POST", "/_sandbox/rooms/{room_id}/start")
    def start_class(self, room_id: str) -> dict[str, Any]:
        """Start a room's class and send the class callback; returns the delivery report."""
        return self._class_event(str(room_id), "start")

    @route("POST", "/_sandbox/rooms/{room_id}/end")
    def end_class(self, room_id: str) -> dict[str, Any]:
        """End a room's class and send the class callback; returns the delivery report."""
        return self._class_event(str(room_id), "end")

    @route("POST", "/_sandbox/rooms/{room_id}/event")
    def class_event(self, room_id: str, op: str) -> dict[str, Any]:
        """Send a class callback with another ``op`` (teacher_in, teacher_out, ...)."""
        return self._class_event(str(room_id), op)

    def partner_of(self, room_id: str) -> str:
        """The partner a room belongs to."""
        return RoomStore.owner(self.env, str(room_id))


# --------------------------------------------------------------------------- the entry page
@service.page("/web/room/enter")
def enter_page(env: Env, request: SandboxRequest) -> SandboxResponse:
    """The classroom entry an enter link opens: checks the link's sign, records the visit."""
    query = link_query(request)
    if isinstance(query, SandboxResponse):
        return query
    missing = [f for f in (*ENTER_FIELDS, "sign") if f not in query]
    if missing:
        return html_page(400, "Bad link", "missing: " + ", ".join(missing))
    names = [*ENTER_FIELDS, *(["group_id"] if "group_id" in query else [])]
    fields = [(name, query[name]) for name in names]
    # The link names no partner: the one whose key made the sign is the one it is for
    # (a stopped account's key opens nothing).
    for account in env.db.rows("SELECT partner_id, partner_key FROM partners WHERE disabled=0"):
        if not signs_equal(sign(fields, str(account["partner_key"])), query["sign"]):
            continue
        try:
            RoomStore(env, str(account["partner_id"])).get(query["room_id"])
        except PlatformError as exc:
            if exc.code == 3002:
                return html_page(410, "Room deleted", query["room_id"])
            return html_page(404, "No such room", query["room_id"])
        role_number = int(query["user_role"]) if query["user_role"].isdigit() else -1
        role = ROLES.get(role_number)
        if role is None:
            return html_page(400, "Bad link", "user_role must be 0, 1 or 2")
        ClassroomStore(env, str(account["partner_id"])).enter(
            query["room_id"], query["user_number"], query["user_name"], role_number, env.now()
        )
        return html_page(
            200, "Classroom", f"{query['user_name']} entered room {query['room_id']} as {role}"
        )
    return html_page(403, "Bad sign", "the link's sign does not match")


# --------------------------------------------------------------------------- the console
@service.action("start_class")
def start_class_action(controls: RoomControls, form: dict[str, str]) -> Any:
    return controls.start_class(form["room_id"])


@service.action("end_class")
def end_class_action(controls: RoomControls, form: dict[str, str]) -> Any:
    return controls.end_class(form["room_id"])


def _page_number(query: dict[str, str]) -> int:
    return max(1, int(query["page"])) if query.get("page", "").isdigit() else 1


def _seqs(rows: Any) -> tuple[int, ...]:
    """The rows' ``seq`` (the console's page links carry them as a cursor)."""
    return tuple(int(row["seq"]) for row in rows)


@service.panel("overview", order=-1)  # the console opens on the rooms
def rooms_panel(view: PanelView) -> str:
    """The account chooser and the account's rooms, each with start and end."""
    page = _page_number(view.query)
    store = RoomStore(view.env, view.partner)
    found, total = store.page(0, page, CONSOLE_PAGE, **cursor(view.query))
    choices = " ".join(
        f"<a href='{view.prefix}?{urlencode({'partner': p})}'>"
        f"{'<b>' if p == view.partner else ''}{escape(p)}{'</b>' if p == view.partner else ''}</a>"
        for p in accounts.account_ids(view.env)
    )
    rows = "".join(
        f"<tr><td><a href='{view.prefix}/rooms/{escape(room['room_id'])}'>"
        f"<code>{escape(room['room_id'])}</code></a></td>"
        f"<td>{escape(room['title'])}</td><td>{escape(room['type'])}</td>"
        f"<td>{when(room['start_time'])}</td><td>{when(room['end_time'])}</td>"
        f"<td>{escape(store.get(room['room_id'])['status'])}</td><td>"
        + view.form("start_class", "", "start", room_id=room["room_id"])
        + view.form("end_class", "", "end", room_id=room["room_id"])
        + "</td></tr>"
        for room in found
    )
    return (
        f"<section><h2>Rooms of partner {escape(view.partner)} ({total})</h2>"
        f"<p class='muted'>Accounts: {choices}</p>"
        + table(
            ("room", "title", "type", "start (Beijing)", "end", "class", "steer"),
            rows,
            "no rooms yet",
        )
        + f"{pager({'partner': view.partner}, page, total, CONSOLE_PAGE, seqs=_seqs(found))}"
        "</section>"
    )


@service.panel("room")
def room_panel(view: PanelView) -> str:
    """A room's facts, its enter links, its student and group codes."""
    assert view.room_id is not None
    room_id = view.room_id
    store = RoomStore(view.env, view.partner)
    room = store.get(room_id)
    key = PartnerStore(view.env, view.partner).account() or {}
    links = []
    for role, label in ((1, "teacher"), (2, "assistant"), (0, "student")):
        url = enter_url(
            view.base_url, str(key.get("partner_key", "")), room_id, 90 + role, label, role
        )
        links.append(
            f"<li><a href='{escape(url)}' target='_blank' rel='noopener'>enter as {label}</a></li>"
        )
    page = _page_number(view.query)
    codes, total = store.codes_page(room_id, 0, page, CONSOLE_PAGE, **cursor(view.query))
    code_rows = "".join(
        f"<tr><td><code>{escape(c['code'])}</code></td><td>{escape(c['user_number'])}</td>"
        f"<td>{when(c['create_time'])}</td></tr>"
        for c in codes
    )
    groups = "".join(
        f"<tr><td>{escape(g['group_id'])}</td><td><code>{escape(g.get('teacher_code'))}</code></td>"
        f"<td><code>{escape(g.get('student_code'))}</code></td></tr>"
        for g in store.group_codes(room_id)
    )
    spots = ", ".join(str(v) for v in store.spot_videos(room_id)) or "none"
    facts = [
        ("title", room["title"]),
        ("type", room["type"]),
        ("start", when(room["start_time"])),
        ("end", when(room["end_time"])),
        ("class", room["status"]),
        ("admin code", store.role_code(room_id, 2)),
        ("teacher code", store.role_code(room_id, 1)),
        ("student code", store.role_code(room_id, 0)),
        ("spot videos", spots),
        ("deleted", "yes" if room["deleted"] else "no"),
    ]
    fact_rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts)
    return (
        f"<section><h2>Room {escape(room_id)} of partner {escape(view.partner)}</h2>"
        f"<table>{fact_rows}</table><ul>{''.join(links)}</ul></section>"
        f"<section><h2>Student codes ({total})</h2>"
        + table(("code", "user number", "made"), code_rows)
        + f"{pager({}, page, total, CONSOLE_PAGE, seqs=_seqs(codes))}</section>"
        "<section><h2>Group codes</h2>"
        + table(("group", "teacher", "student"), groups)
        + "</section>"
    )


@service.panel("room_steer")
def room_steering(view: PanelView) -> str:
    return view.form("start_class", "", "start class", room_id=view.room_id) + view.form(
        "end_class", "", "end class", room_id=view.room_id
    )
