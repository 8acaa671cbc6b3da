"""Values on the wire: how a parameter is encoded (kinds) and what it must satisfy (rules).

A *kind* turns a caller's Python value into the exact text that is signed and
sent (``coerce`` then ``encode``), and turns received text back into the same
normalised value (``parse``, used by the sandbox). A *rule* is a documented
constraint checked on the normalised value, on both sides.

Rules come in two strengths. A platform rule is one the platform itself
enforces: the SDK checks it before sending and the sandbox answers 1001 when
it is broken. A rule wrapped in :class:`ClientOnly` is a stricter check of the
SDK's own (the platform's behaviour is unknown or more lenient): the SDK
raises before sending unless ``validate=False``, and the sandbox accepts the
value, because the sandbox must accept whatever the platform accepts.

Nothing here knows endpoints, clients or the sandbox.
"""

from __future__ import annotations

import datetime as _dt
import enum
import json
import os
import re
import time
from collections.abc import Callable, Iterable
from typing import IO, Any

from ._signing import encode_value
from ._value import Value

__all__ = [
    "BEIJING",
    "CSV",
    "DATE",
    "DATETIME",
    "FILE",
    "FLAG",
    "INT",
    "JSON",
    "STR",
    "TIME",
    "ClientOnly",
    "Context",
    "FileInput",
    "HttpUrl",
    "Invalid",
    "Kind",
    "MaxItems",
    "MaxLength",
    "NonEmpty",
    "OneOf",
    "Range",
    "Rule",
    "UserNumber",
]

BEIJING = _dt.timezone(_dt.timedelta(hours=8), "CST")
"""The platform's zone: times it sends as text are Beijing time (China Standard Time).

A fixed UTC+8: China has kept it, with no daylight saving, since 1991, so it is
exact for every time the platform holds, and it costs no time-zone database at
start-up (``ZoneInfo("Asia/Shanghai")`` gives the same offsets; a client's
``tz="Asia/Shanghai"`` still reads that zone)."""

FileInput = str | os.PathLike[str] | bytes | IO[bytes] | tuple[str, Any]
"""What a file parameter takes: a path, bytes, a binary file object or ``(filename, content)``."""


class Invalid(ValueError):
    """A value broke a rule: ``param`` (when known) and the ``rule`` it broke."""

    def __init__(self, rule: str, param: str | None = None) -> None:
        self.rule = rule
        self.param = param
        super().__init__(rule)


class Context(Value):
    """What normalising a value may depend on: the zone of naive datetimes and the clock.

    Clients hold one (their ``tz`` and ``clock``); the sandbox holds one with
    its own clock. Nothing else reads the time, so tests inject a clock here
    instead of patching ``time`` in modules.
    """

    __slots__ = ("now", "tz")

    def __init__(self, tz: _dt.tzinfo = BEIJING, now: Callable[[], float] = time.time) -> None:
        self.tz, self.now = tz, now


# --------------------------------------------------------------------------- kinds
class Kind:
    """How a Python value becomes wire text, and how the sandbox reads it back."""

    name = "str"
    is_file = False

    def coerce(self, value: Any, ctx: Context) -> Any:
        """Normalise a caller's value; raise :class:`Invalid` on a wrong type."""
        return value

    def parse(self, text: str) -> Any:
        """Read received text into the normalised value (the sandbox's side)."""
        return text

    def encode(self, value: Any) -> str:
        """The text that is signed and sent for a normalised value."""
        return encode_value(value)


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def unicode_text(value: str) -> str:
    """``value`` as a plain ``str``, refused when it cannot be sent as UTF-8 (a lone surrogate)."""
    if not value.isascii() and _SURROGATE.search(value):
        raise Invalid("must be valid Unicode text (it holds a lone surrogate)")
    return str(value)


