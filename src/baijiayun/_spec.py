"""Endpoint declarations: the one place where each endpoint's facts live.

An endpoint is declared once, as a typed method stub in an API group class::

    class Room(Group[ModeT]):
        @endpoint("/openapi/room/info", safe=True)
        def info(self, room_id: RoomId) -> RoomInfo: ...

The decorator reads the stub's signature: parameter names, order, defaults,
and ``Annotated`` metadata (a :class:`Kind` saying how a value goes on the
wire, and :class:`Rule` objects for documented constraints). The return
annotation is the result shape. From that single declaration:

* the sync and the async client get a method (``Group[SyncMode]`` returns the
  result, ``Group[AsyncMode]`` returns an awaitable);
* arguments are validated and encoded before anything is sent;
* the sandbox parses and validates incoming form fields with the same rules;
* the reference docs list parameters and constraints.
"""

from __future__ import annotations

import datetime as _dt
import inspect
import os
import re
import types
import typing
import warnings
from collections.abc import Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass, field
from typing import (
    IO,
    TYPE_CHECKING,
    Annotated,
    Any,
    Concatenate,
    Generic,
    ParamSpec,
    TypeVar,
    overload,
)
from zoneinfo import ZoneInfo

from ._signing import encode_value
from .errors import ValidationError

if TYPE_CHECKING:
    from ._base import ClientBase

__all__ = [
    "REGISTRY",
    "AsyncMode",
    "Endpoint",
    "Group",
    "Param",
    "SyncMode",
    "endpoint",
]

P = ParamSpec("P")
R = TypeVar("R")
ModeT = TypeVar("ModeT", "SyncMode", "AsyncMode")

BEIJING = ZoneInfo("Asia/Shanghai")


# --------------------------------------------------------------------------- kinds
class Kind:
    """How a Python value becomes wire text, and how the sandbox reads it back."""

    name = "str"

    def coerce(self, value: Any, ctx: Context) -> Any:
        """Normalise a caller's value (raise ``ValueError`` with the rule on bad type)."""
        return value

    def parse(self, text: str) -> Any:
        """Read wire text back into the normalised value (sandbox side)."""
        return text

    def encode(self, value: Any) -> str:
        return encode_value(value)


class _Str(Kind):
    name = "str"

    def encode(self, value: Any) -> str:
        return value if isinstance(value, str) else encode_value(value)

    def coerce(self, value: Any, ctx: Context) -> Any:
        if type(value) is str:
            return value
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value) if isinstance(value, str) else encode_value(value)
        raise ValueError("must be a string")


_INT_RE = re.compile(r"-?[0-9]+\Z")


class _Int(Kind):
    name = "int"

    def coerce(self, value: Any, ctx: Context) -> Any:
        if type(value) is int:
            return value
        if isinstance(value, bool):
            raise ValueError("must be an integer, not a boolean")
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and _INT_RE.match(value.strip()):
            return int(value.strip())
        raise ValueError("must be an integer")

    def parse(self, text: str) -> Any:
        if not _INT_RE.match(text.strip()):
            raise ValueError("must be an integer")
        return int(text.strip())

    def encode(self, value: Any) -> str:
        return str(value)


class _Flag(_Int):
    """0/1-style switches; also takes ``True``/``False``."""

    name = "flag"

    def coerce(self, value: Any, ctx: Context) -> Any:
        if type(value) is int:
            return value
        if isinstance(value, bool):
            return int(value)
        return super().coerce(value, ctx)


class _Time(_Int):
    """Unix seconds; also takes ``datetime`` (naive ones are read in the client's tz)."""

    name = "time"

    def coerce(self, value: Any, ctx: Context) -> Any:
        if type(value) is int:
            return value
        if isinstance(value, _dt.datetime):
            if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
                value = value.replace(tzinfo=ctx.tz)
            return int(value.timestamp())
        if isinstance(value, _dt.date):
            raise ValueError("must be unix seconds or a datetime, not a date")
        return super().coerce(value, ctx)


