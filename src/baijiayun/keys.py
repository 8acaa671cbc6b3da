"""Partner keys: where a client's partner_key comes from and where it is cached.

Most accounts copy the partner_key from the console and pass it to the client.
An account that only has its secret_key lets the client fetch the partner key
from ``/openapi/partner/createkey`` (``regenerate=0``: the current key, never a
new one unless asked). The fetched key is cached in a :class:`KeyStore` with an
expiry, fetched once even when many threads or tasks need it at the same
moment, and refreshed when the platform answers 1002 (bad signature): once for
every caller refused with the same key, and not again for
:data:`REFRESH_INTERVAL` seconds (a 1002 right after a refresh is not about
the key: the clock, most likely).

The store is pluggable: :class:`MemoryKeyStore` (per process) is the default;
any object with ``get``/``set``/``delete`` (see :class:`KeyStore`) can share
keys between processes. A :class:`SharedKeyStore` also makes the fetch
single-flight across processes: :class:`RedisKeyStore` (extra ``redis``)
is one, for many workers starting at once.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ._redis import UNLOCK_SCRIPT, RedisUser
from ._value import Value
from .errors import ConfigurationError

logger = logging.getLogger("baijiayun")

if TYPE_CHECKING:
    import asyncio

    import redis

__all__ = [
    "DEFAULT_KEY_TTL",
    "REFRESH_INTERVAL",
    "KeyRecord",
    "KeyStore",
    "MemoryKeyStore",
    "PartnerKeyProvider",
    "RedisKeyStore",
    "SharedKeyStore",
]

DEFAULT_KEY_TTL = 24 * 3600.0
"""Seconds a fetched partner key is trusted before it is fetched again."""

REFRESH_INTERVAL = 30.0
"""Seconds after a refresh during which a refused key is not fetched again."""


class KeyRecord(Value):
    """A partner key as a shared store holds it.

    ``refreshed``: fetched within the last :data:`REFRESH_INTERVAL` seconds to replace
    this same key after a 1002: the key is current, and a 1002 now is about something else.
    """

    __slots__ = ("key", "refreshed")

    def __init__(self, key: str, refreshed: bool = False) -> None:
        self.key, self.refreshed = key, refreshed

    def __repr__(self) -> str:  # never the key
        return f"KeyRecord(refreshed={self.refreshed})"


@runtime_checkable
class KeyStore(Protocol):
    """A cache of partner keys by partner id. Implementations must be thread-safe."""

    def get(self, partner_id: str) -> str | None:
        """The cached key, or None when absent or expired."""
        ...

    def set(self, partner_id: str, partner_key: str, ttl: float | None) -> None:
        """Cache ``partner_key`` for ``ttl`` seconds (None: no expiry)."""
        ...

    def delete(self, partner_id: str) -> None:
        """Forget the cached key."""
        ...


@runtime_checkable
class SharedKeyStore(KeyStore, Protocol):
    """A :class:`KeyStore` that many processes share and that can lock a fetch among them.

    :class:`PartnerKeyProvider` then fetches under the store's lock, after
    reading the store again: one ``createkey`` for every process. ``get`` may
    answer from this process's copy; ``read`` asks the shared store itself.
    The ``a`` methods are the same for async callers and must not block the
    event loop.
    """

    poll_interval: float
    """Seconds between looks at the store while another process holds the lock."""

    def read(self, partner_id: str) -> KeyRecord | None: ...

    def write(
        self, partner_id: str, partner_key: str, ttl: float | None, refreshed: bool
    ) -> None: ...

    def lock(self, partner_id: str) -> str | None:
        """A token when this caller now holds the fetch lock (it expires), else None."""
        ...

    def unlock(self, partner_id: str, token: str) -> None: ...

    async def aread(self, partner_id: str) -> KeyRecord | None: ...

    async def awrite(
        self, partner_id: str, partner_key: str, ttl: float | None, refreshed: bool
    ) -> None: ...

    async def alock(self, partner_id: str) -> str | None: ...

    async def aunlock(self, partner_id: str, token: str) -> None: ...


class MemoryKeyStore:
    """The default store: a dict in this process, with expiry."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._data: dict[str, tuple[str, float | None]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def get(self, partner_id: str) -> str | None:
        with self._lock:
            item = self._data.get(partner_id)
            if item is None:
                return None
            key, expires = item
            if expires is not None and self._clock() >= expires:
                del self._data[partner_id]
                return None
            return key

    def set(self, partner_id: str, partner_key: str, ttl: float | None) -> None:
        with self._lock:
            expires = None if ttl is None else self._clock() + ttl
            self._data[partner_id] = (partner_key, expires)

    def delete(self, partner_id: str) -> None:
        with self._lock:
            self._data.pop(partner_id, None)

    def __repr__(self) -> str:
        return f"MemoryKeyStore(entries={len(self._data)})"


