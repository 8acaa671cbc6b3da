"""Shared fixtures of the unit tests: a scripted platform behind ``httpx2.MockTransport``.

Nothing here touches the network. Every client built by :func:`make_harness`
talks to a :class:`MockAPI`, which records each request and answers from a
per-path script (a JSON ``data`` value, a full ``httpx2.Response``, an
exception to raise, or a callable computing one of those).

The sign is checked with :func:`ref_sign`, an implementation of docs/protocol.md §2
written independently of ``baijiayun._signing``.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl

import httpx2
import pytest

import baijiayun._flow
from baijiayun import AsyncBaiJiaYunClient, BaiJiaYunClient
from baijiayun._config import ENV_VARS

from .fixtures import ROOM_ID, default_answers

__all__ = ["ROOM_ID"]  # re-exported: the room of the fixtures, for the tests

# --------------------------------------------------------------------------- constants
PARTNER_ID = "12345678"
# The partner key of the platform's official signing example (docs/protocol.md §2).
PARTNER_KEY = (
    "rLkIPaQjxSwRQmC/ITnHh8i2rifmmbFIVsYw03SSi24zAnkrAd0ZNb2rcTzI2avy7+AmNJDdLmzU89zKUAP3Xg=="
)
SECRET_KEY = "sk-Secret-0123456789abcdefSECRET"
FETCHED_KEY = "fetchedPartnerKey+/ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789=="
FETCHED_KEY_2 = "secondFetchedPartnerKey+/ZYXWVUTSRQPONMLKJIHGFEDCBA==="

NOW = 1_800_000_000  # 2027-01-15 08:00:00 UTC: the fixed "now" of every test

CREATEKEY = "/openapi/partner/createkey"


DEFAULT_DATA: dict[str, Any] = {**default_answers(), CREATEKEY: {"partner_key": FETCHED_KEY}}
"""Every endpoint's default ``data``: the unit tests' own fixtures (``fixtures.py``), never
the sandbox's answers. A test that needs a particular value scripts it."""


def answer(path: str, **changes: Any) -> dict[str, Any]:
    """The default answer for ``path``, with some fields changed."""
    return {**DEFAULT_DATA[path], **changes}


# --------------------------------------------------------------------------- wire helpers
def envelope(
    data: Any = None, *, code: int = 0, msg: str = "", status: int = 200
) -> httpx2.Response:
    return httpx2.Response(status, json={"code": code, "msg": msg, "data": data, "ts": NOW})


def ref_sign(fields: Iterable[tuple[str, str]], key: str) -> str:
    """docs/protocol.md §2, written independently of the SDK: ksort, raw k=v, &partner_key=, md5."""
    items = sorted(fields, key=lambda kv: kv[0].encode("utf-8"))
    text = "&".join(f"{k}={v}" for k, v in items) + "&partner_key=" + key
    return hashlib.md5(text.encode("utf-8")).hexdigest()


_DISPOSITION = re.compile(rb'name="([^"]*)"(?:; filename="([^"]*)")?')


def parse_multipart(body: bytes, content_type: str) -> tuple[list[tuple[str, str]], dict]:
    boundary = content_type.split("boundary=", 1)[1].strip().encode()
    fields: list[tuple[str, str]] = []
    files: dict[str, tuple[str, bytes]] = {}
    for chunk in body.split(b"--" + boundary)[1:-1]:
        head, _, data = chunk[2:].partition(b"\r\n\r\n")
        data = data[:-2]  # the CRLF before the next boundary
        match = _DISPOSITION.search(head)
        assert match, head
        name = match.group(1).decode()
        if match.group(2) is not None:
            files[name] = (match.group(2).decode(), data)
        else:
            fields.append((name, data.decode("utf-8")))
    return fields, files


class Sent:
    """One request as the platform received it."""

    def __init__(self, request: httpx2.Request) -> None:
        self.request = request
        self.method = request.method
        self.url = str(request.url)
        self.path = request.url.path
        self.content_type = request.headers.get("content-type", "")
        body = request.content
        self.body = body
        if self.content_type.startswith("multipart/form-data"):
            self.pairs, self.files = parse_multipart(body, self.content_type)
        else:
            self.pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True)
            self.files = {}

    @property
    def form(self) -> dict[str, str]:
        names = [k for k, _ in self.pairs]
        assert len(names) == len(set(names)), f"duplicate fields: {names}"
        return dict(self.pairs)

    def unsigned(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.pairs if k != "sign"]

    def sign_ok(self, key: str = PARTNER_KEY) -> bool:
        return self.form.get("sign") == ref_sign(self.unsigned(), key)

    def __repr__(self) -> str:
        return f"Sent({self.path})"


