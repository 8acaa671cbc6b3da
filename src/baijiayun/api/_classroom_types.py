"""Moved: the shared parameter types are in :mod:`baijiayun._params`, the others in their group.

Kept only for the sandbox's import of ``Extensions`` while the sandbox is rebuilt
(issue 17); remove it once ``sandbox/settings.py`` imports from ``baijiayun._params``.
"""

from __future__ import annotations

from .._params import Extensions

__all__ = ["Extensions"]
