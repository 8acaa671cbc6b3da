"""The lenient base of every result model, the platform's time type, and pages.

A result model is a plain class whose annotations declare the documented fields
(``room_id: str``, ``title: str | None = None``); :mod:`._read` reads an answer
into it. Fields are optional unless the platform always sends them, and every
field the model does not declare is kept (``model_extra``, ``result["x"]``).
"""

from __future__ import annotations

import datetime as _dt
import enum
import functools
import inspect
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import Annotated, Any, ClassVar, Generic, TypeVar

from .._read import Before, Reader, ShapeProblems, reader
from .._wire import BEIJING

__all__ = [
    "BeijingTime",
    "FieldInfo",
    "Page",
    "Result",
    "ShapeProblems",
    "field",
    "fields_of",
    "model_class",
    "token_entries",
]

T = TypeVar("T")
R = TypeVar("R", bound="Result")

_ZERO_DATES = ("", "0000-00-00 00:00:00", "0000-00-00")


def _beijing_time(value: Any) -> Any:
    """Platform time text (``YYYY-MM-DD HH:MM:SS``, Beijing) or unix seconds, as an aware datetime.

    An empty or all-zero date (the platform's "not set") is ``None``.
    """
    if value is None or isinstance(value, _dt.datetime):
        if isinstance(value, _dt.datetime) and value.tzinfo is None:
            return value.replace(tzinfo=BEIJING)
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _dt.datetime.fromtimestamp(value, BEIJING)
    if isinstance(value, str):
        text = value.strip()
        if text in _ZERO_DATES:
            return None
        if text.isdigit():
            return _dt.datetime.fromtimestamp(int(text), BEIJING)
        parsed = _dt.datetime.fromisoformat(text)
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=BEIJING)
    return value


BeijingTime = Annotated[_dt.datetime, Before(_beijing_time)]
"""A time the platform sends as Beijing text or unix seconds: an aware ``datetime``."""


# --------------------------------------------------------------------------- fields
class _Unset:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Unset()


class FieldInfo:
    """One declared field of a model: its name, type, wire name(s) and default."""

    __slots__ = ("alias", "annotation", "default", "default_factory", "name", "names", "repr")

    def __init__(
        self,
        *,
        default: Any = REQUIRED,
        default_factory: Callable[[], Any] | None = None,
        alias: str | None = None,
        validation_alias: tuple[str, ...] | None = None,
        repr: bool = True,
    ) -> None:
        self.name = ""
        self.annotation: Any = Any
        self.default = default
        self.default_factory = default_factory
        self.alias = alias
        """The name the platform sends the field under, where it is not the field's name."""
        self.names: tuple[str, ...] = validation_alias or ()
        """Every key the field is read from, in order."""
        self.repr = repr

    @property
    def validation_alias(self) -> tuple[str, ...] | None:
        """The keys read where there are several (``None`` for the usual one)."""
        return self.names if self.names and len(self.names) > 1 else None

    def is_required(self) -> bool:
        """Whether an answer without the field does not fit."""
        return self.default is REQUIRED and self.default_factory is None

    def get_default(self) -> Any:
        return self.default_factory() if self.default_factory is not None else self.default

    def _bind(self, name: str, annotation: Any) -> FieldInfo:
        bound = FieldInfo(
            default=self.default,
            default_factory=self.default_factory,
            alias=self.alias,
            validation_alias=self.names or None,
            repr=self.repr,
        )
        bound.name, bound.annotation = name, annotation
        if not bound.names:
            bound.names = (alias, name) if (alias := self.alias) else (name,)
        return bound

    def __repr__(self) -> str:
        alias = f", alias={self.alias!r}" if self.alias else ""
        return f"FieldInfo({self.name!r}, {self.annotation!r}{alias})"


