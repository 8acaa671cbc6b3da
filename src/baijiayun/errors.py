"""The exception tree of the SDK.

Every error the SDK raises derives from :class:`BaiJiaYunError`; no httpx2
exception, and no problem of reading an answer, reaches the caller unwrapped.

* :class:`ValidationError` — bad input, raised before anything is sent.
* :class:`ConfigurationError` — missing or inconsistent client settings.
* :class:`ClientClosedError` — a call on a closed client.
* :class:`APIError` — the platform answered with a non-zero ``code``; one
  subclass per documented code family, each carrying ``code``, ``msg``,
  ``path`` and ``http_status``.
* :class:`HTTPStatusError` — a non-2xx HTTP answer (usually a proxy).
* :class:`DecodeError` — a body that is not the platform's JSON envelope.
* :class:`ResultShapeError` — a successful answer (``code`` 0) whose ``data``
  is not the declared result; it carries that ``data`` (and, for a write, says
  the write was carried out).
* :class:`APIConnectionError` — the network failed; ``may_have_been_sent``
  tells whether the platform may have processed the request.
* :class:`CallbackSignatureError` — a callback failed verification.
* :class:`StoreError` — a shared store (Redis: keys, rate limit, callback
  de-duplication) failed; nothing was sent.

No message, ``repr`` or attribute of these exceptions ever holds a
partner_key, secret_key or sign value.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AccountDisabledError",
    "AccountError",
    "AccountNotFoundError",
    "BaiJiaYunError",
    "CallbackSignatureError",
    "ClientClosedError",
    "ConfigurationError",
    "DecodeError",
    "EndpointNotFoundError",
    "HTTPStatusError",
    "InsecureUploadError",
    "ParameterError",
    "PermissionDeniedError",
    "ResultShapeError",
    "RoomDeletedError",
    "RoomNotFoundError",
    "SignatureError",
    "StoreError",
    "UploadError",
    "ValidationError",
    "error_for_code",
]

SECRET_NAMES = frozenset({"partner_key", "secret_key", "sign"})
"""Names whose values are never logged, shown, or put in an error: the key that signs,
the key that fetches it, and the signature. The one list: redaction here, the client's
logs and errors, and the command's masking read it from here (this module imports
nothing, so every layer can)."""


EXCERPT_CHARS = 200
"""Characters of a body an error shows at most."""
MSG_CHARS = 1000
"""Characters of the platform's ``msg`` an :class:`APIError` keeps at most."""

# A value named in SECRET_NAMES (partner_key, secret_key, sign), in JSON (`"sign": "..."`),
# a form (`sign=...`) or a repr (`'sign': '...'`); a value cut off by the excerpt's end too.
_NAMES = "|".join(sorted(map(re.escape, SECRET_NAMES)))
_SECRET_VALUE = re.compile(
    rf"""(?<![A-Za-z0-9_])(["']?(?:{_NAMES})["']?\s*[:=]\s*)"""
    r"""("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|[^\s&,;)}\]]*)""",
    re.IGNORECASE,
)


_PROSE = re.compile(r"[a-z]{1,12} [a-z]")
"""After ``name:``, a short lower-case word and more words: a sentence about the field
(``secret_key: does not match``), not its value (keys mix case, digits and symbols)."""


def _redacted(match: re.Match[str]) -> str:
    name = match.group(1)
    if name.rstrip().endswith(":") and _PROSE.match(match.string, match.start(2)):
        return match.group(0)
    return name + "***"


