"""Accounts: partners and their keys, callback URLs, and the callbacks the sandbox sends.

State several groups share: the core authenticates calls through :func:`account`
(registered with ``@service.accounts``); ``partner``, ``live_account``,
``video_account`` and ``sub_account`` read and change accounts; any group sends
callbacks through :func:`deliver`, which signs them like the platform (form
fields, the partner's key, a fresh ``timestamp`` and ``qid``) and records each
delivery.
"""

from __future__ import annotations

import json
import time
from typing import Any

from ..._signing import encode_value, sign
from ..core.db import Env, Store
from ..core.http import PlatformError
from ..core.service import Service

__all__ = [
    "CallbackKind",
    "DeliveryStore",
    "PartnerStore",
    "account",
    "account_ids",
    "add_account",
    "callback_target",
    "deliver",
    "post_signed",
    "service",
]

service = Service("accounts")

DELIVERY_TIMEOUT = 10.0
CallbackKind = str
"""``class`` (class events) or ``transcode`` (VOD and playback)."""
CALLBACK_COLUMNS = {"class": "class_callback_url", "transcode": "transcode_callback_url"}


@service.store
class PartnerStore(Store):
    """One partner's account row."""

    schema = """
    CREATE TABLE IF NOT EXISTS partners (
        partner_id TEXT PRIMARY KEY,
        partner_key TEXT NOT NULL,
        secret_key TEXT NOT NULL,
        class_callback_url TEXT,
        transcode_callback_url TEXT,
        disabled INTEGER NOT NULL DEFAULT 0
    );
    """

    def upsert(self, partner_key: str, secret_key: str) -> None:
        self._exec(
            "INSERT INTO partners (partner_id, partner_key, secret_key) "
            "VALUES (:partner, :key, :secret) ON CONFLICT(partner_id) DO UPDATE SET "
            "partner_key=excluded.partner_key, secret_key=excluded.secret_key",
            key=partner_key,
            secret=secret_key,
        )

    def account(self) -> dict[str, Any] | None:
        row = self._row("SELECT * FROM partners WHERE partner_id=:partner")
        return None if row is None else dict(row)

    def set_key(self, partner_key: str) -> None:
        self._exec(
            "UPDATE partners SET partner_key=:key WHERE partner_id=:partner", key=partner_key
        )

    def set_disabled(self, disabled: bool) -> None:
        """Stop (or restart) the account: while stopped, its calls answer 2003."""
        self._exec(
            "UPDATE partners SET disabled=:disabled WHERE partner_id=:partner",
            disabled=int(disabled),
        )

    def callback_url(self, kind: CallbackKind) -> str:
        row = self._row(
            f"SELECT {CALLBACK_COLUMNS[kind]} AS url FROM partners WHERE partner_id=:partner"
        )
        return str(row["url"] or "") if row else ""

    def set_callback_url(self, kind: CallbackKind, url: str) -> None:
        self._exec(
            f"UPDATE partners SET {CALLBACK_COLUMNS[kind]}=:url WHERE partner_id=:partner", url=url
        )


KEEP_DELIVERIES = 1000
"""Callback deliveries kept per partner: the newest; older ones are dropped as new ones come."""


@service.store
class DeliveryStore(Store):
    """Callbacks sent to one partner, with the receiver's answers."""

    schema = """
    CREATE TABLE IF NOT EXISTS deliveries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        partner_id TEXT NOT NULL,
        url TEXT NOT NULL,
        fields TEXT NOT NULL,
        status INTEGER,
        answer TEXT,
        ok INTEGER NOT NULL,
        time REAL NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS deliveries_by_partner ON deliveries (partner_id, seq);
    """

    def record(self, report: dict[str, Any], now: float) -> int:
        """Keep a delivery, and only the newest :data:`KEEP_DELIVERIES` of the partner's."""
        self._exec(
            "DELETE FROM deliveries WHERE partner_id=:partner AND seq <= ("
            "SELECT seq FROM deliveries WHERE partner_id=:partner "
            "ORDER BY seq DESC LIMIT 1 OFFSET :keep)",
            keep=KEEP_DELIVERIES - 1,
        )
        return self._exec(
            "INSERT INTO deliveries (partner_id, url, fields, status, answer, ok, time) "
            "VALUES (:partner, :url, :fields, :status, :answer, :ok, :now)",
            url=report["url"],
            fields=json.dumps(report["fields"], ensure_ascii=False),
            status=report.get("status"),
            answer=report.get("answer"),
            ok=int(report["delivered"]),
            now=now,
        )

    def get(self, seq: int) -> dict[str, Any]:
        row = self._row("SELECT * FROM deliveries WHERE partner_id=:partner AND seq=:seq", seq=seq)
        if row is None:
            raise PlatformError(1001, f"seq: no delivery {seq}")
        return {**dict(row), "fields": json.loads(row["fields"])}

    def newest(self, limit: int) -> list[dict[str, Any]]:
        rows = self._rows(
            "SELECT * FROM deliveries WHERE partner_id=:partner ORDER BY seq DESC LIMIT :limit",
            limit=limit,
        )
        return [{**dict(r), "fields": json.loads(r["fields"])} for r in rows]


