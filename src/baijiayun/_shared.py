"""What the clients and the stores that many workers share agree on.

The facts :mod:`baijiayun.keys` and :mod:`baijiayun.limits` define for every
store, kept below both and below the Redis stores (:mod:`baijiayun._redis`)
that those modules offer: a partner key as a shared store holds it, and a
rate-limit slot. Import them from ``baijiayun.keys`` and ``baijiayun.limits``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from .errors import ConfigurationError

__all__ = ["REFRESH_INTERVAL", "KeyRecord", "Limiter", "Permit", "check_rate"]

REFRESH_INTERVAL = 30.0
"""Seconds after a refresh during which a refused key is not fetched again."""


@dataclass(frozen=True)
class KeyRecord:
    """A partner key as a shared store holds it."""

    key: str
    refreshed: bool = False
    """Fetched within the last :data:`REFRESH_INTERVAL` seconds to replace this same key
    after a 1002: the key is current, and a 1002 now is about something else."""

    def __repr__(self) -> str:  # never the key
        return f"KeyRecord(refreshed={self.refreshed})"


@dataclass(frozen=True, slots=True)
class Permit:
    """A slot taken from ``limiter`` for one attempt; give it back with ``limiter.release``."""

    limiter: Limiter = field(repr=False)
    key: str
    ticket: str


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
