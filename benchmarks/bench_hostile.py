"""The sandbox server under hostile traffic: latency of honest calls, memory after junk.

    python benchmarks/bench_hostile.py

(a) A sandbox server process on 127.0.0.1; while one client posts an
    unauthenticated 10 MB multipart body of 200,000 parts (three times), another
    sends signed ``room/info`` calls: prints their median and slowest latency
    (goal: every one under 1 s) and how the flood was answered.
(b) 2,000 requests to distinct 60 KB junk paths, then the server's resident
    memory growth and the size of ``GET /_sandbox/state``.
"""

from __future__ import annotations

import statistics
import threading
import time

import httpx2
from _served import sandbox_server

from baijiayun import BaiJiaYunClient
from baijiayun.sandbox import SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main() -> None:
    with sandbox_server() as (base, server):
        client = BaiJiaYunClient(SANDBOX_PARTNER_ID, partner_key=SANDBOX_PARTNER_KEY, base_url=base)
        start = int(time.time()) + 3600
        room_id = client.room.create("bench", start, start + 3600, 2).room_id

        part = b'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n'
        flood = part * 200_000 + b"--b--\r\n"
        answers: list[str] = []

        def attack() -> None:
            with httpx2.Client(timeout=120) as http:
                for _ in range(3):
                    answer = http.post(
                        base + "openapi/room/info",
                        content=flood,
                        headers={"Content-Type": "multipart/form-data; boundary=b"},
                    )
                    answers.append(answer.json()["msg"])

        attacker = threading.Thread(target=attack)
        attacker.start()
        latencies = []
        while attacker.is_alive():
            started = time.perf_counter()
            client.room.info(room_id)
            latencies.append(time.perf_counter() - started)
        attacker.join()
        print(f"(a) flood of {len(flood) / 1e6:.1f} MB x 3 answered: {answers[0]!r}")
        print(
            f"    signed room/info during the flood: {len(latencies)} calls, "
            f"median {statistics.median(latencies) * 1000:.1f} ms, "
            f"slowest {max(latencies) * 1000:.1f} ms (goal < 1000 ms)"
        )

        before = rss_kb(server.pid)
        with httpx2.Client() as http:
            for i in range(2000):
                http.get(f"{base}{'j' * 60_000}{i}")
            state = http.get(base + "_sandbox/state").content
        after = rss_kb(server.pid)
        print(
            f"(b) 2,000 junk 60 KB paths: server RSS {before / 1024:.1f} -> {after / 1024:.1f} MB "
            f"(+{(after - before) / 1024:.1f} MB); /_sandbox/state is {len(state)} bytes"
        )
        client.close()


if __name__ == "__main__":
    main()
