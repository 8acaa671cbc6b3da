"""A guided tour on the embedded sandbox: ``baijiayun demo`` (or ``python -m baijiayun.cli.demo``).

Every call is the one you would make against the platform, answered by a
local sandbox that checks signatures like the platform (no network, no
credentials). Each step checks its own outcome; the tour exits 0 only if
every step worked.

1. an embedded sandbox, and a callback receiver on 127.0.0.1
2. a room for tonight
3. teacher, assistant and student enter links — one is opened in the sandbox
4. per-student join codes
5. the account's rooms
6. the class starts and ends; the signed class callbacks are received and verified
7. the recording is ready (a verified callback); the playback link, opened in the sandbox
8. the same calls on the async client, concurrently
9. the room is deleted
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import html
import json
import os
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from .._wire import BEIJING
from ..api.live import LiveStatus
from ..callbacks import SUCCESS_BODY, CallbackEvent, failure_body, parse_callback, verify_callback
from ..errors import CallbackSignatureError, RoomDeletedError
from ..links import Role

__all__ = ["DemoFailed", "main", "run"]

STEPS = 9


class DemoFailed(Exception):
    """A step did not do what it should."""


def _check(condition: object, message: str) -> None:
    if not condition:
        raise DemoFailed(message)


# --------------------------------------------------------------------------- output
class _Plain:
    """Plain text (no rich, or an ``echo`` function given to :func:`run`)."""

    def __init__(self, echo: Callable[[str], Any] = print) -> None:
        self.echo = echo

    def step(self, number: int, title: str) -> None:
        self.echo(f"\n[{number}/{STEPS}] {title}")

    def say(self, text: str) -> None:
        self.echo(f"  {text}")

    def ok(self, text: str) -> None:
        self.echo(f"  ok: {text}")

    def table(self, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        texts = [[str(v) for v in row] for row in rows]
        widths = [max([len(c), *(len(r[i]) for r in texts)]) for i, c in enumerate(columns)]
        self.echo("  " + "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
        for row in texts:
            self.echo("  " + "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))

    def fields(self, pairs: Sequence[tuple[str, Any]]) -> None:
        width = max(len(k) for k, _ in pairs)
        for key, value in pairs:
            self.echo(f"  {key.ljust(width)}  {value}")

    def fail(self, text: str) -> None:
        self.echo(f"  FAILED: {text}")

    def end(self, text: str, passed: bool) -> None:
        self.echo(f"\n{text}")


class _Rich:
    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(highlight=False)

    def step(self, number: int, title: str) -> None:
        from rich.rule import Rule

        self.console.print()
        self.console.print(Rule(f"[bold]{number}/{STEPS}  {title}", align="left", style="cyan"))

    def say(self, text: str) -> None:
        from rich.text import Text

        self.console.print(Text("  " + text))

    def ok(self, text: str) -> None:
        from rich.text import Text

        self.console.print(Text.assemble("  ", ("✓ ", "bold green"), text))

    def table(self, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        from rich.padding import Padding
        from rich.table import Table
        from rich.text import Text

        table = Table(*columns, header_style="bold", show_edge=False)
        for row in rows:
            table.add_row(*(Text(str(v)) for v in row))
        self.console.print(Padding(table, (0, 0, 0, 2)))

    def fields(self, pairs: Sequence[tuple[str, Any]]) -> None:
        from rich.padding import Padding
        from rich.table import Table
        from rich.text import Text

        table = Table(show_header=False, box=None)
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column(overflow="fold")
        for key, value in pairs:
            table.add_row(Text(key), Text(str(value)))
        self.console.print(Padding(table, (0, 0, 0, 2)))

    def fail(self, text: str) -> None:
        from rich.text import Text

        self.console.print(Text.assemble("  ", ("✗ ", "bold red"), text))

    def end(self, text: str, passed: bool) -> None:
        from rich.panel import Panel

        self.console.print()
        self.console.print(Panel(text, border_style="green" if passed else "red", expand=False))


def _reporter(echo: Callable[[str], Any] | None) -> Any:
    if echo is not None:
        return _Plain(echo)
    try:
        return _Rich()
    except ImportError:
        return _Plain()


# --------------------------------------------------------------------------- a receiver
def _loopback_bypasses_proxies() -> None:
    """The sandbox posts callbacks to 127.0.0.1: never through a proxy the environment names.

    httpx2 sends even loopback requests to ``HTTP_PROXY`` unless ``NO_PROXY`` lists them.
    """
    if not any(os.environ.get(n) for n in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")):
        return
    current = os.environ.get("NO_PROXY") or os.environ.get("no_proxy") or ""
    if "127.0.0.1" not in [h.strip() for h in current.split(",")]:
        value = ",".join(filter(None, [current, "127.0.0.1", "localhost"]))
        os.environ["NO_PROXY"] = os.environ["no_proxy"] = value


class CallbackReceiver:
    """A tiny HTTP receiver on 127.0.0.1: verifies each callback and keeps the event."""

    def __init__(self, partner_key: str) -> None:
        self.events: queue.Queue[CallbackEvent] = queue.Queue()
        self.rejected = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # the platform's callbacks are form posts
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(min(length, 1 << 20)).decode("utf-8", "replace")
                try:
                    fields = verify_callback(parse_qsl(body, keep_blank_values=True), partner_key)
                    receiver.events.put(parse_callback(fields))
                    status, answer = 200, SUCCESS_BODY
                except CallbackSignatureError:
                    receiver.rejected += 1
                    status, answer = 400, failure_body("invalid callback")
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/bjy/callback"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def next_event(self, timeout: float = 5.0) -> CallbackEvent:
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            raise DemoFailed(f"no callback arrived within {timeout:g} s") from None

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --------------------------------------------------------------------------- the tour
def _tonight(now: _dt.datetime) -> _dt.datetime:
    """Today 20:00 Beijing time, or half an hour from now when that is too close."""
    local = now.astimezone(BEIJING)
    evening = local.replace(hour=20, minute=0, second=0, microsecond=0)
    if evening - local > _dt.timedelta(minutes=20):
        return evening
    soon = local + _dt.timedelta(minutes=35)
    return soon.replace(minute=soon.minute - soon.minute % 5, second=0, microsecond=0)


def _page_text(body: str) -> str:
    found = re.search(r"<p>(.*?)</p>", body, re.S)
    return html.unescape(found.group(1)) if found else body[:80]


def _tamper(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = [(k, value if k == name else v) for k, v in pairs]
    from urllib.parse import urlencode

    return urlunsplit(parts._replace(query=urlencode(query)))


def _short(url: str, width: int = 72) -> str:
    return url if len(url) <= width else url[: width - 1] + "…"


class _Tour:
    def __init__(self, out: Any) -> None:
        from ..sandbox import Sandbox

        self.out = out
        self.sandbox = Sandbox(seed=2024)
        self.client = self.sandbox.client()
        import httpx2

        self.browser = httpx2.Client(transport=self.sandbox.transport())
        self.receiver: CallbackReceiver | None = None
        self.room_id = ""
        self.links: dict[str, str] = {}

    def open(self, url: str) -> tuple[int, str]:
        """Open a link in the sandbox, as a browser would."""
        response = self.browser.get(url)
        return response.status_code, _page_text(response.text)

    def close(self) -> None:
        self.client.close()
        self.browser.close()
        if self.receiver is not None:
            self.receiver.close()

    # ---- steps
    def setup(self) -> None:
        from ..sandbox import SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY

        _loopback_bypasses_proxies()
        self.receiver = CallbackReceiver(SANDBOX_PARTNER_KEY)
        url = self.client.live_account.set_class_callback_url(self.receiver.url)
        _check(url == self.receiver.url, "the callback URL was not stored")
        _check(
            self.client.live_account.get_class_callback_url() == self.receiver.url,
            "the callback URL reads back differently",
        )
        self.client.video_account.set_transcode_callback_url(self.receiver.url)
        self.out.say(f"sandbox: in this process, no network; partner {SANDBOX_PARTNER_ID}")
        self.out.ok(f"class and playback callbacks go to a receiver at {self.receiver.url}")

    def control(self, path: str, body: dict[str, Any]) -> Any:
        """Call the sandbox's control API (what the platform does on its own)."""
        response = self.browser.post(f"http://sandbox.local{path}", json=body)
        _check(response.status_code == 200, f"{path}: {response.status_code} {response.text}")
        return response.json()

    def create(self) -> None:
        start = _tonight(_dt.datetime.now(BEIJING))
        end = start + _dt.timedelta(minutes=90)
        room = self.client.room.create("Algebra 101 · tonight", start, end, type=2)
        self.room_id = room.room_id
        info = self.client.room.info(room.room_id)
        _check(info.title == "Algebra 101 · tonight", "room/info returned another title")
        _check(info.start_time == start, "room/info returned another start time")
        self.out.fields(
            [
                ("room_id", room.room_id),
                ("title", info.title),
                ("time", f"{start:%Y-%m-%d %H:%M}–{end:%H:%M} Beijing time"),
                ("teacher code", room.teacher_code),
                ("admin code", room.admin_code),
                ("student code", room.student_code),
            ]
        )
        status = LiveStatus(self.client.live.get_live_status(room.room_id))
        self.out.ok(f"room {room.room_id} created and read back (class: {status.name.lower()})")

    def enter_links(self) -> None:
        people = [
            ("teacher", 9001, "王老师", Role.TEACHER),
            ("assistant", 9002, "Li Na (assistant)", Role.ASSISTANT),
            ("student", 1001, "张三", Role.STUDENT),
        ]
        rows = []
        for role, number, name, code in people:
            url = self.client.links.enter_url(self.room_id, number, name, code)
            self.links[role] = url
            rows.append([role, number, name])
        self.out.table(["role", "user number", "name"], rows)
        self.out.say("each gets a link signed with the partner key (no request needed), e.g.")
        self.out.say(self.links["teacher"])
        status, text = self.open(self.links["teacher"])
        _check(status == 200, f"the sandbox refused the teacher's link ({status}: {text})")
        self.out.ok(f"opened the teacher's link: {status} — {text}")
        forged = _tamper(self.links["student"], "user_role", "1")
        status, text = self.open(forged)
        _check(status == 403, f"a student link changed to teacher was accepted ({status})")
        self.out.ok(f"the student's link changed to role=teacher: {status} — {text}")
        visits = self.sandbox.classroom.attendance(self.room_id)["visits"]
        _check(len(visits) == 1, f"expected one visit, found {len(visits)}")
        self.out.ok(f"attendance: {visits[0]['user_name']} is in the classroom")

    def codes(self) -> None:
        numbers = [1001, 1002, 1003]
        codes = {n: self.client.room.getcode(self.room_id, user_number=n) for n in numbers}
        again = self.client.room.getcode(self.room_id, 1001)
        _check(again == codes[1001], "asking again gave student 1001 another code")
        listed = list(self.client.room.iter_codes(self.room_id))
        _check(
            {c.code for c in listed} == set(codes.values()),
            "room/listcode does not list the codes made",
        )
        info = self.client.room.get_code_info(codes[1002])
        _check(str(info.room_id) == self.room_id, "a join code points at another room")
        self.out.table(["student", "join code"], [[n, c] for n, c in codes.items()])
        self.out.ok("the same student gets the same code; listcode lists all three")

    def listing(self) -> None:
        rooms = list(self.client.iter_rooms())
        _check(any(r.room_id == self.room_id for r in rooms), "the room is not listed")
        self.out.table(
            ["room_id", "title", "start", "end"],
            [
                [
                    r.room_id,
                    r.title,
                    r.start_time.strftime("%m-%d %H:%M") if r.start_time else "",
                    r.end_time.strftime("%H:%M") if r.end_time else "",
                ]
                for r in rooms
            ],
        )
        self.out.ok(f"{len(rooms)} room(s) on the account (every page read)")

    def class_events(self) -> None:
        assert self.receiver is not None
        rows = []
        for action, expected, status in (
            (self.sandbox.room.start_class, "ClassStarted", LiveStatus.LIVE),
            (self.sandbox.room.end_class, "ClassEnded", LiveStatus.ENDED),
        ):
            report = action(self.room_id)
            _check(report["delivered"], f"the receiver did not accept the callback: {report}")
            event = self.receiver.next_event()
            _check(type(event).__name__ == expected, f"expected {expected}, got {event!r}")
            _check(getattr(event, "room_id", None) == self.room_id, "callback for another room")
            now = LiveStatus(self.client.live.get_live_status(self.room_id))
            _check(now == status, f"the class is {now.name}, expected {status.name}")
            op_time = getattr(event, "op_time", None)
            rows.append(
                [
                    expected,
                    op_time.strftime("%H:%M:%S") if op_time else "",
                    event.qid,
                    "✓ sign and time",
                    now.name.lower(),
                ]
            )
        _check(self.receiver.rejected == 0, "the receiver rejected a callback")
        self.out.table(["event", "op_time", "qid", "verified", "class"], rows)
        self.out.ok("both class callbacks arrived signed, were verified and parsed")

    def playback(self) -> None:
        assert self.receiver is not None
        # The platform generates the recording after the class; the sandbox is told to.
        report = self.control(f"/_sandbox/playback/{self.room_id}/status", {"status": 100})
        _check(report.get("delivered"), f"the playback callback was not accepted: {report}")
        event = self.receiver.next_event()
        _check(type(event).__name__ == "PlaybackReady", f"expected PlaybackReady, got {event!r}")
        _check(getattr(event, "room_id", None) == self.room_id, "callback for another room")
        self.out.ok(f"the recording is ready: a verified PlaybackReady callback (qid {event.qid})")
        url = self.client.links.playback_url(self.room_id, expires_in=3600)
        status, text = self.open(url)
        _check(status == 200, f"the playback link did not open ({status}: {text})")
        self.out.say(_short(url, 100))
        self.out.ok(f"opened the playback link: {status} — {text}")

    def async_calls(self) -> None:
        started = time.perf_counter()
        rows = asyncio.run(self._async_calls())
        elapsed = time.perf_counter() - started
        self.out.table(["room_id", "title", "student 1001", "playback"], rows)
        self.out.ok(
            "3 rooms created, read, coded, linked and deleted concurrently "
            f"in {elapsed * 1000:.0f} ms"
        )

    async def _async_calls(self) -> list[list[Any]]:
        start = _tonight(_dt.datetime.now(BEIJING)) + _dt.timedelta(days=1)
        async with self.sandbox.async_client() as client:
            titles = [f"Async class {n}" for n in (1, 2, 3)]
            created = await asyncio.gather(
                *(
                    client.room.create(t, start, start + _dt.timedelta(hours=1), type=2)
                    for t in titles
                )
            )
            ids = [room.room_id for room in created]
            infos = await asyncio.gather(*(client.room.info(rid) for rid in ids))
            _check([i.title for i in infos] == titles, "async room/info titles differ")
            codes = await asyncio.gather(*(client.room.getcode(rid, 1001) for rid in ids))
            links = await asyncio.gather(*(client.links.playback_url(rid) for rid in ids))
            listed = {r.room_id async for r in client.iter_rooms()}
            _check(set(ids) <= listed, "async listing misses a room")
            await asyncio.gather(*(client.room.delete(rid) for rid in ids))
            for rid in ids:
                try:
                    await client.room.info(rid)
                except RoomDeletedError:
                    continue
                raise DemoFailed(f"room {rid} still answers after delete")
        return [
            [rid, title, code, _short(link, 40)]
            for rid, title, code, link in zip(ids, titles, codes, links, strict=True)
        ]

    def delete(self) -> None:
        self.client.room.delete(self.room_id)
        try:
            self.client.room.info(self.room_id)
        except RoomDeletedError as exc:
            self.out.ok(f"room {self.room_id} deleted; room/info now answers {exc.code} {exc.msg}")
        else:
            raise DemoFailed("the room still answers after delete")
        status, text = self.open(self.links["student"])
        _check(status == 410, f"an enter link of a deleted room opened ({status})")
        self.out.ok(f"its enter links no longer open: {status} — {text}")


