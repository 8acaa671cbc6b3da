"""What the Redis stores share (extra ``redis``): a client, a key prefix, one error type.

Each store lives beside its concept and is built on :class:`RedisUser`:

* :class:`~baijiayun.keys.RedisKeyStore`: the partner key, fetched once for
  every process; a fetch or a refresh after a 1002 is single-flight across them.
* :class:`~baijiayun.callbacks.RedisDedupStore`: a callback delivered to
  several workers is handled once.
* :class:`~baijiayun.limits.RedisRateLimit`: every worker together stays
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

Importing this module imports neither redis-py nor asyncio: a program that
never builds a Redis store pays for neither.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import ConfigurationError, StoreError

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

    import redis

__all__ = ["CONNECT_TIMEOUT", "UNLOCK_SCRIPT", "RedisUser"]

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
        from concurrent.futures import ThreadPoolExecutor

        with _EXECUTOR_LOCK:
            if _EXECUTOR is None or _EXECUTOR[0] != pid:
                pool = ThreadPoolExecutor(8, thread_name_prefix="baijiayun-redis")
                _EXECUTOR = (pid, pool)
    return _EXECUTOR[1]


UNLOCK_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# UNLOCK_SCRIPT deletes KEYS[1] only while it still holds ARGV[1] (a lock or claim of one's own).


class RedisUser:
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
        import asyncio  # imported here: a sync program never needs it

        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(_executor(), functools.partial(self._do, what, work))

    def close(self) -> None:
        """Close the Redis client's connections (also those of a client you passed in)."""
        self.redis.close()

    def __repr__(self) -> str:  # never the URL: it may hold a password
        return f"{type(self).__name__}(prefix={self.prefix!r})"
