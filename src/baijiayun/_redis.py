"""State that many worker processes share through Redis (extra ``redis``).

* :class:`RedisKeyStore` (``baijiayun.keys``): the partner key, fetched once for
  every process; a fetch or a refresh after a 1002 is single-flight across them.
* :class:`RedisDedupStore` (``baijiayun.callbacks``): a callback delivered to
  several workers is handled once.
* :class:`RedisRateLimit` (``baijiayun.limits``): every worker together stays
  under the account's rate limit.

Each takes a ``redis.Redis`` client (``from_url("redis://...")`` builds one).
Every operation is one short command, a pipeline or a Lua script: one round
trip. On the async client they run on a small thread pool of the SDK's, so the
event loop never waits on Redis. A Redis failure raises
:class:`~baijiayun.errors.StoreError` (before anything is sent to the platform).

Keys live under ``prefix`` (``baijiayun:`` by default); the keys one operation
touches share a hash tag (``{partner_id}``), so a cluster proxy keeps them on
one node. The partner key is stored as it is: use a Redis only your workers
reach (password, ``rediss://`` for TLS).
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import os
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from ._shared import REFRESH_INTERVAL, KeyRecord, Permit, check_rate
from .errors import ConfigurationError, StoreError

if TYPE_CHECKING:
    import redis

__all__ = ["RedisDedupStore", "RedisKeyStore", "RedisRateLimit"]

_T = TypeVar("_T")

CONNECT_TIMEOUT = 5.0
"""Seconds ``from_url`` clients wait to connect, and for an answer, before a StoreError."""


def _redis_module() -> Any:
    try:
        import redis
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            f"the Redis stores need redis-py: pip install 'baijiayun[redis]' ({exc})",
            name=exc.name,
        ) from exc
    return redis


_EXECUTOR: tuple[int, ThreadPoolExecutor] | None = None
_EXECUTOR_LOCK = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    """The threads that run Redis commands for async callers (built at first use, and again
    in a forked child: a pool's threads do not survive a fork)."""
    global _EXECUTOR
    pid = os.getpid()
    if _EXECUTOR is None or _EXECUTOR[0] != pid:
        with _EXECUTOR_LOCK:
            if _EXECUTOR is None or _EXECUTOR[0] != pid:
                pool = ThreadPoolExecutor(8, thread_name_prefix="baijiayun-redis")
                _EXECUTOR = (pid, pool)
    return _EXECUTOR[1]


class _RedisUser:
    """A Redis client, the key prefix, and Redis errors turned into StoreError."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        module = _redis_module()
        if not isinstance(client, module.Redis):
            raise ConfigurationError(
                f"{type(self).__name__} needs a redis.Redis client (or use from_url), "
                f"not {type(client).__name__}"
            )
        if not isinstance(prefix, str):
            raise ConfigurationError("prefix must be text")
        self.redis = client
        self.prefix = prefix
        self._errors: tuple[type[BaseException], ...] = (module.RedisError, OSError)

    @classmethod
    def _client_from_url(cls, url: str, options: dict[str, Any]) -> redis.Redis:
        module = _redis_module()
        options.setdefault("socket_timeout", CONNECT_TIMEOUT)
        options.setdefault("socket_connect_timeout", CONNECT_TIMEOUT)
        try:
            client: redis.Redis = module.Redis.from_url(url, **options)
        except ValueError as exc:  # a URL redis-py cannot read (its text holds no password)
            raise ConfigurationError(f"not a Redis URL: {exc}") from None
        return client

    def _do(self, what: str, work: Callable[[], _T]) -> _T:
        try:
            return work()
        except self._errors as exc:
            raise StoreError(f"redis ({what}): {type(exc).__name__}: {exc}") from exc

    async def _ado(self, what: str, work: Callable[[], _T]) -> _T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(_executor(), functools.partial(self._do, what, work))

    def close(self) -> None:
        """Close the Redis client's connections (also those of a client you passed in)."""
        self.redis.close()

    def __repr__(self) -> str:  # never the URL: it may hold a password
        return f"{type(self).__name__}(prefix={self.prefix!r})"


# --------------------------------------------------------------------------- keys
_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisKeyStore(_RedisUser):
    """Partner keys in Redis, shared by every process of every machine.

    >>> store = RedisKeyStore.from_url("redis://cache:6379/0")
    >>> client = BaiJiaYunClient(partner_id, secret_key, key_store=store)

    When many processes start cold at once, one takes a lock in Redis (it
    expires after ``lock_timeout`` seconds, should that process die) and calls
    ``createkey``; the others look again every ``poll_interval`` seconds and
    read the key it stored. A refresh after a 1002 works the same way, and a
    refresh that brought back the refused key is remembered for
    :data:`~baijiayun.keys.REFRESH_INTERVAL` seconds, so no other process
    refreshes it again. Each process also keeps the key it read until its
    expiry, so a call reads no Redis at all.
    """

    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str = "baijiayun:",
        lock_timeout: float = 60.0,
        poll_interval: float = 0.05,
    ) -> None:
        super().__init__(client, prefix)
        for name, value in (("lock_timeout", lock_timeout), ("poll_interval", poll_interval)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ConfigurationError(f"{name} must be seconds > 0, not {value!r}")
        self.lock_timeout = float(lock_timeout)
        self.poll_interval = float(poll_interval)
        self._local: dict[str, tuple[str, float | None]] = {}
        self._local_lock = threading.Lock()
        # Each Redis read takes a number when it starts, each write when it is done; the
        # process's copy only takes a value newer than the one it holds, so a read that was
        # under way during a refresh cannot put the refused key back.
        self._seq = itertools.count()
        self._applied: dict[str, int] = {}
        self._unlock = client.register_script(_UNLOCK)

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        prefix: str = "baijiayun:",
        lock_timeout: float = 60.0,
        poll_interval: float = 0.05,
        **redis_options: Any,
    ) -> RedisKeyStore:
        """A store on a new client for ``url`` (``redis://``, ``rediss://``, ``unix://``)."""
        client = cls._client_from_url(url, redis_options)
        return cls(client, prefix=prefix, lock_timeout=lock_timeout, poll_interval=poll_interval)

    def _names(self, partner_id: str) -> tuple[str, str, str]:
        base = f"{self.prefix}partner_key:{{{partner_id}}}"
        return base, base + ":refreshed", base + ":lock"

    def _hold(self, seq: int, partner_id: str, key: str | None, ttl_ms: int | None) -> None:
        expires = None if ttl_ms is None else time.monotonic() + ttl_ms / 1000
        with self._local_lock:
            if seq < self._applied.get(partner_id, -1):
                return  # a newer value is held already
            self._applied[partner_id] = seq
            if key is None:
                self._local.pop(partner_id, None)
            else:
                self._local[partner_id] = (key, expires)

    # ---- KeyStore: get reads this process's copy only (no Redis on a call's path)
    def get(self, partner_id: str) -> str | None:
        item = self._local.get(partner_id)
        if item is None:
            return None
        key, expires = item
        if expires is not None and time.monotonic() >= expires:
            with self._local_lock:
                self._local.pop(partner_id, None)
            return None
        return key

    def set(self, partner_id: str, partner_key: str, ttl: float | None) -> None:
        self.write(partner_id, partner_key, ttl, refreshed=False)

    def delete(self, partner_id: str) -> None:
        names = self._names(partner_id)
        self._do("delete", lambda: self.redis.delete(*names[:2]))
        self._hold(next(self._seq), partner_id, None, None)

    # ---- SharedKeyStore
    def read(self, partner_id: str) -> KeyRecord | None:
        key_name, marker_name, _ = self._names(partner_id)

        def work() -> tuple[Any, Any, Any]:
            pipe = self.redis.pipeline(transaction=False)
            pipe.get(key_name).pttl(key_name).get(marker_name)
            key, ttl_ms, marker = pipe.execute()
            return key, ttl_ms, marker

        seq = next(self._seq)
        raw, ttl_ms, marker = self._do("read the partner key", work)
        if raw is None:
            self._hold(seq, partner_id, None, None)
            return None
        key = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
        ttl = ttl_ms if isinstance(ttl_ms, int) and ttl_ms > 0 else None
        self._hold(seq, partner_id, key, ttl)
        return KeyRecord(key, refreshed=marker is not None and marker == raw)

    def write(self, partner_id: str, partner_key: str, ttl: float | None, refreshed: bool) -> None:
        key_name, marker_name, _ = self._names(partner_id)
        ttl_ms = None if ttl is None else max(1, int(ttl * 1000))

        def work() -> None:
            pipe = self.redis.pipeline(transaction=True)
            pipe.set(key_name, partner_key, px=ttl_ms)
            if refreshed:  # "this key was confirmed just now": no other process refreshes it
                pipe.set(marker_name, partner_key, px=int(REFRESH_INTERVAL * 1000))
            pipe.execute()

        self._do("store the partner key", work)
        self._hold(next(self._seq), partner_id, partner_key, ttl_ms)

    def lock(self, partner_id: str) -> str | None:
        name = self._names(partner_id)[2]
        token = uuid.uuid4().hex
        ms = int(self.lock_timeout * 1000)
        taken = self._do("lock", lambda: self.redis.set(name, token, nx=True, px=ms))
        return token if taken else None

    def unlock(self, partner_id: str, token: str) -> None:
        name = self._names(partner_id)[2]
        self._do("unlock", lambda: self._unlock(keys=[name], args=[token]))

    async def aread(self, partner_id: str) -> KeyRecord | None:
        return await self._ado("read", lambda: self.read(partner_id))

    async def awrite(
        self, partner_id: str, partner_key: str, ttl: float | None, refreshed: bool
    ) -> None:
        await self._ado("write", lambda: self.write(partner_id, partner_key, ttl, refreshed))

    async def alock(self, partner_id: str) -> str | None:
        return await self._ado("lock", lambda: self.lock(partner_id))

    async def aunlock(self, partner_id: str, token: str) -> None:
        await self._ado("unlock", lambda: self.unlock(partner_id, token))


