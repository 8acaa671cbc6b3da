"""One API call, start to end: the form parsed, the partner authenticated, the parameters
checked by the endpoint's own declaration, the group's handler run, the envelope made.

Each step refuses with the platform's code (raised as :class:`PlatformError`); the
answer is made once, at the end.
"""

from __future__ import annotations

from ..._endpoint import Endpoint
from ..._wire import Context
from ...api import REGISTRY
from ...errors import ValidationError
from .auth import DIGITS, check_signature
from .db import Env
from .forms import BadRequest, read_form
from .http import PlatformError, SandboxRequest, SandboxResponse, envelope
from .service import AccountLookup, Call, Handler

__all__ = ["Gateway"]


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
