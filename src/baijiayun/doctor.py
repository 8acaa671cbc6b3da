"""Does the SDK match what an account's platform answers? Shapes, compared.

``baijiayun doctor`` (``cli/_doctor.py``) calls the read-only endpoints it can
form arguments for and hands each answer's ``data`` here. This module is pure:

* :func:`shape_of` describes a JSON value by its field names and JSON types
  only (never a value), so a report is safe to attach to a bug report. Object
  keys that are ids (digits) are folded into one ``<id>`` key: they are values.
* :func:`compare` holds an answer against the endpoint's declared result and
  lists the drifts: a required field missing, a field the model does not know,
  a JSON type the model does not take.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import decimal
import enum
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, Union

from pydantic import BaseModel

if typing.TYPE_CHECKING:
    from ._endpoint import Endpoint

__all__ = ["Drift", "check_answer", "compare", "expected_types", "json_type", "shape_of"]

JSONType = Literal["string", "integer", "number", "boolean", "null", "object", "array"]

ID_KEY = "<id>"
"""How :func:`shape_of` names the keys of an object keyed by ids."""
MAX_DEPTH = 12
"""Nesting a shape describes at most (deeper parts are ``{"type": "..."}`` only)."""


def json_type(value: Any) -> JSONType:
    """The JSON type of a decoded JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    return "array"


def _is_id(key: str) -> bool:
    return key.isdigit()


def shape_of(value: Any, depth: int = 0) -> dict[str, Any]:
    """``{"type": ...}``, with ``fields`` for an object and ``items`` for an array.

    The items of an array are merged into one shape (the union of their fields,
    every type seen). No value of ``value`` is kept, only names and types.
    """
    kind = json_type(value)
    shape: dict[str, Any] = {"type": kind}
    if depth >= MAX_DEPTH:
        return shape
    if kind == "object":
        fields: dict[str, Any] = {}
        for key, item in value.items():
            name = ID_KEY if _is_id(str(key)) else str(key)
            fields[name] = _merge(fields.get(name), shape_of(item, depth + 1))
        shape["fields"] = fields
    elif kind == "array":
        merged: dict[str, Any] | None = None
        for item in value:
            merged = _merge(merged, shape_of(item, depth + 1))
        if merged is not None:
            shape["items"] = merged
    return shape


def _merge(a: dict[str, Any] | None, b: dict[str, Any]) -> dict[str, Any]:
    """One shape describing both: types joined with ``|``, fields and items merged."""
    if a is None:
        return b
    types_seen = sorted(set(a["type"].split("|")) | set(b["type"].split("|")))
    merged: dict[str, Any] = {"type": "|".join(types_seen)}
    if "fields" in a or "fields" in b:
        fields = dict(a.get("fields", {}))
        for name, shape in b.get("fields", {}).items():
            fields[name] = _merge(fields.get(name), shape)
        merged["fields"] = fields
    if "items" in a or "items" in b:
        merged["items"] = (
            _merge(a["items"], b["items"])
            if "items" in a and "items" in b
            else a.get("items") or b.get("items")
        )
    return merged


