"""A callback receiver for Starlette and FastAPI (needs ``starlette``).

>>> from baijiayun.callbacks.receivers.starlette import callback_endpoint
>>> endpoint = callback_endpoint(on_event, PARTNER_KEY, dedup=CallbackDeduplicator())
>>> app.add_route("/baijiayun/callback", endpoint, methods=["POST"])   # Starlette or FastAPI

``handler`` takes the typed event; it may be ``async def`` (awaited) or a plain
function (run in the thread pool). See :mod:`baijiayun.callbacks.receivers` for the answers.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

try:
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route
except ModuleNotFoundError as exc:  # the framework is not installed
    raise ModuleNotFoundError(
        "baijiayun.callbacks.receivers.starlette needs Starlette: "
        f"pip install 'baijiayun[receivers]' ({exc})",
        name=exc.name,
    ) from exc

from ..dedup import CallbackDeduplicator
from ..verify import DEFAULT_TOLERANCE
from ._core import MAX_BODY, Handler, Receiver, aread_limited, form_fields, is_async

__all__ = ["callback_endpoint", "callback_route"]


async def read_form(request: Request) -> object:
    """The request's form fields (every value of a repeated key), or None when unreadable.

    Reading stops at :data:`~baijiayun.callbacks.receivers._core.MAX_BODY` bytes, with or
    without a ``Content-Length``. The body is parsed in the thread pool, never on the
    event loop: a hostile body delays no other request.
    """
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY:
        return None
    try:
        body = await aread_limited(request.stream())
    except Exception:  # the client went away
        return None
    if body is None:
        return None
    return await run_in_threadpool(form_fields, body, request.headers.get("content-type", ""))


def callback_endpoint(
    handler: Handler,
    partner_key: str,
    tolerance: float | None = DEFAULT_TOLERANCE,
    dedup: CallbackDeduplicator | None = None,
) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint (``async def endpoint(request)``) that receives the platform's callbacks."""
    receiver = Receiver(handler, partner_key, tolerance, dedup)
    run_async = is_async(handler)

    async def endpoint(request: Request) -> Response:
        fields = await read_form(request)
        if dedup is None:
            event, (status, body) = receiver.accept(fields)
        else:  # the store may be a network round trip (Redis): off the event loop
            event, (status, body) = await run_in_threadpool(receiver.accept, fields)
        if event is not None:
            try:
                result: Any = (
                    await handler(event) if run_async else await run_in_threadpool(handler, event)
                )
                if inspect.isawaitable(result):
                    await result
            except Exception:
                status, body = await run_in_threadpool(receiver.failed, event)
            else:
                if dedup is not None:
                    await run_in_threadpool(receiver.handled, event)
        return JSONResponse(body, status_code=status)

    return endpoint


def callback_route(
    path: str,
    handler: Handler,
    partner_key: str,
    tolerance: float | None = DEFAULT_TOLERANCE,
    dedup: CallbackDeduplicator | None = None,
) -> Route:
    """A POST :class:`~starlette.routing.Route` for :func:`callback_endpoint`."""
    endpoint = callback_endpoint(handler, partner_key, tolerance, dedup)
    return Route(path, endpoint, methods=["POST"], name="baijiayun_callback")
