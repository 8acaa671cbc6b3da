"""The argument binder answers every call the way calling a plain function would."""

from __future__ import annotations

import inspect
import itertools
from typing import Any

import httpx2
import pytest

from baijiayun import BaiJiaYunClient
from baijiayun._endpoint import Binder
from baijiayun.errors import ValidationError


def stub(self: Any, room_id: int, user_number: int, user_name: str = "x", *, limit: int = 5) -> Any:
    """A method stub with a required, a defaulted and a keyword-only parameter."""


BINDER = Binder("stub", inspect.signature(stub))

ARG_SHAPES = [(), (1,), (1, 2), (1, 2, "n"), (1, 2, "n", 9)]
KWARG_SHAPES: list[dict[str, Any]] = [
    {},
    {"room_id": 7},
    {"user_number": 8},
    {"room_id": 7, "user_number": 8},
    {"user_name": "m", "limit": 3},
    {"limit": 3, "user_number": 8, "room_id": 7},
    {"bogus": 1},
    {"user_number": 8, "bogus": 1},
]


def python_says(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any] | str:
    try:
        bound = inspect.signature(stub).bind(None, *args, **kwargs)
    except TypeError:
        return "TypeError"
    bound.apply_defaults()
    return {k: v for k, v in bound.arguments.items() if k != "self"}


@pytest.mark.parametrize(("args", "kwargs"), list(itertools.product(ARG_SHAPES, KWARG_SHAPES)))
def test_binds_like_python(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    expected = python_says(args, kwargs)
    if expected == "TypeError":
        with pytest.raises(TypeError, match=r"^stub\(\) "):
            BINDER(args, kwargs)
    else:
        got = BINDER(args, kwargs)
        assert got == expected
        assert list(got) == ["room_id", "user_number", "user_name", "limit"]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((1, 2, "n", 9), {}, "takes 3 positional arguments but 4 were given"),
        ((1,), {"room_id": 2, "user_number": 3}, "multiple values for argument 'room_id'"),
        ((), {"user_number": 3}, "missing required argument 'room_id'"),
        ((1,), {}, "missing required argument 'user_number'"),
        ((1, 2), {"bogus": 1}, "unexpected keyword argument 'bogus'"),
    ],
)
def test_names_what_is_wrong(args: tuple[Any, ...], kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        BINDER(args, kwargs)


def test_a_required_parameter_passed_as_none_is_refused_before_sending() -> None:
    sent: list[object] = []

    def never(request: object) -> object:
        sent.append(request)
        raise AssertionError("nothing may be sent")

    http = httpx2.Client(transport=httpx2.MockTransport(never))
    with (
        BaiJiaYunClient(
            "10000001", "k" * 32, base_url="http://127.0.0.1:9/", http_client=http
        ) as c,
        pytest.raises(ValidationError) as info,
    ):
        c.room.info(None)  # type: ignore[arg-type]
    assert info.value.param == "room_id"
    assert "is required" in str(info.value)
    assert sent == []


def test_an_endpoint_binds_only_what_it_was_given() -> None:
    from baijiayun.api import REGISTRY

    create = REGISTRY["/openapi/room/create"]
    bound = create.bind(("Maths", 1_800_000_000, 1_800_003_600), {"type": 2})
    assert bound == {
        "title": "Maths",
        "start_time": 1_800_000_000,
        "end_time": 1_800_003_600,
        "type": 2,
    }
    createkey = REGISTRY["/openapi/partner/createkey"]
    # a default that is not None is sent
    assert createkey.bind(("s",), {}) == {"secret_key": "s", "regenerate": 0}


def test_a_sparse_binder_still_checks_the_call() -> None:
    sparse = Binder("stub", inspect.signature(stub), sparse=True)
    assert sparse((1, 2), {}) == {"room_id": 1, "user_number": 2, "user_name": "x", "limit": 5}
    with pytest.raises(TypeError, match="missing required argument 'user_number'"):
        sparse((1,), {})
    with pytest.raises(TypeError, match="multiple values for argument 'room_id'"):
        sparse((1,), {"room_id": 1, "user_number": 2})
