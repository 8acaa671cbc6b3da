"""What a sandbox module declares: its stores, its handlers, its controls, its pages.

A group's module (``sandbox/groups/<group>.py``, the SDK group's own name) has
one :class:`Service` named after the group; state several groups share lives in
``sandbox/state/``, each module with a service of its own that the groups
``use``::

    service = Service("room", uses=(accounts.service, rooms.service), aliases=("rooms",))

    @service.store
    class RoomStore(Store):
        schema = "CREATE TABLE IF NOT EXISTS rooms (...)"

    @service.handles(Room.info)                  # the SDK's own declaration
    def info(call: Call) -> dict[str, Any]:      # named as the endpoint's method
        room = call.store(RoomStore).get(call.args["room_id"])
        ...

    @service.controls
    class RoomControls(Controls):                # ``sandbox.room``
        @route("POST", "/_sandbox/rooms/{room_id}/start")
        def start_class(self, room_id: str) -> dict[str, Any]: ...

A handler receives the request already authenticated, its fields parsed and
checked by the endpoint's declaration (the platform's rules), and stores bound
to the caller's partner. It returns the envelope's ``data`` or raises
:class:`~baijiayun.sandbox.PlatformError`.

A service may also serve a path outside the API (the host videos are uploaded
to): ``@service.serves("/_upload/video")`` registers a function that gets the
raw request and answers it itself; faults apply to it as to API paths.
A ``/web/`` page that a link opens is registered the same way with
``@service.page(path)``, and the console's parts with ``@service.panel(where)``
and ``@service.action(name)``: neither the core nor the console knows a group.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..._endpoint import Endpoint
from ..._group import EndpointMethod
from .db import Env, Store
from .http import SandboxRequest, SandboxResponse

__all__ = [
    "AccountLookup",
    "Action",
    "Call",
    "Controls",
    "OwnerLookup",
    "Panel",
    "PanelView",
    "RawHandler",
    "Route",
    "Service",
    "closure",
    "route",
    "routes_of",
]

S = TypeVar("S", bound=Store)
C = TypeVar("C", bound="Controls")
Handler = Callable[["Call"], Any]
RawHandler = Callable[[Env, SandboxRequest], SandboxResponse]
AccountLookup = Callable[[Env, str], "dict[str, Any] | None"]
"""An account by partner id (``partner_key`` and ``disabled`` at least), or None."""
OwnerLookup = Callable[[Env, str], str]
"""The partner id a room belongs to (a :class:`PlatformError` 3001 when none has it)."""
Action = Callable[[Any, dict[str, str]], Any]
"""A console form's action: ``fn(controls, form)`` with the service's controls."""
PANEL_PLACES = ("overview", "steer", "room", "room_steer")
"""Where a panel stands: the overview's main column or its side, a room page's or its side."""


@dataclass(frozen=True)
class PanelView:
    """What a console panel is drawn for: an account, and a room on a room's page."""

    env: Env
    partner: str
    """The account shown (a room page's: the room's owner)."""
    room_id: str | None
    query: dict[str, str]
    """The page's query (a panel's own paging parameters)."""
    prefix: str
    """The console's path (``/_sandbox/ui``), for links to its pages."""
    base_url: str
    """The sandbox's base URL as the browser reached it (``http://host/``)."""
    form: Callable[..., str]
    """``form(action, fields_html, label, **hidden)``: a console form posting an action."""


@dataclass(frozen=True)
class Panel:
    """A part of the console a service draws (HTML), at one of :data:`PANEL_PLACES`."""

    where: str
    render: Callable[[PanelView], str]
    order: int = 0
    """Panels at one place stand by ``order``, then in the order of the services."""


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
    """A group's helpers, as Python methods (``sandbox.room.start_class``) and control routes."""

    def __init__(self, env: Env) -> None:
        self.env = env

    @classmethod
    def routes(cls) -> list[Route]:
        return routes_of(cls)


def routes_of(cls: type) -> list[Route]:
    """The control routes a class's methods declare."""
    return [fn.__sandbox_route__ for fn in vars(cls).values() if hasattr(fn, "__sandbox_route__")]