class PartnerKeyProvider:
    """Hands the client its partner key: a fixed one, or one fetched and cached.

    ``fetched`` is True when the key comes from ``createkey``; only then can a
    signature error be cured by fetching it again.
    """

    def __init__(
        self,
        partner_id: str,
        *,
        partner_key: str | None = None,
        store: KeyStore | None = None,
        ttl: float | None = DEFAULT_KEY_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._partner_id = partner_id
        self._static = partner_key
        self._store: KeyStore = store if store is not None else MemoryKeyStore()
        self._shared = self._store if isinstance(self._store, SharedKeyStore) else None
        self._ttl = ttl
        self._clock = clock
        self._thread_lock = threading.Lock()
        self._async_locks: dict[int, asyncio.Lock] = {}
        self._last: str | None = None
        self._refreshed_at: float | None = None

    @property
    def static_key(self) -> str | None:
        """The key given at construction, if any (then nothing is ever fetched)."""
        return self._static

    @property
    def fetched(self) -> bool:
        return self._static is None

    def __repr__(self) -> str:
        source = "static" if self._static is not None else "fetched"
        return f"PartnerKeyProvider(partner_id={self._partner_id!r}, source={source})"

    def _cached(self, stale: str | None) -> str | None:
        key = self._store.get(self._partner_id)
        if key is not None and key != stale:
            self._last = key
            return key
        return None

    def _settled(self, stale: str | None) -> str | None:
        """For a refused key: the current one, without fetching, if a refresh was just made.

        Every caller refused with the same key shares one refresh; one that
        gets the refused key back knows the key is current (the 1002 was about
        something else) and raises instead of fetching again.
        """
        if stale is None or self._refreshed_at is None:
            return None
        if self._clock() - self._refreshed_at >= REFRESH_INTERVAL:
            return None
        return self._cached(None) or self._last or stale

    def _keep(self, key: str, stale: str | None) -> str:
        self._store.set(self._partner_id, key, self._ttl)
        return self._remember(key, stale)

    def _remember(self, key: str, stale: str | None) -> str:
        self._last = key
        if stale is not None:
            self._refreshed_at = self._clock()
        return key

    def _from_record(self, record: KeyRecord | None, stale: str | None) -> str | None:
        """The shared store's key, unless it is the refused one and was not just confirmed."""
        if record is None or (record.key == stale and not record.refreshed):
            return None
        self._last = record.key
        return record.key

    def known(self) -> str | None:
        """The key without fetching it: the static key, else the cached or last fetched one.

        For pure signing work (links, callback checks) that cannot wait for a
        fetch. The last fetched key stays usable after its cache entry expires:
        a partner key only changes when someone regenerates it.
        """
        if self._static is not None:
            return self._static
        return self._cached(None) or self._last

    def get(self, fetch: Callable[[], str], *, stale: str | None = None) -> str:
        """The key; ``stale`` is a key the platform refused, to be replaced.

        The answer may be ``stale`` itself: the key was refreshed moments ago
        and is current, so fetching it again would not help.
        """
        if self._static is not None:
            return self._static
        key = self._cached(stale) or self._settled(stale)
        if key is not None:
            return key
        with self._thread_lock:  # single flight: one fetch per process at a time
            key = self._cached(stale) or self._settled(stale)
            if key is not None:
                return key
            if self._shared is not None:
                return self._shared_get(self._shared, fetch, stale)
            return self._keep(fetch(), stale)

    def _shared_get(
        self, shared: SharedKeyStore, fetch: Callable[[], str], stale: str | None
    ) -> str:
        """Single flight across processes: read; else take the lock, read again, fetch, store."""
        pid = self._partner_id
        while True:
            key = self._from_record(shared.read(pid), stale)
            if key is not None:
                return key
            token = shared.lock(pid)
            if token is None:  # another process is fetching: look again shortly
                time.sleep(shared.poll_interval)
                continue
            try:
                key = self._from_record(shared.read(pid), stale)
                if key is not None:
                    return key
                key = fetch()
                shared.write(pid, key, self._ttl, stale is not None)
                return self._remember(key, stale)
            finally:
                shared.unlock(pid, token)

    async def aget(self, fetch: Callable[[], Awaitable[str]], *, stale: str | None = None) -> str:
        """Async twin of :meth:`get`: one fetch per event loop at a time."""
        if self._static is not None:
            return self._static
        key = self._cached(stale) or self._settled(stale)
        if key is not None:
            return key
        import asyncio  # imported here: a sync program never needs it

        loop_id = id(asyncio.get_running_loop())
        lock = self._async_locks.get(loop_id)
        if lock is None:
            lock = self._async_locks.setdefault(loop_id, asyncio.Lock())
        async with lock:
            key = self._cached(stale) or self._settled(stale)
            if key is not None:
                return key
            if self._shared is not None:
                return await self._ashared_get(self._shared, fetch, stale)
            return self._keep(await fetch(), stale)

    async def _ashared_get(
        self, shared: SharedKeyStore, fetch: Callable[[], Awaitable[str]], stale: str | None
    ) -> str:
        """Async twin of :meth:`_shared_get` (the store's ``a`` methods, ``asyncio.sleep``)."""
        import asyncio

        pid = self._partner_id
        while True:
            key = self._from_record(await shared.aread(pid), stale)
            if key is not None:
                return key
            token = await shared.alock(pid)
            if token is None:
                await asyncio.sleep(shared.poll_interval)
                continue
            try:
                key = self._from_record(await shared.aread(pid), stale)
                if key is not None:
                    return key
                key = await fetch()
                await shared.awrite(pid, key, self._ttl, stale is not None)
                return self._remember(key, stale)
            finally:
                await shared.aunlock(pid, token)


# --------------------------------------------------------------------------- Redis
_UNREADABLE: Any = object()


def _readable_key(raw: object) -> str | None:
    """A stored partner key as text; None (missing) when it is absent or unusable.

    A value that is not UTF-8 text (someone wrote bytes by hand, another program
    shares the prefix) cannot be a partner key: it is treated as missing, so the
    key is fetched again and written over it. The value itself is never logged.
    """
    if raw is None:
        return None
    try:
        key = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        key = None
    if not isinstance(key, str) or not key:
        logger.warning("the partner key stored in Redis is not UTF-8 text: fetching a new one")
        return None
    return key


class RedisKeyStore(RedisUser):
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

    A stored value that is not UTF-8 text (or is empty) is treated as missing:
    the key is fetched again and written over it, and a warning is logged
    (without the value). It never escapes as ``UnicodeDecodeError``.
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
        self._unlock = client.register_script(UNLOCK_SCRIPT)

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
        try:
            raw, ttl_ms, marker = self._do("read the partner key", work)
        except UnicodeDecodeError:  # a client with decode_responses=True decodes it itself
            raw = ttl_ms = marker = _UNREADABLE
        key = _readable_key(raw)
        if key is None:
            self._hold(seq, partner_id, None, None)
            return None
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
        import uuid

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
