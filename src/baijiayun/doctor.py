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
from collections.abc import Callable, Mapping
from typing import Any, Literal, Union

from ._read import ShapeProblems, read
from .models._base import Result, fields_of, model_class

if typing.TYPE_CHECKING:
    from ._endpoint import Endpoint

__all__ = [
    "Drift",
    "Finding",
    "Report",
    "arguments",
    "check_account",
    "check_answer",
    "compare",
    "expected_types",
    "json_type",
    "shape_of",
]

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
        if issubclass(annotation, Result):
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


def _first(annotation: Any, pick: Callable[[Any], Any]) -> Any:
    """``pick`` of the annotation, looking through ``Annotated`` and into each member of a
    union (``Optional``), the first that ``pick`` does not answer ``None`` for."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _first(typing.get_args(annotation)[0], pick)
    if origin in (Union, types.UnionType):
        found = (_first(arg, pick) for arg in typing.get_args(annotation))
        return next((f for f in found if f is not None), None)
    return pick(annotation)


def _items_of(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (list, tuple, set, frozenset):
        args = typing.get_args(annotation)
        return args[0] if args else Any
    return None


def _model_class(annotation: Any) -> Any:
    return annotation if model_class(annotation) is not None else None


def _item_annotation(annotation: Any) -> Any:
    """``X`` of ``list[X]`` (through ``Optional`` and ``Annotated``), else ``None``."""
    return _first(annotation, _items_of)


def _model_of(annotation: Any) -> Any:
    """The model type of a field (through ``Optional`` and ``Annotated``), else ``None``."""
    return _first(annotation, _model_class)


def compare(annotation: Any, data: Any, where: str = "data") -> list[Drift]:
    """The drifts between ``data`` (decoded JSON) and the declared ``annotation``."""
    drifts: list[Drift] = []
    _compare(annotation, data, where, drifts, 0)
    return drifts


def _compare(annotation: Any, data: Any, where: str, drifts: list[Drift], depth: int) -> None:
    if depth > MAX_DEPTH:
        return
    kind = json_type(data)
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
        return
    if _reads(annotation, data):
        return  # any other shape the SDK reads: lax scalars, an object of id to token, ...
    allowed = expected_types(annotation)
    wanted = "|".join(sorted(allowed)) or "something else"
    drifts.append(Drift("type", where, f"{kind}, the model reads {wanted}"))


def _reads(annotation: Any, value: Any) -> bool:
    """Whether the SDK reads ``value`` as ``annotation``: the very reader a call uses
    (lax rules: ``"2"`` is an int, a number is text where the model takes text)."""
    try:
        read(annotation, value)
    except ShapeProblems:
        return False
    except TypeError:  # an annotation no reader is built for alone
        return json_type(value) in expected_types(annotation)
    return True


def _compare_model(
    model: Any, data: Mapping[str, Any], where: str, drifts: list[Drift], depth: int
) -> None:
    known: set[str] = set()
    for name, field in (fields_of(model) or {}).items():
        known.update(field.names)
        key = next((k for k in field.names if k in data), field.alias or name)
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


# --------------------------------------------------------------------------- the run
Status = Literal["conforms", "drifts", "skipped", "error"]


@dataclasses.dataclass
class Finding:
    """What one endpoint's check found."""

    qualname: str
    path: str
    status: Status
    detail: str = ""
    """Why it was skipped, or the error's class and code (never a value of the answer)."""
    drifts: list[Drift] = dataclasses.field(default_factory=list)
    shape: dict[str, Any] | None = None


@dataclasses.dataclass
class Report:
    """Every finding, and what was learnt of the account on the way."""

    findings: list[Finding]
    clock_skew: float | None = None
    """This machine's clock minus the platform's ``ts`` (seconds), from the first answer."""
    problem: str | None = None
    """Why the run stopped before the endpoints (the key refused, no network, ...)."""

    @property
    def conforms(self) -> bool:
        """No drift, no error, and the run got to the endpoints."""
        return self.problem is None and all(
            f.status in ("conforms", "skipped") for f in self.findings
        )

    def to_json(self) -> dict[str, Any]:
        """The report as JSON: shapes and drifts only, never a value from an answer."""
        return {
            "conforms": self.conforms,
            "problem": self.problem,
            "clock_skew_seconds": None if self.clock_skew is None else round(self.clock_skew, 1),
            "endpoints": {
                f.qualname: {
                    "path": f.path,
                    "status": f.status,
                    "detail": f.detail,
                    "drifts": [dataclasses.asdict(d) for d in f.drifts],
                    "shape": f.shape,
                }
                for f in self.findings
            },
        }


def _first_value(rules: Any) -> Any:
    """The first allowed value of a parameter with a fixed set (``OneOf``), else ``None``."""
    for rule in rules:
        values = getattr(rule, "values", None)
        if isinstance(values, tuple) and values:
            return values[0]
    return None


def arguments(spec: Endpoint, context: Mapping[str, Any]) -> dict[str, Any] | str:
    """Keyword arguments for ``spec`` from what the account listed, or why there are none."""
    values: dict[str, Any] = {}
    for param in spec.params:
        if not param.required:
            continue
        if param.name in context:
            values[param.name] = context[param.name]
            continue
        first = _first_value(param.rules)
        if first is None:
            return f"needs {param.name}"
        values[param.name] = first
    return values


