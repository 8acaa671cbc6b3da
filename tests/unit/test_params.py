"""The parameter types several groups share (``baijiayun._params``): one of each.

``room_data`` and ``video_data`` each had a ``check_time_order``: room_data's
compared two moments only, video_data's two values of one kind. Both groups now
use the one check, which also compares whole days, and a day with a moment.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import baijiayun
from baijiayun import ValidationError, _params
from baijiayun.api import REGISTRY

ROOM = 21090312345678
REVERSED = [
    pytest.param("2026-12-01 10:00:00", "2026-12-01 09:00:00", id="two-moments"),
    pytest.param("2026-12-02", "2026-12-01", id="two-days"),
    pytest.param("2026-12-02", "2026-12-01 10:00:00", id="a-day-then-an-earlier-moment"),
]
IN_ORDER = [
    pytest.param("2026-12-01 09:00:00", "2026-12-01 10:00:00", id="two-moments"),
    pytest.param("2026-12-01", "2026-12-01", id="one-day"),
    pytest.param("2026-12-01", "2026-12-01 10:00:00", id="a-day-and-a-moment-in-it"),
]
CALLS = {
    "room_data.get_room_raise_data": lambda c, s, e: c.room_data.get_room_raise_data(ROOM, s, e),
    "video_data.get_video_play_record": lambda c, s, e: c.video_data.get_video_play_record(1, s, e),
}


@pytest.mark.parametrize("qualname", sorted(CALLS))
@pytest.mark.parametrize(("start", "end"), REVERSED)
def test_an_end_before_its_start_is_refused_by_both_groups(
    harness, qualname: str, start: str, end: str
) -> None:
    """Before: room_data sent two reversed whole days (its check compared moments only)."""
    with pytest.raises(ValidationError) as info:
        harness.run(lambda c: CALLS[qualname](c, start, end))
    assert info.value.param == "end_time"
    if qualname.startswith("room_data") or start[:10] == end[:10]:  # video_data: one day only
        assert "must not be before start_time" in info.value.rule
    assert harness.api.sent == []


@pytest.mark.parametrize(("start", "end"), IN_ORDER)
def test_a_period_in_order_passes_the_check(start: str, end: str) -> None:
    from baijiayun._wire import DATETIME, Context

    ctx = Context()
    values = {"start_time": DATETIME.coerce(start, ctx), "end_time": DATETIME.coerce(end, ctx)}
    _params.check_time_order(values, ctx)


def test_both_groups_use_the_one_time_order_check() -> None:
    users = [
        e.spec.qualname
        for e in REGISTRY._by_path.values()
        if _params.check_time_order in (*e.spec.checks, *e.spec.client_checks)
    ]
    assert {u.split(".")[0] for u in users} >= {"room_data", "video_data"}


def test_one_declaration_of_each_shared_type() -> None:
    """``Page``, ``PageSize`` and ``Paging(...)`` are declared in ``_params`` alone."""
    src = Path(baijiayun.__file__).parent
    found = []
    for path in sorted(src.rglob("*.py")):
        name = path.relative_to(src).as_posix()
        if name == "_params.py" or name.startswith("sandbox/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                if isinstance(target, ast.Name) and target.id in (
                    "Page",
                    "PageNo",
                    "PageSize",
                    "VideoId",
                    "check_time_order",
                ):
                    found.append(f"{name}:{node.lineno} {target.id}")
            if isinstance(node, ast.FunctionDef) and node.name == "check_time_order":
                found.append(f"{name}:{node.lineno} def check_time_order")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Paging"
                and any(
                    k.arg == "size" and getattr(k.value, "value", None) == "page_size"
                    for k in node.keywords
                )
            ):
                found.append(f"{name}:{node.lineno} Paging(...page_size...)")
    assert not found, "use baijiayun._params: " + ", ".join(found)


def test_every_enter_link_function_takes_the_declared_parameters() -> None:
    """The enter link's parameters are declared once (``links.ENTER``); the functions that
    build or sign a link list them for their callers (and type checkers): same names, same
    order, same defaults, but for ``user_role``, which the earlier SDK's ``get_web_sign``
    (and ``web_sign``) require."""
    import inspect

    from baijiayun import links
    from baijiayun.api.links import Links

    declared = [(p.name, p.default) for p in links.ENTER.params]
    leading = {
        links.enter_fields: 0,
        links.web_sign: 1,
        links.enter_url: 2,
        links.get_web_sign: 1,
        Links.enter_url: 1,
    }
    for function, skip in leading.items():
        params = list(inspect.signature(function).parameters.values())[skip:]
        found = [
            (p.name, None if p.default is inspect.Parameter.empty else p.default) for p in params
        ]
        want = [
            (
                name,
                None
                if name == "user_role" and function in (links.web_sign, links.get_web_sign)
                else default,
            )
            for name, default in declared
        ]
        assert found == want, function.__qualname__
