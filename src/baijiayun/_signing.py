"""Canonical value encoding and the platform's MD5 signature (docs/protocol.md §2).

Everything here is pure: no I/O, no clock. The same functions sign API requests,
enter-classroom links and callbacks, and verify them in the sandbox and in
callback receivers, so there is exactly one definition of "what is signed".
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
from collections.abc import Iterable, Mapping
from operator import itemgetter
from typing import Any

__all__ = [
    "SIGN",
    "TIMESTAMP_TOLERANCE",
    "canonical_string",
    "encode_value",
    "sign",
    "signs_equal",
]

SIGN = "sign"
"""The field that carries a request's, a link's or a callback's signature."""
TIMESTAMP_TOLERANCE = 300
"""Seconds a signed ``timestamp`` may differ from the receiver's clock, either way: the
platform's window for requests, and the SDK's for callbacks (and their ``qid``)."""

_KEY = itemgetter(0)


def encode_value(value: Any) -> str:
    """Return the exact text that is both sent and signed for ``value``.

    ``None`` must be filtered out by the caller (it means "not sent").
    Booleans become ``1``/``0`` (checked before ``int``: ``bool`` is an ``int``),
    lists and tuples are comma-joined, mappings are compact JSON, floats that
    hold a whole number are written without ``.0`` (the earlier SDK sent ``0.0``).
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(int(value))  # int(): an IntEnum prints its name on Python 3.10
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    decimal = sys.modules.get("decimal")  # a Decimal exists only once its module is loaded,
    if decimal is not None and isinstance(value, decimal.Decimal):  # so none is imported here
        return format(value.normalize(), "f")
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return ",".join(encode_value(v) for v in items)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


def canonical_string(fields: Iterable[tuple[str, str]], partner_key: str) -> str:
    """``k1=v1&k2=v2&...&partner_key=KEY`` with keys in ascending byte order.

    ``fields`` holds already-encoded text values. Sorting is by key alone (PHP
    ``ksort``), never by the joined ``k=v`` text: the two orders differ when one
    key is a prefix of another (``type`` and ``type_id``).
    """
    # Python orders str by code point, which is exactly the order of their UTF-8
    # bytes, so a plain sort is the byte-order sort (keys are unique).
    items = sorted(fields, key=_KEY)
    return "&".join(map("=".join, items)) + "&partner_key=" + partner_key


def sign(fields: Mapping[str, str] | Iterable[tuple[str, str]], partner_key: str) -> str:
    """MD5 (lowercase hex) of the canonical string of ``fields``.

    ``fields`` must not contain ``sign``; values are the text that is sent.
    """
    pairs = fields.items() if isinstance(fields, Mapping) else fields
    text = canonical_string(pairs, partner_key)
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def signs_equal(expected: str, received: str) -> bool:
    """Constant-time comparison of two signatures (never ``==``)."""
    return hmac.compare_digest(expected.encode("utf-8"), received.encode("utf-8", "replace"))
