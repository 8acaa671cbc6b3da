"""The root of the ``baijiayun`` command: global options, the clients it builds, its errors.

Every error ends as one or two lines on stderr that say what to do, and a
non-zero exit (1 for a failure, 2 for bad usage or input, 130 when
interrupted). ``--debug`` shows the traceback instead and logs each HTTP call.
No message prints a partner key, secret key or sign.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from .. import __version__
from .._config import CONFIG_ENV, DATA_DIR_ENV, ENV_VARS
from ..errors import (
    APIConnectionError,
    APIError,
    CallbackSignatureError,
    ConfigurationError,
    DecodeError,
    HTTPStatusError,
    ResultShapeError,
    ValidationError,
)
from ._settings import ConfigFileError, Resolved, data_dir, resolve

if TYPE_CHECKING:
    from .._client import AsyncBaiJiaYunClient, BaiJiaYunClient
    from ._output import Output

__all__ = [
    "CliError",
    "HandledCommand",
    "LazyGroup",
    "RootGroup",
    "State",
    "cli",
    "json_option",
    "pass_state",
]

F = TypeVar("F", bound=Callable[..., Any])

USAGE_EXIT = 2
INTERRUPTED_EXIT = 130


class CliError(click.ClickException):
    """An expected failure: ``error: <message>`` and an optional line saying what to do."""

    def __init__(self, message: str, hint: str | None = None, exit_code: int = 1) -> None:
        super().__init__(message)
        self.hint = hint
        self.exit_code = exit_code  # type: ignore[misc]

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)
        if self.hint:
            click.echo(self.hint, err=True)


@dataclass
class State:
    """What the global options chose; commands build their clients from it."""

    flags: dict[str, str | None] = field(default_factory=dict)
    profile: str | None = None
    sandbox: bool = False
    json: bool = False
    debug: bool = False
    timeout: float = 10.0
    _resolved: Resolved | None = None
    _box: Any = None

    @property
    def output(self) -> Output:
        from ._output import Output  # rich loads with the first command that prints

        return Output(self.json)

    def resolved(self) -> Resolved:
        if self._resolved is None:
            self._resolved = resolve(self.flags, self.profile)
        return self._resolved

    def embedded_sandbox(self) -> Any:
        """The embedded sandbox, its state in the user's data directory."""
        if self._box is None:
            import sqlite3

            from ..sandbox import Sandbox

            folder = data_dir()
            path = folder / "sandbox.db"
            try:
                folder.mkdir(parents=True, exist_ok=True)
                self._box = Sandbox(str(path))
            except (OSError, sqlite3.Error) as exc:
                raise CliError(
                    f"cannot keep the embedded sandbox's state in {path}: {exc}",
                    f"set {DATA_DIR_ENV} to a writable directory",
                ) from None
        return self._box

    def client_kwargs(self) -> dict[str, Any]:
        values = self.resolved().values
        return {
            "partner_id": values.get("partner_id"),
            "partner_key": values.get("partner_key"),
            "secret_key": values.get("secret_key"),
            "private_domain": values.get("private_domain"),
            "base_url": values.get("base_url"),
            "timeout": self.timeout,
        }

    def client(self, **options: Any) -> BaiJiaYunClient:
        """A sync client: the embedded sandbox's (``--sandbox``) or the configured account's."""
        from .._client import BaiJiaYunClient

        if self.sandbox:
            made: BaiJiaYunClient = self.embedded_sandbox().client(timeout=self.timeout, **options)
            return made
        return BaiJiaYunClient(**self.client_kwargs(), **options)

    @contextlib.asynccontextmanager
    async def async_client(
        self, wrap: Callable[[Any], Any] | None = None, **options: Any
    ) -> AsyncIterator[AsyncBaiJiaYunClient]:
        """An async client; ``wrap`` gets its httpx2 transport and returns the one to use."""
        import httpx2

        from .._client import AsyncBaiJiaYunClient

        if self.sandbox:
            transport: Any = self.embedded_sandbox().transport()
        else:
            transport = httpx2.AsyncHTTPTransport()
        http = httpx2.AsyncClient(
            transport=wrap(transport) if wrap else transport,
            limits=httpx2.Limits(max_connections=100, max_keepalive_connections=32),
        )
        try:
            client: AsyncBaiJiaYunClient
            if self.sandbox:
                client = self.embedded_sandbox().async_client(
                    http_client=http, timeout=self.timeout, **options
                )
            else:
                client = AsyncBaiJiaYunClient(**self.client_kwargs(), http_client=http, **options)
            yield client
        finally:
            await http.aclose()  # given to the client, so it stays ours to close

    def account(self) -> str:
        """Which account and platform requests go to (no secret), e.g. for the import ledger."""
        if self.sandbox:
            from ..sandbox import SANDBOX_PARTNER_ID

            return f"{SANDBOX_PARTNER_ID} embedded-sandbox:{data_dir() / 'sandbox.db'}"
        with self.client() as client:
            return f"{client.partner_id} {client.base_url}"


