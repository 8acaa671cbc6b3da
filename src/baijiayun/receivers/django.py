"""Moved to :mod:`baijiayun.callbacks.receivers.django`; this name keeps working."""

from __future__ import annotations

from ..callbacks.receivers.django import callback_view

__all__ = ["callback_view"]
