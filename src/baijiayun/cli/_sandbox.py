"""``baijiayun sandbox``: the sandbox as an HTTP server (also ``python -m baijiayun.sandbox``).

Everything that can fail is tried before anything is printed (the extra is
installed, the port is valid and free, the ``--db`` file opens), and the base
URL — the first line on stdout — is printed only once the server is listening.
"""

from __future__ import annotations

import datetime as _dt
import errno
import json
import signal
import sqlite3
import sys
import threading
import time
from typing import Any

import click

from .._wire import BEIJING
from ..sandbox import SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY, SANDBOX_SECRET_KEY
from ._app import CliError, HandledCommand
from ._settings import mask

__all__ = ["RequestLog", "sandbox"]


def _printable(text: str, limit: int = 120) -> str:
    shown = "".join(c if c.isprintable() else "?" for c in text[:limit])
    return shown + ("…" if len(text) > limit else "")


class RequestLog:
    """Serves a sandbox and logs each request: time, method, path, HTTP status, code, duration."""

    def __init__(self, sandbox: Any, echo: Any = None) -> None:
        self.sandbox = sandbox
        self._echo = echo or (lambda line: click.echo(line, err=True))

    def takes_files(self, path: str) -> bool:
        return bool(self.sandbox.takes_files(path))

    def handle(self, request: Any) -> Any:
        started = time.perf_counter()
        answer = self.sandbox.handle(request)
        elapsed = (time.perf_counter() - started) * 1000
        code = "-"
        if answer.body[:1] == b"{":
            try:
                found = json.loads(answer.body)
                if isinstance(found, dict) and "code" in found:
                    code = str(found["code"])
            except ValueError:
                code = "?"
        extra = ""
        if answer.drop:
            extra += " dropped"
        if answer.delay:
            extra += f" +{answer.delay:g}s delay"
        now = _dt.datetime.now(BEIJING)  # Beijing time, as every time the command shows
        stamp = now.strftime("%H:%M:%S") + f".{now.microsecond // 1000:03d}"
        self._echo(
            f"{stamp} {request.method} {_printable(request.path)} {answer.status} "
            f"code={code} {elapsed:.1f}ms{extra}"
        )
        return answer

    def envelope(self, code: int, msg: str, data: Any = None) -> Any:
        return self.sandbox.envelope(code, msg, data)

    def client_settings(self, base_url: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self.sandbox.client_settings(base_url, kwargs)
        return result


def _bind(host: str, port: int) -> Any:
    from ..sandbox.core.server import bind

    try:
        return bind(host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise CliError(
                f"port {port} on {host} is already in use",
                "pick another --port, or --port 0 for a free one",
            ) from None
        if exc.errno == errno.EACCES:
            raise CliError(
                f"not allowed to listen on {host}:{port}",
                "ports below 1024 need privileges: pick a higher --port (or 0)",
            ) from None
        raise CliError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    except OverflowError:  # checked before; a platform may still disagree
        raise CliError(f"bad port {port}: use 0-65535") from None


def _banner(url: str, db: str, partner: tuple[str, str, str], log: bool) -> str:
    partner_id, partner_key, secret_key = partner
    default = (partner_key, secret_key) == (SANDBOX_PARTNER_KEY, SANDBOX_SECRET_KEY)
    shown_key = partner_key if default else mask(partner_key)
    shown_secret = secret_key if default else mask(secret_key)
    return (
        f"BaiJiaYun sandbox at {url} (state: {db}; control API: {url}_sandbox/)\n"
        f"  console     = {url}_sandbox/ui\n"
        f"  partner_id  = {partner_id}\n  partner_key = {shown_key}\n"
        f"  secret_key  = {shown_secret}\n"
        + (
            "These are sandbox credentials, not real ones. "
            if default
            else "Custom credentials (masked). "
        )
        + ("Requests are logged below. " if log else "")
        + "Ctrl-C stops it."
    )


@click.command(cls=HandledCommand)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=0, show_default=True, help="Port; 0 picks a free one.")
@click.option("--db", default=":memory:", show_default=True, help="SQLite file to keep state in.")
@click.option("--seed", type=int, default=None, help="Make ids and codes repeatable.")
@click.option("--partner-id", default=SANDBOX_PARTNER_ID, show_default=True)
@click.option("--partner-key", default=SANDBOX_PARTNER_KEY, show_default=True)
@click.option("--secret-key", default=SANDBOX_SECRET_KEY, show_default=True)
@click.option("--log", is_flag=True, help="Log each request: path, HTTP status, code and time.")
def sandbox(
    host: str,
    port: int,
    db: str,
    seed: int | None,
    partner_id: str,
    partner_key: str,
    secret_key: str,
    log: bool,
) -> None:
    """Serve the sandbox over HTTP. The first line printed is its base URL.

    It answers like the platform (signatures, codes, rooms, callbacks) with the
    credentials shown on stderr; the control API under /_sandbox/ injects
    faults and starts classes. State is in memory unless --db names a file.
    """
    try:
        import uvicorn  # noqa: F401 - only checking that the extra is installed
    except ImportError:
        raise CliError(
            "serving the sandbox over HTTP needs uvicorn",
            "install it with: pip install 'baijiayun[sandbox]'",
        ) from None
    if not 0 <= port <= 65535:
        raise CliError(f"bad --port {port}: use 1-65535, or 0 for a free one", exit_code=2)
    if not partner_id.isdigit():
        raise CliError(f"bad --partner-id {partner_id!r}: must be digits", exit_code=2)
    if not partner_key or not secret_key:
        raise CliError("--partner-key and --secret-key must not be empty", exit_code=2)
    from ..sandbox import Sandbox
    from ..sandbox.core.server import base_url, make_server
    from ..sandbox.state.videos import close_spools

    try:
        box = Sandbox(
            db, seed=seed, partner_id=partner_id, partner_key=partner_key, secret_key=secret_key
        )
    except (sqlite3.Error, OSError) as exc:
        raise CliError(
            f"cannot use --db {db}: {exc}",
            "give a file in a writable directory (or leave --db out to keep state in memory)",
        ) from None
    sock = _bind(host, port)
    url = base_url(sock, host)
    server = make_server(RequestLog(box) if log else box)
    banner = _banner(url, db, (partner_id, partner_key, secret_key), log)

    def announce() -> None:
        while not server.should_exit:
            if server.started:
                click.echo(url)
                sys.stdout.flush()
                click.echo(banner, err=True)
                return
            time.sleep(0.005)

    watcher = threading.Thread(target=announce, name="baijiayun-sandbox-announce", daemon=True)
    watcher.start()
    # SIGTERM (kill, docker stop, systemd) ends the process as Ctrl-C does: uvicorn shuts
    # down, then re-raises the signal to this handler, which exits through Python (so the
    # temporary upload folder of an in-memory sandbox is removed) rather than by the
    # signal's default action (which skips every clean-up).
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        close_spools()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    watcher.join(timeout=1)
    if not server.started:
        raise CliError(f"the sandbox server did not start on {url}")


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