pass_state = click.make_pass_decorator(State, ensure=True)


def _set_json(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(State).json = True


def json_option(f: F) -> F:
    """``--json`` on a subcommand (the global one works before the subcommand too)."""
    option = click.option(
        "--json",
        "json_flag",
        is_flag=True,
        expose_value=False,
        callback=_set_json,
        help="Print machine-readable JSON.",
    )
    return option(f)


# --------------------------------------------------------------------------- errors
_HINTS = {
    404: "the platform does not know this endpoint here: check base_url / private_domain",
    1001: "the platform refused a parameter: check the values given",
    1002: "the sign was refused: check the partner key (`baijiayun config show`) "
    "and this machine's clock",
    2001: "no such account: check partner_id (`baijiayun config show`)",
    2002: "the account lacks this permission: ask BaiJiaYun to enable it",
    2003: "the live account is not opened or its service stopped",
    3001: "check the room id (`baijiayun room list`)",
    3002: "the room was deleted",
}


def describe(exc: BaseException) -> tuple[str, str | None, int]:
    """An error as (message, what to do, exit code). Messages carry no secret."""
    if isinstance(exc, APIError):
        where = exc.path.removeprefix("/openapi/") if exc.path else ""
        text = f"{exc.code} {exc.msg}".strip() + (f" ({where})" if where else "")
        return text, _HINTS.get(exc.code), 1
    if isinstance(exc, ValidationError):
        return f"invalid {exc.param}: {exc.rule}", None, USAGE_EXIT
    if isinstance(exc, ConfigurationError):
        return (
            str(exc),
            "set them with `baijiayun config set KEY VALUE`, BAIJIAYUN_* variables or flags "
            "(or add --sandbox to use the embedded sandbox)",
            USAGE_EXIT,
        )
    if isinstance(exc, APIConnectionError):
        hint = "check the network and base_url / private_domain"
        if exc.may_have_been_sent:
            hint = "the request may have reached the platform: check before repeating a change"
        return f"network failure: {exc}", hint, 1
    if isinstance(exc, HTTPStatusError):
        return (
            f"HTTP {exc.status} from {exc.path or 'the platform'}",
            "the platform (or a proxy before it) is failing: try again later",
            1,
        )
    if isinstance(exc, ResultShapeError):
        done = "the platform did it (code 0): do not repeat it; " if exc.carried_out else ""
        return (
            f"answer from {exc.path} not in the expected shape: {exc.reason}",
            f"{done}the SDK's model does not fit this answer: please report it",
            1,
        )
    if isinstance(exc, DecodeError):
        return (
            f"unreadable answer from {exc.path or 'the platform'}: {exc.reason}",
            "is base_url pointing at the platform's API?",
            1,
        )
    if isinstance(exc, CallbackSignatureError):
        return f"callback rejected: {exc.reason}", None, 1
    if isinstance(exc, ConfigFileError):
        return str(exc), None, USAGE_EXIT
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or exc}{where}", None, 1
    return (
        f"unexpected {type(exc).__name__}: {exc}",
        "run again with --debug for the traceback, and please report it",
        1,
    )


def _handle(invoke: Callable[[], Any], debug: bool) -> int:
    try:
        result = invoke()
    except click.UsageError as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        if exc.ctx is not None:
            click.echo(f"(see '{exc.ctx.command_path} --help')", err=True)
        return USAGE_EXIT
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        click.echo("interrupted", err=True)
        return INTERRUPTED_EXIT
    except BrokenPipeError:  # the reader went away (`| head`): nothing more to say
        with contextlib.suppress(OSError):  # and nothing to flush into the closed pipe at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:
        if debug:
            import traceback

            traceback.print_exc()
        message, hint, code = describe(exc)
        click.echo(f"error: {message}", err=True)
        if hint:
            click.echo(hint, err=True)
        return code
    return result if isinstance(result, int) else 0


class _Handled:
    """A command whose ``main`` runs inside the error handling above (its own entry point too,
    as ``python -m baijiayun.sandbox`` uses the ``sandbox`` command)."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv

        def invoke() -> Any:
            return super(_Handled, self).main(  # type: ignore[misc]
                argv, prog_name or "baijiayun", complete_var, standalone_mode=False, **extra
            )

        code = _handle(invoke, debug)
        if standalone_mode:
            sys.exit(code)
        return code


class LazyGroup(click.Group):
    """A group whose subcommands are imported when one is run, not when the group is.

    ``lazy`` maps a subcommand's name to ``(module, attribute, one-line help)``. The help
    line is what ``--help`` and shell completion show without importing the module;
    ``tests/unit/test_cli_lazy.py`` checks that it is the command's own short help, so
    the docstring stays the one place the text is written.
    """

    def __init__(
        self, *args: Any, lazy: dict[str, tuple[str, str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, tuple[str, str, str]] = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, attribute, _ = self.lazy[cmd_name]
            command = getattr(importlib.import_module(module), attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def help_line(self, ctx: click.Context, name: str, limit: int) -> str | None:
        """A subcommand's help line, without importing a lazy one."""
        if name in self.lazy and name not in self.commands:
            line = self.lazy[name][2]
            return line if len(line) <= limit else line[: limit - 3].rsplit(" ", 1)[0] + "..."
        command = self.get_command(ctx, name)
        return None if command is None or command.hidden else command.get_short_help_str(limit)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(n, h) for n in names if (h := self.help_line(ctx, n, limit)) is not None]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        items = [
            CompletionItem(name, help=self.help_line(ctx, name, 45))
            for name in self.list_commands(ctx)
            if name.startswith(incomplete)
        ]
        # the options of the group itself, as click offers them
        items.extend(click.Command.shell_complete(self, ctx, incomplete))
        return items


