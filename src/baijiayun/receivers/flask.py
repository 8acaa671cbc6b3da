"""Moved to :mod:`baijiayun.callbacks.receivers.flask`; this name keeps working."""

from __future__ import annotations

from ..callbacks.receivers.flask import callback_view

__all__ = ["callback_view"]
