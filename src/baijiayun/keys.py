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

import threading
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ._shared import REFRESH_INTERVAL, KeyRecord

if TYPE_CHECKING:
    import asyncio

    from ._redis import RedisKeyStore

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


def __getattr__(name: str) -> Any:
    if name == "RedisKeyStore":  # needs the redis extra: imported on first use
        from ._redis import RedisKeyStore

        return RedisKeyStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
