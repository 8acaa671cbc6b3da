"""How long a call lasts against a server that answers one byte every half second.

    python benchmarks/bench_deadline.py [--timeout 1] [--max-retries 2] [--drip 0.5]

A server on 127.0.0.1 reads each request, then sends its answer's status line
one byte per ``--drip`` seconds (each byte well within the read timeout, so a
per-read timeout never fires). ``room.info`` (a read: retried) is called on the
sync and the async client. The documented bound of a call is
``(max_retries + 1) x timeout`` plus the backoff pauses (at most 0.25 s + 0.5 s
with two retries). Before the fix such a call lasted minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import threading
import time

from baijiayun import AsyncBaiJiaYunClient, BaiJiaYunClient
from baijiayun.errors import APITimeoutError

PARTNER_ID = "10000001"
PARTNER_KEY = "sandbox-partner-key-0000000000000000000000000000000000000000"
GIVE_UP = 120.0  # the server closes a connection after this long


def serve(drip: float, stop: threading.Event) -> tuple[str, list[int]]:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    connections = [0]

    def answer(conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            until = time.monotonic() + GIVE_UP
            for byte in b"HTTP/1.1 200 OK\r\n" * 1000:
                if stop.wait(drip) or time.monotonic() > until:
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            connections[0] += 1
            threading.Thread(target=answer, args=(conn,), daemon=True).start()
        listener.close()

    threading.Thread(target=accept, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/", connections


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=1.0)
    parser.add_argument("--max-retries", type=int, default=2)
    parser.add_argument("--drip", type=float, default=0.5)
    args = parser.parse_args()
    stop = threading.Event()
    url, connections = serve(args.drip, stop)
    options = {"base_url": url, "timeout": args.timeout, "max_retries": args.max_retries}
    bound = (args.max_retries + 1) * args.timeout
    print(f"timeout={args.timeout} s, max_retries={args.max_retries}, one byte per {args.drip} s")
    print(f"documented bound: {bound:.2f} s + backoff")

    def sync_call() -> None:
        with BaiJiaYunClient(PARTNER_ID, partner_key=PARTNER_KEY, **options) as client:
            client.room.info(21090312345678)

    async def async_call() -> None:
        async with AsyncBaiJiaYunClient(PARTNER_ID, partner_key=PARTNER_KEY, **options) as c:
            await c.room.info(21090312345678)

    for name, call in (("sync", sync_call), ("async", lambda: asyncio.run(async_call()))):
        before = connections[0]
        started = time.monotonic()
        try:
            call()
        except APITimeoutError:
            outcome = "APITimeoutError"
        else:  # pragma: no cover - the server never answers
            outcome = "answered"
        elapsed = time.monotonic() - started
        attempts = connections[0] - before
        print(f"  {name:<5} {elapsed:6.2f} s   {attempts} attempts   {outcome}")
    stop.set()


if __name__ == "__main__":
    main()
