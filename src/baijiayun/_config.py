"""Client settings from arguments, then ``BAIJIAYUN_*`` environment variables."""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .errors import ConfigurationError

LEGACY_BASE_URL = "https://api.baijiayun.com/"
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_RETRIES = 2


@dataclass(frozen=True)
class Settings:
    partner_id: str
    partner_key: str | None
    secret_key: str | None
    base_url: str
    private_domain: str | None
    tz: _dt.tzinfo
    explicit_base_url: bool = False
    """``base_url`` was given (argument or environment): every call goes there, even
    those of groups the platform serves from another host (``hudong``)."""

    def __repr__(self) -> str:  # never show keys
        return (
            f"Settings(partner_id={self.partner_id!r}, base_url={self.base_url!r}, "
            f"partner_key={'***' if self.partner_key else None}, "
            f"secret_key={'***' if self.secret_key else None})"
        )


def base_url_for(base_url: str | None, private_domain: str | None) -> str:
    """``base_url`` if given, else the private domain's host, else the legacy host."""
    if base_url:
        url = base_url
    elif private_domain:
        url = f"https://{private_domain}.at.baijiayun.com/"
    else:
        url = LEGACY_BASE_URL
    return url if url.endswith("/") else url + "/"


def resolve(
    *,
    partner_id: str | int | None,
    secret_key: str | None,
    private_domain: str | None,
    partner_key: str | None,
    base_url: str | None,
    tz: str | _dt.tzinfo | None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    env = os.environ if environ is None else environ

    def pick(value: str | int | None, var: str) -> str | None:
        if value is not None and value != "":
            return str(value)
        found = env.get(var)
        return found or None

    pid = pick(partner_id, "BAIJIAYUN_PARTNER_ID")
    pkey = pick(partner_key, "BAIJIAYUN_PARTNER_KEY")
    skey = pick(secret_key, "BAIJIAYUN_SECRET_KEY")
    domain = pick(private_domain, "BAIJIAYUN_PRIVATE_DOMAIN")
    url = pick(base_url, "BAIJIAYUN_BASE_URL")
    missing = []
    if pid is None:
        missing.append("partner_id (or BAIJIAYUN_PARTNER_ID)")
    if pkey is None and skey is None:
        missing.append(
            "partner_key or secret_key (or BAIJIAYUN_PARTNER_KEY / BAIJIAYUN_SECRET_KEY)"
        )
    if missing:
        raise ConfigurationError("missing credentials: " + "; ".join(missing))
    assert pid is not None
    if not pid.isdigit():
        raise ConfigurationError("partner_id must be a positive integer")
    if isinstance(tz, str):
        try:
            zone: _dt.tzinfo = ZoneInfo(tz)
        except Exception as exc:  # ZoneInfoNotFoundError, ValueError
            raise ConfigurationError(f"unknown time zone tz={tz!r}") from exc
    else:
        zone = tz or ZoneInfo("Asia/Shanghai")
    return Settings(
        partner_id=pid,
        partner_key=pkey,
        secret_key=skey,
        base_url=base_url_for(url, domain),
        private_domain=domain,
        tz=zone,
        explicit_base_url=url is not None,
    )