class RootGroup(_Handled, LazyGroup):
    """The root command: every subcommand runs inside the error handling."""


class HandledCommand(_Handled, click.Command):
    """A command that is also run on its own (``python -m baijiayun.sandbox``)."""


SETTINGS_HELP = (
    "Settings come from flags, then BAIJIAYUN_* variables, then the profile in the config "
    "file (`baijiayun config show` says which); add --sandbox to work on the embedded sandbox."
)


COMMANDS: dict[str, tuple[str, str, str]] = {
    "call": ("baijiayun.cli._call", "call", "Call any endpoint: GROUP.METHOD name=value ..."),
    "callback": (
        "baijiayun.cli._callback",
        "callback",
        "Platform callbacks (class events, transcode results).",
    ),
    "completion": (
        "baijiayun.cli._commands",
        "completion",
        "Print the shell completion script (click's) for SHELL.",
    ),
    "config": (
        "baijiayun.cli._config_cmd",
        "config",
        f"Settings profiles (TOML in the user's config directory; {CONFIG_ENV} names another "
        "file).",
    ),
    "demo": (
        "baijiayun.cli._commands",
        "demo",
        "A guided tour on the embedded sandbox (under a minute, no network, no credentials).",
    ),
    "doctor": (
        "baijiayun.cli._doctor",
        "doctor",
        "Check this account against the SDK: read-only calls, answers compared with the models.",
    ),
    "room": (
        "baijiayun.cli._room",
        "room",
        "Live rooms: create, change, look up, list, delete; join codes and enter links; and the "
        "timetable import.",
    ),
    "sandbox": ("baijiayun.cli._sandbox", "sandbox", "Serve the sandbox over HTTP."),
}
"""The root's subcommands, loaded when run (``baijiayun --help`` imports none of them)."""


@click.group(
    cls=RootGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=SETTINGS_HELP,
)
@click.version_option(__version__, "--version", "-V", prog_name="baijiayun")
@click.option("--profile", metavar="NAME", help="Profile of the config file (default: default).")
@click.option("--partner-id", metavar="ID", help=f"Partner id ({ENV_VARS['partner_id']}).")
@click.option(
    "--partner-key",
    metavar="KEY",
    help=f"Partner key ({ENV_VARS['partner_key']}; a flag shows in process lists, "
    "prefer a profile).",
)
@click.option("--secret-key", metavar="KEY", help=f"Secret key ({ENV_VARS['secret_key']}).")
@click.option(
    "--private-domain",
    metavar="NAME",
    help=f"Private domain, e.g. e12345678 ({ENV_VARS['private_domain']}).",
)
@click.option("--base-url", metavar="URL", help=f"API base URL ({ENV_VARS['base_url']}).")
@click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True, metavar="S"
)
@click.option(
    "--sandbox",
    "use_sandbox",
    is_flag=True,
    help="Work on the embedded sandbox (state kept in the user's data directory).",
)
@click.option("--json", "json_mode", is_flag=True, help="Print machine-readable JSON.")
@click.option("--debug", is_flag=True, help="Show tracebacks and log each HTTP call.")
@click.pass_context
def cli(
    ctx: click.Context,
    profile: str | None,
    partner_id: str | None,
    partner_key: str | None,
    secret_key: str | None,
    private_domain: str | None,
    base_url: str | None,
    timeout: float,
    use_sandbox: bool,
    json_mode: bool,
    debug: bool,
) -> None:
    """BaiJiaYun (百家云) open API from the shell: rooms, codes, links, any endpoint,
    timetable imports, callbacks, and a local sandbox.

    Start with `baijiayun demo`, or try any command with --sandbox.
    """
    state = ctx.ensure_object(State)
    state.flags = {
        "partner_id": partner_id,
        "partner_key": partner_key,
        "secret_key": secret_key,
        "private_domain": private_domain,
        "base_url": base_url,
    }
    state.profile = profile
    state.sandbox = use_sandbox
    state.json = state.json or json_mode
    state.debug = debug
    state.timeout = timeout
    if debug:
        import logging

        logging.basicConfig(
            stream=sys.stderr, format="%(asctime)s %(name)s %(levelname)s %(message)s"
        )
        logging.getLogger("baijiayun").setLevel(logging.DEBUG)
