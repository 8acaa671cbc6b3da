"""Verify a delivery (docs/protocol.md §6): its fields, its sign, its timestamp; and the answers.

A delivery carries ``qid``, ``timestamp`` and ``sign``: the MD5 sign of every
other field under your partner key (§2). :func:`verify_callback` checks them
and returns the fields; :func:`sign_callback` builds valid ones for tests.
"""

from __future__ import annotations

import datetime as _dt
import re
import time
from collections.abc import Iterable, Mapping
from typing import Any

from .._signing import SIGN, TIMESTAMP_TOLERANCE, encode_value, sign, signs_equal
from ..errors import CallbackSignatureError, ConfigurationError

__all__ = [
    "DEFAULT_TOLERANCE",
    "MAX_CHARS",
    "MAX_FIELDS",
    "SIGN",
    "SUCCESS_BODY",
    "TIMESTAMP",
    "callback_fields",
    "failure_body",
    "sign_callback",
    "verify_callback",
]

TIMESTAMP = "timestamp"
DEFAULT_TOLERANCE = TIMESTAMP_TOLERANCE
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


def check_key(partner_key: object) -> str:
    """The partner key a callback is verified with: non-empty text (else ConfigurationError)."""
    if not isinstance(partner_key, str) or not partner_key:
        raise ConfigurationError("a partner_key (non-empty text) is needed to verify callbacks")
    try:
        partner_key.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigurationError("the partner_key holds a lone surrogate: not UTF-8") from None
    return partner_key


def check_tolerance(tolerance: object) -> float | None:
    """A timestamp window in seconds (>= 0), or None for no window (else ConfigurationError)."""
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
    key = check_key(partner_key)
    window = check_tolerance(tolerance)
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
    key = check_key(partner_key)
    out = {str(k): encode_value(v) for k, v in fields.items() if k != SIGN and v is not None}
    if isinstance(timestamp, _dt.datetime):
        out[TIMESTAMP] = str(int(timestamp.timestamp()))
    elif timestamp is not None:
        out[TIMESTAMP] = str(int(timestamp))
    elif TIMESTAMP not in out:
        out[TIMESTAMP] = str(int(time.time()))
    out[SIGN] = sign(out, key)
    return out
