"""What every receiver does, whatever the framework: verify, parse, drop repeats, answer."""

from __future__ import annotations

import functools
import inspect
import logging
import re
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


MAX_PART_HEADER = 1024
"""Bytes of one multipart part's header block at most (a field's name and its
``Content-Disposition``): a callback's parts carry a few dozen."""
MAX_BOUNDARY = 200
"""Characters of a multipart boundary at most (RFC 2046 allows 70)."""


def form_fields(body: bytes | None, content_type: str) -> list[tuple[str, str]] | None:
    """The text fields of a form body (urlencoded, or multipart without files); None if unreadable.

    Every value of a repeated field is kept (:func:`~baijiayun.callbacks.callback_fields`
    refuses a field given twice with different values). A body that cannot be a
    callback costs one linear pass at most: a multipart body's parts are counted
    (one ``bytes.count``, in C) before any is read, and refused beyond
    :data:`~baijiayun.callbacks.verify.MAX_FIELDS`; a part must be a text field
    (no file, no nested multipart, no transfer encoding) with a header block of
    at most :data:`MAX_PART_HEADER` bytes.
    """
    if body is None:
        return None
    try:
        if content_type.lower().lstrip().startswith("multipart/"):
            return _multipart(body, content_type)
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except Exception:  # not UTF-8, too many fields, a file part, a broken multipart body
        return None


# A parameter of a header (RFC 7231 token = token / quoted-string), after a ";".
_PARAM = re.compile(
    r';[ \t]*([!#$%&\'*+.^_`|~0-9A-Za-z-]+)[ \t]*=[ \t]*("(?:[^"\\]|\\.)*"|[^;"\s]*)[ \t]*'
)
_TOKEN = re.compile(r"[ \t]*([!#$%&\'*+.^_`|~0-9A-Za-z/-]+)[ \t]*")
_END = re.compile(r"[ \t;]*\Z")  # a trailing ";" is tolerated


def _header_value(value: str) -> tuple[str, dict[str, str]]:
    """A header's value as (its lower-cased token, its parameters); ValueError if malformed."""
    head = _TOKEN.match(value)
    if head is None:
        raise ValueError("a malformed header")
    params: dict[str, str] = {}
    at = head.end()
    while not _END.match(value, at):  # one pass: nothing is copied per parameter
        match = _PARAM.match(value, at)
        if match is None:
            raise ValueError("a malformed header parameter")
        name, raw = match.group(1).lower(), match.group(2)
        if raw.startswith('"'):
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        if name in params:
            raise ValueError("a header parameter given twice")
        params[name] = raw
        at = match.end()
    return head.group(1).lower(), params


def _boundary(content_type: str) -> bytes:
    kind, params = _header_value(content_type)
    if kind != "multipart/form-data":
        raise ValueError("not multipart/form-data")  # multipart/mixed, ...: not a form
    boundary = params.get("boundary", "")
    if not 0 < len(boundary) <= MAX_BOUNDARY:
        raise ValueError("no usable boundary")
    return boundary.encode("ascii")


def _multipart(body: bytes, content_type: str) -> list[tuple[str, str]]:
    """The fields of a multipart/form-data body, split with ``bytes`` methods (linear)."""
    delimiter = b"--" + _boundary(content_type)
    if body.count(delimiter) > MAX_FIELDS + 1:  # counted before any part is read
        raise ValueError("too many parts")
    # Every delimiter but a first one at the very start follows a CRLF (RFC 2046 §5.1.1).
    segments = (b"\r\n" + body).split(b"\r\n" + delimiter)
    if len(segments) < 2 or not segments[-1].startswith(b"--"):
        raise ValueError("no closing delimiter")
    fields: list[tuple[str, str]] = []
    for segment in segments[1:-1]:  # segments[0]: the preamble, ignored
        line_end = segment.find(b"\r\n", 0, 256)
        if line_end < 0 or segment[:line_end].strip(b" \t"):
            raise ValueError("a delimiter followed by text")
        if segment.startswith(b"\r\n", line_end + 2):
            head, text = b"", segment[line_end + 4 :]
        else:
            head_end = segment.find(b"\r\n\r\n", line_end + 2, line_end + 6 + MAX_PART_HEADER)
            if head_end < 0:
                raise ValueError("a part's header is too long or unterminated")
            head, text = segment[line_end + 2 : head_end], segment[head_end + 4 :]
        fields.append((_part_name(head), text.decode("utf-8")))
    return fields


def _part_name(head: bytes) -> str:
    """The field name a part's headers give; ValueError for a file, nested multipart, ..."""
    name: str | None = None
    for line in head.decode("utf-8").split("\r\n") if head else ():
        header, colon, value = line.partition(":")
        if not colon or not header or header != header.strip() or header[0] in " \t":
            raise ValueError("a malformed part header")  # folded lines too
        header = header.lower()
        if header == "content-disposition":
            kind, params = _header_value(value)
            if kind != "form-data" or name is not None or "name" not in params:
                raise ValueError("a part that is not one named form field")
            if "filename" in params or "filename*" in params:
                raise ValueError("a file part")
            name = params["name"]
        elif header == "content-type":
            kind, params = _header_value(value)
            if kind != "text/plain" or params.get("charset", "utf-8").lower() not in _UTF8:
                raise ValueError("a part that is not UTF-8 text")  # nested multipart, a file
        elif header == "content-transfer-encoding" and value.strip().lower() not in _PLAIN:
            raise ValueError("an encoded part")
    if name is None:
        raise ValueError("a part without a field name")
    return name


_UTF8 = ("utf-8", "utf8", "us-ascii")
_PLAIN = ("7bit", "8bit", "binary")


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
