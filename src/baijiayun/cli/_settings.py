"""Where the command finds its settings: flags, then ``BAIJIAYUN_*`` variables, then a profile.

Profiles live in a TOML file in the user's configuration directory
(``$XDG_CONFIG_HOME/baijiayun/config.toml`` on Linux; ``BAIJIAYUN_CONFIG``
names another file)::

    [profiles.default]
    partner_id = "12345678"
    partner_key = "..."
    private_domain = "e12345678"

The embedded sandbox (``--sandbox``) keeps its state in the user's data
directory (``$XDG_DATA_HOME/baijiayun``; ``BAIJIAYUN_DATA_DIR`` names another).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from .._config import CONFIG_ENV, DATA_DIR_ENV, ENV_VARS, PROFILE_ENV, SETTING_NAMES
from ..errors import SECRET_NAMES

__all__ = [
    "FIELDS",
    "SECRETS",
    "ConfigFileError",
    "Resolved",
    "config_path",
    "data_dir",
    "load_profiles",
    "mask",
    "resolve",
    "save_profiles",
]

FIELDS = SETTING_NAMES
"""Settings a profile, a variable or a flag can give."""
SECRETS = frozenset(name for name in FIELDS if name in SECRET_NAMES)
ENV = ENV_VARS
DEFAULT_PROFILE = "default"
_PROFILE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")


class ConfigFileError(Exception):
    """The configuration file cannot be read or written (the message says how to fix it)."""


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """The configuration file: ``BAIJIAYUN_CONFIG``, else the user's config directory."""
    env = os.environ if environ is None else environ
    explicit = env.get(CONFIG_ENV)
    if explicit:
        return Path(explicit).expanduser()
    if sys.platform not in ("win32", "darwin"):
        base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        return Path(base).expanduser() / "baijiayun" / "config.toml"
    import click  # the platform's conventions, as click knows them

    return Path(click.get_app_dir("baijiayun")) / "config.toml"


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where the embedded sandbox keeps its state: ``BAIJIAYUN_DATA_DIR`` or the data dir."""
    env = os.environ if environ is None else environ
    explicit = env.get(DATA_DIR_ENV)
    if explicit:
        return Path(explicit).expanduser()
    if sys.platform == "win32":  # pragma: no cover - platform specific
        base = env.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "baijiayun"
    if sys.platform == "darwin":  # pragma: no cover - platform specific
        return Path.home() / "Library" / "Application Support" / "baijiayun"
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "baijiayun"


def check_profile_name(name: str) -> str:
    if not _PROFILE_NAME.match(name):
        raise ConfigFileError(
            f"bad profile name {name!r}: use letters, digits, '-' and '_' (at most 64)"
        )
    return name


# --------------------------------------------------------------------------- the file
def _toml_loads(text: str) -> dict[str, Any]:
    # tomllib from Python 3.11; the same parser as the tomli package on 3.10.
    parser = importlib.import_module("tomllib" if sys.version_info >= (3, 11) else "tomli")
    return cast(dict[str, Any], parser.loads(text))


def load_profiles(path: Path) -> dict[str, dict[str, str]]:
    """Every profile of the file (none when it does not exist)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigFileError(f"{path} is not UTF-8 text") from None
    try:
        data = _toml_loads(text)
    except ValueError as exc:  # tomllib.TOMLDecodeError
        raise ConfigFileError(f"{path} is not valid TOML: {exc}") from None
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigFileError(f"{path}: 'profiles' must be a table ([profiles.NAME])")
    out: dict[str, dict[str, str]] = {}
    for name, values in profiles.items():
        if not isinstance(values, dict):
            raise ConfigFileError(f"{path}: [profiles.{name}] must be a table")
        unknown = sorted(set(values) - set(FIELDS))
        if unknown:
            raise ConfigFileError(
                f"{path}: [profiles.{name}] has unknown setting(s) {', '.join(unknown)} "
                f"(known: {', '.join(FIELDS)})"
            )
        out[str(name)] = {k: str(v) for k, v in values.items()}
    return out


def _toml_string(value: str) -> str:
    """A TOML basic string (quotes, backslashes and control characters escaped)."""
    out = ['"']
    for char in value:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def dumps_profiles(profiles: Mapping[str, Mapping[str, str]]) -> str:
    lines = ["# baijiayun command settings (`baijiayun config set`); keep this file private."]
    for name, values in profiles.items():
        lines.append("")
        lines.append(f"[profiles.{check_profile_name(name)}]")
        for key in FIELDS:
            if key in values:
                lines.append(f"{key} = {_toml_string(values[key])}")
    return "\n".join(lines) + "\n"


def save_profiles(path: Path, profiles: Mapping[str, Mapping[str, str]]) -> None:
    """Write the file atomically, readable by its owner only (it holds keys)."""
    text = dumps_profiles(profiles)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise ConfigFileError(f"cannot write {path}: {exc.strerror or exc}") from None


# --------------------------------------------------------------------------- resolution
@dataclass
class Resolved:
    """The settings in effect, and where each came from (``flag``, ``env``, ``profile``)."""

    profile: str
    values: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    path: Path | None = None


def resolve(
    flags: Mapping[str, str | None],
    profile: str | None,
    environ: Mapping[str, str] | None = None,
    path: Path | None = None,
) -> Resolved:
    """Flags win over ``BAIJIAYUN_*`` variables, which win over the profile's values.

    ``profile`` is the ``--profile`` flag (else ``BAIJIAYUN_PROFILE``, else
    ``default``); naming a profile the file does not have is an error, the
    default profile may be absent.
    """
    env = os.environ if environ is None else environ
    file = path or config_path(env)
    name = profile or env.get(PROFILE_ENV) or DEFAULT_PROFILE
    check_profile_name(name)
    profiles = load_profiles(file)
    if name not in profiles and name != DEFAULT_PROFILE:
        known = ", ".join(sorted(profiles)) or "none yet"
        raise ConfigFileError(
            f"no profile {name!r} in {file} (profiles: {known}); "
            f"create it with: baijiayun --profile {name} config set partner_id ID"
        )
    chosen = profiles.get(name, {})
    out = Resolved(profile=name, path=file)
    for key in FIELDS:
        flag = flags.get(key)
        if flag:
            out.values[key], out.sources[key] = flag, "flag"
        elif env.get(ENV[key]):
            out.values[key], out.sources[key] = env[ENV[key]], f"env {ENV[key]}"
        elif chosen.get(key):
            out.values[key], out.sources[key] = chosen[key], f"profile {name}"
    return out


def mask(value: str) -> str:
    """A secret as it may be shown: its last four characters at most, never the rest."""
    if len(value) >= 16:
        return "*" * 8 + value[-4:]
    return "*" * 8
