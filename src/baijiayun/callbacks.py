"""Platform callbacks (docs/protocol.md §6): verify, parse into typed events, drop repeats, answer.

The platform POSTs form fields (all text) to your URL: class events (set with
``client.live_account.set_class_callback_url``) and transcode results of
videos and playbacks (``client.video_account.set_transcode_callback_url``).
Each delivery carries ``qid`` (unique per delivery), ``timestamp`` and
``sign``: the MD5 sign of every other field under your partner key (§2).

>>> fields = verify_callback(request.form, PARTNER_KEY)   # or client.verify_callback(...)
>>> event = parse_callback(fields)
>>> if dedup.is_new(event):
...     handle(event)
>>> return SUCCESS_BODY                                 # {"code": 0, "msg": ""}

Ready receivers for Starlette/FastAPI, Flask and Django are in
:mod:`baijiayun.receivers`. :func:`sign_callback` builds valid callbacks for
your tests.
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Annotated, Any, Protocol, runtime_checkable

from pydantic import BaseModel, BeforeValidator, ConfigDict, PrivateAttr

from ._config import CALLBACK_TOLERANCE
from ._signing import encode_value, sign, signs_equal
from ._wire import BEIJING
from .errors import CallbackSignatureError, ConfigurationError

if TYPE_CHECKING:
    from ._redis import RedisDedupStore

__all__ = [
    "DEFAULT_CLAIM_TTL",
    "DEFAULT_DEDUP_TTL",
    "DEFAULT_TOLERANCE",
    "SUCCESS_BODY",
    "CallbackDeduplicator",
    "CallbackEvent",
    "Claim",
    "ClassEnded",
    "ClassEvent",
    "ClassStarted",
    "DedupStore",
    "MemoryDedupStore",
    "PlaybackEvent",
    "PlaybackFailed",
    "PlaybackGenerating",
    "PlaybackReady",
    "RedisDedupStore",
    "TranscodeEvent",
    "UnknownEvent",
    "VideoEvent",
    "VideoFailed",
    "VideoTranscoded",
    "VideoUploaded",
    "callback_fields",
    "check_qid",
    "failure_body",
    "parse_callback",
    "sign_callback",
    "verify_callback",
]

SIGN = "sign"
TIMESTAMP = "timestamp"
DEFAULT_TOLERANCE = CALLBACK_TOLERANCE
"""Seconds a callback's ``timestamp`` (and ``qid``) may differ from now (either way)."""
MAX_FIELDS = 1000
MAX_CHARS = 1 << 20
"""A delivery with more fields or text than this is rejected as ``malformed``."""

SUCCESS_BODY: dict[str, Any] = {"code": 0, "msg": ""}
"""The answer that tells the platform the callback was handled."""


def failure_body(msg: str = "error") -> dict[str, Any]:
    """An answer that tells the platform the callback failed (it may deliver it again).

    Keep ``msg`` short and generic: say nothing about why a sign was refused.
    """
    return {"code": 1, "msg": msg}


# --------------------------------------------------------------------------- verification
def _malformed(detail: str) -> CallbackSignatureError:
    return CallbackSignatureError("malformed", detail)


def _pairs(fields: object) -> Iterable[tuple[object, object]]:
    """(key, value) pairs of a mapping, a multi-dict (every value) or a list of pairs."""
    if fields is None or isinstance(fields, (str, bytes, bytearray)):
        raise _malformed("fields must be a mapping")
    multi_items = getattr(fields, "multi_items", None)  # Starlette FormData
    if callable(multi_items):
        return multi_items()  # type: ignore[no-any-return]
    lists = getattr(fields, "lists", None)  # Django QueryDict, werkzeug MultiDict
    if callable(lists):
        return ((key, values) for key, values in lists())
    if isinstance(fields, Mapping):
        return fields.items()
    if isinstance(fields, (list, tuple)):
        if not all(isinstance(p, tuple) and len(p) == 2 for p in fields):
            raise _malformed("a list of fields must hold (key, value) pairs")
        return fields
    raise _malformed("fields must be a mapping")


