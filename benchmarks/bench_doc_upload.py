"""Peak memory of a 50 MB document upload streamed to the sandbox over HTTP.

    python benchmarks/bench_doc_upload.py [--mb 50] [--limit-mb 30]

A sandbox server process serves on 127.0.0.1; this process uploads a file of
``--mb`` megabytes with ``client.doc.upload_doc(path)`` and samples its own
resident memory (RSS) every millisecond while the upload runs. Prints the
baseline (after a small warm-up upload), the peak during the upload and their
difference, then the same for the file passed as ``bytes`` (read whole first)
for comparison. Exits 1 when the streamed upload's peak is more than
``--limit-mb`` above the baseline (goal: under 30 MB).

The server runs in its own process so that what the sandbox holds while it
receives the upload is not counted: the figure is the client's.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

from _served import sandbox_server

from baijiayun import BaiJiaYunClient
from baijiayun.sandbox import SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY

MB = 1 << 20
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss() -> int:
    """This process's resident memory now, in bytes (Linux; else the peak so far)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * PAGE
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


class Sampler:
    """Samples RSS in a background thread; ``peak`` is the highest sample."""

    def __init__(self, interval: float = 0.001) -> None:
        self.interval = interval
        self.peak = rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss())
            time.sleep(self.interval)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss())


def measure(upload: Callable[[], Any]) -> tuple[int, int, float, Any]:
    """(baseline, peak, seconds, result) of one upload."""
    baseline = rss()
    with Sampler() as sampler:
        started = time.perf_counter()
        result = upload()
        seconds = time.perf_counter() - started
    return baseline, sampler.peak, seconds, result


def report(label: str, size: int, baseline: int, peak: int, seconds: float) -> None:
    print(
        f"{label:<22} baseline {baseline / MB:7.1f} MB  peak {peak / MB:7.1f} MB  "
        f"above baseline {(peak - baseline) / MB:6.1f} MB  "
        f"{seconds:5.2f} s  {size / MB / seconds:7.1f} MB/s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--limit-mb", type=float, default=30.0)
    args = parser.parse_args()
    size = args.mb * MB
    with sandbox_server() as (base, _server), tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "lecture notes.pdf")
        with open(path, "wb") as out:
            block = os.urandom(MB)
            for _ in range(args.mb):
                out.write(block)
        small = os.path.join(tmp, "warm-up.pdf")
        with open(small, "wb") as out:
            out.write(b"%PDF warm-up")
        with BaiJiaYunClient(
            SANDBOX_PARTNER_ID, partner_key=SANDBOX_PARTNER_KEY, base_url=base, timeout=120
        ) as client:
            client.doc.upload_doc(small)  # imports, connection pool, first request
            print(f"python {sys.version.split()[0]}, {args.mb} MB to {base}\n")
            baseline, peak, seconds, doc = measure(lambda: client.doc.upload_doc(path))
            assert doc.size == size, doc
            report("streamed (a path)", size, baseline, peak, seconds)
            streamed = peak - baseline

            def whole() -> Any:
                with open(path, "rb") as handle:
                    return client.doc.upload_doc(("lecture notes.pdf", handle.read()))

            report("read whole (bytes)", size, *measure(whole)[:3])
    ok = streamed < args.limit_mb * MB
    verdict = "under" if ok else "OVER"
    print(f"\nstreamed: {streamed / MB:.1f} MB above baseline ({verdict} {args.limit_mb} MB)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
