"""Client settings from arguments, then ``BAIJIAYUN_*`` environment variables."""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import os
import re
from collections.abc import Mapping
from typing import Any

from ._value import Value
from .errors import ConfigurationError

LEGACY_BASE_URL = "https://api.baijiayun.com/"
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_RETRIES = 2

# ---- environment variables: every name the SDK and its command read, here only
SETTING_NAMES = ("partner_id", "partner_key", "secret_key", "private_domain", "base_url")
"""Settings an argument, an environment variable (or the command's profile or flag) gives."""
ENV_VARS: dict[str, str] = {name: f"BAIJIAYUN_{name.upper()}" for name in SETTING_NAMES}
"""The variable each setting is read from: ``BAIJIAYUN_PARTNER_ID``, ``BAIJIAYUN_PARTNER_KEY``,
``BAIJIAYUN_SECRET_KEY``, ``BAIJIAYUN_PRIVATE_DOMAIN``, ``BAIJIAYUN_BASE_URL``."""
CONFIG_ENV = "BAIJIAYUN_CONFIG"
"""The command's configuration file, instead of the user's config directory."""
PROFILE_ENV = "BAIJIAYUN_PROFILE"
"""The command's profile, when ``--profile`` is not given."""
DATA_DIR_ENV = "BAIJIAYUN_DATA_DIR"
"""Where the command's embedded sandbox keeps its state."""


class Settings(Value):
    """A client's checked settings.

    ``explicit_base_url``: ``base_url`` was given (argument or environment): every call
    goes there, even those of groups the platform serves from another host (``hudong``).
    ``hosts``: base URLs by group name (``{"hudong": "https://..."}``): wins over both.
    """

    __slots__ = (
        "base_url",
        "explicit_base_url",
        "hosts",
        "partner_id",
        "partner_key",
        "private_domain",
        "secret_key",
        "tz",
    )

    def __init__(
        self,
        partner_id: str,
        partner_key: str | None,
        secret_key: str | None,
        base_url: str,
        private_domain: str | None,
        tz: _dt.tzinfo,
        explicit_base_url: bool = False,
        hosts: Mapping[str, str] | None = None,
    ) -> None:
        self.partner_id, self.partner_key, self.secret_key = partner_id, partner_key, secret_key
        self.base_url, self.private_domain, self.tz = base_url, private_domain, tz
        self.explicit_base_url = explicit_base_url
        self.hosts: Mapping[str, str] = hosts if hosts is not None else {}

    def base_url_of(self, group: str, host: str | None) -> str:
        """Where a call of ``group`` goes: its ``hosts`` entry, else the group's own host
        unless ``base_url`` was given, else ``base_url``."""
        if group in self.hosts:
            return self.hosts[group]
        return host if host and not self.explicit_base_url else self.base_url

    def __repr__(self) -> str:  # never show keys
        return (
            f"Settings(partner_id={self.partner_id!r}, base_url={self.base_url!r}, "
            f"partner_key={'***' if self.partner_key else None}, "
            f"secret_key={'***' if self.secret_key else None})"
        )


def base_url_for(base_url: str | None, private_domain: str | None) -> str:
    """``base_url`` if given, else the private domain's host, else the legacy host."""
    if base_url:
        url = check_base_url(base_url)
    elif private_domain:
        url = f"https://{check_private_domain(private_domain)}.at.baijiayun.com/"
    else:
        url = LEGACY_BASE_URL
    return url if url.endswith("/") else url + "/"


