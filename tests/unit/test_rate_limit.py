"""The client-side rate limit (issue 13): the rule, and every attempt of a client taking a slot.

The rule is checked with a fake clock; the clients are checked with real waits
(nothing patched) against a MockTransport that notes when each request arrived.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

import httpx2
import pytest

from baijiayun import AsyncBaiJiaYunClient, BaiJiaYunClient, ConfigurationError
from baijiayun.limits import Limiter, Permit, RateLimit

from .conftest import PARTNER_ID, PARTNER_KEY, ROOM_ID, MockAPI, answer

INFO = "/openapi/room/info"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_rule_with_a_fake_clock() -> None:
    clock = Clock()
    limit = RateLimit(3, per=10, clock=clock)
    permits = [limit.try_acquire("p", 50.0) for _ in range(3)]
    assert all(isinstance(p, Permit) for p in permits)
    # Full, all three pending: none can free before `per` after its release, not before now.
    assert limit.try_acquire("p", 50.0) == 10.0
    clock.now = 102.0
    limit.release(permits[0])  # answered at 102: counts until 112
    clock.now = 103.0
    assert limit.try_acquire("p", 50.0) == pytest.approx(9.0)
    clock.now = 112.0
    assert isinstance(limit.try_acquire("p", 50.0), Permit)
    assert limit.try_acquire("p", 50.0) == pytest.approx(10.0)
    assert isinstance(limit.try_acquire("other account", 50.0), Permit)  # per key


def test_a_slot_whose_holder_vanished_frees_after_its_lease() -> None:
    clock = Clock()
    limit = RateLimit(1, per=10, clock=clock)
    assert isinstance(limit.try_acquire("p", 5.0), Permit)  # never released
    assert limit.try_acquire("p", 5.0) == 10.0
    clock.now = 106.0  # lease ran out at 105: counts as if answered then, until 115
    assert limit.try_acquire("p", 5.0) == pytest.approx(9.0)
    clock.now = 115.0
    assert isinstance(limit.try_acquire("p", 5.0), Permit)


def test_a_release_after_the_lease_counts_from_the_release() -> None:
    clock = Clock()
    limit = RateLimit(1, per=10, clock=clock)
    permit = limit.try_acquire("p", 5.0)
    assert isinstance(permit, Permit)
    clock.now = 114.0  # lease ran out at 105, the answer came only now
    limit.release(permit)
    assert limit.try_acquire("p", 5.0) == pytest.approx(10.0)


@pytest.mark.parametrize(
    ("limit", "per"), [(0, 1), (1.5, 1), (True, 1), (10, 0), (10, -1), (10, float("inf"))]
)
def test_bad_rates_are_refused(limit: Any, per: Any) -> None:
    with pytest.raises(ConfigurationError):
        RateLimit(limit, per)


def test_a_client_refuses_what_is_not_a_limiter() -> None:
    with pytest.raises(ConfigurationError, match="rate_limit"):
        BaiJiaYunClient(PARTNER_ID, partner_key=PARTNER_KEY, rate_limit=(200, 10))  # type: ignore[arg-type]
    assert isinstance(RateLimit(200, per=10), Limiter)


# --------------------------------------------------------------------------- clients, real time
class Arrivals(MockAPI):
    """Notes when each request arrived (monotonic seconds)."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def handler(self, request: httpx2.Request) -> httpx2.Response:
        self.times.append(time.monotonic())
        return super().handler(request)

    async def ahandler(self, request: httpx2.Request) -> httpx2.Response:
        self.times.append(time.monotonic())
        return await super().ahandler(request)


def most_in_a_window(times: list[float], per: float) -> int:
    times = sorted(times)
    return max(sum(1 for u in times[i:] if u < t + per) for i, t in enumerate(times))