def field(
    *,
    default: Any = REQUIRED,
    default_factory: Callable[[], Any] | None = None,
    alias: str | None = None,
    validation_alias: tuple[str, ...] | None = None,
    repr: bool = True,
) -> Any:
    """A field's settings: ``items: list[X] = field(default_factory=list, alias="list")``.

    ``alias`` is the platform's name for it; ``validation_alias`` lists several names
    it may come under, read in order; ``repr=False`` keeps a secret out of ``repr``.
    """
    return FieldInfo(
        default=default,
        default_factory=default_factory,
        alias=alias,
        validation_alias=validation_alias,
        repr=repr,
    )


class _Layout:
    """A model's fields, and a reader for each, under one binding of its type parameters.

    Reading walks the keys an answer has (a few) rather than the fields a model declares
    (``RoomInfo`` has 47): every optional field starts at its default, and each key sent
    is read by its field's reader.
    """

    __slots__ = ("by_key", "defaults", "factories", "fields", "required")

    def __init__(self, fields: dict[str, FieldInfo], typevars: Mapping[Any, Any]) -> None:
        self.fields = fields
        self.defaults = {
            n: f.default
            for n, f in fields.items()
            if f.default_factory is None and not f.is_required()
        }
        self.factories = [(n, f.default_factory) for n, f in fields.items() if f.default_factory]
        self.required = [(n, f.names) for n, f in fields.items() if f.is_required()]
        self.by_key: dict[str, tuple[str, Reader, tuple[str, ...]]] = {}
        """Each key a field is read from: the field, its reader, and the keys that win over it."""
        for name, f in fields.items():
            read = reader(f.annotation, typevars)
            for rank, key in enumerate(f.names):
                self.by_key.setdefault(key, (name, read, f.names[:rank]))


_LAYOUTS: dict[tuple[type, tuple[Any, ...]], _Layout] = {}


def _typevars(cls: type, args: tuple[Any, ...]) -> dict[Any, Any]:
    """What each type parameter stands for in ``cls`` (``Page[CodeItem]``: ``T`` is CodeItem)."""
    bound: dict[Any, Any] = {}
    for klass in reversed(cls.__mro__):
        for base in klass.__dict__.get("__orig_bases__", ()):
            origin = typing.get_origin(base)
            params = getattr(origin, "__parameters__", ())
            for param, arg in zip(params, typing.get_args(base), strict=False):
                bound[param] = bound.get(arg, arg) if isinstance(arg, TypeVar) else arg
    for param, arg in zip(getattr(cls, "__parameters__", ()), args, strict=False):
        bound[param] = arg
    return bound


def _layout(cls: type[Result], args: tuple[Any, ...] = ()) -> _Layout:
    found = _LAYOUTS.get((cls, args))
    if found is None:
        found = _LAYOUTS[(cls, args)] = _Layout(cls.model_fields, _typevars(cls, args))
    return found


class _Fields:
    """``Model.model_fields``: the declared fields by name, read from the annotations once."""

    def __get__(self, obj: object, owner: type[Result]) -> dict[str, FieldInfo]:
        found = owner.__dict__.get("_fields_")
        if found is None:
            found = _declared_fields(owner)
            type.__setattr__(owner, "_fields_", found)
        return found


def _declared_fields(cls: type) -> dict[str, FieldInfo]:
    hints = typing.get_type_hints(cls, include_extras=True)
    bound = _typevars(cls, ())  # CodeList(Page[CodeItem]): items is a list[CodeItem]
    fields: dict[str, FieldInfo] = {}
    for name, annotation in hints.items():
        if name.startswith("_") or typing.get_origin(annotation) is ClassVar:
            continue
        owner = next(k for k in cls.__mro__ if name in inspect.get_annotations(k))
        declared = owner.__dict__.get(name, REQUIRED)
        if isinstance(declared, (list, dict, set)):  # a mutable default: a copy for each result
            info = FieldInfo(default_factory=functools.partial(type(declared), declared))
        else:
            info = declared if isinstance(declared, FieldInfo) else FieldInfo(default=declared)
        fields[name] = info._bind(name, _substitute(annotation, bound))
    return fields


