"""Documents: ``/openapi/doc/*`` — courseware uploaded and bound to rooms.

An uploaded document starts ``converting`` (status 0); the control API moves
it to ready (1) or failed (2), as the platform's converter would
(``sandbox.doc.set_status(fid, 1)``). H5 courseware added by URL needs
no conversion and is ready at once. Documents uploaded inside a classroom are
added with ``sandbox.doc.add(...)`` (origin ``room``).

An upload that fails (unknown room, unsupported type, empty file) stores
nothing.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

from ...api import Doc
from ...api.doc import DOC_TYPES
from ..core.db import Store
from ..core.forms import file_name
from ..core.http import PlatformError
from ..core.service import Call, Controls, PanelView, Service, route
from ..core.util import beijing, escape, table
from ..state import rooms
from ..state.rooms import RoomStore

__all__ = ["DocControls", "DocStore", "service"]

service = Service("doc", uses=(rooms.service,), aliases=("documents",))

CONVERTING, READY, FAILED = 0, 1, 2
STATUSES = (CONVERTING, READY, FAILED)
ORIGINS = ("api", "room")


@service.store
class DocStore(Store):
    """One partner's documents and the rooms they are bound to."""

    schema = """
    CREATE TABLE IF NOT EXISTS documents (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        partner_id TEXT NOT NULL,
        name TEXT NOT NULL,
        ext TEXT NOT NULL,
        size INTEGER NOT NULL,
        status INTEGER NOT NULL,
        ppt_animation INTEGER NOT NULL,
        origin TEXT NOT NULL,
        url TEXT,
        create_time REAL NOT NULL
    );
    CREATE INDEX IF NOT EXISTS documents_partner ON documents (partner_id, origin, seq);
    CREATE TABLE IF NOT EXISTS room_docs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        partner_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        fid INTEGER NOT NULL,
        UNIQUE (partner_id, room_id, fid)
    );
    """

    def add(
        self,
        name: str,
        size: int,
        now: float,
        *,
        origin: str = "api",
        status: int = CONVERTING,
        ppt_animation: int = 0,
        url: str | None = None,
        room_id: str | None = None,
    ) -> dict[str, Any]:
        ext = "h5" if url is not None else os.path.splitext(name)[1].lstrip(".").lower()
        with self.env.db.tx():
            fid = self._exec(
                "INSERT INTO documents (partner_id, name, ext, size, status, ppt_animation, "
                "origin, url, create_time) VALUES (:partner, :name, :ext, :size, :status, "
                ":animation, :origin, :url, :now)",
                name=name,
                ext=ext,
                size=size,
                status=status,
                animation=ppt_animation,
                origin=origin,
                url=url,
                now=now,
            )
            if room_id is not None:
                self.bind(room_id, fid)
        return self.get(fid)

    def get(self, fid: int) -> dict[str, Any]:
        row = self._row(
            "SELECT * FROM documents WHERE partner_id=:partner AND seq=:fid", fid=int(fid)
        )
        if row is None:
            raise PlatformError(1001, f"fid: no document {fid}")
        return dict(row)

    def bind(self, room_id: str, fid: int) -> None:
        self._exec(
            "INSERT OR IGNORE INTO room_docs (partner_id, room_id, fid) "
            "VALUES (:partner, :room_id, :fid)",
            room_id=room_id,
            fid=fid,
        )

    def unbind(self, room_id: str, fid: int) -> bool:
        with self.env.db.tx():
            row = self._row(
                "SELECT seq FROM room_docs WHERE partner_id=:partner AND room_id=:room_id "
                "AND fid=:fid",
                room_id=room_id,
                fid=fid,
            )
            if row is None:
                return False
            self._exec(
                "DELETE FROM room_docs WHERE partner_id=:partner AND seq=:seq", seq=row["seq"]
            )
            return True

    def in_room(self, room_id: str) -> list[dict[str, Any]]:
        rows = self._rows(
            "SELECT d.* FROM room_docs b JOIN documents d ON d.seq = b.fid "
            "WHERE b.partner_id=:partner AND b.room_id=:room_id ORDER BY b.seq",
            room_id=room_id,
        )
        return [dict(r) for r in rows]

    def all(self, origin: str) -> list[dict[str, Any]]:
        where = "partner_id=:partner" + ("" if origin == "all" else " AND origin=:origin")
        rows = self._rows(f"SELECT * FROM documents WHERE {where} ORDER BY seq", origin=origin)
        return [dict(r) for r in rows]

    def set_status(self, fid: int, status: int) -> None:
        self._exec(
            "UPDATE documents SET status=:status WHERE partner_id=:partner AND seq=:fid",
            status=status,
            fid=fid,
        )

    @staticmethod
    def owner(env: Any, fid: int) -> str:
        """The partner a document belongs to (1001 if none): for the controls only."""
        row = env.db.row("SELECT partner_id FROM documents WHERE seq=?", (int(fid),))
        if row is None:
            raise PlatformError(1001, f"fid: no document {fid}")
        return str(row["partner_id"])


def document(row: dict[str, Any]) -> dict[str, Any]:
    """A document as the API answers it (the fields ``Document`` declares)."""
    return {
        "fid": int(row["seq"]),
        "name": row["name"],
        "ext": row["ext"],
        "size": row["size"],
        "status": row["status"],
        "ppt_animation": row["ppt_animation"],
        "origin": row["origin"],
        "url": row["url"],
        "create_time": beijing(row["create_time"]),
    }


