"""Authentication of an API call: the partner's sign and the call's timestamp."""

from __future__ import annotations

import re

from ..._signing import sign, signs_equal
from .http import PlatformError

__all__ = ["DIGITS", "TIMESTAMP_TOLERANCE", "check_signature"]

TIMESTAMP_TOLERANCE = 300
"""Seconds a signed call's ``timestamp`` may differ from the sandbox's clock (the
platform's rule; the sandbox's one definition of it)."""
DIGITS = re.compile(r"[0-9]{1,19}\Z")


def check_signature(form: dict[str, str], key: str, now: float) -> None:
    """Refuse a call whose sign is missing or wrong (1002) or whose timestamp is missing,
    malformed (1001) or too far from ``now`` (1002). The sign itself is never shown."""
    received = form.get("sign")
    if not received:
        raise PlatformError(1002, "sign is required")
    stamp = form.get("timestamp")
    if stamp is None or stamp == "":
        raise PlatformError(1001, "timestamp is required")
    if not DIGITS.match(stamp):
        raise PlatformError(1001, "timestamp must be unix seconds")
    expected = sign([(k, v) for k, v in form.items() if k != "sign"], key)
    if not signs_equal(expected, received):
        raise PlatformError(1002, "sign error")
    if abs(now - int(stamp)) > TIMESTAMP_TOLERANCE:
        raise PlatformError(
            1002, f"timestamp expired: more than {TIMESTAMP_TOLERANCE} s from the server's time"
        )
