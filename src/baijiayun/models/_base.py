"""The lenient base of every result model, the platform's time type, and pages."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from .._wire import BEIJING

__all__ = ["BeijingTime", "Money", "Page", "Result", "token_entries"]

T = TypeVar("T")

_ZERO_DATES = ("", "0000-00-00 00:00:00", "0000-00-00")


def _beijing_time(value: Any) -> Any:
    """Platform time text (``YYYY-MM-DD HH:MM:SS``, Beijing) or unix seconds, as an aware datetime.

    An empty or all-zero date (the platform's "not set") is ``None``.
    """
    if value is None or isinstance(value, _dt.datetime):
        if isinstance(value, _dt.datetime) and value.tzinfo is None:
            return value.replace(tzinfo=BEIJING)
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _dt.datetime.fromtimestamp(value, BEIJING)
    if isinstance(value, str):
        text = value.strip()
        if text in _ZERO_DATES:
            return None
        if text.isdigit():
            return _dt.datetime.fromtimestamp(int(text), BEIJING)
        parsed = _dt.datetime.fromisoformat(text)
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=BEIJING)
    return value


BeijingTime = Annotated[_dt.datetime, BeforeValidator(_beijing_time)]
"""A time the platform sends as Beijing text or unix seconds: an aware ``datetime``."""


class Result(BaseModel):
    """A platform result: typed where documented, every other field kept.

    Numbers the platform sends as text (and text it sends as numbers) are
    accepted either way for ``str`` fields, since the platform's types are loose.

    Every model also reads like the dict the earlier SDK returned
    (``result["room_id"]``, ``result.get("x")``, ``"x" in result``).
    """

    model_config = ConfigDict(
        extra="allow", coerce_numbers_to_str=True, populate_by_name=True, defer_build=True
    )

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict under the platform's names (declared and unknown)."""
        return self.model_dump(by_alias=True)

    def __getitem__(self, key: str) -> Any:
        name = _field_for_alias(type(self)).get(key, key)
        if name in type(self).model_fields:
            return getattr(self, name)
        extra = self.model_extra or {}
        if key in extra:
            return extra[key]
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self.keys()

    def keys(self) -> list[str]:
        fields = type(self).model_fields
        return [f.alias or n for n, f in fields.items()] + list(self.model_extra or {})


def _field_for_alias(cls: type[Result]) -> dict[str, str]:
    return {f.alias: n for n, f in cls.model_fields.items() if f.alias}


class Page(Result, Generic[T]):
    """One page of a listing: ``items`` (the platform's ``list``) and its position."""

    items: list[T] = Field(default_factory=list, alias="list")
    total: int | None = None
    """How many items the whole listing has."""
    page: int | None = None
    limit: int | None = None


_WRAPPERS = ("list", "tokens", "items", "data")


def token_entries(id_field: str) -> BeforeValidator:
    """Read a batch-token answer leniently into ``[{id_field, token, ...}]``.

    The platform does not document the shape: a list of objects, a mapping of
    id to token (or to ``{"token": ...}``), possibly wrapped in ``{"list": ...}``.
    An id of ``room_id-session_id`` becomes the two fields.
    """

    def normalise(value: Any) -> Any:
        if isinstance(value, dict):
            for name in _WRAPPERS:
                if isinstance(value.get(name), (dict, list)):
                    return normalise(value[name])
            entries = []
            for key, item in value.items():
                token = item.get("token") if isinstance(item, dict) else item
                ident, _, session = str(key).partition("-")
                entry = {id_field: ident, "token": token}
                if id_field == "room_id":
                    entry["session_id"] = session or None
                entries.append(entry)
            return entries
        return value

    return BeforeValidator(normalise)


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


Money = Annotated[Decimal, BeforeValidator(_money)]
"""An amount of money (CNY): always a ``Decimal``, never a float."""
