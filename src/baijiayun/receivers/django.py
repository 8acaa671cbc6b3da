"""A callback receiver for Django (needs ``django``).

>>> from baijiayun.receivers.django import callback_view
>>> view = callback_view(on_event, PARTNER_KEY, dedup=CallbackDeduplicator())
>>> urlpatterns = [path("baijiayun/callback", view)]

The view is exempt from CSRF checks (the sign authenticates the platform) and
answers only POST. ``handler`` takes the typed event; an async handler
is run with ``asgiref``'s ``async_to_sync``. See :mod:`baijiayun.receivers`
for the answers.
"""

from __future__ import annotations

from collections.abc import Callable

from asgiref.sync import async_to_sync
from django.http import HttpRequest, HttpResponse, JsonResponse  # type: ignore[import-untyped]
from django.views.decorators.csrf import csrf_exempt  # type: ignore[import-untyped]

from ..callbacks import DEFAULT_TOLERANCE, CallbackDeduplicator, failure_body
from ._core import MAX_BODY, Handler, Receiver, is_async

__all__ = ["callback_view"]


def callback_view(
    handler: Handler,
    partner_key: str,
    tolerance: float | None = DEFAULT_TOLERANCE,
    dedup: CallbackDeduplicator | None = None,
) -> Callable[[HttpRequest], HttpResponse]:
    """A CSRF-exempt view that receives the platform's callbacks."""
    receiver = Receiver(handler, partner_key, tolerance, dedup)
    call = async_to_sync(handler) if is_async(handler) else handler

    def view(request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return JsonResponse(failure_body("method not allowed"), status=405)
        try:
            length = int(request.headers.get("Content-Length") or 0)
            fields: object = None if length > MAX_BODY else request.POST
        except Exception:  # too big for Django's limits, a body it cannot parse
            fields = None
        event, (status, body) = receiver.accept(fields)
        if event is not None:
            try:
                call(event)
            except Exception:
                status, body = receiver.failed(event)
        return JsonResponse(body, status=status)

    exempt: Callable[[HttpRequest], HttpResponse] = csrf_exempt(view)
    return exempt
