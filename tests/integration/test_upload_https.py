"""``video.upload`` over https, against a real TLS server on 127.0.0.1 (issue 20, item 3).

The server plays the platform: it answers ``getUploadUrl`` with the upload URL it is told to,
and counts what reaches its upload path. A client on ``https://`` must ask for an https URL
(``use_https=1``) and must send no byte of the file to a plain ``http://`` one.
"""

from __future__ import annotations

import http.server
import json
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx2
import pytest

from baijiayun import BaiJiaYunClient
from baijiayun.errors import InsecureUploadError

trustme = pytest.importorskip("trustme")

PARTNER_KEY = "k" * 40
VIDEO_ID = 10_000_077


@dataclass
class Platform:
    base_url: str = ""
    upload_url: str = ""
    asked: list[dict[str, str]] = field(default_factory=list)
    uploads: list[int] = field(default_factory=list)
    """Bytes received by each POST to the upload path."""


def _handler(platform: Platform) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            if self.path.startswith("/up/video"):
                platform.uploads.append(len(body))
                answer: dict[str, Any] = {"code": 0, "data": {}}
            else:
                platform.asked.append(dict(parse_qsl(body.decode())))
                answer = {
                    "code": 0,
                    "msg": "",
                    "data": {"video_id": VIDEO_ID, "upload_url": platform.upload_url},
                }
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def tls() -> Any:
    return trustme.CA()


@pytest.fixture
def platform(tls: Any) -> Iterator[Platform]:
    found = Platform()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(found))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.issue_cert("127.0.0.1").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    found.base_url = f"https://127.0.0.1:{server.server_address[1]}/"
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()


def _client(platform: Platform, tls: Any) -> BaiJiaYunClient:
    context = ssl.create_default_context()
    tls.configure_trust(context)
    return BaiJiaYunClient(
        12345678,
        partner_key=PARTNER_KEY,
        base_url=platform.base_url,
        http_client=httpx2.Client(verify=context),
        max_retries=0,
    )


def test_an_https_client_sends_nothing_to_an_http_upload_url(platform: Platform, tls: Any) -> None:
    platform.upload_url = platform.base_url.replace("https://", "http://") + "up/video?t=x"
    with _client(platform, tls) as client, pytest.raises(InsecureUploadError) as caught:
        client.video.upload(b"\0" * 70_000, name="lesson.mp4")
    assert caught.value.video_id == VIDEO_ID
    assert platform.asked[0]["use_https"] == "1"
    assert platform.uploads == []  # not one byte left in the clear


def test_an_https_client_uploads_to_an_https_upload_url(platform: Platform, tls: Any) -> None:
    platform.upload_url = platform.base_url + "up/video?t=x"
    with _client(platform, tls) as client:
        assert client.video.upload(b"\1" * 70_000, name="lesson.mp4") == VIDEO_ID
    assert platform.asked[0]["use_https"] == "1"
    assert sum(platform.uploads) > 70_000  # the multipart chunk carried the whole file