def _text(value: object) -> str:
    """``value`` as a plain ``str`` (str subclasses are copied, never trusted)."""
    if not isinstance(value, str):
        raise _malformed("keys and values must be text")
    if str.__len__(value) > MAX_CHARS:
        raise _malformed("too much text")
    try:
        return str.encode(value, "utf-8").decode("utf-8")
    except UnicodeEncodeError:
        raise _malformed("text is not valid UTF-8") from None


def callback_fields(fields: object) -> dict[str, str]:
    """The received fields as one text value per key.

    Takes a mapping of text, a multi-dict (Django ``QueryDict``, Starlette
    ``FormData``, werkzeug ``MultiDict``: every value of a key is read, not
    just the last), a mapping whose values are lists of text (``parse_qs``), or
    a list of ``(key, value)`` pairs. A key given more than once must hold the
    same value each time. Raises :class:`CallbackSignatureError` with reason
    ``malformed`` on anything else, whatever the object does.
    """
    try:
        return _collect(fields)
    except CallbackSignatureError:
        raise
    except Exception:  # a hostile or broken object (raising __iter__, items, ...)
        raise _malformed("fields could not be read") from None


def _collect(fields: object) -> dict[str, str]:
    out: dict[str, str] = {}
    count = size = 0
    for key, value in _pairs(fields):
        name = _text(key)
        values = value if isinstance(value, (list, tuple)) else (value,)
        for item in values:
            text = _text(item)
            count += 1
            size += len(name) + len(text)
            if count > MAX_FIELDS or size > MAX_CHARS:
                raise _malformed("too many fields or too much text")
            previous = out.get(name)
            if previous is not None and previous != text:
                raise _malformed("a field is given twice with different values")
            out[name] = text
    return out


_TIMESTAMP_RE = re.compile(r"[0-9]{1,12}\Z")


def _check_key(partner_key: object) -> str:
    if not isinstance(partner_key, str) or not partner_key:
        raise ConfigurationError("a partner_key (non-empty text) is needed to verify callbacks")
    try:
        partner_key.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigurationError("the partner_key holds a lone surrogate: not UTF-8") from None
    return partner_key


def _check_tolerance(tolerance: object) -> float | None:
    if tolerance is None:
        return None
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or tolerance < 0:
        raise ConfigurationError("tolerance must be a number of seconds >= 0, or None")
    return float(tolerance)


