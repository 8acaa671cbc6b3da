"""The command answers at once: ``--help`` and completion import no subcommand's module."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys

import click
import pytest

from baijiayun.cli._app import COMMANDS, LazyGroup, cli
from baijiayun.cli._room import room

HEAVY = (
    "baijiayun.sandbox",
    "baijiayun.timetable",
    "baijiayun.cli._call",
    "baijiayun.cli._room",
    "baijiayun.cli._import",
    "baijiayun.cli._sandbox",
    "baijiayun.cli._output",
    "baijiayun._client",
    "baijiayun._wire",  # kinds, rules and signing: the settings the help reads need none
    "rich",
    "pydantic",
    "httpx2",
)
"""Modules ``baijiayun --help`` has no need of."""


def _loaded_after(argv: list[str], env: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """Run the command in a fresh interpreter; what it printed and which heavy modules loaded."""
    script = (
        "import json, sys\n"
        "from baijiayun.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"heavy = {HEAVY!r}\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(heavy))\n"
        "sys.stderr.write('\\nLOADED=' + json.dumps(loaded) + '\\n')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )
    marker = done.stderr.rsplit("LOADED=", 1)
    assert len(marker) == 2, done.stderr
    return done.stdout, json.loads(marker[1])


def test_help_lists_every_command_without_importing_them() -> None:
    out, loaded = _loaded_after(["--help"])
    for name in COMMANDS:
        assert f"  {name} " in out
    assert loaded == []


def test_completion_offers_commands_without_importing_them() -> None:
    out, loaded = _loaded_after(
        [],
        env={
            "_BAIJIAYUN_COMPLETE": "bash_complete",
            "COMP_WORDS": "baijiayun r",
            "COMP_CWORD": "1",
        },
    )
    offered = [line.split(",", 1)[1] for line in out.splitlines()]  # bash: "type,value"
    assert offered == ["room"]  # only the names starting with "r"
    assert loaded == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_help_line_is_the_commands_own_first_sentence(name: str) -> None:
    module, attribute, line = COMMANDS[name]
    command = getattr(importlib.import_module(module), attribute)
    assert isinstance(command, click.Command)
    assert line == command.get_short_help_str(limit=1000)


def test_room_import_help_line_is_its_own() -> None:
    assert isinstance(room, LazyGroup)
    module, attribute, line = room.lazy["import"]
    command = getattr(importlib.import_module(module), attribute)
    assert line == command.get_short_help_str(limit=1000)


def test_a_lazy_command_runs_when_asked_for() -> None:
    ctx = click.Context(cli)
    command = cli.get_command(ctx, "config")
    assert command is not None and command.name == "config"
    assert cli.get_command(ctx, "no-such-command") is None
