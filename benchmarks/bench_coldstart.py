"""Cold start: one whole process that makes its first ``room.info``, next to bare httpx2.

    python benchmarks/bench_coldstart.py [--runs 30]   # the paired figure
    python benchmarks/bench_coldstart.py --sdk          # one SDK process (A)
    python benchmarks/bench_coldstart.py --bare         # one yardstick process (B)
    python benchmarks/bench_coldstart.py --phases 20    # each step of A, in 20 processes

``--sdk`` imports ``baijiayun``, builds a ``BaiJiaYunClient`` over an
``httpx2.MockTransport`` that answers a fixed ``room/info`` envelope, and makes
one ``client.room.info``. ``--bare`` does the same work by hand: imports
``httpx2``, signs the form (sort the fields by name, join ``k=v`` with ``&``,
append ``&partner_key=<key>``, MD5 hex), posts it over the same kind of
``MockTransport`` and reads the answer with ``json.loads``.

Without a mode the script runs the two in turn (A B A B ...) and prints the
median CPU (user + system of each whole process: the interpreter's start, the
imports, the set-up and the one call) and the median of the pair ratios; the
goal is SDK / bare <= 1.2. Measure the SDK as installed, with its bytecode
compiled (``python -m compileall -q src`` first in a checkout run with
``PYTHONDONTWRITEBYTECODE=1``, or every start compiles every module).
"""

from __future__ import annotations

import os
import sys
import time

PARTNER_ID = "10000001"
PARTNER_KEY = "sandbox-partner-key-0000000000000000000000000000000000000000"
ROOM_ID = "26112912345678"
BASE = "http://mock.local/"
ANSWER = (
    b'{"code": 0, "msg": "", "data": {"room_id": 26112912345678, "title": "bench", "type": 2,'
    b' "start_time": "2026-11-29 20:00:00", "end_time": "2026-11-29 21:00:00",'
    b' "create_time": "2026-11-29 19:00:00", "admin_code": "adm001",'
    b' "teacher_code": "tea001"}, "ts": 0}'
)


def _handler(request: object) -> object:
    import httpx2

    return httpx2.Response(200, content=ANSWER, headers={"Content-Type": "application/json"})


def sdk(marks: list[float] | None = None) -> None:
    """The SDK's process; with ``marks``, the CPU time at each step's end is appended."""

    def mark() -> None:
        if marks is not None:
            marks.append(time.process_time())

    mark()
    import httpx2

    mark()
    from baijiayun import BaiJiaYunClient

    mark()
    client = BaiJiaYunClient(
        PARTNER_ID,
        partner_key=PARTNER_KEY,
        base_url=BASE,
        http_client=httpx2.Client(transport=httpx2.MockTransport(_handler)),
    )
    mark()
    group = client.room  # loads the room group and its models
    mark()
    info = group.info(ROOM_ID)
    mark()
    assert str(info.room_id) == ROOM_ID, info
    if marks is not None:  # the timed process (A) makes one call only
        group.info(ROOM_ID)
        mark()


PHASES = (
    "import httpx2",
    "import the SDK",
    "build a client",
    "load the room group",
    "first room.info",
    "second room.info",
)


def phases(runs: int) -> None:
    """Each step's CPU in ``runs`` fresh SDK processes: median (min-max), in ms."""
    import itertools
    import json
    import statistics
    import subprocess

    rows = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--sdk-phases"], capture_output=True, text=True, check=True
        ).stdout
        marks = json.loads(out)
        rows.append([(b - a) * 1000 for a, b in itertools.pairwise(marks)])
    print(f"CPU of each step of the SDK's process, {runs} processes: median (min-max)")
    for name, values in zip(PHASES, zip(*rows, strict=True), strict=True):
        low, high = min(values), max(values)
        print(f"  {name:<20} {statistics.median(values):6.2f} ms ({low:.2f}-{high:.2f})")


def bare() -> None:
    import json
    import time
    from hashlib import md5
    from urllib.parse import urlencode

    import httpx2

    fields = {"partner_id": PARTNER_ID, "room_id": ROOM_ID, "timestamp": str(int(time.time()))}
    text = "&".join(f"{k}={fields[k]}" for k in sorted(fields))
    fields["sign"] = md5((text + "&partner_key=" + PARTNER_KEY).encode()).hexdigest()
    http = httpx2.Client(transport=httpx2.MockTransport(_handler))
    response = http.post(
        BASE + "openapi/room/info",
        content=urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    envelope = json.loads(response.content)
    assert envelope["code"] == 0, envelope
    assert str(envelope["data"]["room_id"]) == ROOM_ID


def main() -> None:
    # The timed processes read their mode by hand: importing argparse there would add the
    # same ~1.3 ms to both sides and flatter the ratio.
    if sys.argv[1:] == ["--sdk"]:
        sdk()
        return
    if sys.argv[1:] == ["--bare"]:
        bare()
        return
    if sys.argv[1:] == ["--sdk-phases"]:
        marks: list[float] = []
        sdk(marks)
        print(marks)
        return
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sdk", action="store_true", help="run one SDK process")
    parser.add_argument("--bare", action="store_true", help="run one yardstick process")
    parser.add_argument("--runs", type=int, default=30, help="pairs to time (default 30)")
    parser.add_argument("--phases", type=int, metavar="N", help="time each step in N processes")
    args = parser.parse_args()
    if args.phases:
        phases(args.phases)
        return
    from _paired import paired

    me = [sys.executable, __file__]
    paired(
        "first room.info, SDK (A) / bare httpx2 (B)",
        [*me, "--sdk"],
        [*me, "--bare"],
        args.runs,
        dict(os.environ),
    )


if __name__ == "__main__":
    main()