# --------------------------------------------------------------------------- callbacks
_CLAIM = """
local seen = redis.call('GET', KEYS[1])
if seen then
  if seen == 'done' then return 'done' end
  return 'busy'
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 'new'
"""


class RedisDedupStore(_RedisUser):
    """Callback ``qid`` values in Redis: a delivery is handled by one worker of many.

    >>> dedup = CallbackDeduplicator(RedisDedupStore.from_url("redis://cache:6379/0"))

    A worker claims a delivery (``SET NX`` with the claim's expiry, a token of
    its own as the value), then marks it done for the deduplicator's ``ttl``,
    or gives the claim back when its handler failed (only its own claim). A
    claim whose worker died expires, and the platform's next delivery is
    handled. The earlier ``add_if_absent``/``discard`` pair works too.
    """

    def __init__(self, client: redis.Redis, *, prefix: str = "baijiayun:") -> None:
        super().__init__(client, prefix)
        self._claim = client.register_script(_CLAIM)
        self._unclaim = client.register_script(_UNLOCK)

    @classmethod
    def from_url(
        cls, url: str, *, prefix: str = "baijiayun:", **redis_options: Any
    ) -> RedisDedupStore:
        return cls(cls._client_from_url(url, redis_options), prefix=prefix)

    def _name(self, qid: str) -> str:
        return f"{self.prefix}callback:{{{qid}}}"

    def add_if_absent(self, qid: str, ttl: float) -> bool:
        name, ms = self._name(qid), max(1, int(ttl * 1000))
        return bool(self._do("add", lambda: self.redis.set(name, "done", nx=True, px=ms)))

    def discard(self, qid: str) -> None:
        """Forget a handled ``qid``; a claim in progress is left to its worker."""
        name = self._name(qid)
        self._do("discard", lambda: self._unclaim(keys=[name], args=["done"]))

    def claim(self, qid: str, token: str, lease: float) -> str:
        name, ms = self._name(qid), max(1, int(lease * 1000))
        state = self._do("claim", lambda: self._claim(keys=[name], args=[token, ms]))
        return state.decode("ascii") if isinstance(state, bytes) else str(state)

    def finish(self, qid: str, token: str, ttl: float) -> None:
        name, ms = self._name(qid), max(1, int(ttl * 1000))
        self._do("finish", lambda: self.redis.set(name, "done", px=ms))

    def unclaim(self, qid: str, token: str) -> None:
        name = self._name(qid)
        self._do("unclaim", lambda: self._unclaim(keys=[name], args=[token]))


# --------------------------------------------------------------------------- rate limit
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


class RedisRateLimit(_RedisUser):
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
