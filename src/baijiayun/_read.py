"""Reading the platform's JSON into a declared type, leniently.

One reader per annotation, built once and cached: ``read(RoomInfo, data)``,
``read(list[CodeItem], data)``, ``read(int | None, "12")``. The rules are the
lax ones the platform's loose typing needs (they follow pydantic's lax mode,
which the SDK used before it read answers itself):

* ``int`` takes an int, a bool, an integral float or Decimal, or integer text
  (``" 12 "``, ``"+5"``, ``"1_000"``, ``"1.0"``);
* ``float`` takes a number or number text; ``Decimal`` the same, a float by its
  shortest text; ``bool`` takes a bool, 0/1, or ``"true"``/``"0"``/``"yes"``...;
* ``str`` takes text, and a number as its text (the platform sends ids either way);
* ``date``, ``time`` and ``datetime`` take ISO text (``datetime`` also unix
  seconds, as UTC); ``list``/``dict``/unions/``Literal``/enums/result models
  as they read; ``Annotated[T, Before(f)]`` applies ``f`` to the raw value first.

A value that does not fit raises :class:`ShapeProblems`, listing every field
that did not fit by its path (``list.0.room_id: Field required``).

The SDK reads answers with this instead of pydantic so that a process's first
call costs little more than a bare HTTP post: importing pydantic alone costs
about 40 % of what importing httpx2 costs (see ``docs/benchmarks.md``).
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Before", "ShapeProblems", "read", "reader"]

Reader = Callable[[Any], Any]
Loc = tuple[str | int, ...]


class ShapeProblems(ValueError):
    """A value that does not fit its declared type: each problem with its path."""

    def __init__(self, problems: list[tuple[Loc, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(self.messages()[:5]))

    def messages(self) -> list[str]:
        """Each problem as ``path.to.field: what is wrong`` (the path left out at the top)."""
        return [
            ".".join(str(part) for part in loc) + f": {msg}" if loc else msg
            for loc, msg in self.problems
        ]


def _bad(msg: str) -> ShapeProblems:
    return ShapeProblems([((), msg)])


def _within(loc: str | int, exc: ShapeProblems, into: list[tuple[Loc, str]]) -> None:
    into.extend(((loc, *inner), msg) for inner, msg in exc.problems)


class Before:
    """``Annotated`` metadata: a function applied to the raw value before its type reads it.

    A ``ValueError`` or ``TypeError`` it raises is a problem of that value.
    """

    __slots__ = ("func",)

    def __init__(self, func: Callable[[Any], Any]) -> None:
        self.func = func

    def __repr__(self) -> str:
        return f"Before({getattr(self.func, '__qualname__', self.func)!r})"


_CACHE: dict[Any, Reader] = {}


def reader(annotation: Any, typevars: Mapping[Any, Any] | None = None) -> Reader:
    """The reader of ``annotation`` (cached); ``typevars`` binds a generic model's parameters."""
    if typevars:
        return _build(annotation, typevars)
    try:
        return _CACHE[annotation]
    except KeyError:
        pass
    except TypeError:  # an unhashable annotation: build it each time
        return _build(annotation, {})
    built = _CACHE[annotation] = _build(annotation, {})
    return built


def read(annotation: Any, value: Any) -> Any:
    """``value`` read as ``annotation``; :class:`ShapeProblems` where it does not fit."""
    return reader(annotation)(value)


