"""Pages whose size parameter is ``page_size`` (the classroom groups' listings)."""

from __future__ import annotations

from typing import Generic, TypeVar

from ._base import Result, field

T = TypeVar("T")

__all__ = ["SizedPage"]


class SizedPage(Result, Generic[T]):
    """One page of a listing paged by ``page`` and ``page_size``.

    ``items`` is the platform's ``list``; ``total`` how many items the whole
    listing has.
    """

    items: list[T] = field(default_factory=list, alias="list")
    total: int | None = None
    page: int | None = None
    page_size: int | None = None
