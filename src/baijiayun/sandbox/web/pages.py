"""The web pages links point to: the classroom entry and the two players.

They check what the platform checks (the enter link's sign; the player
token; that there is something to play: a published, ready playback or video)
and answer a small HTML page, so a test can prove a link opens. A player that
opens records a play (``plays.py``), which the play statistics are made of.
"""

from __future__ import annotations

import html
from urllib.parse import parse_qsl

from ..._signing import sign, signs_equal
from ...api.playback import PlaybackStatus, PublishStatus
from ...api.video import VideoStatus
from ..classroom import ROLES, ClassroomStore
from ..core.db import Env
from ..core.http import HTML_HEADERS, PlatformError, SandboxRequest, SandboxResponse
from ..media import MediaStore
from ..playbacks import PlaybackStore, session_text
from ..plays import PlayStore, record_playback_play, record_video_play
from ..rooms import RoomStore

ENTER_FIELDS = ("room_id", "user_avatar", "user_name", "user_number", "user_role")


def _page(status: int, title: str, text: str) -> SandboxResponse:
    body = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"</head><body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>"
    )
    return SandboxResponse(status=status, headers=list(HTML_HEADERS), body=body.encode("utf-8"))


def page(env: Env, request: SandboxRequest) -> SandboxResponse:
    try:
        query = dict(parse_qsl(request.query, keep_blank_values=True, errors="strict"))
    except UnicodeError:
        return _page(400, "Bad request", "the query is not valid UTF-8")
    if request.path == "/web/room/enter":
        return _enter(env, query)
    if request.path in ("/web/playback/index", "/web/video/player"):
        return _player(env, request, query)
    return _page(404, "Not found", request.path[:100])


def _enter(env: Env, query: dict[str, str]) -> SandboxResponse:
    missing = [f for f in (*ENTER_FIELDS, "sign") if f not in query]
    if missing:
        return _page(400, "Bad link", "missing: " + ", ".join(missing))
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
                return _page(410, "Room deleted", query["room_id"])
            return _page(404, "No such room", query["room_id"])
        role_number = int(query["user_role"]) if query["user_role"].isdigit() else -1
        role = ROLES.get(role_number)
        if role is None:
            return _page(400, "Bad link", "user_role must be 0, 1 or 2")
        ClassroomStore(env, str(account["partner_id"])).enter(
            query["room_id"], query["user_number"], query["user_name"], role_number, env.now()
        )
        return _page(
            200, "Classroom", f"{query['user_name']} entered room {query['room_id']} as {role}"
        )
    return _page(403, "Bad sign", "the link's sign does not match")


def _player(env: Env, request: SandboxRequest, query: dict[str, str]) -> SandboxResponse:
    kind, target_field = (
        ("playback", "classid") if request.path == "/web/playback/index" else ("video", "vid")
    )
    token, target = query.get("token"), query.get(target_field)
    if not token or not target:
        return _page(400, "Bad link", f"{target_field} and token are required")
    owner = env.db.row("SELECT partner_id FROM tokens WHERE token=?", (token,))
    partner_id = None if owner is None else str(owner["partner_id"])
    row = None if partner_id is None else MediaStore(env, partner_id).token(token, kind)
    if row is None or partner_id is None or row["target"] != target:
        return _page(403, "Bad token", "the token does not match")
    linked = session_text(query.get("session_id"))
    if row["session_id"] and linked and linked != row["session_id"]:
        return _page(403, "Bad token", "the token is for another session")
    if row["expires_at"] is not None and env.now() >= row["expires_at"]:
        return _page(403, "Token expired", "the token has expired")
    viewer = (request.client_host, request.headers.get("user-agent"))
    if kind == "playback":
        return _play_playback(env, partner_id, target, row["session_id"] or linked, viewer)
    return _play_video(env, partner_id, int(target), viewer)


def _play_playback(
    env: Env, partner_id: str, room_id: str, session_id: str, viewer: tuple[str, str | None]
) -> SandboxResponse:
    store = PlaybackStore(env, partner_id)
    playback = store.find(room_id, session_id)
    if playback is None:
        return _page(404, "No playback", f"room {room_id} has no playback")
    if playback["status"] != PlaybackStatus.READY:
        return _page(409, "Not ready", f"the playback of room {room_id} is being generated")
    if playback["publish_status"] == PublishStatus.BLOCKED:
        return _page(403, "Blocked", f"the playback of room {room_id} is not published")
    version = store.version(playback)
    record_playback_play(PlayStore(env, partner_id), playback, version, env.now(), *viewer)
    return _page(200, "Player", f"playing playback {room_id} version {version['version']}")


def _play_video(
    env: Env, partner_id: str, video_id: int, viewer: tuple[str, str | None]
) -> SandboxResponse:
    video = MediaStore(env, partner_id).find(video_id)
    if video is None:
        return _page(404, "No video", f"no video {video_id}")
    if video["status"] != VideoStatus.READY:
        return _page(409, "Not ready", f"video {video_id} is not transcoded yet")
    if video["publish_status"] == PublishStatus.BLOCKED:
        return _page(403, "Blocked", f"video {video_id} is not published")
    record_video_play(PlayStore(env, partner_id), video, env.now(), *viewer)
    return _page(200, "Player", f"playing video {video_id}")
