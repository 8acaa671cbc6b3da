"""The sandbox's ``sub_account`` group: sub-accounts keep state of their own and can be stopped.

(Moved from ``tests/integration/test_accounts_reports.py``: The sandbox's accounts and reports:
sub-accounts keep state, reports derive from what happened.)
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from baijiayun import (
    AccountDisabledError,
    BaiJiaYunClient,
    ParameterError,
    PermissionDeniedError,
    RoomNotFoundError,
)
from baijiayun.links import enter_url
from baijiayun.sandbox import Sandbox
from harness import World, sub_account_args

from .common import DAY, room


@pytest.fixture
def client(frozen_client: BaiJiaYunClient) -> BaiJiaYunClient:
    """The client of ``box``, on its clock (in place of the suite's mode-parametrised one)."""
    return frozen_client


def refused(call_it: Any) -> str:
    """The message of the 1001 a call is answered with."""
    with pytest.raises(ParameterError) as info:
        call_it()
    assert info.value.code == 1001
    return info.value.msg


def test_a_sub_account_is_an_account_of_its_own_until_it_is_stopped(
    box: Sandbox, client: BaiJiaYunClient, world: World
) -> None:
    created = client.sub_account.create_sub_account(**sub_account_args(world))
    sub_id = created.sub_partner_id
    sub = box.client(partner_id=sub_id, partner_key=created.partner_key, clock=box.now)
    own_room = room(sub)
    assert sub.room.info(own_room).title == "Room"
    with pytest.raises(RoomNotFoundError):  # the parent does not see its rooms
        client.room.info(own_room)

    info = client.sub_account.get_sub_account_info(sub_id)
    assert (info.status, info.live_on, info.video_on, info.user_limit) == (1, 1, 0, 50)
    assert info.effect_time == DAY and info.contacts == "Li Lei 李雷"

    assert client.sub_account.stop_sub_account(sub_id) == sub_id
    with pytest.raises(AccountDisabledError) as stopped:
        sub.room.info(own_room)
    assert stopped.value.code == 2003
    with pytest.raises(AccountDisabledError):  # its key no longer fetches a key either
        sub.partner.createkey(box.dump()["state"]["partners"][-1]["secret_key"])
    info = client.sub_account.get_sub_account_info(sub_id)
    assert (info.status, info.live_on) == (2, 2)

    link = enter_url("http://sandbox.local/", created.partner_key, own_room, 5, "Five")
    with httpx2.Client(transport=box.transport()) as browser:
        assert browser.get(link).status_code == 403  # its links stop working too
        client.sub_account.modify_sub_account(sub_id, live_on=1)
        assert browser.get(link).status_code == 200
    assert sub.room.info(own_room).room_id == own_room
    assert client.sub_account.get_sub_account_info(sub_id).status == 1
    sub.close()


def test_sub_accounts_list_by_status_with_totals(client: BaiJiaYunClient, world: World) -> None:
    ids = [
        client.sub_account.create_sub_account(**sub_account_args(world)).sub_partner_id
        for _ in range(5)
    ]
    client.sub_account.stop_sub_account(ids[1])
    client.sub_account.stop_sub_account(ids[3])
    client.sub_account.stop_sub_account(ids[3])  # stopping twice changes nothing
    page = client.sub_account.get_sub_account_list(page=1, page_size=2)
    assert (page.total, page.page, page.page_size) == (5, 1, 2)
    assert [a.sub_partner_id for a in page.items] == ids[:2]
    active = [a.sub_partner_id for a in client.sub_account.iter_sub_accounts(status=1, page_size=2)]
    stopped = client.sub_account.get_sub_account_list(status=2)
    assert active == [ids[0], ids[2], ids[4]]
    assert ([a.sub_partner_id for a in stopped.items], stopped.total) == ([ids[1], ids[3]], 2)
    assert client.sub_account.get_sub_account_list(status=1).total == 3


def test_sub_account_rules_the_sandbox_keeps(
    box: Sandbox, client: BaiJiaYunClient, world: World
) -> None:
    args = sub_account_args(world)
    created = client.sub_account.create_sub_account(**args)
    again = sub_account_args(world)
    assert refused(
        lambda: client.sub_account.create_sub_account(**{**again, "mobile": args["mobile"]})
    ).startswith("mobile: already registered")
    assert refused(
        lambda: client.sub_account.create_sub_account(**{**again, "email": args["email"]})
    ).startswith("email: already registered")
    assert refused(lambda: client.sub_account.get_sub_account_info(99999999)).startswith(
        "sub_partner_id"
    )
    assert refused(
        lambda: client.sub_account.modify_sub_account(created.sub_partner_id, user_limit=61)
    ).startswith("max_user_limit: must not be below user_limit")
    assert client.sub_account.get_sub_account_info(created.sub_partner_id).user_limit == 50

    sub = box.client(
        partner_id=created.sub_partner_id, partner_key=created.partner_key, clock=box.now
    )
    with pytest.raises(PermissionDeniedError):  # a sub-account has no sub-accounts
        sub.sub_account.create_sub_account(**sub_account_args(world))
    box.partner.add("30000001", "other-key", "other-secret")
    other = box.client(partner_id="30000001", partner_key="other-key", clock=box.now)
    # not another account's
    assert refused(lambda: other.sub_account.stop_sub_account(created.sub_partner_id)).startswith(
        "sub_partner_id"
    )
    assert other.sub_account.get_sub_account_list().total == 0
    sub.close()
    other.close()


def test_an_account_with_no_service_opened_cannot_call(
    box: Sandbox, client: BaiJiaYunClient, world: World
) -> None:
    created = client.sub_account.create_sub_account(
        **{**sub_account_args(world), "live_on": 0, "video_on": 0}
    )
    assert client.sub_account.get_sub_account_info(created.sub_partner_id).status == 2
    sub = box.client(
        partner_id=created.sub_partner_id, partner_key=created.partner_key, clock=box.now
    )
    with pytest.raises(AccountDisabledError):
        sub.room.list()
    client.sub_account.modify_sub_account(created.sub_partner_id, video_on=1)
    assert sub.room.list() == []
    sub.close()


def test_new_sub_account_info_reads_the_same_account(
    box: Sandbox, client: BaiJiaYunClient, world: World
) -> None:
    created = client.sub_account.create_sub_account(**sub_account_args(world))
    old = client.sub_account.get_sub_account_info(created.sub_partner_id)
    new = client.sub_account.get_account_info(created.sub_partner_id)
    assert new.model_dump() == old.model_dump()
    assert box.requests["/openapi/new_sub/getAccountInfo"] == 1
    with pytest.raises(ParameterError):  # another account's id is not found
        client.sub_account.get_account_info(99999999)
