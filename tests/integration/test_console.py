"""The sandbox console in a real browser: headless Chromium driven by Playwright.

Chromium is Debian's package (``.ci/run`` installs it); Playwright launches
that executable, so nothing is downloaded at test time. Every page is served
on 127.0.0.1.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from baijiayun import BaiJiaYunClient, HTTPStatusError
from baijiayun.api.live import LiveStatus
from baijiayun.sandbox import SANDBOX_PARTNER_ID, Sandbox

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
)
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "console.png"


class Receiver:
    """A class-callback receiver on 127.0.0.1 that answers like a partner's server."""

    def __init__(self) -> None:
        self.received: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                outer.received.append(self.rfile.read(length).decode())
                body = b'{"code":0,"msg":"received"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                body = outer.page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.page = ""
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def served() -> Iterator[Any]:
    sandbox = Sandbox(raise_errors=True)
    with sandbox.serve() as server:
        yield server


@pytest.fixture
def sdk(served: Any) -> Iterator[BaiJiaYunClient]:
    with served.client(max_retries=0) as client:
        yield client


def _times() -> tuple[int, int]:
    now = int(time.time())
    return now + 3600, now + 7200


def test_a_room_made_with_the_sdk_appears_without_reloading(browser, served, sdk) -> None:
    page = browser.new_page()
    page.goto(served.base_url + "_sandbox/ui")
    assert page.locator("#live").inner_text().count("no rooms yet") == 1
    room = sdk.room.create("高一数学 Algebra", *_times(), 2)
    page.wait_for_selector(f"text={room.room_id}", timeout=6000)
    assert "高一数学 Algebra" in page.locator("#live").inner_text()
    page.close()


def test_a_student_enter_link_opens_and_is_accepted(browser, served, sdk) -> None:
    room = sdk.room.create("Physics", *_times(), 2)
    page = browser.new_page()
    page.goto(served.base_url + f"_sandbox/ui/rooms/{room.room_id}")
    with page.expect_popup() as popup:
        page.click("text=enter as student")
    classroom = popup.value
    classroom.wait_for_load_state()
    assert classroom.locator("h1").inner_text() == "Classroom"
    assert f"entered room {room.room_id} as student" in classroom.inner_text("body")
    page.close()


def test_start_class_shows_the_delivery_and_the_receivers_answer(browser, served, sdk) -> None:
    receiver = Receiver()
    try:
        sdk.live_account.set_class_callback_url(receiver.url)
        room = sdk.room.create("Chemistry", *_times(), 2)
        page = browser.new_page()
        page.goto(served.base_url + "_sandbox/ui")
        page.locator("tr", has_text=room.room_id).locator("button", has_text="start").click()
        section = page.locator("section", has_text="Callbacks sent")
        section.locator("td", has_text="accepted").wait_for(timeout=8000)  # the live refresh
        callbacks = section.inner_text()
        assert "start" in callbacks and "accepted" in callbacks and receiver.url in callbacks
        assert len(receiver.received) == 1 and f"room_id={room.room_id}" in receiver.received[0]
        assert sdk.live.get_live_status(room.room_id) == LiveStatus.LIVE
        page.close()
    finally:
        receiver.close()


def test_a_fault_queued_from_the_form_fails_the_next_call(browser, served, sdk) -> None:
    room = sdk.room.create("Biology", *_times(), 2)
    page = browser.new_page()
    page.goto(served.base_url + "_sandbox/ui")
    form = page.locator("form", has=page.locator("input[name=path]"))
    form.locator("input[name=path]").fill("/openapi/room/info")
    form.locator("input[name=status]").fill("503")
    form.locator("button").click()
    page.wait_for_selector("#answer:has-text('503')", timeout=6000)
    with pytest.raises(HTTPStatusError) as err:
        sdk.room.info(room.room_id)
    assert err.value.status == 503
    page.wait_for_selector("text=fault: HTTP 503", timeout=6000)
    assert sdk.room.info(room.room_id).title == "Biology"  # used up
    page.close()


def test_a_wrong_sign_is_shown_as_a_sign_mismatch(browser, served) -> None:
    page = browser.new_page()
    page.goto(served.base_url + "_sandbox/ui")
    stamp = str(int(time.time()))
    httpx2.post(
        served.base_url + "openapi/room/list",
        data={"partner_id": SANDBOX_PARTNER_ID, "timestamp": stamp, "sign": "0" * 32},
    )
    page.wait_for_selector("text=sign mismatch", timeout=6000)
    row = page.locator("tr", has_text="sign mismatch").inner_text()
    assert "/openapi/room/list" in row and "1002" in row
    page.close()