def base_context(today: _dt.date) -> dict[str, Any]:
    """Arguments every account has: yesterday's reports, last week's, a token's life."""
    yesterday = today - _dt.timedelta(days=1)
    week_ago = today - _dt.timedelta(days=7)
    beijing = _dt.timezone(_dt.timedelta(hours=8))
    return {
        "date": yesterday,
        "start_date": week_ago,
        "end_date": yesterday,
        "start_time": _dt.datetime.combine(yesterday, _dt.time(), beijing),
        "end_time": _dt.datetime.combine(yesterday, _dt.time(23, 59, 59), beijing),
        "expires_in": 3600,
        "page": 1,
        "page_size": 10,
    }


def _first_item(data: Any) -> Mapping[str, Any] | None:
    """The first entry of a listing's ``data`` (a list, or an object with one list)."""
    items: Any = data
    if isinstance(data, Mapping):
        lists = [v for v in data.values() if isinstance(v, list)]
        items = lists[0] if lists else None
    if isinstance(items, list) and items and isinstance(items[0], Mapping):
        return items[0]
    return None


def _learn(*names: tuple[str, str]) -> Callable[[Any], dict[str, Any]]:
    """Take ``field`` of a listing's first entry as the argument ``name`` (and its plural)."""

    def learn(data: Any) -> dict[str, Any]:
        first = _first_item(data)
        found: dict[str, Any] = {}
        for name, field_name in names:
            if first is not None and first.get(field_name) not in (None, ""):
                found[name] = first[field_name]
                found[name + "s"] = [first[field_name]]
        return found

    return learn


DISCOVER: tuple[tuple[str, Callable[[Any], dict[str, Any]]], ...] = (
    ("room.list", _learn(("room_id", "room_id"))),
    ("video.get_video_list", _learn(("video_id", "video_id"))),
    (
        "video.get_category_list",
        _learn(("category_id", "id"), ("category_id", "category_id")),
    ),
    (
        "sub_account.get_sub_account_list",
        _learn(("sub_partner_id", "sub_partner_id")),
    ),
    ("room.listcode", _learn(("code", "code"))),
)
"""Listings read first, and what each teaches the later calls."""


def check_account(
    client: Any, today: _dt.date, *, progress: Callable[[str], None] | None = None
) -> Report:
    """Call every read-only endpoint of ``client`` that arguments can be formed for.

    Only endpoints declared ``safe`` (reads) are called: nothing is created, changed
    or deleted. Listings are read first; what they hold (a room, a video, a code)
    becomes the arguments of the calls that need one.
    """
    import time

    from .api import REGISTRY
    from .errors import APIConnectionError, APIError, BaiJiaYunError
    from .errors import ValidationError as BadArguments

    context = base_context(today)
    findings: dict[str, Finding] = {}
    report = Report([])
    order = [name for name, _ in DISCOVER]
    specs = sorted(
        (s for s in REGISTRY if s.safe),
        key=lambda s: (order.index(s.qualname) if s.qualname in order else len(order), s.qualname),
    )
    learners = dict(DISCOVER)
    for spec in specs:
        if progress is not None:
            progress(spec.qualname)
        values = arguments(spec, context)
        if isinstance(values, str):
            findings[spec.qualname] = Finding(spec.qualname, spec.path, "skipped", values)
            continue
        method = getattr(getattr(client, spec.group), spec.name)
        try:
            try:
                raw = method.raw(**values)
            except BadArguments as exc:  # a parameter required by a check, not by name
                if exc.param not in context or exc.param in values:
                    raise
                raw = method.raw(**values, **{exc.param: context[exc.param]})
        except BadArguments as exc:
            findings[spec.qualname] = Finding(
                spec.qualname, spec.path, "skipped", f"needs {exc.param} ({exc.rule})"
            )
            continue
        except APIConnectionError as exc:
            report.problem = f"cannot reach the platform: {type(exc).__name__}"
            break
        except APIError as exc:
            if exc.code in (1002, 2001, 2003) and not any(
                f.status != "skipped" for f in findings.values()
            ):
                report.problem = f"the account or key was refused: {exc.code}"
                break
            # The platform refused what was guessed (a room of another kind, no permission):
            # that says nothing about answer shapes.
            findings[spec.qualname] = Finding(
                spec.qualname, spec.path, "skipped", f"refused: {type(exc).__name__} {exc.code}"
            )
            continue
        except BaiJiaYunError as exc:
            findings[spec.qualname] = Finding(spec.qualname, spec.path, "error", type(exc).__name__)
            continue
        if report.clock_skew is None and isinstance(raw.envelope.get("ts"), (int, float)):
            report.clock_skew = time.time() - float(raw.envelope["ts"])
        drifts = check_answer(spec, raw.data)
        findings[spec.qualname] = Finding(
            spec.qualname,
            spec.path,
            "drifts" if drifts else "conforms",
            drifts=drifts,
            shape=shape_of(raw.data),
        )
        if spec.qualname in learners:
            context.update({k: v for k, v in learners[spec.qualname](raw.data).items()})
    report.findings = sorted(findings.values(), key=lambda f: f.qualname)
    return report