class _Str(Kind):
    name = "str"

    def coerce(self, value: Any, ctx: Context) -> Any:
        if isinstance(value, str):
            return unicode_text(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return encode_value(value)
        raise Invalid("must be a string")


_INT_RE = re.compile(r"-?[0-9]{1,30}\Z")


def _int_text(text: str) -> int:
    stripped = text.strip()
    if not _INT_RE.match(stripped):
        raise Invalid("must be an integer")
    return int(stripped)


class _Int(Kind):
    name = "int"

    def coerce(self, value: Any, ctx: Context) -> Any:
        if isinstance(value, bool):
            raise Invalid("must be an integer, not a boolean")
        if isinstance(value, int):
            return int(value)  # an IntEnum member becomes its plain value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            return _int_text(value)
        raise Invalid("must be an integer")

    def parse(self, text: str) -> Any:
        return _int_text(text)

    def encode(self, value: Any) -> str:
        return str(value)


class _Flag(_Int):
    """0/1-style switches; ``True``/``False`` are sent as 1/0."""

    name = "flag"

    def coerce(self, value: Any, ctx: Context) -> Any:
        if isinstance(value, bool):
            return int(value)
        return super().coerce(value, ctx)


class _Time(_Int):
    """Unix seconds; also a ``datetime`` (a naive one is read in the context's zone)."""

    name = "time"

    def coerce(self, value: Any, ctx: Context) -> Any:
        if isinstance(value, _dt.datetime):
            if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
                value = value.replace(tzinfo=ctx.tz)
            return int(value.timestamp())
        if isinstance(value, _dt.date):
            raise Invalid("must be unix seconds or a datetime, not a date")
        try:
            return super().coerce(value, ctx)
        except Invalid:
            pass
        if isinstance(value, str):
            raise Invalid(
                "must be unix seconds or a datetime; text is read only as unix seconds "
                "(for an ISO time, pass datetime.fromisoformat(text))"
            ) from None
        raise Invalid(f"must be unix seconds or a datetime, not {type(value).__name__}")


_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_DATETIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}(:[0-9]{2})?)?\Z")


class _Date(Kind):
    """A calendar date sent as ``YYYY-MM-DD``: a ``date``, a ``datetime`` or that text.

    An aware datetime gives its date in Beijing time (the platform's dates are
    Beijing dates); a naive one gives its own date.
    """

    name = "date"

    def coerce(self, value: Any, ctx: Context) -> Any:
        if isinstance(value, _dt.datetime):
            if value.tzinfo is not None and value.tzinfo.utcoffset(value) is not None:
                value = value.astimezone(BEIJING)
            return value.date()
        if isinstance(value, _dt.date):
            return value
        if isinstance(value, str):
            return self.parse(value)
        raise Invalid("must be a date or text YYYY-MM-DD")

    def parse(self, text: str) -> Any:
        stripped = text.strip()
        try:
            if _DATE_RE.match(stripped):
                return _dt.date.fromisoformat(stripped)
        except ValueError:
            pass
        raise Invalid("must be a date YYYY-MM-DD")

    def encode(self, value: Any) -> str:
        return str(value.isoformat())


class _DateTime(Kind):
    """A moment sent as Beijing text ``YYYY-MM-DD HH:MM:SS``: a ``datetime`` (a naive one
    is read in the context's zone), unix seconds, or that text (read as Beijing time).

    Text of a day alone (``YYYY-MM-DD``, a whole day) or without seconds is taken and
    sent as given: the first reads as a ``date``, the second as a ``datetime``.
    """

    name = "datetime"

    def coerce(self, value: Any, ctx: Context) -> Any:
        if isinstance(value, _dt.datetime):
            if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
                value = value.replace(tzinfo=ctx.tz)
            return value.astimezone(BEIJING).replace(microsecond=0)
        if isinstance(value, _dt.date):
            raise Invalid("must be a datetime, unix seconds or text YYYY-MM-DD HH:MM:SS")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _dt.datetime.fromtimestamp(int(value), BEIJING)
        if isinstance(value, str) and _INT_RE.match(value.strip()):  # unix seconds as text
            return _dt.datetime.fromtimestamp(int(value.strip()), BEIJING)
        if isinstance(value, str):
            return self.parse(value)
        raise Invalid("must be a datetime, unix seconds or text YYYY-MM-DD HH:MM:SS")

    def parse(self, text: str) -> Any:
        stripped = text.strip()
        try:
            if _DATETIME_RE.match(stripped):
                if len(stripped) == 10:
                    return _dt.date.fromisoformat(stripped)
                return _dt.datetime.fromisoformat(stripped).replace(tzinfo=BEIJING)
        except ValueError:
            pass
        raise Invalid("must be a time YYYY-MM-DD HH:MM:SS (Beijing)")

    def encode(self, value: Any) -> str:
        if not isinstance(value, _dt.datetime):
            return str(value.isoformat())  # a whole day, as it was given
        return str(value.strftime("%Y-%m-%d %H:%M:%S"))


