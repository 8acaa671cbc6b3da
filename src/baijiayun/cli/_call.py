"""``baijiayun call GROUP.METHOD name=value ...``: every endpoint of the registry from the shell.

The subcommands are made from :data:`baijiayun.api.REGISTRY` when asked for,
so an endpoint declared in ``api/`` is callable (with its help, parameter
kinds and completion) without a line here.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

import click
from click.shell_completion import CompletionItem

from .._endpoint import Endpoint
from .._group import PageMethod
from ..api import REGISTRY
from ..errors import SECRET_NAMES
from ..models._base import Result
from ._app import CliError, State, json_option, pass_state
from ._output import Output, cell, jsonable
from ._settings import mask
from ._values import kind_text, parse_assignments, rules_text

__all__ = ["call", "render_result"]

SECRET_FIELDS = SECRET_NAMES
"""Result fields never printed in full (``partner/createkey`` answers the partner key)."""


_ROLE = re.compile(r":[a-z]+:`~?(?:[\w.]+\.)?([^`]+)`")


def plain_doc(text: str) -> str:
    """A docstring as shell help: reST roles and literals as plain text."""
    return _ROLE.sub(r"\1", text).replace("``", "")


def _summary(spec: Endpoint) -> str:
    return plain_doc(spec.doc.split("\n", 1)[0]) if spec.doc else ""


def _pages_method(spec: Endpoint) -> str | None:
    for method in REGISTRY.groups[spec.group].derived:
        if isinstance(method, PageMethod) and method.source is spec:
            return method.name
    return None


def _masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (mask(str(v)) if k in SECRET_FIELDS and v else _masked(v)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def _records(items: Sequence[Any]) -> tuple[list[str], list[list[Any]]]:
    dicts = [item.model_dump(by_alias=True) if isinstance(item, Result) else item for item in items]
    columns: list[str] = []
    for item in dicts:
        for key in item if isinstance(item, dict) else ["value"]:
            if key not in columns:
                columns.append(key)
    rows = [[item.get(c) for c in columns] if isinstance(item, dict) else [item] for item in dicts]
    return columns, rows


def render_result(out: Output, spec: Endpoint, result: Any) -> None:
    """Print what an endpoint answered: a table, key/value pairs, text, or JSON."""
    secret_result = spec.unwrap in SECRET_FIELDS
    if out.json_mode:
        data = _masked(jsonable(result))
        out.json(mask(str(data)) if secret_result and isinstance(data, str) else data)
        return
    if result is None:
        out.success(f"{spec.qualname}: done")
        return
    if isinstance(result, str):
        out.text(mask(result) if secret_result else result)
        if not result:
            out.note("(empty)")
        if secret_result:
            out.note("(masked: the command never prints keys)")
        return
    if isinstance(result, list):
        _items(out, result, [])
        return
    data = _masked(jsonable(result))
    items = getattr(result, "items", None)
    if isinstance(items, list) and isinstance(data, dict):
        # the page's own fields (total, page...) under their wire names, not the list again
        field = type(result).model_fields.get("items") if isinstance(result, Result) else None
        listed = {"list", "items", (field.alias if field and field.alias else "items")}
        rest = [(k, v) for k, v in data.items() if k not in listed and v is not None]
        _items(out, items, rest)
        return
    if isinstance(data, dict):
        out.fields(data.items())
    else:
        out.text(str(data))


def _items(out: Output, items: list[Any], rest: list[tuple[str, Any]]) -> None:
    """A list answer: its items as a table (or one name/value list each when too wide)."""
    columns, rows = _records(items)
    about = [(k, v) for k, v in rest if not isinstance(v, (dict, list))]
    caption = ", ".join(f"{k}={cell(v)}" for k, v in about)
    counted = f"{len(rows)} item(s)" + (f"; {caption}" if caption else "")
    if rows:
        out.table(columns, _masked_rows(columns, rows), caption=counted)
    else:
        out.note(counted)
    nested = [(k, v) for k, v in rest if isinstance(v, (dict, list))]
    if nested:
        out.fields(nested)


def _masked_rows(columns: list[str], rows: list[list[Any]]) -> list[list[Any]]:
    secret = [c in SECRET_FIELDS for c in columns]
    return [[mask(str(v)) if s and v else v for v, s in zip(r, secret, strict=True)] for r in rows]


def _complete_names(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    command = ctx.command
    spec = getattr(command, "spec", None)
    if spec is None:
        return []
    given = {a.partition("=")[0] for a in ctx.params.get("assignments") or ()}
    return [
        CompletionItem(f"{p.name}=", help=kind_text(p))
        for p in spec.params
        if p.name.startswith(incomplete) and p.name not in given
    ]


class EndpointCommand(click.Command):
    """One endpoint as a command: ``name=value`` arguments, help from its declaration."""

    def __init__(self, spec: Endpoint) -> None:
        self.spec = spec
        self.pages = _pages_method(spec)
        params: list[click.Parameter] = [
            click.Argument(
                ["assignments"], nargs=-1, metavar="NAME=VALUE...", shell_complete=_complete_names
            )
        ]
        if self.pages:
            params.append(
                click.Option(
                    ["--all-pages"],
                    is_flag=True,
                    help="Read every page (one at a time) and print all the items.",
                )
            )
        super().__init__(
            name=spec.qualname,
            params=params,
            callback=self._invoke,
            help=plain_doc(spec.doc) or spec.qualname,
            short_help=_summary(spec),
        )
        json_option(self)

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        kind = "read (safe to repeat)" if self.spec.safe else "write"
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(f"POST {self.spec.path} — a {kind}.")
            for paragraph in plain_doc(self.spec.doc or "").split("\n\n"):
                formatter.write_paragraph()
                formatter.write_text("\b\n" + paragraph)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for p in self.spec.params:
            text = kind_text(p) + (", required" if p.required else "")
            if p.default is not None:
                text += f", default {jsonable(p.default)}"
            rules = rules_text(p)
            rows.append((p.name, text + (f"; {rules}" if rules else "")))
        with formatter.section("Parameters (name=value)"):
            if rows:
                formatter.write_dl(rows)
            else:
                formatter.write_text("none")

    def _invoke(self, assignments: tuple[str, ...], all_pages: bool = False) -> None:
        state = click.get_current_context().ensure_object(State)
        where = f"baijiayun call {self.spec.qualname}"
        values = parse_assignments(self.spec, assignments, where)
        missing = [p.name for p in self.spec.params if p.required and p.name not in values]
        if missing:
            raise CliError(
                f"{self.spec.qualname} needs {' '.join(n + '=...' for n in missing)}",
                f"see `{where} --help` for the parameters",
                exit_code=2,
            )
        with state.client() as client:
            group = getattr(client, self.spec.group)
            if all_pages and self.pages:
                result: Any = list(getattr(group, self.pages)(**values))
            else:
                result = getattr(group, self.spec.name)(**values)
        render_result(state.output, self.spec, result)


class CallGroup(click.Group):
    """Subcommands made from the registry on demand (``room.info``, ``video.get_player_token``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [spec.qualname for spec in REGISTRY]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        spec = REGISTRY.get(cmd_name)
        return None if spec is None else EndpointCommand(spec)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0]
        command = self.get_command(ctx, name)
        if command is None and not ctx.resilient_parsing:
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(close)}? " if close else ""
            raise CliError(
                f"no endpoint {name!r}",
                f"{hint}`baijiayun call --list` lists them (as GROUP.METHOD)",
                exit_code=2,
            )
        return (command.name if command else None), command, args[1:]


