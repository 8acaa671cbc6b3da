"""The command as its users run it: separate processes, real sockets on 127.0.0.1.

``baijiayun sandbox`` must print its base URL only once it is listening, and
every way it can fail to start (a busy port, a bad port, an unwritable --db,
the extra not installed) must end in one clean line on stderr, nothing on
stdout, and a non-zero exit.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from baijiayun import BaiJiaYunClient, SignatureError
from baijiayun.sandbox import SANDBOX_PARTNER_KEY

BAIJIAYUN = [sys.executable, "-m", "baijiayun"]
CLI_MAIN = "from baijiayun.cli import main; main()"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BAIJIAYUN_")}
    clean["BAIJIAYUN_CONFIG"] = str(tmp_path / "config.toml")
    clean["BAIJIAYUN_DATA_DIR"] = str(tmp_path / "data")
    return clean


@pytest.fixture
def busy_port() -> Iterator[int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    yield sock.getsockname()[1]
    sock.close()


def finished(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def assert_clean_failure(
    result: subprocess.CompletedProcess[str], code: int, lines: list[str]
) -> None:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""  # a script reading the first line gets nothing, not a URL
    assert result.stderr.splitlines() == lines


@pytest.mark.parametrize(
    "entry", [[*BAIJIAYUN, "sandbox"], [sys.executable, "-m", "baijiayun.sandbox"]]
)
def test_busy_port(entry: list[str], busy_port: int, env: dict[str, str]) -> None:
    result = finished([*entry, "--port", str(busy_port)], env)
    assert_clean_failure(
        result,
        1,
        [
            f"error: port {busy_port} on 127.0.0.1 is already in use",
            "pick another --port, or --port 0 for a free one",
        ],
    )


@pytest.mark.parametrize(
    "entry", [[*BAIJIAYUN, "sandbox"], [sys.executable, "-m", "baijiayun.sandbox"]]
)
def test_bad_port(entry: list[str], env: dict[str, str]) -> None:
    result = finished([*entry, "--port", "99999"], env)
    assert_clean_failure(result, 2, ["error: bad --port 99999: use 1-65535, or 0 for a free one"])


@pytest.mark.parametrize(
    "entry", [[*BAIJIAYUN, "sandbox"], [sys.executable, "-m", "baijiayun.sandbox"]]
)
def test_a_port_that_is_not_a_number(entry: list[str], env: dict[str, str]) -> None:
    result = finished([*entry, "--port", "http"], env)
    shown = "baijiayun sandbox" if entry[-1] == "sandbox" else "python -m baijiayun.sandbox"
    assert_clean_failure(
        result,
        2,
        [
            "error: Invalid value for '--port': 'http' is not a valid integer.",
            f"(see '{shown} --help')",
        ],
    )


def test_unwritable_db(tmp_path: Path, env: dict[str, str]) -> None:
    result = finished([*BAIJIAYUN, "sandbox", "--db", "/nonexistent/dir/x.db"], env)
    assert_clean_failure(
        result,
        1,
        [
            "error: cannot use --db /nonexistent/dir/x.db: unable to open database file",
            "give a file in a writable directory (or leave --db out to keep state in memory)",
        ],
    )
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not an SQLite database, it only has its name" * 20)
    result = finished([*BAIJIAYUN, "sandbox", "--db", str(junk)], env)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(f"error: cannot use --db {junk}: file is not a database")


def test_missing_extra(env: dict[str, str]) -> None:
    hide_uvicorn = "import sys; sys.modules['uvicorn'] = None; " + CLI_MAIN
    result = finished([sys.executable, "-c", hide_uvicorn, "sandbox", "--port", "0"], env)
    assert_clean_failure(
        result,
        1,
        [
            "error: serving the sandbox over HTTP needs uvicorn",
            "install it with: pip install 'baijiayun[sandbox]'",
        ],
    )


def test_without_click_the_command_says_what_to_install(env: dict[str, str]) -> None:
    hide_click = "import sys; sys.modules['click'] = None; " + CLI_MAIN
    result = finished([sys.executable, "-c", hide_click, "--help"], env)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(
        "error: the baijiayun command needs click: pip install 'baijiayun[cli]'"
    )


def test_url_first_then_a_request_log(env: dict[str, str]) -> None:
    proc = subprocess.Popen(
        [*BAIJIAYUN, "sandbox", "--port", "0", "--log"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stderr is not None
        url = proc.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url)
        with BaiJiaYunClient(10000001, partner_key=SANDBOX_PARTNER_KEY, base_url=url) as c:
            assert c.room.list() == []  # listening as soon as the URL is printed
        wrong = BaiJiaYunClient(10000001, partner_key="wrong", base_url=url, max_retries=0)
        with wrong, pytest.raises(SignatureError):
            wrong.room.list()
        time.sleep(0.2)
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=10)
    log = [line for line in stderr.splitlines() if " POST " in line]
    assert len(log) == 2, stderr
    pattern = r"\d\d:\d\d:\d\d\.\d{3} POST /openapi/room/list 200 code=CODE \d+\.\dms"
    assert re.fullmatch(pattern.replace("CODE", "0"), log[0])
    assert re.fullmatch(pattern.replace("CODE", "1002"), log[1])
    assert "Requests are logged below." in stderr


def test_custom_keys_are_masked_in_the_banner(env: dict[str, str]) -> None:
    key = "my-own-partner-key-0123456789"
    proc = subprocess.Popen(
        [*BAIJIAYUN, "sandbox", "--port", "0", "--partner-key", key, "--secret-key", "s3cret!"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        proc.stdout.readline()
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=10)
    assert key not in stderr and "s3cret!" not in stderr
    assert "partner_key = ********6789" in stderr


def test_demo_command_and_module(env: dict[str, str]) -> None:
    for command in ([*BAIJIAYUN, "demo"], [sys.executable, "-m", "baijiayun.cli.demo"]):
        started = time.monotonic()
        result = finished(command, env)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        assert "All 9 steps worked" in result.stdout
        assert time.monotonic() - started < 60


def test_demo_callbacks_bypass_a_configured_proxy(env: dict[str, str]) -> None:
    # A proxy that does not exist: the callbacks to 127.0.0.1 must not be sent to it.
    result = finished([*BAIJIAYUN, "demo", "--plain"], {**env, "HTTP_PROXY": "http://127.0.0.1:9"})
    assert result.returncode == 0, result.stdout[-2000:]


def test_a_failing_demo_step_exits_non_zero(env: dict[str, str]) -> None:
    # The receiver refuses every callback: step 6 must fail, and the exit status says so.
    broken = (
        "import sys, baijiayun.cli.demo as d; d.verify_callback = lambda *a, **k: "
        "(_ for _ in ()).throw(d.CallbackSignatureError('mismatch')); sys.exit(d.main())"
    )
    result = finished([sys.executable, "-c", broken], env)
    assert result.returncode == 1
    assert "Step 6 of 9 failed" in result.stdout


def test_version_and_interrupt_free_exit(env: dict[str, str]) -> None:
    result = finished([*BAIJIAYUN, "--version"], env)
    assert result.returncode == 0 and "2.0.0" in result.stdout


def test_debug_shows_the_traceback_but_never_a_key(env: dict[str, str]) -> None:
    with_key = {**env, "BAIJIAYUN_PARTNER_ID": "10000001",
                "BAIJIAYUN_PARTNER_KEY": SANDBOX_PARTNER_KEY}  # fmt: skip
    proc = subprocess.Popen(
        [*BAIJIAYUN, "sandbox", "--port", "0"], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        result = finished(
            [*BAIJIAYUN, "--debug", "--base-url", url, "room", "info", "26010112345678"], with_key
        )
        plain = finished([*BAIJIAYUN, "--base-url", url, "room", "info", "1"], with_key)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "RoomNotFoundError" in result.stderr
    assert "POST /openapi/room/info attempt=1" in result.stderr  # the HTTP call is logged
    assert result.stderr.rstrip().endswith("check the room id (`baijiayun room list`)")
    assert SANDBOX_PARTNER_KEY not in result.stderr + result.stdout
    assert "Traceback" not in plain.stderr and plain.returncode == 1
