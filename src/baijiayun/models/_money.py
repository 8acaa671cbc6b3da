"""Amounts of money: exact decimals, never floats (imported by the groups that report costs)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from .._read import Before

__all__ = ["Money"]


def _money(value: Any) -> Any:
    """An amount the platform sends as a number or text, as an exact ``Decimal``.

    A float becomes the decimal of its shortest text (``0.1`` is ``Decimal("0.1")``,
    not the binary fraction), so no amount is ever carried as a float.
    """
    if isinstance(value, bool):
        raise ValueError("an amount is not a boolean")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip() or "0")
        except InvalidOperation:
            raise ValueError(f"not an amount: {value[:30]!r}") from None
    return value


Money = Annotated[Decimal, Before(_money)]
"""An amount of money (CNY): always a ``Decimal``, never a float."""
