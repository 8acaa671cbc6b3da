"""The sandbox core: one synchronous function from a request to a response.

The ASGI server (``_server.py``) and the in-process transport (``_transport.py``)
both call :meth:`Sandbox.handle`; neither adds behaviour of its own, so the
sandbox answers the same over real HTTP and without sockets.

The core knows no endpoint group. It authenticates (partner, sign,
timestamp), parses the form with the endpoint's own declaration from the
SDK's registry, and hands the call to the handler a group's module
registered (see ``_service.py``). The groups' modules are listed once, in
:data:`SERVICES`.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from ..._endpoint import Endpoint
from ..._wire import BEIJING, Context
from ...api import REGISTRY
from .console import PREFIX as CONSOLE
from .console import Console
from .control import ControlRouter
from .db import Database, Env, Ids, Pager
from .faults import Fault, FaultQueue
from .gateway import Gateway
from .http import SandboxRequest, SandboxResponse, envelope, faulted
from .log import RequestLog
from .server import ThreadedServer
from .service import (
    AccountLookup,
    Controls,
    Handler,
    RawHandler,
    Route,
    Service,
    closure,
    route,
    routes_of,
)
from .transport import SandboxTransport
from .util import html_page

logger = logging.getLogger("baijiayun.sandbox")

SANDBOX_PARTNER_ID = "10000001"
"""The partner id every sandbox knows (the banner and README show all three)."""
SANDBOX_PARTNER_KEY = "sandbox-partner-key-0000000000000000000000000000000000000000"
SANDBOX_SECRET_KEY = "sandbox-secret-key"
IN_PROCESS_URL = "http://sandbox.local/"
OTHER_PATHS = "(other)"
"""The request counter's key for every path that is neither an endpoint nor a service's own
route (the upload host): the counter stays small."""
_FALLBACK = b'{"code":1,"msg":"sandbox internal error (see the sandbox\'s log)","data":null,"ts":0}'

GROUPS_PACKAGE = "baijiayun.sandbox.groups"
"""Where each SDK group's emulation lives: ``groups/<group>.py``, the group's own name."""


def group_services() -> tuple[Service, ...]:
    """The service of every group in the SDK's registry (``groups/<name>.py``'s ``service``).

    The core names no group: a new group's module is found by its name.
    """
    found = []
    for name, info in REGISTRY.groups.items():
        if not info.methods:  # a group of derived methods only (links): nothing to emulate
            continue
        service = importlib.import_module(f"{GROUPS_PACKAGE}.{name}").service
        if service.name != name:
            raise TypeError(f"{GROUPS_PACKAGE}.{name}'s service is named {service.name!r}")
        found.append(service)
    return tuple(found)


SERVICES: tuple[Service, ...] = closure(group_services())
"""Every service: the state the groups share (``state/``), then each group's emulation."""


def _router_table(services: tuple[Service, ...]) -> dict[str, tuple[Endpoint, Handler]]:
    """Handlers by path, checked against the SDK's registry (one handler per endpoint)."""
    table: dict[str, tuple[Endpoint, Handler]] = {}
    for service in services:
        for spec, handler in service.handlers.items():
            if REGISTRY.by_path(spec.path) is not spec:
                raise TypeError(f"{service.name} emulates {spec.qualname}, not in the registry")
            if spec.path in table:
                raise TypeError(f"{spec.qualname} is emulated twice")
            table[spec.path] = (spec, handler)
    return table


def _pages_table(services: tuple[Service, ...]) -> dict[str, RawHandler]:
    """The ``/web/`` pages links open, each served by the group it belongs to."""
    table: dict[str, RawHandler] = {}
    for service in services:
        for path, handler in service.pages.items():
            if path in table:
                raise TypeError(f"{service.name} serves {path}, which is taken")
            table[path] = handler
    return table


def _account_lookup(services: tuple[Service, ...]) -> AccountLookup:
    """How calls are authenticated: the one service that knows the accounts."""
    lookups = [s.account_lookup for s in services if s.account_lookup is not None]
    if len(lookups) != 1:
        raise TypeError(f"exactly one service must look accounts up, not {len(lookups)}")
    return lookups[0]


def _raw_table(services: tuple[Service, ...]) -> dict[str, RawHandler]:
    """Paths outside the API that services answer themselves (an upload host)."""
    table: dict[str, RawHandler] = {}
    for service in services:
        for path, handler in service.raw_routes.items():
            if path in table or path.startswith(("/openapi/", "/_sandbox", "/web/")):
                raise TypeError(f"{service.name} serves {path}, which is taken")
            table[path] = handler
    return table