def redact(text: str) -> str:
    """``text`` with every partner_key, secret_key and sign value replaced by ``***``."""
    return _SECRET_VALUE.sub(_redacted, text)


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters of ``text``, then ``…`` when some were left out."""
    return text if len(text) <= limit else text[:limit] + "…"


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """What an error may show of a received text: clipped, then its secrets redacted."""
    return redact(clip(text, limit))


class BaiJiaYunError(Exception):
    """Base class of every error raised by this SDK.

    Every error pickles with its fields (it can cross a process boundary, e.g.
    out of a ``ProcessPoolExecutor`` worker): it is rebuilt from its message
    and attributes, without calling ``__init__`` again.
    """

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


def _rebuild(cls: type[BaiJiaYunError], args: tuple[object, ...], state: dict[str, object]) -> Any:
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class ConfigurationError(BaiJiaYunError):
    """The client was constructed without what it needs (e.g. credentials)."""


class ClientClosedError(BaiJiaYunError, RuntimeError):
    """A call on a client that was closed (or whose ``http_client`` was); nothing was sent."""


class StoreError(BaiJiaYunError):
    """A shared store (the Redis of ``RedisKeyStore``, ``RedisRateLimit`` or
    ``RedisDedupStore``) could not be reached or answered wrongly.

    Raised before the request is sent: nothing reached the platform.
    """


class ValidationError(BaiJiaYunError, ValueError):
    """A parameter broke a documented rule; nothing was sent.

    ``param`` names the parameter and ``rule`` states the rule it broke.
    """

    def __init__(self, param: str, rule: str, *, endpoint: str | None = None) -> None:
        self.param = param
        self.rule = rule
        self.endpoint = endpoint
        where = f" ({endpoint})" if endpoint else ""
        super().__init__(f"invalid parameter {param!r}{where}: {rule}")


class APIError(BaiJiaYunError):
    """The platform answered with a non-zero ``code``."""

    def __init__(self, code: int, msg: str, *, path: str = "", http_status: int = 200) -> None:
        msg = excerpt(msg, MSG_CHARS)  # the platform's text: bounded, never a secret
        self.code = code
        self.msg = msg
        self.path = path
        self.http_status = http_status
        super().__init__(f"[{code}] {msg} (path={path or '?'}, http_status={http_status})")


class EndpointNotFoundError(APIError):
    """Code 404: the platform does not know this path."""


class ParameterError(APIError):
    """Code 1001: the platform rejected a parameter."""


class SignatureError(APIError):
    """Code 1002: the platform rejected the signature (wrong partner key or clock skew)."""


class AccountError(APIError):
    """Codes 2001–2003: the account is missing, lacks a permission, or is not opened."""


class AccountNotFoundError(AccountError):
    """Code 2001: the account does not exist."""


class PermissionDeniedError(AccountError):
    """Code 2002: the account has no permission for this feature."""


class AccountDisabledError(AccountError):
    """Code 2003: the live account is not opened or its service stopped."""


class RoomNotFoundError(APIError):
    """Code 3001: no room with this id."""


class RoomDeletedError(APIError):
    """Code 3002: the room was deleted."""


class UploadError(APIError):
    """Code 4001: the file upload failed."""


class InsecureUploadError(BaiJiaYunError):
    """The platform gave a plain ``http://`` upload URL to a client that reaches the API over
    ``https://``. Raised before any byte of the file is sent (the file and the upload token
    would travel in the clear); ``.video_id`` names the video the upload URL was made for."""

    def __init__(self, host: str, video_id: int | None = None) -> None:
        super().__init__(
            f"refusing to send the file over plain http to {host}: the API is reached over "
            "https, so the upload must be too (nothing of the file was sent)"
        )
        self.host = host
        self.video_id = video_id

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.host, self.video_id))


_BY_CODE: dict[int, type[APIError]] = {
    404: EndpointNotFoundError,
    1001: ParameterError,
    1002: SignatureError,
    2001: AccountNotFoundError,
    2002: PermissionDeniedError,
    2003: AccountDisabledError,
    3001: RoomNotFoundError,
    3002: RoomDeletedError,
    4001: UploadError,
}


def error_for_code(code: int, msg: str, *, path: str = "", http_status: int = 200) -> APIError:
    """Build the typed :class:`APIError` for a platform error code."""
    cls = _BY_CODE.get(code, APIError)
    return cls(code, msg, path=path, http_status=http_status)


class HTTPStatusError(BaiJiaYunError):
    """The server answered with a non-2xx HTTP status.

    ``body_excerpt`` is at most :data:`EXCERPT_CHARS` characters of the body,
    with any partner_key, secret_key or sign value redacted (nothing at all of
    an answer that may hold a key).
    """

    def __init__(self, status: int, body_excerpt: str, *, path: str = "") -> None:
        body_excerpt = excerpt(body_excerpt)
        self.status = status
        self.http_status = status
        self.body_excerpt = body_excerpt
        self.path = path
        super().__init__(f"HTTP {status} from {path or '?'}: {body_excerpt!r}")


class DecodeError(BaiJiaYunError):
    """The body is not the platform's JSON envelope, or not the declared result.

    ``body_excerpt`` is bounded and redacted as in :class:`HTTPStatusError`.
    """

    def __init__(self, reason: str, body_excerpt: str, *, path: str = "", http_status: int = 200):
        body_excerpt = excerpt(body_excerpt)
        self.reason = reason
        self.body_excerpt = body_excerpt
        self.path = path
        self.http_status = http_status
        super().__init__(f"{reason} from {path or '?'} (HTTP {http_status}): {body_excerpt!r}")


class ResultShapeError(DecodeError):
    """The platform answered ``code: 0`` but its ``data`` is not the declared result.

    Nothing the platform did is lost: ``data`` is the decoded ``data`` as plain
    JSON values (any ``partner_key``, ``secret_key`` or ``sign`` replaced by
    ``***``); ``problems`` says which fields did not fit (``"list.0.room_id:
    Field required"``). ``carried_out`` is True for a write (an endpoint not
    declared safe to repeat): the platform did it, so do not send it again.
    ``client.<group>.<method>.raw(...)`` returns any call's ``data`` unconverted.
    """

    def __init__(
        self,
        path: str,
        expected: str,
        data: Any,
        problems: list[str] | tuple[str, ...],
        *,
        carried_out: bool,
        data_excerpt: str = "",
        http_status: int = 200,
    ) -> None:
        self.expected = expected
        self.data = data
        self.problems = tuple(clip(p, EXCERPT_CHARS) for p in problems)
        self.carried_out = carried_out
        shown = "; ".join(self.problems[:5])
        if len(self.problems) > 5:
            shown += f"; and {len(self.problems) - 5} more"
        reason = f"result does not match {expected}: {shown or 'no detail'}"
        if carried_out:
            reason += (
                " — the platform answered code 0: the write was carried out, do not repeat it;"
                " the answer's data is on .data"
            )
        else:
            reason += " — the answer's data is on .data"
        super().__init__(reason, data_excerpt, path=path, http_status=http_status)


def redact_data(value: Any) -> Any:
    """``value`` (decoded JSON) with every partner_key, secret_key and sign value set to ``***``.

    Mappings are walked by key name; text anywhere goes through :func:`redact`
    (a signed query string inside a URL). Returns plain JSON values (a copy).
    """
    if isinstance(value, dict):
        return {
            str(k): "***" if str(k).lower() in _SECRET_KEYS else redact_data(v)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [redact_data(v) for v in value]
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return redact(str(value))


_SECRET_KEYS = frozenset({"partner_key", "secret_key", "sign"})


class APIConnectionError(BaiJiaYunError):
    """The request failed on the network.

    ``may_have_been_sent`` is False when the failure happened before any byte
    reached the server (connection refused, pool timeout): repeating is safe.
    When True, the platform may have processed the request.
    """

    def __init__(self, message: str, *, path: str = "", may_have_been_sent: bool) -> None:
        self.path = path
        self.may_have_been_sent = may_have_been_sent
        state = (
            "the request may have reached the server"
            if may_have_been_sent
            else "the request was not sent"
        )
        super().__init__(f"{message} ({path or '?'}; {state})")


class APITimeoutError(APIConnectionError):
    """A connect, write, read or pool timeout."""


class CallbackSignatureError(BaiJiaYunError):
    """A platform callback failed verification; ``reason`` says why.

    ``reason`` is one of ``missing_sign``, ``mismatch``, ``stale``, ``future``,
    ``malformed_timestamp``, ``missing_timestamp``, ``malformed``; when
    de-duplicating, also ``missing_qid``, ``malformed_qid``, ``stale_qid``,
    ``future_qid``.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        super().__init__(f"callback rejected: {reason}" + (f" ({detail})" if detail else ""))
