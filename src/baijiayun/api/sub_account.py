"""Sub-account API: ``/openapi/sub_account/*`` — accounts a school manages under its own.

A sub-account is an account of its own (its own partner id and key) whose
services and quotas the parent sets. Stopping it stops its key: calls signed
with it then raise :class:`~baijiayun.errors.AccountDisabledError` (2003).
Dates are Beijing dates (a ``date`` or text ``YYYY-MM-DD``).
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from .._group import Group, ModeT, endpoint
from .._params import PAGING_100, Date, Int, LengthBetween, Page, PageSize, Str
from .._wire import ClientOnly, Context, Invalid, NonEmpty, Range, Rule
from ..models.sub_account import SubAccountCreated, SubAccountInfo, SubAccountList


class SubAccountStatus(enum.IntEnum):
    """``status`` of ``sub_account/getSubAccountList``."""

    ALL = 0
    ACTIVE = 1
    """In use."""
    STOPPED = 2
    """Stopped, or no service opened."""


@dataclass(frozen=True)
class Matches(Rule):
    """Text matching a pattern (``what`` names it in the message)."""

    pattern: str
    what: str

    def check(self, value: Any) -> str | None:
        ok = isinstance(value, str) and re.fullmatch(self.pattern, value) is not None
        return None if ok else self.describe()

    def describe(self) -> str:
        return f"must be {self.what}"


PartnerId = Annotated[Int, Range(1)]
Mobile = Annotated[Str, ClientOnly(Matches(r"1[0-9]{10}", "a mobile number of 11 digits"))]
Email = Annotated[Str, ClientOnly(Matches(r"[^@\s]+@[^@\s]+\.[^@\s]+", "an email address"))]
Password = Annotated[Str, LengthBetween(6, 18)]
Name = Annotated[Str, ClientOnly(NonEmpty())]
Positive = Annotated[Int, Range(1)]
Count = Annotated[Int, ClientOnly(Range(0))]
PAGING = PAGING_100

QUOTAS = (
    ("user_limit", "max_user_limit"),
    ("user_count", "max_user_count"),
    ("storage_limit", "max_storage_limit"),
    ("flow_limit", "max_flow_limit"),
)
"""Each quota and the most it may be exceeded to: the second is not below the first."""


def check_quotas(values: Mapping[str, Any], ctx: Context) -> None:
    """Each ``max_*`` quota is not below its quota (``max_user_limit`` ≥ ``user_limit``, …)."""
    for quota, most in QUOTAS:
        low, high = values.get(quota), values.get(most)
        if isinstance(low, int) and isinstance(high, int) and high < low:
            raise Invalid(f"must not be below {quota}", most)


def check_period(values: Mapping[str, Any], ctx: Context) -> None:
    """``expire_time`` is after ``effect_time``."""
    start, end = values.get("effect_time"), values.get("expire_time")
    if isinstance(start, _dt.date) and isinstance(end, _dt.date) and end <= start:
        raise Invalid("must be after effect_time", "expire_time")


class SubAccount(Group[ModeT], name="sub_account"):
    """Sub-accounts: create, list, look up, change and stop them."""

    @endpoint("getSubAccountList", safe=True, paging=PAGING)
    def get_sub_account_list(
        self,
        status: SubAccountStatus | int | None = None,
        page: Page | None = None,
        page_size: PageSize | None = None,
    ) -> SubAccountList:
        """One page of the account's sub-accounts.

        ``status``: 0 all, 1 in use, 2 stopped or not opened. ``page`` starts at 1;
        the platform's default page size is 10. See :meth:`iter_sub_accounts`.
        """

    @endpoint("createSubAccount", checks=(check_quotas,), client_checks=(check_period,))
    def create_sub_account(
        self,
        mobile: Mobile,
        email: Email,
        password: Password,
        contacts: Name,
        company: Name,
        live_on: Literal[0, 1],
        video_on: Literal[0, 1],
        effect_time: Date,
        expire_time: Date,
        user_limit: Positive | None = None,
        max_user_limit: Positive | None = None,
        user_count: Count | None = None,
        max_user_count: Count | None = None,
        live_max_speakers: Count | None = None,
        storage_limit: Positive | None = None,
        max_storage_limit: Positive | None = None,
        flow_limit: Positive | None = None,
        max_flow_limit: Positive | None = None,
    ) -> SubAccountCreated:
        """Create a sub-account; returns its partner id and key.

        Args:
            mobile, email: not yet registered on the platform.
            password: 6 to 18 characters.
            contacts, company: the contact person and the company.
            live_on, video_on: 1 to open live classes / video on demand, 0 not to.
            effect_time, expire_time: the dates the account works from and until.
            user_limit, max_user_limit: concurrent users of the package, and the most it
                may exceed to (accounts billed by concurrency; ``max`` ≥ the limit).
            user_count, max_user_count: user visits or minutes of the package, and the most
                (accounts billed by visits or duration).
            live_max_speakers: the most speakers on stage at once.
            storage_limit, max_storage_limit, flow_limit, max_flow_limit: VOD storage and
                monthly traffic, and the most they may exceed to.
        """

    @endpoint("stopSubAccount", unwrap="partner_id")
    def stop_sub_account(self, sub_partner_id: PartnerId) -> str:
        """Stop a sub-account: its key stops working (2003). Returns its partner id."""

    @endpoint("getSubAccountInfo", safe=True)
    def get_sub_account_info(self, sub_partner_id: PartnerId) -> SubAccountInfo:
        """A sub-account's contact, services, period and quotas."""

    @endpoint("/openapi/new_sub/getAccountInfo", safe=True)
    def get_account_info(self, sub_partner_id: PartnerId) -> SubAccountInfo:
        """A sub-account's information through ``/openapi/new_sub/`` (the path newer
        accounts use; seen in public code with ``partner_id`` and ``sub_partner_id``,
        code index id 17753618801). The answer is read as :meth:`get_sub_account_info`'s
        (every field optional; fields the SDK does not know are kept)."""

    @endpoint("modifySubAccount", checks=(check_quotas,), client_checks=(check_period,))
    def modify_sub_account(
        self,
        sub_partner_id: PartnerId,
        live_on: Literal[0, 1, 2] | None = None,
        video_on: Literal[0, 1, 2] | None = None,
        storage_limit: Positive | None = None,
        max_storage_limit: Positive | None = None,
        flow_limit: Positive | None = None,
        max_flow_limit: Positive | None = None,
        live_max_speakers: Count | None = None,
        effect_time: Date | None = None,
        expire_time: Date | None = None,
        user_limit: Positive | None = None,
        max_user_limit: Positive | None = None,
        user_count: Count | None = None,
        max_user_count: Count | None = None,
    ) -> None:
        """Change a sub-account; only the parameters given are sent.

        ``live_on``: 0 not opened, 1 live service running, 2 stopped (0/1 as another
        source uses it, 1/2 as the vendor's table does). ``video_on``: 0 not opened,
        1 running, 2 stopped. A stopped account with a service turned back on works
        again. The quotas are as in :meth:`create_sub_account`.
        """

    iter_sub_accounts = get_sub_account_list.pages()
