"""``double_teacher``: campuses (zones) added and listed, on both clients and on the wire."""

from __future__ import annotations

import pytest

from baijiayun.errors import ParameterError, ValidationError
from baijiayun.models.double_teacher import ZoneList
from baijiayun.sandbox import Sandbox


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(seed=44)


def test_a_campus_added_is_listed_with_what_was_given(sandbox: Sandbox) -> None:
    client = sandbox.client()
    first = client.double_teacher.add_zone(131, 110100, "北京网校", "北京海淀区")
    second = client.double_teacher.add_zone(132, 310100, "上海校区", "上海徐汇区")
    assert isinstance(first.zone_id, int) and second.zone_id != first.zone_id
    page = client.double_teacher.list_zone(page=1, page_size=10)
    assert isinstance(page, ZoneList)
    assert page.total == 2
    assert [(z.zone_id, z.zone_unique, z.name, z.address) for z in page.items] == [
        (first.zone_id, 131, "北京网校", "北京海淀区"),
        (second.zone_id, 132, "上海校区", "上海徐汇区"),
    ]
    assert page.items[0].create_time is not None and page.items[0].create_time.tzinfo


def test_every_page_is_walked_one_at_a_time(sandbox: Sandbox) -> None:
    client = sandbox.client()
    for n in range(7):
        client.double_teacher.add_zone(200 + n, 110100, f"校区{n}", "北京")
    seen = [z.zone_unique for z in client.double_teacher.iter_zones(page_size=3)]
    assert seen == list(range(200, 207))


async def test_the_async_client_has_the_same_methods(sandbox: Sandbox) -> None:
    async with sandbox.async_client() as client:
        added = await client.double_teacher.add_zone(7, 1, "A", "B")
        page = await client.double_teacher.list_zone()
        assert [z.zone_id for z in page.items] == [added.zone_id]


def test_a_campus_code_is_unique_in_an_account(sandbox: Sandbox) -> None:
    client = sandbox.client()
    client.double_teacher.add_zone(131, 110100, "北京网校", "北京海淀区")
    with pytest.raises(ParameterError, match="zone_unique"):
        client.double_teacher.add_zone(131, 110100, "另一个", "别处")
    other = sandbox.partner.add("20000002", "other-key-" + "0" * 30, "other-secret")
    assert other is not None
    theirs = sandbox.client(partner_id="20000002", partner_key="other-key-" + "0" * 30)
    theirs.double_teacher.add_zone(131, 110100, "他们的", "别处")  # another account's code
    assert client.double_teacher.list_zone().total == 1
    assert theirs.double_teacher.list_zone().total == 1


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"name": "x" * 101}, "name"),
        ({"address": "y" * 256}, "address"),
        ({"name": ""}, "name"),
        ({"zone_unique": -1}, "zone_unique"),
    ],
)
def test_bad_campuses_are_refused_before_anything_is_sent(
    sandbox: Sandbox, kwargs: dict[str, object], param: str
) -> None:
    client = sandbox.client()
    args: dict[str, object] = {
        "zone_unique": 1,
        "area_id": 2,
        "name": "n" * 100,
        "address": "a" * 255,
    }
    client.double_teacher.add_zone(**args)  # the limits themselves are fine
    before = sum(sandbox.requests.values())
    with pytest.raises(ValidationError) as caught:
        client.double_teacher.add_zone(**{**args, "zone_unique": 3, **kwargs})
    assert caught.value.param == param
    assert sum(sandbox.requests.values()) == before


def test_the_wire_form_names_every_parameter(sandbox: Sandbox) -> None:
    client = sandbox.client()
    client.double_teacher.add_zone(131, 110100, "北京网校", "北京海淀区")
    client.double_teacher.list_zone(page=2, page_size=5)
    assert sandbox.requests["/openapi/double_teacher/addZone"] == 1
    assert sandbox.requests["/openapi/double_teacher/listZone"] == 1
