"""The web pages links point to: the classroom entry and the two players.

They check what the platform checks (the enter link's sign; the player
token) and answer a small HTML page, so a test can prove a link opens.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from .._signing import sign, signs_equal
from ._core import HTML_HEADERS, SandboxRequest, SandboxResponse

if TYPE_CHECKING:
    from ._core import Sandbox

ENTER_FIELDS = ("room_id", "user_avatar", "user_name", "user_number", "user_role")


def _page(status: int, title: str, text: str) -> SandboxResponse:
    body = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"</head><body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>"
    )
    return SandboxResponse(status=status, headers=list(HTML_HEADERS), body=body.encode("utf-8"))


def page(sandbox: Sandbox, request: SandboxRequest) -> SandboxResponse:
    try:
        query = dict(parse_qsl(request.query, keep_blank_values=True, errors="strict"))
    except UnicodeError:
        return _page(400, "Bad request", "the query is not valid UTF-8")
    if request.path == "/web/room/enter":
        return _enter(sandbox, query)
    if request.path in ("/web/playback/index", "/web/video/player"):
        return _player(sandbox, request.path, query)
    return _page(404, "Not found", request.path[:100])


def _enter(sandbox: Sandbox, query: dict[str, str]) -> SandboxResponse:
    missing = [f for f in (*ENTER_FIELDS, "sign") if f not in query]
    if missing:
        return _page(400, "Bad link", "missing: " + ", ".join(missing))
    names = [*ENTER_FIELDS, *(["group_id"] if "group_id" in query else [])]
    fields = [(name, query[name]) for name in names]
    for row in sandbox.state.query("SELECT partner_id, partner_key FROM partners"):
        if signs_equal(sign(fields, str(row["partner_key"])), query["sign"]):
            found = sandbox.state.one(
                "SELECT deleted FROM rooms WHERE room_id=? AND partner_id=?",
                (query["room_id"], row["partner_id"]),
            )
            if found is None:
                return _page(404, "No such room", query["room_id"])
            if found["deleted"]:
                return _page(410, "Room deleted", query["room_id"])
            role = {"0": "student", "1": "teacher", "2": "assistant"}.get(query["user_role"])
            if role is None:
                return _page(400, "Bad link", "user_role must be 0, 1 or 2")
            return _page(
                200, "Classroom", f"{query['user_name']} entered room {query['room_id']} as {role}"
            )
    return _page(403, "Bad sign", "the link's sign does not match")


def _player(sandbox: Sandbox, path: str, query: dict[str, str]) -> SandboxResponse:
    kind, target_field = (
        ("playback", "classid") if path == "/web/playback/index" else ("video", "vid")
    )
    token, target = query.get("token"), query.get(target_field)
    if not token or not target:
        return _page(400, "Bad link", f"{target_field} and token are required")
    row = sandbox.state.one("SELECT * FROM tokens WHERE token=? AND kind=?", (token, kind))
    if row is None or row["target"] != target:
        return _page(403, "Bad token", "the token does not match")
    if row["expires_at"] is not None and sandbox.now() >= row["expires_at"]:
        return _page(403, "Token expired", "the token has expired")
    return _page(200, "Player", f"playing {kind} {target}")