def _room_id(call: Call, value: Any) -> str:
    return str(call.store(RoomStore).get(value)["room_id"])


# --------------------------------------------------------------------------- handlers
@service.handles(Doc.upload_doc)
def upload_doc(call: Call) -> dict[str, Any]:
    content = call.files.get("attachment")
    if content is None:
        raise PlatformError(1001, "attachment: is required (a file part)")
    name = file_name(content, "attachment")
    if not name.lower().endswith(DOC_TYPES):
        raise PlatformError(1001, "attachment: must be one of " + ", ".join(DOC_TYPES))
    room_id = call.args.get("room_id")
    room = None if room_id is None else _room_id(call, room_id)  # before anything is stored
    if not content:
        raise PlatformError(4001, "attachment: the file is empty")
    row = call.store(DocStore).add(
        name,
        len(content),
        call.now,
        ppt_animation=int(call.args.get("ppt_animation") or 0),
        room_id=room,
    )
    return document(row)


@service.handles(Doc.bind_doc)
def bind_doc(call: Call) -> None:
    room_id = _room_id(call, call.args["room_id"])
    store = call.store(DocStore)
    store.get(call.args["fid"])
    store.bind(room_id, call.args["fid"])


@service.handles(Doc.list_doc)
def list_doc(call: Call) -> dict[str, Any]:
    room_id = _room_id(call, call.args["room_id"])
    return {"list": [document(r) for r in call.store(DocStore).in_room(room_id)]}


@service.handles(Doc.list_all_doc)
def list_all_doc(call: Call) -> dict[str, Any]:
    return {"list": [document(r) for r in call.store(DocStore).all(call.args["type"])]}


@service.handles(Doc.remove_doc)
def remove_doc(call: Call) -> dict[str, Any]:
    room_id = _room_id(call, call.args["room_id"])
    store = call.store(DocStore)
    fid = int(call.args["fid"])
    store.get(fid)
    if not store.unbind(room_id, fid):
        raise PlatformError(1001, f"fid: document {fid} is not in room {room_id}")
    return {"fid": fid}


@service.handles(Doc.upload_h5_by_url)
def upload_h5_by_url(call: Call) -> dict[str, Any]:
    url = call.args["h5_doc_url"]
    room_id = call.args.get("room_id")
    room = None if room_id is None else _room_id(call, room_id)
    parts = urlsplit(url)
    name = os.path.basename(parts.path.rstrip("/")) or parts.netloc
    row = call.store(DocStore).add(name, 0, call.now, status=READY, url=url, room_id=room)
    return document(row)


@service.handles(Doc.bind_doc_multi)
def bind_doc_multi(call: Call) -> None:
    """Every room is checked before any is bound."""
    store = call.store(DocStore)
    store.get(call.args["fid"])
    rooms = [_room_id(call, room_id) for room_id in call.args["room_ids"]]
    if not rooms:
        raise PlatformError(1001, "room_ids: must not be empty")
    with call.env.db.tx():
        for room_id in rooms:
            store.bind(room_id, call.args["fid"])


# --------------------------------------------------------------------------- controls
@service.controls
class DocControls(Controls):
    """Documents the platform converts, or teachers upload in class: ``sandbox.doc``
    (also ``sandbox.documents``)."""

    @route("POST", "/_sandbox/documents/{fid}/status")
    def set_status(self, fid: int, status: int) -> dict[str, Any]:
        """Move a document's conversion: 0 converting, 1 ready, 2 failed."""
        if status not in STATUSES:
            raise PlatformError(1001, "status: must be 0, 1 or 2")
        store = DocStore(self.env, DocStore.owner(self.env, fid))
        store.set_status(int(fid), status)
        return document(store.get(int(fid)))

    @route("POST", "/_sandbox/documents")
    def add(
        self,
        name: str,
        size: int = 1024,
        room_id: str | None = None,
        origin: str = "room",
        partner_id: str | None = None,
    ) -> dict[str, Any]:
        """Add a document as if uploaded in a classroom (``origin`` room) or through the API."""
        if origin not in ORIGINS:
            raise PlatformError(1001, "origin: must be api or room")
        if not name:
            raise PlatformError(1001, "name: must not be empty")
        if room_id is not None:
            partner_id = RoomStore.owner(self.env, str(room_id))
            RoomStore(self.env, partner_id).get(str(room_id))
        store = DocStore(self.env, str(partner_id or self.env.default_partner))
        row = store.add(
            name,
            size,
            self.env.now(),
            origin=origin,
            room_id=None if room_id is None else str(room_id),
        )
        return document(row)

    def get(self, fid: int) -> dict[str, Any]:
        """A document as the API answers it."""
        return document(DocStore(self.env, DocStore.owner(self.env, fid)).get(int(fid)))


# --------------------------------------------------------------------------- the console
DOC_STATUS = {CONVERTING: "converting", READY: "ready", FAILED: "failed"}
"""A document's status as the console shows it (the SDK declares no enum for it)."""


@service.panel("room")
def documents_panel(view: PanelView) -> str:
    """The documents a room uses, with their conversion status."""
    assert view.room_id is not None
    rows = "".join(
        f"<tr><td>{escape(d['seq'])}</td><td>{escape(d['name'])}</td>"
        f"<td>{escape(DOC_STATUS.get(d['status'], d['status']))}</td></tr>"
        for d in DocStore(view.env, view.partner).in_room(view.room_id)
    )
    return f"<section><h2>Documents</h2>{table(('fid', 'name', 'status'), rows)}</section>"
