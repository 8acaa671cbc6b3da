"""The unit tests' own platform answers: built from the result models and the public examples.

Nothing here runs or imports the sandbox: a sandbox bug cannot change what the
unit tests' fake platform answers. For every registered endpoint,
:func:`default_answers` gives the ``data`` of a successful answer:

* where a public example of the platform's answer exists
  (``tests/unit/data/platform_examples.json``, copied from the public evidence
  gathered in ``shared/reference/platform-answers/shapes.json``), that example,
  with every field the result model declares and the example lacks filled in;
* otherwise a value built from the declared result type: every field of a
  model (required and optional, under its wire alias) gets a valid value of
  its annotation (text, numbers, times as the platform's Beijing text, amounts
  as text, lists of one item, nested models, pages, CSV exports with one row).

Every built answer is checked against its result type when it is built, so a
model the builder cannot satisfy fails loudly here rather than in some test.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import itertools
import json
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from baijiayun._read import read
from baijiayun.api import REGISTRY
from baijiayun.models._base import Result, fields_of, model_class

__all__ = ["EXAMPLES", "ROOM_ID", "build_value", "default_answers"]

DATA = Path(__file__).parent / "data"

EXAMPLES: dict[str, Any] = json.loads(
    (DATA / "platform_examples.json").read_text(encoding="utf-8")
)["examples"]
"""Path -> the ``data`` of one public example answer (``None`` where the example is null)."""

ROOM_ID = int(EXAMPLES["/openapi/room/info"]["room_id"])
"""The room of the public ``room/info`` example: the room every unit test talks about."""

# The fixed "now" of the unit tests, 2027-01-15 16:00:00 in Beijing (conftest.NOW).
_NOW = dt.datetime(2027, 1, 15, 16, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _strip_optional(tp: Any) -> Any:
    """``X`` for ``X | None`` (the first non-None member of any union), metadata kept."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(tp) if a is not type(None)]
        return members[0] if members else type(None)
    return tp


class _Builder:
    """Makes one valid value per annotation; numbers count up so values differ."""

    def __init__(self) -> None:
        self._numbers = itertools.count(1)
        self._building: list[Any] = []
        """The models being built, outermost first (a model may nest itself: a tree)."""

    def number(self) -> int:
        return next(self._numbers)

    def value(self, tp: Any, name: str = "") -> Any:
        tp = _strip_optional(tp)
        origin = typing.get_origin(tp)
        if origin is Annotated:
            return self.value(typing.get_args(tp)[0], name)
        if tp is type(None):
            return None
        if tp is Any or tp is object:
            return f"{name or 'value'}-{self.number()}"
        if origin is Literal:
            return typing.get_args(tp)[0]
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return next(iter(tp)).value
        if model_class(tp) is not None:
            return self.model(tp)
        if origin in (list, tuple, set, frozenset) or tp in (list, tuple):
            args = typing.get_args(tp) or (Any,)
            item = _strip_optional(args[0])
            if isinstance(item, type) and item in self._building:
                return []  # a tree's leaves have no children
            return [self.value(args[0], name)]
        if origin is dict or tp is dict:
            key_tp, value_tp = typing.get_args(tp) or (str, Any)
            return {self.key(key_tp): self.value(value_tp, name)}
        return self.scalar(tp, name)

    def key(self, tp: Any) -> str:
        """A mapping key as JSON carries it (text)."""
        value = self.value(tp, "key")
        return str(value)

    def scalar(self, tp: Any, name: str) -> Any:
        if tp is bool:
            return 1
        if tp is int:
            return ROOM_ID if name == "room_id" else self.number()
        if tp is float:
            return self.number() + 0.5
        if tp is Decimal:
            return f"{self.number()}.25"
        if tp is dt.datetime:
            return (_NOW + dt.timedelta(minutes=self.number())).strftime("%Y-%m-%d %H:%M:%S")
        if tp is dt.date:
            return _NOW.date().isoformat()
        if tp is dt.time:
            return f"{self.number() % 24:02d}:00"
        if tp is str:
            return self.text(name)
        raise TypeError(f"no fixture value for {tp!r} (field {name!r})")

    def text(self, name: str) -> str:
        """Text for a field, shaped by its name where the platform's is recognisable."""
        n = self.number()
        if name == "room_id":
            return str(ROOM_ID)
        if name.endswith("code"):
            return f"c{n:05d}"  # join codes are six characters
        if name.endswith("url"):
            return f"https://fixture.example/{name}/{n}"
        return f"{name or 'text'}-{n}"

    def model(self, cls: Any) -> dict[str, Any]:
        row_type = getattr(model_class(cls), "row_type", None)
        data: dict[str, Any] = {}
        self._building.append(cls)
        try:
            for field_name, info in (fields_of(cls) or {}).items():
                data[info.alias or field_name] = self.value(info.annotation, field_name)
        finally:
            self._building.pop()
        if "csv" in data and isinstance(row_type, type) and issubclass(row_type, Result):
            data["csv"] = self.csv(row_type)
        return data

    def csv(self, row_type: type[Result]) -> str:
        """CSV text with a header and one valid row of ``row_type``."""
        row = self.model(row_type)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\n")
        writer.writeheader()
        writer.writerow(
            {k: json.dumps(v) if isinstance(v, (dict, list)) else v for k, v in row.items()}
        )
        return out.getvalue()


def build_value(tp: Any) -> Any:
    """A valid raw (JSON) value of the declared type ``tp``."""
    return _Builder().value(tp)


def _fill(example: Any, built: Any) -> Any:
    """The example, with what the built value has and the example lacks added (recursively)."""
    if isinstance(example, dict) and isinstance(built, dict):
        merged = dict(built)
        for key, value in example.items():
            merged[key] = _fill(value, built.get(key))
        return merged
    if isinstance(example, list) and isinstance(built, list) and built:
        return [_fill(item, built[0]) for item in example]
    return example


def _answer_for(spec: Any) -> Any:
    """The ``data`` of a successful answer of one endpoint (see the module docstring)."""
    tp = spec.result_type
    built = None if tp is None else build_value(tp)
    if spec.unwrap is not None:
        built = {spec.unwrap: built}
    if spec.path not in EXAMPLES:
        return _checked(spec, built)
    example = EXAMPLES[spec.path]
    if example is None or tp is None:
        return example
    try:  # the example as the model reads it, with what it lacks filled in
        return _checked(spec, _fill(example, built))
    except ValueError:  # a model stricter than the platform's example: the built value
        return _checked(spec, built)  # (test_fixtures checks room/info keeps its example)


def _checked(spec: Any, data: Any) -> Any:
    """``data``, once its result type accepts it (a fixture the model refuses fails here)."""
    if spec.result_type is not None:
        value = data[spec.unwrap] if spec.unwrap is not None else data
        read(spec.result_type, value)
    return data


def default_answers() -> dict[str, Any]:
    """Path -> the ``data`` the unit tests' fake platform answers by default."""
    return {spec.path: _answer_for(spec) for spec in REGISTRY}
