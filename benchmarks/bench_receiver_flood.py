"""The Starlette callback receiver under a multipart flood: latency of a small callback.

    python benchmarks/bench_receiver_flood.py [--seconds 10] [--flooders 8]

A uvicorn server process on 127.0.0.1 serves ``callback_route`` (one worker, one
event loop). ``--flooders`` threads post unauthenticated 1 MB multipart bodies
of 25,000 parts back to back (the receiver's own size limit; issue 20 item 1),
while one client sends a small signed callback every 20 ms. Prints the small
callback's latency (median, p10, p90, max) alone and during the flood, and how
the flood was answered (goal: under 100 ms while the flood lasts).
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import threading
import time

import httpx2

from baijiayun import sign_callback

KEY = "bench-partner-key-" + "k" * 40
SERVER = f"""
import logging, sys, uvicorn
logging.getLogger("baijiayun.callbacks").setLevel(logging.ERROR)
from starlette.applications import Starlette
from baijiayun.callbacks.receivers.starlette import callback_route
app = Starlette(routes=[callback_route("/cb", lambda event: None, {KEY!r})])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="error")
"""
PART = b"--b\r\n\r\n" + b"v" * 32 + b"\r\n"
FLOOD = PART * 25_000 + b"--b--\r\n"  # 1,025,007 bytes: under the receiver's 1 MiB limit
FLOOD_TYPE = "multipart/form-data; boundary=b"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def small_callback() -> dict[str, str]:
    return sign_callback(
        {"room_id": "27011512345678", "op": "start", "op_time": "2027-01-15 16:00:00"}, KEY
    )


def probe(base: str, seconds: float) -> list[float]:
    """Latencies (seconds) of small signed callbacks, one every 20 ms for ``seconds``."""
    latencies: list[float] = []
    with httpx2.Client(base_url=base, timeout=30) as client:
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            started = time.perf_counter()
            response = client.post("/cb", data=small_callback())
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
            time.sleep(0.02)
    return latencies


def flood(base: str, stop: threading.Event, answers: list[int]) -> None:
    with httpx2.Client(base_url=base, timeout=30) as client:
        while not stop.is_set():
            response = client.post("/cb", content=FLOOD, headers={"content-type": FLOOD_TYPE})
            answers.append(response.status_code)


def summary(name: str, latencies: list[float]) -> str:
    ms = sorted(x * 1000 for x in latencies)
    tenth = ms[len(ms) // 10]
    ninetieth = ms[(len(ms) * 9) // 10]
    return (
        f"{name}: {len(ms)} calls, median {statistics.median(ms):.1f} ms "
        f"(p10 {tenth:.1f}, p90 {ninetieth:.1f}, max {ms[-1]:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--flooders", type=int, default=8)
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)])
    try:
        for _ in range(200):
            try:
                httpx2.get(base + "/cb", timeout=1)
                break
            except httpx2.HTTPError:
                time.sleep(0.05)
        quiet = probe(base, 2.0)
        stop = threading.Event()
        answers: list[int] = []
        threads = [
            threading.Thread(target=flood, args=(base, stop, answers), daemon=True)
            for _ in range(args.flooders)
        ]
        for thread in threads:
            thread.start()
        time.sleep(0.5)  # the flood is under way
        loaded = probe(base, args.seconds)
        stop.set()
        for thread in threads:
            thread.join(60)
        print(summary("small callback, no flood", quiet))
        print(summary(f"small callback, {args.flooders} flooders", loaded))
        refused = sum(1 for status in answers if status == 400)
        rate = len(answers) / (args.seconds + 0.5)
        print(
            f"flood: {len(answers)} bodies of {len(FLOOD):,} bytes / 25,000 parts "
            f"({rate:.0f}/s), {refused} answered 400"
        )
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
