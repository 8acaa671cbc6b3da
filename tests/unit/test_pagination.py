"""Auto-pagination: iter_rooms / iter_codes walk pages until a short or empty page."""

from __future__ import annotations

import httpx2
import pytest

from baijiayun import ValidationError
from baijiayun.errors import APIConnectionError
from baijiayun.models.room import CodeItem, RoomSummary

from .conftest import ROOM_ID, envelope

LIST = "/openapi/room/list"
LISTCODE = "/openapi/room/listcode"


def _paged(total: int, key: str, make):
    """An answer that serves ``total`` items, ``limit`` per page, for the page asked."""

    def answer(request: httpx2.Request) -> httpx2.Response:
        from urllib.parse import parse_qsl

        form = dict(parse_qsl(request.content.decode()))
        page, limit = int(form["page"]), int(form["limit"])
        first = (page - 1) * limit
        items = [make(i) for i in range(first, min(first + limit, total))]
        return envelope({key: items, "total": total})

    return answer


def _room(i: int) -> dict:
    return {"room_id": ROOM_ID + i, "title": f"room {i}"}


def _code(i: int) -> dict:
    return {"code": f"c{i:05d}", "user_number": str(i + 1)}


@pytest.mark.parametrize(
    ("total", "limit", "pages"),
    [(7, 3, 3), (6, 3, 3), (0, 100, 1), (2, 100, 1), (100, 100, 2), (250, 100, 3), (1, 1, 2)],
)
def test_iter_rooms(harness, total, limit, pages) -> None:
    harness.api.script(LIST, _paged(total, "list", _room))
    rooms = harness.collect(harness.client.room.iter_rooms(limit=limit))
    assert [r.room_id for r in rooms] == [str(ROOM_ID + i) for i in range(total)]
    assert all(isinstance(r, RoomSummary) for r in rooms)
    sent = harness.api.to(LIST)
    assert [s.form["page"] for s in sent] == [str(p) for p in range(1, pages + 1)]
    assert {s.form["limit"] for s in sent} == {str(limit)}
    assert all("product_type" not in s.form for s in sent)
    assert all(s.sign_ok() for s in sent)


def test_iter_rooms_default_limit_and_product_type(harness) -> None:
    harness.api.script(LIST, _paged(150, "list", _room))
    rooms = harness.collect(harness.client.room.iter_rooms(product_type=2))
    assert len(rooms) == 150
    sent = harness.api.to(LIST)
    assert [(s.form["page"], s.form["limit"], s.form["product_type"]) for s in sent] == [
        ("1", "100", "2"),
        ("2", "100", "2"),
    ]


@pytest.mark.parametrize(("total", "limit", "pages"), [(5, 2, 3), (4, 2, 3), (0, 10, 1)])
def test_iter_codes(harness, total, limit, pages) -> None:
    harness.api.script(LISTCODE, _paged(total, "list", _code))
    codes = harness.collect(harness.client.room.iter_codes(ROOM_ID, type=1, limit=limit))
    assert [c.code for c in codes] == [f"c{i:05d}" for i in range(total)]
    assert all(isinstance(c, CodeItem) for c in codes)
    sent = harness.api.to(LISTCODE)
    assert [s.form["page"] for s in sent] == [str(p) for p in range(1, pages + 1)]
    for s in sent:
        assert (s.form["room_id"], s.form["type"], s.form["limit"]) == (
            str(ROOM_ID),
            "1",
            str(limit),
        )
        assert s.sign_ok()


def test_iter_codes_positional_room_id_only(harness) -> None:
    harness.api.script(LISTCODE, _paged(3, "list", _code))
    codes = harness.collect(harness.client.room.iter_codes(ROOM_ID))
    assert len(codes) == 3
    assert "type" not in harness.api.last.form
    assert harness.api.last.form["limit"] == "100"


def test_iteration_is_lazy(make_harness) -> None:
    h = make_harness("sync")
    h.api.script(LIST, _paged(10, "list", _room))
    iterator = h.client.room.iter_rooms(limit=2)
    assert h.api.sent == []
    first = next(iter(iterator))
    assert first.room_id == str(ROOM_ID)
    assert len(h.api.sent) == 1


def test_iteration_errors_surface(harness) -> None:
    harness.api.script(LIST, envelope({"list": [_room(0), _room(1)]}), httpx2.ConnectError("x"))
    with pytest.raises(APIConnectionError):
        harness.collect(harness.with_options(max_retries=0).client.room.iter_rooms(limit=2))


def test_iteration_validates_limit(harness) -> None:
    with pytest.raises(ValidationError) as info:
        harness.collect(harness.client.room.iter_rooms(limit=1001))
    assert info.value.param == "limit"
    assert harness.api.sent == []
