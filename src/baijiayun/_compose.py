"""Composite methods: one endpoint call, then a pure transform — written once for both clients.

``@compose(source, build=...)`` turns a typed stub into a method that binds
its arguments, calls the ``source`` endpoint with the arguments that endpoint
declares (or those ``args`` derives), and passes the result to ``build``. On
the sync client the method returns ``build``'s value; on the async client it
returns an awaitable of it. Like :mod:`baijiayun.pagination`, only the step
that waits differs between the two.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from ._spec import DerivedMethod

if TYPE_CHECKING:
    from ._base import ClientBase
    from ._spec import AsyncMode, Endpoint, EndpointMethod, Group, SyncMode

P = ParamSpec("P")
T = TypeVar("T")

Args = Callable[[dict[str, Any]], dict[str, Any]]
Build = Callable[["ClientBase", dict[str, Any], Any], T]


class ComposedMethod(DerivedMethod, Generic[P, T]):
    def __init__(
        self,
        source: EndpointMethod[Any, Any],
        build: Build[T],
        args: Args | None,
        stub: Callable[..., Any],
    ) -> None:
        super().__init__(stub)
        self.source: Endpoint = source.spec
        self.build = build
        self.args = args or self._declared

    def _declared(self, values: dict[str, Any]) -> dict[str, Any]:
        """The stub's arguments that the source endpoint declares."""
        return {k: v for k, v in values.items() if k in self.source.by_name}

    def _run_sync(self, client: Any, values: dict[str, Any]) -> T:
        return self.build(client, values, client._call(self.source, self.args(values)))

    async def _run_async(self, client: Any, values: dict[str, Any]) -> T:
        return self.build(client, values, await client._call(self.source, self.args(values)))

    @overload
    def __get__(self, obj: None, owner: Any) -> ComposedMethod[P, T]: ...
    @overload
    def __get__(self, obj: Group[SyncMode], owner: Any) -> Callable[P, T]: ...
    @overload
    def __get__(self, obj: Group[AsyncMode], owner: Any) -> Callable[P, Coroutine[Any, Any, T]]: ...
    def __get__(self, obj: Any, owner: Any) -> Any:
        return self if obj is None else self._bound(obj)


def compose(
    source: EndpointMethod[Any, Any], *, build: Build[T], args: Args | None = None
) -> Callable[[Callable[Concatenate[Any, P], Any]], ComposedMethod[P, T]]:
    """Declare a method that calls ``source`` then ``build(client, arguments, result)``."""

    def decorate(stub: Callable[Concatenate[Any, P], Any]) -> ComposedMethod[P, T]:
        return ComposedMethod(source, build, args, stub)

    return decorate
