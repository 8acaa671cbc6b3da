"""Partner API: ``/openapi/partner/*`` — the account's partner key."""

from __future__ import annotations

from .._group import Group, ModeT, endpoint
from .._params import Flag, Str


class Partner(Group[ModeT], name="partner"):
    """The account itself."""

    @endpoint("createkey", signed=False, unwrap="partner_key")
    def createkey(self, secret_key: Str, regenerate: Flag = 0) -> str:
        """The account's partner key, from its secret key (not signed); also ``create_key``.

        ``regenerate=1`` makes a new key and invalidates the old one everywhere it
        is in use; the default ``0`` returns the current key. Clients built with
        only a ``secret_key`` call this for you and cache the result.
        """

    create_key = createkey
    """The same call under the name the platform's documentation uses."""