class MockAPI:
    """A scripted platform: records requests, answers per path.

    ``script(path, *outcomes)`` queues outcomes for ``path``; the last one stays.
    An outcome is a JSON ``data`` value, an ``httpx2.Response``, an exception
    instance (raised by the transport) or a callable ``(request) -> outcome``.
    ``delay`` seconds are spent before answering ``createkey`` (to make
    concurrent callers overlap).
    """

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self._scripts: dict[str, list[Any]] = {}
        self._lock = threading.Lock()
        self.createkey_delay = 0.0

    def script(self, path: str, *outcomes: Any) -> None:
        self._scripts[path] = list(outcomes)

    def _outcome(self, path: str) -> Any:
        path = path[path.find("/openapi/") :] if "/openapi/" in path else path  # behind a proxy
        with self._lock:
            queue = self._scripts.get(path)
            if queue:
                return queue.pop(0) if len(queue) > 1 else queue[0]
        return DEFAULT_DATA.get(path)

    def _answer(self, request: httpx2.Request) -> httpx2.Response:
        sent = Sent(request)
        with self._lock:
            self.sent.append(sent)
        outcome = self._outcome(sent.path)
        if callable(outcome) and not isinstance(outcome, type):
            outcome = outcome(request)
        if isinstance(outcome, BaseException):
            raise outcome
        if isinstance(outcome, httpx2.Response):
            # a fresh copy: a scripted answer may be served many times, by either client kind
            return httpx2.Response(
                outcome.status_code, headers=outcome.headers, content=outcome.content
            )
        return envelope(outcome)

    def handler(self, request: httpx2.Request) -> httpx2.Response:
        if self.createkey_delay and request.url.path == CREATEKEY:
            time.sleep(self.createkey_delay)
        return self._answer(request)

    async def ahandler(self, request: httpx2.Request) -> httpx2.Response:
        if self.createkey_delay and request.url.path == CREATEKEY:
            await asyncio.sleep(self.createkey_delay)
        return self._answer(request)

    # ---- queries
    def to(self, path: str) -> list[Sent]:
        return [s for s in self.sent if s.path == path]

    @property
    def last(self) -> Sent:
        assert self.sent, "no request was sent"
        return self.sent[-1]

    @property
    def paths(self) -> list[str]:
        return [s.path for s in self.sent]


class Harness:
    """A sync or async client on a MockAPI, called the same way in both modes."""

    def __init__(self, mode: str, api: MockAPI, loop: asyncio.AbstractEventLoop, client: Any):
        self.mode = mode
        self.api = api
        self.loop = loop
        self.client = client

    def run(self, fn: Callable[[Any], Any]) -> Any:
        result = fn(self.client)
        if asyncio.iscoroutine(result):
            result = self.loop.run_until_complete(result)
        return result

    def room(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.run(lambda c: getattr(c.room, method)(*args, **kwargs))

    def collect(self, iterator: Any) -> list[Any]:
        """Drain a sync or async iterator."""
        if self.mode == "sync":
            return list(iterator)

        async def drain() -> list[Any]:
            return [item async for item in iterator]

        return self.loop.run_until_complete(drain())

    def with_options(self, **options: Any) -> Harness:
        return Harness(self.mode, self.api, self.loop, self.client.with_options(**options))


MODES = ("sync", "async")


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ENV_VARS.values():  # every BAIJIAYUN_* setting the client reads
        monkeypatch.delenv(var, raising=False)


class FakeClock:
    """The clients' wall clock in unit tests: ``time()`` is ``now``.

    ``step`` seconds are added after every reading, so consecutive attempts get
    distinct timestamps when a test asks for it.
    """

    def __init__(self, now: float = NOW) -> None:
        self.now = now
        self.step = 0.0
        self.readings: list[float] = []

    def time(self) -> float:
        value = self.now
        self.readings.append(value)
        self.now += self.step
        return value


@pytest.fixture
def clock() -> FakeClock:
    """The clock every client made by ``make_harness`` reads (timestamps, the one-year rule)."""
    return FakeClock()


@pytest.fixture(autouse=True)
def _no_backoff(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """No backoff pause in unit tests, except those marked ``real_backoff``."""
    if request.node.get_closest_marker("real_backoff") is None:
        monkeypatch.setattr(baijiayun._flow, "backoff_delay", lambda attempt, opts: 0.0)


@pytest.fixture
def api() -> MockAPI:
    return MockAPI()


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    event_loop = asyncio.new_event_loop()
    yield event_loop
    event_loop.close()


@pytest.fixture
def make_harness(
    api: MockAPI, loop: asyncio.AbstractEventLoop, clock: FakeClock
) -> Iterator[Callable[..., Harness]]:
    """``make_harness(mode, **client_kwargs)``: a client of that mode on ``api``.

    The partner key defaults to PARTNER_KEY; pass ``partner_key=None,
    secret_key=...`` for a client that fetches its key.
    """
    opened: list[Any] = []

    def make(mode: str = "sync", **kwargs: Any) -> Harness:
        kwargs.setdefault("partner_key", PARTNER_KEY)
        kwargs.setdefault("clock", clock.time)
        partner_id = kwargs.pop("partner_id", PARTNER_ID)
        if mode == "sync":
            http: Any = httpx2.Client(transport=httpx2.MockTransport(api.handler))
            client: Any = BaiJiaYunClient(partner_id, http_client=http, **kwargs)
        else:
            http = httpx2.AsyncClient(transport=httpx2.MockTransport(api.ahandler))
            client = AsyncBaiJiaYunClient(partner_id, http_client=http, **kwargs)
        opened.append(http)
        return Harness(mode, api, loop, client)

    yield make
    for http in opened:
        if isinstance(http, httpx2.AsyncClient):
            loop.run_until_complete(http.aclose())
        else:
            http.close()


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def harness(make_harness: Callable[..., Harness], mode: str) -> Harness:
    """A client with a static partner key, once sync and once async."""
    return make_harness(mode)
