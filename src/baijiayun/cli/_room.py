"""``baijiayun room ...``: the operations operators run every day, and the timetable import."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..api.room import ProductType, Room
from ..links import Role
from ._app import USAGE_EXIT, CliError, LazyGroup, State, json_option, pass_state
from ._values import parse_assignments

__all__ = ["room"]

ROLES = {"student": Role.STUDENT, "teacher": Role.TEACHER, "assistant": Role.ASSISTANT}
PRODUCTS = {
    "all": ProductType.ALL,
    "education": ProductType.EDUCATION,
    "small-class": ProductType.SMALL_CLASS,
    "enterprise": ProductType.ENTERPRISE,
}
TIME_HELP = "YYYY-MM-DD HH:MM (Beijing time unless an offset is given), ISO 8601 or unix seconds."


def _time(value: str | None, option: str) -> int | None:
    if value is None:
        return None
    try:
        from ..timetable import parse_time  # the importer's reader, loaded when a time is given

        return int(parse_time(value).timestamp())
    except ValueError as exc:
        raise CliError(f"bad {option}: {exc}", exit_code=2) from None


def _room_id(text: str) -> str:
    value = text.strip()
    if not value.isdigit() or int(value) < 1:
        raise CliError(f"bad room id {text!r}: room ids are digits (14 of them)", exit_code=2)
    return value


option_args = click.option(
    "-o",
    "--option",
    "options",
    multiple=True,
    metavar="NAME=VALUE",
    help="Any other parameter of the endpoint (repeatable), read with its declared kind.",
)


IMPORT_HELP = "Create one room per row of a timetable CSV, with codes and enter links."


@click.group(
    cls=LazyGroup,
    lazy={"import": ("baijiayun.cli._import", "import_timetable", IMPORT_HELP)},
)
def room() -> None:
    """Live rooms: create, change, look up, list, delete; join codes and enter links;
    and the timetable import."""


@room.command()
@click.option("--title", required=True, help="Up to 50 characters.")
@click.option("--start", required=True, help=TIME_HELP)
@click.option("--end", required=True, help="Same forms as --start.")
@click.option(
    "--type",
    "room_type",
    type=click.IntRange(1, 6),
    default=2,
    show_default=True,
    help="1 one-to-one, 2 large class, 3 small class (legacy), 4 small class, "
    "5 dual-teacher, 6 basic one-to-one.",
)
@click.option("--max-users", type=int, help="Seats on stage (1-12 for type 4).")
@option_args
@json_option
@pass_state
def create(
    state: State,
    title: str,
    start: str,
    end: str,
    room_type: int,
    max_users: int | None,
    options: tuple[str, ...],
) -> None:
    """Create a room; prints its id and its admin, teacher and student codes.

    Example: baijiayun room create --title "Algebra" --start "2026-12-01 19:00"
    --end "2026-12-01 20:00" --type 2
    """
    values: dict[str, Any] = parse_assignments(Room.create.spec, options, "baijiayun room create")
    values.update(
        title=title,
        start_time=_time(start, "--start"),
        end_time=_time(end, "--end"),
        type=room_type,
    )
    if max_users is not None:
        values["max_users"] = max_users
    with state.client() as client:
        created = client.room.create(**values)
    out = state.output
    if out.json_mode:
        out.json(created)
        return
    out.fields(created.to_dict().items(), title=f"Room {created.room_id} created")


@room.command()
@click.argument("room_id")
@click.option("--title")
@click.option("--start", help=TIME_HELP)
@click.option("--end", help="Same forms as --start.")
@click.option("--max-users", type=int)
@option_args
@json_option
@pass_state
def update(
    state: State,
    room_id: str,
    title: str | None,
    start: str | None,
    end: str | None,
    max_users: int | None,
    options: tuple[str, ...],
) -> None:
    """Change a room: only what is given is sent."""
    values: dict[str, Any] = parse_assignments(Room.update.spec, options, "baijiayun room update")
    changes = {
        "title": title,
        "start_time": _time(start, "--start"),
        "end_time": _time(end, "--end"),
        "max_users": max_users,
    }
    values.update({k: v for k, v in changes.items() if v is not None})
    values.pop("room_id", None)
    if not values:
        raise CliError(
            "nothing to change",
            "give --title, --start, --end, --max-users or -o NAME=VALUE",
            exit_code=2,
        )
    rid = _room_id(room_id)
    with state.client() as client:
        client.room.update(rid, **values)
    out = state.output
    if out.json_mode:
        out.json({"room_id": rid, "updated": sorted(values)})
    else:
        out.success(f"room {rid} updated: {', '.join(sorted(values))}")


@room.command()
@click.argument("room_id")
@json_option
@pass_state
def info(state: State, room_id: str) -> None:
    """A room's settings, times (Beijing time) and codes."""
    rid = _room_id(room_id)
    with state.client() as client:
        found = client.room.info(rid)
    out = state.output
    if out.json_mode:
        out.json(found)
        return
    data = found.to_dict()
    out.fields([(k, v) for k, v in data.items() if v is not None], title=f"Room {rid}")


