"""Callback receivers, each driven by its framework's own test client.

The same scenarios run against Starlette, FastAPI, Flask and Django: a valid
callback is handled once and answered ``{"code": 0, "msg": ""}``; a tampered
one is refused without calling the handler; a repeated ``qid`` is answered as
success without a second call; a failing handler gives a failure answer.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest

from baijiayun import CallbackDeduplicator, ConfigurationError, sign_callback
from baijiayun.callbacks import CallbackEvent, ClassStarted, VideoTranscoded

KEY = "rLkIPaQjxSwRQmC/ITnHh8i2rifmmbFIVsYw03SSi24zAnkrAd0ZNb2rcTzI2avy7+AmNJDdLmzU89zKUAP3Xg=="
FORM = "application/x-www-form-urlencoded"
OK = {"code": 0, "msg": ""}
INVALID = {"code": 1, "msg": "invalid callback"}
HANDLER_ERROR = {"code": 1, "msg": "handler error"}

QID_SENT = 1_800_000_000  # CLASS_START's qid: sent at 2027-01-15 16:00:00 Beijing time


def Dedup(store: Any = None) -> CallbackDeduplicator:
    """A de-duplicator whose clock reads the time CLASS_START's qid was sent."""
    return CallbackDeduplicator(store, clock=lambda: QID_SENT)


CLASS_START = {
    "room_id": "27011512345678",
    "op": "start",
    "op_time": "2027-01-15 16:00:00",
    "qid": "202701151600001234567890",
}


def body_of(fields: dict[str, str] | list[tuple[str, str]]) -> bytes:
    return urlencode(fields).encode("ascii")


@dataclass
class Recorder:
    """The user's handler: records events; raises while ``fail`` is set."""

    fail: bool = False
    events: list[CallbackEvent] = field(default_factory=list)

    def __call__(self, event: CallbackEvent) -> None:
        self.events.append(event)
        if self.fail:
            raise RuntimeError("the handler broke")


class AsyncRecorder(Recorder):
    async def __call__(self, event: CallbackEvent) -> None:  # type: ignore[override]
        super().__call__(event)


Post = Callable[..., tuple[int, Any]]  # (body, content_type=FORM)
Make = Callable[[Any, "CallbackDeduplicator | None"], Post]


# --------------------------------------------------------------------------- frameworks
def make_starlette(handler: Any, dedup: CallbackDeduplicator | None) -> Post:
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from baijiayun.callbacks.receivers.starlette import callback_route

    app = Starlette(routes=[callback_route("/cb", handler, KEY, dedup=dedup)])
    client = TestClient(app)

    def post(body: bytes, content_type: str = FORM) -> tuple[int, Any]:
        response = client.post("/cb", content=body, headers={"content-type": content_type})
        return response.status_code, response.json()

    return post


def make_fastapi(handler: Any, dedup: CallbackDeduplicator | None) -> Post:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from baijiayun.callbacks.receivers.starlette import callback_endpoint

    app = FastAPI()
    app.add_api_route("/cb", callback_endpoint(handler, KEY, dedup=dedup), methods=["POST"])
    client = TestClient(app)

    def post(body: bytes, content_type: str = FORM) -> tuple[int, Any]:
        response = client.post("/cb", content=body, headers={"content-type": content_type})
        return response.status_code, response.json()

    return post


def make_flask(handler: Any, dedup: CallbackDeduplicator | None) -> Post:
    from flask import Flask

    from baijiayun.callbacks.receivers.flask import callback_view

    app = Flask(__name__)
    app.add_url_rule("/cb", view_func=callback_view(handler, KEY, dedup=dedup), methods=["POST"])
    client = app.test_client()

    def post(body: bytes, content_type: str = FORM) -> tuple[int, Any]:
        response = client.post("/cb", data=body, content_type=content_type)
        return response.status_code, response.get_json()

    return post


# Django resolves URLs through this module (ROOT_URLCONF); each test installs its view.
urlpatterns: list[Any] = []