def _substitute(annotation: Any, bound: Mapping[Any, Any]) -> Any:
    """``annotation`` with the type parameters in ``bound`` replaced (``list[T]``: ``list[X]``)."""
    if isinstance(annotation, TypeVar):
        return bound.get(annotation, annotation)
    params = getattr(annotation, "__parameters__", ())
    if bound and params and any(p in bound for p in params):
        return annotation[tuple(bound.get(p, p) for p in params)]
    return annotation


def model_class(annotation: Any) -> type[Result] | None:
    """The model an annotation names (``RoomInfo``; ``Page`` of ``Page[CodeItem]``), else None."""
    origin = typing.get_origin(annotation) or annotation
    if isinstance(origin, type) and issubclass(origin, Result):
        return origin
    return None


def fields_of(annotation: Any) -> dict[str, FieldInfo] | None:
    """The fields of a model type, its parameters bound (``Page[CodeItem]``'s ``items`` is a
    ``list[CodeItem]``); ``None`` when the annotation is not a model."""
    cls = model_class(annotation)
    if cls is None:
        return None
    args = typing.get_args(annotation) if annotation is not cls else ()
    if not args:
        return cls.model_fields
    bound = _typevars(cls, args)
    fields = {}
    for name, info in cls.model_fields.items():
        fields[name] = info._bind(name, _substitute(info.annotation, bound))
    return fields


# --------------------------------------------------------------------------- the model
class Result:
    """A platform result: typed where documented, every other field kept.

    Numbers the platform sends as text (and text it sends as numbers) are
    accepted either way, since the platform's types are loose.

    Every model also reads like the dict the earlier SDK returned
    (``result["room_id"]``, ``result.get("x")``, ``"x" in result``).
    """

    __slots__ = ("__dict__", "_extra")
    model_fields: ClassVar[dict[str, FieldInfo]] = _Fields()  # type: ignore[assignment]
    _extra: dict[str, Any]

    def __init__(self, /, **data: Any) -> None:
        built = type(self).model_validate(data)
        self.__dict__.update(built.__dict__)
        self._extra = built._extra

    # ---- reading
    @classmethod
    def model_validate(cls: type[R], data: Any) -> R:
        """``data`` (a mapping, as the platform sends it) read into this model.

        Raises :class:`ShapeProblems` (a ``ValueError``) naming each field that does not fit.
        """
        return cls.__shape_reader__(())(data)  # type: ignore[no-any-return]

    @classmethod
    def __shape_reader__(cls, args: tuple[Any, ...]) -> Reader:
        def read_model(value: Any) -> Any:
            if isinstance(value, cls):
                return value
            return _build(cls, _layout(cls, args), value)

        return read_model

    # ---- the fields
    @property
    def model_extra(self) -> dict[str, Any]:
        """The fields the platform sent that the model does not declare, as sent."""
        return self._extra

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("_"):
            try:
                return self._extra[name]
            except KeyError:
                pass
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def model_dump(self, *, by_alias: bool = False, mode: str = "python") -> dict[str, Any]:
        """The fields as a plain dict (nested models too); ``mode="json"`` gives JSON values."""
        out: dict[str, Any] = {}
        for name, info in type(self).model_fields.items():
            key = (info.alias or name) if by_alias else name
            out[key] = _dump(self.__dict__.get(name), by_alias, mode)
        for key, value in self._extra.items():
            out[key] = _dump(value, by_alias, mode)
        return out

    def model_dump_json(self, *, by_alias: bool = False) -> str:
        """The fields as JSON text (times in ISO 8601, amounts as exact decimal text)."""
        import json

        return json.dumps(self.model_dump(by_alias=by_alias, mode="json"), ensure_ascii=False)

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict under the platform's names (declared and unknown)."""
        return self.model_dump(by_alias=True)

    def __getitem__(self, key: str) -> Any:
        fields = type(self).model_fields
        name = _field_for_alias(type(self)).get(key, key)
        if name in fields:
            return self.__dict__.get(name)
        if key in self._extra:
            return self._extra[key]
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self.keys()

    def keys(self) -> list[str]:
        fields = type(self).model_fields
        return [f.alias or n for n, f in fields.items()] + list(self._extra)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        """``(name, value)`` of each field, then of each unknown field (as pydantic did)."""
        for name in type(self).model_fields:
            yield name, self.__dict__.get(name)
        yield from self._extra.items()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Result)
        return self.__dict__ == other.__dict__ and self._extra == other._extra

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = [
            f"{name}={self.__dict__.get(name)!r}"
            for name, info in type(self).model_fields.items()
            if info.repr
        ]
        shown += [f"{key}={value!r}" for key, value in self._extra.items()]
        return f"{type(self).__name__}({', '.join(shown)})"

    def __getstate__(self) -> Any:
        return (self.__dict__, self._extra)

    def __setstate__(self, state: Any) -> None:
        self.__dict__.update(state[0])
        self._extra = state[1]


