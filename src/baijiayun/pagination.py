"""Auto-pagination, written once for the sync and async clients.

``@paginate(source, items=...)`` turns a typed stub into a method that walks
every page of the ``source`` endpoint: a sync iterator on the sync client, an
async iterator on the async client. It holds one page in memory at a time and
stops on a short or empty page.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, overload

if TYPE_CHECKING:
    from ._spec import AsyncMode, EndpointMethod, Group, SyncMode

P = ParamSpec("P")
T = TypeVar("T")

PAGE_PARAM = "page"
SIZE_PARAM = "limit"


class PageMethod(Generic[P, T]):
    def __init__(
        self,
        source: EndpointMethod[Any, Any],
        items: Callable[[Any], list[T]],
        stub: Callable[..., Any],
    ) -> None:
        self.source = source.spec
        self.items = items
        self.signature = inspect.signature(stub)
        self.name = stub.__name__
        self.__doc__ = stub.__doc__

    def _arguments(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        bound = self.signature.bind(None, *args, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        values.pop("self", None)
        return values

    # The page size is read only after the first call: the endpoint validates it first.
    def _walk_sync(self, group: Any, values: dict[str, Any]) -> Iterator[T]:
        page = 1
        while True:
            result = group._client._call(self.source, {**values, PAGE_PARAM: page})
            batch = self.items(result)
            yield from batch
            if len(batch) < int(values[SIZE_PARAM]):
                return
            page += 1

    async def _walk_async(self, group: Any, values: dict[str, Any]) -> AsyncIterator[T]:
        page = 1
        while True:
            result = await group._client._call(self.source, {**values, PAGE_PARAM: page})
            batch = self.items(result)
            for item in batch:
                yield item
            if len(batch) < int(values[SIZE_PARAM]):
                return
            page += 1

    @overload
    def __get__(self, obj: None, owner: Any) -> PageMethod[P, T]: ...
    @overload
    def __get__(self, obj: Group[SyncMode], owner: Any) -> Callable[P, Iterator[T]]: ...
    @overload
    def __get__(self, obj: Group[AsyncMode], owner: Any) -> Callable[P, AsyncIterator[T]]: ...
    def __get__(self, obj: Any, owner: Any) -> Any:
        if obj is None:
            return self
        walk = self._walk_async if obj._client.is_async else self._walk_sync

        def method(*args: Any, **kwargs: Any) -> Any:
            return walk(obj, self._arguments(args, kwargs))

        method.__name__ = self.name
        method.__doc__ = self.__doc__
        method.__signature__ = self.signature  # type: ignore[attr-defined]
        return method


def paginate(
    source: EndpointMethod[Any, Any], *, items: Callable[[Any], list[T]]
) -> Callable[[Callable[Concatenate[Any, P], Any]], PageMethod[P, T]]:
    """Declare an iterator over every page of ``source`` (see the module docstring)."""

    def decorate(stub: Callable[Concatenate[Any, P], Any]) -> PageMethod[P, T]:
        return PageMethod(source, items, stub)

    return decorate
