"""Moved to :mod:`baijiayun.callbacks.receivers.starlette`; this name keeps working."""

from __future__ import annotations

from ..callbacks.receivers.starlette import callback_endpoint, callback_route

__all__ = ["callback_endpoint", "callback_route"]
