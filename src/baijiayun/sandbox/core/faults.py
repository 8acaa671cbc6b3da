"""Fault injection: queued faults, matched by path, each for the next N requests.

What a fault does to an answer is :func:`~baijiayun.sandbox.core.http.faulted`.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

BODIES = ("truncated", "not_json", "html")


@dataclass
class Fault:
    path: str = "*"
    count: int = 1
    status: int | None = None
    code: int | None = None
    msg: str | None = None
    delay: float = 0.0
    drop: bool = False
    body: str | None = None
    process: bool | None = None
    """Whether the request is still carried out. Default: yes for ``delay`` and
    ``drop`` (the answer is lost, the write happened), no for the others."""

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Fault:
        known = set(cls.__dataclass_fields__)
        unknown = set(raw) - known
        if unknown:
            raise ValueError(f"unknown fault field(s): {', '.join(sorted(unknown))}")
        fault = cls(**raw)
        if not isinstance(fault.path, str) or not (fault.path == "*" or fault.path.startswith("/")):
            raise ValueError("path must be '*' or start with '/'")
        if not isinstance(fault.count, int) or fault.count < 1:
            raise ValueError("count must be a positive integer")
        if fault.status is not None and not (
            isinstance(fault.status, int) and 100 <= fault.status <= 599
        ):
            raise ValueError("status must be an HTTP status (100-599)")
        if fault.body is not None and fault.body not in BODIES:
            raise ValueError("body must be one of " + ", ".join(BODIES))
        if not isinstance(fault.delay, (int, float)) or not 0 <= fault.delay <= 600:
            raise ValueError("delay must be between 0 and 600 seconds")
        if fault.process is None:
            fault.process = bool(fault.drop or fault.delay) and not (
                fault.status or fault.code is not None or fault.body
            )
        return fault

    def describe(self) -> str:
        """A short text for the request log (``503``, ``code 1``, ``drop``, ``delay 2s``)."""
        parts = [
            f"HTTP {self.status}" if self.status else "",
            f"code {self.code}" if self.code is not None else "",
            f"body {self.body}" if self.body else "",
            "drop" if self.drop else "",
            f"delay {self.delay:g}s" if self.delay else "",
        ]
        return "fault: " + ", ".join(p for p in parts if p)


class FaultQueue:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, path: str) -> Fault | None:
        """The first queued fault matching ``path``, used up once."""
        if not self._faults:
            return None
        with self._lock:
            for fault in self._faults:
                if fault.path in ("*", path):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def describe(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(f) for f in self._faults]
