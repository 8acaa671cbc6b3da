"""The ``baijiayun`` command (needs the ``cli`` or ``sandbox`` extra for click)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``baijiayun`` console script."""
    try:
        from ._commands import cli
    except ImportError as exc:  # click is an optional extra
        sys.stderr.write(f"the baijiayun command needs: pip install 'baijiayun[cli]' ({exc})\n")
        raise SystemExit(2) from None
    cli.main(args=argv, prog_name="baijiayun")
