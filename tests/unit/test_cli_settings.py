"""Where the command's settings come from: paths, the TOML file, precedence, masking."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from baijiayun.cli._settings import (
    ConfigFileError,
    config_path,
    data_dir,
    dumps_profiles,
    load_profiles,
    mask,
    resolve,
    save_profiles,
)

linux_only = pytest.mark.skipif(
    sys.platform in ("win32", "darwin"), reason="XDG directories are the Linux convention"
)


@linux_only
def test_paths_follow_xdg_and_the_overrides(tmp_path: Path) -> None:
    xdg = {"XDG_CONFIG_HOME": "/x/config", "XDG_DATA_HOME": "/x/data"}
    assert config_path(xdg) == Path("/x/config/baijiayun/config.toml")
    assert data_dir(xdg) == Path("/x/data/baijiayun")
    ours = {**xdg, "BAIJIAYUN_CONFIG": "/y/c.toml", "BAIJIAYUN_DATA_DIR": "/y/data"}
    assert config_path(ours) == Path("/y/c.toml")
    assert data_dir(ours) == Path("/y/data")
    assert config_path({}) == Path.home() / ".config" / "baijiayun" / "config.toml"
    assert data_dir({}) == Path.home() / ".local" / "share" / "baijiayun"


@pytest.mark.parametrize(
    "value",
    [
        'quote " and backslash \\ and # hash',
        "line\nbreak\ttab\rreturn",
        "control \x01\x1f and delete \x7f",
        "百家云 e12345678 🎓",
        "'single' and ''' triple",
    ],
)
def test_values_survive_the_toml_file(tmp_path: Path, value: str) -> None:
    path = tmp_path / "c.toml"
    save_profiles(path, {"default": {"partner_key": value, "partner_id": "1"}})
    assert load_profiles(path) == {"default": {"partner_key": value, "partner_id": "1"}}


def test_profile_names_are_bare_keys() -> None:
    with pytest.raises(ConfigFileError, match="bad profile name"):
        dumps_profiles({"a b": {}})
    with pytest.raises(ConfigFileError, match="bad profile name"):
        resolve({}, "x]y", environ={"BAIJIAYUN_CONFIG": "/nonexistent.toml"})


def test_flags_then_variables_then_the_profile(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    save_profiles(
        path,
        {
            "default": {"partner_id": "1", "partner_key": "profile-key", "base_url": "https://p/"},
            "other": {"partner_id": "2"},
        },
    )
    env = {"BAIJIAYUN_CONFIG": str(path), "BAIJIAYUN_PARTNER_KEY": "env-key"}
    found = resolve({"base_url": "https://flag/", "partner_id": None}, None, environ=env)
    assert found.values == {
        "partner_id": "1",
        "partner_key": "env-key",
        "base_url": "https://flag/",
    }
    assert found.sources == {
        "partner_id": "profile default",
        "partner_key": "env BAIJIAYUN_PARTNER_KEY",
        "base_url": "flag",
    }
    chosen = resolve({}, None, environ={**env, "BAIJIAYUN_PROFILE": "other"})
    assert chosen.profile == "other" and chosen.values["partner_id"] == "2"
    assert resolve({}, "other", environ=env).values["partner_id"] == "2"
    with pytest.raises(ConfigFileError, match="no profile 'missing'"):
        resolve({}, "missing", environ=env)


def test_a_missing_default_profile_is_no_error(tmp_path: Path) -> None:
    found = resolve({}, None, environ={"BAIJIAYUN_CONFIG": str(tmp_path / "none.toml")})
    assert found.values == {} and found.profile == "default"


def test_masks_show_at_most_four_characters() -> None:
    assert mask("sandbox-partner-key-0000000000000000000000000000000000000000") == "********0000"
    assert mask("short-secret") == "********"
    assert mask("") == "********"
