"""The fault matrix (issue 13): every fault, over real HTTP, for both clients, a read and a write.

For each cell — a fault, ``room.info`` or ``room.create``, the sync or the async
client — the call must end with the documented outcome (an answer after retries
for the read; for the write the specific exception, or an answer when the fault
left nothing done), within its timeout budget, with no httpx2 or shape-reading
exception escaping, and the sandbox's request counter must show that
``room.create`` was never carried out twice.

``docs/reliability.md`` holds the matrix as a table rendered from CASES:
``python tests/integration/test_fault_matrix.py`` prints it (a test keeps the two in step).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pytest

from baijiayun import (
    AccountDisabledError,
    APIConnectionError,
    APITimeoutError,
    AsyncBaiJiaYunClient,
    BaiJiaYunClient,
    BaiJiaYunError,
    DecodeError,
    HTTPStatusError,
)
from baijiayun._read import ShapeProblems
from baijiayun.sandbox import Sandbox

DOC = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"
INFO = "/openapi/room/info"
CREATE = "/openapi/room/create"

TIMEOUT = 0.5
"""Each cell's client: ``timeout=0.5, max_retries=2``, real backoff."""
MAX_RETRIES = 2
BUDGET = (MAX_RETRIES + 1) * TIMEOUT + 0.25 + 0.5
"""README's bound: attempts x timeout + the backoff pauses (at most 0.25 s, then 0.5 s)."""
SLACK = 0.5
"""For a loaded machine: process scheduling, not the SDK."""


@dataclass(frozen=True)
class Outcome:
    """What one call ends with."""

    error: type[BaiJiaYunError] | None = None
    """None: the call answers."""
    requests: int = 1
    """Requests the sandbox received for the call's path."""
    attempts: int | None = None
    """Attempts the SDK made, when not every one reached the server (default: ``requests``)."""
    sent: bool | None = None
    """For a connection error: ``may_have_been_sent``."""
    status: int | None = None
    """For an HTTP status error: the status."""

    def describe(self) -> str:
        retries = (self.requests if self.attempts is None else self.attempts) - 1
        if self.error is None:
            text = "answers"
        else:
            text = f"`{self.error.__name__}`"
            if self.status is not None:
                text += f" {self.status}"
            if self.sent is not None:
                text += ", may have been sent" if self.sent else ", not sent"
        if retries > 0:
            text += f" after {retries} {'retry' if retries == 1 else 'retries'}"
        return f"{text} ({self.requests})"


@dataclass(frozen=True)
class Case:
    name: str
    how: str
    """How the fault is made, as the table says it."""
    read: Outcome
    write: Outcome
    fault: dict[str, Any] = field(default_factory=dict)
    """``sandbox.inject`` keywords (empty: the cases that need no server)."""
    write_done: bool = True
    """Whether the platform carried out the write (the fault only lost its answer)."""
    min_seconds: float = 0.0


def ok(requests: int = 1) -> Outcome:
    return Outcome(None, requests)


def status(code: int) -> Outcome:
    return Outcome(HTTPStatusError, 1, status=code)


CASES = [
    Case(
        "connection refused, then the server is back",
        "no listener on the port until the SDK's first retry",
        read=Outcome(None, 1, attempts=2),
        write=Outcome(None, 1, attempts=2),
    ),
    Case(
        "connection refused throughout",
        "no listener on the port",
        read=Outcome(APIConnectionError, 0, attempts=3, sent=False),
        write=Outcome(APIConnectionError, 0, attempts=3, sent=False),
        write_done=False,
    ),
    Case(
        "connection dropped before the answer",
        "`drop=True`: headers, one byte, close",
        read=ok(2),
        write=Outcome(APIConnectionError, 1, sent=True),
        fault={"drop": True},
    ),
    Case(
        "read timeout",
        "`delay=1.5` (the answer comes after the timeout)",
        read=ok(2),
        write=Outcome(APITimeoutError, 1, sent=True),
        fault={"delay": 1.5},
        min_seconds=TIMEOUT,
    ),
    Case(
        "slow answer within the timeout",
        "`delay=0.2`",
        read=ok(),
        write=ok(),
        fault={"delay": 0.2},
        min_seconds=0.2,
    ),
    Case("HTTP 500", "`status=500`", read=ok(2), write=status(500), fault={"status": 500}),
    Case("HTTP 502", "`status=502`", read=ok(2), write=status(502), fault={"status": 502}),
    Case("HTTP 503", "`status=503`", read=ok(2), write=status(503), fault={"status": 503}),
    Case(
        "HTML error page",
        "`body='html'`: nginx's 502 page",
        read=ok(2),
        write=status(502),
        fault={"body": "html"},
    ),
    Case(
        "HTML page with HTTP 200",
        "`body='html', status=200` (a portal, a WAF)",
        read=ok(2),
        write=Outcome(DecodeError),
        fault={"body": "html", "status": 200},
    ),
    Case(
        "truncated JSON",
        "`body='truncated'`: the first half of the answer",
        read=ok(2),
        write=Outcome(DecodeError),
        fault={"body": "truncated"},
    ),
    Case(
        "non-JSON body",
        "`body='not_json'`",
        read=ok(2),
        write=Outcome(DecodeError),
        fault={"body": "not_json"},
    ),
    Case(
        "platform error code",
        "`code=2003`: the account's service stopped",
        read=Outcome(AccountDisabledError),
        write=Outcome(AccountDisabledError),
        fault={"code": 2003, "msg": "service stopped"},
        write_done=False,
    ),
    Case(
        "HTTP 429 (throttled)",
        "`status=429`",
        read=ok(2),
        write=ok(2),
        fault={"status": 429},
        write_done=False,
    ),
]


