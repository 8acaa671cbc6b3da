"""Auto-pagination, written once for the sync and async clients.

``@paginate(source, items=...)`` turns a typed stub into a method that walks
every page of the ``source`` endpoint: a sync iterator on the sync client, an
async iterator on the async client. It holds one page in memory at a time and
stops on a short or empty page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from ._spec import DerivedMethod

if TYPE_CHECKING:
    from ._spec import AsyncMode, EndpointMethod, Group, SyncMode
    from .api import Groups

P = ParamSpec("P")
T = TypeVar("T")

PAGE_PARAM = "page"
SIZE_PARAM = "limit"


class PageMethod(DerivedMethod, Generic[P, T]):
    def __init__(
        self,
        source: EndpointMethod[Any, Any],
        items: Callable[[Any], list[T]],
        stub: Callable[..., Any],
    ) -> None:
        super().__init__(stub)
        self.source = source.spec
        self.items = items

    # The page size is read only after the first call: the endpoint validates it first.
    def _run_sync(self, client: Any, values: dict[str, Any]) -> Iterator[T]:
        page = 1
        while True:
            batch = self.items(client._call(self.source, {**values, PAGE_PARAM: page}))
            yield from batch
            if len(batch) < int(values[SIZE_PARAM]):
                return
            page += 1

    async def _run_async(self, client: Any, values: dict[str, Any]) -> AsyncIterator[T]:
        page = 1
        while True:
            batch = self.items(await client._call(self.source, {**values, PAGE_PARAM: page}))
            for item in batch:
                yield item
            if len(batch) < int(values[SIZE_PARAM]):
                return
            page += 1

    @overload
    def __get__(self, obj: None, owner: Any) -> PageMethod[P, T]: ...
    @overload
    def __get__(
        self, obj: Group[SyncMode] | Groups[SyncMode], owner: Any
    ) -> Callable[P, Iterator[T]]: ...
    @overload
    def __get__(
        self, obj: Group[AsyncMode] | Groups[AsyncMode], owner: Any
    ) -> Callable[P, AsyncIterator[T]]: ...
    def __get__(self, obj: Any, owner: Any) -> Any:
        return self if obj is None else self._bound(obj)


def paginate(
    source: EndpointMethod[Any, Any], *, items: Callable[[Any], list[T]]
) -> Callable[[Callable[Concatenate[Any, P], Any]], PageMethod[P, T]]:
    """Declare an iterator over every page of ``source`` (see the module docstring)."""

    def decorate(stub: Callable[Concatenate[Any, P], Any]) -> PageMethod[P, T]:
        return PageMethod(source, items, stub)

    return decorate
