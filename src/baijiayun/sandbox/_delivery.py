"""Callbacks the sandbox sends, signed like the platform's (protocol.md §6)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .._signing import encode_value, sign
from ._registry import PlatformError

if TYPE_CHECKING:
    from ._core import Sandbox

DELIVERY_TIMEOUT = 10.0


def deliver(
    sandbox: Sandbox, partner_id: str, column: str, fields: dict[str, Any]
) -> dict[str, Any]:
    """POST signed form ``fields`` to the partner's callback URL; report the answer.

    The delivery counts as accepted when the receiver answers JSON with code 0.
    """
    import httpx2

    row = sandbox.state.one(
        f"SELECT {column} AS url, partner_key FROM partners WHERE partner_id=?", (partner_id,)
    )
    if row is None or not row["url"]:
        raise PlatformError(1001, f"no callback URL set for {column.replace('_url', '')}")
    now = sandbox.now()
    text = {k: encode_value(v) for k, v in fields.items() if v is not None}
    text.setdefault("qid", sandbox.state.new_qid(now))
    text["timestamp"] = str(int(now))
    text["sign"] = sign(text, str(row["partner_key"]))
    report: dict[str, Any] = {"url": row["url"], "fields": text, "delivered": False}
    try:
        response = httpx2.post(row["url"], data=text, timeout=DELIVERY_TIMEOUT)
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
    sandbox.state.execute(
        "INSERT INTO deliveries (partner_id, url, fields, status, answer, ok) VALUES (?,?,?,?,?,?)",
        (
            partner_id,
            row["url"],
            json.dumps(text),
            report.get("status"),
            report.get("answer"),
            int(report["delivered"]),
        ),
    )
    return report
