"""Client-side rate limits: keep every request of an account under the platform's limit.

The platform allows 200 requests per 10 seconds per account (docs/protocol.md §3).
Give a client a limiter and each attempt it makes (retries and partner-key
fetches included) first takes a slot::

    limit = RateLimit(200, per=10)                   # this process
    client = BaiJiaYunClient(..., rate_limit=limit)  # share the object between clients

    limit = RedisRateLimit.from_url("redis://...", 200, per=10)  # every worker, every machine

A limiter counts requests per key (the client's partner id), so one limiter may
serve clients of several accounts.

The rule is exact at the platform's side, whatever the network does: at most
``limit`` requests of an account reach it in any window of ``per`` seconds.
A slot is taken before the request is sent and counts from then until ``per``
seconds after its answer arrived (it cannot have reached the platform after
that). A slot whose holder vanished (a killed worker) stops counting
``per`` seconds after its lease, the attempt's timeout, ran out.

Waiting for a slot happens before an attempt starts and is not part of its
``timeout``. The limiter says how long to wait; the client's driver waits
(``time.sleep`` or ``asyncio.sleep``) and asks again.
"""

from __future__ import annotations

import itertools
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._shared import Limiter, Permit, check_rate

if TYPE_CHECKING:
    from ._redis import RedisRateLimit

__all__ = [
    "DEFAULT_LEASE",
    "PLATFORM_LIMIT",
    "Limiter",
    "Permit",
    "RateLimit",
    "RedisRateLimit",
    "parse_rate",
]

PLATFORM_LIMIT = (200, 10.0)
"""The platform's documented limit: 200 requests per 10 seconds per account."""
DEFAULT_LEASE = 300.0
"""Seconds a slot is held at most when the attempt has no timeout (``timeout=None``)."""


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


class _Window:
    """One key's slots: answered ones by answer time (oldest first), pending ones by ticket."""

    __slots__ = ("done", "pending")

    def __init__(self) -> None:
        self.done: deque[float] = deque()
        self.pending: dict[str, float] = {}  # ticket -> when its lease runs out


class RateLimit:
    """At most ``limit`` requests per key in any window of ``per`` seconds, in this process.

    Thread-safe, and usable from any number of event loops at once (it never
    waits itself). Share one object between the clients of an account.
    """

    def __init__(
        self, limit: int, per: float = 1.0, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit, self.per = check_rate(limit, per)
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, _Window] = {}
        self._tickets = itertools.count()

    def __repr__(self) -> str:
        return f"RateLimit({self.limit}, per={self.per:g})"

    def try_acquire(self, key: str, lease: float) -> Permit | float:
        with self._lock:
            now = self._clock()
            window = self._windows.get(key)
            if window is None:
                window = self._windows[key] = _Window()
            horizon = now - self.per
            done, pending = window.done, window.pending
            while done and done[0] <= horizon:
                done.popleft()
            if len(done) + len(pending) >= self.limit and pending:
                for ticket in [t for t, end in pending.items() if end <= horizon]:
                    del pending[ticket]  # its holder vanished: the lease ran out long ago
            if len(done) + len(pending) < self.limit:
                ticket = str(next(self._tickets))
                pending[ticket] = now + lease
                return Permit(self, key, ticket)
            # The first slot to free: the oldest answered one, `per` after its answer; a
            # pending one cannot free before `per` after its release, which is not before now.
            oldest = min(done[0] if done else math.inf, min(pending.values(), default=math.inf))
            return max(min(oldest + self.per - now, self.per), 0.0)

    def release(self, permit: Permit) -> None:
        with self._lock:
            window = self._windows.get(permit.key)
            if window is not None:
                window.pending.pop(permit.ticket, None)
                window.done.append(self._clock())  # read under the lock: stays in order

    async def atry_acquire(self, key: str, lease: float) -> Permit | float:
        return self.try_acquire(key, lease)

    async def arelease(self, permit: Permit) -> None:
        self.release(permit)


def __getattr__(name: str) -> Any:
    if name == "RedisRateLimit":  # needs the redis extra: imported on first use
        from ._redis import RedisRateLimit

        return RedisRateLimit
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
