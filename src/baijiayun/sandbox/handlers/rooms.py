"""Emulation of ``/openapi/room/*``: rooms, join codes, group codes, streams, spot videos.

Parameter types and documented constraints are already checked by the shared
endpoint declarations (``baijiayun.api.room``); what is here is the state the
platform keeps and the rules that depend on it.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any

from ..._spec import BEIJING
from ...api.room import MAX_DURATION, MIN_DURATION
from .._registry import Call, PlatformError, handles

ROOM_FIELDS_IN_INFO = (
    "title",
    "type",
    "max_users",
    "template_name",
    "is_long_term",
    "industry_type",
    "pre_enter_time",
    "is_group_live",
    "new_group_live",
    "is_mock_live",
    "is_push_live",
    "is_webrtc_live",
    "end_delay_time",
    "max_backup_users",
    "template_type",
    "app_template",
)


def beijing(ts: float) -> str:
    """Unix seconds as the platform's ``YYYY-MM-DD HH:MM:SS`` Beijing time."""
    return _dt.datetime.fromtimestamp(ts, BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def load_room(call: Call, room_id: Any, *, allow_deleted: bool = False) -> dict[str, Any]:
    """The caller's room, or 3001 (unknown) / 3002 (deleted)."""
    row = call.sandbox.state.one(
        "SELECT data, deleted, status FROM rooms WHERE room_id=? AND partner_id=?",
        (str(room_id), call.partner_id),
    )
    if row is None:
        raise PlatformError(3001, "room does not exist")
    if row["deleted"] and not allow_deleted:
        raise PlatformError(3002, "room has been deleted")
    room: dict[str, Any] = json.loads(row["data"])
    room["status"] = row["status"]
    return room


def save_room(call: Call, room: dict[str, Any]) -> None:
    data = {k: v for k, v in room.items() if k != "status"}
    call.sandbox.state.execute(
        "UPDATE rooms SET data=? WHERE room_id=?", (json.dumps(data), room["room_id"])
    )


def is_group_room(room: dict[str, Any]) -> bool:
    return bool(room.get("is_group_live") or room.get("new_group_live"))


def _check_duration(room: dict[str, Any]) -> None:
    start, end = room["start_time"], room["end_time"]
    if end <= start:
        raise PlatformError(1001, "end_time: must be after start_time")
    if not room.get("is_long_term") and not MIN_DURATION < end - start < MAX_DURATION:
        raise PlatformError(1001, "end_time: a room lasts more than 15 minutes and less than 24 h")


@handles("/openapi/room/create")
def create(call: Call) -> dict[str, Any]:
    args = call.args
    state = call.sandbox.state
    if args["type"] == 4 and args.get("max_users") is None:
        raise PlatformError(1001, "max_users: is required for a small class (type 4)")
    if (args.get("is_group_live") or args.get("new_group_live")) and args["type"] != 2:
        raise PlatformError(1001, "type: group live needs type 2")
    with state.tx():
        room_id = state.new_room_id(call.now)
        codes = {name: state.new_code() for name in ("admin_code", "teacher_code", "student_code")}
        room = {
            **{k: v for k, v in args.items() if k not in ("background_attachment",)},
            "room_id": room_id,
            "create_time": int(call.now),
            "create_from": "openapi",
            **codes,
            "attachments": sorted(call.files),
        }
        state.execute(
            "INSERT INTO rooms (partner_id, room_id, data) VALUES (?, ?, ?)",
            (call.partner_id, room_id, json.dumps(room)),
        )
        for role, name in ((2, "admin_code"), (1, "teacher_code"), (0, "student_code")):
            state.execute(
                "INSERT INTO codes (room_id, code, type, user_role, create_time) "
                "VALUES (?, ?, ?, ?, ?)",
                (room_id, codes[name], -1, role, call.now),
            )
    return {"room_id": room_id, **codes}


@handles("/openapi/room/update")
def update(call: Call) -> None:
    room = load_room(call, call.args["room_id"])
    changes = {k: v for k, v in call.args.items() if k != "room_id"}
    room.update(changes)
    _check_duration(room)
    if (
        room.get("type") == 4
        and room.get("max_users") is not None
        and not (1 <= room["max_users"] <= 12)
    ):
        raise PlatformError(1001, "max_users: must be between 1 and 12 for a small class")
    save_room(call, room)
    return None


@handles("/openapi/room/delete")
def delete(call: Call) -> None:
    load_room(call, call.args["room_id"])
    call.sandbox.state.execute(
        "UPDATE rooms SET deleted=1 WHERE room_id=?", (str(call.args["room_id"]),)
    )
    return None


@handles("/openapi/room/info")
def info(call: Call) -> dict[str, Any]:
    room = load_room(call, call.args["room_id"])
    out: dict[str, Any] = {"room_id": int(room["room_id"])}  # a number here, text in create
    for name in ROOM_FIELDS_IN_INFO:
        if name in room:
            out[name] = room[name]
    out.setdefault("type", 2)
    out["start_time"] = beijing(room["start_time"])
    out["end_time"] = beijing(room["end_time"])
    out["create_time"] = beijing(room["create_time"])
    out["admin_code"] = room["admin_code"]
    out["teacher_code"] = room["teacher_code"]
    out["create_from"] = room["create_from"]
    out["status"] = room["status"]
    if "forbidden_end_types" in room:
        out["forbidden_end_types"] = ",".join(room["forbidden_end_types"])
    return out


def _user_code(call: Call, room_id: str, user_number: int, avatar: str | None) -> str:
    state = call.sandbox.state
    with state.tx():
        row = state.one(
            "SELECT code FROM codes WHERE room_id=? AND user_number=? AND type=0",
            (room_id, str(user_number)),
        )
        if row is not None:
            if avatar is not None:
                state.execute("UPDATE codes SET user_avatar=? WHERE code=?", (avatar, row["code"]))
            return str(row["code"])
        code = state.new_code()
        state.execute(
            "INSERT INTO codes (room_id, code, type, user_number, user_avatar, create_time) "
            "VALUES (?, ?, 0, ?, ?, ?)",
            (room_id, code, str(user_number), avatar, call.now),
        )
        return code


@handles("/openapi/room/getcode")
def getcode(call: Call) -> dict[str, Any]:
    room = load_room(call, call.args["room_id"])
    user_number = call.args["user_number"]
    if call.args.get("update_audition_type"):
        call.sandbox.state.execute(
            "UPDATE codes SET type=0, expires_at=NULL WHERE room_id=? AND user_number=? AND type=1",
            (room["room_id"], str(user_number)),
        )
    code = _user_code(call, room["room_id"], user_number, call.args.get("user_avatar"))
    return {"student_code": code, "user_number": str(user_number)}


def _code_row(row: Any, now: float) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": row["code"],
        "user_number": row["user_number"],
        "user_avatar": row["user_avatar"] or "",
        "create_time": beijing(row["create_time"]),
    }
    if row["expires_at"] is not None:
        out["expire_time"] = beijing(row["expires_at"])
        out["expired"] = now >= row["expires_at"]
    return out


