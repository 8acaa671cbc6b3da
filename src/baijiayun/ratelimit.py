"""A client-side rate limiter for one process: at most ``limit`` requests in any ``period``.

The platform allows 200 requests per 10 seconds per account. :class:`RateLimiter`
keeps a process under such a limit, for threads (:meth:`RateLimiter.acquire`) and
for asyncio tasks (:meth:`RateLimiter.acquire_async`) alike; one limiter may serve
both at once.

It is a sliding-window log with reservations: each caller reserves the earliest
instant at which sending keeps every window of ``period`` seconds at ``limit``
or fewer, then waits until then. Callers are served in the order they asked
(no thundering herd, no starvation), and the guarantee is exact for the
reserved instants, not an average like a token bucket's.

To limit every request a client makes (retries included), wrap the client's
transport::

    limiter = RateLimiter(180, 10.0)
    transport = AsyncRateLimitedTransport(httpx2.AsyncHTTPTransport(), limiter)
    http = httpx2.AsyncClient(transport=transport)
    client = AsyncBaiJiaYunClient(..., http_client=http)

This limiter is per process. Several processes sharing one account need a
shared limiter (a Redis-backed one), which this module does not provide.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections import deque
from collections.abc import Callable

import httpx2

__all__ = [
    "PLATFORM_LIMIT",
    "AsyncRateLimitedTransport",
    "RateLimitedTransport",
    "RateLimiter",
    "parse_rate",
]

PLATFORM_LIMIT = (200, 10.0)
"""The platform's documented limit: 200 requests per 10 seconds per account."""

_RATE_RE = re.compile(r"\s*([0-9]+)\s*/\s*([0-9]*\.?[0-9]+)?\s*(s|sec|second|seconds)?\s*\Z")


def parse_rate(text: str) -> tuple[int, float]:
    """``"180/10s"``, ``"180/10"`` or ``"20/s"`` as ``(limit, period)``; ``ValueError`` if not."""
    match = _RATE_RE.match(text)
    if match is None:
        raise ValueError(f"not a rate: {text!r} (expected N/SECONDS, e.g. 180/10s)")
    limit = int(match.group(1))
    period = float(match.group(2)) if match.group(2) else 1.0
    if limit < 1 or period <= 0:
        raise ValueError(f"not a rate: {text!r} (needs at least 1 request per positive period)")
    return limit, period


class RateLimiter:
    """At most ``limit`` acquisitions in any window of ``period`` seconds.

    >>> limiter = RateLimiter(200, 10.0)
    >>> limiter.acquire()              # in a thread: blocks until allowed
    >>> await limiter.acquire_async()  # in a task: waits without blocking the loop

    ``clock`` and ``sleep`` are injectable for tests (monotonic seconds).
    """

    def __init__(
        self,
        limit: int,
        period: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError("limit must be a positive integer")
        if not period > 0:
            raise ValueError("period must be a positive number of seconds")
        self.limit = limit
        self.period = float(period)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._granted: deque[float] = deque()
        """The instants of the last ``limit`` reservations, in order (some may be ahead)."""

    def __repr__(self) -> str:
        return f"RateLimiter({self.limit}, {self.period:g})"

    def reserve(self) -> float:
        """Reserve the next allowed instant; return the seconds to wait until it (0: now)."""
        with self._lock:
            now = self._clock()
            granted = self._granted
            at = now
            if granted:
                at = max(at, granted[-1])  # first come, first served
                if len(granted) >= self.limit:
                    at = max(at, granted[0] + self.period)
            granted.append(at)
            while len(granted) > self.limit:
                granted.popleft()
            return max(0.0, at - now)

    def acquire(self) -> None:
        """Block the calling thread until a request may be sent."""
        wait = self.reserve()
        if wait > 0:
            self._sleep(wait)

    async def acquire_async(self) -> None:
        """Wait (without blocking the event loop) until a request may be sent."""
        wait = self.reserve()
        if wait > 0:
            await asyncio.sleep(wait)

    def __enter__(self) -> RateLimiter:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    async def __aenter__(self) -> RateLimiter:
        await self.acquire_async()
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


class RateLimitedTransport(httpx2.BaseTransport):
    """An httpx2 transport that waits for ``limiter`` before each request it passes on."""

    def __init__(self, inner: httpx2.BaseTransport, limiter: RateLimiter) -> None:
        self.inner = inner
        self.limiter = limiter

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.limiter.acquire()
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class AsyncRateLimitedTransport(httpx2.AsyncBaseTransport):
    """The async twin of :class:`RateLimitedTransport`."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, limiter: RateLimiter) -> None:
        self.inner = inner
        self.limiter = limiter

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await self.limiter.acquire_async()
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
