"""Commands of the ``baijiayun`` CLI."""

from __future__ import annotations

import sys

import click

from ..sandbox import SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY, SANDBOX_SECRET_KEY


@click.group()
@click.version_option(package_name="baijiayun")
def cli() -> None:
    """BaiJiaYun open API tools: a local sandbox and operator commands."""


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=0, show_default=True, help="Port; 0 picks a free one.")
@click.option("--db", default=":memory:", show_default=True, help="SQLite file to keep state in.")
@click.option("--seed", type=int, default=None, help="Make ids and codes repeatable.")
@click.option("--partner-id", default=SANDBOX_PARTNER_ID, show_default=True)
@click.option("--partner-key", default=SANDBOX_PARTNER_KEY, show_default=True)
@click.option("--secret-key", default=SANDBOX_SECRET_KEY, show_default=True)
def sandbox(
    host: str,
    port: int,
    db: str,
    seed: int | None,
    partner_id: str,
    partner_key: str,
    secret_key: str,
) -> None:
    """Serve the sandbox over HTTP. The first line printed is its base URL."""
    from ..sandbox import Sandbox
    from ..sandbox._server import base_url, bind, make_server

    if not partner_id.isdigit():
        raise click.BadParameter("must be digits", param_hint="--partner-id")
    box = Sandbox(
        db, seed=seed, partner_id=partner_id, partner_key=partner_key, secret_key=secret_key
    )
    sock = bind(host, port)
    url = base_url(sock, host)
    click.echo(url)
    click.echo(
        f"BaiJiaYun sandbox at {url} (state: {db}; control API: {url}_sandbox/)\n"
        f"  partner_id  = {partner_id}\n  partner_key = {partner_key}\n"
        f"  secret_key  = {secret_key}\n"
        "These are sandbox credentials, not real ones. Ctrl-C stops it.",
        err=True,
    )
    sys.stdout.flush()
    make_server(box).run(sockets=[sock])


@cli.command()
def demo() -> None:
    """Run the end-to-end example on the embedded sandbox."""
    from ..demo import run

    run()
