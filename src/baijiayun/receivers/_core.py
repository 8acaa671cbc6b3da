"""What every receiver does, whatever the framework: verify, parse, drop repeats, answer."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..callbacks import (
    DEFAULT_TOLERANCE,
    SUCCESS_BODY,
    CallbackDeduplicator,
    CallbackEvent,
    _check_key,
    _check_tolerance,
    failure_body,
    parse_callback,
    verify_callback,
)
from ..errors import CallbackSignatureError

logger = logging.getLogger("baijiayun.callbacks")

Answer = tuple[int, dict[str, Any]]
Handler = Callable[[CallbackEvent], Any]

OK: Answer = (200, SUCCESS_BODY)
INVALID: Answer = (400, failure_body("invalid callback"))
HANDLER_ERROR: Answer = (500, failure_body("handler error"))
SERVER_ERROR: Answer = (500, failure_body("server error"))
MAX_BODY = 1 << 20
"""Bytes of form a receiver reads at most."""


def is_async(handler: Handler) -> bool:
    """Whether calling ``handler`` gives an awaitable (async functions, methods, objects)."""
    while isinstance(handler, functools.partial):
        handler = handler.func
    call = getattr(handler, "__call__", None)  # noqa: B004 - async callable objects too
    return inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(call)


@dataclass(frozen=True)
class Receiver:
    handler: Handler
    partner_key: str
    tolerance: float | None = DEFAULT_TOLERANCE
    dedup: CallbackDeduplicator | None = None

    def __post_init__(self) -> None:  # settings fail at start-up, not on the first callback
        _check_key(self.partner_key)
        _check_tolerance(self.tolerance)

    def __repr__(self) -> str:  # never show the key
        return f"Receiver(handler={self.handler!r}, tolerance={self.tolerance})"

    def accept(self, fields: object) -> tuple[CallbackEvent | None, Answer]:
        """The event to hand to the handler, or None and the answer to give at once."""
        try:
            verified = verify_callback(fields, self.partner_key, self.tolerance)
        except CallbackSignatureError as exc:
            logger.warning("callback rejected: %s", exc.reason)
            return None, INVALID
        event = parse_callback(verified)
        if self.dedup is not None:
            try:
                new = self.dedup.is_new(event)
            except Exception:  # the store is down: let the platform deliver it again later
                logger.exception("callback de-duplication failed (qid=%s)", event.qid)
                return None, SERVER_ERROR
            if not new:
                logger.info("repeated callback ignored (qid=%s)", event.qid)
                return None, OK
        return event, OK

    def failed(self, event: CallbackEvent) -> Answer:
        """Log the handler's exception (call from ``except``) and forget the delivery."""
        logger.exception("callback handler failed (%s, qid=%s)", type(event).__name__, event.qid)
        if self.dedup is not None:
            try:
                self.dedup.release(event)
            except Exception:
                logger.exception("callback de-duplication failed (qid=%s)", event.qid)
        return HANDLER_ERROR