@click.group(
    "call",
    cls=CallGroup,
    invoke_without_command=True,
    short_help="Call any endpoint: GROUP.METHOD name=value ...",
)
@click.option("--list", "list_all", is_flag=True, help="List every endpoint and exit.")
@json_option
@pass_state
@click.pass_context
def call(ctx: click.Context, state: State, list_all: bool) -> None:
    """Call any endpoint of the API: `baijiayun call room.info room_id=21120312345678`.

    Values are read with the endpoint's declared kinds (integers, 0/1 flags,
    comma-separated lists, times as YYYY-MM-DD HH:MM in Beijing time or ISO
    8601). `baijiayun call GROUP.METHOD --help` lists a method's parameters.
    """
    if ctx.invoked_subcommand is not None:
        return
    if not list_all:
        click.echo(ctx.get_help())
        return
    out = state.output
    specs = list(REGISTRY)
    if out.json_mode:
        out.json(
            [
                {
                    "name": s.qualname,
                    "path": s.path,
                    "safe": s.safe,
                    "paging": s.paging is not None,
                    "summary": _summary(s),
                    "parameters": [p.name for p in s.params],
                }
                for s in specs
            ]
        )
        return
    out.table(
        ["method", "path", "kind", "summary"],
        [[s.qualname, s.path, "read" if s.safe else "write", _summary(s)] for s in specs],
        caption=f"{len(specs)} endpoints; `baijiayun call METHOD --help` shows its parameters",
    )