@handles("/openapi/room/getCodeInfo")
def get_code_info(call: Call) -> dict[str, Any]:
    row = call.sandbox.state.one(
        "SELECT c.*, r.deleted FROM codes c JOIN rooms r ON r.room_id = c.room_id "
        "WHERE c.code=? AND r.partner_id=?",
        (call.args["code"], call.partner_id),
    )
    if row is None:
        raise PlatformError(1001, "code: no such join code")
    if row["deleted"]:
        raise PlatformError(3002, "room has been deleted")
    if row["expires_at"] is not None and call.now >= row["expires_at"]:
        raise PlatformError(1001, "code: the audition code has expired")
    out = _code_row(row, call.now)
    out.update(room_id=int(row["room_id"]), user_role=row["user_role"], type=max(row["type"], 0))
    if row["group_id"] is not None:
        out["group_id"] = row["group_id"]
    return out


def _page(call: Call) -> tuple[int, int]:
    page = call.args.get("page") or 1
    limit = call.args.get("limit") or 100
    return int(page), int(limit)


@handles("/openapi/room/listcode")
def listcode(call: Call) -> dict[str, Any]:
    room = load_room(call, call.args["room_id"])
    page, limit = _page(call)
    code_type = call.args.get("type") or 0
    state = call.sandbox.state
    total = state.one(
        "SELECT COUNT(*) AS n FROM codes WHERE room_id=? AND type=?", (room["room_id"], code_type)
    )
    rows = state.query(
        "SELECT * FROM codes WHERE room_id=? AND type=? ORDER BY seq LIMIT ? OFFSET ?",
        (room["room_id"], code_type, limit, (page - 1) * limit),
    )
    return {
        "list": [_code_row(r, call.now) for r in rows],
        "total": total["n"] if total else 0,
        "page": page,
        "limit": limit,
    }


PRODUCT_TYPES = {1: (1, 2, 3, 5, 6), 2: (4,), 4: (1, 2, 3, 4, 5, 6)}


@handles("/openapi/room/list")
def room_list(call: Call) -> dict[str, Any]:
    page, limit = _page(call)
    rows = call.sandbox.state.query(
        "SELECT data FROM rooms WHERE partner_id=? AND deleted=0 ORDER BY seq",
        (call.partner_id,),
    )
    rooms = [json.loads(r["data"]) for r in rows]
    product = call.args.get("product_type")
    if product is not None:
        enterprise = product == 4
        rooms = [
            r
            for r in rooms
            if r.get("type", 2) in PRODUCT_TYPES[product]
            and bool(r.get("industry_type") == 1) == enterprise
        ]
    chunk = rooms[(page - 1) * limit : page * limit]
    return {
        "list": [
            {
                "room_id": int(r["room_id"]),
                "title": r["title"],
                "type": r.get("type", 2),
                "start_time": beijing(r["start_time"]),
                "end_time": beijing(r["end_time"]),
                "create_time": beijing(r["create_time"]),
            }
            for r in chunk
        ],
        "total": len(rooms),
        "page": page,
        "limit": limit,
    }


