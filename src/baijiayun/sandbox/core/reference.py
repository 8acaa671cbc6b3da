"""The control API's table in ``README.md`` and ``docs/sandbox.md``, rendered from the
``@route`` declarations (the core's own on ``Sandbox``, each service's on its controls).

``python -m baijiayun.sandbox.core.reference README.md docs/sandbox.md`` rewrites the table
between the markers in each file; a test fails when a committed table differs.
"""

from __future__ import annotations

import inspect
import sys

from .app import SERVICES, Sandbox
from .service import Route, routes_of
from .util import embed_between, rewrite_files

__all__ = ["END", "START", "embed", "render"]

START = "<!-- control routes: python -m baijiayun.sandbox.core.reference FILE... -->"
END = "<!-- end of control routes -->"


def _body(route: Route) -> str:
    """The JSON body's fields: the method's parameters that are not path parts."""
    fields = []
    for param in inspect.signature(route.function).parameters.values():
        if param.name == "self" or "{" + param.name + "}" in route.pattern:
            continue
        if param.kind is param.VAR_KEYWORD:
            fields.append("...")
            continue
        fields.append(f'"{param.name}"' + ("" if param.default is param.empty else "?"))
    return " `{" + ", ".join(fields) + "}`" if fields else ""


def _call(owner: str, route: Route) -> str:
    names = [
        p.name
        for p in inspect.signature(route.function).parameters.values()
        if p.name != "self" and p.kind is not p.VAR_KEYWORD and p.default is p.empty
    ]
    return f"`{owner}.{route.function.__name__}({', '.join(names)})`"


def _rows(owner: str, routes: list[Route]) -> list[str]:
    return [
        f"| `{r.method} {r.pattern}`{_body(r)} | {_call(owner, r)} | {r.doc.replace('``', '`')} |"
        for r in sorted(routes, key=lambda r: (r.pattern, r.method))
    ]


def render() -> str:
    """The table (and the earlier names of the helpers), as Markdown."""
    lines = [
        "| route (JSON body: `?` optional) | method | what |",
        "|---|---|---|",
        *_rows("sandbox", routes_of(Sandbox)),
    ]
    aliases = []
    for service in SERVICES:
        if service.controls_class is None:
            continue
        lines += _rows(f"sandbox.{service.name}", service.controls_class.routes())
        aliases += [f"`sandbox.{old}` = `sandbox.{service.name}`" for old in service.aliases]
    lines += ["", "Earlier names, the same objects: " + ", ".join(aliases) + "."]
    return "\n".join(lines) + "\n"


def embed(text: str) -> str:
    """``text`` with the rendered table between its markers."""
    return embed_between(text, START, END, render(), "control-route")


if __name__ == "__main__":
    rewrite_files(sys.argv[1:], embed)