class Service:
    """The emulation of one endpoint group, or state several groups share (module docstring)."""

    def __init__(
        self, name: str, *, uses: tuple[Service, ...] = (), aliases: tuple[str, ...] = ()
    ) -> None:
        self.name = name
        self.uses = uses
        """The state services whose tables this one reads (their stores join the database)."""
        self.aliases = aliases
        """Earlier names of ``sandbox.<name>`` (kept for users' test suites)."""
        self.stores: list[type[Store]] = []
        self.handlers: dict[Endpoint, Handler] = {}
        self.raw_routes: dict[str, RawHandler] = {}
        self.pages: dict[str, RawHandler] = {}
        self.panels: list[Panel] = []
        self.actions: dict[str, Action] = {}
        self.controls_class: type[Controls] | None = None
        self.listeners: list[tuple[str, Callable[..., Any]]] = []
        self.account_lookup: AccountLookup | None = None
        self.owner_lookup: OwnerLookup | None = None

    @property
    def schema(self) -> str:
        return "".join(store.schema for store in self.stores)

    def store(self, cls: type[S]) -> type[S]:
        """Register a store class (its ``schema`` becomes part of the database)."""
        self.stores.append(cls)
        return cls

    def handles(self, method: EndpointMethod[Any, Any]) -> Callable[[Handler], Handler]:
        """Register the emulation of one of this group's endpoints (the group's attribute).

        The handler is named as the endpoint's method (``Room.list`` -> ``def list``), so
        grepping a method's name finds its emulation.
        """
        spec = method.spec

        def register(fn: Handler) -> Handler:
            if spec.group != self.name:
                raise TypeError(
                    f"{spec.qualname} belongs in the {spec.group} module, not {self.name}"
                )
            if fn.__name__ != spec.name:
                raise TypeError(f"the handler of {spec.qualname} must be named {spec.name}")
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

    def page(self, path: str) -> Callable[[RawHandler], RawHandler]:
        """Register the ``/web/`` page at ``path`` (a page a link opens; HTML, no envelope)."""
        if not path.startswith("/web/"):
            raise TypeError(f"{path}: pages live under /web/")

        def register(fn: RawHandler) -> RawHandler:
            if path in self.pages:
                raise TypeError(f"{path} is served twice in {self.name}")
            self.pages[path] = fn
            return fn

        return register

    def panel(
        self, where: str, *, order: int = 0
    ) -> Callable[[Callable[[PanelView], str]], Callable[[PanelView], str]]:
        """Register a part of the console (see :data:`PANEL_PLACES`)."""
        if where not in PANEL_PLACES:
            raise TypeError(f"a panel stands at one of {PANEL_PLACES}, not {where!r}")

        def register(fn: Callable[[PanelView], str]) -> Callable[[PanelView], str]:
            self.panels.append(Panel(where, fn, order))
            return fn

        return register

    def action(self, name: str) -> Callable[[Action], Action]:
        """Register what the console's form ``name`` does: ``fn(controls, form)``."""

        def register(fn: Action) -> Action:
            if name in self.actions:
                raise TypeError(f"the console action {name} is registered twice in {self.name}")
            self.actions[name] = fn
            return fn

        return register

    def on(self, event: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Run ``fn(env, **details)`` when a service emits ``event`` (``env.emit``).

        So a group reacts to another's state change without the two importing each
        other (``room`` emits ``class_ended``; ``playback`` makes the playback).
        """

        def register(fn: Callable[..., Any]) -> Callable[..., Any]:
            self.listeners.append((event, fn))
            return fn

        return register

    def controls(self, cls: type[C]) -> type[C]:
        """Register the service's helpers class (one per service): ``sandbox.<name>``."""
        self.controls_class = cls
        return cls

    def accounts(self, fn: AccountLookup) -> AccountLookup:
        """Register how the core finds an account to authenticate a call (one service does)."""
        self.account_lookup = fn
        return fn

    def room_owners(self, fn: OwnerLookup) -> OwnerLookup:
        """Register how the console finds the account a room belongs to (one service does)."""
        self.owner_lookup = fn
        return fn


def closure(services: Iterable[Service]) -> tuple[Service, ...]:
    """``services`` and every service they use, each once, used ones first."""
    seen: dict[int, Service] = {}

    def visit(service: Service) -> None:
        if id(service) in seen:
            return
        for used in service.uses:
            visit(used)
        seen[id(service)] = service

    for service in services:
        visit(service)
    return tuple(seen.values())
