"""Small commands of the root group (``demo``, ``completion``).

The root group (``_app.cli``) loads each command's module when it is run; ``cli``
stays importable from here for code written against earlier versions.
"""

from __future__ import annotations

import time

import click

from ._app import State, cli, json_option, pass_state

__all__ = ["cli", "completion", "demo"]


@click.command()
@click.option("--plain", is_flag=True, help="Plain text instead of rich output.")
@json_option
@pass_state
def demo(state: State, plain: bool) -> None:
    """A guided tour on the embedded sandbox (under a minute, no network, no credentials).

    Creates a room for tonight, hands out codes and enter links (and opens one),
    lists rooms, starts and ends the class and verifies the callbacks, fetches
    the playback link, repeats it on the async client, deletes the room. Exits
    0 only if every step worked. With --json the tour is told on stderr and a
    summary printed on stdout.
    """
    from .demo import run

    started = time.perf_counter()
    if state.json:
        ok = run(lambda line: click.echo(line, err=True))
        state.output.json({"ok": ok, "seconds": round(time.perf_counter() - started, 3)})
    else:
        ok = run(click.echo if plain else None)
    if not ok:
        raise click.exceptions.Exit(1)


SHELLS = ("bash", "zsh", "fish")


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
@pass_state
def completion(state: object, shell: str) -> None:
    """Print the shell completion script (click's) for SHELL.

    \b
    bash:  eval "$(baijiayun completion bash)"    (in ~/.bashrc)
    zsh:   eval "$(baijiayun completion zsh)"     (in ~/.zshrc)
    fish:  baijiayun completion fish > ~/.config/fish/completions/baijiayun.fish
    """
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    if cls is None:  # pragma: no cover - click ships all three
        raise click.UsageError(f"no completion for {shell}")
    click.echo(cls(cli, {}, "baijiayun", "_BAIJIAYUN_COMPLETE").source())
