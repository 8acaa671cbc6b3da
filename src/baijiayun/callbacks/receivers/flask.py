"""A callback receiver for Flask (needs ``flask``).

>>> from baijiayun.callbacks.receivers.flask import callback_view
>>> app.add_url_rule(
...     "/baijiayun/callback",
...     view_func=callback_view(on_event, PARTNER_KEY, dedup=CallbackDeduplicator()),
...     methods=["POST"],
... )

``handler`` takes the typed event; an async handler is run through Flask's
``async_to_sync`` (``pip install 'flask[async]'``). See
:mod:`baijiayun.callbacks.receivers` for the answers.
"""

from __future__ import annotations

from collections.abc import Callable

try:
    from flask import Response, current_app, jsonify, request
except ModuleNotFoundError as exc:  # the framework is not installed
    raise ModuleNotFoundError(
        f"baijiayun.callbacks.receivers.flask needs Flask: pip install flask ({exc})", name=exc.name
    ) from exc

from ..dedup import CallbackDeduplicator
from ..verify import DEFAULT_TOLERANCE
from ._core import MAX_BODY, Handler, Receiver, form_fields, is_async, read_limited

__all__ = ["callback_view"]

_CHUNK = 1 << 16


def read_form() -> object:
    """The request's form fields, or None when unreadable; reading stops at ``MAX_BODY``."""
    try:
        if (request.content_length or 0) > MAX_BODY:
            return None
        stream = request.stream  # werkzeug's: bounded by Content-Length, or a chunked body
        body = read_limited(iter(lambda: stream.read(_CHUNK), b""))
    except Exception:  # a body werkzeug cannot read, or bigger than MAX_CONTENT_LENGTH
        return None
    return form_fields(body, request.content_type or "")


def callback_view(
    handler: Handler,
    partner_key: str,
    tolerance: float | None = DEFAULT_TOLERANCE,
    dedup: CallbackDeduplicator | None = None,
    *,
    name: str = "baijiayun_callback",
) -> Callable[[], tuple[Response, int]]:
    """A view function that receives the platform's callbacks (``name``: its endpoint name)."""
    receiver = Receiver(handler, partner_key, tolerance, dedup)
    run_async = is_async(handler)

    def view() -> tuple[Response, int]:
        fields = read_form()
        event, (status, body) = receiver.accept(fields)
        if event is not None:
            try:
                if run_async:
                    current_app.async_to_sync(handler)(event)
                else:
                    handler(event)
            except Exception:
                status, body = receiver.failed(event)
            else:
                receiver.handled(event)
        return jsonify(body), status

    view.__name__ = name
    return view
