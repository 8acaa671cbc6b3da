"""``timeout`` bounds each attempt's whole duration, against a real dripping server (item 9).

A server on 127.0.0.1 answers one byte at a time, each well within the read
timeout, so a per-read timeout never fires: before, a ``timeout=1,
max_retries=2`` call was held for minutes. Each test is bounded: three
attempts of one second at most, a handful of connections.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator

import httpx2
import pytest

from baijiayun import AsyncBaiJiaYunClient, BaiJiaYunClient
from baijiayun.errors import APITimeoutError

from .conftest import PARTNER_ID, PARTNER_KEY, ROOM_ID
from .rawserver import RawServer

DRIP = 0.25  # seconds between bytes: far below the 1 s timeout, so no single read times out
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
MARGIN = 0.6  # seconds allowed beyond the documented bound (scheduling, a loaded machine)
GIVE_UP = 5.0  # the server closes a connection after this long, so no test can hang


class DrippingServer(RawServer):
    """Answers every request one byte per ``DRIP`` seconds: its status line, or its body."""

    def __init__(self, phase: str) -> None:
        self.phase = phase
        super().__init__()

    def answer(self, conn: socket.socket) -> None:
        if self.phase == "body":
            conn.sendall(HEAD)
        payload = (HEAD if self.phase == "head" else b'{"code": 0, ') + b" " * 100000
        until = time.monotonic() + GIVE_UP
        for byte in payload:
            if self._stop.wait(DRIP) or time.monotonic() > until:
                return
            try:
                conn.sendall(bytes([byte]))
            except OSError:  # the client gave up and closed: what we want
                return


@pytest.fixture(params=["head", "body"])
def dripping(request: pytest.FixtureRequest) -> Iterator[DrippingServer]:
    server = DrippingServer(request.param)
    yield server
    server.close()


def _call(mode: str, url: str, **options: object) -> float:
    """Seconds a ``room.info`` call took before raising APITimeoutError."""
    started = time.monotonic()
    if mode == "sync":
        client = BaiJiaYunClient(PARTNER_ID, partner_key=PARTNER_KEY, base_url=url, **options)
        with client, pytest.raises(APITimeoutError):
            client.room.info(ROOM_ID)
    else:

        async def scenario() -> None:
            client = AsyncBaiJiaYunClient(
                PARTNER_ID, partner_key=PARTNER_KEY, base_url=url, **options
            )
            async with client:
                with pytest.raises(APITimeoutError):
                    await client.room.info(ROOM_ID)

        asyncio.run(scenario())
    return time.monotonic() - started


def test_one_attempt_ends_at_its_timeout(dripping, mode) -> None:
    elapsed = _call(mode, dripping.url, timeout=1, max_retries=0)
    assert 1 <= elapsed < 1 + MARGIN, elapsed
    assert dripping.connections == 1


@pytest.mark.real_backoff
def test_a_call_ends_within_attempts_times_timeout_plus_backoff(mode) -> None:
    """The documented bound: (max_retries + 1) x timeout + the backoff pauses (here <= 0.75 s)."""
    server = DrippingServer("head")
    try:
        elapsed = _call(mode, server.url, timeout=1, max_retries=2)
    finally:
        server.close()
    assert server.connections == 3  # every attempt was made (a read is retried)
    assert 3 <= elapsed < 3 + 0.25 + 0.5 + MARGIN, elapsed


def test_an_async_http_client_of_the_callers_is_bounded_too(dripping) -> None:
    """Its network operations know nothing of the deadline: the attempt is cancelled at it."""

    async def scenario() -> float:
        async with httpx2.AsyncClient() as http:
            started = time.monotonic()
            client = AsyncBaiJiaYunClient(
                PARTNER_ID,
                partner_key=PARTNER_KEY,
                base_url=dripping.url,
                http_client=http,
                timeout=1,
                max_retries=0,
            )
            with pytest.raises(APITimeoutError) as info:
                await client.room.info(ROOM_ID)
            assert info.value.may_have_been_sent is True
            return time.monotonic() - started

    elapsed = asyncio.run(scenario())
    assert 1 <= elapsed < 1 + MARGIN, elapsed