@pytest.fixture(scope="module")
def django_env() -> Iterator[None]:
    import django
    from django.conf import settings
    from django.test.utils import override_settings

    if not settings.configured:
        settings.configure(
            DEFAULT_CHARSET="utf-8", ALLOWED_HOSTS=["testserver"], SECRET_KEY="test-only"
        )
        django.setup()
    with override_settings(
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["testserver"],
        MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
    ):
        yield


def make_django(handler: Any, dedup: CallbackDeduplicator | None) -> Post:
    from django.test import Client
    from django.urls import clear_url_caches, path

    from baijiayun.callbacks.receivers.django import callback_view

    urlpatterns[:] = [path("cb", callback_view(handler, KEY, dedup=dedup))]
    clear_url_caches()
    client = Client(enforce_csrf_checks=True)  # the view must be exempt

    def post(body: bytes, content_type: str = FORM) -> tuple[int, Any]:
        response = client.post("/cb", data=body, content_type=content_type)
        return response.status_code, response.json()

    return post


FRAMEWORKS: dict[str, Make] = {
    "starlette": make_starlette,
    "fastapi": make_fastapi,
    "flask": make_flask,
    "django": make_django,
}


@pytest.fixture(params=list(FRAMEWORKS))
def make(request: pytest.FixtureRequest) -> Make:
    if request.param == "django":
        request.getfixturevalue("django_env")
    return FRAMEWORKS[request.param]


def assert_no_secrets(records: list[logging.LogRecord], *signs: str) -> None:
    for record in records:
        text = record.getMessage() + (record.exc_text or "")
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        assert KEY not in text
        for value in signs:
            assert value not in text


# --------------------------------------------------------------------------- scenarios
def test_valid_callback_is_handled(make: Make) -> None:
    handler = Recorder()
    post = make(handler, Dedup())
    assert post(body_of(sign_callback(CLASS_START, KEY))) == (200, OK)
    [event] = handler.events
    assert isinstance(event, ClassStarted)
    assert event.room_id == "27011512345678"
    assert event.op_time is not None and event.op_time.utcoffset() is not None
    assert event.op_time.hour == 16 and event.op_time.utcoffset().total_seconds() == 8 * 3600  # type: ignore[union-attr]
    assert "sign" not in event.raw


def test_transcode_callback(make: Make) -> None:
    handler = Recorder()
    post = make(handler, None)
    qid = "202701151600000000000001"
    fields = {"video_id": "42", "status": "100", "total_size": "1024", "qid": qid}
    assert post(body_of(sign_callback(fields, KEY))) == (200, OK)
    [event] = handler.events
    assert isinstance(event, VideoTranscoded) and event.video_id == 42 and event.total_size == 1024


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda f: {**f, "op": "end"}, id="changed-value"),
        pytest.param(lambda f: {**f, "extra": "1"}, id="added-field"),
        pytest.param(lambda f: {k: v for k, v in f.items() if k != "qid"}, id="removed-field"),
        pytest.param(lambda f: {**f, "sign": "0" * 32}, id="wrong-sign"),
        pytest.param(lambda f: {k: v for k, v in f.items() if k != "sign"}, id="no-sign"),
        pytest.param(lambda f: sign_callback(CLASS_START, KEY, timestamp=1), id="stale"),
        pytest.param(lambda f: sign_callback(CLASS_START, "other-key"), id="other-key"),
    ],
)
def test_tampered_callback_is_refused(
    make: Make, tamper: Callable[[dict[str, str]], dict[str, str]], caplog: pytest.LogCaptureFixture
) -> None:
    handler = Recorder()
    post = make(handler, Dedup())
    good = sign_callback(CLASS_START, KEY)
    bad = tamper(good)
    with caplog.at_level(logging.INFO, logger="baijiayun"):
        assert post(body_of(bad)) == (400, INVALID)
    assert handler.events == []
    assert any("callback rejected" in r.getMessage() for r in caplog.records)
    assert_no_secrets(caplog.records, good["sign"], bad.get("sign", good["sign"]))
    assert post(body_of(good)) == (200, OK)  # a refused delivery does not block the real one
    assert len(handler.events) == 1


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\xff\xfe=\xff", id="not-utf8"),
        pytest.param(
            body_of([*sign_callback(CLASS_START, KEY).items(), ("op", "end")]), id="repeated-field"
        ),
        pytest.param(b"sign=&&&===", id="garbage"),
    ],
)
def test_malformed_body_is_refused(make: Make, body: bytes) -> None:
    handler = Recorder()
    post = make(handler, None)
    assert post(body) == (400, INVALID)
    assert handler.events == []