def _build(cls: type[R], layout: _Layout, value: Any) -> R:
    if not isinstance(value, Mapping):
        raise ShapeProblems(
            [((), f"Input should be a valid dictionary or instance of {cls.__name__}")]
        )
    obj = cls.__new__(cls)
    attrs = obj.__dict__
    attrs.update(layout.defaults)
    for name, factory in layout.factories:
        attrs[name] = factory()
    extra: dict[str, Any] = {}
    problems: list[tuple[tuple[str | int, ...], str]] = []
    by_key = layout.by_key
    for key, item in value.items():
        step = by_key.get(key)
        if step is None:
            extra[key] = item
            continue
        name, read, better = step
        if better and any(k in value for k in better):
            continue  # a key that wins over this one was sent (``list`` over ``items``)
        try:
            attrs[name] = read(item)
        except ShapeProblems as exc:
            problems.extend(((key, *loc), msg) for loc, msg in exc.problems)
    for name, names in layout.required:
        if name not in attrs and not any(k in value for k in names):
            problems.append(((names[0],), "Field required"))
    if problems:
        raise ShapeProblems(problems)
    obj._extra = extra
    return obj


def _field_for_alias(cls: type[Result]) -> dict[str, str]:
    return {f.alias: n for n, f in cls.model_fields.items() if f.alias}


def _dump(value: Any, by_alias: bool, mode: str) -> Any:
    if isinstance(value, Result):
        return value.model_dump(by_alias=by_alias, mode=mode)
    if isinstance(value, (list, tuple)):
        return [_dump(item, by_alias, mode) for item in value]
    if isinstance(value, dict):
        return {_dump_key(k, mode): _dump(v, by_alias, mode) for k, v in value.items()}
    if mode == "json":
        return _json_value(value)
    return value


def _dump_key(key: Any, mode: str) -> Any:
    return _json_value(key) if mode == "json" else key


def _json_value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)  # Decimal: its exact text


# --------------------------------------------------------------------------- pages
class Page(Result, Generic[T]):
    """One page of a listing: ``items`` (the platform's ``list``) and its position."""

    items: list[T] = field(default_factory=list, alias="list")
    total: int | None = None
    """How many items the whole listing has."""
    page: int | None = None
    limit: int | None = None


_WRAPPERS = ("list", "tokens", "items", "data")


def token_entries(id_field: str) -> Before:
    """Read a batch-token answer leniently into ``[{id_field, token, ...}]``.

    The platform does not document the shape: a list of objects, a mapping of
    id to token (or to ``{"token": ...}``), possibly wrapped in ``{"list": ...}``.
    An id of ``room_id-session_id`` becomes the two fields.
    """

    def normalise(value: Any) -> Any:
        if isinstance(value, dict):
            for name in _WRAPPERS:
                if isinstance(value.get(name), (dict, list)):
                    return normalise(value[name])
            entries = []
            for key, item in value.items():
                token = item.get("token") if isinstance(item, dict) else item
                ident, _, session = str(key).partition("-")
                entry = {id_field: ident, "token": token}
                if id_field == "room_id":
                    entry["session_id"] = session or None
                entries.append(entry)
            return entries
        return value

    return Before(normalise)
