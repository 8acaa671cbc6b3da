"""The sandbox's ``partner`` group: the account's key (``partner/createkey``) for a secret-key-only
client.

(Moved from ``tests/integration/test_room_api.py``: The whole Room API, sync and async, against
the sandbox in process and over HTTP.)
"""

from __future__ import annotations

from typing import Any

import pytest

from baijiayun.sandbox import Sandbox


def test_secret_key_only_client_fetches_the_key(sandbox: Sandbox, mode: str, request: Any) -> None:
    from baijiayun.sandbox import SANDBOX_SECRET_KEY

    if mode == "http":
        c = request.getfixturevalue("http_sandbox").client(secret_key=SANDBOX_SECRET_KEY)
    else:
        c = sandbox.client(secret_key=SANDBOX_SECRET_KEY)
    with c:
        assert c.room.list() == []
        assert c.room.list() == []
    assert sandbox.request_count("/openapi/partner/createkey") == 1


def test_the_default_account_and_added_accounts_are_checked(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError):
        Sandbox(partner_id="not-digits")
    with pytest.raises(ValueError):
        sandbox.partner.add("10000002", "", "secret")
    sandbox.partner.add("10000002", "key-2", "secret-2")
    assert sandbox.partner.key("10000002") == "key-2"
