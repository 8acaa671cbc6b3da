"""Result models of the dual-teacher API (``/openapi/double_teacher/*``): campuses.

Source: https://dev.baijiayun.com/wiki/detail/44 (API-1 ``addZone``, API-2 ``listZone``),
whose answer examples are ``tests/fixtures/platform/double_teacher.*.json``.
"""

from __future__ import annotations

from ._base import BeijingTime, Result
from ._paging import SizedPage

__all__ = ["Zone", "ZoneAdded", "ZoneList"]


class ZoneAdded(Result):
    """Answer of ``double_teacher/addZone``: the platform's id of the new campus."""

    zone_id: int | None = None


class Zone(Result):
    """One campus of ``double_teacher/listZone``."""

    zone_id: int | None = None
    zone_unique: int | None = None
    """The account's own code of the campus."""
    name: str | None = None
    address: str | None = None
    create_time: BeijingTime | None = None


class ZoneList(SizedPage[Zone]):
    """One page of ``double_teacher/listZone`` (``items`` are the platform's ``list``)."""