class Sandbox:
    """A stateful local emulator of the platform's open API.

    >>> sandbox = Sandbox(seed=7)
    >>> client = sandbox.client()          # in process, no sockets
    >>> with sandbox.serve() as server:    # real HTTP on 127.0.0.1
    ...     print(server.base_url)

    Each service's helpers are an attribute named as the service (a group's own
    name): ``sandbox.room.start_class(room_id)``, ``sandbox.classroom.enter(room_id,
    user_number)``, ``sandbox.video.set_video_status(video_id, 100)``,
    ``sandbox.playback.set_playback_status(room_id, 100)``,
    ``sandbox.partner.add(partner_id, partner_key, secret_key)``. The earlier names
    (``sandbox.rooms``, ``sandbox.media``, ...) are the same objects.

    ``raise_errors=True`` re-raises a bug in a handler instead of answering
    code 1 (the pytest plugin sets it, so a test fails at the bug).
    """

    def __init__(
        self,
        db: str = ":memory:",
        *,
        seed: int | None = None,
        partner_id: str = SANDBOX_PARTNER_ID,
        partner_key: str = SANDBOX_PARTNER_KEY,
        secret_key: str = SANDBOX_SECRET_KEY,
        clock: Callable[[], float] = time.time,
        raise_errors: bool = False,
    ) -> None:
        self.db = Database(db, [service.schema for service in SERVICES])
        self.env = Env(
            self.db,
            Ids(seed),
            self.now,
            Pager(),
            default_partner=str(partner_id),
            default_keys=(partner_key, secret_key),
        )
        self.faults = FaultQueue()
        self.requests: Counter[str] = Counter()
        self.log = RequestLog()
        self.recent = self.log.recent
        """The newest API requests, oldest first (the console shows them)."""
        self.raise_errors = raise_errors
        self._counter_lock = threading.Lock()
        self._clock = clock
        self.clock_offset = 0.0
        self._ctx = Context(tz=BEIJING, now=self.now)
        self._handlers = _router_table(SERVICES)
        self._raw = _raw_table(SERVICES)
        self._pages = _pages_table(SERVICES)
        self._gateway = Gateway(self.env, self._handlers, _account_lookup(SERVICES), self._ctx)
        for service in SERVICES:
            for event, listener in service.listeners:
                self.env.listeners.setdefault(event, []).append(listener)
        self.controls: dict[str, Controls] = {}
        """Each service's helpers by the service's name (also attributes: ``sandbox.room``)."""
        owners: list[tuple[list[Route], Any]] = [(routes_of(Sandbox), self)]
        for service in SERVICES:
            if service.controls_class is not None:
                controls = service.controls_class(self.env)
                self.controls[service.name] = controls
                for name in (service.name, *service.aliases):
                    setattr(self, name, controls)
                owners.append((service.controls_class.routes(), controls))
        self._control = ControlRouter(owners)
        self._console = Console(self, SERVICES)
        self.default_partner = (str(partner_id), partner_key, secret_key)
        self.env.emit("reset")

    def __getattr__(self, name: str) -> Any:
        """A service's helpers (set in ``__init__``); typed loosely so each needs no listing."""
        raise AttributeError(f"the sandbox has no helpers named {name!r}")

    # ---- the core's own controls (each group's are on sandbox.<group>)
    def now(self) -> float:
        """The sandbox's clock (moved by :meth:`advance_clock`)."""
        return self._clock() + self.clock_offset

    @route("POST", "/_sandbox/reset")
    def reset(self) -> dict[str, Any]:
        """Forget every room, code, fault and counter; keep the default partner."""
        self.db.reset()
        self.env.pager.clear()
        self.faults.clear()
        with self._counter_lock:
            self.requests.clear()
        self.log.clear()
        self.clock_offset = 0.0
        self.env.emit("reset")
        return {"ok": True}

    @route("POST", "/_sandbox/seed")
    def seed(self, seed: int | None) -> dict[str, Any]:
        """Make the ids, codes and tokens made from now on repeatable."""
        self.env.ids.seed(seed)
        return {"ok": True, "seed": seed}

    @route("GET", "/_sandbox/state")
    def dump(self) -> dict[str, Any]:
        """Every table, the request counters, the queued faults and the clock."""
        return {
            "state": self.db.dump(),
            "requests": dict(self.requests),
            "faults": self.faults.describe(),
            "clock_offset": self.clock_offset,
        }

    @route("POST", "/_sandbox/faults", result="fault")
    def inject(self, path: str = "*", **fault: Any) -> Fault:
        """Queue a fault for the next ``count`` requests to ``path`` (``*``: any path).

        Keywords: ``status`` (HTTP status), ``code``/``msg`` (a platform error),
        ``delay`` (seconds), ``drop`` (close without answer), ``body``
        (``truncated``, ``not_json``, ``html``), ``count`` (default 1),
        ``process`` (whether the request is still carried out).
        """
        return self.faults.add(Fault.from_dict({"path": path, **fault}))

    @route("GET", "/_sandbox/faults")
    def queued_faults(self) -> dict[str, Any]:
        """The faults still queued."""
        return {"faults": self.faults.describe()}

    @route("DELETE", "/_sandbox/faults")
    def clear_faults(self) -> dict[str, Any]:
        """Drop every queued fault."""
        self.faults.clear()
        return {"ok": True}

    @route("GET", "/_sandbox/requests")
    def request_counts(self) -> dict[str, Any]:
        """How many requests each path received."""
        with self._counter_lock:
            return {"total": sum(self.requests.values()), "by_path": dict(self.requests)}

    def request_count(self, path: str | None = None) -> int:
        """Requests received in all (or to an endpoint's ``path``; other paths count together
        under ``(other)``)."""
        with self._counter_lock:
            return sum(self.requests.values()) if path is None else self.requests[path]

    @route("POST", "/_sandbox/clock")
    def advance_clock(self, advance: float) -> dict[str, Any]:
        """Move the sandbox's clock forward (audition codes and tokens expire by it)."""
        if not math.isfinite(advance) or abs(advance) > 100 * 365 * 86400:
            raise ValueError("advance must be a finite number of seconds (at most a century)")
        self.clock_offset += float(advance)
        return {"ok": True, "now": self.now()}

    # ---- the request path
    def handle(self, request: SandboxRequest) -> SandboxResponse:
        """Answer one request. Never answers a framework error page.

        A bug in a handler is logged with its traceback and answered as code 1,
        or re-raised with ``raise_errors=True``. The answer to a bug is built
        so that it cannot fail in turn.
        """
        try:
            return self._handle(request)
        except Exception:
            if self.raise_errors:
                raise
            with contextlib.suppress(Exception):
                logger.exception("sandbox internal error on %s", request.path[:100])
            return SandboxResponse(body=_FALLBACK)

    def envelope(self, code: int, msg: str, data: Any = None) -> SandboxResponse:
        return envelope(code, msg, data, self.now())

    def takes_files(self, path: str) -> bool:
        """Whether ``path`` takes a file part: an endpoint declaring a file parameter, or a
        service's own path (the upload host). Only these may receive bodies over 20 MB."""
        if path in self._raw:
            return True
        spec = REGISTRY.by_path(path)
        return spec is not None and any(param.is_file for param in spec.params)

    def _count(self, path: str) -> None:
        known = REGISTRY.by_path(path) is not None or path in self._raw
        key = path if known else OTHER_PATHS
        with self._counter_lock:
            self.requests[key] += 1

    def _handle(self, request: SandboxRequest) -> SandboxResponse:
        """Route by path: the console, the control API, a ``/web/`` page, or an API call
        (through the queued faults, a service's own path or the gateway, then the log)."""
        path = request.path
        self._count(path)
        if path == CONSOLE or path.startswith(CONSOLE + "/"):
            return self._console.handle(request)
        if path == "/_sandbox" or path.startswith("/_sandbox/"):
            return self._control.handle(request)
        if path.startswith("/web/"):
            page = self._pages.get(path)
            if page is None:
                return html_page(404, "Not found", path[:100])
            return page(self.env, request)
        started = time.perf_counter()
        fault = self.faults.take(path)
        answer = None
        if fault is None or fault.process:
            raw = self._raw.get(path)
            answer = raw(self.env, request) if raw is not None else self._gateway.answer(request)
        response = faulted(answer, fault, self.now())
        self.log.add(request, response, started, fault, self.now())
        return response

    # ---- ways to reach it
    def transport(self) -> SandboxTransport:
        """An httpx2 transport (sync and async) that calls this sandbox without sockets."""
        return SandboxTransport(self)

    def client_settings(self, base_url: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Client arguments for this sandbox's default partner (the caller's win)."""
        partner_id, partner_key, _ = self.default_partner
        kwargs.setdefault("partner_id", partner_id)
        if "secret_key" not in kwargs:
            kwargs.setdefault("partner_key", partner_key)
        kwargs.setdefault("base_url", base_url)
        return kwargs

    def client(self, **kwargs: Any) -> Any:
        """A :class:`~baijiayun.BaiJiaYunClient` bound to this sandbox in process."""
        import httpx2

        from ..._client import BaiJiaYunClient

        kwargs.setdefault("http_client", httpx2.Client(transport=self.transport()))
        return BaiJiaYunClient(**self.client_settings(IN_PROCESS_URL, kwargs))

    def async_client(self, **kwargs: Any) -> Any:
        """An :class:`~baijiayun.AsyncBaiJiaYunClient` bound to this sandbox in process."""
        import httpx2

        from ..._client import AsyncBaiJiaYunClient

        kwargs.setdefault("http_client", httpx2.AsyncClient(transport=self.transport()))
        return AsyncBaiJiaYunClient(**self.client_settings(IN_PROCESS_URL, kwargs))

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> ThreadedServer:
        """Serve over real HTTP in a background thread: ``with sandbox.serve() as server:``."""
        return ThreadedServer(self, host, port)
