"""``baijiayun callback verify``: check a callback's form body as a receiver would."""

from __future__ import annotations

import json
from typing import IO, Any
from urllib.parse import parse_qsl

import click

from ..callbacks import DEFAULT_TOLERANCE, SIGN, callback_fields, parse_callback
from ..errors import CallbackSignatureError
from ._app import CliError, State, json_option, pass_state

__all__ = ["callback"]

MAX_BODY = 1 << 20

REASONS = {
    "missing_sign": "it has no sign field",
    "mismatch": "the sign does not match: signed with another partner key, "
    "or the body was changed on the way",
    "stale": "its timestamp is more than {window} s old (a replay, or a slow clock); "
    "--no-time-check accepts it",
    "future": "its timestamp is more than {window} s ahead of this machine's clock; "
    "--no-time-check accepts it",
    "missing_timestamp": "it has no timestamp field",
    "malformed_timestamp": "its timestamp is not unix seconds",
    "malformed": "the body cannot be read as form fields",
}


def _read_fields(text: str) -> Any:
    body = text.strip()
    if body.startswith("{"):
        try:
            data = json.loads(body)
        except ValueError:
            raise CliError("the body starts with '{' but is not JSON", exit_code=2) from None
        if not isinstance(data, dict):
            raise CliError("a JSON body must be an object of fields", exit_code=2)
        return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
    try:
        return parse_qsl(body, keep_blank_values=True, strict_parsing=bool(body), errors="strict")
    except (ValueError, UnicodeError):
        raise CliError("the body is not a form (name=value&name=value...)", exit_code=2) from None


def _event_name(fields: Any) -> tuple[str, dict[str, Any]]:
    try:
        received = callback_fields(fields)
    except CallbackSignatureError:
        return "unreadable", {}
    received.pop(SIGN, None)
    event = parse_callback(received)
    shown = {k: v for k, v in received.items() if k != "timestamp"}
    return type(event).__name__, shown


@click.group()
def callback() -> None:
    """Platform callbacks (class events, transcode results)."""


@callback.command()
@click.argument("body", type=click.File("r", encoding="utf-8"), default="-")
@click.option(
    "--tolerance",
    type=click.FloatRange(min=0),
    default=DEFAULT_TOLERANCE,
    show_default=True,
    help="Seconds the timestamp may differ from now.",
)
@click.option("--no-time-check", is_flag=True, help="Accept any timestamp (replaying old ones).")
@json_option
@pass_state
def verify(state: State, body: IO[str], tolerance: float, no_time_check: bool) -> None:
    """Check a callback's form body (a file, or stdin): is it signed with the partner key,
    is it fresh, and which event is it. Exit 0 when it verifies, 1 when not.

    Example: baijiayun callback verify body.txt, where body.txt holds
    room_id=...&op=start&op_time=...&qid=...&timestamp=...&sign=...
    """
    text = body.read(MAX_BODY + 1)
    if len(text) > MAX_BODY:
        raise CliError("the body is larger than 1 MB: not a callback", exit_code=2)
    if not text.strip():
        raise CliError("the body is empty", "give a file, or pipe the body into stdin", exit_code=2)
    fields = _read_fields(text)
    window = None if no_time_check else tolerance
    event, shown = _event_name(fields)
    out = state.output
    try:
        with state.client() as client:
            client.verify_callback(fields, tolerance=window)
    except CallbackSignatureError as exc:
        why = REASONS.get(exc.reason, exc.reason).format(window=f"{tolerance:g}")
        if out.json_mode:
            out.json({"valid": False, "reason": exc.reason, "why": why, "event": event})
        else:
            click.echo(f"✗ not valid: {why}", err=True)
            if event != "unreadable":
                click.echo(f"  (unverified: it looks like {event})", err=True)
        raise click.exceptions.Exit(1) from None
    if out.json_mode:
        out.json({"valid": True, "event": event, "fields": shown})
        return
    out.success(f"valid {event} callback (signed with the partner key, timestamp in range)")
    out.fields(shown.items())