def render() -> str:
    """The matrix as docs/reliability.md shows it."""
    lines = [
        "| fault | made by | `room.info` (a read) | `room.create` (a write) | rooms made |",
        "|---|---|---|---|---|",
    ]
    for case in CASES:
        rooms = 1 if case.write.error is None or case.write_done else 0
        lines.append(
            f"| {case.name} | {case.how} | {case.read.describe()} | "
            f"{case.write.describe()} | {rooms} |"
        )
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- the server
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def box() -> Sandbox:
    return Sandbox(raise_errors=True)


@pytest.fixture(scope="module")
def server(box: Sandbox) -> Iterator[Any]:
    with box.serve() as served:
        yield served


class Retries(logging.Handler):
    """Counts the retries the SDK logs; with a ``port``, starts serving the sandbox there
    at the first one (the server is back)."""

    def __init__(self, box: Sandbox, stack: ExitStack, port: int | None = None) -> None:
        super().__init__(logging.INFO)
        self.box, self.stack, self.port = box, stack, port
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "retrying" not in record.getMessage():
            return
        self.count += 1
        if self.port is not None and self.count == 1:
            self.stack.enter_context(self.box.serve(port=self.port))


def rooms(box: Sandbox) -> int:
    row = box.db.row("SELECT COUNT(*) AS n FROM rooms")
    return int(row["n"]) if row else 0


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("endpoint", ["read", "write"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fault_matrix(case: Case, endpoint: str, kind: str, box: Sandbox, server: Any) -> None:
    box.reset()
    now = int(time.time())
    room_id = ""
    if endpoint == "read":
        with server.client() as setup:
            room_id = setup.room.create("r", now + 3600, now + 7200, 2).room_id
    path, expected = (INFO, case.read) if endpoint == "read" else (CREATE, case.write)
    before_requests, before_rooms = box.request_count(path), rooms(box)
    fault = dict(case.fault)
    if endpoint == "write" and fault and "code" not in fault and fault.get("status") != 429:
        fault["process"] = True  # the platform carried it out; only the answer went wrong
    if fault:
        box.inject(path, **fault)

    base_url = server.base_url
    with ExitStack() as stack:
        back_on: int | None = None
        if not fault:  # nothing listens there (until the SDK retries, in the first case)
            port = free_port()
            base_url = f"http://127.0.0.1:{port}/"
            back_on = port if expected.error is None else None
        retries = Retries(box, stack, back_on)
        sdk_logger = logging.getLogger("baijiayun")
        sdk_logger.addHandler(retries)
        stack.callback(sdk_logger.removeHandler, retries)
        stack.callback(sdk_logger.setLevel, sdk_logger.level)
        sdk_logger.setLevel(logging.INFO)
        settings = box.client_settings(base_url, {"timeout": TIMEOUT, "max_retries": MAX_RETRIES})
        started = time.monotonic()
        caught: BaseException | None = None
        result: Any = None
        try:
            if kind == "sync":
                with BaiJiaYunClient(**settings) as client:
                    result = call(client, endpoint, room_id, now)
            else:

                async def run() -> Any:
                    async with AsyncBaiJiaYunClient(**settings) as aclient:
                        return await acall(aclient, endpoint, room_id, now)

                result = asyncio.run(run())
        except BaseException as exc:
            caught = exc
        elapsed = time.monotonic() - started

    assert not isinstance(caught, (httpx2.HTTPError, httpx2.InvalidURL, ShapeProblems))
    if expected.error is None:
        assert caught is None, repr(caught)
        assert result is not None
    else:
        assert type(caught) is expected.error, repr(caught)
        if expected.sent is not None:
            assert isinstance(caught, APIConnectionError)
            assert caught.may_have_been_sent is expected.sent
        if expected.status is not None:
            assert isinstance(caught, HTTPStatusError) and caught.status == expected.status
    assert elapsed <= BUDGET + SLACK, f"{elapsed:.2f}s > {BUDGET}s"
    assert elapsed >= case.min_seconds
    assert box.request_count(path) - before_requests == expected.requests
    attempts = expected.requests if expected.attempts is None else expected.attempts
    assert retries.count == attempts - 1
    created = rooms(box) - before_rooms
    if endpoint == "write":  # never carried out twice; once exactly when it was done
        assert created == (1 if expected.error is None or case.write_done else 0)
    else:
        assert created == 0


def call(client: BaiJiaYunClient, endpoint: str, room_id: str, now: int) -> Any:
    if endpoint == "read":
        return client.room.info(room_id)
    return client.room.create("matrix", now + 3600, now + 7200, 2)


async def acall(client: AsyncBaiJiaYunClient, endpoint: str, room_id: str, now: int) -> Any:
    if endpoint == "read":
        return await client.room.info(room_id)
    return await client.room.create("matrix", now + 3600, now + 7200, 2)


def test_the_reliability_doc_shows_this_matrix() -> None:
    text = DOC.read_text(encoding="utf-8")
    start, end = "<!-- fault-matrix: start -->\n", "<!-- fault-matrix: end -->"
    table = text[text.index(start) + len(start) : text.index(end)]
    assert table == render(), "run: python tests/integration/test_fault_matrix.py"


if __name__ == "__main__":
    print(render(), end="")