# --------------------------------------------------------------------------- building
def _build(tp: Any, typevars: Mapping[Any, Any], nullable: bool = False) -> Reader:
    """The reader of one kind of annotation; ``nullable``: ``tp`` is a member of ``X | None``
    (so a ``Before`` may answer ``None``, the platform's "not set")."""
    if isinstance(tp, typing.TypeVar):
        return _build(typevars.get(tp, Any), typevars)
    if tp is Any or tp is object:
        return _any
    if tp is None or tp is type(None):
        return _none
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _annotated(tp, typevars, nullable)
    if origin is typing.Union or origin is types.UnionType:
        members = typing.get_args(tp)
        nullable = type(None) in members
        return _union([_build(arg, typevars, nullable) for arg in members], members)
    if origin is list:
        (item,) = typing.get_args(tp)
        return _list(_build(item, typevars))
    if origin is dict:
        key, value = typing.get_args(tp)
        return _dict(_build(key, typevars), _build(value, typevars))
    if origin is typing.Literal:
        return _literal(typing.get_args(tp))
    if origin is not None and hasattr(origin, "__shape_reader__"):
        args = tuple(_resolve(arg, typevars) for arg in typing.get_args(tp))
        return origin.__shape_reader__(args)  # type: ignore[no-any-return]
    if isinstance(tp, type):
        if hasattr(tp, "__shape_reader__"):
            return tp.__shape_reader__(())  # type: ignore[no-any-return]
        if issubclass(tp, enum.Enum):
            return _enum(tp)
        scalar = _SCALARS.get(tp)
        if scalar is not None:
            return scalar
        if tp.__name__ == "Decimal" and tp.__module__ == "decimal":
            return _decimal
    raise TypeError(
        f"no reader for the annotation {tp!r} (a model field's type is one of "
        "the kinds this module lists)"
    )


def _resolve(tp: Any, typevars: Mapping[Any, Any]) -> Any:
    while isinstance(tp, typing.TypeVar):
        tp = typevars.get(tp, Any)
    return tp


def _any(value: Any) -> Any:
    return value


def _none(value: Any) -> Any:
    if value is not None:
        raise _bad("Input should be None")
    return None


def _annotated(tp: Any, typevars: Mapping[Any, Any], nullable: bool) -> Reader:
    base, *metadata = typing.get_args(tp)
    read_base = _build(base, typevars)
    befores = [m.func for m in metadata if isinstance(m, Before)]
    if not befores:
        return read_base

    def read_annotated(value: Any) -> Any:
        for func in reversed(befores):
            try:
                value = func(value)
            except (ValueError, TypeError) as exc:
                raise _bad(f"Value error, {exc}") from None
        if value is None and nullable:
            return None
        return read_base(value)

    return read_annotated


def _union(readers: list[Reader], members: tuple[Any, ...]) -> Reader:
    optional = type(None) in members or None in members
    others = [r for r, m in zip(readers, members, strict=True) if m not in (None, type(None))]
    exact = tuple(m for m in members if m in _SCALARS)
    if optional and len(others) == 1:
        (only,) = others

        def read_optional(value: Any) -> Any:
            return None if value is None else only(value)

        return read_optional

    def read_union(value: Any) -> Any:
        if value is None and optional:
            return None
        if type(value) in exact:  # an exact type match wins (1.5 stays a float in int | float)
            return value
        problems: list[tuple[Loc, str]] = []
        for read_member in others:
            try:
                return read_member(value)
            except ShapeProblems as exc:
                problems.extend(exc.problems)
        raise ShapeProblems(problems or [((), "Input fits no member of the union")])

    return read_union


def _list(read_item: Reader) -> Reader:
    def read_list(value: Any) -> Any:
        if not isinstance(value, (list, tuple, set, frozenset)):
            raise _bad("Input should be a valid list")
        out = []
        problems: list[tuple[Loc, str]] = []
        for index, item in enumerate(value):
            try:
                out.append(read_item(item))
            except ShapeProblems as exc:
                _within(index, exc, problems)
        if problems:
            raise ShapeProblems(problems)
        return out

    return read_list


def _dict(read_key: Reader, read_value: Reader) -> Reader:
    def read_dict(value: Any) -> Any:
        if not isinstance(value, Mapping):
            raise _bad("Input should be a valid dictionary")
        out = {}
        problems: list[tuple[Loc, str]] = []
        for key, item in value.items():
            try:
                out[read_key(key)] = read_value(item)
            except ShapeProblems as exc:
                _within(str(key), exc, problems)
        if problems:
            raise ShapeProblems(problems)
        return out

    return read_dict


