"""Repeated deliveries dropped by ``qid``: in this process, or across workers through Redis.

The platform delivers a callback again when it saw an attempt fail.
:class:`CallbackDeduplicator` claims each delivery in a :class:`DedupStore`
(:class:`MemoryDedupStore` per process, :class:`RedisDedupStore` for many
workers, extra ``redis``) so that one worker handles it once.
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from .._redis import UNLOCK_SCRIPT, RedisUser
from .._wire import BEIJING
from ..errors import CallbackSignatureError
from .events import CallbackEvent
from .verify import DEFAULT_TOLERANCE, check_tolerance

if TYPE_CHECKING:
    import redis

__all__ = [
    "DEFAULT_CLAIM_TTL",
    "DEFAULT_DEDUP_TTL",
    "CallbackDeduplicator",
    "Claim",
    "DedupStore",
    "MemoryDedupStore",
    "RedisDedupStore",
    "check_qid",
]

DEFAULT_DEDUP_TTL = 3 * 24 * 3600.0
"""Seconds a ``qid`` is remembered."""
DEFAULT_CLAIM_TTL = 300.0
"""Seconds a claimed delivery stays claimed when its worker neither finishes nor releases it
(it died): then the platform's next delivery is handled."""


class Claim(str, enum.Enum):
    """What :meth:`CallbackDeduplicator.claim` found."""

    NEW = "new"
    """First seen: handle it, then :meth:`~CallbackDeduplicator.done` (or
    :meth:`~CallbackDeduplicator.release` when handling failed)."""
    BUSY = "busy"
    """Another worker is handling it now: answer a failure, the platform delivers again."""
    DONE = "done"
    """Handled already: answer success and do nothing."""


@runtime_checkable
class DedupStore(Protocol):
    """Where seen ``qid`` values are remembered. Implementations must be thread-safe.

    A store may also define ``discard(qid)``: then a delivery whose handler
    failed is forgotten, and the platform's next attempt is handled. With
    Redis: ``add_if_absent`` is ``SET key 1 NX EX ttl``, ``discard`` is ``DEL``.

    A store that defines ``claim(qid, token, lease) -> "new" | "busy" | "done"``,
    ``finish(qid, token, ttl)`` and ``unclaim(qid, token)`` tells a delivery
    being handled from one handled already (:class:`MemoryDedupStore` and
    :class:`~baijiayun.callbacks.RedisDedupStore` do).
    """

    def add_if_absent(self, qid: str, ttl: float) -> bool:
        """Remember ``qid`` for ``ttl`` seconds; False when it was already remembered."""
        ...


class MemoryDedupStore:
    """The default store: this process's memory, with expiry and at most ``max_size`` entries."""

    def __init__(self, max_size: int = 100_000, clock: Callable[[], float] = time.monotonic):
        if max_size < 1:
            raise ValueError("max_size must be >= 1")
        self._max_size = max_size
        self._clock = clock
        self._expiry: OrderedDict[str, float] = OrderedDict()
        self._claims: dict[str, str] = {}  # qid -> token, while it is being handled
        self._lock = threading.Lock()

    def add_if_absent(self, qid: str, ttl: float) -> bool:
        return self.claim(qid, None, ttl) == "new"

    def claim(self, qid: str, token: str | None, lease: float) -> str:
        """``new`` (now claimed for ``lease`` seconds), ``busy`` (claimed) or ``done``."""
        now = self._clock()
        with self._lock:
            expires = self._expiry.get(qid)
            if expires is not None and expires > now:
                return "busy" if qid in self._claims else "done"
            self._claims.pop(qid, None)
            while self._expiry:  # oldest first: drop the expired ones
                oldest, when = next(iter(self._expiry.items()))
                if when > now:
                    break
                del self._expiry[oldest]
                self._claims.pop(oldest, None)
            self._remember(qid, now + lease)
            if token is not None:
                self._claims[qid] = token
            return "new"

    def finish(self, qid: str, token: str, ttl: float) -> None:
        with self._lock:
            self._claims.pop(qid, None)
            self._remember(qid, self._clock() + ttl)

    def unclaim(self, qid: str, token: str) -> None:
        with self._lock:
            if self._claims.get(qid) == token:
                del self._claims[qid]
                self._expiry.pop(qid, None)

    def _remember(self, qid: str, expires: float) -> None:
        self._expiry[qid] = expires
        self._expiry.move_to_end(qid)
        while len(self._expiry) > self._max_size:
            oldest, _ = self._expiry.popitem(last=False)
            self._claims.pop(oldest, None)

    def discard(self, qid: str) -> None:
        """Forget a handled ``qid``; a claim in progress is left to its owner."""
        with self._lock:
            if qid not in self._claims:
                self._expiry.pop(qid, None)

    def __len__(self) -> int:
        return len(self._expiry)

    def __repr__(self) -> str:
        return f"MemoryDedupStore(entries={len(self)}, max_size={self._max_size})"


def _qid_of(item: CallbackEvent | Mapping[str, Any] | str | None) -> str | None:
    if isinstance(item, CallbackEvent):
        return item.qid
    if isinstance(item, Mapping):
        qid = item.get("qid")
        return qid if isinstance(qid, str) else None
    return item if isinstance(item, str) else None


_QID_RE = re.compile(r"[0-9]{24}\Z")


