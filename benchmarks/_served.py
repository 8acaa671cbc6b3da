"""A sandbox server in a process of its own, on 127.0.0.1: what the benchmarks share."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["sandbox_server"]


@contextmanager
def sandbox_server(*args: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``python -m baijiayun.sandbox --port 0 ARGS``: its base URL and its process, stopped
    on leaving (``args`` such as ``"--db", path``)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "baijiayun.sandbox", *args, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        yield server.stdout.readline().strip(), server
    finally:
        server.terminate()
        server.wait(timeout=10)