class _Csv(Kind):
    """A list sent as comma-joined text; a string is sent as given."""

    name = "csv"

    def __init__(self, item: Kind | None = None) -> None:
        self.item = item or _Str()

    def coerce(self, value: Any, ctx: Context) -> Any:
        parts: list[Any]
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",")] if value else []
        elif isinstance(value, (list, tuple, set, frozenset)):
            parts = list(sorted(value) if isinstance(value, (set, frozenset)) else value)
        elif isinstance(value, int) and not isinstance(value, bool):
            parts = [value]
        else:
            raise ValueError("must be a list or a comma-separated string")
        return [self.item.coerce(p, ctx) for p in parts]

    def parse(self, text: str) -> Any:
        if text == "":
            return []
        return [self.item.parse(p.strip()) for p in text.split(",")]

    def encode(self, value: Any) -> str:
        return ",".join(self.item.encode(v) for v in value)


class _Json(Kind):
    name = "json"

    def coerce(self, value: Any, ctx: Context) -> Any:
        if isinstance(value, str):
            return value
        import json

        try:
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"must be JSON-serialisable ({exc})") from None


class _File(Kind):
    """An uploaded file part: never signed. Path, bytes, a file object, or (name, content)."""

    name = "file"

    def coerce(self, value: Any, ctx: Context) -> Any:
        if isinstance(value, (str, os.PathLike)):
            path = os.fspath(value)
            if not os.path.isfile(path):
                raise ValueError(f"file not found: {path}")
            return value
        if isinstance(value, (bytes, bytearray, tuple)) or hasattr(value, "read"):
            return value
        raise ValueError("must be a path, bytes, a binary file object or (filename, content)")

    def parse(self, text: str) -> Any:
        return text


STR = _Str()
INT = _Int()
FLAG = _Flag()
TIME = _Time()
JSON = _Json()
FILE = _File()


def CSV(item: Kind | None = None) -> _Csv:
    return _Csv(item)


# --------------------------------------------------------------------------- rules
class Rule:
    """A documented constraint on one parameter's normalised value."""

    def check(self, value: Any) -> str | None:
        """Return the rule's text when ``value`` breaks it, else None."""
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Range(Rule):
    lo: int | None = None
    hi: int | None = None

    def check(self, value: Any) -> str | None:
        values = value if type(value) is list else (value,)
        lo, hi = self.lo, self.hi
        for v in values:
            if not isinstance(v, int):
                continue
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                return self.describe()
        return None

    def describe(self) -> str:
        if self.hi is None:
            return f"must be >= {self.lo}"
        if self.lo is None:
            return f"must be <= {self.hi}"
        return f"must be between {self.lo} and {self.hi}"


@dataclass(frozen=True)
class OneOf(Rule):
    values: tuple[Any, ...]

    def check(self, value: Any) -> str | None:
        values = value if isinstance(value, list) else [value]
        return None if all(v in self.values for v in values) else self.describe()

    def describe(self) -> str:
        return "must be one of " + ", ".join(str(v) for v in self.values)


@dataclass(frozen=True)
class MaxItems(Rule):
    n: int

    def check(self, value: Any) -> str | None:
        return self.describe() if isinstance(value, list) and len(value) > self.n else None

    def describe(self) -> str:
        return f"at most {self.n} items"


@dataclass(frozen=True)
class NonEmpty(Rule):
    def check(self, value: Any) -> str | None:
        return self.describe() if value in ("", []) else None

    def describe(self) -> str:
        return "must not be empty"


@dataclass(frozen=True)
class UserNumber(Rule):
    """A positive integer of at most 19 digits (the platform's user id)."""

    def check(self, value: Any) -> str | None:
        values = value if isinstance(value, list) else [value]
        for v in values:
            if not isinstance(v, int) or v <= 0 or len(str(v)) > 19:
                return self.describe()
        return None

    def describe(self) -> str:
        return "must be a positive integer of at most 19 digits"


_URL_RE = re.compile(r"https?://[^\s/?#]+[^\s]*\Z", re.IGNORECASE)


@dataclass(frozen=True)
class HttpUrl(Rule):
    allow_empty: bool = False

    def check(self, value: Any) -> str | None:
        if value == "" and self.allow_empty:
            return None
        return None if isinstance(value, str) and _URL_RE.match(value) else self.describe()

    def describe(self) -> str:
        extra = " (or empty)" if self.allow_empty else ""
        return "must be an absolute http(s) URL" + extra


