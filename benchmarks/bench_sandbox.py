"""Throughput and latency of the sandbox server: signed ``room/info`` over keep-alive.

    python benchmarks/bench_sandbox.py [--seconds 10] [--connections 4]

Starts ``python -m baijiayun.sandbox --port 0`` as its own process, creates a
room, then a separate load process opens keep-alive connections and sends
signed ``/openapi/room/info`` requests (each answer is checked for code 0) for
a fixed time. Prints requests/s and latency percentiles. Goal: >= 2,000/s.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import time
from urllib.parse import urlencode, urlsplit

from _served import sandbox_server

from baijiayun import BaiJiaYunClient
from baijiayun._signing import sign
from baijiayun.sandbox import SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY


def load(url: str, room_id: str, seconds: float, connections: int, out: mp.Queue) -> None:
    """One load process: round-robin over keep-alive connections, one request in flight each."""
    import selectors
    import socket

    parts = urlsplit(url)
    assert parts.hostname and parts.port
    fields = [
        ("partner_id", SANDBOX_PARTNER_ID),
        ("room_id", room_id),
        ("timestamp", str(int(time.time()))),
    ]
    fields.append(("sign", sign(fields, SANDBOX_PARTNER_KEY)))
    body = urlencode(fields).encode()
    request = (
        b"POST /openapi/room/info HTTP/1.1\r\nHost: "
        + parts.netloc.encode()
        + b"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )
    sel = selectors.DefaultSelector()
    socks = []
    for _ in range(connections):
        s = socket.create_connection((parts.hostname, parts.port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setblocking(False)
        socks.append(s)
    latencies: list[float] = []
    errors = 0
    buffers = {s: b"" for s in socks}
    started = {s: 0.0 for s in socks}
    for s in socks:
        started[s] = time.perf_counter()
        s.sendall(request)
        sel.register(s, selectors.EVENT_READ)
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for key, _ in sel.select(timeout=1):
            s = key.fileobj
            assert isinstance(s, socket.socket)
            chunk = s.recv(65536)
            if not chunk:
                raise SystemExit("server closed a connection")
            buffers[s] += chunk
            head, sep, rest = buffers[s].partition(b"\r\n\r\n")
            if not sep:
                continue
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            if len(rest) < length:
                continue
            now = time.perf_counter()
            latencies.append(now - started[s])
            if b'"code":0' not in rest[:length]:
                errors += 1
            buffers[s] = rest[length:]
            started[s] = now
            s.sendall(request)
    out.put((latencies, errors, seconds))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()

    with sandbox_server() as (url, _server):
        with BaiJiaYunClient(
            SANDBOX_PARTNER_ID, partner_key=SANDBOX_PARTNER_KEY, base_url=url
        ) as client:
            now = int(time.time())
            room_id = client.room.create("bench", now + 3600, now + 7200, 2).room_id
            for _ in range(200):  # warm-up
                client.room.info(room_id)
        queue: mp.Queue = mp.Queue()
        worker = mp.Process(target=load, args=(url, room_id, args.seconds, args.connections, queue))
        worker.start()
        latencies, errors, seconds = queue.get(timeout=args.seconds + 60)
        worker.join()
    latencies.sort()
    n = len(latencies)

    def pct(p: float) -> float:
        return latencies[min(n - 1, int(p * n))] * 1000

    print(
        f"sandbox server: {url}  (1 uvicorn process; load: 1 separate process, "
        f"{args.connections} keep-alive connections)"
    )
    print(f"requests: {n} in {seconds:.1f}s, errors (code != 0): {errors}")
    print(f"throughput: {n / seconds:,.0f} signed room/info requests/s (goal >= 2,000/s)")
    print(
        f"latency: p50 {pct(0.50):.2f} ms, p90 {pct(0.90):.2f} ms, p99 {pct(0.99):.2f} ms, "
        f"mean {statistics.fmean(latencies) * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
