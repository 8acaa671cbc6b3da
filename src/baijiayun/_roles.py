"""``Role``, the ``user_role`` of an enter link (re-exported by :mod:`baijiayun.links`).

It lives apart so that :mod:`baijiayun.links` binds it before importing
``baijiayun.api``, whose ``links`` group imports it back from
:mod:`baijiayun.links`: either module can be the first one a program imports.
"""

from __future__ import annotations

import enum

__all__ = ["Role"]


class Role(enum.IntEnum):
    """``user_role`` of an enter link."""

    STUDENT = 0
    TEACHER = 1
    ASSISTANT = 2
