"""Docs rendered from the registry: ``docs/reference.md`` and ``docs/coverage.md``.

``python -m baijiayun._reference > docs/reference.md`` and
``python -m baijiayun._reference coverage > docs/coverage.md`` write them; a
test checks the committed files match, so the docs cannot drift from the code.
"""

from __future__ import annotations

import sys
import types
import typing
from typing import Any

from ._catalog import CATALOG
from ._endpoint import Endpoint
from ._registry import derived_kind
from .api import REGISTRY


def _type_name(tp: Any) -> str:
    if tp is None or tp is type(None):
        return "None"
    if typing.get_origin(tp) is typing.Annotated:
        return _type_name(typing.get_args(tp)[0])
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return " | ".join(_type_name(a) for a in typing.get_args(tp))
    if typing.get_origin(tp) is not None:
        args = ", ".join(_type_name(a) for a in typing.get_args(tp))
        return f"{typing.get_origin(tp).__name__}[{args}]"
    return getattr(tp, "__name__", str(tp))


def _first_paragraph(doc: str) -> str:
    return " ".join(doc.strip().split("\n\n")[0].split()) if doc else ""


def _endpoint(spec: Endpoint) -> list[str]:
    lines = [f"### `client.{spec.qualname}`", ""]
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
    if spec.paging is not None:
        facts.append(f"pages by `{spec.paging.page}` / `{spec.paging.size}`")
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
    for check in spec.checks + spec.client_checks:
        only = " (SDK only)" if check in spec.client_checks else ""
        lines += [f"Also checked{only}: {_first_paragraph(check.__doc__ or check.__name__)}", ""]
    return lines


def render() -> str:
    out = [
        "# Endpoint reference",
        "",
        "Generated from the endpoint declarations in `src/baijiayun/api/` by",
        "`python -m baijiayun._reference`; do not edit by hand. The same declarations",
        "validate calls in the SDK and in the sandbox. Kinds: `int` (sent as digits),",
        "`flag` (True/False sent as 1/0), `time` (unix seconds or a datetime), `csv`",
        "(a list sent comma-joined), `json` (a list or dict sent as JSON text), `str`,",
        "`file` (multipart, not signed), `date` (`YYYY-MM-DD`), `datetime` (Beijing",
        "`YYYY-MM-DD HH:MM:SS` text). A rule marked *checked by the SDK only* is not",
        "enforced by the sandbox, which accepts what the platform accepts.",
        "",
    ]
    for info in REGISTRY.groups.values():
        if not info.endpoints:
            continue
        aliases = f" (also `client.{'`, `client.'.join(info.aliases)}`)" if info.aliases else ""
        out += [f"## {info.name}{aliases}", ""]
        for spec in info.endpoints:
            out += _endpoint(spec)
        for method in info.derived:
            out += [
                f"### `client.{info.name}.{method.name}`",
                "",
                f"{derived_kind(method)} over `client.{method.source.qualname}`: "
                + _first_paragraph(method.__doc__ or ""),
                "",
            ]
    return "\n".join(out).rstrip() + "\n"


def render_coverage() -> str:
    """Per group: which catalog endpoints are declared, emulated by the sandbox, typed."""
    from .sandbox import SERVICES

    emulated = {spec.path for service in SERVICES for spec in service.handlers}
    declared = {spec.path: spec for spec in REGISTRY}
    rows: dict[str, list[tuple[str, str]]] = {}
    for group, method, path in CATALOG:
        rows.setdefault(group, []).append((method, path))
    for spec in REGISTRY:
        known = {p for _, p in rows.get(spec.group, [])}
        if spec.path not in known:
            rows.setdefault(spec.group, []).append((spec.name, spec.path))
    out = [
        "# Coverage",
        "",
        "Generated from the registry by `python -m baijiayun._reference coverage`; do not",
        "edit by hand. One row per endpoint of the platform known to us (the earlier",
        "SDK's catalog and the endpoints it missed). *declared*: a method on both",
        "clients; *emulated*: the sandbox answers it; *typed*: it returns a declared",
        "result model (or `str` / `None`).",
        "",
        "| group | declared | emulated | typed | of |",
        "|---|---|---|---|---|",
    ]
    details: list[str] = []
    for group, entries in rows.items():
        counts = [0, 0, 0]
        details += [f"## {group}", "", "| method | path | declared | emulated | typed |"]
        details.append("|---|---|---|---|---|")
        for method, path in entries:
            found = declared.get(path)
            marks = [found is not None, path in emulated, found is not None and _typed(found)]
            counts = [c + m for c, m in zip(counts, marks, strict=True)]
            name = found.name if found is not None else method
            cells = " | ".join("✓" if m else "" for m in marks)
            details.append(f"| `{name}` | `{path}` | {cells} |")
        details.append("")
        out.append(f"| {group} | {counts[0]} | {counts[1]} | {counts[2]} | {len(entries)} |")
    total = [sum(1 for _ in REGISTRY), len(emulated & set(declared)), len(REGISTRY)]
    out += [f"| **all** | {total[0]} | {total[1]} | {total[2]} | {sum(map(len, rows.values()))} |"]
    return "\n".join([*out, "", *details]).rstrip() + "\n"


def _typed(spec: Endpoint) -> bool:
    def mentions_any(tp: Any) -> bool:
        return tp is Any or any(mentions_any(a) for a in typing.get_args(tp))

    return not mentions_any(spec.result_type)


if __name__ == "__main__":
    print(render_coverage() if sys.argv[1:] == ["coverage"] else render(), end="")
