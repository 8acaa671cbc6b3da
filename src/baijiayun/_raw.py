"""The answer of one call as the platform sent it: :class:`RawResult`.

``client.<group>.<method>.raw(...)`` makes the same call as
``client.<group>.<method>(...)`` (same validation, signing, retries and error
mapping) but returns the envelope's ``data`` as plain JSON values, without
building the declared result, together with the envelope and the HTTP facts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

__all__ = ["RawResult"]

R_co = TypeVar("R_co", covariant=True)


@dataclass(frozen=True, eq=False)
class RawResult(Generic[R_co]):
    """One successful answer (``code`` 0), unconverted.

    ``data`` is the envelope's ``data`` as decoded JSON (dicts, lists, text,
    numbers, ``None``); :meth:`parse` builds the declared result from it (and
    raises :class:`~baijiayun.errors.ResultShapeError` where it does not fit).
    An answer with a non-zero ``code`` still raises its
    :class:`~baijiayun.errors.APIError`.
    """

    data: Any
    """The envelope's ``data``, as plain JSON values."""
    code: int
    """The envelope's ``code`` (always 0: other codes raise)."""
    msg: str
    """The envelope's ``msg`` (usually empty)."""
    http_status: int
    headers: Mapping[str, str]
    """The HTTP answer's headers."""
    path: str
    """The endpoint's path (``/openapi/room/info``)."""
    envelope: Mapping[str, Any] = field(default_factory=dict)
    """The whole decoded envelope (``code``, ``msg``, ``data``, ``ts``, ...)."""
    _convert: Callable[[Any], R_co] | None = field(default=None, repr=False)

    def parse(self) -> R_co:
        """The declared result, built from :attr:`data` as the plain call would."""
        if self._convert is None:
            raise TypeError("this RawResult was not made by a call: nothing to parse with")
        return self._convert(self.data)

    def __repr__(self) -> str:  # data may hold a partner key (partner/createkey): not shown
        return f"RawResult(path={self.path!r}, code={self.code}, http_status={self.http_status})"
