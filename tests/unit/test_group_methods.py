"""From ``client.room.create`` to its declaration: a bound method keeps its stub in sight."""

from __future__ import annotations

import inspect

import pytest

from baijiayun import AsyncBaiJiaYunClient, BaiJiaYunClient
from baijiayun._group import BoundMethod, EndpointMethod
from baijiayun.api.room import Room

from .conftest import PARTNER_ID, PARTNER_KEY


@pytest.mark.parametrize("cls", [BaiJiaYunClient, AsyncBaiJiaYunClient])
def test_a_bound_method_unwraps_to_its_stub(cls: type) -> None:
    client = cls(PARTNER_ID, partner_key=PARTNER_KEY)
    create = client.room.create
    assert isinstance(create, BoundMethod)
    assert isinstance(Room.create, EndpointMethod)
    stub = inspect.unwrap(create)
    assert stub is Room.create.__wrapped__
    assert stub.__qualname__ == "Room.create"
    assert str(inspect.getsourcefile(stub)).endswith("api/room.py")
    assert create.__name__ == "create" and create.__doc__ == stub.__doc__
    assert "self" not in inspect.signature(create).parameters
    assert list(inspect.signature(create).parameters)[:3] == ["title", "start_time", "end_time"]
    assert "<bound method Room.create of " in repr(create)


@pytest.mark.parametrize("cls", [BaiJiaYunClient, AsyncBaiJiaYunClient])
def test_derived_methods_unwrap_to_the_stub_that_declares_them(cls: type) -> None:
    client = cls(PARTNER_ID, partner_key=PARTNER_KEY)
    pages = client.room.iter_codes  # listcode.pages(): the endpoint's stub declares it
    assert inspect.unwrap(pages) is Room.listcode.__wrapped__
    assert pages.__name__ == "iter_codes"
    assert "return" not in str(inspect.signature(pages))
