"""A worker process of the shared-state tests (``test_shared_state.py``): one account, many workers.

    python shared_worker.py MODE JSON_SETTINGS

Each worker builds its clients, prints ``ready``, waits for a line on stdin (so
that every worker starts at the same moment), does its work and prints one
JSON line of results. Modes:

``cold``     threads, each with its own client built with only the secret key, all on one
             ``RedisKeyStore``, call ``room.list`` at once.
``limited``  threads share one client with a ``RedisRateLimit``; each calls ``room.info``.
``receiver`` a Starlette callback receiver on uvicorn (port 0; prints its URL instead of
             ``ready``) with a ``RedisDedupStore``; the handler notes each call in Redis,
             holds a while, and fails for a delivery whose ``fail`` field names this worker.
             Stops when stdin closes.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from typing import Any


def wait_for_go() -> None:
    print("ready", flush=True)
    sys.stdin.readline()


def run_threads(count: int, work: Any) -> list[Any]:
    results: list[Any] = [None] * count

    def one(i: int) -> None:
        try:
            results[i] = work(i)
        except Exception as exc:
            results[i] = f"{type(exc).__name__}: {exc}"

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def cold(s: dict[str, Any]) -> dict[str, Any]:
    from baijiayun import AsyncBaiJiaYunClient, BaiJiaYunClient
    from baijiayun.keys import RedisKeyStore

    store = RedisKeyStore.from_url(s["redis_url"], prefix=s["prefix"])
    common = {"partner_id": s["partner_id"], "secret_key": s["secret_key"], "key_store": store}
    if s.get("async"):
        clients = [
            AsyncBaiJiaYunClient(base_url=s["base_url"], **common) for _ in range(s["threads"])
        ]
        wait_for_go()

        async def main() -> list[Any]:
            calls = [c.room.list(limit=1) for c in clients]
            return await asyncio.gather(*calls, return_exceptions=True)

        outcomes = asyncio.run(main())
        results = [o if isinstance(o, BaseException) else "ok" for o in outcomes]
        return {"results": [r if r == "ok" else repr(r) for r in results]}
    sync = [BaiJiaYunClient(base_url=s["base_url"], **common) for _ in range(s["threads"])]
    wait_for_go()

    def call(i: int) -> str:
        sync[i].room.list(limit=1)
        return "ok"

    return {"results": run_threads(len(sync), call)}


def limited(s: dict[str, Any]) -> dict[str, Any]:
    from baijiayun import BaiJiaYunClient
    from baijiayun.limits import RedisRateLimit

    limit = RedisRateLimit.from_url(s["redis_url"], s["limit"], per=s["per"], prefix=s["prefix"])
    client = BaiJiaYunClient(
        s["partner_id"], partner_key=s["partner_key"], base_url=s["base_url"], rate_limit=limit
    )
    client.room.info(s["room_id"])  # connect and warm up before the start
    wait_for_go()

    def calls(i: int) -> str:
        for _ in range(s["calls"]):
            client.room.info(s["room_id"])
        return "ok"

    started = time.time()
    results = run_threads(s["threads"], calls)
    return {"results": results, "started": started, "ended": time.time()}


def receiver(s: dict[str, Any]) -> None:
    import redis
    import uvicorn
    from starlette.applications import Starlette

    from baijiayun.callbacks import CallbackDeduplicator, CallbackEvent, RedisDedupStore
    from baijiayun.callbacks.receivers.starlette import callback_route

    counter = redis.Redis.from_url(s["redis_url"])
    handled_key = s["prefix"] + "handled"

    def handle(event: CallbackEvent) -> None:
        counter.rpush(handled_key, f"{s['name']}:{event.qid}")
        time.sleep(s["hold"])
        if event.raw.get("fail") == s["name"]:
            raise RuntimeError("the handler broke")

    dedup = CallbackDeduplicator(
        RedisDedupStore.from_url(s["redis_url"], prefix=s["prefix"]), claim_ttl=s["claim_ttl"]
    )
    app = Starlette(routes=[callback_route("/cb", handle, s["partner_key"], dedup=dedup)])
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    print(f"http://127.0.0.1:{port}/cb", flush=True)
    sys.stdin.read()  # until the test closes our stdin
    server.should_exit = True
    thread.join(10)


def main() -> None:
    mode, settings = sys.argv[1], json.loads(sys.argv[2])
    if mode == "receiver":
        receiver(settings)
        return
    result = {"cold": cold, "limited": limited}[mode](settings)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