def verify_callback(
    fields: object,
    partner_key: str,
    tolerance: float | None = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> dict[str, str]:
    """Check a callback's sign and timestamp; return its fields (without ``sign``).

    The sign is recomputed over every received field but ``sign`` (§2) and
    compared in constant time; then ``timestamp`` must be within
    ``tolerance`` seconds of ``now`` (default: the clock; ``tolerance=None``
    skips this check). The sign is checked first, so a forged timestamp is
    reported as a mismatch.

    Raises:
        CallbackSignatureError: on any received input that fails, and never
            anything else; ``reason`` is ``malformed``, ``missing_sign``,
            ``mismatch``, ``missing_timestamp``, ``malformed_timestamp``,
            ``stale`` or ``future``.
        ConfigurationError: ``partner_key`` or ``tolerance`` is unusable (your
            settings, not the callback).
    """
    key = _check_key(partner_key)
    window = _check_tolerance(tolerance)
    received = callback_fields(fields)  # plain str from here on
    given = received.pop(SIGN, None)
    if not given:
        raise CallbackSignatureError("missing_sign")
    if not signs_equal(sign(received, key), given):
        raise CallbackSignatureError("mismatch")
    if window is not None:
        _check_window(received.get(TIMESTAMP), window, now)
    return received


def _check_window(stamp: str | None, window: float, now: float | None) -> None:
    if not stamp:
        raise CallbackSignatureError("missing_timestamp")
    if not _TIMESTAMP_RE.match(stamp):
        raise CallbackSignatureError("malformed_timestamp")
    drift = int(stamp) - (time.time() if now is None else now)
    if drift < -window:
        raise CallbackSignatureError("stale")
    if drift > window:
        raise CallbackSignatureError("future")


def sign_callback(
    fields: Mapping[str, Any],
    partner_key: str,
    timestamp: int | float | _dt.datetime | None = None,
) -> dict[str, str]:
    """The fields as the platform would send them: text values, ``timestamp`` and ``sign``.

    Values are encoded like request values (ints as decimal, ...; ``None`` is
    left out). ``timestamp`` (unix seconds or an aware datetime) replaces the
    fields' own; without it a missing ``timestamp`` is set to now. For your
    tests: ``verify_callback(sign_callback(fields, key), key)`` passes.
    """
    key = _check_key(partner_key)
    out = {str(k): encode_value(v) for k, v in fields.items() if k != SIGN and v is not None}
    if isinstance(timestamp, _dt.datetime):
        out[TIMESTAMP] = str(int(timestamp.timestamp()))
    elif timestamp is not None:
        out[TIMESTAMP] = str(int(timestamp))
    elif TIMESTAMP not in out:
        out[TIMESTAMP] = str(int(time.time()))
    out[SIGN] = sign(out, key)
    return out


# --------------------------------------------------------------------------- events
_INT_RE = re.compile(r"[+-]?[0-9]+\Z")
_NUMBER_RE = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")


def _lenient_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT_RE.match(value.strip()):
        return int(value.strip())
    return None


def _lenient_number(value: Any) -> int | float | None:
    number = _lenient_int(value)
    if number is not None:
        return number
    if isinstance(value, float):
        return value
    if isinstance(value, str) and _NUMBER_RE.match(value.strip()):
        parsed = float(value.strip())
        return parsed if parsed not in (float("inf"), float("-inf")) else None
    return None


def _beijing_time(value: Any) -> _dt.datetime | None:
    """``YYYY-MM-DD HH:MM:SS`` (Beijing time) or unix seconds, as an aware datetime."""
    if isinstance(value, _dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=BEIJING)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _INT_RE.match(text):
        return _utc_time(text, BEIJING)
    try:
        return _dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
    except ValueError:
        return None


def _utc_time(value: Any, tz: _dt.tzinfo = _dt.timezone.utc) -> _dt.datetime | None:
    if isinstance(value, _dt.datetime):
        return value
    seconds = _lenient_int(value)
    if seconds is None:
        return None
    try:
        return _dt.datetime.fromtimestamp(seconds, tz=tz)
    except (OverflowError, OSError, ValueError):
        return None


LenientInt = Annotated[int | None, BeforeValidator(_lenient_int)]
IdText = Annotated[str | None, BeforeValidator(lambda v: None if v in (None, "") else str(v))]
"""Room and session ids stay text, as in the result models (``RoomCreated.room_id``)."""
LenientNumber = Annotated[int | float | None, BeforeValidator(_lenient_number)]
BeijingTime = Annotated[_dt.datetime | None, BeforeValidator(_beijing_time)]
UtcTime = Annotated[_dt.datetime | None, BeforeValidator(_utc_time)]


class CallbackEvent(BaseModel):
    """A callback's fields, typed where known; every field is kept.

    Numeric fields that do not parse are ``None`` (their text stays in
    :attr:`raw`). Unknown fields are attributes too (``event.model_extra``).
    """

    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True, defer_build=True)

    qid: str | None = None
    """Unique per delivery: use it to drop duplicates."""
    timestamp: UtcTime = None
    """When the platform sent it (aware, UTC)."""

    _raw: dict[str, str] = PrivateAttr(default_factory=dict)

    @property
    def raw(self) -> dict[str, str]:
        """Every received field as text (``sign`` excluded)."""
        return dict(self._raw)


class UnknownEvent(CallbackEvent):
    """A callback of a shape this SDK does not know; read its fields from :attr:`raw`."""


class ClassEvent(CallbackEvent):
    """A class event. ``op``: ``start``, ``end``, also ``teacher_in``, ``teacher_out``,
    ``forbidden``, ``stat``."""

    room_id: IdText = None
    op: str = ""
    op_time: BeijingTime = None
    """When it happened (aware, Asia/Shanghai)."""


class ClassStarted(ClassEvent):
    """``op=start``: the class began."""


class ClassEnded(ClassEvent):
    """``op=end``: the class ended."""