class _Csv(Kind):
    """A list sent as comma-joined text; a string is split on commas.

    A set is sent in the sorted order of its items' text, so what is signed
    never depends on hash order.
    """

    name = "csv"

    def __init__(self, item: Kind) -> None:
        self.item = item

    def coerce(self, value: Any, ctx: Context) -> Any:
        parts: Iterable[Any]
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",")] if value else []
        elif isinstance(value, (list, tuple)):
            parts = value
        elif isinstance(value, (set, frozenset)):
            items = [self.item.coerce(v, ctx) for v in value]
            return sorted(items, key=self.item.encode)
        elif isinstance(value, int) and not isinstance(value, bool):
            parts = [value]
        else:
            raise Invalid("must be a list or a comma-separated string")
        return [self.item.coerce(p, ctx) for p in parts]

    def parse(self, text: str) -> Any:
        return [self.item.parse(p.strip()) for p in text.split(",")] if text else []

    def encode(self, value: Any) -> str:
        return ",".join(self.item.encode(v) for v in value)


class _Json(Kind):
    """A structured value (list or dict) sent as compact JSON text; text is sent as given."""

    name = "json"

    def coerce(self, value: Any, ctx: Context) -> Any:
        if isinstance(value, str):
            return unicode_text(value)
        try:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError) as exc:
            raise Invalid(f"must be JSON-serialisable ({exc})") from None
        return unicode_text(text)

    def parse(self, text: str) -> Any:
        try:
            json.loads(text)
        except ValueError:
            raise Invalid("must be JSON text") from None
        return text


class _File(Kind):
    """An uploaded file part: never signed."""

    name = "file"
    is_file = True

    def coerce(self, value: Any, ctx: Context) -> Any:
        if isinstance(value, (str, os.PathLike)):
            path = os.fspath(value)
            if not isinstance(path, str) or not os.path.isfile(path):
                raise Invalid(f"file not found: {path!r}")
            unicode_text(os.path.basename(path))  # sent as the part's file name
            return value
        if isinstance(value, tuple):
            if len(value) < 2 or not isinstance(value[0], str):
                raise Invalid("a (filename, content) tuple needs a file name")
            unicode_text(value[0])
            return value
        if isinstance(value, (bytes, bytearray)) or hasattr(value, "read"):
            return value
        raise Invalid("must be a path, bytes, a binary file object or (filename, content)")


STR: Kind = _Str()
INT: Kind = _Int()
FLAG: Kind = _Flag()
TIME: Kind = _Time()
DATE: Kind = _Date()
DATETIME: Kind = _DateTime()
JSON: Kind = _Json()
FILE: Kind = _File()


def CSV(item: Kind = STR) -> Kind:
    """A comma-joined list of ``item`` values."""
    return _Csv(item)


