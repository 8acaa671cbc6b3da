"""Sandbox handlers, one module per endpoint group; importing registers them."""

from . import accounts, media, rooms

__all__ = ["accounts", "media", "rooms"]
