"""Sub-accounts: ``/openapi/sub_account/*`` — accounts of their own under a parent.

A sub-account is a partner like any other (a row in ``partners`` with its own
id, key and secret, so it can sign calls and own rooms) plus a row here, owned
by the parent, with its contact, services, period and quotas. Its status
follows its services: in use (1) while live or VOD runs, stopped (2)
otherwise; while stopped, the core answers every call signed with its key with
2003 (the partner row's ``disabled`` flag).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import secrets
from typing import Any

from ..._wire import Context, Invalid
from ...api.sub_account import QUOTAS, SubAccount, SubAccountStatus, check_quotas
from ..core.db import Env, Store
from ..core.http import PlatformError
from ..core.service import Call, Service
from ..core.util import beijing
from ..state import accounts
from ..state.accounts import PartnerStore

__all__ = ["SubAccountStore", "service"]

service = Service("sub_account", uses=(accounts.service,))

ACTIVE, STOPPED = int(SubAccountStatus.ACTIVE), int(SubAccountStatus.STOPPED)
RUNNING = 1
QUOTA_NAMES = (*(name for pair in QUOTAS for name in pair), "live_max_speakers")
FIELDS = ("mobile", "email", "contacts", "company")


def status_of(live_on: int, video_on: int) -> int:
    """In use while a service runs; stopped (or never opened) otherwise."""
    return ACTIVE if RUNNING in (live_on, video_on) else STOPPED


@service.store
class SubAccountStore(Store):
    """The sub-accounts one parent account made."""

    schema = """
    CREATE TABLE IF NOT EXISTS sub_accounts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        partner_id TEXT NOT NULL,
        sub_partner_id TEXT NOT NULL UNIQUE,
        mobile TEXT NOT NULL UNIQUE,
        email TEXT NOT NULL UNIQUE,
        password_sha256 TEXT NOT NULL,
        contacts TEXT NOT NULL,
        company TEXT NOT NULL,
        live_on INTEGER NOT NULL,
        video_on INTEGER NOT NULL,
        status INTEGER NOT NULL,
        effect_time TEXT NOT NULL,
        expire_time TEXT NOT NULL,
        create_time REAL NOT NULL,
        quotas TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS sub_accounts_list ON sub_accounts (partner_id, status, seq);
    """

    def create(self, values: dict[str, Any], now: float) -> dict[str, Any]:
        """A new account (partner row and sub-account row); 1001 for a registered contact."""
        with self.env.db.tx():
            for name in ("mobile", "email"):
                if self.registered(self.env, name, values[name]):
                    raise PlatformError(1001, f"{name}: already registered")
            sub_id = self._new_partner_id()
            key = secrets.token_urlsafe(48)
            sub = PartnerStore(self.env, sub_id)
            sub.upsert(key, secrets.token_urlsafe(24))
            status = status_of(values["live_on"], values["video_on"])
            sub.set_disabled(status == STOPPED)
            self._exec(
                "INSERT INTO sub_accounts (partner_id, sub_partner_id, mobile, email, "
                "password_sha256, contacts, company, live_on, video_on, status, effect_time, "
                "expire_time, create_time, quotas) VALUES (:partner, :sub, :mobile, :email, "
                ":password, :contacts, :company, :live_on, :video_on, :status, :effect, "
                ":expire, :now, :quotas)",
                sub=sub_id,
                password=hashlib.sha256(values["password"].encode("utf-8")).hexdigest(),
                effect=values["effect_time"].isoformat(),
                expire=values["expire_time"].isoformat(),
                now=now,
                status=status,
                quotas=json.dumps({k: values.get(k) for k in QUOTA_NAMES}),
                **{k: values[k] for k in (*FIELDS, "live_on", "video_on")},
            )
            self._bump(f"sub_accounts:{status}", 1)
        return {"sub_partner_id": sub_id, "partner_key": key}

    def _new_partner_id(self) -> str:
        while True:
            candidate = str(self.env.ids.integer(20_000_000, 99_999_999))
            if self.env.db.row("SELECT 1 FROM partners WHERE partner_id=?", (candidate,)) is None:
                return candidate

    def get(self, sub_partner_id: Any) -> dict[str, Any]:
        """One of this parent's sub-accounts; 1001 naming ``sub_partner_id`` if not."""
        row = self._row(
            "SELECT * FROM sub_accounts WHERE partner_id=:partner AND sub_partner_id=:sub",
            sub=str(sub_partner_id),
        )
        if row is None:
            raise PlatformError(1001, "sub_partner_id: no such sub-account of this account")
        account = dict(row)
        account.update(json.loads(account.pop("quotas")))
        return account

    def update(self, sub_partner_id: str, changes: dict[str, Any]) -> None:
        """Change services, period and quotas; the status and the key follow the services."""
        with self.env.db.tx():
            account = self.get(sub_partner_id)
            merged = {**account, **changes}
            status = status_of(merged["live_on"], merged["video_on"])
            quotas = {k: merged.get(k) for k in QUOTA_NAMES}
            dates = {
                k: v.isoformat() if isinstance(v, _dt.date) else v
                for k, v in merged.items()
                if k in ("effect_time", "expire_time")
            }
            self._exec(
                "UPDATE sub_accounts SET live_on=:live_on, video_on=:video_on, status=:status, "
                "effect_time=:effect_time, expire_time=:expire_time, quotas=:quotas "
                "WHERE partner_id=:partner AND sub_partner_id=:sub",
                live_on=merged["live_on"],
                video_on=merged["video_on"],
                status=status,
                quotas=json.dumps(quotas),
                sub=sub_partner_id,
                **dates,
            )
            if status != account["status"]:
                self._bump(f"sub_accounts:{account['status']}", -1)
                self._bump(f"sub_accounts:{status}", 1)
            PartnerStore(self.env, sub_partner_id).set_disabled(status == STOPPED)

    def page(self, status: int, page: int, size: int) -> tuple[list[dict[str, Any]], int]:
        """One page of sub-accounts (of one status, or all for 0) and their total."""
        where = "partner_id=:partner" + (" AND status=:status" if status else "")
        rows = self._page(
            "SELECT * FROM sub_accounts",
            where,
            page,
            size,
            **({"status": status} if status else {}),
        )
        statuses = [status] if status else [ACTIVE, STOPPED]
        total = sum(self._count(f"sub_accounts:{s}") for s in statuses)
        accounts = []
        for row in rows:
            account = dict(row)
            account.update(json.loads(account.pop("quotas")))
            accounts.append(account)
        return accounts, total

    # ---- across accounts (named as such)
    @staticmethod
    def registered(env: Env, field: str, value: str) -> bool:
        """Whether a mobile number or email is already used by any account's sub-account."""
        column = {"mobile": "mobile", "email": "email"}[field]
        return env.db.row(f"SELECT 1 FROM sub_accounts WHERE {column}=?", (value,)) is not None

    @staticmethod
    def parent_of(env: Env, partner_id: str) -> str | None:
        """The account a sub-account belongs to (None for an account of its own)."""
        row = env.db.row(
            "SELECT partner_id FROM sub_accounts WHERE sub_partner_id=?", (str(partner_id),)
        )
        return None if row is None else str(row["partner_id"])


