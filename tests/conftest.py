"""Shared fixtures: the sandbox reached in process and over real HTTP on 127.0.0.1, and a
Redis of the tests' own on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from baijiayun import AsyncBaiJiaYunClient, BaiJiaYunClient
from baijiayun.sandbox import Sandbox

pytest_plugins = ["month_end"]  # the month-end school's fixtures (tests/month_end.py)


@pytest.fixture
def cli_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean environment for the command: no ``BAIJIAYUN_*`` variable, and its config file
    and data dir under ``tmp_path`` (``config/config.toml``, ``data``)."""
    import os

    from baijiayun._config import CONFIG_ENV, DATA_DIR_ENV

    for name in list(os.environ):
        if name.startswith("BAIJIAYUN_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    return tmp_path


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A ``redis-server`` of the session's own on a free port of 127.0.0.1 (no persistence).

    Skips, saying why, only when the binary is missing (``.ci/run`` installs it).
    """
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server; .ci/run does)")
    import redis

    workdir: Path = tmp_path_factory.mktemp("redis")
    for _ in range(3):  # the free port may be taken between looking and binding
        port = free_port()
        args = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
        args += ["--appendonly", "no", "--dir", str(workdir), "--loglevel", "warning"]
        server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        url = f"redis://127.0.0.1:{port}/0"
        client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while server.poll() is None and time.monotonic() < deadline:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.02)
        else:
            server.kill()
            server.wait(10)
            continue
        client.close()
        try:
            yield url
        finally:
            server.terminate()
            server.wait(10)
            if server.stderr is not None:
                server.stderr.close()
        return
    raise RuntimeError("redis-server did not start")


@pytest.fixture
def redis_prefix() -> str:
    """Keys of this test only (tests share the session's Redis)."""
    return f"test-{uuid.uuid4().hex[:12]}:"