@dataclass(frozen=True)
class MaxLength(Rule):
    """Longer values are sent anyway (the platform truncates) with a warning."""

    n: int

    def check(self, value: Any) -> str | None:
        return None

    def warn(self, value: Any) -> str | None:
        if isinstance(value, str) and len(value) > self.n:
            return f"longer than {self.n} characters: the platform will truncate it"
        return None

    def describe(self) -> str:
        return f"at most {self.n} characters (longer is truncated by the platform)"


# --------------------------------------------------------------------------- params
_EMPTY = inspect.Parameter.empty


@dataclass(frozen=True)
class Param:
    name: str
    kind: Kind
    rules: tuple[Rule, ...] = ()
    required: bool = False
    default: Any = None
    annotation: str = ""

    @property
    def is_file(self) -> bool:
        return isinstance(self.kind, _File)


@dataclass(frozen=True, slots=True)
class _Plan:
    """A parameter's work, compiled once into closures so a call does no look-ups.

    ``strict(value, ctx)`` coerces, checks the rules (warning on soft ones) and
    encodes; ``loose`` only coerces and encodes (``validate=False``). Both
    return ``(normalised value, wire text)``; the text is None for a file part.
    """

    required: bool
    strict: Callable[[Any, Context], tuple[Any, str | None]]
    loose: Callable[[Any, Context], tuple[Any, str | None]]

    @classmethod
    def of(cls, param: Param, path: str) -> _Plan:
        name = param.name
        coerce = param.kind.coerce
        encode: Callable[[Any], str | None] = (
            (lambda value: None) if param.is_file else param.kind.encode
        )
        checks = tuple(r.check for r in param.rules if not isinstance(r, MaxLength))
        warns = tuple(r.warn for r in param.rules if isinstance(r, MaxLength))

        def loose(value: Any, ctx: Context) -> tuple[Any, str | None]:
            try:
                value = coerce(value, ctx)
            except ValueError as exc:
                raise ValidationError(name, str(exc), endpoint=path) from None
            return value, encode(value)

        def strict(value: Any, ctx: Context) -> tuple[Any, str | None]:
            try:
                value = coerce(value, ctx)
            except ValueError as exc:
                raise ValidationError(name, str(exc), endpoint=path) from None
            for check in checks:
                problem = check(value)
                if problem:
                    raise ValidationError(name, problem, endpoint=path)
            for warn in warns:
                note = warn(value)
                if note:
                    warnings.warn(f"{path}: {name} {note}", UserWarning, stacklevel=5)
            return value, encode(value)

        return cls(
            required=param.required, strict=strict if checks or warns else loose, loose=loose
        )


@dataclass
class Context:
    """What a kind needs to normalise a value: the client's zone for naive datetimes."""

    tz: _dt.tzinfo = BEIJING
    now: Callable[[], float] | None = None


Check = Callable[[dict[str, Any], "Endpoint", Context], None]


