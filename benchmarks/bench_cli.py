"""How fast the command answers: whole processes, CPU (user + system), paired runs.

    python benchmarks/bench_cli.py [--runs 20]

Two pairs, each run in turn (A B A B ...) so that a machine whose speed drifts
affects both sides alike; the figure is the median of the per-pair ratios A / B:

1. ``baijiayun --help`` (A) against ``python -c "import click"`` (B): the help
   should cost little more than the CLI library it is written with (goal: 1.5x).
2. ``baijiayun room info ID`` (A) against the SDK's own cold first call (B): a
   process that imports ``baijiayun``, builds a client and makes one
   ``room.info`` -- both against one sandbox server running in another process
   on 127.0.0.1 (goal: 1.3x).

CPU is each child's own accounting (``os.wait4``); run it on a quiet machine and
with the bytecode compiled (``python -m compileall -q src`` in a checkout run
with ``PYTHONDONTWRITEBYTECODE=1``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _paired import paired

PARTNER_ID = "10000001"
PARTNER_KEY = "sandbox-partner-key-0000000000000000000000000000000000000000"

FIRST_CALL = """
import sys
from baijiayun import BaiJiaYunClient
client = BaiJiaYunClient(sys.argv[1], partner_key=sys.argv[2], base_url=sys.argv[3])
print(client.room.info(sys.argv[4]).title)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    command = shutil.which("baijiayun")
    if command is None:
        raise SystemExit("install the package first: pip install -e '.[all]'")
    python = sys.executable
    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "BAIJIAYUN_CONFIG": str(Path(home) / "config.toml"),
            "BAIJIAYUN_DATA_DIR": home,
        }
        paired(
            "baijiayun --help vs import click",
            [command, "--help"],
            [python, "-c", "import click"],
            args.runs,
            env,
        )
        server = subprocess.Popen(
            [command, "sandbox", "--port", "0", "--seed", "1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
        )
        try:
            assert server.stdout is not None
            base_url = server.stdout.readline().split()[-1]
            if not base_url.startswith("http"):
                raise SystemExit(f"the sandbox did not start: {base_url!r}")
            from baijiayun import BaiJiaYunClient

            with BaiJiaYunClient(PARTNER_ID, partner_key=PARTNER_KEY, base_url=base_url) as c:
                start = int(c._ctx.now()) + 3600
                room_id = str(c.room.create("Bench", start, start + 3600, 2).room_id)
            flags = ["--partner-id", PARTNER_ID, "--partner-key", PARTNER_KEY]
            paired(
                "baijiayun room info vs the SDK's first call",
                [command, *flags, "--base-url", base_url, "room", "info", room_id],
                [python, "-c", FIRST_CALL, PARTNER_ID, PARTNER_KEY, base_url, room_id],
                args.runs,
                env,
            )
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
