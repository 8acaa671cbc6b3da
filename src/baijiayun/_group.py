"""Endpoint groups and the methods they give both clients.

A group is a class of typed stubs, declared once::

    class Room(Group[ModeT], name="room"):           # path prefix /openapi/room/
        @endpoint("info", safe=True)
        def info(self, room_id: RoomId) -> RoomInfo: ...

        @endpoint("listcode", safe=True, paging=Paging())
        def listcode(self, room_id: RoomId, page: Page | None = None, ...) -> CodeList: ...

        iter_codes = listcode.pages()                  # every page, one in memory

A group method is one of three descriptors:

* :class:`EndpointMethod` (``@endpoint``): one API call;
* :class:`PageMethod` (``endpoint.pages()``): every page of a paging endpoint;
* :class:`ComposedMethod` (``@compose``): one API call, then a pure transform.

Bound to ``Group[SyncMode]`` (the sync client) a method returns its result;
bound to ``Group[AsyncMode]`` it returns an awaitable (or an async iterator).
The sync/async difference is in the client's ``_call``; nothing here is
written twice. Methods that make no request (links) are plain methods.

The path of a call is plain to follow: ``client.room.info`` is a
:class:`BoundMethod` whose ``__wrapped__`` is the stub ``Room.info`` (go to
definition; ``inspect.unwrap``), and calling it runs the descriptor's
:meth:`GroupMethod.call` (for an endpoint: bind the arguments, then the
client's ``_call``). Result types are the stub's return annotation, resolved
in the stub's own module, which imports its group's models
(``baijiayun.models.<group>``): a group and its models load together, at the
group's first use (see :mod:`baijiayun.api`).
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from functools import cached_property
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Concatenate,
    Generic,
    ParamSpec,
    Protocol,
    TypeVar,
    overload,
)

from ._endpoint import Check, Endpoint, Paging, bind, declare, without_self

if TYPE_CHECKING:
    from ._flow import ClientBase
    from ._raw import RawResult

__all__ = [
    "AsyncEndpointCall",
    "AsyncMode",
    "Bound",
    "ComposedMethod",
    "EndpointCall",
    "EndpointMethod",
    "Group",
    "ModeT",
    "PageMethod",
    "SyncMode",
    "compose",
    "endpoint",
]

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
R_co = TypeVar("R_co", covariant=True)

_DECLARING = threading.RLock()


class SyncMode:
    """Marker: bound to the sync client, methods return results."""


class AsyncMode:
    """Marker: bound to the async client, methods return awaitables."""


ModeT = TypeVar("ModeT", SyncMode, AsyncMode)


class Bound(Generic[ModeT]):
    """Anything whose methods are bound to a client of one mode (groups, the clients)."""

    @property
    def _client(self) -> ClientBase:
        raise NotImplementedError


class GroupMethod:
    """Base of the descriptors a group collects; ``name`` is the attribute name."""

    name: str = ""
    __wrapped__: Callable[..., Any]
    """The typed stub that declares the method (in ``api/<group>.py``)."""

    def __set_name__(self, owner: type, name: str) -> None:
        if not self.name:  # an alias (``create_key = createkey``) keeps the first name
            self.name = name

    def _finish(self, group: type[Group[Any]]) -> None:
        """Called once the group class exists (its name and prefix are known)."""

    @property
    def method_signature(self) -> inspect.Signature:
        """The signature the bound method shows (without ``self``)."""
        raise NotImplementedError

    def call(self, client: ClientBase, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Run this method for ``client`` with a call's arguments (what a bound method does)."""
        raise NotImplementedError

    def _bind(self, obj: Bound[Any]) -> BoundMethod:
        return BoundMethod(self, obj._client)


class BoundMethod:
    """A group's method bound to one client: ``client.room.info``.

    Calling it is :meth:`GroupMethod.call` with this client. ``__wrapped__`` is
    the declaring stub (so "go to definition" and ``inspect.unwrap`` reach
    ``api/<group>.py``); ``__signature__`` is the stub's without ``self``.
    """

    def __init__(self, method: GroupMethod, client: ClientBase) -> None:
        self.method = method
        self.client = client
        self.__wrapped__ = method.__wrapped__
        self.__name__ = self.__qualname__ = method.name
        self.__doc__ = method.__doc__
        self.__signature__ = method.method_signature

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.method.call(self.client, args, kwargs)

    def __repr__(self) -> str:
        return f"<bound method {self.__wrapped__.__qualname__} of {self.client!r}>"