def test_a_page_of_another_origin_cannot_submit_the_forms(browser, served, sdk) -> None:
    room = sdk.room.create("Keep me", *_times(), 2)
    other = Receiver()  # another origin: another port of 127.0.0.1
    try:
        page = browser.new_page()
        other.page = "<p>someone else's page</p>"
        page.goto(other.url)
        # the JSON control API: a page cannot send JSON across origins, and what it can
        # send (text/plain, with its Origin) is refused
        status = page.evaluate(
            "url => fetch(url, {method: 'POST', body: '{}'}).then(r => r.status, e => 'blocked')",
            served.base_url + "_sandbox/reset",
        )
        assert status == "blocked"  # no CORS answer: the page cannot even read the refusal
        # the console's plain forms: the page cannot know their token
        other.page = (
            "<form id=f method=post action='" + served.base_url + "_sandbox/ui/act'>"
            "<input name=do value=reset><input name=token value=guess></form>"
            "<script>document.getElementById('f').submit()</script>"
        )
        with page.expect_navigation():
            page.goto(other.url)
        assert "refuses requests from other origins" in page.inner_text("body")
        assert sdk.room.info(room.room_id).title == "Keep me"  # nothing was reset
        page.close()
    finally:
        other.close()


def test_the_console_reads_and_works_with_javascript_off(browser, served, sdk) -> None:
    room = sdk.room.create("No script 无脚本", *_times(), 2)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served.base_url + "_sandbox/ui")
    assert "No script 无脚本" in page.inner_text("#live")
    form = page.locator("form", has=page.locator("input[name=seconds]"))
    form.locator("input[name=seconds]").fill("60")
    form.locator("button").click()
    page.wait_for_load_state()
    answer = json.loads(page.inner_text("pre.answer"))
    assert answer["ok"] is True and answer["result"]["now"] > time.time() + 50
    assert sdk.room.info(room.room_id).title == "No script 无脚本"
    context.close()


def test_a_screenshot_of_the_console(browser, served, sdk, tmp_path: Path) -> None:
    """``UPDATE_SCREENSHOT=1 python -m pytest -k screenshot`` refreshes ``docs/console.png``."""
    target = SCREENSHOT if os.environ.get("UPDATE_SCREENSHOT") else tmp_path / "console.png"
    receiver = Receiver()
    try:
        sdk.live_account.set_class_callback_url(receiver.url)
        for title in ("高一数学 · 函数", "英语口语 Speaking", "Physics 101"):
            room = sdk.room.create(title, *_times(), 2)
            sdk.room.getcode(room.room_id, 1001)
        served.sandbox.room.start_class(room.room_id)
        httpx2.post(served.base_url + "openapi/room/list", data={"partner_id": "10000001"})
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(served.base_url + "_sandbox/ui")
        page.screenshot(path=str(target), full_page=False)
        assert target.stat().st_size > 10_000
        page.close()
    finally:
        receiver.close()


def test_a_rooms_page_shows_its_documents_and_playbacks(browser, served, sdk) -> None:
    room = sdk.room.create("Lecture 讲座", *_times(), 2)
    sdk.doc.upload_doc(("slides 课件.pdf", b"%PDF-1.4 sandbox"), room_id=room.room_id)
    served.sandbox.playback.set_playback_status(room.room_id, 100)
    page = browser.new_page()
    page.goto(served.base_url + f"_sandbox/ui/rooms/{room.room_id}")
    docs = page.locator("section", has_text="Documents").inner_text()
    assert "slides 课件.pdf" in docs and "converting" in docs
    playbacks = page.locator("section", has_text="Playbacks").inner_text()
    assert "ready" in playbacks
    page.close()


def test_no_page_of_another_origin_can_frame_the_console(browser, served, sdk) -> None:
    """The console framed by another site: a click in the frame on "reset everything"
    wiped the sandbox. Bug caught: the console without ``X-Frame-Options: DENY`` /
    ``frame-ancestors 'none'`` (the frame loads and shows the forms)."""
    room = sdk.room.create("Not framed", *_times(), 2)
    other = Receiver()
    try:
        page = browser.new_page()
        other.page = (
            f"<iframe id=f src='{served.base_url}_sandbox/ui' width=800 height=600></iframe>"
        )
        page.goto(other.url)
        page.wait_for_timeout(500)
        framed = [f for f in page.frames if f is not page.main_frame]
        assert framed, "the page has its iframe"
        for frame in framed:
            try:
                found = frame.evaluate("() => document.querySelectorAll('form').length")
            except playwright.Error:
                found = 0  # an error page of the browser's own: nothing to click
            assert found == 0
        assert sdk.room.info(room.room_id).title == "Not framed"
        page.close()
    finally:
        other.close()


def test_the_console_runs_under_its_content_security_policy(browser, served, sdk) -> None:
    """The CSP forbids inline script and style: the console's own code comes from its files,
    so the page still refreshes in place and no violation is reported."""
    page = browser.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    page.goto(served.base_url + "_sandbox/ui")
    sdk.room.create("Seen under the CSP", *_times(), 2)
    page.wait_for_selector("text=Seen under the CSP", timeout=6000)  # the script's refresh
    # the style file applied (a grid), not an inline <style>
    assert page.evaluate("getComputedStyle(document.querySelector('.wrap')).display") == "grid"
    assert violations == []
    page.close()
