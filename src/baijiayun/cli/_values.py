"""``key=value`` text read with an endpoint's declared kinds (the registry's ``Param.kind``)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from .._endpoint import Endpoint, Param
from .._wire import TIME, Invalid
from ._app import CliError

__all__ = ["kind_text", "parse_assignments", "parse_value", "rules_text"]

_KIND_TEXT = {
    "str": "text",
    "int": "integer",
    "flag": "0/1 (true/false)",
    "time": "time: YYYY-MM-DD HH:MM (Beijing), ISO 8601 or unix seconds",
    "csv": "comma-separated list",
    "json": "JSON text",
    "file": "path of a file (uploaded)",
}
_TRUE = {"true": 1, "yes": 1, "on": 1, "false": 0, "no": 0, "off": 0}


def kind_text(param: Param) -> str:
    return _KIND_TEXT.get(param.kind.name, param.kind.name)


def rules_text(param: Param) -> str:
    return "; ".join(rule.describe() for rule in param.rules)


def parse_value(param: Param, text: str) -> Any:
    """A value from text, as the declared kind reads it (times also as dates)."""
    if param.kind is TIME or param.kind.name == "time":
        try:
            from ..timetable import parse_time  # the importer's reader of times

            return int(parse_time(text).timestamp())
        except ValueError as exc:
            raise Invalid(str(exc)) from None
    if param.kind.name == "flag" and text.strip().lower() in _TRUE:
        return _TRUE[text.strip().lower()]
    if param.is_file:
        return text
    return param.kind.parse(text)


def parse_assignments(spec: Endpoint, pairs: Iterable[str], where: str) -> dict[str, Any]:
    """``name=value`` items for ``spec``: each name declared, each value of its kind."""
    values: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or not name:
            raise CliError(
                f"expected name=value, got {pair!r}",
                f"see `{where} --help` for the parameters",
                exit_code=2,
            )
        param = spec.by_name.get(name)
        if param is None:
            close = difflib.get_close_matches(name, list(spec.by_name), n=3)
            hint = f"did you mean {', '.join(close)}? " if close else ""
            raise CliError(
                f"{spec.qualname} has no parameter {name!r}",
                f"{hint}see `{where} --help` for the parameters",
                exit_code=2,
            )
        if name in values:
            raise CliError(f"{name} is given twice", exit_code=2)
        try:
            values[name] = parse_value(param, text)
        except Invalid as exc:
            raise CliError(f"invalid {name}: {exc.rule}", exit_code=2) from None
    return values
