"""The control API under ``/_sandbox/``: unsigned JSON, loopback callers only.

Routes are declared where their behaviour lives, with :func:`route` on a
method (the core's own on ``Sandbox``, each group's on its ``Controls``
class). Path parts and the JSON body's fields become keyword arguments,
checked against the method's annotations, so a route is also a plain Python
method: ``sandbox.room.start_class(room_id)``.
"""

from __future__ import annotations

import inspect
import ipaddress
import json
import math
import types
import typing
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from .http import PlatformError, SandboxRequest, SandboxResponse, json_response
from .service import Route

SAFE_METHODS = ("GET", "HEAD")


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address (IPv4-mapped IPv6 included), port and brackets aside."""
    host = host.strip().lower()
    if host.startswith("["):
        host = host[1 : host.find("]")] if "]" in host else host
    elif host.count(":") == 1:
        host = host.partition(":")[0]
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool((mapped or address).is_loopback)


def _address(netloc: str) -> tuple[str, int] | None:
    """A ``host[:port]``'s host (lower case, no brackets) and port (80 when none), or None."""
    try:
        parts = urlsplit("//" + netloc.strip())
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname or parts.username is not None or parts.path:
        return None
    return parts.hostname, 80 if port is None else port


def same_origin(origin: str, host: str) -> bool:
    """Whether a browser's ``Origin`` is this server's own: scheme ``http``, and the host and
    port of the request's ``Host`` (a page of another local app, ``localhost:9``, is not)."""
    parts = urlsplit(origin.strip())
    if parts.scheme.lower() != "http" or parts.path or parts.query or parts.fragment:
        return False
    mine, theirs = _address(host), _address(parts.netloc)
    return mine is not None and mine == theirs


def refusal(request: SandboxRequest, *, json_writes: bool = True) -> str | None:
    """Why a control request is refused, or None.

    The peer must be this machine (judged by the socket, never a header), the
    ``Host`` must name this machine (no DNS rebinding), a browser page of
    another origin (scheme, host and port: another local port is another origin)
    may not send it, and a request that changes state must be
    JSON (which a page cannot send across origins without asking first).
    """
    if request.in_process:
        return None
    if not is_loopback(request.client_host or ""):
        return "the control API answers loopback callers only"
    if not is_loopback(request.headers.get("host", "")):
        return "the control API answers requests to a loopback Host only"
    origin = request.headers.get("origin")
    if origin is not None and not same_origin(origin, request.headers.get("host", "")):
        return "the control API refuses requests from other origins"
    if json_writes and request.method.upper() not in SAFE_METHODS:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            return "control requests that change state must be application/json"
    return None


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message


def _body(request: SandboxRequest) -> dict[str, Any]:
    if not request.body.strip():
        return {}
    try:
        data = json.loads(request.body, parse_constant=_no_constants)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ControlError(400, "body must be a JSON object of finite values") from None
    if not isinstance(data, dict):
        raise ControlError(400, "body must be a JSON object")
    return data


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number the control API accepts")


def _accepts(tp: Any, value: Any) -> bool:
    """Whether a JSON value fits an annotation (int, float, str, bool, Any, X | None)."""
    if tp is Any:
        return True
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return any(_accepts(arg, value) for arg in typing.get_args(tp))
    if tp is type(None):
        return value is None
    if tp is bool:
        return isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is float:
        return (
            isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        )
    origin = typing.get_origin(tp) or tp
    return isinstance(origin, type) and isinstance(value, origin)


class _Bound:
    """A route with the object its method is called on, and the method's parameters."""

    def __init__(self, route: Route, owner: Any) -> None:
        self.route = route
        self.owner = owner
        self.params = [
            p for p in inspect.signature(route.function).parameters.values() if p.name != "self"
        ]
        self.hints = typing.get_type_hints(route.function)

    def call(self, path_args: dict[str, str], body: dict[str, Any]) -> Any:
        kwargs: dict[str, Any] = {}
        rest = dict(body)
        for param in self.params:
            if param.kind is param.VAR_KEYWORD:
                kwargs.update(rest)
                rest = {}
                break
            tp = self.hints.get(param.name, Any)
            if param.name in path_args:
                text = path_args[param.name]
                kwargs[param.name] = int(text) if tp is int and text.isdigit() else text
                continue
            if param.name not in rest:
                if param.default is param.empty:
                    raise ControlError(400, f"{param.name} is required")
                continue
            value = rest.pop(param.name)
            if not _accepts(tp, value):
                shown = getattr(tp, "__name__", str(tp).replace("typing.", ""))
                raise ControlError(400, f"{param.name} must be {shown}")
            kwargs[param.name] = value
        if rest:
            raise ControlError(400, "unknown field(s): " + ", ".join(sorted(rest)))
        result = self.route.function(self.owner, **kwargs)
        if self.route.result is not None:
            return {self.route.result: result}
        return result


class ControlRouter:
    """Matches ``/_sandbox/...`` requests to routes; answers JSON, never a 500."""

    def __init__(self, owners: Iterable[tuple[Iterable[Route], Any]]) -> None:
        self.routes = [_Bound(route, owner) for routes, owner in owners for route in routes]

    def index(self) -> dict[str, Any]:
        return {
            "console": "/_sandbox/ui",
            "routes": [
                {"method": b.route.method, "path": b.route.pattern, "doc": b.route.doc}
                for b in self.routes
            ],
        }

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        problem = refusal(request)
        if problem is not None:
            return json_response({"error": problem}, 403)
        try:
            return json_response(self._dispatch(request))
        except ControlError as exc:
            return json_response({"error": exc.message}, exc.status)
        except PlatformError as exc:
            return json_response({"error": exc.msg, "code": exc.code}, 400)
        except (ValueError, TypeError) as exc:
            return json_response({"error": str(exc)}, 400)

    def _dispatch(self, request: SandboxRequest) -> Any:
        method = request.method.upper()
        if request.path in ("/_sandbox", "/_sandbox/") and method == "GET":
            return self.index()
        allowed = []
        for bound in self.routes:
            match = bound.route.regex.match(request.path)
            if match is None:
                continue
            if bound.route.method != method:
                allowed.append(bound.route.method)
                continue
            return bound.call(match.groupdict(), _body(request))
        if allowed:
            raise ControlError(405, f"{request.path[:100]} takes {', '.join(allowed)}")
        raise ControlError(404, f"no control route {method} {request.path[:100]}")
