"""pytest fixtures for testing your own code against the sandbox.

Installed with the package as a pytest plugin, so in your tests::

    def test_enrol(baijiayun_client):
        room = baijiayun_client.room.create("Maths", start, end, 2)
        assert baijiayun_client.room.getcode(room.room_id, 42)

    async def test_enrol_async(baijiayun_async_client):
        room = await baijiayun_async_client.room.create("Maths", start, end, 2)

    def test_over_http(baijiayun_server):      # real HTTP on 127.0.0.1
        client = baijiayun_server.client()

Each test gets a fresh sandbox (``baijiayun_sandbox``): use it to inject
faults (``baijiayun_sandbox.inject("/openapi/room/info", status=502)``), start
classes (``baijiayun_sandbox.room.start_class(room_id)``), or count requests.
A bug in the sandbox itself is raised in the test rather than answered as code 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ._client import AsyncBaiJiaYunClient, BaiJiaYunClient
from .sandbox import Sandbox


@pytest.fixture
def baijiayun_sandbox() -> Sandbox:
    """A fresh in-memory sandbox for this test (its own errors are raised, not answered)."""
    return Sandbox(raise_errors=True)


@pytest.fixture
def baijiayun_client(baijiayun_sandbox: Sandbox) -> Iterator[BaiJiaYunClient]:
    """A sync client bound to ``baijiayun_sandbox`` in process (no sockets)."""
    client: BaiJiaYunClient = baijiayun_sandbox.client()
    yield client
    client.close()


@pytest.fixture
def baijiayun_async_client(baijiayun_sandbox: Sandbox) -> AsyncBaiJiaYunClient:
    """An async client bound to ``baijiayun_sandbox`` in process (no sockets)."""
    client: AsyncBaiJiaYunClient = baijiayun_sandbox.async_client()
    return client


@pytest.fixture
def baijiayun_server(baijiayun_sandbox: Sandbox) -> Iterator[Any]:
    """``baijiayun_sandbox`` served over real HTTP on 127.0.0.1 (``.base_url``, ``.client()``)."""
    with baijiayun_sandbox.serve() as server:
        yield server
