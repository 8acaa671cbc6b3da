"""What a new user meets first (issue 8, "also found"): the command, extras, help and messages."""

from __future__ import annotations

import pydoc
import re
import subprocess
import sys
from pathlib import Path

import pytest

from baijiayun import AsyncBaiJiaYunClient, BaiJiaYunClient
from baijiayun.api import REGISTRY
from baijiayun.errors import ValidationError

from .conftest import NOW

ROOT = Path(__file__).resolve().parents[2]


def test_python_dash_m_baijiayun_runs_the_command() -> None:
    """Before: "No module named baijiayun.__main__"."""
    result = subprocess.run(
        [sys.executable, "-m", "baijiayun", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout and "sandbox" in result.stdout


def test_the_receivers_and_redis_extras_are_in_all() -> None:
    tomllib = pytest.importorskip("tomllib")
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert extras["redis"] == ["redis>=5"]
    assert "receivers" in extras["all"][0] and "redis" in extras["all"][0]
    assert "RedisKeyStore" in (ROOT / "README.md").read_text()  # advertised, and used:
    from baijiayun.callbacks import RedisDedupStore
    from baijiayun.keys import RedisKeyStore
    from baijiayun.limits import RedisRateLimit

    assert RedisKeyStore and RedisDedupStore and RedisRateLimit


REDIS_MISSING = """
import sys
class Missing:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "redis":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Missing())
import baijiayun.keys, baijiayun.callbacks, baijiayun.limits  # fine without redis
for build in (
    lambda: baijiayun.keys.RedisKeyStore.from_url("redis://127.0.0.1:1/0"),
    lambda: baijiayun.limits.RedisRateLimit.from_url("redis://127.0.0.1:1/0", 200, per=10),
    lambda: baijiayun.callbacks.RedisDedupStore.from_url("redis://127.0.0.1:1/0"),
):
    try:
        build()
    except ModuleNotFoundError as exc:
        print(exc)
    else:
        raise SystemExit("worked without redis")
"""


def test_the_redis_stores_without_redis_say_what_to_install() -> None:
    result = subprocess.run(
        [sys.executable, "-c", REDIS_MISSING], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("pip install 'baijiayun[redis]'") == 3


BLOCK = """
import sys
class Missing:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == {framework!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, Missing())
try:
    import {package}.{module}
except ModuleNotFoundError as exc:
    print(exc)
else:
    raise SystemExit("imported without " + {framework!r})
"""


@pytest.mark.parametrize("package", ["baijiayun.callbacks.receivers", "baijiayun.receivers"])
@pytest.mark.parametrize(
    ("module", "framework", "hint"),
    [
        ("starlette", "starlette", "pip install 'baijiayun[receivers]'"),
        ("flask", "flask", "pip install flask"),
        ("django", "django", "pip install django"),
    ],
)
def test_a_receiver_without_its_framework_says_what_to_install(
    package, module, framework, hint
) -> None:
    """Before: a bare ModuleNotFoundError: No module named 'starlette'. The old
    ``baijiayun.receivers`` path says the same (it re-exports the new one)."""
    code = BLOCK.format(package=package, module=module, framework=framework)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert hint in result.stdout
    assert f"baijiayun.callbacks.receivers.{module}" in result.stdout


@pytest.mark.parametrize("cls", [BaiJiaYunClient, AsyncBaiJiaYunClient])
def test_help_lists_the_groups_and_readable_defaults(cls) -> None:
    text = pydoc.render_doc(cls, renderer=pydoc.plaintext)
    for info in REGISTRY.groups.values():
        for attribute in info.attributes:
            assert f"client.{attribute}``" in text, attribute
    assert "object at 0x" not in text
    # the signature may span lines (Python 3.13's help wraps long ones)
    assert re.search(r"with_options\([^)]*timeout: [^,)]* = unchanged", text)


def test_a_start_time_too_far_back_says_what_is_accepted(harness) -> None:
    two_years_ago = NOW - 2 * 366 * 86400
    with pytest.raises(ValidationError) as info:
        harness.room("create", "t", two_years_ago, two_years_ago + 3600, 2)
    assert info.value.param == "start_time"
    assert "within one year of now, past or future" in info.value.rule
    assert "days ago" in info.value.rule


def test_an_iso_string_for_a_time_says_what_is_accepted(harness) -> None:
    """Before: "must be an integer"."""
    with pytest.raises(ValidationError) as info:
        harness.room("create", "t", "2027-01-16T10:00:00", NOW + 90000, 2)
    assert info.value.param == "start_time"
    assert "unix seconds or a datetime" in info.value.rule
    assert "fromisoformat" in info.value.rule


def test_every_protocol_citation_points_to_a_section_of_docs_protocol_md() -> None:
    sections = set(re.findall(r"^## (\d+)\.", (ROOT / "docs/protocol.md").read_text(), re.M))
    files = [*ROOT.glob("src/**/*.py"), *ROOT.glob("tests/**/*.py"), *ROOT.glob("docs/*.md")]
    cited = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"(\S*)protocol\.md(?: §(\d+))?", text):
            if path.name in ("protocol.md", "test_new_user.py"):  # itself, and this test
                continue
            assert match.group(1).endswith("docs/"), f"{path}: {match.group(0)}"
            assert match.group(2) is None or match.group(2) in sections, f"{path}: {match.group(0)}"
            cited += 1
    assert cited >= 5
