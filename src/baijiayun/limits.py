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
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ._redis import RedisUser
from ._value import Value
from .errors import ConfigurationError

if TYPE_CHECKING:
    import redis

__all__ = [
    "DEFAULT_LEASE",
    "PLATFORM_LIMIT",
    "Limiter",
    "Permit",
    "RateLimit",
    "RedisRateLimit",
    "check_rate",
    "parse_rate",
]

PLATFORM_LIMIT = (200, 10.0)
"""The platform's documented limit: 200 requests per 10 seconds per account."""
DEFAULT_LEASE = 300.0
"""Seconds a slot is held at most when the attempt has no timeout (``timeout=None``)."""


class Permit(Value):
    """A slot taken from ``limiter`` for one attempt; give it back with ``limiter.release``."""

    __slots__ = ("key", "limiter", "ticket")

    def __init__(self, limiter: Limiter, key: str, ticket: str) -> None:
        self.limiter, self.key, self.ticket = limiter, key, ticket

    def __repr__(self) -> str:
        return f"Permit(key={self.key!r}, ticket={self.ticket!r})"


@runtime_checkable
class Limiter(Protocol):
    """What a client needs of a rate limiter (see :class:`RateLimit`).

    ``try_acquire`` never waits: it answers a :class:`Permit`, or the seconds
    to wait before asking again. ``release`` is called once the attempt's
    answer arrived (or the attempt failed); it must not raise. The ``a``
    methods are the same for the async client: they must not block the event
    loop.
    """

    def try_acquire(self, key: str, lease: float) -> Permit | float: ...

    def release(self, permit: Permit) -> None: ...

    async def atry_acquire(self, key: str, lease: float) -> Permit | float: ...

    async def arelease(self, permit: Permit) -> None: ...


def check_rate(limit: Any, per: Any) -> tuple[int, float]:
    """``limit`` an integer >= 1, ``per`` a finite number of seconds > 0."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ConfigurationError(f"a rate limit needs an integer limit >= 1, not {limit!r}")
    if (
        isinstance(per, bool)
        or not isinstance(per, (int, float))
        or not math.isfinite(per)
        or per <= 0
    ):
        raise ConfigurationError(f"a rate limit's period must be seconds > 0, not {per!r}")
    return limit, float(per)


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


# --------------------------------------------------------------------------- Redis
# A sorted set per key: member = one attempt's ticket, score = until when it counts
# from (the end of its lease while it is pending, the time its answer came once
# released). An entry counts while its score is within the last `per` seconds or
# ahead. Redis' own clock (TIME) is the one clock of every worker.
_ACQUIRE = """
local limit, per, lease = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - per)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now + lease, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil((lease + per) * 1000) + 1000)
  return ''
end
local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
return tostring(math.max(math.min(oldest + per - now, per), 0))
"""
_RELEASE = """
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], tonumber(t[1]) + tonumber(t[2]) / 1000000, ARGV[1])
local keep = math.ceil(tonumber(ARGV[2]) * 1000) + 1000
if redis.call('PTTL', KEYS[1]) < keep then redis.call('PEXPIRE', KEYS[1], keep) end
return 1
"""


class RedisRateLimit(RedisUser):
    """At most ``limit`` requests per key in any ``per`` seconds, across every worker.

    >>> limit = RedisRateLimit.from_url("redis://cache:6379/0", 200, per=10)
    >>> client = BaiJiaYunClient(..., rate_limit=limit)

    The same rule as :class:`~baijiayun.limits.RateLimit`, kept in Redis by a
    Lua script on Redis' clock. A worker told to wait remembers until when, so
    its other threads and tasks wait without asking Redis again meanwhile.
    """

    def __init__(
        self, client: redis.Redis, limit: int, per: float = 1.0, *, prefix: str = "baijiayun:"
    ) -> None:
        super().__init__(client, prefix)
        self.limit, self.per = check_rate(limit, per)
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)
        self._full_until: dict[str, float] = {}  # key -> monotonic time; no slot frees before

    @classmethod
    def from_url(
        cls,
        url: str,
        limit: int,
        per: float = 1.0,
        *,
        prefix: str = "baijiayun:",
        **redis_options: Any,
    ) -> RedisRateLimit:
        return cls(cls._client_from_url(url, redis_options), limit, per, prefix=prefix)

    def __repr__(self) -> str:
        return f"RedisRateLimit({self.limit}, per={self.per:g}, prefix={self.prefix!r})"

    def _name(self, key: str) -> str:
        return f"{self.prefix}rate:{{{key}}}"

    def try_acquire(self, key: str, lease: float) -> Permit | float:
        now = time.monotonic()
        full_until = self._full_until.get(key, 0.0)
        if now < full_until:  # another thread or task of this worker just asked
            return full_until - now
        import uuid

        ticket = uuid.uuid4().hex
        args: list[str | int] = [self.limit, repr(self.per), repr(float(lease)), ticket]
        name = self._name(key)
        answer = self._do("acquire", lambda: self._acquire(keys=[name], args=args))
        text = answer.decode("ascii") if isinstance(answer, bytes) else str(answer)
        if not text:
            return Permit(self, key, ticket)
        wait = float(text)
        self._full_until[key] = time.monotonic() + wait
        return wait

    def release(self, permit: Permit) -> None:
        name, args = self._name(permit.key), [permit.ticket, repr(self.per)]
        self._do("release", lambda: self._release(keys=[name], args=args))

    async def atry_acquire(self, key: str, lease: float) -> Permit | float:
        full_until = self._full_until.get(key, 0.0)
        now = time.monotonic()
        if now < full_until:  # answered here, without a thread hop
            return full_until - now
        return await self._ado("acquire", lambda: self.try_acquire(key, lease))

    async def arelease(self, permit: Permit) -> None:
        await self._ado("release", lambda: self.release(permit))