class BoundEndpoint(BoundMethod):
    """An endpoint bound to one client; ``.raw(...)`` makes the same call and answers its
    ``data`` unconverted."""

    def raw(self, *args: Any, **kwargs: Any) -> Any:
        """The same call; its answer's ``data`` as plain JSON values, with the envelope and
        the HTTP status and headers (``.parse()`` builds the result)."""
        method: EndpointMethod[Any, Any] = self.method  # type: ignore[assignment]
        return method.call_raw(self.client, args, kwargs)


class EndpointCall(Protocol[P, R_co]):
    """An endpoint bound to the sync client: call it for the result, ``.raw(...)`` for the
    answer's ``data`` unconverted (a :class:`~baijiayun.RawResult`)."""

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R_co: ...

    def raw(self, *args: P.args, **kwargs: P.kwargs) -> RawResult[R_co]:
        """The same call; its answer's ``data`` as plain JSON values, with the envelope and
        the HTTP status and headers (``.parse()`` builds the result)."""
        ...


class AsyncEndpointCall(Protocol[P, R_co]):
    """An endpoint bound to the async client: await it for the result, await
    ``.raw(...)`` for the answer's ``data`` unconverted."""

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> Coroutine[Any, Any, R_co]: ...

    def raw(self, *args: P.args, **kwargs: P.kwargs) -> Coroutine[Any, Any, RawResult[R_co]]:
        """The same call; its answer's ``data`` as plain JSON values, with the envelope and
        the HTTP status and headers (``.parse()`` builds the result)."""
        ...


