"""Shared fixtures: the sandbox reached in process and over real HTTP on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from baijiayun import AsyncBaiJiaYunClient, BaiJiaYunClient
from baijiayun.sandbox import Sandbox

pytest_plugins: list[str] = []


@pytest.fixture(scope="session")
def http_sandbox() -> Iterator[Any]:
    """One sandbox served over HTTP for the session; tests reset it."""
    sandbox = Sandbox(raise_errors=True)
    with sandbox.serve() as server:
        yield server


@pytest.fixture(params=["inprocess", "http"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def sandbox(mode: str, request: pytest.FixtureRequest) -> Sandbox:
    """A clean sandbox; in ``http`` mode it is the one the session server serves."""
    if mode == "http":
        server = request.getfixturevalue("http_sandbox")
        server.sandbox.reset()
        box: Sandbox = server.sandbox
        return box
    return Sandbox(raise_errors=True)


@pytest.fixture
def client(
    mode: str, sandbox: Sandbox, request: pytest.FixtureRequest
) -> Iterator[BaiJiaYunClient]:
    if mode == "http":
        c: BaiJiaYunClient = request.getfixturevalue("http_sandbox").client(max_retries=0)
    else:
        c = sandbox.client(max_retries=0)
    yield c
    c.close()


@pytest.fixture
async def aclient(
    mode: str, sandbox: Sandbox, request: pytest.FixtureRequest
) -> AsyncIterator[AsyncBaiJiaYunClient]:
    if mode == "http":
        c: AsyncBaiJiaYunClient = request.getfixturevalue("http_sandbox").async_client(
            max_retries=0
        )
    else:
        c = sandbox.async_client(max_retries=0)
    yield c
    await c.aclose()


@pytest.fixture
def times() -> tuple[int, int]:
    """A valid (start, end) one hour from now, lasting one hour."""
    now = int(time.time())
    return now + 3600, now + 7200
