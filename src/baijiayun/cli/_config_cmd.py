"""``baijiayun config ...``: named profiles in the user's config file; keys are never shown."""

from __future__ import annotations

import contextlib
import os
import re
import sys

import click

from .._config import PROFILE_ENV, base_url_for
from ..errors import ConfigurationError
from ._app import CliError, State, json_option, pass_state
from ._settings import (
    DEFAULT_PROFILE,
    FIELDS,
    SECRETS,
    check_profile_name,
    config_path,
    data_dir,
    load_profiles,
    mask,
    save_profiles,
)

__all__ = ["config"]

_URL = re.compile(r"https?://[^\s/?#]+[^\s]*\Z", re.IGNORECASE)
_DOMAIN = re.compile(r"[A-Za-z0-9-]{1,63}\Z")


def _check(key: str, value: str) -> str:
    value = value.strip()
    if not value:
        raise CliError(f"{key} must not be empty (use `baijiayun config unset {key}`)", exit_code=2)
    if key == "partner_id" and not value.isdigit():
        raise CliError("partner_id must be digits", exit_code=2)
    if key == "base_url" and not _URL.match(value):
        raise CliError("base_url must be an absolute http(s) URL", exit_code=2)
    if key == "private_domain" and not _DOMAIN.match(value):
        raise CliError(
            "private_domain is the host prefix only, e.g. e12345678 (for a full URL use base_url)",
            exit_code=2,
        )
    return value


def _profile(state: State, local: str | None) -> str:
    name = local or state.profile or os.environ.get(PROFILE_ENV) or DEFAULT_PROFILE
    return check_profile_name(name)


profile_option = click.option(
    "--profile", "local_profile", metavar="NAME", help="The profile (default: the global one)."
)


@click.group()
def config() -> None:
    """Settings profiles (TOML in the user's config directory; BAIJIAYUN_CONFIG names another
    file). Flags and BAIJIAYUN_* variables win over a profile."""


@config.command(name="set")
@click.argument("key", type=click.Choice(FIELDS))
@click.argument("value", required=False)
@profile_option
@json_option
@pass_state
def set_value(state: State, key: str, value: str | None, local_profile: str | None) -> None:
    """Store a setting in a profile. Leave VALUE out to type it (hidden for keys)."""
    name = _profile(state, local_profile)
    if value is None:
        if sys.stdin.isatty():
            value = click.prompt(key, hide_input=key in SECRETS, err=True)
        else:  # piped in: `pass show bjy | baijiayun config set partner_key`
            value = sys.stdin.readline().rstrip("\r\n")
    value = _check(key, value)
    path = config_path()
    profiles = load_profiles(path)
    profiles.setdefault(name, {})[key] = value
    save_profiles(path, profiles)
    shown = mask(value) if key in SECRETS else value
    if state.json:
        state.output.json({"profile": name, "key": key, "value": shown, "path": str(path)})
    else:
        state.output.success(f"{key} = {shown} saved in profile {name} ({path})")


@config.command()
@click.argument("key", type=click.Choice(FIELDS))
@profile_option
@json_option
@pass_state
def unset(state: State, key: str, local_profile: str | None) -> None:
    """Remove a setting from a profile."""
    name = _profile(state, local_profile)
    path = config_path()
    profiles = load_profiles(path)
    if key not in profiles.get(name, {}):
        raise CliError(f"profile {name} has no {key}")
    del profiles[name][key]
    save_profiles(path, profiles)
    if state.json:
        state.output.json({"profile": name, "key": key, "removed": True})
    else:
        state.output.success(f"{key} removed from profile {name}")


@config.command()
@profile_option
@json_option
@pass_state
def show(state: State, local_profile: str | None) -> None:
    """The settings in effect and where each comes from (keys masked)."""
    if local_profile:
        state.profile = check_profile_name(local_profile)
        state._resolved = None
    resolved = state.resolved()
    rows = []
    for key in FIELDS:
        value = resolved.values.get(key)
        shown = (mask(value) if key in SECRETS else value) if value else ""
        source = resolved.sources.get(key, "")
        if key == "base_url" and not value:  # the URL the client will use all the same
            domain = resolved.values.get("private_domain")
            with contextlib.suppress(ConfigurationError):
                shown = base_url_for(None, domain)
                source = "from private_domain" if domain else "default"
        rows.append((key, shown, source))
    paths = {"config file": str(resolved.path), "sandbox data": str(data_dir())}
    out = state.output
    if out.json_mode:
        out.json(
            {
                "profile": resolved.profile,
                "settings": {k: {"value": v, "source": s} for k, v, s in rows if v},
                "paths": paths,
            }
        )
        return
    out.table(
        ["setting", "value", "from"],
        [[k, v or "-", s or "not set"] for k, v, s in rows],
        title=f"profile: {resolved.profile}",
        caption="flags win over BAIJIAYUN_* variables, which win over the profile",
    )
    out.fields(paths.items())


@config.command(name="list")
@json_option
@pass_state
def list_profiles(state: State) -> None:
    """The profiles of the config file."""
    path = config_path()
    profiles = load_profiles(path)
    out = state.output
    if out.json_mode:
        out.json({"path": str(path), "profiles": sorted(profiles)})
        return
    if not profiles:
        out.note(f"no profiles yet in {path}: `baijiayun config set partner_id ID` makes one")
        return
    out.table(
        ["profile", "settings"],
        [[name, ", ".join(sorted(values))] for name, values in sorted(profiles.items())],
        caption=str(path),
    )


@config.command()
@json_option
@pass_state
def path(state: State) -> None:
    """Print the config file's path."""
    if state.json:
        state.output.json({"path": str(config_path())})
    else:
        click.echo(str(config_path()))
