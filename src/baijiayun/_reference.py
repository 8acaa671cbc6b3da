"""The endpoint reference, rendered from the declarations (``docs/reference.md``).

``python -m baijiayun._reference > docs/reference.md`` writes it; a test checks
the committed file matches, so the docs cannot drift from the code.
"""

from __future__ import annotations

import importlib
import typing
from collections import defaultdict
from typing import Any

from ._endpoint import Endpoint
from .api import REGISTRY


def _type_name(tp: Any) -> str:
    if tp is None or tp is type(None):
        return "None"
    if typing.get_origin(tp) is typing.Annotated:
        return _type_name(typing.get_args(tp)[0])
    if typing.get_origin(tp) is not None:
        args = ", ".join(_type_name(a) for a in typing.get_args(tp))
        return f"{typing.get_origin(tp).__name__}[{args}]"
    return getattr(tp, "__name__", str(tp))


def _first_paragraph(doc: str) -> str:
    return " ".join(doc.strip().split("\n\n")[0].split()) if doc else ""


def _endpoint(spec: Endpoint) -> list[str]:
    lines = [f"### `client.{spec.group}.{spec.name}`", ""]
    summary = _first_paragraph(spec.doc)
    if summary:
        lines += [summary, ""]
    facts = [
        f"`POST {spec.path}`",
        "signed" if spec.signed else "not signed",
        "retried after a possible send (read)" if spec.safe else "never re-sent blindly (write)",
        f"returns {_type_name(spec.result_type)}"
        + (f" (from `data.{spec.unwrap}`)" if spec.unwrap else ""),
    ]
    lines += [" · ".join(facts), ""]
    if spec.params:
        lines += ["| parameter | sent as | required / default | rules |", "|---|---|---|---|"]
        for p in spec.params:
            need = (
                "required"
                if p.required
                else ("not sent" if p.default is None else f"`{p.default}`")
            )
            rules = "; ".join(r.describe() for r in p.rules) or ""
            lines.append(f"| `{p.name}` | {p.kind.name} | {need} | {rules} |")
        lines.append("")
    for check in spec.checks:
        lines += [f"Also checked: {_first_paragraph(check.__doc__ or check.__name__)}", ""]
    return lines


def render() -> str:
    importlib.import_module("baijiayun.api")  # registers every declaration
    groups: dict[str, list[Endpoint]] = defaultdict(list)
    for spec in REGISTRY:
        groups[spec.group].append(spec)
    out = [
        "# Endpoint reference",
        "",
        "Generated from the endpoint declarations in `src/baijiayun/api/` by",
        "`python -m baijiayun._reference`; do not edit by hand. The same declarations",
        "validate calls in the SDK and in the sandbox. Kinds: `int` (sent as digits),",
        "`flag` (True/False sent as 1/0), `time` (unix seconds or a datetime), `csv`",
        "(a list sent comma-joined), `str`, `file` (multipart, not signed).",
        "",
    ]
    for group in sorted(groups):
        out += [f"## {group}", ""]
        for spec in sorted(groups[group], key=lambda s: s.path):
            out += _endpoint(spec)
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