class TranscodeEvent(CallbackEvent):
    """A transcode result (VOD or playback; both use the transcode callback URL)."""

    video_id: LenientInt = None
    status: LenientInt = None
    preface_url: str | None = None
    total_size: LenientInt = None
    total_transcode_size: LenientInt = None
    length: LenientNumber = None
    """Duration in seconds."""
    file_md5: str | None = None
    now_definition: str | None = None
    origin_definition: str | None = None
    version: LenientInt = None
    """The cropped playback's version (absent when the playback was not cropped).
    Source: https://api.eshikao.com/Help/Api/POST-version-Course-PPLiveTranscodeCallbackUrl"""
    content: str | None = None
    """Sent empty in a stored delivery (code index id 41985710481, 2018-04)."""


class VideoEvent(TranscodeEvent):
    """A VOD video's transcode result (``status`` 20 uploaded, 30 failed, 100 ready)."""


class VideoUploaded(VideoEvent):
    """``status=20``: uploaded, transcoding."""


class VideoFailed(VideoEvent):
    """``status=30``: transcoding failed."""


class VideoTranscoded(VideoEvent):
    """``status=100``: transcoded, ready to play."""


class PlaybackEvent(TranscodeEvent):
    """A playback's generation result (``status`` 20 generating, 30 failed, 100 ready)."""

    room_id: IdText = None
    session_id: IdText = None


class PlaybackGenerating(PlaybackEvent):
    """``status=20``: the playback is being generated."""


class PlaybackFailed(PlaybackEvent):
    """``status=30``: generating the playback failed."""


class PlaybackReady(PlaybackEvent):
    """``status=100``: the playback is ready."""


_CLASS_OPS: dict[str, type[ClassEvent]] = {"start": ClassStarted, "end": ClassEnded}
_VIDEO_STATUS: dict[int | None, type[VideoEvent]] = {
    20: VideoUploaded,
    30: VideoFailed,
    100: VideoTranscoded,
}
_PLAYBACK_STATUS: dict[int | None, type[PlaybackEvent]] = {
    20: PlaybackGenerating,
    30: PlaybackFailed,
    100: PlaybackReady,
}


def event_type(fields: Mapping[str, str]) -> type[CallbackEvent]:
    """The event class for a callback's fields.

    Fields with ``op`` are class events (an unknown ``op`` gives a plain
    :class:`ClassEvent`); fields with ``status`` and ``video_id`` or
    ``room_id`` are transcode results — of a playback when ``room_id`` is set,
    else of a video (an unknown ``status`` gives :class:`PlaybackEvent` or
    :class:`VideoEvent`); anything else is an :class:`UnknownEvent`.
    """
    if "op" in fields:
        return _CLASS_OPS.get(fields["op"], ClassEvent)
    if "status" in fields and ("video_id" in fields or "room_id" in fields):
        status = _lenient_int(fields["status"])
        if fields.get("room_id", "") not in ("", "0"):
            return _PLAYBACK_STATUS.get(status, PlaybackEvent)
        return _VIDEO_STATUS.get(status, VideoEvent)
    return UnknownEvent


def parse_callback(fields: object) -> CallbackEvent:
    """The typed event of a callback's fields (pass :func:`verify_callback`'s result).

    This does not verify anything. ``fields`` is read like
    :func:`callback_fields` (``sign`` is dropped); a mapping that cannot be
    read raises :class:`CallbackSignatureError` (``malformed``).
    """
    data = callback_fields(fields)
    data.pop(SIGN, None)
    try:
        event = event_type(data).model_validate(data)
    except Exception:  # a field name pydantic cannot hold: keep everything in raw
        event = UnknownEvent.model_validate({k: data[k] for k in ("qid", TIMESTAMP) if k in data})
    event._raw = data
    return event


# --------------------------------------------------------------------------- duplicates
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
        self.tolerance = _check_tolerance(tolerance)
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


def __getattr__(name: str) -> Any:
    if name == "RedisDedupStore":  # needs the redis extra: imported on first use
        from ._redis import RedisDedupStore

        return RedisDedupStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