@dataclass(frozen=True)
class Endpoint:
    """Everything known about one endpoint."""

    group: str
    name: str
    path: str
    params: tuple[Param, ...]
    safe: bool
    signed: bool
    unwrap: str | None
    result_type: Any
    checks: tuple[Check, ...]
    doc: str
    signature: inspect.Signature = field(repr=False, compare=False)
    by_name: Mapping[str, Param] = field(repr=False, compare=False, default_factory=dict)
    sent_defaults: Mapping[str, Any] = field(repr=False, compare=False, default_factory=dict)
    positional: tuple[str, ...] = field(repr=False, compare=False, default=())
    """Names that may be given by position, in order."""
    plans: Mapping[str, _Plan] = field(repr=False, compare=False, default_factory=dict)
    required: tuple[str, ...] = field(repr=False, compare=False, default=())
    """Declared defaults other than None: sent when the caller gives nothing."""

    # ---- client side
    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Map a call's arguments to parameter names (a TypeError on a bad call)."""
        if not args:
            if not kwargs.keys() <= self.by_name.keys():
                unknown = [k for k in kwargs if k not in self.by_name]
                raise TypeError(f"{self.name}() got an unexpected keyword argument {unknown[0]!r}")
            for name in self.required:
                if name not in kwargs:
                    raise TypeError(f"{self.name}() missing required argument {name!r}")
            return {**self.sent_defaults, **kwargs} if self.sent_defaults else kwargs
        positional = self.positional
        if len(args) > len(positional):
            raise TypeError(
                f"{self.name}() takes {len(positional)} positional arguments "
                f"but {len(args)} were given"
            )
        values = dict(zip(positional, args, strict=False))
        for name in kwargs:
            if name in values:
                raise TypeError(f"{self.name}() got multiple values for argument {name!r}")
        values.update(kwargs)
        return self.bind((), values)

    def prepare(
        self, values: Mapping[str, Any], ctx: Context, *, validate: bool = True
    ) -> tuple[list[tuple[str, str]], dict[str, Any]]:
        """Validate and encode bound arguments into (signed form fields, file parts).

        ``None`` values are not sent. Raises :class:`ValidationError` naming the
        parameter and the rule before anything is sent.
        """
        normalised: dict[str, Any] = {}
        fields: list[tuple[str, str]] = []
        files: dict[str, Any] = {}
        plans = self.plans
        for name, value in values.items():
            plan = plans.get(name)
            if value is None:
                if validate and plan is not None and plan.required:
                    raise ValidationError(name, "is required", endpoint=self.path)
                continue
            if plan is None:  # not declared: sent as given (only with validate=False)
                if validate:
                    raise ValidationError(
                        name, "is not a parameter of this endpoint", endpoint=self.path
                    )
                normalised[name] = value
                fields.append((name, encode_value(value)))
                continue
            value, text = (plan.strict if validate else plan.loose)(value, ctx)
            normalised[name] = value
            if text is None:
                files[name] = value
            else:
                fields.append((name, text))
        if validate:
            for cross_check in self.checks:
                cross_check(normalised, self, ctx)
        return fields, files

    # ---- sandbox side
    def parse_form(self, form: Mapping[str, str], ctx: Context) -> dict[str, Any]:
        """Parse received text fields with the same kinds and rules (sandbox).

        Raises :class:`ValidationError` on the first bad or missing parameter.
        """
        out: dict[str, Any] = {}
        for param in self.params:
            if param.is_file:
                continue
            text = form.get(param.name)
            if text is None:
                if param.required:
                    raise ValidationError(param.name, "is required", endpoint=self.path)
                continue
            try:
                value = param.kind.parse(text)
            except ValueError as exc:
                raise ValidationError(param.name, str(exc), endpoint=self.path) from None
            for rule in param.rules:
                problem = rule.check(value)
                if problem:
                    raise ValidationError(param.name, problem, endpoint=self.path)
            out[param.name] = value
        for check in self.checks:
            check(out, self, ctx)
        return out


REGISTRY: dict[str, Endpoint] = {}
"""Every declared endpoint by path; the sandbox and the docs read it."""


# --------------------------------------------------------------------------- modes
class SyncMode:
    """Marker: a group bound to the sync client returns results."""


class AsyncMode:
    """Marker: a group bound to the async client returns awaitables."""


class Group(Generic[ModeT]):
    """Base of an endpoint group (``client.room``, ``client.playback``...)."""

    group_name: typing.ClassVar[str] = ""

    def __init__(self, client: ClientBase) -> None:
        self._client = client


class EndpointMethod(Generic[P, R]):
    """Descriptor produced by :func:`endpoint`; binds to a group instance."""

    def __init__(self, spec: Endpoint) -> None:
        self.spec = spec
        self.__doc__ = spec.doc

    @overload
    def __get__(self, obj: None, owner: Any) -> EndpointMethod[P, R]: ...
    @overload
    def __get__(self, obj: Group[SyncMode], owner: Any) -> Callable[P, R]: ...
    @overload
    def __get__(self, obj: Group[AsyncMode], owner: Any) -> Callable[P, Coroutine[Any, Any, R]]: ...
    def __get__(self, obj: Any, owner: Any) -> Any:
        if obj is None:
            return self
        spec = self.spec
        call = obj._client._call
        bind = spec.bind

        def method(*args: Any, **kwargs: Any) -> Any:
            return call(spec, bind(args, kwargs))

        return install(obj, method, spec.name, spec.doc, spec.signature)


def install(
    group: Any, method: Callable[..., Any], name: str, doc: str | None, sig: inspect.Signature
) -> Callable[..., Any]:
    """Give a bound method its name, doc and signature (without ``self``), cached on the group.

    Later look-ups find it in the group's ``__dict__`` and skip the descriptor
    (our descriptors define no ``__set__``), so binding happens once per client.
    """
    method.__name__ = method.__qualname__ = name
    method.__doc__ = doc
    method.__signature__ = sig.replace(  # type: ignore[attr-defined]
        parameters=list(sig.parameters.values())[1:]
    )
    if isinstance(group, Group):  # not on a client: with_options copies a client's __dict__
        group.__dict__[name] = method
    return method


