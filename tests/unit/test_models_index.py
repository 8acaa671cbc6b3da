"""``baijiayun.models``: each group model by name, through a generated index that cannot drift."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys

import baijiayun.models
from baijiayun.api import REGISTRY
from baijiayun.models import _index


def test_the_index_is_what_the_group_modules_export() -> None:
    text = _index.INIT.read_text(encoding="utf-8")
    assert _index.rewritten(text) == text, "run: python -m baijiayun.models._index"


def test_every_group_model_resolves_to_its_own_module() -> None:
    for module in _index.group_modules():
        group_models = importlib.import_module(f"baijiayun.models.{module}")
        for name in group_models.__all__:
            assert getattr(baijiayun.models, name) is getattr(group_models, name), name
            assert name in baijiayun.models.__all__
    assert set(baijiayun.models.__all__) <= set(dir(baijiayun.models))


def test_a_model_name_imports_only_its_own_module() -> None:
    code = (
        "import sys\n"
        "from baijiayun.models import RoomInfo\n"
        "groups = sorted(m for m in sys.modules if m.startswith('baijiayun.models.')"
        " and not m.startswith('baijiayun.models._'))\n"
        "assert groups == ['baijiayun.models.room'], groups\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def test_an_endpoint_result_comes_from_its_group_module() -> None:
    """A stub's return annotation resolves in its own module, which imports its group's models."""
    for info in REGISTRY.groups.values():
        for method in info.methods:
            stub_module = inspect.getmodule(method.__wrapped__)
            assert stub_module is not None
            annotation = method.__wrapped__.__annotations__["return"]
            top = eval(annotation, vars(stub_module)) if isinstance(annotation, str) else annotation
            assert top == method.spec.result_type or top is None, method.qualname
            for model in _models_in(method.spec.result_type):
                assert model.__module__.startswith("baijiayun.models."), (method.qualname, model)


def _models_in(tp: object) -> list[type]:
    import typing

    from baijiayun.models import Result

    if isinstance(tp, type) and issubclass(tp, Result):
        return [tp]
    return [m for arg in typing.get_args(tp) for m in _models_in(arg)]
