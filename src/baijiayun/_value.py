"""The base of the core's small value objects (rules, settings, the call flow's messages)."""

from __future__ import annotations

from typing import Any

__all__ = ["Value"]


class Value:
    """A small value object: its settings in ``__slots__``, set in ``__init__`` and not
    changed after; ``repr``, ``==`` and ``hash`` come from them.

    Plain classes rather than dataclasses: every process that makes a call imports
    these, and building a dataclass costs 0.2-0.6 ms of start-up each (the cold start
    of ``docs/benchmarks.md``).
    """

    __slots__ = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _slot_names(type(self)))

    def __repr__(self) -> str:
        shown = (f"{name}={getattr(self, name)!r}" for name in _slot_names(type(self)))
        return f"{type(self).__name__}({', '.join(shown)})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Value)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self), self._values()))


def _slot_names(cls: type) -> list[str]:
    return [name for klass in reversed(cls.__mro__) for name in klass.__dict__.get("__slots__", ())]
