"""One API call, start to end: the form parsed, the partner authenticated, the parameters
checked by the endpoint's own declaration, the group's handler run, the envelope made.

Each step refuses with the platform's code (raised as :class:`PlatformError`); the
answer is made once, at the end.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ..._endpoint import Endpoint
from ..._wire import Context
from ...api import REGISTRY
from ...errors import ValidationError
from .auth import DIGITS, check_signature
from .db import Env
from .forms import BadRequest, read_form
from .http import PlatformError, SandboxRequest, SandboxResponse, envelope
from .service import AccountLookup, Call, Handler

__all__ = ["Gateway", "check_bounds"]

MAX_JSON_DEPTH = 32
"""How deeply a JSON parameter's lists and objects may nest (the platform's are two deep)."""
MIN_YEAR, MAX_YEAR = 1970, 2100
"""The years a date or time parameter may name."""
MIN_TIME, MAX_TIME = 0, 4_133_980_800
"""Unix seconds of 1970-01-01 and 2101-01-01 (UTC): what a time parameter may name."""
_INT = re.compile(r"\s*-?[0-9]{1,30}\s*\Z")
_YEAR = re.compile(r"\s*([0-9]{4})-")


def _depth(value: Any) -> int:
    """How deeply ``value``'s lists and dicts nest (iterative: no recursion to exhaust)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, level)
            if level > MAX_JSON_DEPTH:
                return level
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def check_bounds(spec: Endpoint, form: Mapping[str, str]) -> None:
    """Refuse (1001, naming the parameter) a value no handler should have to survive:
    JSON nested deeper than :data:`MAX_JSON_DEPTH`,
    a date or time outside :data:`MIN_YEAR`-:data:`MAX_YEAR` (integers beyond 64 bits are refused
    where they meet the database: ``Store._bind``)."""
    for param in spec.params:
        text = form.get(param.name)
        if text is None or param.is_file:
            continue
        kind = param.kind.name
        if kind == "json":
            try:
                value = json.loads(text)
            except ValueError:
                continue  # not JSON: the parameter's own kind refuses it
            except RecursionError:
                raise PlatformError(
                    1001, f"{param.name}: JSON nested deeper than {MAX_JSON_DEPTH}"
                ) from None
            if _depth(value) > MAX_JSON_DEPTH:
                raise PlatformError(1001, f"{param.name}: JSON nested deeper than {MAX_JSON_DEPTH}")
        elif kind in ("date", "datetime"):
            year = _YEAR.match(text)
            if year is not None and not MIN_YEAR <= int(year.group(1)) <= MAX_YEAR:
                raise PlatformError(
                    1001, f"{param.name}: must be a date between {MIN_YEAR} and {MAX_YEAR}"
                )
        elif kind == "time" and _INT.match(text) and not MIN_TIME <= int(text) < MAX_TIME:
            raise PlatformError(
                1001, f"{param.name}: must be unix seconds between {MIN_YEAR} and {MAX_YEAR}"
            )


class Gateway:
    """Answers ``/openapi/...`` requests with the handlers the groups registered."""

    def __init__(
        self,
        env: Env,
        handlers: dict[str, tuple[Endpoint, Handler]],
        account: AccountLookup,
        ctx: Context,
    ) -> None:
        self.env = env
        self.handlers = handlers
        """Handlers by path (the sandbox's ``_handlers``: the same dict)."""
        self.account = account
        self.ctx = ctx

    def answer(self, request: SandboxRequest) -> SandboxResponse:
        """The platform's answer to one API request (a bug in a handler propagates)."""
        now = self.env.now()
        partner_id = None
        try:
            spec = REGISTRY.by_path(request.path)
            if spec is None:
                raise PlatformError(404, f"path not found: {request.path[:100]}")
            try:
                form, files = read_form(request)
            except BadRequest as exc:
                raise PlatformError(1001, str(exc)) from None
            named = form.get("partner_id")
            if not named:
                raise PlatformError(1001, "partner_id is required")
            if not DIGITS.match(named):
                raise PlatformError(1001, "partner_id must be an integer")
            partner_id = named
            account = self.account(self.env, partner_id)
            if account is None:
                raise PlatformError(2001, "account does not exist")
            if spec.signed:
                check_signature(form, str(account["partner_key"]), now)
            if account.get("disabled"):
                raise PlatformError(2003, "the account's service is stopped or not opened")
            check_bounds(spec, form)
            try:
                args = spec.parse_form(form, self.ctx)
            except ValidationError as exc:
                raise PlatformError(1001, f"{exc.param}: {exc.rule}") from None
            found = self.handlers.get(spec.path)
            if found is None:
                raise PlatformError(1, f"{spec.path} is not emulated by the sandbox yet")
            host = request.headers.get("host") or "sandbox.local"
            call = Call(self.env, partner_id, spec, args, form, files, now, f"http://{host}/")
            response = envelope(0, "", found[1](call), now)
        except PlatformError as exc:
            response = envelope(exc.code, exc.msg, None, now)
        response.partner = partner_id
        return response
