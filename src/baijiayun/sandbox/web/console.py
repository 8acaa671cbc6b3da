"""The sandbox console: see and steer the emulator from a browser, at ``/_sandbox/ui``.

Plain HTML first: every page reads correctly and every form works with
JavaScript off (a form posts, the answer is shown on its own page). With
JavaScript on, the data refreshes in place every two seconds and forms show
their answer without leaving the page. No asset comes from the network.

The console follows the control API's rules: loopback peers and a loopback
``Host`` only, no foreign ``Origin``. Its forms are plain form posts (so they
work without JavaScript), so each carries a token only pages of this sandbox
know: a page of another origin cannot read it, so it cannot submit them.
"""

from __future__ import annotations

import datetime as _dt
import hmac
import html
import json
import secrets
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode

from ..._wire import BEIJING
from ...links import enter_url
from ..core.control import refusal
from ..core.db import Env
from ..core.faults import Fault
from ..core.http import HTML_HEADERS, PlatformError, SandboxRequest, SandboxResponse, json_response
from ..documents import DocStore
from ..partners import DeliveryStore, PartnerStore
from ..playbacks import PlaybackStore
from ..rooms import RoomStore

__all__ = ["PREFIX", "Console"]

PREFIX = "/_sandbox/ui"
PAGE_SIZE = 25
DOC_STATUS = {0: "converting", 1: "ready", 2: "failed"}
PLAYBACK_STATUS = {20: "generating", 30: "failed", 100: "ready"}


class Steered(Protocol):
    """What the console reads and steers: the sandbox (a protocol, so no import of the core)."""

    env: Env
    recent: Any
    faults: Any
    clock_offset: float
    rooms: Any
    partners: Any
    media: Any
    playbacks: Any

    def now(self) -> float: ...
    def reset(self) -> dict[str, Any]: ...
    def inject(self, path: str = "*", **fault: Any) -> Fault: ...
    def clear_faults(self) -> dict[str, Any]: ...
    def advance_clock(self, advance: float) -> dict[str, Any]: ...


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _time(ts: float | None) -> str:
    if ts is None:
        return ""
    return _dt.datetime.fromtimestamp(ts, BEIJING).strftime("%Y-%m-%d %H:%M:%S")


STYLE = """
:root { color-scheme: light dark; --line: #8884; --muted: #888; --accent: #2563eb; }
body { font: 14px/1.45 system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei",
       "WenQuanYi Zen Hei", sans-serif; margin: 0; }
header { padding: .6rem 1rem; border-bottom: 1px solid var(--line); display: flex; gap: 1rem;
         align-items: baseline; }
header h1 { font-size: 1.05rem; margin: 0; }
header a { color: inherit; }
.wrap { display: grid; grid-template-columns: minmax(0, 1fr) 19rem; gap: 1rem; padding: 1rem; }
section { margin-bottom: 1.4rem; }
h2 { font-size: .95rem; margin: 0 0 .4rem; text-transform: uppercase; letter-spacing: .04em;
     color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .25rem .45rem; border-bottom: 1px solid var(--line);
         vertical-align: top; }
th { font-weight: 600; font-size: .85rem; }
td.num { font-variant-numeric: tabular-nums; }
.ok { color: #16a34a; } .bad { color: #dc2626; } .muted { color: var(--muted); }
code, pre { font: 12px/1.4 ui-monospace, monospace; }
pre { white-space: pre-wrap; word-break: break-all; margin: .3rem 0; }
aside form { border: 1px solid var(--line); border-radius: 6px; padding: .5rem; margin: 0 0 .6rem; }
aside label { display: block; font-size: .85rem; margin: .2rem 0; }
input, select { font: inherit; width: 100%; box-sizing: border-box; }
button { font: inherit; cursor: pointer; }
td form { display: inline; }
.pager a { margin-right: .6rem; }
.answer { border-left: 3px solid var(--accent); padding-left: .4rem; }
"""

SCRIPT = """
(function () {
  var live = document.getElementById('live');
  function refresh() {
    fetch(location.href, {headers: {'X-Console-Partial': '1'}})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (text) {
        if (text !== null && text !== live.innerHTML) { live.innerHTML = text; }
      })
      .catch(function () {});
  }
  setInterval(refresh, 2000);
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form.matches('form[data-act]')) { return; }
    event.preventDefault();
    var out = form.querySelector('.answer') || document.getElementById('answer');
    var body = new URLSearchParams(new FormData(form));
    fetch(form.getAttribute('action'),
          {method: 'POST', body: body, headers: {'Accept': 'application/json'}})
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        out.textContent = JSON.stringify(answer, null, 1);
        refresh();
      });
  });
})();
"""


