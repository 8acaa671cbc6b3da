"""Result models of the document API (``/openapi/doc/*``): courseware in rooms."""

from __future__ import annotations

from ._base import BeijingTime, Result

__all__ = ["Document"]


class Document(Result):
    """An uploaded document (slides, PDF, picture, or an H5 courseware URL)."""

    fid: int | None = None
    """The document's id."""
    name: str | None = None
    ext: str | None = None
    """The file extension without the dot (``pdf``, ``pptx``, ``h5``)."""
    size: int | None = None
    """Bytes uploaded (0 for an H5 URL)."""
    status: int | None = None
    """Conversion: 0 converting, 1 ready, 2 failed."""
    ppt_animation: int | None = None
    """1: converted with its animations (PPT only)."""
    origin: str | None = None
    """Where it was uploaded: ``api`` or ``room`` (in a classroom)."""
    url: str | None = None
    """The H5 courseware's URL (None for files)."""
    create_time: BeijingTime | None = None