@room.command(name="list")
@click.option(
    "--product",
    type=click.Choice(sorted(PRODUCTS)),
    default=None,
    help="Only one product line (default: the platform's default listing).",
)
@click.option(
    "--page-size",
    type=click.IntRange(1, 1000),
    default=1000,
    show_default=True,
    help="Rooms per request.",
)
@json_option
@pass_state
def list_rooms(state: State, product: str | None, page_size: int) -> None:
    """Every room of the account (all pages), oldest first."""
    with state.client() as client:
        product_type = None if product is None else int(PRODUCTS[product])
        rooms = list(client.room.iter_rooms(limit=page_size, product_type=product_type))
    out = state.output
    if out.json_mode:
        out.json(rooms)
        return
    out.table(
        ["room_id", "title", "type", "start", "end"],
        [[r.room_id, r.title, r.type, r.start_time, r.end_time] for r in rooms],
        caption=f"{len(rooms)} room(s); times in Beijing time",
    )


@room.command()
@click.argument("room_id")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@json_option
@pass_state
def delete(state: State, room_id: str, yes: bool) -> None:
    """Delete a room (asks first unless --yes)."""
    rid = _room_id(room_id)
    if not yes:
        if not sys.stdin.isatty():
            raise CliError(
                f"deleting room {rid} needs confirmation",
                "add --yes to delete without asking",
                exit_code=USAGE_EXIT,
            )
        click.confirm(f"Delete room {rid}?", abort=True, err=True)
    with state.client() as client:
        client.room.delete(rid)
    out = state.output
    if out.json_mode:
        out.json({"room_id": rid, "deleted": True})
    else:
        out.success(f"room {rid} deleted")


@room.command()
@click.argument("room_id")
@click.option("--user-number", required=True, help="The student's id in your user system.")
@click.option("--avatar", help="An absolute http(s) URL of the student's avatar.")
@json_option
@pass_state
def code(state: State, room_id: str, user_number: str, avatar: str | None) -> None:
    """One student's join code (the same student always gets the same code)."""
    rid = _room_id(room_id)
    with state.client() as client:
        found = client.room.getcode(rid, user_number, user_avatar=avatar)
    out = state.output
    if out.json_mode:
        out.json({"room_id": rid, "user_number": user_number, "code": found})
    else:
        out.text(found)


@room.command()
@click.argument("room_id")
@click.option("--audition", is_flag=True, help="Audition (trial) codes instead of regular ones.")
@json_option
@pass_state
def codes(state: State, room_id: str, audition: bool) -> None:
    """Every student code made for a room (all pages)."""
    rid = _room_id(room_id)
    with state.client() as client:
        items = list(client.room.iter_codes(rid, type=1 if audition else 0, limit=1000))
    out = state.output
    if out.json_mode:
        out.json(items)
        return
    rows = [[c.user_number, c.code, c.create_time, c.expire_time] for c in items]
    out.table(
        ["user_number", "code", "created", "expires"],
        rows,
        caption=f"{len(items)} code(s) for room {rid}",
    )


@room.command()
@click.argument("room_id")
@click.option("--user-number", required=True, help="The user's id in your user system.")
@click.option("--user-name", required=True, help="The name shown in the classroom.")
@click.option("--role", type=click.Choice(sorted(ROLES)), default="student", show_default=True)
@click.option("--avatar", default="", help="An absolute http(s) URL of the user's avatar.")
@click.option("--group-id", type=int, help="The group of a group-live room.")
@json_option
@pass_state
def link(
    state: State,
    room_id: str,
    user_number: str,
    user_name: str,
    role: str,
    avatar: str,
    group_id: int | None,
) -> None:
    """A signed link that enters the classroom as a student, teacher or assistant.

    Made locally with the partner key (no request), unless only a secret key
    is configured: then the key is fetched first.
    """
    rid = _room_id(room_id)
    with state.client() as client:
        url = client.links.enter_url(rid, user_number, user_name, ROLES[role], avatar, group_id)
    out = state.output
    if out.json_mode:
        out.json({"room_id": rid, "user_number": user_number, "role": role, "url": url})
    else:
        out.text(url)
