"""Endpoints: everything known about one API call, read once from a typed stub.

:func:`declare` reads a stub's signature: parameter names, order and
defaults; each parameter's wire kind and rules from its annotation (see
:mod:`baijiayun._wire`); the result type from the return annotation. The
resulting :class:`Endpoint` is pure data with three operations:

* :meth:`Endpoint.bind` maps a call's arguments to parameter names (Python's own
  ``inspect.Signature.bind``, through :func:`bind`, which derived methods use too);
* :meth:`Endpoint.prepare` validates and encodes them into the signed form
  fields and file parts (the SDK's side);
* :meth:`Endpoint.parse_form` reads received form fields back into the same
  values (the sandbox's side).

Both sides check rules through :meth:`Endpoint.validate`; the sandbox checks
only the platform's rules (``platform_only=True``).
"""

from __future__ import annotations

import enum
import inspect
import types
import typing
import warnings
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Annotated, Any, Literal

from ._value import Value
from ._wire import (
    FLAG,
    INT,
    STR,
    ClientOnly,
    Context,
    Invalid,
    Kind,
    MaxLength,
    OneOf,
    Rule,
)
from .errors import ValidationError

__all__ = ["Check", "Endpoint", "Paging", "Param", "bind", "declare"]

Check = Callable[[Mapping[str, Any], Context], None]
"""A rule over several parameters: raises :class:`~baijiayun._wire.Invalid` naming one."""

_EMPTY = inspect.Parameter.empty


class Param(Value):
    """One parameter of an endpoint: its wire name, kind, rules and default."""

    __slots__ = ("default", "keyword_only", "kind", "name", "required", "rules", "type_text")

    def __init__(
        self,
        name: str,
        kind: Kind,
        rules: tuple[Rule, ...] = (),
        required: bool = False,
        default: Any = None,
        keyword_only: bool = False,
        type_text: str = "",
    ) -> None:
        self.name, self.kind, self.rules, self.required = name, kind, rules, required
        self.default, self.keyword_only, self.type_text = default, keyword_only, type_text

    @property
    def is_file(self) -> bool:
        return self.kind.is_file

    @property
    def platform_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.platform)


class Paging(Value):
    """How an endpoint pages: the page-number parameter (from 1) and the page-size parameter.

    The items are the result itself (a list) or its ``items`` (a
    :class:`~baijiayun.models.Page`). Iteration stops at a short or empty page.
    """

    __slots__ = ("default_size", "page", "size")

    def __init__(self, page: str = "page", size: str = "limit", default_size: int = 100) -> None:
        self.page, self.size, self.default_size = page, size, default_size


def without_self(signature: inspect.Signature) -> inspect.Signature:
    """A method's signature as its bound form shows it."""
    return signature.replace(
        parameters=[p for p in signature.parameters.values() if p.name != "self"]
    )