def _shown(value: object) -> str:
    """A bad setting as an error message may show it (short; never a key)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "…"


_UNSAFE = re.compile(r"[\x00-\x20\x7f\ud800-\udfff]")  # controls, spaces, lone surrogates
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def check_base_url(url: str) -> str:
    """An absolute http(s) URL with a host and no query, fragment, space or control character."""
    problem = None
    if _UNSAFE.search(url):
        problem = "holds a space, a control character or a lone surrogate"
    else:
        try:
            from urllib.parse import urlsplit  # the command's --help needs no URL parser

            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError:
            problem = "is not a URL"
        else:
            if parts.scheme.lower() not in ("http", "https"):
                problem = "must start with http:// or https://"
            elif not parts.hostname:
                problem = "has no host"
            elif parts.query or parts.fragment or url.endswith(("?", "#")):
                problem = "must not have a query or a fragment"
    if problem:
        raise ConfigurationError(f"base_url {problem}: {_shown(url)}")
    return url


_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z")


def check_private_domain(domain: str) -> str:
    if not _DOMAIN.match(domain):
        raise ConfigurationError(
            f"private_domain is your account's host prefix, such as 'e12345678' (for a full "
            f"URL pass base_url=...): {_shown(domain)}"
        )
    return domain


def check_key(name: str, key: str) -> str:
    """A partner or secret key: text that can be signed (UTF-8, no lone surrogate)."""
    if _SURROGATE.search(key):
        raise ConfigurationError(f"{name} holds a lone surrogate: it cannot be sent as UTF-8")
    return key


def check_timeout(timeout: Any) -> float | None:
    """Seconds an attempt may take: a finite number > 0, or None (no limit)."""
    if timeout is None:
        return None
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, numbers.Real)
        or not math.isfinite(timeout)
        or timeout <= 0
    ):
        raise ConfigurationError(
            f"timeout must be a number of seconds > 0 (or None: no limit), not {_shown(timeout)}"
        )
    return float(timeout)


def check_max_retries(max_retries: Any) -> int:
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ConfigurationError(f"max_retries must be an integer >= 0, not {_shown(max_retries)}")
    return int(max_retries)


def check_flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigurationError(f"{name} must be True or False, not {_shown(value)}")
    return value


def resolve(
    *,
    partner_id: str | int | None,
    secret_key: str | None,
    private_domain: str | None,
    partner_key: str | None,
    base_url: str | None,
    tz: str | _dt.tzinfo | None,
    hosts: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    env = os.environ if environ is None else environ

    def pick(value: str | int | None, name: str) -> str | None:
        if value is not None and value != "":
            if isinstance(value, str) or (name == "partner_id" and isinstance(value, int)):
                return str(value)
            raise ConfigurationError(f"{name} must be text, not {type(value).__name__}")
        found = env.get(ENV_VARS[name])
        return found or None

    pid = pick(partner_id, "partner_id")
    pkey = pick(partner_key, "partner_key")
    skey = pick(secret_key, "secret_key")
    domain = pick(private_domain, "private_domain")
    url = pick(base_url, "base_url")
    missing = []
    if pid is None:
        missing.append(f"partner_id (or {ENV_VARS['partner_id']})")
    if pkey is None and skey is None:
        missing.append(
            f"partner_key or secret_key (or {ENV_VARS['partner_key']} / {ENV_VARS['secret_key']})"
        )
    if missing:
        raise ConfigurationError("missing credentials: " + "; ".join(missing))
    assert pid is not None
    if not (pid.isascii() and pid.isdigit()):
        raise ConfigurationError("partner_id must be a positive integer")
    if pkey is not None:
        check_key("partner_key", pkey)
    if skey is not None:
        check_key("secret_key", skey)
    if isinstance(tz, str):
        from zoneinfo import ZoneInfo  # only a zone named by the caller needs the database

        try:
            zone: _dt.tzinfo = ZoneInfo(tz)
        except Exception as exc:  # ZoneInfoNotFoundError, ValueError
            raise ConfigurationError(f"unknown time zone tz={tz!r}") from exc
    else:
        from ._wire import BEIJING  # the client's wire layer: loaded with the client anyway

        zone = tz or BEIJING
    return Settings(
        partner_id=pid,
        partner_key=pkey,
        secret_key=skey,
        base_url=base_url_for(url, domain),
        private_domain=domain,
        tz=zone,
        explicit_base_url=url is not None,
        hosts=check_hosts(hosts),
    )


def check_hosts(hosts: Mapping[str, str] | None) -> dict[str, str]:
    """``hosts=``: group names to absolute http(s) base URLs (each ending in ``/``)."""
    if hosts is None:
        return {}
    if not isinstance(hosts, Mapping):
        raise ConfigurationError("hosts must be a mapping of group names to base URLs")
    checked: dict[str, str] = {}
    for group, url in hosts.items():
        if not isinstance(group, str) or not isinstance(url, str):
            raise ConfigurationError("hosts must map group names (text) to base URLs (text)")
        url = check_base_url(url)
        checked[group] = url if url.endswith("/") else url + "/"
    return checked