class Console:
    """Renders the console's pages and carries out its forms."""

    def __init__(self, sandbox: Steered) -> None:
        self.sandbox = sandbox
        self.token = secrets.token_urlsafe(24)
        self.actions: dict[str, Callable[[dict[str, str]], Any]] = {
            "start_class": lambda f: self.sandbox.rooms.start_class(f["room_id"]),
            "end_class": lambda f: self.sandbox.rooms.end_class(f["room_id"]),
            "redeliver": lambda f: self.sandbox.partners.redeliver(
                int(f["seq"]), f.get("partner_id") or None
            ),
            "fault": self._fault,
            "clear_faults": lambda f: self.sandbox.clear_faults(),
            "clock": lambda f: self.sandbox.advance_clock(float(f["seconds"])),
            "reset": lambda f: self.sandbox.reset(),
            "video_status": lambda f: self.sandbox.media.set_video_status(
                int(f["video_id"]), int(f["status"])
            ),
            "playback_status": lambda f: self.sandbox.playbacks.set_playback_status(
                f["room_id"], int(f["status"])
            ),
        }

    def _fault(self, form: dict[str, str]) -> Any:
        fault: dict[str, Any] = {"path": form.get("path") or "*"}
        for name in ("status", "code", "count"):
            if form.get(name):
                fault[name] = int(form[name])
        if form.get("delay"):
            fault["delay"] = float(form["delay"])
        if form.get("drop"):
            fault["drop"] = True
        return self.sandbox.inject(**fault)

    # ---- requests
    def handle(self, request: SandboxRequest) -> SandboxResponse:
        # Form posts are plain (they work without JavaScript): their token stands in
        # for the control API's JSON rule.
        problem = refusal(request, json_writes=False)
        if problem is not None:
            return self._page(403, "Refused", f"<p>{_e(problem)}</p>")
        path = request.path.rstrip("/") or "/"
        query = dict(parse_qsl(request.query, keep_blank_values=True))
        partial = request.headers.get("x-console-partial") == "1"
        try:
            if request.method.upper() == "POST" and path == PREFIX + "/act":
                return self._act(request)
            if request.method.upper() != "GET":
                return self._page(405, "Method not allowed", "")
            if path == PREFIX:
                return self._render(request, self._overview(query), partial, self._steering())
            if path.startswith(PREFIX + "/rooms/"):
                room_id = path.rsplit("/", 1)[1]
                body = self._room(request, room_id, query)
                return self._render(request, body, partial, self._room_steering(room_id))
        except PlatformError as exc:
            return self._page(404, "Not found", f"<p>{_e(exc.code)} {_e(exc.msg)}</p>")
        return self._page(404, "Not found", f"<p>{_e(path[:100])}</p>")

    def _act(self, request: SandboxRequest) -> SandboxResponse:
        wants_json = "application/json" in request.headers.get("accept", "")
        site = request.headers.get("sec-fetch-site")
        try:
            form = dict(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
        except UnicodeError:
            form = {}
        if site not in (None, "same-origin", "none") or not hmac.compare_digest(
            form.get("token", ""), self.token
        ):
            return self._answer(wants_json, 403, {"error": "this form is not from the console"})
        action = self.actions.get(form.get("do", ""))
        if action is None:
            return self._answer(wants_json, 400, {"error": "unknown action"})
        try:
            result = action(form)
        except PlatformError as exc:
            return self._answer(wants_json, 400, {"error": exc.msg, "code": exc.code})
        except (KeyError, ValueError, TypeError) as exc:
            return self._answer(wants_json, 400, {"error": f"bad form: {exc}"})
        return self._answer(wants_json, 200, {"ok": True, "result": result})

    def _answer(self, wants_json: bool, status: int, payload: dict[str, Any]) -> SandboxResponse:
        if wants_json:
            return json_response(payload, status)
        text = json.dumps(payload, ensure_ascii=False, indent=1, default=_plain)
        back = f'<p><a href="{PREFIX}">Back to the console</a></p>'
        return self._page(status, "Answer", f'<pre class="answer">{_e(text)}</pre>{back}')

    # ---- page frame
    def _page(self, status: int, title: str, body: str, aside: str = "") -> SandboxResponse:
        clock = _time(self.sandbox.now())
        offset = self.sandbox.clock_offset
        shift = f" (clock moved {offset:+g} s)" if offset else ""
        text = (
            "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{_e(title)} · BaiJiaYun sandbox</title><style>{STYLE}</style></head><body>"
            f"<header><h1><a href='{PREFIX}'>BaiJiaYun sandbox</a></h1>"
            f"<span class='muted'>{_e(clock)} Beijing{_e(shift)}</span></header>"
            f"<div class='wrap'><main id='live'>{body}</main><aside>{aside}"
            "<pre id='answer' class='answer' aria-live='polite'></pre></aside></div>"
            f"<script>{SCRIPT}</script></body></html>"
        )
        return SandboxResponse(status, list(HTML_HEADERS), text.encode("utf-8"))

    def _render(
        self, request: SandboxRequest, body: str, partial: bool, aside: str
    ) -> SandboxResponse:
        if partial:
            return SandboxResponse(200, list(HTML_HEADERS), body.encode("utf-8"))
        return self._page(200, "Console", body, aside)

    def _form(self, action: str, fields: str, label: str, **hidden: Any) -> str:
        inputs = "".join(
            f"<input type='hidden' name='{_e(k)}' value='{_e(v)}'>" for k, v in hidden.items()
        )
        return (
            f"<form method='post' action='{PREFIX}/act' data-act>"
            f"<input type='hidden' name='token' value='{self.token}'>"
            f"<input type='hidden' name='do' value='{_e(action)}'>{inputs}{fields}"
            f"<button type='submit'>{_e(label)}</button></form>"
        )

    # ---- the overview
    def _overview(self, query: dict[str, str]) -> str:
        partners = self.sandbox.partners.ids()
        partner = query.get("partner") or self.sandbox.env.default_partner
        page = max(1, int(query["page"])) if query.get("page", "").isdigit() else 1
        store = RoomStore(self.sandbox.env, partner)
        rooms, total = store.page(0, page, PAGE_SIZE)
        choices = " ".join(
            f"<a href='{PREFIX}?{urlencode({'partner': p})}'>{'<b>' if p == partner else ''}"
            f"{_e(p)}{'</b>' if p == partner else ''}</a>"
            for p in partners
        )
        rows = "".join(self._room_row(store, room) for room in rooms)
        pager = self._pager({"partner": partner}, page, total)
        return (
            f"<section><h2>Rooms of partner {_e(partner)} ({total})</h2>"
            f"<p class='muted'>Accounts: {choices}</p>"
            "<table><tr><th>room</th><th>title</th><th>type</th><th>start (Beijing)</th>"
            "<th>end</th><th>class</th><th></th></tr>"
            f"{rows or '<tr><td colspan=7 class=muted>no rooms yet</td></tr>'}</table>{pager}"
            f"</section>{self._requests(query)}{self._deliveries(partner)}{self._faults()}"
        )

    def _room_row(self, store: RoomStore, room: dict[str, Any]) -> str:
        full = store.get(room["room_id"])
        link = f"{PREFIX}/rooms/{_e(room['room_id'])}"
        return (
            f"<tr><td><a href='{link}'><code>{_e(room['room_id'])}</code></a></td>"
            f"<td>{_e(room['title'])}</td><td>{_e(room['type'])}</td>"
            f"<td>{_time(room['start_time'])}</td><td>{_time(room['end_time'])}</td>"
            f"<td>{_e(full['status'])}</td><td>"
            + self._form("start_class", "", "start", room_id=room["room_id"])
            + self._form("end_class", "", "end", room_id=room["room_id"])
            + "</td></tr>"
        )

    def _pager(self, params: dict[str, str], page: int, total: int, name: str = "page") -> str:
        pages = max(1, -(-total // PAGE_SIZE))
        if pages == 1:
            return ""
        links = []
        if page > 1:
            links.append(f"<a href='?{urlencode({**params, name: page - 1})}'>← newer</a>")
        if page < pages:
            links.append(f"<a href='?{urlencode({**params, name: page + 1})}'>older →</a>")
        return f"<p class='pager'>{''.join(links)} <span class='muted'>{page}/{pages}</span></p>"

    def _requests(self, query: dict[str, str]) -> str:
        entries = list(self.sandbox.recent)[::-1]
        raw = query.get("requests", "")
        page = max(1, int(raw)) if raw.isdigit() else 1
        shown = entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        rows = "".join(
            f"<tr><td class='num'>{_time(r.time)[11:]}</td><td><code>{_e(r.path)}</code></td>"
            f"<td>{_e(r.partner)}</td><td class='num'>{_e(r.status)}</td>"
            f"<td class='num {'ok' if r.code == 0 else 'bad'}'>{_e(r.code)}</td>"
            f"<td>{_e(r.msg)}</td><td class='num'>{r.ms:.1f} ms</td>"
            f"<td class='bad'>{_e(r.reason)}</td></tr>"
            for r in shown
        )
        pager = self._pager({}, page, len(entries), "requests")
        return (
            f"<section><h2>Requests (newest first, last {len(entries)})</h2><table>"
            "<tr><th>time</th><th>path</th><th>partner</th><th>HTTP</th><th>code</th>"
            "<th>message</th><th>took</th><th>why refused</th></tr>"
            f"{rows or '<tr><td colspan=8 class=muted>no requests yet</td></tr>'}</table>"
            f"{pager}</section>"
        )

    def _deliveries(self, partner: str) -> str:
        rows = []
        for d in DeliveryStore(self.sandbox.env, partner).newest(PAGE_SIZE):
            fields = {k: v for k, v in d["fields"].items() if k != "sign"}
            event = fields.get("op") or f"status {fields.get('status', '?')}"
            redeliver = self._form("redeliver", "", "re-deliver", seq=d["seq"], partner_id=partner)
            rows.append(
                f"<tr><td class='num'>{_time(d['time'])[11:]}</td><td>{_e(event)}</td>"
                f"<td><code>{_e(d['url'])}</code></td>"
                f"<td><pre>{_e(json.dumps(fields, ensure_ascii=False))}</pre></td>"
                f"<td class='num'>{_e(d['status'])}</td><td><pre>{_e(d['answer'])}</pre></td>"
                f"<td class='{'ok' if d['ok'] else 'bad'}'>"
                f"{'accepted' if d['ok'] else 'not accepted'}</td><td>{redeliver}</td></tr>"
            )
        return (
            f"<section><h2>Callbacks sent to partner {_e(partner)}</h2><table>"
            "<tr><th>time</th><th>event</th><th>URL</th><th>signed fields</th><th>HTTP</th>"
            "<th>receiver's answer</th><th></th><th></th></tr>"
            f"{''.join(rows) or '<tr><td colspan=8 class=muted>no callbacks yet</td></tr>'}"
            "</table></section>"
        )

    def _faults(self) -> str:
        queued = self.sandbox.faults.describe()
        items = "".join(
            f"<li><code>{_e(f['path'])}</code> × {_e(f['count'])}: {_e(Fault(**f).describe())}</li>"
            for f in queued
        )
        return (
            "<section><h2>Queued faults</h2>"
            f"<ul>{items or '<li class=muted>none</li>'}</ul></section>"
        )

    def _steering(self) -> str:
        return (
            "<h2>Steer</h2>"
            + self._form(
                "fault",
                "<label>path <input name='path' value='*'></label>"
                "<label>HTTP status <input name='status' inputmode='numeric'></label>"
                "<label>platform code <input name='code' inputmode='numeric'></label>"
                "<label>delay (s) <input name='delay' inputmode='decimal'></label>"
                "<label><input type='checkbox' name='drop' value='1' style='width:auto'>"
                " drop the connection</label>"
                "<label>count <input name='count' value='1' inputmode='numeric'></label>",
                "queue fault",
            )
            + self._form("clear_faults", "", "clear faults")
            + self._form(
                "clock",
                "<label>advance the clock (s) <input name='seconds' value='3600'></label>",
                "advance",
            )
            + self._form(
                "video_status",
                "<label>video id <input name='video_id'></label>"
                "<label>status <select name='status'><option>20</option><option>30</option>"
                "<option selected>100</option></select></label>",
                "set video status",
            )
            + self._form("reset", "", "reset everything")
        )

    # ---- one room
    def _room(self, request: SandboxRequest, room_id: str, query: dict[str, str]) -> str:
        partner = self.sandbox.rooms.partner_of(room_id)
        store = RoomStore(self.sandbox.env, partner)
        room = store.get(room_id)
        key = PartnerStore(self.sandbox.env, partner).account() or {}
        base = f"http://{request.headers.get('host', '127.0.0.1')}/"
        links = []
        for role, label in ((1, "teacher"), (2, "assistant"), (0, "student")):
            url = enter_url(base, str(key.get("partner_key", "")), room_id, 90 + role, label, role)
            links.append(
                f"<li><a href='{_e(url)}' target='_blank' rel='noopener'>enter as {label}</a></li>"
            )
        page = max(1, int(query["page"])) if query.get("page", "").isdigit() else 1
        codes, total = store.codes_page(room_id, 0, page, PAGE_SIZE)
        code_rows = "".join(
            f"<tr><td><code>{_e(c['code'])}</code></td><td>{_e(c['user_number'])}</td>"
            f"<td>{_time(c['create_time'])}</td></tr>"
            for c in codes
        )
        groups = "".join(
            f"<tr><td>{_e(g['group_id'])}</td><td><code>{_e(g.get('teacher_code'))}</code></td>"
            f"<td><code>{_e(g.get('student_code'))}</code></td></tr>"
            for g in store.group_codes(room_id)
        )
        spots = ", ".join(str(v) for v in store.spot_videos(room_id)) or "none"
        facts = [
            ("title", room["title"]),
            ("type", room["type"]),
            ("start", _time(room["start_time"])),
            ("end", _time(room["end_time"])),
            ("class", room["status"]),
            ("admin code", store.role_code(room_id, 2)),
            ("teacher code", store.role_code(room_id, 1)),
            ("student code", store.role_code(room_id, 0)),
            ("spot videos", spots),
            ("deleted", "yes" if room["deleted"] else "no"),
        ]
        fact_rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in facts)
        docs = "".join(
            f"<tr><td>{_e(d['seq'])}</td><td>{_e(d['name'])}</td>"
            f"<td>{_e(DOC_STATUS.get(d['status'], d['status']))}</td></tr>"
            for d in DocStore(self.sandbox.env, partner).in_room(room_id)
        )
        playbacks = "".join(
            f"<tr><td>{_e(p['session_id'] or '—')}</td><td>{_e(p['name'])}</td>"
            f"<td>{_e(PLAYBACK_STATUS.get(p['status'], p['status']))}</td>"
            f"<td>{'published' if p['publish_status'] == 1 else 'hidden'}</td></tr>"
            for p in PlaybackStore(self.sandbox.env, partner).of_room(room_id)
        )
        return (
            f"<section><h2>Room {_e(room_id)} of partner {_e(partner)}</h2>"
            f"<table>{fact_rows}</table><ul>{''.join(links)}</ul></section>"
            f"<section><h2>Student codes ({total})</h2><table>"
            "<tr><th>code</th><th>user number</th><th>made</th></tr>"
            f"{code_rows or '<tr><td colspan=3 class=muted>none</td></tr>'}</table>"
            f"{self._pager({}, page, total)}</section>"
            "<section><h2>Group codes</h2><table><tr><th>group</th><th>teacher</th>"
            f"<th>student</th></tr>{groups or '<tr><td colspan=3 class=muted>none</td></tr>'}"
            "</table></section>"
            "<section><h2>Documents</h2><table><tr><th>fid</th><th>name</th><th>status</th></tr>"
            f"{docs or '<tr><td colspan=3 class=muted>none</td></tr>'}</table></section>"
            "<section><h2>Playbacks</h2><table><tr><th>session</th><th>name</th><th>status</th>"
            f"<th></th></tr>{playbacks or '<tr><td colspan=4 class=muted>none</td></tr>'}"
            "</table></section>"
        )

    def _room_steering(self, room_id: str) -> str:
        return (
            "<h2>Steer this room</h2>"
            + self._form("start_class", "", "start class", room_id=room_id)
            + self._form("end_class", "", "end class", room_id=room_id)
            + self._form(
                "playback_status",
                "<label>playback status <select name='status'><option>20</option>"
                "<option>30</option><option selected>100</option></select></label>",
                "set playback status",
                room_id=room_id,
            )
        )


def _plain(value: Any) -> Any:
    if isinstance(value, Fault):
        return value.__dict__
    raise TypeError(type(value).__name__)