def bind(
    name: str,
    signature: inspect.Signature,
    args: tuple[Any, ...],
    kwargs: Mapping[str, Any],
    *,
    sent_defaults: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Map a call's ``(args, kwargs)`` to ``{name: value}`` with Python's own binding.

    ``signature`` is the method's as its caller sees it (without ``self``). A bad
    call raises ``TypeError`` naming the method and the parameter, before
    anything is sent. Every default is applied, unless ``sent_defaults`` is
    given (an endpoint's call): then only those are added, and a value that
    is ``None`` is left out, since an endpoint does not send it. A create with
    51 parameters then carries the handful it was given, and skipping
    ``apply_defaults`` saves ~20 µs on it.
    """
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as exc:
        raise TypeError(f"{name}(): {exc}") from None
    if sent_defaults is None:
        bound.apply_defaults()
        return dict(bound.arguments)
    values = {**sent_defaults, **bound.arguments}
    return {k: v for k, v in values.items() if v is not None}


class Endpoint:
    """One endpoint: group, name, path, parameters, result and behaviour.

    * ``safe``: repeating it cannot change state: retried even after it may have arrived;
    * ``unwrap``: the field of ``data`` the result is taken from;
    * ``checks``: rules over several parameters that the platform enforces;
      ``client_checks``: those only the SDK checks;
    * ``host``: the base URL the platform serves this endpoint from, when it is not the
      account's own (the ``hudong`` group); a client whose ``base_url`` was set sends it
      there instead.

    Built once by :func:`declare` and not changed after (an endpoint is its identity:
    two are equal only if they are the same object).
    """

    def __init__(
        self,
        group: str,
        name: str,
        path: str,
        params: tuple[Param, ...],
        result_type: Any,
        doc: str,
        signature: inspect.Signature,
        safe: bool = False,
        signed: bool = True,
        unwrap: str | None = None,
        checks: tuple[Check, ...] = (),
        client_checks: tuple[Check, ...] = (),
        paging: Paging | None = None,
        host: str | None = None,
    ) -> None:
        self.group, self.name, self.path, self.params = group, name, path, params
        self.result_type, self.doc, self.signature = result_type, doc, signature
        self.safe, self.signed, self.unwrap = safe, signed, unwrap
        self.checks, self.client_checks = checks, client_checks
        self.paging, self.host = paging, host

    def __repr__(self) -> str:
        return f"Endpoint({self.qualname!r}, {self.path!r})"

    @property
    def qualname(self) -> str:
        """``group.method``, the name the registry and the CLI use."""
        return f"{self.group}.{self.name}"

    @cached_property
    def method_signature(self) -> inspect.Signature:
        """The signature of the method on a client (without ``self``)."""
        return without_self(self.signature)

    @cached_property
    def by_name(self) -> dict[str, Param]:
        return {p.name: p for p in self.params}

    @cached_property
    def reader(self) -> Callable[[Any], Any] | None:
        """Reads ``data`` into the declared result type (None for ``-> None``).

        Raises :class:`~baijiayun.models._read.ShapeProblems` where it does not fit.
        """
        if self.result_type is None:
            return None
        from ._read import reader  # built at the first call that needs it

        return reader(self.result_type)

    @cached_property
    def sent_defaults(self) -> dict[str, Any]:
        """The declared defaults that are sent (those that are not ``None``)."""
        return {p.name: p.default for p in self.params if p.default is not None}

    def bind(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """A call's arguments by name; ``None`` (not sent) is left out (see :func:`bind`)."""
        return bind(
            self.name, self.method_signature, args, kwargs, sent_defaults=self.sent_defaults
        )

    # ---- rules, on normalised values (both sides)
    def validate(
        self, values: Mapping[str, Any], ctx: Context, *, platform_only: bool = False
    ) -> None:
        """Check every rule (only the platform's with ``platform_only``); raise on the first."""
        by_name = self.by_name
        for name, value in values.items():
            param = by_name.get(name)
            if param is None or value is None:
                continue
            for rule in param.rules:
                if platform_only and not rule.platform:
                    continue
                problem = rule.check(value)
                if problem:
                    raise ValidationError(name, problem, endpoint=self.path)
        for check in self.checks if platform_only else self.checks + self.client_checks:
            try:
                check(values, ctx)
            except Invalid as exc:
                raise ValidationError(exc.param or "?", exc.rule, endpoint=self.path) from None

    # ---- the SDK's side
    def prepare(
        self, values: Mapping[str, Any], ctx: Context, *, validate: bool = True
    ) -> tuple[list[tuple[str, str]], dict[str, Any]]:
        """Validate and encode bound values into (signed form fields, file parts).

        ``None`` is not sent; names that are not parameters are ignored. Raises
        :class:`~baijiayun.errors.ValidationError` naming the parameter and the
        rule, before anything is sent.
        """
        by_name = self.by_name
        normalised: dict[str, Any] = {}
        for name, value in values.items():
            if value is None:
                continue
            param = by_name.get(name)
            if param is None:
                continue
            try:
                normalised[name] = param.kind.coerce(value, ctx)
            except Invalid as exc:
                raise ValidationError(name, exc.rule, endpoint=self.path) from None
        if validate:
            for param in self.params:
                if param.required and param.name not in normalised:
                    raise ValidationError(param.name, "is required", endpoint=self.path)
            self.validate(normalised, ctx)
            self._warn(normalised)
        fields: list[tuple[str, str]] = []
        files: dict[str, Any] = {}
        for name, value in normalised.items():
            kind = by_name[name].kind
            if kind.is_file:
                files[name] = value
            else:
                fields.append((name, kind.encode(value)))
        return fields, files

    def _warn(self, values: Mapping[str, Any]) -> None:
        by_name = self.by_name
        for name, value in values.items():
            for rule in by_name[name].rules:
                note = rule.warning(value) if isinstance(rule, MaxLength) else None
                if note:
                    warnings.warn(f"{self.path}: {name} {note}", UserWarning, stacklevel=6)

    # ---- the sandbox's side
    def parse_form(self, form: Mapping[str, str], ctx: Context) -> dict[str, Any]:
        """Read received text fields with the same kinds; check the platform's rules."""
        values: dict[str, Any] = {}
        for param in self.params:
            if param.is_file:
                continue
            text = form.get(param.name)
            if text is None:
                if param.required:
                    raise ValidationError(param.name, "is required", endpoint=self.path)
                continue
            try:
                values[param.name] = param.kind.parse(text)
            except Invalid as exc:
                raise ValidationError(param.name, exc.rule, endpoint=self.path) from None
        self.validate(values, ctx, platform_only=True)
        return values


# --------------------------------------------------------------------------- reading stubs
def _choices(tp: Any) -> tuple[Kind, OneOf] | None:
    """The kind and values of a fixed set of values: an ``IntEnum``/``StrEnum`` or a Literal."""
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        kind = INT if issubclass(tp, int) else STR
        return kind, OneOf.of(tp)
    if typing.get_origin(tp) is Literal:
        values = typing.get_args(tp)
        return (INT if all(isinstance(v, int) for v in values) else STR), OneOf(values)
    return None


def _union_args(tp: Any) -> tuple[Any, ...]:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return tuple(a for a in typing.get_args(tp) if a is not type(None))
    return (tp,)


def kind_and_rules(annotation: Any) -> tuple[Kind, tuple[Rule, ...]]:
    """A parameter's wire kind and rules, from its annotation.

    ``Annotated`` metadata gives them explicitly; an enum or ``Literal`` in the
    type adds a ``OneOf`` of its values (unless one is given); plain ``int``,
    ``bool | int`` and ``str`` map to INT, FLAG and STR.
    """
    kind: Kind | None = None
    rules: list[Rule] = []
    args: list[Any] = []
    for arg in _union_args(annotation):
        if typing.get_origin(arg) is Annotated:
            for meta in arg.__metadata__:
                if isinstance(meta, Kind):
                    kind = meta
                elif isinstance(meta, Rule):
                    rules.append(meta)
            args.extend(_union_args(arg.__origin__))
        else:
            args.append(arg)
    has_choices = any(
        isinstance(r, OneOf) or (isinstance(r, ClientOnly) and isinstance(r.rule, OneOf))
        for r in rules
    )
    for arg in args:
        choice = _choices(arg)
        if choice is not None:
            kind = kind or choice[0]
            if not has_choices:
                rules.insert(0, choice[1])
                has_choices = True
    if kind is None:
        plain = set(args)
        if plain <= {int}:
            kind = INT
        elif plain <= {bool, int}:
            kind = FLAG
        else:
            kind = STR
    return kind, tuple(rules)


def _type_text(annotation: Any) -> str:
    names = []
    for arg in _union_args(annotation):
        inner = _union_args(arg.__origin__) if typing.get_origin(arg) is Annotated else (arg,)
        for tp in inner:
            if typing.get_origin(tp) is Literal:
                names.append(" | ".join(repr(v) for v in typing.get_args(tp)))
            else:
                names.append(getattr(tp, "__name__", str(tp).replace("typing.", "")))
    return " | ".join(dict.fromkeys(names))


def declare(
    fn: Callable[..., Any],
    *,
    group: str,
    path: str,
    safe: bool = False,
    signed: bool = True,
    unwrap: str | None = None,
    checks: tuple[Check, ...] = (),
    client_checks: tuple[Check, ...] = (),
    paging: Paging | None = None,
    host: str | None = None,
    names: Mapping[str, Any] | None = None,
) -> Endpoint:
    """Build the :class:`Endpoint` a typed stub declares (see the module docstring).

    ``names``: where names the stub's module does not define are looked up
    (annotations of names imported for type checking only).
    """
    module = inspect.getmodule(fn)
    hints = typing.get_type_hints(
        fn, globalns=vars(module) if module else None, localns=names, include_extras=True
    )
    signature = inspect.signature(fn)
    params: list[Param] = []
    for p in signature.parameters.values():
        if p.name == "self":
            continue
        annotation = hints.get(p.name, str)
        kind, rules = kind_and_rules(annotation)
        params.append(
            Param(
                name=p.name,
                kind=kind,
                rules=rules,
                required=p.default is _EMPTY,
                default=None if p.default is _EMPTY else p.default,
                keyword_only=p.kind is p.KEYWORD_ONLY,
                type_text=_type_text(annotation),
            )
        )
    if "return" not in hints:
        raise TypeError(f"{fn.__qualname__}: declare the result type (-> Model, -> str, -> None)")
    endpoint = Endpoint(
        group=group,
        name=fn.__name__,
        path=path,
        params=tuple(params),
        result_type=None if hints["return"] is type(None) else hints["return"],
        doc=inspect.cleandoc(fn.__doc__ or ""),
        signature=signature,
        safe=safe,
        signed=signed,
        unwrap=unwrap,
        checks=checks,
        client_checks=client_checks,
        paging=paging,
        host=host,
    )
    if paging is not None:
        for name in (paging.page, paging.size):
            if name not in endpoint.by_name:
                raise TypeError(f"{endpoint.qualname}: paging names {name!r}, not a parameter")
    return endpoint
