"""The sandbox as a server process (``baijiayun sandbox``), its --db, and the pytest plugin."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from baijiayun import AsyncBaiJiaYunClient, BaiJiaYunClient
from baijiayun.sandbox import SANDBOX_PARTNER_KEY, Sandbox


@contextmanager
def sandbox_process(*args: str) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "baijiayun.sandbox", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_server_process_prints_its_url_first_and_persists_with_db(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    start = int(time.time()) + 3600
    with sandbox_process("--db", str(db), "--seed", "5") as url:
        c = BaiJiaYunClient(10000001, partner_key=SANDBOX_PARTNER_KEY, base_url=url)
        room = c.room.create("persisted", start, start + 3600, 2)
        c.close()
    with sandbox_process("--db", str(db)) as url:
        c = BaiJiaYunClient(10000001, partner_key=SANDBOX_PARTNER_KEY, base_url=url)
        assert c.room.info(room.room_id).title == "persisted"
        c.close()


def test_custom_credentials() -> None:
    with (
        sandbox_process("--partner-id", "42", "--partner-key", "k42", "--secret-key", "s42") as url,
        BaiJiaYunClient(42, "s42", base_url=url) as c,
    ):
        assert c.room.list() == []


def test_banner_names_the_credentials() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "baijiayun.sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        banner = "".join(proc.stderr.readline() for _ in range(4))
        assert "partner_id  = 10000001" in banner and SANDBOX_PARTNER_KEY in banner
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# The plugin's fixtures, used the way our users use them.
def test_plugin_sync(baijiayun_client: BaiJiaYunClient, baijiayun_sandbox: Sandbox) -> None:
    start = int(time.time()) + 3600
    room = baijiayun_client.room.create("plugin", start, start + 3600, 2)
    assert baijiayun_sandbox.request_count("/openapi/room/create") == 1
    assert baijiayun_client.room.info(room.room_id).title == "plugin"


async def test_plugin_async(baijiayun_async_client: AsyncBaiJiaYunClient) -> None:
    assert await baijiayun_async_client.room.list() == []


def test_plugin_server(baijiayun_server: Any) -> None:
    assert baijiayun_server.base_url.startswith("http://127.0.0.1:")
    with baijiayun_server.client() as c:
        assert c.room.list() == []