def new_qid(env: Env) -> str:
    """24 characters: Beijing time ``yyyyMMddHHmmss`` and 10 digits."""
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(env.now() + 8 * 3600))
    return stamp + env.ids.digits(10)


def callback_target(env: Env, partner_id: str, kind: CallbackKind) -> tuple[str, str]:
    """The partner's ``kind`` callback URL and key; 1001 when no URL is set."""
    store = PartnerStore(env, partner_id)
    url, account = store.callback_url(kind), store.account()
    if not url or account is None:
        raise PlatformError(1001, f"no {kind} callback URL is set for partner {partner_id}")
    return url, str(account["partner_key"])


def deliver(
    env: Env, partner_id: str, kind: CallbackKind, fields: dict[str, Any]
) -> dict[str, Any]:
    """POST signed form ``fields`` to the partner's ``kind`` callback URL; report the answer.

    The delivery counts as accepted when the receiver answers JSON with code 0.
    """

    url, partner_key = callback_target(env, partner_id, kind)
    text = {k: encode_value(v) for k, v in fields.items() if v is not None}
    text.setdefault("qid", new_qid(env))
    return post_signed(env, partner_id, url, partner_key, text)


def post_signed(
    env: Env, partner_id: str, url: str, partner_key: str, fields: dict[str, str]
) -> dict[str, Any]:
    """Sign ``fields`` with a fresh timestamp, POST them to ``url``, record and report it."""
    import httpx2

    now = env.now()
    text = {k: v for k, v in fields.items() if k not in ("sign", "timestamp")}
    text["timestamp"] = str(int(now))
    text["sign"] = sign(text, partner_key)
    report: dict[str, Any] = {"url": url, "fields": text, "delivered": False}
    try:
        response = httpx2.post(url, data=text, timeout=DELIVERY_TIMEOUT)
        report["status"] = response.status_code
        report["answer"] = response.text[:1000]
        try:
            answer = response.json()
            report["delivered"] = isinstance(answer, dict) and answer.get("code") == 0
        except ValueError:
            pass
    except httpx2.HTTPError as exc:
        report["status"] = None
        report["answer"] = None
        report["error"] = f"{type(exc).__name__}: {exc}"
    report["seq"] = DeliveryStore(env, partner_id).record(report, now)
    return report


@service.accounts
def account(env: Env, partner_id: str) -> dict[str, Any] | None:
    """The account ``partner_id`` (None when there is none): what the core authenticates by."""
    return PartnerStore(env, partner_id).account()


def add_account(env: Env, partner_id: str, partner_key: str, secret_key: str) -> None:
    """Add an account (or replace its keys)."""
    if not partner_id.isdigit() or not partner_key or not secret_key:
        raise ValueError("partner_id must be digits; partner_key and secret_key non-empty")
    PartnerStore(env, partner_id).upsert(partner_key, secret_key)


@service.on("reset")
def add_default_account(env: Env) -> None:
    """The default account exists from the start and after every reset."""
    add_account(env, env.default_partner, *env.default_keys)


def account_ids(env: Env) -> list[str]:
    """Every account's partner id."""
    return [str(r["partner_id"]) for r in env.db.rows("SELECT partner_id FROM partners")]