def test_replayed_qid_is_handled_once(make: Make) -> None:
    handler = Recorder()
    post = make(handler, Dedup())
    first = sign_callback(CLASS_START, KEY)
    assert post(body_of(first)) == (200, OK)
    assert post(body_of(first)) == (200, OK)  # the same delivery again
    assert post(
        body_of(sign_callback(CLASS_START, KEY, timestamp=int(first["timestamp"]) + 1))
    ) == (
        200,
        OK,
    )  # re-signed, same qid
    assert len(handler.events) == 1
    other = sign_callback({**CLASS_START, "qid": "202701151600009999999999"}, KEY)
    assert post(body_of(other)) == (200, OK)
    assert len(handler.events) == 2


def test_without_dedup_every_delivery_is_handled(make: Make) -> None:
    handler = Recorder()
    post = make(handler, None)
    signed = body_of(sign_callback(CLASS_START, KEY))
    assert post(signed) == (200, OK)
    assert post(signed) == (200, OK)
    assert len(handler.events) == 2


def test_handler_exception(make: Make, caplog: pytest.LogCaptureFixture) -> None:
    handler = Recorder(fail=True)
    post = make(handler, Dedup())
    signed = sign_callback(CLASS_START, KEY)
    with caplog.at_level(logging.INFO, logger="baijiayun"):
        assert post(body_of(signed)) == (500, HANDLER_ERROR)
    failures = [r for r in caplog.records if "handler failed" in r.getMessage()]
    assert failures and failures[0].exc_info is not None
    assert "ClassStarted" in failures[0].getMessage()
    assert_no_secrets(caplog.records, signed["sign"])
    handler.fail = False  # the platform tries again: the failed delivery was forgotten
    assert post(body_of(signed)) == (200, OK)
    assert len(handler.events) == 2
    assert post(body_of(signed)) == (200, OK)  # now it is a repeat
    assert len(handler.events) == 2


def test_dedup_store_failure(make: Make, caplog: pytest.LogCaptureFixture) -> None:
    class DownStore:
        def add_if_absent(self, qid: str, ttl: float) -> bool:
            raise ConnectionError("store unreachable")

    handler = Recorder()
    post = make(handler, Dedup(DownStore()))
    with caplog.at_level(logging.INFO, logger="baijiayun"):
        assert post(body_of(sign_callback(CLASS_START, KEY))) == (
            500,
            {"code": 1, "msg": "server error"},
        )
    assert handler.events == []
    assert any("de-duplication failed" in r.getMessage() for r in caplog.records)


# --------------------------------------------------------------------------- per framework
@pytest.mark.parametrize("name", ["starlette", "fastapi"])
def test_async_handler(name: str) -> None:
    handler = AsyncRecorder()
    post = FRAMEWORKS[name](handler, Dedup())
    assert post(body_of(sign_callback(CLASS_START, KEY))) == (200, OK)
    assert isinstance(handler.events[0], ClassStarted)
    handler.fail = True
    other = {**CLASS_START, "qid": "202701151600000000000002"}
    assert post(body_of(sign_callback(other, KEY))) == (
        500,
        HANDLER_ERROR,
    )


def test_async_function_handler_starlette() -> None:
    seen: list[CallbackEvent] = []

    async def on_event(event: CallbackEvent) -> None:
        seen.append(event)

    post = make_starlette(on_event, None)
    assert post(body_of(sign_callback(CLASS_START, KEY))) == (200, OK)
    assert len(seen) == 1


def test_async_handler_flask() -> None:
    handler = AsyncRecorder()
    post = make_flask(handler, None)
    assert post(body_of(sign_callback(CLASS_START, KEY))) == (200, OK)
    assert len(handler.events) == 1


def test_async_handler_django(django_env: None) -> None:
    seen: list[CallbackEvent] = []

    async def on_event(event: CallbackEvent) -> None:
        seen.append(event)

    post = make_django(on_event, None)
    assert post(body_of(sign_callback(CLASS_START, KEY))) == (200, OK)
    assert len(seen) == 1


