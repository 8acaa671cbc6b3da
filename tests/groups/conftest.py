"""Fixtures shared by the group test modules; a module that needs another variant defines its
own of the same name, which takes precedence.

``sb``, ``c`` and ``room``: a sandbox in process, its client and a room created on it.
``box``, ``frozen_client`` and ``world``: a sandbox whose clock stands at ``T0`` unless moved,
its client on that clock and a ``harness.World`` built on them (modules using them define
``client`` as ``frozen_client``). ``lecture``: a video file of a few upload chunks.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from baijiayun import BaiJiaYunClient
from baijiayun.sandbox import Sandbox
from harness import World

from .common import CHUNK, T0


@pytest.fixture
def sb() -> Sandbox:
    return Sandbox(raise_errors=True)


@pytest.fixture
def c(sb: Sandbox) -> Iterator[BaiJiaYunClient]:
    client = sb.client(max_retries=0)
    yield client
    client.close()


@pytest.fixture
def room(c: BaiJiaYunClient, times: tuple[int, int]) -> str:
    return str(c.room.create("Physics 物理", *times, 2).room_id)


@pytest.fixture
def box() -> Sandbox:
    frozen = T0.timestamp()
    return Sandbox(raise_errors=True, clock=lambda: frozen)


@pytest.fixture
def frozen_client(box: Sandbox) -> Iterator[BaiJiaYunClient]:
    c = box.client(clock=box.now, max_retries=0)
    yield c
    c.close()


@pytest.fixture
def world(box: Sandbox, frozen_client: BaiJiaYunClient) -> World:
    return World.build(box, frozen_client)


@pytest.fixture
def lecture(tmp_path: Path) -> tuple[str, bytes]:
    data = os.urandom(6 * CHUNK + 999)
    path = tmp_path / "lecture.mp4"
    path.write_bytes(data)
    return str(path), data
