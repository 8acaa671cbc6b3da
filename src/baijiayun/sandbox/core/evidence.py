"""Which of the sandbox's answers follow public evidence, and which are its own choice: the
table in ``docs/sandbox.md``, rendered from the public examples (``tests/fixtures/platform``,
each with its source) and the endpoint registry.

``python -m baijiayun.sandbox.core.evidence docs/sandbox.md`` rewrites the table between the
markers (run from the repository: the examples are test data, not part of the package); a
test fails when the committed table differs.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ...api import REGISTRY
from .util import embed_between, rewrite_files

__all__ = ["END", "FIXTURES", "START", "embed", "render"]

START = "<!-- answer sources: python -m baijiayun.sandbox.core.evidence docs/sandbox.md -->"
END = "<!-- end of answer sources -->"
FIXTURES = Path(__file__).resolve().parents[4] / "tests" / "fixtures" / "platform"
"""The public examples, in a checkout of the repository."""


def _sources(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _examples(folder: Path) -> list[dict[str, Any]]:
    found = []
    for file in sorted(folder.glob("*.json")):
        example = json.loads(file.read_text(encoding="utf-8"))
        example["file"] = file.name
        found.append(example)
    return found


def _fields(example: dict[str, Any]) -> str:
    data = example.get("data")
    if data is None:
        return "`null`"
    names = list(example.get("fields") or [])
    if not names and isinstance(data, dict):
        return "an object of id → token" if data else "`{}`"
    shown = ", ".join(f"`{name}`" for name in names)
    for name in names:
        value = data.get(name) if isinstance(data, dict) else None
        if isinstance(value, list) and value and isinstance(value[0], dict):
            shown += f" (`{name}[]`: " + ", ".join(f"`{k}`" for k in value[0]) + ")"
    absent = example.get("absent") or []
    if absent:
        shown += "; not sent: " + ", ".join(f"`{name}`" for name in absent)
    return shown


def _names(paths: Iterable[str]) -> dict[str, str]:
    by_path = {spec.path: spec.qualname for spec in REGISTRY}
    return {path: by_path.get(path, "(not declared)") for path in paths}


def render(folder: Path = FIXTURES) -> str:
    """The two lists, as Markdown."""
    examples = [e for e in _examples(folder) if e["kind"] == "answer"]
    callbacks = [e for e in _examples(folder) if e["kind"] == "callback"]
    names = _names(e["path"] for e in examples)
    lines = [
        "| endpoint | path | fields the evidence shows | example | source |",
        "|---|---|---|---|---|",
    ]
    for example in sorted(examples, key=lambda e: (names[e["path"]], e["file"])):
        kind = "built from the source's fields" if example.get("constructed") else "as printed"
        lines.append(
            f"| `{names[example['path']]}` | `{example['path']}` | {_fields(example)} | "
            f"{kind} (`{example['file']}`) | "
            + "; ".join(_cell(s) for s in _sources(example["source"]))
            + " |"
        )
    for example in callbacks:
        lines.append(
            f"| callback | `{example['path']}` | the fields of one delivery | as printed "
            f"(`{example['file']}`) | "
            + "; ".join(_cell(s) for s in _sources(example["source"]))
            + " |"
        )
    evidenced = {e["path"] for e in examples}
    own: dict[str, list[str]] = {}
    for spec in REGISTRY:
        if spec.path not in evidenced:
            group, _, method = spec.qualname.partition(".")
            own.setdefault(group, []).append(method)
    total = sum(len(methods) for methods in own.values())
    lines += [
        "",
        f"**The sandbox's own choice** ({total} of {len(REGISTRY)} endpoints: no public source "
        "shows their answer). Their answers have exactly the fields the SDK's result model "
        "declares, `null` where nothing applies:",
        "",
        "| group | endpoints |",
        "|---|---|",
        *(f"| `{group}` | {', '.join(methods)} |" for group, methods in own.items()),
    ]
    return "\n".join(lines) + "\n"


def embed(text: str, folder: Path = FIXTURES) -> str:
    """``text`` with the rendered lists between its markers."""
    return embed_between(text, START, END, render(folder), "answer-source")


if __name__ == "__main__":
    rewrite_files(sys.argv[1:], embed)
