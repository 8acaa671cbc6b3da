"""The project's own checks run with the suite: ruff, ruff format and mypy stay clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        [sys.executable, "-m", "mypy"],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_checks_are_clean(command: list[str]) -> None:
    if command[0] == "ruff":
        ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
        command = [ruff, *command[1:]]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_reference_docs_match_the_declarations() -> None:
    from baijiayun._reference import render

    committed = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert committed == render(), "run: python -m baijiayun._reference > docs/reference.md"


def test_coverage_table_matches_the_registry() -> None:
    from baijiayun._reference import render_coverage

    committed = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert committed == render_coverage(), (
        "run: python -m baijiayun._reference coverage > docs/coverage.md"
    )


def test_declared_endpoints_keep_the_catalogs_group_and_method_names() -> None:
    """Code written against the earlier SDK finds each method where it was."""
    from baijiayun._catalog import CATALOG
    from baijiayun.api import REGISTRY

    names = {path: (group, method) for group, method, path in CATALOG}
    for spec in REGISTRY:
        assert names.get(spec.path) == (spec.group, spec.name), spec.qualname