class EndpointMethod(GroupMethod, Generic[P, R]):
    """One API call, declared by a stub (see :func:`endpoint`)."""

    def __init__(self, stub: Callable[..., Any], path: str, options: dict[str, Any]) -> None:
        self.__wrapped__ = stub
        self.__doc__ = stub.__doc__
        self._stub = stub
        self._path = path
        self._options = options
        self._group: type[Group[Any]] | None = None
        self._spec: Endpoint | None = None

    def _finish(self, group: type[Group[Any]]) -> None:
        if self._group is None:  # an alias (a second name) keeps the first
            self._group = group
            self.path = self._path if self._path.startswith("/") else group.prefix + self._path
            self.qualname = f"{group.group_name}.{self._stub.__name__}"

    @property
    def spec(self) -> Endpoint:
        """The endpoint the stub declares, read at its first use.

        Annotations, the return type included, are resolved in the stub's own
        module (``api/<group>.py``, which imports its result models).
        """
        if self._spec is None:
            group = self._group
            if group is None:
                raise RuntimeError(f"{self._stub.__qualname__} is not in a Group class")
            with _DECLARING:
                if self._spec is None:
                    self._spec = declare(
                        self._stub,
                        group=group.group_name,
                        path=self.path,
                        host=group.host,
                        **self._options,
                    )
        return self._spec

    @property
    def method_signature(self) -> inspect.Signature:
        return self.spec.method_signature

    def call(self, client: ClientBase, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """One API call: bind the arguments, then the client's call flow (sync or async)."""
        spec = self.spec
        return client._call(spec, spec.bind(args, kwargs))

    @overload
    def pages(self: EndpointMethod[P, list[T]]) -> PageMethod[P, T]: ...
    @overload
    def pages(self: EndpointMethod[P, HasItems[T]]) -> PageMethod[P, T]: ...
    def pages(self) -> Any:
        """An iterator over every page of this endpoint (it must declare ``paging``)."""
        if self._options.get("paging") is None:
            raise TypeError(f"{self._stub.__qualname__}: pages() needs paging= on @endpoint")
        return PageMethod(self)

    @overload
    def __get__(self, obj: None, owner: Any) -> EndpointMethod[P, R]: ...
    @overload
    def __get__(self, obj: Bound[SyncMode], owner: Any) -> EndpointCall[P, R]: ...
    @overload
    def __get__(self, obj: Bound[AsyncMode], owner: Any) -> AsyncEndpointCall[P, R]: ...
    def __get__(self, obj: Any, owner: Any) -> Any:
        return self if obj is None else self._bind(obj)

    def call_raw(self, client: ClientBase, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """The same call, answering a :class:`~baijiayun.RawResult` (``data`` unconverted)."""
        spec = self.spec
        return client._call_raw(spec, spec.bind(args, kwargs))

    def _bind(self, obj: Bound[Any]) -> BoundMethod:
        return BoundEndpoint(self, obj._client)


class HasItems(Protocol[T]):
    """A page of results: :class:`baijiayun.models.Page` and its subclasses."""

    @property
    def items(self) -> list[T]: ...


class DerivedMethod(GroupMethod):
    """A method built on an endpoint: binds its own arguments, runs sync or async."""

    def __init__(self, source: EndpointMethod[Any, Any], stub: Callable[..., Any]) -> None:
        self._source = source
        self.__wrapped__ = stub
        """The stub that declares this method (the source's stub for ``pages()``)."""

    @property
    def source(self) -> Endpoint:
        """The endpoint this method calls."""
        return self._source.spec

    @property
    def signature(self) -> inspect.Signature:
        raise NotImplementedError

    @cached_property
    def method_signature(self) -> inspect.Signature:
        """The signature the bound method shows (without ``self``)."""
        return without_self(self.signature)

    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """A call's arguments by name, defaults applied."""
        return bind(self.name, self.method_signature, args, kwargs)

    def call(self, client: ClientBase, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Bind the arguments, then run the method the sync or the async way."""
        values = self.bind(args, kwargs)
        if client.is_async:
            return self._run_async(client, values)
        return self._run_sync(client, values)

    def _run_sync(self, client: ClientBase, values: dict[str, Any]) -> Any:
        raise NotImplementedError

    def _run_async(self, client: ClientBase, values: dict[str, Any]) -> Any:
        raise NotImplementedError


def _items(result: Any) -> list[Any]:
    return result if isinstance(result, list) else list(result.items)


class PageMethod(DerivedMethod, Generic[P, T]):
    """Every item of every page of a paging endpoint, one page in memory at a time.

    Takes the endpoint's own parameters: ``page`` is the page to start from
    (default 1) and the page size defaults to the endpoint's documented one.
    """

    def __init__(self, source: EndpointMethod[Any, Any]) -> None:
        super().__init__(source, source.__wrapped__)
        self.__doc__ = (
            f"Every item of every page of :meth:`{source._stub.__name__}`, one page in memory "
            "at a time. ``page`` is the page to start from."
        )

    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        # as the endpoint binds (None is not sent), errors naming this method
        sent = self.source.sent_defaults
        return bind(self.name, self.method_signature, args, kwargs, sent_defaults=sent)

    @property
    def signature(self) -> inspect.Signature:
        return self.source.signature.replace(return_annotation=inspect.Signature.empty)

    def _pages(self, values: dict[str, Any]) -> tuple[Paging, dict[str, Any], Any]:
        paging = self.source.paging
        assert paging is not None
        values = dict(values)
        if values.get(paging.size) is None:
            values[paging.size] = paging.default_size
        return paging, values, values.get(paging.page) or 1

    def _run_sync(self, client: ClientBase, values: dict[str, Any]) -> Iterator[T]:
        paging, values, page = self._pages(values)
        while True:
            batch: list[T] = _items(client._call(self.source, {**values, paging.page: page}))
            yield from batch
            if len(batch) < int(values[paging.size]):
                return
            page = int(page) + 1

    async def _run_async(self, client: ClientBase, values: dict[str, Any]) -> AsyncIterator[T]:
        paging, values, page = self._pages(values)
        while True:
            batch: list[T] = _items(await client._call(self.source, {**values, paging.page: page}))
            for item in batch:
                yield item
            if len(batch) < int(values[paging.size]):
                return
            page = int(page) + 1

    @overload
    def __get__(self, obj: None, owner: Any) -> PageMethod[P, T]: ...
    @overload
    def __get__(self, obj: Bound[SyncMode], owner: Any) -> Callable[P, Iterator[T]]: ...
    @overload
    def __get__(self, obj: Bound[AsyncMode], owner: Any) -> Callable[P, AsyncIterator[T]]: ...
    def __get__(self, obj: Any, owner: Any) -> Any:
        return self if obj is None else self._bind(obj)


Args = Callable[[dict[str, Any]], dict[str, Any]]
Build = Callable[[Any, dict[str, Any], Any], T]


class StubMethod(DerivedMethod):
    """A derived method whose own typed stub gives its signature and doc."""

    def __init__(self, source: EndpointMethod[Any, Any], stub: Callable[..., Any]) -> None:
        super().__init__(source, stub)
        self._signature = inspect.signature(stub)
        self.__doc__ = stub.__doc__

    @property
    def signature(self) -> inspect.Signature:
        return self._signature


class ComposedMethod(StubMethod, Generic[P, T]):
    """One API call, then a pure ``build(client, arguments, result)`` (see :func:`compose`)."""

    def __init__(
        self,
        source: EndpointMethod[Any, Any],
        build: Build[T],
        args: Args | None,
        stub: Callable[..., Any],
    ) -> None:
        super().__init__(source, stub)
        self.build = build
        self.args = args or self._declared

    def _declared(self, values: dict[str, Any]) -> dict[str, Any]:
        """The arguments the source endpoint declares."""
        return {k: v for k, v in values.items() if k in self.source.by_name}

    def _run_sync(self, client: ClientBase, values: dict[str, Any]) -> T:
        return self.build(client, values, client._call(self.source, self.args(values)))

    async def _run_async(self, client: ClientBase, values: dict[str, Any]) -> T:
        return self.build(client, values, await client._call(self.source, self.args(values)))

    @overload
    def __get__(self, obj: None, owner: Any) -> ComposedMethod[P, T]: ...
    @overload
    def __get__(self, obj: Bound[SyncMode], owner: Any) -> Callable[P, T]: ...
    @overload
    def __get__(self, obj: Bound[AsyncMode], owner: Any) -> Callable[P, Coroutine[Any, Any, T]]: ...
    def __get__(self, obj: Any, owner: Any) -> Any:
        return self if obj is None else self._bind(obj)


class Group(Bound[ModeT]):
    """Base of an endpoint group (``client.room``, ``client.playback``, ...).

    ``class Room(Group[ModeT], name="room")`` names the group; its endpoints'
    paths are relative to ``prefix`` (default ``/openapi/{name}/``). ``host`` is
    the base URL the platform serves the group from when it is not the account's
    own (used unless the client's ``base_url`` was set explicitly).
    """

    group_name: ClassVar[str] = ""
    prefix: ClassVar[str] = ""
    host: ClassVar[str | None] = None
    """The base URL the platform serves the group from, if not the account's own."""
    methods: ClassVar[dict[str, GroupMethod]] = {}
    """The group's API methods by attribute name (endpoints and derived methods)."""

    def __init_subclass__(
        cls, *, name: str = "", prefix: str | None = None, host: str | None = None, **kw: Any
    ) -> None:
        super().__init_subclass__(**kw)
        cls.host = host
        if not name:
            raise TypeError(f"{cls.__name__}: name the group: class X(Group[ModeT], name='x')")
        cls.group_name = name
        cls.prefix = f"/openapi/{name}/" if prefix is None else prefix
        cls.methods = {k: v for k, v in vars(cls).items() if isinstance(v, GroupMethod)}
        for method in {id(m): m for m in cls.methods.values()}.values():  # aliases once
            method._finish(cls)

    def __init__(self, client: ClientBase) -> None:
        self.__client = client

    @property
    def _client(self) -> ClientBase:
        return self.__client


def endpoint(
    path: str,
    *,
    safe: bool = False,
    signed: bool = True,
    unwrap: str | None = None,
    checks: tuple[Check, ...] = (),
    client_checks: tuple[Check, ...] = (),
    paging: Paging | None = None,
) -> Callable[[Callable[Concatenate[Any, P], R]], EndpointMethod[P, R]]:
    """Declare an endpoint of a group from a typed stub.

    ``path``: relative to the group's prefix (or absolute, from ``/``).
    ``safe``: repeating it cannot change state (reads), so it is retried even
    after the request may have arrived. ``unwrap``: the field of ``data`` the
    result is taken from. ``checks``: rules over several parameters that the
    platform enforces; ``client_checks``: those only the SDK checks.
    ``paging``: how the endpoint pages (enables ``.pages()``).
    """
    options = {
        "safe": safe,
        "signed": signed,
        "unwrap": unwrap,
        "checks": checks,
        "client_checks": client_checks,
        "paging": paging,
    }

    def decorate(stub: Callable[Concatenate[Any, P], R]) -> EndpointMethod[P, R]:
        return EndpointMethod(stub, path, options)

    return decorate


def compose(
    source: EndpointMethod[Any, Any], *, build: Build[T], args: Args | None = None
) -> Callable[[Callable[Concatenate[Any, P], Any]], ComposedMethod[P, T]]:
    """Declare a method that calls ``source``, then returns ``build(client, arguments, result)``.

    ``args`` derives the source's arguments from the method's (default: the
    arguments the source declares).
    """

    def decorate(stub: Callable[Concatenate[Any, P], Any]) -> ComposedMethod[P, T]:
        return ComposedMethod(source, build, args, stub)

    return decorate
