"""One home each: the secret field names, the environment variable names, the timestamp tolerance.

Each is defined once (``errors.SECRET_NAMES``, ``_config.ENV_VARS`` and its neighbours,
``_signing.TIMESTAMP_TOLERANCE``) and imported everywhere else; these tests fail when a
second definition appears in the source tree.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import baijiayun
from baijiayun import BaiJiaYunClient, _config, _signing, errors
from baijiayun.errors import excerpt, redact

SRC = Path(baijiayun.__file__).parent
PENDING_MERGE: set[str] = set()
"""Files of work under way elsewhere that still restate a list (issue 17): empty at merge."""


def _sources() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        yield name, ast.parse(path.read_text(encoding="utf-8"), name)


def _docstrings(tree: ast.Module) -> set[int]:
    """ids of the string constants that are docstrings or bare string statements."""
    return {
        id(n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)
    }


@pytest.mark.parametrize("name", sorted(errors.SECRET_NAMES))
def test_redaction_covers_every_secret_name(name: str) -> None:
    value = "0123456789abcdef0123456789abcdef"
    for text in (f"{name}={value}", f'{{"{name}": "{value}"}}', f"{{'{name}': '{value}'}}"):
        assert value not in redact(text), text
        assert value not in excerpt(text), text
        assert value not in redact(text.upper()), text


def test_the_secret_names_are_listed_once() -> None:
    """No other module spells out a collection of secret names (two or more, nothing else)."""
    found = []
    for name, tree in _sources():
        if name == "errors.py" or name in PENDING_MERGE:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Set, ast.Tuple, ast.List)):
                items = [e.value for e in node.elts if isinstance(e, ast.Constant)]
                names = set(items) & errors.SECRET_NAMES
                if len(names) >= 2 and len(names) == len(items):
                    found.append(f"{name}:{node.lineno} {sorted(names)}")
    assert not found, "import SECRET_NAMES from baijiayun.errors instead: " + ", ".join(found)


def test_the_environment_variable_names_are_spelled_once() -> None:
    """``BAIJIAYUN_*`` appears in code (docstrings aside) only in ``_config.py``."""
    variable = re.compile(r"\bBAIJIAYUN_[A-Z][A-Z_]*")  # "BAIJIAYUN_*" names the family
    found = []
    for name, tree in _sources():
        if name == "_config.py":
            continue
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docs
                and variable.search(node.value)
            ):
                found.append(f"{name}:{node.lineno} {node.value!r}")
    assert not found, "use the names of baijiayun._config: " + ", ".join(found)
    assert set(_config.ENV_VARS) == set(_config.SETTING_NAMES)


def test_one_timestamp_tolerance() -> None:
    from baijiayun.callbacks import DEFAULT_TOLERANCE
    from baijiayun.timetable.importer import CLOCK_SKEW

    assert _signing.TIMESTAMP_TOLERANCE == 300
    assert inspect.signature(BaiJiaYunClient.verify_callback).parameters["tolerance"].default == 300
    assert DEFAULT_TOLERANCE is _signing.TIMESTAMP_TOLERANCE
    assert CLOCK_SKEW > _signing.TIMESTAMP_TOLERANCE