@contextmanager
def _timer() -> Iterator[Callable[[], float]]:
    started = time.perf_counter()
    yield lambda: time.perf_counter() - started


def run(echo: Callable[[str], Any] | None = None) -> bool:
    """Run the tour; True when every step worked. ``echo`` prints plain lines instead of rich."""
    out = _reporter(echo)
    steps: list[tuple[str, str]] = [
        ("An embedded sandbox and a callback receiver on 127.0.0.1", "setup"),
        ("Create a room for tonight", "create"),
        ("Enter links for teacher, assistant and student", "enter_links"),
        ("Join codes for each student", "codes"),
        ("List the account's rooms", "listing"),
        ("Start and end the class: callbacks received and verified", "class_events"),
        ("The recording is ready: fetch and open the playback link", "playback"),
        ("The same calls on the async client, concurrently", "async_calls"),
        ("Delete the room", "delete"),
    ]
    with _timer() as elapsed:
        tour = _Tour(out)
        passed = 0
        try:
            for number, (title, name) in enumerate(steps, 1):
                out.step(number, title)
                try:
                    getattr(tour, name)()
                except Exception as exc:  # a step's failure is the demo's result
                    out.fail(f"{type(exc).__name__}: {exc}")
                    break
                passed += 1
        finally:
            tour.close()
    ok = passed == len(steps)
    if ok:
        out.end(
            f"All {len(steps)} steps worked in {elapsed():.1f} s — every call was signed and "
            "checked by the sandbox.\nNext: `baijiayun --sandbox room create --title T "
            "--start '2026-12-01 19:00' --end '2026-12-01 20:00'`, `baijiayun call --list`, "
            "docs/cli.md.",
            True,
        )
    else:
        out.end(f"Step {passed + 1} of {len(steps)} failed after {elapsed():.1f} s.", False)
    return ok


def main() -> int:
    """``python -m baijiayun.cli.demo``: the exit status is 0 only if every step worked."""
    return 0 if run() else 1


if __name__ == "__main__":
    raise SystemExit(main())
