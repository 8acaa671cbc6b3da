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

import hmac
import json
import secrets
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import parse_qsl

from .control import refusal
from .db import Env
from .faults import Fault
from .http import HTML_HEADERS, PlatformError, SandboxRequest, SandboxResponse, json_response
from .service import Action, PanelView, Service
from .util import clock_time, escape, pager, table, when

__all__ = ["PREFIX", "Console"]

PREFIX = "/_sandbox/ui"
PAGE_SIZE = 25
STYLE_PATH = PREFIX + "/console.css"
SCRIPT_PATH = PREFIX + "/console.js"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
"""The console's Content-Security-Policy: its own script and style files only (no inline
code), no frame may hold it, forms post only to it."""
SECURITY_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]
"""Sent with every answer of the console (pages, assets, form answers and refusals)."""


class Steered(Protocol):
    """What the console reads and steers: the sandbox (a protocol, so no import of the core)."""

    env: Env
    recent: Any
    faults: Any
    clock_offset: float
    controls: dict[str, Any]
    """Each service's helpers by the service's name."""

    def now(self) -> float: ...
    def reset(self) -> dict[str, Any]: ...
    def inject(self, path: str = "*", **fault: Any) -> Fault: ...
    def clear_faults(self) -> dict[str, Any]: ...
    def advance_clock(self, advance: float) -> dict[str, Any]: ...


_e = escape
_time = when


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
input.check { width: auto; }
td form { display: inline; }
.pager a { margin-right: .6rem; }
.answer { border-left: 3px solid var(--accent); padding-left: .4rem; }
"""

SCRIPT = """
(function () {
  var live = document.getElementById('live');
  if (!live) { return; }
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

    def __init__(self, sandbox: Steered, services: tuple[Service, ...]) -> None:
        self.sandbox = sandbox
        self.token = secrets.token_urlsafe(24)
        found = [panel for service in services for panel in service.panels]
        self.panels = sorted(found, key=lambda panel: panel.order)
        owners = [s.owner_lookup for s in services if s.owner_lookup is not None]
        if len(owners) != 1:
            raise TypeError(f"exactly one service must find rooms' owners, not {len(owners)}")
        self.owner = owners[0]
        """The account a room belongs to: its page shows that account's rows."""
        """What the services draw, in the order of the services (state, then groups)."""
        self.actions: dict[str, Callable[[dict[str, str]], Any]] = {
            "fault": self._fault,
            "clear_faults": lambda f: self.sandbox.clear_faults(),
            "clock": lambda f: self.sandbox.advance_clock(float(f["seconds"])),
            "reset": lambda f: self.sandbox.reset(),
        }
        for service in services:
            for name, action in service.actions.items():
                if name in self.actions:
                    raise TypeError(f"the console action {name} is registered twice")
                self.actions[name] = self._bound(service.name, action)

    def _bound(self, name: str, action: Action) -> Callable[[dict[str, str]], Any]:
        return lambda form: action(self.sandbox.controls[name], form)

    def _panels(self, where: str, view: PanelView) -> str:
        return "".join(panel.render(view) for panel in self.panels if panel.where == where)

    def _view(
        self, request: SandboxRequest, partner: str, room_id: str | None, query: dict[str, str]
    ) -> PanelView:
        base = f"http://{request.headers.get('host', '127.0.0.1')}/"
        return PanelView(self.sandbox.env, partner, room_id, query, PREFIX, base, self._form)

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
        """Answer a console request; every answer carries :data:`SECURITY_HEADERS`."""
        response = self._handle(request)
        response.headers = [*response.headers, *SECURITY_HEADERS]
        return response

    def _handle(self, request: SandboxRequest) -> SandboxResponse:
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
            if path == STYLE_PATH:
                return SandboxResponse(200, [(b"content-type", b"text/css")], STYLE.encode())
            if path == SCRIPT_PATH:
                return SandboxResponse(
                    200, [(b"content-type", b"text/javascript")], SCRIPT.encode()
                )
            if path == PREFIX:
                partner = query.get("partner") or self.sandbox.env.default_partner
                view = self._view(request, partner, None, query)
                return self._render(request, self._overview(view), partial, self._steering(view))
            if path.startswith(PREFIX + "/rooms/"):
                room_id = path.rsplit("/", 1)[1]
                view = self._view(request, self.owner(self.sandbox.env, room_id), room_id, query)
                body = self._panels("room", view)
                return self._render(request, body, partial, self._room_steering(view))
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
            f"<title>{_e(title)} · BaiJiaYun sandbox</title>"
            f"<link rel='stylesheet' href='{STYLE_PATH}'>"
            f"<script src='{SCRIPT_PATH}' defer></script></head><body>"
            f"<header><h1><a href='{PREFIX}'>BaiJiaYun sandbox</a></h1>"
            f"<span class='muted'>{_e(clock)} Beijing{_e(shift)}</span></header>"
            f"<div class='wrap'><main id='live'>{body}</main><aside>{aside}"
            "<pre id='answer' class='answer' aria-live='polite'></pre></aside></div>"
            "</body></html>"
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
    def _overview(self, view: PanelView) -> str:
        return self._panels("overview", view) + self._requests(view.query) + self._faults()

    def _requests(self, query: dict[str, str]) -> str:
        entries = list(self.sandbox.recent)[::-1]
        raw = query.get("requests", "")
        page = max(1, int(raw)) if raw.isdigit() else 1
        shown = entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        rows = "".join(
            f"<tr><td class='num'>{clock_time(r.time)}</td><td><code>{_e(r.path)}</code></td>"
            f"<td>{_e(r.partner)}</td><td class='num'>{_e(r.status)}</td>"
            f"<td class='num {'ok' if r.code == 0 else 'bad'}'>{_e(r.code)}</td>"
            f"<td>{_e(r.msg)}</td><td class='num'>{r.ms:.1f} ms</td>"
            f"<td class='bad'>{_e(r.reason)}</td></tr>"
            for r in shown
        )
        more = pager({}, page, len(entries), PAGE_SIZE, "requests")
        return (
            f"<section><h2>Requests (newest first, last {len(entries)})</h2>"
            + table(
                ("time", "path", "partner", "HTTP", "code", "message", "took", "why refused"),
                rows,
                "no requests yet",
            )
            + f"{more}</section>"
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

    def _steering(self, view: PanelView) -> str:
        return (
            "<h2>Steer</h2>"
            + self._form(
                "fault",
                "<label>path <input name='path' value='*'></label>"
                "<label>HTTP status <input name='status' inputmode='numeric'></label>"
                "<label>platform code <input name='code' inputmode='numeric'></label>"
                "<label>delay (s) <input name='delay' inputmode='decimal'></label>"
                "<label><input type='checkbox' name='drop' value='1' class='check'>"
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
            + self._panels("steer", view)
            + self._form("reset", "", "reset everything")
        )

    # ---- one room
    def _room_steering(self, view: PanelView) -> str:
        return "<h2>Steer this room</h2>" + self._panels("room_steer", view)


def _plain(value: Any) -> Any:
    if isinstance(value, Fault):
        return value.__dict__
    raise TypeError(type(value).__name__)
