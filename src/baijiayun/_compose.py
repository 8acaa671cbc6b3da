"""Composite methods: one endpoint call, then a pure transform — written once for both clients.

``@compose(source, build=...)`` turns a typed stub into a method that binds
its arguments, calls the ``source`` endpoint with the arguments that endpoint
declares (or those ``args`` derives), and passes the result to ``build``. On
the sync client the method returns ``build``'s value; on the async client it
returns an awaitable of it. Like :mod:`baijiayun.pagination`, only the step
that waits differs between the two.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, overload

if TYPE_CHECKING:
    from ._base import ClientBase
    from ._spec import AsyncMode, Endpoint, EndpointMethod, Group, SyncMode

P = ParamSpec("P")
T = TypeVar("T")

Args = Callable[[dict[str, Any]], dict[str, Any]]
Build = Callable[["ClientBase", dict[str, Any], Any], T]


class ComposedMethod(Generic[P, T]):
    def __init__(
        self,
        source: EndpointMethod[Any, Any],
        build: Build[T],
        args: Args | None,
        stub: Callable[..., Any],
    ) -> None:
        self.source: Endpoint = source.spec
        self.build = build
        self.args = args or self._declared
        self.signature = inspect.signature(stub)
        self.name = stub.__name__
        self.__doc__ = stub.__doc__

    def _declared(self, values: dict[str, Any]) -> dict[str, Any]:
        """The stub's arguments that the source endpoint declares."""
        return {k: v for k, v in values.items() if k in self.source.by_name}

    def _arguments(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        bound = self.signature.bind(None, *args, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        values.pop("self", None)
        return values

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
        if obj is None:
            return self
        client = obj._client
        run = self._run_async if client.is_async else self._run_sync

        def method(*args: Any, **kwargs: Any) -> Any:
            return run(client, self._arguments(args, kwargs))

        method.__name__ = self.name
        method.__doc__ = self.__doc__
        method.__signature__ = self.signature  # type: ignore[attr-defined]
        return method


def compose(
    source: EndpointMethod[Any, Any], *, build: Build[T], args: Args | None = None
) -> Callable[[Callable[Concatenate[Any, P], Any]], ComposedMethod[P, T]]:
    """Declare a method that calls ``source`` then ``build(client, arguments, result)``."""

    def decorate(stub: Callable[Concatenate[Any, P], Any]) -> ComposedMethod[P, T]:
        return ComposedMethod(source, build, args, stub)

    return decorate
