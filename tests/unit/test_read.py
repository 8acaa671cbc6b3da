"""Reading answers into result models (``baijiayun._read`` and ``models._base``).

Each test names the one-line bug it is there to catch.
"""

from __future__ import annotations

import copy
import datetime as dt
import enum
import json
import pickle
from decimal import Decimal
from typing import Annotated, Any, Literal

import pytest

from baijiayun._read import Before, ShapeProblems, read
from baijiayun._wire import BEIJING
from baijiayun.models import Page, Result
from baijiayun.models._base import field, fields_of, model_class
from baijiayun.models.room import CodeItem, CodeList, RoomInfo
from baijiayun.models.sub_account import SubAccountCreated

UTC = dt.timezone.utc


class Status(enum.IntEnum):
    WAITING = 10
    READY = 100


class Leaf(Result):
    leaf_id: int
    name: str | None = None


class Tree(Result):
    node_id: int | None = None
    children: list[Tree] = field(default_factory=list)
    leaves: dict[str, Leaf] = field(default_factory=dict)


@pytest.mark.parametrize(
    ("annotation", "value", "expected"),
    [
        (int, "12", 12),
        (int, " 12 ", 12),
        (int, "+5", 5),
        (int, "1_000", 1000),
        (int, "7.0", 7),
        (int, 3.0, 3),
        (int, True, 1),
        (int, Decimal("4"), 4),
        (float, "2.5", 2.5),
        (float, 2, 2.0),
        (bool, "yes", True),
        (bool, "0", False),
        (bool, 1, True),
        (str, 26112912345678, "26112912345678"),  # ids come as numbers or text
        (str, 1.5, "1.5"),
        (Decimal, 0.1, Decimal("0.1")),  # a float's shortest text, not its binary tail
        (Decimal, "12.30", Decimal("12.30")),
        (dt.date, "2026-11-29", dt.date(2026, 11, 29)),
        (dt.date, "2026-11-29 00:00:00", dt.date(2026, 11, 29)),
        (dt.time, "20:30", dt.time(20, 30)),
        (dt.datetime, 0, dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)),
        (dt.datetime, "2026-11-29T20:00:00+08:00", dt.datetime(2026, 11, 29, 12, tzinfo=UTC)),
        (int | None, None, None),
        (int | float, 1.5, 1.5),  # an exact type wins over a lax reading
        (list[int], ["1", 2], [1, 2]),
        (dict[int, dt.date], {"7": "2026-01-02"}, {7: dt.date(2026, 1, 2)}),
        (Literal[1, 2], "2", 2),
        (Status, "100", Status.READY),
        (Any, {"x": [1]}, {"x": [1]}),
    ],
)
def test_lax_rules(annotation: Any, value: Any, expected: Any) -> None:
    got = read(annotation, value)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    ("annotation", "value"),
    [
        (int, "12a"),
        (int, ""),
        (int, 1.5),
        (int, "١٢"),  # not ASCII digits
        (int, None),
        (float, "x"),
        (bool, 2),
        (bool, ""),
        (str, True),  # a bool is not text
        (str, None),
        (Decimal, "1,5"),
        (dt.date, "2026-11-29 10:00:00"),  # a time that is not midnight is not a date
        (list[int], "12"),
        (dict[str, int], [1]),
        (Literal[1, 2], 3),
        (Status, 20),
        (Leaf, [1]),
    ],
)
def test_what_does_not_fit_is_a_problem(annotation: Any, value: Any) -> None:
    with pytest.raises(ShapeProblems):
        read(annotation, value)


def test_problems_name_every_field_by_its_wire_path() -> None:
    data = {"list": [{"code": "a"}, {"code": "b", "create_time": "yesterday"}], "total": "x"}
    with pytest.raises(ShapeProblems) as caught:
        CodeList.model_validate(data)
    messages = caught.value.messages()
    assert any(m.startswith("list.1.create_time: ") for m in messages), messages
    assert any(m.startswith("total: Input should be a valid integer") for m in messages)
    assert len(messages) == 2  # the first item fits: no problem is reported for it


def test_a_required_field_missing_is_named() -> None:
    with pytest.raises(ShapeProblems) as caught:
        read(list[Leaf], [{"leaf_id": 1}, {"name": "x"}])
    assert caught.value.messages() == ["1.leaf_id: Field required"]


def test_unknown_fields_are_kept_as_sent_and_read_like_a_dict() -> None:
    info = RoomInfo.model_validate({"room_id": 26112912345678, "status": "1", "brand_new": [1]})
    assert info.room_id == "26112912345678"
    assert info.model_extra == {"status": "1", "brand_new": [1]}
    assert info.status == "1" and info["brand_new"] == [1] and "brand_new" in info
    assert info.get("missing", 7) == 7 and "missing" not in info
    with pytest.raises(AttributeError):
        _ = info.missing
    assert info.to_dict()["brand_new"] == [1] and info.to_dict()["room_id"] == "26112912345678"


def test_an_alias_reads_the_platform_name_and_the_field_name() -> None:
    by_alias = CodeList.model_validate({"list": [{"code": "c1"}]})
    by_name = CodeList.model_validate({"items": [{"code": "c1"}]})
    assert by_alias.items[0].code == by_name.items[0].code == "c1"
    assert "list" not in by_alias.model_extra  # the alias is not kept twice
    assert by_alias["list"] == by_alias.items  # a dict reader uses the platform's name
    assert by_alias.model_dump(by_alias=True)["list"] == [by_alias.items[0].model_dump()]
    assert "items" in by_alias.model_dump()


