"""The in-process rate limiter: never more than ``limit`` in any window, first come first served."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx2
import pytest

from baijiayun.ratelimit import (
    AsyncRateLimitedTransport,
    RateLimitedTransport,
    RateLimiter,
    parse_rate,
)


class FakeClock:
    """A clock that only moves when the limiter sleeps (so tests take no time)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.now += seconds


def max_in_window(times: list[float], period: float) -> int:
    """The most instants in any half-open window [t, t + period)."""
    times = sorted(times)
    best = start = 0
    for end, t in enumerate(times):
        while t - times[start] >= period:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_never_more_than_the_limit_in_any_window() -> None:
    clock = FakeClock()
    limiter = RateLimiter(200, 10.0, clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(1000):
        limiter.acquire()
        times.append(clock.now)
    assert max_in_window(times, 10.0) == 200
    # ... and no slower than it must be: 1,000 requests need 4 more windows after the first.
    assert times[-1] - times[0] == pytest.approx(40.0)


def test_a_burst_within_the_limit_does_not_wait() -> None:
    clock = FakeClock()
    limiter = RateLimiter(5, 1.0, clock=clock, sleep=clock.sleep)
    waits = [limiter.reserve() for _ in range(5)]
    assert waits == [0.0] * 5
    assert limiter.reserve() == pytest.approx(1.0)


def test_pauses_between_bursts_are_credited() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3, 1.0, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        limiter.acquire()
    clock.now += 0.6
    assert limiter.reserve() == pytest.approx(0.4)  # the first of the three leaves the window
    clock.now += 5
    assert limiter.reserve() == 0.0


def test_waiters_are_served_in_the_order_they_asked() -> None:
    clock = FakeClock()
    limiter = RateLimiter(2, 1.0, clock=clock, sleep=clock.sleep)
    reserved = [limiter.reserve() for _ in range(7)]
    assert reserved == sorted(reserved)
    assert reserved == pytest.approx([0, 0, 1, 1, 2, 2, 3])


def test_threads_share_one_limit() -> None:
    limiter = RateLimiter(20, 0.2)
    times: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(10):
            limiter.acquire()
            with lock:
                times.append(time.monotonic())

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(times) == 80
    assert max_in_window(times, 0.2 - 0.01) <= 20  # a little slack for the sleep's wake-up
    assert times[-1] - times[0] >= 3 * 0.2 - 0.05


async def test_tasks_wait_without_blocking_the_loop() -> None:
    limiter = RateLimiter(10, 0.2)
    times: list[float] = []
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    async def work() -> None:
        for _ in range(5):
            await limiter.acquire_async()
            times.append(time.monotonic())

    tick = asyncio.create_task(ticker())
    await asyncio.gather(*(work() for _ in range(8)))
    tick.cancel()
    assert len(times) == 40
    assert max_in_window(times, 0.2 - 0.01) <= 10
    assert times[-1] - times[0] >= 3 * 0.2 - 0.05
    assert ticks >= 30  # the loop kept running while the tasks waited


@pytest.mark.parametrize(
    ("text", "rate"),
    [("180/10s", (180, 10.0)), ("20/s", (20, 1.0)), (" 5 / 0.5 ", (5, 0.5)), ("7/2sec", (7, 2.0))],
)
def test_parse_rate(text: str, rate: tuple[int, float]) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["", "abc", "0/10s", "10/0", "-1/1", "10/-1", "1e3/1"])
def test_parse_rate_refuses_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match="not a rate"):
        parse_rate(text)


@pytest.mark.parametrize(("limit", "period"), [(0, 1.0), (-1, 1.0), (True, 1.0), (1, 0.0)])
def test_bad_limits_are_refused(limit: int, period: float) -> None:
    with pytest.raises(ValueError, match=r"limit|period"):
        RateLimiter(limit, period)


def test_transports_wait_for_the_limiter_before_each_request() -> None:
    clock = FakeClock()
    limiter = RateLimiter(2, 1.0, clock=clock, sleep=clock.sleep)
    seen: list[float] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        seen.append(clock.now)
        return httpx2.Response(200, json={"code": 0})

    inner = httpx2.MockTransport(answer)
    with httpx2.Client(transport=RateLimitedTransport(inner, limiter)) as http:
        for _ in range(5):
            http.post("http://127.0.0.1:9/x")
    assert seen == pytest.approx([1000, 1000, 1001, 1001, 1002])


async def test_async_transport_waits_for_the_limiter() -> None:
    limiter = RateLimiter(3, 0.3)
    seen: list[float] = []

    async def answer(request: httpx2.Request) -> httpx2.Response:
        seen.append(time.monotonic())
        return httpx2.Response(200, json={"code": 0})

    inner = httpx2.MockTransport(answer)
    async with httpx2.AsyncClient(transport=AsyncRateLimitedTransport(inner, limiter)) as http:
        await asyncio.gather(*(http.post("http://127.0.0.1:9/x") for _ in range(7)))
    assert len(seen) == 7
    assert max_in_window(seen, 0.3 - 0.02) <= 3
    assert max(seen) - min(seen) >= 0.6 - 0.05
