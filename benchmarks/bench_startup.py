"""Start-up cost: import time next to the core dependencies, and client construction.

    python benchmarks/bench_startup.py [--runs 15]

Every figure comes from fresh interpreters (one subprocess per run; the
median of the runs is shown), timed inside the process with
``time.perf_counter`` so the interpreter's own start-up is left out:

(a) ``import httpx2`` — the one core dependency alone;
    ``import baijiayun`` (which loads the clients, callbacks and links only
    when first used) and ``from baijiayun import BaiJiaYunClient,
    AsyncBaiJiaYunClient`` (the clients, the endpoint declarations and their
    result models). Goal: at most 1.35 x the core import.
(b) building a ``BaiJiaYunClient`` (and an ``AsyncBaiJiaYunClient``): the
    first one in a process (it builds the shared TLS context), then the median
    of 200 more, and the resident memory each one adds (RSS over 100 more, Linux).
    Goal: well under a millisecond per client.

Only public API is used, so the script measures any version of the SDK.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

CORE = "import httpx2"
SNIPPETS = {
    "import httpx2": CORE,
    "import baijiayun": "import baijiayun",
    "from baijiayun import BaiJiaYunClient, AsyncBaiJiaYunClient": (
        "from baijiayun import BaiJiaYunClient, AsyncBaiJiaYunClient"
    ),
}

IMPORT_PROBE = """
import json, time
t0 = time.perf_counter()
{code}
print(json.dumps((time.perf_counter() - t0) * 1000))
"""

CLIENT_PROBE = """
import json, statistics, time
from baijiayun import {cls}
def make():
    return {cls}(12345678, partner_key="k" * 64, private_domain="e12345678")
t0 = time.perf_counter()
first = make()
first_ms = (time.perf_counter() - t0) * 1000
samples = []
keep = []
for _ in range(200):
    t0 = time.perf_counter()
    keep.append(make())
    samples.append((time.perf_counter() - t0) * 1000)
def rss():  # resident memory in KiB (Linux); 0 elsewhere
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4
    except OSError:
        return 0
before = rss()
more = [make() for _ in range(100)]
per_client = (rss() - before) / 100
print(json.dumps([first_ms, statistics.median(samples), per_client]))
"""


def run(code: str) -> object:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {args.runs} fresh processes per figure (medians)\n")

    print("(a) import time")
    medians: dict[str, float] = {}
    samples: dict[str, list[float]] = {name: [] for name in SNIPPETS}
    for _ in range(args.runs):  # interleaved, so all see the same machine state
        for name, code in SNIPPETS.items():
            samples[name].append(float(run(IMPORT_PROBE.format(code=code))))  # type: ignore[arg-type]
    for name, values in samples.items():
        medians[name] = statistics.median(values)
    core = medians[CORE]
    for name, value in medians.items():
        verdict = "" if name == CORE else ("met" if value / core <= 1.35 else "NOT met")
        goal = f"(goal <= x1.35: {verdict})" if verdict else ""
        spread = f"({min(samples[name]):.1f}-{max(samples[name]):.1f})"
        print(f"  {name:<62} {value:7.1f} ms {spread:<13} x{value / core:.2f}  {goal}")
    print()

    print("(b) client construction")
    for cls in ("BaiJiaYunClient", "AsyncBaiJiaYunClient"):
        rows = [run(CLIENT_PROBE.format(cls=cls)) for _ in range(max(3, args.runs // 3))]
        first = statistics.median(float(r[0]) for r in rows)  # type: ignore[index]
        steady = statistics.median(float(r[1]) for r in rows)  # type: ignore[index]
        memory = statistics.median(float(r[2]) for r in rows)  # type: ignore[index]
        print(f"  {cls}")
        print(f"    first in a process   {first:8.3f} ms")
        print(f"    each one after       {steady:8.3f} ms   (goal well under 1 ms)")
        print(f"    resident memory each {memory:8.1f} KiB   (RSS growth over 100 more, Linux)")


if __name__ == "__main__":
    main()