class DerivedMethod:
    """Base of methods declared by a typed stub and run on top of an endpoint.

    Subclasses (pagination, composed link methods) say what a call does on the
    sync and on the async client; binding the stub's arguments is here, once.
    """

    def __init__(self, stub: Callable[..., Any]) -> None:
        self.signature = inspect.signature(stub)
        self.name = stub.__name__
        self.__doc__ = stub.__doc__

    def _arguments(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        bound = self.signature.bind(None, *args, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        values.pop("self", None)
        return values

    def _run_sync(self, client: Any, values: dict[str, Any]) -> Any:
        raise NotImplementedError

    def _run_async(self, client: Any, values: dict[str, Any]) -> Any:
        raise NotImplementedError

    def _bound(self, group: Any) -> Callable[..., Any]:
        client = group._client
        run = self._run_async if client.is_async else self._run_sync
        arguments = self._arguments

        def method(*args: Any, **kwargs: Any) -> Any:
            return run(client, arguments(args, kwargs))

        return install(group, method, self.name, self.__doc__, self.signature)


def _kind_for(annotation: Any) -> tuple[Kind, tuple[Rule, ...]]:
    kind: Kind | None = None
    rules: list[Rule] = []
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotated = [a for a in typing.get_args(annotation) if typing.get_origin(a) is Annotated]
        if annotated:
            annotation = annotated[0]
    if typing.get_origin(annotation) is Annotated:
        for meta in annotation.__metadata__:
            if isinstance(meta, Kind):
                kind = meta
            elif isinstance(meta, Rule):
                rules.append(meta)
        annotation = annotation.__origin__
    if kind is None:
        args = set(typing.get_args(annotation)) - {type(None)} or {annotation}
        if args <= {int}:
            kind = INT
        elif args <= {bool, int}:
            kind = FLAG
        else:
            kind = STR
    return kind, tuple(rules)


def endpoint(
    path: str,
    *,
    safe: bool = False,
    unwrap: str | None = None,
    checks: Iterable[Check] = (),
    signed: bool = True,
    register: bool = True,
) -> Callable[[Callable[Concatenate[Any, P], R]], EndpointMethod[P, R]]:
    """Declare an endpoint from a typed method stub (see the module docstring).

    ``safe``: repeating the request cannot change state (reads); only safe
    endpoints are retried after the request may have reached the server.
    ``unwrap``: the field of ``data`` the result is taken from.
    ``register=False`` keeps the declaration out of :data:`REGISTRY`: for
    parameter sets that are not API endpoints (the signed web links).
    """

    def decorate(fn: Callable[Concatenate[Any, P], R]) -> EndpointMethod[P, R]:
        module = inspect.getmodule(fn)
        hints = typing.get_type_hints(
            fn, globalns=vars(module) if module else None, include_extras=True
        )
        sig = inspect.signature(fn)
        params: list[Param] = []
        for p in list(sig.parameters.values())[1:]:
            kind, rules = _kind_for(hints.get(p.name, str))
            params.append(
                Param(
                    name=p.name,
                    kind=kind,
                    rules=rules,
                    required=p.default is _EMPTY,
                    default=None if p.default is _EMPTY else p.default,
                    annotation=str(p.annotation),
                )
            )
        group = path.strip("/").split("/")[1]
        spec = Endpoint(
            group=group,
            name=fn.__name__,
            path=path,
            params=tuple(params),
            safe=safe,
            signed=signed,
            unwrap=unwrap,
            result_type=hints.get("return", Any),
            checks=tuple(checks),
            doc=inspect.cleandoc(fn.__doc__ or ""),
            signature=sig,
            by_name={p.name: p for p in params},
            plans={p.name: _Plan.of(p, path) for p in params},
            required=tuple(p.name for p in params if p.required),
            sent_defaults={p.name: p.default for p in params if p.default is not None},
            positional=tuple(
                p.name
                for p in list(sig.parameters.values())[1:]
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            ),
        )
        if register:
            REGISTRY[path] = spec
        return EndpointMethod(spec)

    return decorate


FileInput = str | os.PathLike[str] | bytes | IO[bytes] | tuple[str, Any]
