"""Result models of the sub-account API (``/openapi/sub_account/*``)."""

from __future__ import annotations

import datetime as _dt

from ._base import BeijingTime, Result, field

__all__ = ["SubAccountCreated", "SubAccountInfo", "SubAccountList"]


class SubAccountCreated(Result):
    """Answer of ``sub_account/createSubAccount``: the new account's id and key.

    Read leniently (the platform does not document it: the id may come as
    ``partner_id``), so that a surprising answer never puts the key in an error.
    """

    sub_partner_id: str | None = field(
        default=None, validation_alias=("sub_partner_id", "partner_id")
    )
    partner_key: str | None = field(default=None, repr=False)
    """The sub-account's partner key (kept out of ``repr``)."""


class SubAccountInfo(Result):
    """A sub-account (``sub_account/getSubAccountInfo`` and each list entry)."""

    sub_partner_id: str | None = None
    mobile: str | None = None
    email: str | None = None
    contacts: str | None = None
    company: str | None = None
    status: int | None = None
    """1 in use, 2 stopped or no service opened."""
    live_on: int | None = None
    """0 not opened, 1 running, 2 stopped."""
    video_on: int | None = None
    """0 not opened, 1 running, 2 stopped."""
    effect_time: _dt.date | None = None
    expire_time: _dt.date | None = None
    create_time: BeijingTime | None = None
    user_limit: int | None = None
    max_user_limit: int | None = None
    user_count: int | None = None
    max_user_count: int | None = None
    live_max_speakers: int | None = None
    storage_limit: int | None = None
    max_storage_limit: int | None = None
    flow_limit: int | None = None
    max_flow_limit: int | None = None


class SubAccountList(Result):
    """Answer of ``sub_account/getSubAccountList``: one page of sub-accounts."""

    items: list[SubAccountInfo] = field(default_factory=list, alias="list")
    total: int | None = None
    page: int | None = None
    page_size: int | None = None
