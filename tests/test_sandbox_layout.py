"""The sandbox's layout holds: one module per SDK group (and a test module), handlers named as
their endpoints, groups that import no other group, a core that imports no group, and the
control-route tables in README.md and docs/sandbox.md rendered from the declarations."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import baijiayun.sandbox as sandbox_package
from baijiayun.api import REGISTRY
from baijiayun.sandbox import SERVICES, Sandbox
from baijiayun.sandbox.core import reference

ROOT = Path(__file__).resolve().parents[1]
SANDBOX = Path(sandbox_package.__file__).parent
GROUPS = [name for name, info in REGISTRY.groups.items() if info.methods]
"""Every SDK group with endpoints (``links`` has derived methods only)."""


def _imports(path: Path) -> set[str]:
    """The sandbox modules ``path`` imports, as paths relative to the sandbox package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = path.parent.relative_to(SANDBOX).parts
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(here[: len(here) - (node.level - 1)]) if node.level > 1 else list(here)
            if node.level - 1 > len(here):
                continue  # above the sandbox package
            module = [*base, *(node.module.split(".") if node.module else [])]
            names = [alias.name for alias in node.names]
            found.add("/".join(module))
            found.update("/".join([*module, n]) for n in names)
    return found


@pytest.mark.parametrize("group", list(REGISTRY.groups))
def test_every_group_has_a_sandbox_module_and_a_test_module_of_its_name(group: str) -> None:
    if group in GROUPS:
        assert (SANDBOX / "groups" / f"{group}.py").is_file()
    tests = list((ROOT / "tests").rglob(f"test_{group}.py"))
    assert tests, f"tests/**/test_{group}.py is missing"
    assert "def test_" in tests[0].read_text(encoding="utf-8")


def test_every_service_of_a_group_is_named_as_the_group_and_emulates_only_its_endpoints() -> None:
    groups = {service.name: service for service in SERVICES if service.name in REGISTRY.groups}
    assert sorted(groups) == sorted(GROUPS)
    for name, service in groups.items():
        assert {spec.group for spec in service.handlers} <= {name}


def test_every_handler_is_named_as_its_endpoints_method() -> None:
    handlers = [(spec, fn) for service in SERVICES for spec, fn in service.handlers.items()]
    assert handlers
    wrong = [spec.qualname for spec, fn in handlers if fn.__name__ != spec.name]
    assert not wrong


def test_every_endpoint_of_the_registry_is_emulated() -> None:
    emulated = {spec for service in SERVICES for spec in service.handlers}
    missing = [spec.qualname for spec in REGISTRY if spec not in emulated]
    assert not missing


def test_a_group_module_imports_no_other_group_and_the_core_and_state_import_no_group() -> None:
    for path in sorted((SANDBOX / "groups").glob("*.py")):
        others = {i for i in _imports(path) if i.startswith("groups/")} - {"groups/" + path.stem}
        assert not others, f"{path.name} imports {others}"
    for folder in ("core", "state"):
        for path in sorted((SANDBOX / folder).glob("*.py")):
            groups = {i for i in _imports(path) if i.startswith("groups")}
            assert not groups, f"{folder}/{path.name} imports {groups}"
    for path in sorted((SANDBOX / "state").glob("*.py")):
        assert not {i for i in _imports(path) if i.startswith("core/app")}


def test_the_controls_are_the_services_and_the_earlier_names_the_same_objects() -> None:
    sandbox = Sandbox()
    with_controls = [s for s in SERVICES if s.controls_class is not None]
    assert sorted(sandbox.controls) == sorted(s.name for s in with_controls)
    for service in with_controls:
        controls = getattr(sandbox, service.name)
        assert isinstance(controls, service.controls_class)
        for alias in service.aliases:
            assert getattr(sandbox, alias) is controls
    assert sandbox.rooms is sandbox.room and sandbox.media is sandbox.video
    assert sandbox.playbacks is sandbox.playback and sandbox.partners is sandbox.partner
    assert sandbox.interaction is sandbox.hudong and sandbox.documents is sandbox.doc
    with pytest.raises(AttributeError):
        _ = sandbox.no_such_group


@pytest.mark.parametrize("name", ["README.md", "docs/sandbox.md"])
def test_the_control_route_table_matches_the_declarations(name: str) -> None:
    committed = (ROOT / name).read_text(encoding="utf-8")
    assert committed == reference.embed(committed), (
        "run: python -m baijiayun.sandbox.core.reference README.md docs/sandbox.md"
    )
    assert "sandbox.media.set_playback_status" not in committed


def test_every_stub_module_and_models_module_is_a_registered_group() -> None:
    """A group's stub module is on the clients (``api.Groups``), and its models module
    and sandbox module carry the same name: a module added without the rest fails here."""
    api = ROOT / "src" / "baijiayun" / "api"
    stubs = {p.stem for p in api.glob("*.py") if not p.stem.startswith("_")}
    assert stubs == set(REGISTRY.groups)
    models = ROOT / "src" / "baijiayun" / "models"
    with_models = {p.stem for p in models.glob("*.py") if not p.stem.startswith("_")}
    assert with_models <= set(GROUPS)
    assert set(GROUPS) - with_models == {"partner"}  # its one answer is the key, a str
    sandboxed = {p.stem for p in (SANDBOX / "groups").glob("*.py") if p.stem != "__init__"}
    assert sandboxed == set(GROUPS)