def _clients(api: Arrivals, limit: Limiter, **kwargs: Any) -> tuple[Any, Any]:
    sync = BaiJiaYunClient(
        PARTNER_ID,
        partner_key=PARTNER_KEY,
        rate_limit=limit,
        http_client=httpx2.Client(transport=httpx2.MockTransport(api.handler)),
        **kwargs,
    )
    aclient = AsyncBaiJiaYunClient(
        PARTNER_ID,
        partner_key=PARTNER_KEY,
        rate_limit=limit,
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(api.ahandler)),
        **kwargs,
    )
    return sync, aclient


def test_threads_and_tasks_of_one_process_share_the_limit() -> None:
    """12 threads and 12 tasks on one limiter of 8 per 0.4 s: never more than 8 in any 0.4 s."""
    api = Arrivals()
    api.script(INFO, answer(INFO))
    limit = RateLimit(8, per=0.4)
    sync, aclient = _clients(api, limit)

    def thread_calls() -> None:
        for _ in range(2):
            sync.room.info(ROOM_ID)

    async def task_calls() -> None:
        for _ in range(2):
            await aclient.room.info(ROOM_ID)

    async def tasks() -> None:
        await asyncio.gather(*(task_calls() for _ in range(12)))

    started = time.monotonic()
    threads = [threading.Thread(target=thread_calls) for _ in range(12)]
    for t in threads:
        t.start()
    asyncio.run(tasks())
    for t in threads:
        t.join(30)
    elapsed = time.monotonic() - started
    assert len(api.times) == 48
    assert most_in_a_window(api.times, 0.4) <= 8
    assert elapsed >= 5 * 0.4  # 48 requests, 8 per 0.4 s: the waits were real
    assert elapsed < 6 * 0.4 + 2.0  # and not much longer than needed


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_every_attempt_takes_a_slot_and_gives_it_back(kind: str) -> None:
    class Counting(RateLimit):
        def __init__(self) -> None:
            super().__init__(100, per=60)
            self.taken: list[Permit] = []
            self.given_back: list[Permit] = []

        def try_acquire(self, key: str, lease: float) -> Permit | float:
            permit = super().try_acquire(key, lease)
            assert isinstance(permit, Permit)
            self.taken.append(permit)
            return permit

        def release(self, permit: Permit) -> None:
            self.given_back.append(permit)
            super().release(permit)

    api = Arrivals()
    api.script(INFO, httpx2.Response(502), httpx2.ConnectError("refused"), answer(INFO))
    limit = Counting()
    sync, aclient = _clients(api, limit, max_retries=2)
    if kind == "sync":
        sync.room.info(ROOM_ID)
    else:
        asyncio.run(aclient.room.info(ROOM_ID))
    assert len(api.sent) == 3
    assert len(limit.taken) == 3 and limit.given_back == limit.taken
    assert {p.key for p in limit.taken} == {PARTNER_ID}


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_limiter_that_fails_to_release_does_not_hide_the_answer(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(RateLimit):
        def release(self, permit: Permit) -> None:
            raise OSError("store unreachable")

    api = Arrivals()
    api.script(INFO, answer(INFO))
    sync, aclient = _clients(api, Broken(10, per=1))
    with caplog.at_level(logging.WARNING, logger="baijiayun"):
        if kind == "sync":
            info = sync.room.info(ROOM_ID)
        else:
            info = asyncio.run(aclient.room.info(ROOM_ID))
    assert info.room_id == str(ROOM_ID)
    assert any("release a rate-limit slot" in r.getMessage() for r in caplog.records)


def test_option_copies_share_the_limiter() -> None:
    api = Arrivals()
    api.script(INFO, answer(INFO))
    limit = RateLimit(2, per=0.5)
    sync, _ = _clients(api, limit)
    started = time.monotonic()
    sync.room.info(ROOM_ID)
    sync.with_options(max_retries=0).room.info(ROOM_ID)
    sync.with_options(timeout=3).room.info(ROOM_ID)  # the third waits for a slot
    assert time.monotonic() - started >= 0.5
    assert most_in_a_window(api.times, 0.5) <= 2
