"""Document API: ``/openapi/doc/*`` — courseware uploaded for rooms.

Documents are converted by the platform after upload (``Document.status``);
a room shows the documents bound to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from .._group import Group, ModeT, endpoint
from .._params import Extensions, File, Flag, Int, RoomId, RoomIds, Str
from .._wire import ClientOnly, HttpUrl, OneOf, Range, Rule
from ..models.doc import Document

__all__ = ["DOC_TYPES", "Doc", "DocOrigin"]

DOC_TYPES = (".doc", ".docx", ".ppt", ".pptx", ".pdf", ".jpg", ".jpeg", ".png", ".gif")
"""The file types the platform converts into courseware."""

DocOrigin = Literal["all", "room", "api"]
"""``type`` of ``list_all_doc``: every document, those uploaded in classrooms, or by the API."""

DocFile = Annotated[File, Extensions(DOC_TYPES)]
Fid = Annotated[Int, Range(1)]


@dataclass(frozen=True)
class HttpsOnly(Rule):
    """An ``https://`` URL (the platform asks for https where it loads the page itself)."""

    def check(self, value: Any) -> str | None:
        ok = isinstance(value, str) and value[:8].lower() == "https://"
        return None if ok else self.describe()

    def describe(self) -> str:
        return "must start with https://"


H5Url = Annotated[Str, HttpUrl(), ClientOnly(HttpsOnly())]
Animation = Annotated[Flag, ClientOnly(OneOf((0, 1)))]


class Doc(Group[ModeT], name="doc"):
    """Courseware: upload documents and bind them to rooms."""

    @endpoint("uploadDoc")
    def upload_doc(
        self,
        attachment: DocFile,
        room_id: RoomId | None = None,
        ppt_animation: Animation | None = None,
    ) -> Document:
        """Upload a document (doc, docx, ppt, pptx, pdf, jpg, jpeg, png, gif); with
        ``room_id`` it is also bound to that room.

        ``attachment``: a path, a binary file object or ``(filename, content)``
        (the name tells the type), streamed as a multipart file part (not
        signed). ``ppt_animation=1`` keeps a PPT's animations. The document is
        converted afterwards: see ``Document.status``.
        """

    @endpoint("bindDoc")
    def bind_doc(self, room_id: RoomId, fid: Fid) -> None:
        """Bind an uploaded document to a room."""

    @endpoint("listDoc", safe=True, unwrap="list")
    def list_doc(self, room_id: RoomId) -> list[Document]:
        """The documents bound to a room."""

    @endpoint("listAllDoc", safe=True, unwrap="list")
    def list_all_doc(self, type: DocOrigin) -> list[Document]:
        """The account's documents: ``all``, uploaded in a ``room``, or through the ``api``."""

    @endpoint("removeDoc", unwrap="fid")
    def remove_doc(self, room_id: RoomId, fid: Fid) -> int:
        """Unbind a document from a room; returns its ``fid``."""

    @endpoint("uploadH5ByUrl")
    def upload_h5_by_url(self, h5_doc_url: H5Url, room_id: RoomId | None = None) -> Document:
        """Add an H5 courseware page by its URL (https); with ``room_id`` also bind it."""

    @endpoint("bindDocMulti")
    def bind_doc_multi(self, room_ids: RoomIds, fid: Fid) -> None:
        """Bind a document to several rooms (a list of room ids, or comma text)."""
