"""What every receiver does, whatever the framework: verify, parse, drop repeats, answer."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import AsyncIterable, Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from ...errors import CallbackSignatureError
from ..dedup import CallbackDeduplicator, Claim
from ..events import CallbackEvent, parse_callback
from ..verify import (
    DEFAULT_TOLERANCE,
    MAX_FIELDS,
    SUCCESS_BODY,
    check_key,
    check_tolerance,
    failure_body,
    verify_callback,
)

logger = logging.getLogger("baijiayun.callbacks")

Answer = tuple[int, dict[str, Any]]
Handler = Callable[[CallbackEvent], Any]

OK: Answer = (200, SUCCESS_BODY)
INVALID: Answer = (400, failure_body("invalid callback"))
HANDLER_ERROR: Answer = (500, failure_body("handler error"))
SERVER_ERROR: Answer = (500, failure_body("server error"))
BUSY: Answer = (409, failure_body("in progress"))
"""Another worker is handling this delivery: the platform delivers it again later."""
MAX_BODY = 1 << 20
"""Bytes of form a receiver reads at most: it stops reading there, with or without a
``Content-Length`` (a chunked body), and refuses the callback."""


def read_limited(chunks: Iterable[bytes]) -> bytes | None:
    """The body from its chunks, or None as soon as it grows past :data:`MAX_BODY`."""
    body = bytearray()
    for chunk in chunks:
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return bytes(body)


async def aread_limited(chunks: AsyncIterable[bytes]) -> bytes | None:
    """Async twin of :func:`read_limited`."""
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return bytes(body)


def form_fields(body: bytes | None, content_type: str) -> list[tuple[str, str]] | None:
    """The text fields of a form body (urlencoded, or multipart without files); None if unreadable.

    Every value of a repeated field is kept (:func:`~baijiayun.callbacks.callback_fields`
    refuses a field given twice with different values).
    """
    if body is None:
        return None
    try:
        if content_type.lower().startswith("multipart/form-data"):
            return _multipart(body, content_type)
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except Exception:  # not UTF-8, too many fields, a file part, a broken multipart body
        return None


def _multipart(body: bytes, content_type: str) -> list[tuple[str, str]]:
    from email.message import Message
    from email.parser import BytesParser
    from email.policy import HTTP

    head = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise ValueError("not a multipart body")
    fields: list[tuple[str, str]] = []
    for part in message.get_payload():
        if not isinstance(part, Message):
            raise ValueError("not a multipart body")
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or part.get_filename() is not None:
            raise ValueError("a part without a field name, or a file")
        if not isinstance(payload, bytes):
            raise ValueError("a part without a body")
        fields.append((name, payload.decode("utf-8")))
        if len(fields) > MAX_FIELDS:
            raise ValueError("too many fields")
    return fields


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
        check_key(self.partner_key)
        check_tolerance(self.tolerance)

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
                state = self.dedup.claim(event)
            except CallbackSignatureError as exc:  # no well-formed qid: cannot be de-duplicated
                logger.warning("callback rejected: %s", exc.reason)
                return None, INVALID
            except Exception:  # the store is down: let the platform deliver it again later
                logger.exception("callback de-duplication failed (qid=%s)", event.qid)
                return None, SERVER_ERROR
            if state is Claim.DONE:
                logger.info("repeated callback ignored (qid=%s)", event.qid)
                return None, OK
            if state is Claim.BUSY:
                logger.info("callback being handled by another worker (qid=%s)", event.qid)
                return None, BUSY
        return event, OK

    def handled(self, event: CallbackEvent) -> None:
        """The handler returned: repeats of this delivery are dropped from now on."""
        if self.dedup is not None:
            try:
                self.dedup.done(event)
            except Exception:  # the claim expires; a repeat would be handled again
                logger.exception("callback de-duplication failed (qid=%s)", event.qid)

    def failed(self, event: CallbackEvent) -> Answer:
        """Log the handler's exception (call from ``except``) and forget the delivery."""
        logger.exception("callback handler failed (%s, qid=%s)", type(event).__name__, event.qid)
        if self.dedup is not None:
            try:
                self.dedup.release(event)
            except Exception:
                logger.exception("callback de-duplication failed (qid=%s)", event.qid)
        return HANDLER_ERROR
