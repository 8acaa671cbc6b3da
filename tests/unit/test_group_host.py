"""A group served from another host (``hudong``) goes there unless ``base_url`` was set."""

from __future__ import annotations

import httpx2
import pytest

from baijiayun import BaiJiaYunClient
from baijiayun._group import Group, ModeT, endpoint
from baijiayun._params import RoomId

from .conftest import PARTNER_ID, PARTNER_KEY, envelope


class Elsewhere(Group[ModeT], name="elsewhere", host="https://other.example.com/"):
    @endpoint("ping", safe=True)
    def ping(self, room_id: RoomId) -> None:
        """A call the platform serves from another host."""


PING = Elsewhere.ping.spec


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        pytest.param({}, "https://other.example.com/openapi/elsewhere/ping", id="default"),
        pytest.param(
            {"private_domain": "e1"},
            "https://other.example.com/openapi/elsewhere/ping",
            id="private-domain",
        ),
        pytest.param(
            {"base_url": "http://127.0.0.1:9/"},
            "http://127.0.0.1:9/openapi/elsewhere/ping",
            id="base-url",
        ),
    ],
)
def test_a_group_host_is_used_unless_base_url_is_set(settings, expected) -> None:
    urls: list[str] = []

    def platform(request: httpx2.Request) -> httpx2.Response:
        urls.append(str(request.url))
        return envelope(None)  # both calls declare -> None

    http = httpx2.Client(transport=httpx2.MockTransport(platform))
    client = BaiJiaYunClient(PARTNER_ID, partner_key=PARTNER_KEY, http_client=http, **settings)
    client._call(PING, {"room_id": 1})
    client.room.delete(5)  # the account's own groups keep the account's host
    assert urls == [expected, client.base_url + "openapi/room/delete"]
    assert PING.host == "https://other.example.com/"