def test_starlette_multipart_without_parser_is_refused() -> None:
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from baijiayun.callbacks.receivers.starlette import callback_route

    handler = Recorder()
    client = TestClient(Starlette(routes=[callback_route("/cb", handler, KEY)]))
    response = client.post(
        "/cb", files={"f": ("a.txt", b"x")}, data=sign_callback(CLASS_START, KEY)
    )
    try:
        import python_multipart  # noqa: F401
    except ImportError:
        assert (response.status_code, response.json()) == (400, INVALID)
    else:  # pragma: no cover - a file part is a field the sign does not cover
        assert response.status_code in (200, 400)
    assert client.get("/cb").status_code == 405


def test_django_answers_only_post(django_env: None) -> None:
    from django.test import Client

    make_django(Recorder(), None)
    response = Client().get("/cb")
    assert response.status_code == 405
    assert response.json()["code"] == 1


def test_receivers_check_settings_at_once() -> None:
    from baijiayun.callbacks.receivers.flask import callback_view
    from baijiayun.callbacks.receivers.starlette import callback_endpoint

    with pytest.raises(ConfigurationError):
        callback_endpoint(Recorder(), "")
    with pytest.raises(ConfigurationError):
        callback_view(Recorder(), KEY, tolerance=-1)


def test_receiver_repr_hides_the_key() -> None:
    from baijiayun.callbacks.receivers._core import Receiver

    assert KEY not in repr(Receiver(Recorder(), KEY))


def test_frameworks_are_not_imported_by_baijiayun() -> None:
    code = (
        "import sys, baijiayun, baijiayun.callbacks, baijiayun.links\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'django', 'starlette',"
        " 'fastapi', 'werkzeug')"
        " or m.startswith(('baijiayun.receivers', 'baijiayun.callbacks.receivers'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.parametrize(
    ("module", "names"),
    [
        ("starlette", ["callback_endpoint", "callback_route"]),
        ("flask", ["callback_view"]),
        ("django", ["callback_view"]),
    ],
)
def test_the_old_receivers_paths_keep_working(module: str, names: list[str]) -> None:
    """``baijiayun.receivers.<framework>`` (before the callbacks package) re-exports the
    receivers of ``baijiayun.callbacks.receivers.<framework>``."""
    import importlib

    pytest.importorskip(module)
    old = importlib.import_module(f"baijiayun.receivers.{module}")
    new = importlib.import_module(f"baijiayun.callbacks.receivers.{module}")
    for name in names:
        assert getattr(old, name) is getattr(new, name)
    assert sorted(old.__all__) == sorted(new.__all__)


def multipart_of(fields: dict[str, str], boundary: str = "----bjy7MA4YWxkTrZu0gW") -> bytes:
    """A multipart/form-data body as a platform's HTTP client sends it (a text part each)."""
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n'
        f"Content-Type: text/plain; charset=UTF-8\r\n\r\n{value}\r\n"
        for key, value in fields.items()
    ]
    return ("".join(parts) + f"--{boundary}--\r\n").encode("utf-8")


def test_one_body_gets_the_same_answer_from_every_framework(django_env: None) -> None:
    """Issue 20 item 8: the same multipart body (and the same urlencoded body) is answered
    alike by Starlette, FastAPI, Flask and Django. Fails on Django reading
    ``request.content_type`` (no ``boundary=``): 400 there, 200 elsewhere."""
    fields = sign_callback(CLASS_START, KEY)
    bodies = {
        "multipart": (multipart_of(fields), "multipart/form-data; boundary=----bjy7MA4YWxkTrZu0gW"),
        "urlencoded": (body_of(fields), FORM),
    }
    for kind, (body, content_type) in bodies.items():
        answers = {}
        for name, make in FRAMEWORKS.items():
            handler = Recorder()
            answers[name] = make(handler, None)(body, content_type)
            assert [e.room_id for e in handler.events] == ["27011512345678"], (kind, name)
        assert list(answers.values()) == [(200, OK)] * 4, (kind, answers)
