"""Dual-teacher API: ``/openapi/double_teacher/*`` — the campuses (zones) of an account's
dual-teacher classes.

Source: the vendor's "双师设备管理&排课API" page (https://dev.baijiayun.com/wiki/detail/44),
API-1 and API-2. The same page goes on to classrooms and device bindings, whose
parameters no public copy shows; they are not declared (docs/coverage.md).
"""

from __future__ import annotations

from typing import Annotated

from .._group import Group, ModeT, endpoint
from .._params import PAGING_20, Int, LengthBetween, Page, PageSizeUpTo1000, Str
from .._wire import Range
from ..models.double_teacher import ZoneAdded, ZoneList

__all__ = ["DoubleTeacher"]

ZoneUnique = Annotated[Int, Range(0)]
"""A campus's own code: digits only, unique in the account."""
ZoneName = Annotated[Str, LengthBetween(1, 100)]
ZoneAddress = Annotated[Str, LengthBetween(1, 255)]


class DoubleTeacher(Group[ModeT], name="double_teacher"):
    """Campuses (zones) of the account's dual-teacher classes."""

    @endpoint("addZone")
    def add_zone(
        self, zone_unique: ZoneUnique, area_id: Int, name: ZoneName, address: ZoneAddress
    ) -> ZoneAdded:
        """Add a campus: its own numeric code (``zone_unique``), the id of its city
        (``area_id``), its name (at most 100 characters) and address (at most 255)."""

    @endpoint("listZone", safe=True, paging=PAGING_20)
    def list_zone(
        self, page: Page | None = None, page_size: PageSizeUpTo1000 | None = None
    ) -> ZoneList:
        """One page of the account's campuses (``page`` from 1, ``page_size`` at most 1000)."""

    iter_zones = list_zone.pages()
