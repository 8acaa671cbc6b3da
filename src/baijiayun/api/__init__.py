"""Endpoint groups. Each module declares its endpoints once (see ``_spec.py``)."""

from __future__ import annotations

from typing import Generic

from .._spec import ModeT
from .partner import Partner
from .room import Room

__all__ = ["Groups", "Partner", "Room"]


class Groups(Generic[ModeT]):
    """The endpoint groups of a client; the annotations are the single list of them."""

    partner: Partner[ModeT]
    room: Room[ModeT]
