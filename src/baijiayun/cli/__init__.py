"""The ``baijiayun`` command (needs the ``cli`` extra: click and rich).

``baijiayun demo`` is a guided tour; ``baijiayun --help`` lists the rest
(rooms, any endpoint, timetable imports, callbacks, config, the sandbox).
docs/cli.md describes every command.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``baijiayun`` console script; exits with the command's status."""
    try:
        from ._app import cli
    except ImportError as exc:  # click is an optional extra
        sys.stderr.write(
            f"error: the baijiayun command needs click: pip install 'baijiayun[cli]' ({exc})\n"
        )
        raise SystemExit(2) from None
    cli.main(args=argv, prog_name="baijiayun")
