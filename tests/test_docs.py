"""The documents read cleanly: no table row without its table's header, no paragraph twice."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
GENERATED = {"reference.md", "coverage.md"}
"""Written per endpoint from the registry: the same note stands under several endpoints."""
SEPARATOR = re.compile(r"^\|(\s*:?-+:?\s*\|)+\s*$")


def _outside_code(text: str) -> list[str]:
    lines, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            lines.append("")
            continue
        lines.append("" if fenced else line)
    return lines


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_every_table_starts_with_its_header(path: Path) -> None:
    lines = _outside_code(path.read_text(encoding="utf-8"))
    orphans = [
        f"{path.name}:{n + 1}"
        for n, line in enumerate(lines)
        if line.startswith("|")
        and (n == 0 or not lines[n - 1].startswith("|"))
        and not (n + 1 < len(lines) and SEPARATOR.match(lines[n + 1]))
    ]
    assert not orphans, "table rows without a header: " + ", ".join(orphans)


@pytest.mark.parametrize(
    "path", [p for p in DOCUMENTS if p.name not in GENERATED], ids=lambda p: p.name
)
def test_no_paragraph_is_written_twice(path: Path) -> None:
    text = "\n".join(_outside_code(path.read_text(encoding="utf-8")))
    paragraphs = [
        p.strip()
        for p in text.split("\n\n")
        if len(p.strip()) > 80 and not p.strip().startswith("|")
    ]
    twice = [p[:60] for p, n in Counter(paragraphs).items() if n > 1]
    assert not twice, twice