def answer(account: dict[str, Any]) -> dict[str, Any]:
    """A sub-account as ``SubAccountInfo`` declares it."""
    return {
        "sub_partner_id": account["sub_partner_id"],
        **{name: account[name] for name in FIELDS},
        "status": account["status"],
        "live_on": account["live_on"],
        "video_on": account["video_on"],
        "effect_time": account["effect_time"],
        "expire_time": account["expire_time"],
        "create_time": beijing(account["create_time"]),
        **{name: account.get(name) for name in QUOTA_NAMES},
    }


# --------------------------------------------------------------------------- handlers
@service.handles(SubAccount.create_sub_account)
def create_sub_account(call: Call) -> dict[str, Any]:
    if SubAccountStore.parent_of(call.env, call.partner_id) is not None:
        raise PlatformError(2002, "a sub-account cannot have sub-accounts")
    return call.store(SubAccountStore).create(call.args, call.now)


@service.handles(SubAccount.get_sub_account_list)
def get_sub_account_list(call: Call) -> dict[str, Any]:
    page, size = call.page_args(10)
    status = int(call.args.get("status") or 0)
    accounts, total = call.store(SubAccountStore).page(status, page, size)
    return {
        "list": [answer(a) for a in accounts],
        "total": total,
        "page": page,
        "page_size": size,
    }


@service.handles(SubAccount.get_sub_account_info)
def get_sub_account_info(call: Call) -> dict[str, Any]:
    return answer(call.store(SubAccountStore).get(call.args["sub_partner_id"]))


@service.handles(SubAccount.get_account_info)
def get_account_info(call: Call) -> dict[str, Any]:
    """The sandbox answers ``new_sub/getAccountInfo`` as ``getSubAccountInfo`` (its own
    choice: no public source shows this answer)."""
    return answer(call.store(SubAccountStore).get(call.args["sub_partner_id"]))


@service.handles(SubAccount.stop_sub_account)
def stop_sub_account(call: Call) -> dict[str, Any]:
    store = call.store(SubAccountStore)
    sub_id = str(call.args["sub_partner_id"])
    account = store.get(sub_id)
    stopped = {
        name: 2 if account[name] == RUNNING else account[name] for name in ("live_on", "video_on")
    }
    store.update(sub_id, stopped)
    return {"partner_id": sub_id}


@service.handles(SubAccount.modify_sub_account)
def modify_sub_account(call: Call) -> None:
    """The quota rules, checked on the account as it would be after the change."""
    store = call.store(SubAccountStore)
    sub_id = str(call.args["sub_partner_id"])
    account = store.get(sub_id)
    changes = {k: v for k, v in call.args.items() if k != "sub_partner_id"}
    try:
        check_quotas({**account, **changes}, Context(now=call.env.now))
    except Invalid as exc:
        raise PlatformError(1001, f"{exc.param}: {exc.rule}") from None
    store.update(sub_id, changes)