def check_qid(
    qid: object, tolerance: float | None = DEFAULT_TOLERANCE, now: float | None = None
) -> str:
    """A delivery's ``qid``: 24 digits, Beijing time ``yyyyMMddHHmmss`` and 10 more.

    Its time must be within ``tolerance`` seconds of ``now`` (default: the
    clock; ``None`` skips this check). Raises :class:`CallbackSignatureError`
    (``missing_qid``, ``malformed_qid``, ``stale_qid``, ``future_qid``).

    The sign cannot tell where one field ends and the next begins
    (``a=1&qid=…`` signs like ``a="1&qid=…"``), so a captured delivery can be
    re-sent with its ``qid`` moved into another value: a well-formed ``qid``
    is what keeps such a copy from passing as a new delivery.
    """
    if not qid:
        raise CallbackSignatureError("missing_qid")
    if not isinstance(qid, str) or not _QID_RE.match(qid):
        raise CallbackSignatureError("malformed_qid")
    try:
        sent = _dt.datetime.strptime(qid[:14], "%Y%m%d%H%M%S").replace(tzinfo=BEIJING)
    except ValueError:
        raise CallbackSignatureError("malformed_qid") from None
    if tolerance is not None:
        drift = sent.timestamp() - (time.time() if now is None else now)
        if drift < -tolerance:
            raise CallbackSignatureError("stale_qid")
        if drift > tolerance:
            raise CallbackSignatureError("future_qid")
    return qid


class CallbackDeduplicator:
    """Drops repeated deliveries by ``qid`` (the platform repeats a callback it saw fail).

    >>> dedup = CallbackDeduplicator()      # or CallbackDeduplicator(RedisDedupStore.from_url(...))
    >>> if dedup.is_new(event):
    ...     handle(event)

    With several workers, or a handler that may fail, claim the delivery instead
    (the ready-made receivers do):

    >>> state = dedup.claim(event)          # Claim.NEW, Claim.BUSY or Claim.DONE
    >>> if state is Claim.NEW:
    ...     try:
    ...         handle(event)
    ...     except Exception:
    ...         dedup.release(event)        # the platform's next delivery is handled
    ...         raise
    ...     dedup.done(event)               # repeats are dropped for ``ttl`` seconds

    A claim lasts ``claim_ttl`` seconds unless done or released (its worker
    died): then the next delivery is handled.

    Only a well-formed ``qid`` is accepted (see :func:`check_qid`): 24 digits
    whose Beijing time is within ``tolerance`` seconds of the clock (the same
    window as :func:`verify_callback`'s; ``None`` checks the form only). A
    delivery without one raises :class:`CallbackSignatureError`: refuse it.
    """

    def __init__(
        self,
        store: DedupStore | None = None,
        ttl: float = DEFAULT_DEDUP_TTL,
        tolerance: float | None = DEFAULT_TOLERANCE,
        clock: Callable[[], float] = time.time,
        claim_ttl: float = DEFAULT_CLAIM_TTL,
    ) -> None:
        self.store: DedupStore = store if store is not None else MemoryDedupStore()
        self.ttl = ttl
        self.claim_ttl = claim_ttl
        self.tolerance = check_tolerance(tolerance)
        self._clock = clock
        self._tokens: OrderedDict[str, str] = OrderedDict()  # qid -> token of our claims
        self._lock = threading.Lock()

    def is_new(self, item: CallbackEvent | Mapping[str, Any] | str | None) -> bool:
        """Whether this delivery (an event, its fields or its qid) is seen for the first time.

        Raises :class:`CallbackSignatureError` when it has no well-formed ``qid``.
        """
        qid = check_qid(_qid_of(item), self.tolerance, self._clock())
        return self.store.add_if_absent(qid, self.ttl)

    def claim(self, item: CallbackEvent | Mapping[str, Any] | str | None) -> Claim:
        """Claim this delivery for handling here: :class:`Claim` says what was found.

        A store without claims (only ``add_if_absent``) answers NEW or DONE.
        Raises :class:`CallbackSignatureError` when it has no well-formed ``qid``.
        """
        qid = check_qid(_qid_of(item), self.tolerance, self._clock())
        claim = getattr(self.store, "claim", None)
        if not callable(claim):
            return Claim.NEW if self.store.add_if_absent(qid, self.ttl) else Claim.DONE
        token = uuid.uuid4().hex
        state = Claim(claim(qid, token, self.claim_ttl))
        if state is Claim.NEW:
            with self._lock:
                self._tokens[qid] = token
                while len(self._tokens) > 10_000:  # claims never done nor released
                    self._tokens.popitem(last=False)
        return state

    def _token(self, qid: str) -> str | None:
        with self._lock:
            return self._tokens.pop(qid, None)

    def done(self, item: CallbackEvent | Mapping[str, Any] | str | None) -> None:
        """Mark a claimed delivery handled: repeats are dropped for ``ttl`` seconds."""
        qid = _qid_of(item)
        token = self._token(qid) if qid else None
        finish = getattr(self.store, "finish", None)
        if qid and token is not None and callable(finish):
            finish(qid, token, self.ttl)

    def release(self, item: CallbackEvent | Mapping[str, Any] | str | None) -> None:
        """Forget a delivery whose handling failed, so a repeat is handled (if the store can).

        A claim is given back only if it is still this deduplicator's; another
        worker's claim in progress is never touched.
        """
        qid = _qid_of(item)
        if not qid:
            return
        token = self._token(qid)
        unclaim = getattr(self.store, "unclaim", None)
        if token is not None and callable(unclaim):
            unclaim(qid, token)
            return
        discard = getattr(self.store, "discard", None)
        if callable(discard):
            discard(qid)

    def __repr__(self) -> str:
        return f"CallbackDeduplicator(store={self.store!r}, ttl={self.ttl})"


# --------------------------------------------------------------------------- Redis
_CLAIM = """
local seen = redis.call('GET', KEYS[1])
if seen then
  if seen == 'done' then return 'done' end
  return 'busy'
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 'new'
"""


class RedisDedupStore(RedisUser):
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
        self._unclaim = client.register_script(UNLOCK_SCRIPT)

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
