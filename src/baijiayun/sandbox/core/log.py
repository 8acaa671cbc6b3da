"""The request log: the newest API requests, with why each refused one was refused."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

from .faults import Fault
from .http import SandboxRequest, SandboxResponse

__all__ = ["RECENT", "Logged", "RequestLog", "reason_for"]

RECENT = 500
"""Requests the request log keeps (the newest)."""


@dataclass(frozen=True)
class Logged:
    """One API request as the request log shows it."""

    time: float
    path: str
    partner: str | None
    status: int
    code: int | None
    msg: str
    ms: float
    reason: str | None
    """Why it was refused, in words (``sign mismatch``, ``stale timestamp``, ...)."""


def reason_for(code: int | None, msg: str, fault: str | None) -> str | None:
    """The request log's reason for a refused or faulted request."""
    if fault:
        return fault
    if code == 1002:
        if "timestamp" in msg:
            return "stale timestamp"
        return "sign missing" if "required" in msg else "sign mismatch"
    if code == 1001:
        return "missing parameter" if "required" in msg else "bad parameter"
    if code == 2001:
        return "unknown partner"
    if code == 404:
        return "unknown path"
    return None


class RequestLog:
    """The newest :data:`RECENT` API requests, oldest first (the console shows them)."""

    def __init__(self) -> None:
        self.recent: deque[Logged] = deque(maxlen=RECENT)
        self._lock = threading.Lock()

    def add(
        self,
        request: SandboxRequest,
        response: SandboxResponse,
        started: float,
        fault: Fault | None,
        now: float,
    ) -> None:
        """Log one answered request (``started``: its ``time.perf_counter()``)."""
        entry = Logged(
            time=now,
            path=request.path[:200],
            partner=response.partner,
            status=response.status,
            code=response.code,
            msg=response.msg[:200],
            ms=(time.perf_counter() - started) * 1000,
            reason=reason_for(response.code, response.msg, fault.describe() if fault else None),
        )
        with self._lock:
            self.recent.append(entry)

    def clear(self) -> None:
        with self._lock:
            self.recent.clear()