def test_several_names_are_read_in_order() -> None:
    assert SubAccountCreated.model_validate({"partner_id": 7}).sub_partner_id == "7"
    both = SubAccountCreated.model_validate({"sub_partner_id": 8, "partner_id": 7})
    assert both.sub_partner_id == "8"


def test_a_secret_field_stays_out_of_repr() -> None:
    created = SubAccountCreated.model_validate({"sub_partner_id": 1, "partner_key": "s3cr3t-k"})
    assert "s3cr3t-k" not in repr(created) and created.partner_key == "s3cr3t-k"


def test_a_generic_page_reads_its_items_as_the_bound_type() -> None:
    page = read(Page[CodeItem], {"list": [{"code": 123}], "total": "5"})
    assert isinstance(page, Page) and isinstance(page.items[0], CodeItem)
    assert page.items[0].code == "123" and page.total == 5
    # a subclass binds it in its bases: CodeList's items are CodeItems too
    assert fields_of(CodeList)["items"].annotation == list[CodeItem]  # type: ignore[index]
    assert fields_of(Page[CodeItem])["items"].annotation == list[CodeItem]  # type: ignore[index]
    assert model_class(Page[CodeItem]) is Page and model_class(int) is None


def test_a_model_may_nest_itself() -> None:
    tree = read(
        Tree, {"node_id": 1, "children": [{"node_id": "2"}], "leaves": {"a": {"leaf_id": 3}}}
    )
    assert tree.children[0].node_id == 2 and tree.children[0].children == []
    assert tree.leaves["a"].leaf_id == 3


def test_defaults_are_not_shared_between_results() -> None:
    one, two = Tree.model_validate({}), Tree.model_validate({})
    one.children.append(Tree())
    assert two.children == []

    class Tagged(Result):
        tags: list[str] = []  # noqa: RUF012 - a plain mutable default is copied too

    first, second = Tagged.model_validate({}), Tagged.model_validate({})
    first.tags.append("x")
    assert second.tags == [] and Tagged.model_validate({}).tags == []


def test_a_subclass_may_make_a_field_required() -> None:
    assert not fields_of(RoomInfo.__mro__[1])["room_id"].is_required()  # type: ignore[index]
    assert fields_of(RoomInfo)["room_id"].is_required()  # type: ignore[index]
    with pytest.raises(ShapeProblems, match="room_id: Field required"):
        RoomInfo.model_validate({"title": "x"})


def test_before_runs_first_and_its_refusal_is_a_problem() -> None:
    def no_commas(value: Any) -> Any:
        if isinstance(value, str) and "," in value:
            raise ValueError("has a comma")
        return value

    Checked = Annotated[int, Before(no_commas)]
    assert read(Checked, "12") == 12
    with pytest.raises(ShapeProblems, match="Value error, has a comma"):
        read(Checked, "1,2")


def test_beijing_times_are_aware_and_zero_dates_are_none() -> None:
    item = CodeItem.model_validate({"create_time": "2026-11-29 20:00:00", "expire_time": ""})
    assert item.create_time == dt.datetime(2026, 11, 29, 20, tzinfo=BEIJING)
    assert item.create_time.utcoffset() == dt.timedelta(hours=8)
    assert item.expire_time is None


def test_equality_copy_and_pickle_keep_fields_and_extras() -> None:
    info = RoomInfo.model_validate({"room_id": 1, "title": "t", "status": 2})
    assert info == RoomInfo.model_validate({"room_id": "1", "title": "t", "status": 2})
    assert info != RoomInfo.model_validate({"room_id": "1", "title": "t", "status": 3})
    for twin in (pickle.loads(pickle.dumps(info)), copy.deepcopy(info), copy.copy(info)):
        assert twin == info and twin.status == 2


def test_keyword_construction_reads_like_an_answer() -> None:
    leaf = Leaf(leaf_id="5", colour="red")
    assert leaf.leaf_id == 5 and leaf.model_extra == {"colour": "red"}
    with pytest.raises(ShapeProblems):
        Leaf(name="no id")


def test_json_dump_gives_json_values() -> None:
    item = CodeItem.model_validate({"code": "c", "create_time": 0, "odd": Decimal("1.5")})
    dumped = item.model_dump(mode="json")
    assert dumped["create_time"] == "1970-01-01T08:00:00+08:00"
    assert dumped["odd"] == "1.5"
    assert read(Status, 10).value == 10
    assert json.loads(item.model_dump_json(by_alias=True)) == {**dumped, "odd": "1.5"}


def test_an_annotation_no_reader_knows_is_refused_when_read_is_built() -> None:
    """Not read as "any instance": a model declaring a type the reader does not know fails
    at its first read, naming it, rather than passing the platform's value through."""

    class Odd:
        pass

    with pytest.raises(TypeError, match="Odd"):
        read(Odd, Odd())
    with pytest.raises(TypeError, match="tuple"):
        read(tuple[int, ...], [1])


def test_iterating_a_result_gives_its_fields_then_the_unknown_ones() -> None:
    leaf = Leaf.model_validate({"leaf_id": "3", "colour": "red"})
    assert list(leaf) == [("leaf_id", 3), ("name", None), ("colour", "red")]
    assert dict(leaf) == {"leaf_id": 3, "name": None, "colour": "red"}  # by keys(): wire names