# --------------------------------------------------------------------------- expectations
def expected_types(annotation: Any) -> frozenset[str]:
    """The JSON types a field of this annotation is read from (empty: anything)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return expected_types(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        found: set[str] = set()
        for arg in typing.get_args(annotation):
            more = expected_types(arg)
            if not more:
                return frozenset()
            found |= more
        return frozenset(found)
    if origin is Literal:
        return frozenset(
            json_type(v.value if isinstance(v, enum.Enum) else v)
            for v in typing.get_args(annotation)
        )
    if annotation is type(None) or annotation is None:
        return frozenset({"null"})
    if annotation is Any or isinstance(annotation, typing.TypeVar):
        return frozenset()
    if origin in (list, tuple, set, frozenset) or annotation in (list, tuple, set, frozenset):
        return frozenset({"array"})
    if origin in (dict, Mapping) or annotation in (dict, Mapping):
        return frozenset({"object"})
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return frozenset({"object"})
        if issubclass(annotation, enum.Enum):
            return frozenset(json_type(member.value) for member in annotation)
        if issubclass(annotation, bool):
            return frozenset({"boolean", "integer"})
        if issubclass(annotation, int):
            return frozenset({"integer"})
        if issubclass(annotation, float):
            return frozenset({"number", "integer"})
        if issubclass(annotation, decimal.Decimal):
            return frozenset({"number", "integer", "string"})
        if issubclass(annotation, (_dt.datetime, _dt.date)):
            return frozenset({"string", "integer"})
        if issubclass(annotation, str):
            return frozenset({"string"})
    return frozenset()


@dataclasses.dataclass(frozen=True)
class Drift:
    """One way an answer differs from its model: ``kind`` is ``missing``, ``unknown`` or
    ``type``; ``where`` a path such as ``list[].room_id``; ``detail`` in words (no value)."""

    kind: Literal["missing", "unknown", "type"]
    where: str
    detail: str


def _item_annotation(annotation: Any) -> Any:
    """``X`` of ``list[X]`` (through ``Optional`` and ``Annotated``), else ``None``."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _item_annotation(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _item_annotation(arg)
            if found is not None:
                return found
        return None
    if origin in (list, tuple, set, frozenset):
        args = typing.get_args(annotation)
        return args[0] if args else Any
    return None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model class of a field (through ``Optional`` and ``Annotated``), else ``None``."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_of(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found is not None:
                return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def compare(annotation: Any, data: Any, where: str = "data") -> list[Drift]:
    """The drifts between ``data`` (decoded JSON) and the declared ``annotation``."""
    drifts: list[Drift] = []
    _compare(annotation, data, where, drifts, 0)
    return drifts


def _compare(annotation: Any, data: Any, where: str, drifts: list[Drift], depth: int) -> None:
    if depth > MAX_DEPTH:
        return
    allowed = expected_types(annotation)
    kind = json_type(data)
    if allowed and kind not in allowed:
        drifts.append(Drift("type", where, f"{kind}, the model reads {'|'.join(sorted(allowed))}"))
        return
    model = _model_of(annotation)
    if model is not None and kind == "object":
        _compare_model(model, data, where, drifts, depth)
        return
    item = _item_annotation(annotation)
    if item is not None and kind == "array":
        for value in data:
            before = len(drifts)
            _compare(item, value, f"{where}[]", drifts, depth + 1)
            if len(drifts) > before:
                break  # the items share one shape: the first that drifts says it


def _compare_model(
    model: type[BaseModel], data: Mapping[str, Any], where: str, drifts: list[Drift], depth: int
) -> None:
    known: set[str] = set()
    for name, field in model.model_fields.items():
        key = field.alias or name
        known.add(key)
        if field.validation_alias is not None and isinstance(field.validation_alias, str):
            known.add(field.validation_alias)
        path = f"{where}.{key}"
        if key not in data:
            if field.is_required():
                drifts.append(Drift("missing", path, "required by the model, not in the answer"))
            continue
        value = data[key]
        if value is None and not field.is_required():
            continue  # an optional field sent as null reads as its default
        _compare(field.annotation, value, path, drifts, depth + 1)
    for key in data:
        if key not in known:
            name = ID_KEY if _is_id(str(key)) else str(key)
            drifts.append(
                Drift("unknown", f"{where}.{name}", f"{json_type(data[key])}, not in the model")
            )


def check_answer(spec: Endpoint, data: Any) -> list[Drift]:
    """The drifts of one endpoint's answer ``data`` from its declaration."""
    if spec.unwrap is not None:
        where = f"data.{spec.unwrap}"
        if not isinstance(data, Mapping) or spec.unwrap not in data:
            return [Drift("missing", where, "the field the result is read from")]
        return compare(spec.result_type, data[spec.unwrap], where)
    if spec.result_type is None or spec.result_type is type(None):
        return []  # a write answering nothing the SDK reads: any data will do
    return compare(spec.result_type, data)
