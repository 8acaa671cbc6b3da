"""A callback receiver for Django (needs ``django``).

>>> from baijiayun.callbacks.receivers.django import callback_view
>>> view = callback_view(on_event, PARTNER_KEY, dedup=CallbackDeduplicator())
>>> urlpatterns = [path("baijiayun/callback", view)]

The view is exempt from CSRF checks (the sign authenticates the platform) and
answers only POST. ``handler`` takes the typed event; an async handler
is run with ``asgiref``'s ``async_to_sync``. See :mod:`baijiayun.callbacks.receivers`
for the answers.
"""

from __future__ import annotations

from collections.abc import Callable

try:
    from asgiref.sync import async_to_sync
    from django.http import HttpRequest, HttpResponse, JsonResponse  # type: ignore[import-untyped]
    from django.views.decorators.csrf import csrf_exempt  # type: ignore[import-untyped]
except ModuleNotFoundError as exc:  # the framework is not installed
    raise ModuleNotFoundError(
        f"baijiayun.callbacks.receivers.django needs Django: pip install django ({exc})",
        name=exc.name,
    ) from exc

from ..dedup import CallbackDeduplicator
from ..verify import DEFAULT_TOLERANCE, failure_body
from ._core import MAX_BODY, Handler, Receiver, form_fields, is_async, read_limited

__all__ = ["callback_view"]

_CHUNK = 1 << 16


def read_form(request: HttpRequest) -> object:
    """The request's form fields, or None when unreadable; reading stops at ``MAX_BODY``."""
    try:
        length = request.headers.get("Content-Length") or ""
        if length.isdigit() and int(length) > MAX_BODY:
            return None
        body = read_limited(iter(lambda: request.read(_CHUNK), b""))
    except Exception:  # a body Django cannot read
        return None
    # The whole header: ``request.content_type`` is without its parameters (``boundary=``).
    return form_fields(body, request.META.get("CONTENT_TYPE") or "")


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
        fields = read_form(request)
        event, (status, body) = receiver.accept(fields)
        if event is not None:
            try:
                call(event)
            except Exception:
                status, body = receiver.failed(event)
            else:
                receiver.handled(event)
        return JsonResponse(body, status=status)

    exempt: Callable[[HttpRequest], HttpResponse] = csrf_exempt(view)
    return exempt