def _literal(allowed: tuple[Any, ...]) -> Reader:
    def read_literal(value: Any) -> Any:
        for choice in allowed:
            if value == choice and type(value) is type(choice):
                return choice
            if isinstance(choice, int) and isinstance(value, str) and value.strip() == str(choice):
                return choice
        raise _bad(f"Input should be {' or '.join(repr(a) for a in allowed)}")

    return read_literal


def _enum(cls: type[enum.Enum]) -> Reader:
    read_int = _int if issubclass(cls, int) else _any

    def read_enum(value: Any) -> Any:
        try:
            return cls(read_int(value))
        except (ValueError, ShapeProblems):
            choices = ", ".join(repr(member.value) for member in cls)
            raise _bad(f"Input should be one of {choices}") from None

    return read_enum


# --------------------------------------------------------------------------- scalars
_INT_TEXT = re.compile(r"[+-]?[0-9]+(?:_[0-9]+)*(?:\.0*)?")
_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE = frozenset({"0", "false", "f", "no", "n", "off"})


def _is_decimal(value: Any) -> bool:
    return type(value).__name__ == "Decimal" and type(value).__module__ == "decimal"


def _int(value: Any) -> int:
    if type(value) is int:
        return value
    if isinstance(value, int):  # bool and int subclasses
        return int(value)
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise _bad("Input should be a valid integer, got a number with a fractional part")
    if isinstance(value, str):
        text = value.strip()
        if len(text) <= 4300 and _INT_TEXT.fullmatch(text):
            return int(text.partition(".")[0])
        raise _bad("Input should be a valid integer, unable to parse string as an integer")
    if _is_decimal(value) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    raise _bad("Input should be a valid integer")


def _float(value: Any) -> float:
    if isinstance(value, float):
        return value
    if isinstance(value, int) or _is_decimal(value):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    raise _bad("Input should be a valid number")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise _bad("Input should be a valid boolean, unable to interpret input")


def _str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # the platform sends ids as numbers or text
    if _is_decimal(value):
        return str(value)
    raise _bad("Input should be a valid string")


def _decimal(value: Any) -> Any:
    from decimal import Decimal, InvalidOperation  # only answers with amounts need it

    if _is_decimal(value):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            pass
    raise _bad("Input should be a valid decimal")


def _datetime(value: Any) -> _dt.datetime:
    if isinstance(value, _dt.datetime):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_timestamp(value)
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return _from_timestamp(int(text))
        try:
            return _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            pass
    raise _bad("Input should be a valid datetime")


def _from_timestamp(seconds: float) -> _dt.datetime:
    try:
        return _dt.datetime.fromtimestamp(seconds, _dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise _bad("Input should be a valid datetime, the number is out of range") from None


def _date(value: Any) -> _dt.date:
    if isinstance(value, _dt.datetime):
        if value.time() != _dt.time(0):
            raise _bad("Datetimes provided to dates should have zero time")
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return _dt.date.fromisoformat(text[:10]) if _zero_time(text[10:]) else _no_date()
        except ValueError:
            pass
    raise _bad("Input should be a valid date")


def _zero_time(rest: str) -> bool:
    return rest in ("", " 00:00:00", "T00:00:00", " 00:00", "T00:00")


def _no_date() -> _dt.date:
    raise ValueError


def _time(value: Any) -> _dt.time:
    if isinstance(value, _dt.time):
        return value
    if isinstance(value, str):
        try:
            return _dt.time.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _bad("Input should be a valid time")


_SCALARS: dict[type, Reader] = {
    int: _int,
    float: _float,
    bool: _bool,
    str: _str,
    _dt.datetime: _datetime,
    _dt.date: _date,
    _dt.time: _time,
}
