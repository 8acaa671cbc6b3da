"""Sandbox handlers by path, and what a handler is given.

A handler emulates one endpoint. It receives the request already checked
(partner, sign, timestamp) and its fields parsed and validated by the SAME
endpoint declaration the SDK uses (``baijiayun._spec.REGISTRY``), so a
constraint is written once for both sides. It returns the envelope's ``data``
or raises :class:`PlatformError`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._core import Sandbox


class PlatformError(Exception):
    """An answer with a non-zero code (HTTP 200, like the platform)."""

    def __init__(self, code: int, msg: str) -> None:
        self.code = code
        self.msg = msg
        super().__init__(f"[{code}] {msg}")


@dataclass
class Call:
    """One emulated call: the sandbox, the caller's partner id, parsed arguments."""

    sandbox: Sandbox
    partner_id: str
    args: dict[str, Any]
    form: dict[str, str]
    files: dict[str, bytes]
    now: float


Handler = Callable[[Call], Any]

HANDLERS: dict[str, Handler] = {}


def handles(path: str) -> Callable[[Handler], Handler]:
    """Register the emulation of ``path``."""

    def register(fn: Handler) -> Handler:
        HANDLERS[path] = fn
        return fn

    return register