@handles("/openapi/room/getAuditionCode")
def get_audition_code(call: Call) -> dict[str, Any]:
    room = load_room(call, call.args["room_id"])
    length = call.args.get("audition_length") or 1800
    expires = call.now + length
    state = call.sandbox.state
    out = []
    with state.tx():
        for user_number in call.args["user_numbers"]:
            code = state.new_code()
            state.execute(
                "INSERT INTO codes (room_id, code, type, user_number, user_avatar, expires_at, "
                "create_time) VALUES (?, ?, 1, ?, ?, ?, ?)",
                (
                    room["room_id"],
                    code,
                    str(user_number),
                    call.args.get("user_avatar"),
                    expires,
                    call.now,
                ),
            )
            out.append(
                {"user_number": str(user_number), "code": code, "expire_time": beijing(expires)}
            )
    return {"list": out}


def _group_codes(call: Call, room_id: str) -> list[dict[str, Any]]:
    rows = call.sandbox.state.query(
        "SELECT * FROM codes WHERE room_id=? AND group_id IS NOT NULL ORDER BY group_id, seq",
        (room_id,),
    )
    groups: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = groups.setdefault(row["group_id"], {"group_id": row["group_id"]})
        entry["teacher_code" if row["user_role"] == 1 else "student_code"] = row["code"]
    return list(groups.values())


@handles("/openapi/room/createGroupLiveCodes")
def create_group_live_codes(call: Call) -> dict[str, Any]:
    room = load_room(call, call.args["room_id"])
    if not is_group_room(room):
        raise PlatformError(1001, "room_id: not a group live room")
    state = call.sandbox.state
    with state.tx():
        existing = state.one(
            "SELECT MAX(group_id) AS g FROM codes WHERE room_id=?", (room["room_id"],)
        )
        first = (existing["g"] or 0) + 1 if existing else 1
        for group_id in range(first, first + call.args["number"]):
            for role in (1, 0):
                state.execute(
                    "INSERT INTO codes (room_id, code, type, user_role, group_id, create_time) "
                    "VALUES (?, ?, -2, ?, ?, ?)",
                    (room["room_id"], state.new_code(), role, group_id, call.now),
                )
    return {"list": _group_codes(call, room["room_id"])}


@handles("/openapi/room/getGroupLiveCodes")
def get_group_live_codes(call: Call) -> dict[str, Any]:
    room = load_room(call, call.args["room_id"])
    if not is_group_room(room):
        raise PlatformError(1001, "room_id: not a group live room")
    return {"list": _group_codes(call, room["room_id"])}


@handles("/openapi/room/getGroupSubRoomId")
def get_group_sub_room_id(call: Call) -> dict[str, Any]:
    room = load_room(call, call.args["room_id"])
    if room.get("is_group_live") != 2 and room.get("new_group_live") not in (1, 2):
        raise PlatformError(1001, "room_id: not a group live room with small classes")
    groups = _group_codes(call, room["room_id"])
    base = int(room["room_id"])
    return {"list": [{"group_id": g["group_id"], "room_id": base + g["group_id"]} for g in groups]}


def _push_room(call: Call) -> dict[str, Any]:
    room = load_room(call, call.args["room_id"])
    if not room.get("is_push_live"):
        raise PlatformError(1001, "room_id: not a push-live room")
    return room


@handles("/openapi/room/getPushLiveUrl")
def get_push_live_url(call: Call) -> dict[str, Any]:
    room = _push_room(call)
    rid = room["room_id"]
    return {"push_url": f"rtmp://push.sandbox.invalid/live/{rid}?token={rid[-6:]}"}


@handles("/openapi/room/getPullStreamUrl")
def get_pull_stream_url(call: Call) -> dict[str, Any]:
    rid = _push_room(call)["room_id"]
    host = "pull.sandbox.invalid"
    return {
        "rtmp": f"rtmp://{host}/live/{rid}",
        "flv": f"https://{host}/live/{rid}.flv",
        "hls": f"https://{host}/live/{rid}.m3u8",
    }


@handles("/openapi/room/setSpotVideo")
def set_spot_video(call: Call) -> None:
    room = load_room(call, call.args["room_id"])
    state = call.sandbox.state
    with state.tx():
        state.execute("DELETE FROM spot_videos WHERE room_id=?", (room["room_id"],))
        for position, video_id in enumerate(call.args["video_ids"]):
            state.execute(
                "INSERT INTO spot_videos (room_id, position, video_id) VALUES (?, ?, ?)",
                (room["room_id"], position, video_id),
            )
    return None


@handles("/openapi/room/getSpotVideo")
def get_spot_video(call: Call) -> dict[str, Any]:
    room = load_room(call, call.args["room_id"])
    rows = call.sandbox.state.query(
        "SELECT video_id FROM spot_videos WHERE room_id=? ORDER BY position", (room["room_id"],)
    )
    return {"list": [{"video_id": r["video_id"]} for r in rows]}
