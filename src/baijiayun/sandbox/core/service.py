"""What a group's sandbox module declares: its stores, its handlers and its controls.

A module emulating a group has one :class:`Service`::

    service = Service("rooms")

    @service.store
    class RoomStore(Store):
        schema = "CREATE TABLE IF NOT EXISTS rooms (...)"

    @service.handles(Room.info)                  # the SDK's own declaration
    def info(call: Call) -> dict[str, Any]:
        room = call.store(RoomStore).get(call.args["room_id"])
        ...

    @service.controls
    class Rooms(Controls):                       # ``sandbox.rooms``
        @route("POST", "/_sandbox/rooms/{room_id}/start")
        def start_class(self, room_id: str) -> dict[str, Any]: ...

A handler receives the request already authenticated, its fields parsed and
checked by the endpoint's declaration (the platform's rules), and stores bound
to the caller's partner. It returns the envelope's ``data`` or raises
:class:`~baijiayun.sandbox.PlatformError`.

A service may also serve a path outside the API (the host videos are uploaded
to): ``@service.serves("/_upload/video")`` registers a function that gets the
raw request and answers it itself; faults apply to it as to API paths.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..._endpoint import Endpoint
from ..._group import EndpointMethod
from .db import Env, Store
from .http import SandboxRequest, SandboxResponse

__all__ = ["Call", "Controls", "RawHandler", "Route", "Service", "route", "routes_of"]

S = TypeVar("S", bound=Store)
Handler = Callable[["Call"], Any]
RawHandler = Callable[[Env, SandboxRequest], SandboxResponse]


@dataclass
class Call:
    """One emulated API call."""

    env: Env
    partner_id: str
    spec: Endpoint
    args: dict[str, Any]
    """The declared parameters received, parsed to their normalised values."""
    form: dict[str, str]
    files: dict[str, bytes]
    now: float
    base_url: str = ""
    """The sandbox's own base URL as the caller reached it (``http://host/``), for
    answers that hold URLs of the sandbox (upload and share URLs)."""
    _stores: dict[type[Store], Store] = field(default_factory=dict, repr=False)

    def store(self, cls: type[S]) -> S:
        """``cls`` bound to the caller's partner."""
        found = self._stores.get(cls)
        if found is None:
            found = self._stores[cls] = cls(self.env, self.partner_id)
        return found  # type: ignore[return-value]

    def page_args(self, default_size: int) -> tuple[int, int]:
        """``(page, size)`` of a paging call, read through the endpoint's declared
        :class:`~baijiayun._endpoint.Paging`: page 1 and ``default_size`` (the
        platform's own default) when not sent, or sent as 0."""
        paging = self.spec.paging
        if paging is None:
            raise TypeError(f"{self.spec.qualname} declares no paging")
        return int(self.args.get(paging.page) or 1), int(self.args.get(paging.size) or default_size)


@dataclass(frozen=True)
class Route:
    """A control route: ``method`` and a path pattern with ``{name}`` parts."""

    method: str
    pattern: str
    function: Callable[..., Any]
    regex: re.Pattern[str]
    result: str | None = None
    """Answer a plain value as ``{result: value}`` (else the value must be a dict)."""

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.function.__doc__ or "").split("\n")[0]


def route(
    method: str, pattern: str, *, result: str | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Expose a :class:`Controls` method at ``/_sandbox/...``.

    Path parts and the JSON body's fields become the method's keyword
    arguments, checked against its annotations (see ``_control.py``).
    """

    def mark(fn: Callable[..., Any]) -> Callable[..., Any]:
        regex = re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[0-9A-Za-z_-]{1,64})", pattern) + r"\Z")
        fn.__sandbox_route__ = Route(method, pattern, fn, regex, result)  # type: ignore[attr-defined]
        return fn

    return mark


class Controls:
    """A group's helpers, as Python methods (``sandbox.rooms.start_class``) and control routes."""

    def __init__(self, env: Env) -> None:
        self.env = env

    @classmethod
    def routes(cls) -> list[Route]:
        return routes_of(cls)


def routes_of(cls: type) -> list[Route]:
    """The control routes a class's methods declare."""
    return [fn.__sandbox_route__ for fn in vars(cls).values() if hasattr(fn, "__sandbox_route__")]


class Service:
    """The emulation of one or more endpoint groups (see the module docstring)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.stores: list[type[Store]] = []
        self.handlers: dict[Endpoint, Handler] = {}
        self.raw_routes: dict[str, RawHandler] = {}
        self.controls_class: type[Controls] | None = None
        self.listeners: list[tuple[str, Callable[..., Any]]] = []

    @property
    def schema(self) -> str:
        return "".join(store.schema for store in self.stores)

    def store(self, cls: type[S]) -> type[S]:
        """Register a store class (its ``schema`` becomes part of the database)."""
        self.stores.append(cls)
        return cls

    def handles(self, method: EndpointMethod[Any, Any]) -> Callable[[Handler], Handler]:
        """Register the emulation of an endpoint (given as the group's attribute)."""
        spec = method.spec

        def register(fn: Handler) -> Handler:
            if spec in self.handlers:
                raise TypeError(f"{spec.qualname} is emulated twice in {self.name}")
            self.handlers[spec] = fn
            return fn

        return register

    def serves(self, path: str) -> Callable[[RawHandler], RawHandler]:
        """Register the answer to requests to ``path``, a path outside the API."""

        def register(fn: RawHandler) -> RawHandler:
            if path in self.raw_routes:
                raise TypeError(f"{path} is served twice in {self.name}")
            self.raw_routes[path] = fn
            return fn

        return register

    def on(self, event: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Run ``fn(env, **details)`` when another service emits ``event`` (``env.emit``).

        So a group can react to another's state change without the two importing
        each other (``rooms`` emits ``class_ended``; ``playbacks`` makes the playback).
        """

        def register(fn: Callable[..., Any]) -> Callable[..., Any]:
            self.listeners.append((event, fn))
            return fn

        return register

    def controls(self, cls: type[Controls]) -> type[Controls]:
        """Register the group's helpers class (one per service)."""
        self.controls_class = cls
        return cls
