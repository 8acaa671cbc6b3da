"""Binding a call's arguments: our use of Python's own ``inspect.Signature.bind``.

Every method binds through :func:`baijiayun._endpoint.bind`: the same answer as
calling a plain function, errors that name the method and the parameter, and a
bad call refused before anything is sent.
"""

from __future__ import annotations

import inspect
import itertools
from typing import Any

import httpx2
import pytest

from baijiayun import BaiJiaYunClient
from baijiayun._endpoint import bind, without_self
from baijiayun.errors import ValidationError


def stub(self: Any, room_id: int, user_number: int, user_name: str = "x", *, limit: int = 5) -> Any:
    """A method stub with a required, a defaulted and a keyword-only parameter."""


SIGNATURE = without_self(inspect.signature(stub))


def BINDER(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    return bind("stub", SIGNATURE, args, kwargs)


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
        with pytest.raises(TypeError, match=r"^stub\(\): "):
            BINDER(args, kwargs)
    else:
        got = BINDER(args, kwargs)
        assert got == expected
        assert list(got) == ["room_id", "user_number", "user_name", "limit"]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((1, 2, "n", 9), {}, r"^stub\(\): too many positional arguments"),
        ((1,), {"room_id": 2, "user_number": 3}, r"multiple values for argument 'room_id'"),
        ((), {"user_number": 3}, r"^stub\(\): missing a required argument: 'room_id'"),
        ((1,), {}, r"missing a required argument: 'user_number'"),
        ((1, 2), {"bogus": 1}, r"^stub\(\): got an unexpected keyword argument 'bogus'"),
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


def test_a_sparse_binding_still_checks_the_call() -> None:
    def sparse(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        return bind("stub", SIGNATURE, args, kwargs, sent_defaults={"user_name": "x", "limit": 5})

    assert sparse((1, 2), {}) == {"room_id": 1, "user_number": 2, "user_name": "x", "limit": 5}
    assert sparse((1, 2), {"user_name": None}) == {"room_id": 1, "user_number": 2, "limit": 5}
    with pytest.raises(TypeError, match="missing a required argument: 'user_number'"):
        sparse((1,), {})
    with pytest.raises(TypeError, match="multiple values for argument 'room_id'"):
        sparse((1,), {"room_id": 1, "user_number": 2})


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.room.info(1, 2, 3), r"^info\(\): too many positional arguments"),
        (lambda c: c.room.info(), r"^info\(\): missing a required argument: 'room_id'"),
        (lambda c: c.room.info(1, bogus=1), r"^info\(\): got an unexpected keyword .*'bogus'"),
        (lambda c: c.room.info(1, room_id=1), r"^info\(\): multiple values for .*'room_id'"),
        (lambda c: list(c.room.iter_codes()), r"^iter_codes\(\): missing .*'room_id'"),
    ],
)
def test_a_client_method_refuses_a_bad_call_before_sending(call: Any, message: str) -> None:
    def never(request: object) -> object:
        raise AssertionError("nothing may be sent")

    http = httpx2.Client(transport=httpx2.MockTransport(never))
    with (
        BaiJiaYunClient(
            "10000001", "k" * 32, base_url="http://127.0.0.1:9/", http_client=http
        ) as c,
        pytest.raises(TypeError, match=message),
    ):
        call(c)
