"""Emulation of the partner key and the callback URL settings."""

from __future__ import annotations

import secrets
from typing import Any

from ..._signing import signs_equal
from .._registry import Call, PlatformError, handles


@handles("/openapi/partner/createkey")
def createkey(call: Call) -> dict[str, Any]:
    state = call.sandbox.state
    row = state.one("SELECT * FROM partners WHERE partner_id=?", (call.partner_id,))
    assert row is not None  # the core checked the partner
    if not signs_equal(str(row["secret_key"]), call.args["secret_key"]):
        raise PlatformError(1001, "secret_key: does not match the account")
    key = str(row["partner_key"])
    if call.args.get("regenerate"):
        key = secrets.token_urlsafe(48)
        state.execute(
            "UPDATE partners SET partner_key=? WHERE partner_id=?", (key, call.partner_id)
        )
    return {"partner_key": key}


def _set_url(call: Call, column: str) -> dict[str, Any]:
    url = call.args["url"]
    call.sandbox.state.execute(
        f"UPDATE partners SET {column}=? WHERE partner_id=?", (url, call.partner_id)
    )
    return {"url": url}


def _get_url(call: Call, column: str) -> dict[str, Any]:
    row = call.sandbox.state.one(
        f"SELECT {column} AS url FROM partners WHERE partner_id=?", (call.partner_id,)
    )
    return {"url": (row["url"] if row else None) or ""}


@handles("/openapi/live_account/setClassCallbackUrl")
def set_class_callback_url(call: Call) -> dict[str, Any]:
    return _set_url(call, "class_callback_url")


@handles("/openapi/live_account/getClassCallbackUrl")
def get_class_callback_url(call: Call) -> dict[str, Any]:
    return _get_url(call, "class_callback_url")


@handles("/openapi/video_account/setTranscodeCallbackUrl")
def set_transcode_callback_url(call: Call) -> dict[str, Any]:
    return _set_url(call, "transcode_callback_url")


@handles("/openapi/video_account/getTranscodeCallbackUrl")
def get_transcode_callback_url(call: Call) -> dict[str, Any]:
    return _get_url(call, "transcode_callback_url")
