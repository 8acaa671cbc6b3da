"""``partner``: the account's key (``partner/createkey``), and the accounts' helpers.

The accounts themselves (keys, callback URLs, deliveries) are state several groups
share: ``state/accounts.py``.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from ..._signing import signs_equal
from ...api import Partner
from ..core.http import PlatformError
from ..core.service import Call, Controls, PanelView, Service, route
from ..core.util import clock_time, escape, table
from ..state import accounts
from ..state.accounts import DeliveryStore, PartnerStore, post_signed

__all__ = ["PartnerControls", "service"]

service = Service("partner", uses=(accounts.service,), aliases=("partners",))

CONSOLE_DELIVERIES = 25
"""Callbacks the console shows (the newest)."""


@service.handles(Partner.createkey)
def createkey(call: Call) -> dict[str, Any]:
    store = call.store(PartnerStore)
    account = store.account()
    assert account is not None  # the core checked the partner
    if not signs_equal(str(account["secret_key"]), call.args["secret_key"]):
        raise PlatformError(1001, "secret_key does not match the account")
    key = str(account["partner_key"])
    if call.args.get("regenerate"):
        key = secrets.token_urlsafe(48)
        store.set_key(key)
    return {"partner_key": key}


@service.controls
class PartnerControls(Controls):
    """Accounts: ``sandbox.partner`` (also ``sandbox.partners``)."""

    @route("POST", "/_sandbox/partners")
    def add(self, partner_id: str, partner_key: str, secret_key: str) -> dict[str, Any]:
        """Add an account (or replace its keys)."""
        accounts.add_account(self.env, partner_id, partner_key, secret_key)
        return {"ok": True}

    @route("POST", "/_sandbox/deliveries/{seq}/redeliver")
    def redeliver(self, seq: int, partner_id: str | None = None) -> dict[str, Any]:
        """Send a callback again (same fields and qid, fresh timestamp and sign)."""
        owner = partner_id or self.env.default_partner
        delivery = DeliveryStore(self.env, owner).get(int(seq))
        account = PartnerStore(self.env, owner).account()
        assert account is not None
        return post_signed(
            self.env, owner, delivery["url"], str(account["partner_key"]), delivery["fields"]
        )

    def ids(self) -> list[str]:
        """Every account's partner id."""
        return accounts.account_ids(self.env)

    def key(self, partner_id: str) -> str | None:
        """An account's partner key (None for an unknown account)."""
        account = PartnerStore(self.env, str(partner_id)).account()
        return None if account is None else str(account["partner_key"])


# --------------------------------------------------------------------------- the console
@service.action("redeliver")
def redeliver_action(controls: PartnerControls, form: dict[str, str]) -> Any:
    return controls.redeliver(int(form["seq"]), form.get("partner_id") or None)


@service.panel("overview")
def deliveries_panel(view: PanelView) -> str:
    """The callbacks sent to the account shown, with the receivers' answers."""
    rows = []
    for d in DeliveryStore(view.env, view.partner).newest(CONSOLE_DELIVERIES):
        fields = {k: v for k, v in d["fields"].items() if k != "sign"}
        event = fields.get("op") or f"status {fields.get('status', '?')}"
        again = view.form("redeliver", "", "re-deliver", seq=d["seq"], partner_id=view.partner)
        rows.append(
            f"<tr><td class='num'>{clock_time(d['time'])}</td><td>{escape(event)}</td>"
            f"<td><code>{escape(d['url'])}</code></td>"
            f"<td><pre>{escape(json.dumps(fields, ensure_ascii=False))}</pre></td>"
            f"<td class='num'>{escape(d['status'])}</td><td><pre>{escape(d['answer'])}</pre></td>"
            f"<td class='{'ok' if d['ok'] else 'bad'}'>"
            f"{'accepted' if d['ok'] else 'not accepted'}</td><td>{again}</td></tr>"
        )
    headers = (
        "time",
        "event",
        "URL",
        "signed fields",
        "HTTP",
        "receiver's answer",
        "result",
        "again",
    )
    return (
        f"<section><h2>Callbacks sent to partner {escape(view.partner)}</h2>"
        f"{table(headers, ''.join(rows), 'no callbacks yet')}</section>"
    )