# --------------------------------------------------------------------------- rules
def _each(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


class Rule(Value):
    """A documented constraint on one parameter's normalised value."""

    __slots__ = ()
    platform = True
    """Whether the platform enforces it (the sandbox then does too)."""

    def check(self, value: Any) -> str | None:
        """The rule's text when ``value`` breaks it, else None."""
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


class ClientOnly(Rule):
    """A rule the SDK checks before sending but the sandbox does not enforce.

    For constraints that are documented as advice, or whose enforcement by the
    platform is unknown: the sandbox must accept what the platform accepts.
    """

    __slots__ = ("rule",)
    platform = False

    def __init__(self, rule: Rule) -> None:
        self.rule = rule

    def check(self, value: Any) -> str | None:
        return self.rule.check(value)

    def describe(self) -> str:
        return self.rule.describe() + " (checked by the SDK only)"


class Range(Rule):
    __slots__ = ("hi", "lo")

    def __init__(self, lo: int | None = None, hi: int | None = None) -> None:
        self.lo, self.hi = lo, hi

    def check(self, value: Any) -> str | None:
        for v in _each(value):
            if isinstance(v, int) and (
                (self.lo is not None and v < self.lo) or (self.hi is not None and v > self.hi)
            ):
                return self.describe()
        return None

    def describe(self) -> str:
        if self.hi is None:
            return f"must be >= {self.lo}"
        if self.lo is None:
            return f"must be <= {self.hi}"
        return f"must be between {self.lo} and {self.hi}"


class OneOf(Rule):
    __slots__ = ("values",)

    def __init__(self, values: tuple[Any, ...]) -> None:
        self.values = values

    def check(self, value: Any) -> str | None:
        if value in self.values:  # one plain value, the common case
            return None
        return None if all(v in self.values for v in _each(value)) else self.describe()

    def describe(self) -> str:
        return "must be one of " + ", ".join(str(v) for v in self.values)

    @classmethod
    def of(cls, choices: type[enum.Enum] | Iterable[Any]) -> OneOf:
        """The values of an enum (or any iterable), as plain values."""
        return cls(tuple(c.value if isinstance(c, enum.Enum) else c for c in choices))


class MaxItems(Rule):
    __slots__ = ("n",)

    def __init__(self, n: int) -> None:
        self.n = n

    def check(self, value: Any) -> str | None:
        return self.describe() if isinstance(value, list) and len(value) > self.n else None

    def describe(self) -> str:
        return f"at most {self.n} items"


class NonEmpty(Rule):
    __slots__ = ()

    def check(self, value: Any) -> str | None:
        return self.describe() if value in ("", []) else None

    def describe(self) -> str:
        return "must not be empty"


class UserNumber(Rule):
    """A positive integer of at most 19 digits (the partner's own user id)."""

    __slots__ = ()

    def check(self, value: Any) -> str | None:
        for v in _each(value):
            if not isinstance(v, int) or v <= 0 or len(str(v)) > 19:
                return self.describe()
        return None

    def describe(self) -> str:
        return "must be a positive integer of at most 19 digits"


_URL_RE = re.compile(r"https?://[^\s/?#]+[^\s]*\Z", re.IGNORECASE)


class HttpUrl(Rule):
    __slots__ = ("allow_empty",)

    def __init__(self, allow_empty: bool = False) -> None:
        self.allow_empty = allow_empty

    def check(self, value: Any) -> str | None:
        if value == "" and self.allow_empty:
            return None
        return None if isinstance(value, str) and _URL_RE.match(value) else self.describe()

    def describe(self) -> str:
        return "must be an absolute http(s) URL" + (" (or empty)" if self.allow_empty else "")


class MaxLength(Rule):
    """Longer text is accepted and truncated by the platform; the SDK only warns."""

    __slots__ = ("n",)

    def __init__(self, n: int) -> None:
        self.n = n

    def check(self, value: Any) -> str | None:
        return None

    def warning(self, value: Any) -> str | None:
        if isinstance(value, str) and len(value) > self.n:
            return f"longer than {self.n} characters: the platform keeps the first {self.n}"
        return None

    def describe(self) -> str:
        return f"at most {self.n} characters (the platform truncates longer text)"
