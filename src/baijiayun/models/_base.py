"""The lenient base of every result model."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Result(BaseModel):
    """A platform result: typed where documented, every other field kept.

    Numbers the platform sends as text (and text it sends as numbers) are
    accepted either way for ``str`` fields, since the platform's types are loose.
    """

    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True, populate_by_name=True)

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict under the platform's names (declared and unknown)."""
        return self.model_dump(by_alias=True)

    # dict-style access under the platform's field names, for code written
    # against the earlier SDK's dict results
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
