"""``playback``: ``/openapi/playback/*`` — the recordings of classes and their versions;
the playback player page (``/web/playback/index``) and the console's playbacks.

* A playback appears when a room's class ends (the ``class_ended`` event, which
  ``sandbox.room.end_class`` and ``live`` cause): status 10 (generating),
  published, with version 0 (the recording: a video id of its own, the room's
  scheduled length up to 4 hours, 2 Mbit/s). A long-term room gets one playback
  per class, a *session* ``yyyymmdd`` + a sequence number of that Beijing day;
  another room keeps one playback (a class ended again changes nothing).
* ``sandbox.playback.set_playback_status`` moves it on (20, 30, 100) and sends
  the transcode callback; ``sandbox.playback.add_crop`` adds a crop (what the
  console's editor makes) as a new version.
* Versions are replaced or added by ``replacePlayback`` (from another
  playback) and ``replacePlaybackByVideo`` (from a transcoded video); the main
  version is the one players show.
* A long-term room's playback is named by its ``session_id`` (documented as
  required there); in other rooms ``session_id`` is left out (or 0).

The rows are state other groups read too (``state/playbacks.py``).
"""

from __future__ import annotations

from typing import Any

from ...api import Playback
from ...api.playback import PlaybackStatus, PublishStatus
from ..core.db import Env
from ..core.http import PlatformError, SandboxRequest, SandboxResponse
from ..core.service import Call, Controls, PanelView, Service, route
from ..core.util import beijing, escape, html_page, link_query, table
from ..state import playbacks, plays, rooms, videos
from ..state.playbacks import PlaybackStore
from ..state.plays import PlayStore, record_playback_play
from ..state.rooms import RoomStore
from ..state.videos import (
    STATUSES,
    Refused,
    VideoStore,
    expiry,
    notify_transcode,
    player_token,
    session_text,
)

__all__ = ["PlaybackControls", "service"]

service = Service(
    "playback",
    uses=(rooms.service, videos.service, playbacks.service, plays.service),
    aliases=("playbacks",),
)


@service.on("class_ended")
def class_ended(env: Env, partner_id: str, room_id: str) -> dict[str, Any] | None:
    """What the platform does when a class ends: record its playback (status 10).

    A long-term room gets a new session; another room keeps its one playback.
    """
    room = RoomStore(env, partner_id).get(room_id)
    store = PlaybackStore(env, partner_id)
    now = env.now()
    if room.get("is_long_term"):
        session_id = store.next_session(room["room_id"], beijing(now)[:10].replace("-", ""))
    else:
        session_id = ""
        if store.find(room["room_id"], session_id) is not None:
            return None
    return store.create(room, session_id, PlaybackStatus.GENERATING, now)


# --------------------------------------------------------------------------- answers
def _session_out(session_id: str) -> str | None:
    return session_id or None


def _ready(playback: dict[str, Any]) -> bool:
    return bool(playback["status"] == PlaybackStatus.READY)


def _cover(video_id: int) -> str:
    return f"https://img.sandbox.invalid/playback/{video_id}.jpg"


def _transcoded(playback: dict[str, Any], shown: dict[str, Any]) -> int | None:
    """Bytes after transcoding (half the recording, as the transcode callback says), once
    the playback is ready."""
    return int(shown["total_size"]) // 2 if _ready(playback) else None


def _session_number(session_id: str) -> int | str | None:
    """A session id as the consumer's example sends it: a number (text if it is not one)."""
    if not session_id:
        return None
    return int(session_id) if session_id.isdigit() and len(session_id) < 19 else session_id


def _item(
    store: PlaybackStore,
    playback: dict[str, Any],
    play_times: dict[tuple[str, str], int],
    version: int | None = None,
) -> dict[str, Any]:
    """One entry of ``playback/getList``: the fields a public consumer reads (code index id
    52497919905, GetBaiJiaYunPlaybackList.php), in the JSON types of its example."""
    shown = store.version(playback, version)
    ready = _ready(playback)
    return {
        "playback_id": -int(playback["seq"]),  # rows count down from -1: ids count up
        "room_id": int(playback["room_id"]),
        "session_id": _session_number(playback["session_id"]),
        "video_id": shown["video_id"],
        "name": playback["name"],
        "status": playback["status"],
        "publish_status": playback["publish_status"],
        "version": shown["version"],
        "length": shown["length"],
        "total_transcode_size": _transcoded(playback, shown),
        "play_times": play_times.get((playback["room_id"], playback["session_id"]), 0),
        "play_url": _play_url(shown["video_id"]) if ready else None,
        "preface_url": _cover(shown["video_id"]) if ready else None,
        "create_time": beijing(playback["create_time"]),
    }


def _play_url(video_id: int) -> str:
    return f"https://vod.sandbox.invalid/playback/{video_id}.mp4"


def _basic_info(store: PlaybackStore, playback: dict[str, Any]) -> dict[str, Any]:
    """``playback/getBasicInfo``: the fields of the vendor's table (no ``room_id``), the
    creation time in unix seconds as it says."""
    shown = store.version(playback)
    ready = _ready(playback)
    return {
        "status": playback["status"],
        "video_id": shown["video_id"],
        "name": playback["name"],
        "length": shown["length"],
        "total_size": shown["total_size"],
        "total_transcode_size": _transcoded(playback, shown),
        "total_ext_media_size": 0,  # no students' or auxiliary cameras' videos here
        "preface_url": _cover(shown["video_id"]) if ready else None,
        "publish_status": playback["publish_status"],
        "create_time": int(playback["create_time"]),
    }


def _room(call: Call, name: str = "room_id") -> dict[str, Any]:
    return call.store(RoomStore).get(call.args[name])


def _session(room: dict[str, Any], value: Any, param: str = "session_id") -> str:
    session_id = session_text(value)
    if room.get("is_long_term") and not session_id:
        raise PlatformError(1001, f"{param}: required for a long-term room's playback")
    return session_id


def _playback(
    call: Call, room_key: str = "room_id", session_key: str = "session_id"
) -> dict[str, Any]:
    """The playback a call names, or 3001/3002 for the room, 1001 for a missing playback."""
    room = _room(call, room_key)
    session_id = _session(room, call.args.get(session_key), session_key)
    found = call.store(PlaybackStore).find(room["room_id"], session_id)
    if found is None:
        where = f" session {session_id}" if session_id else ""
        raise PlatformError(1001, f"{room_key}: room {room['room_id']}{where} has no playback")
    return found


# --------------------------------------------------------------------------- handlers
@service.handles(Playback.get_basic_info)
def get_basic_info(call: Call) -> dict[str, Any]:
    room = _room(call)
    session_id = _session(room, call.args.get("session_id"))
    store = call.store(PlaybackStore)
    found = store.find(room["room_id"], session_id)
    if found is None:  # the vendor's table: nothing but the status until it is generated
        return {"status": PlaybackStatus.NOT_GENERATED}
    return _basic_info(store, found)


@service.handles(Playback.get_list)
def get_list(call: Call) -> dict[str, Any]:
    store = call.store(PlaybackStore)
    page, size = call.page_args(100)
    room_id = call.args.get("room_id")
    product = int(call.args.get("product_type") or 0)
    room = None if room_id is None else str(room_id)
    versions: list[tuple[dict[str, Any], int | None]]
    if call.args.get("crop_video"):
        listed, total = store.version_page(product, room, page, size)
        versions = [*listed]
    else:
        rows, total = store.page(product, room, page, size)
        versions = [(r, None) for r in rows]
    rooms = sorted({str(p["room_id"]) for p, _ in versions})
    plays = call.store(PlayStore).playback_play_times(rooms)
    items = [_item(store, playback, plays, shown) for playback, shown in versions]
    return {"list": items, "total": total, "page": page, "limit": size}


@service.handles(Playback.get_player_token)
def get_player_token(call: Call) -> dict[str, Any]:
    room = _room(call)
    token = call.store(VideoStore).issue(
        "playback", room["room_id"], call.args.get("session_id"), expiry(call)
    )
    return {"token": token}


@service.handles(Playback.get_player_token_batch)
def get_player_token_batch(call: Call) -> dict[str, str]:
    """An object of ``room_id`` (or ``room_id-session_id``, as asked) to token, as a typed
    peer reads it (lizhongyuan3/cloud-live BjPlaybackApi: ``Map<String, String>``)."""
    out: dict[str, str] = {}
    for entry in call.args["room_ids"]:
        room_id, _, session_id = str(entry).partition("-")
        room = call.store(RoomStore).get(room_id)
        token = call.store(VideoStore).issue("playback", room["room_id"], session_id, expiry(call))
        out[f"{room['room_id']}-{session_id}" if session_id else str(room["room_id"])] = token
    return out


@service.handles(Playback.get_session_list)
def get_session_list(call: Call) -> dict[str, Any]:
    room = _room(call)
    store = call.store(PlaybackStore)
    sessions = [p for p in store.of_room(room["room_id"]) if p["session_id"]]
    page, size = call.page_args(max(1, len(sessions)))
    chosen = sessions[(page - 1) * size : page * size]
    return {
        "list": [
            {
                "session_id": p["session_id"],
                "status": p["status"],
                "video_id": store.version(p)["video_id"],
                "length": store.version(p)["length"],
                "create_time": beijing(p["create_time"]),
            }
            for p in chosen
        ],
        "total": len(sessions),
        "page": page,
        "limit": size,
    }


@service.handles(Playback.set_publish_status)
def set_publish_status(call: Call) -> dict[str, Any]:
    playback = _playback(call)
    call.store(PlaybackStore).update(playback, publish_status=call.args["status"])
    return {"status": call.args["status"]}


@service.handles(Playback.delete)
def delete(call: Call) -> None:
    playback = _playback(call)
    store = call.store(PlaybackStore)
    version = call.args.get("version")
    if version is None:
        store.delete(playback)
        return
    if version == 0:
        raise PlatformError(1001, "version: the recording goes with the playback (leave it out)")
    found = store.version(playback, version)
    store.delete_version(found)
    if playback["main_version"] == found["version"]:
        store.update(playback, main_version=0)


@service.handles(Playback.update)
def update(call: Call) -> None:
    playback = _playback(call)
    call.store(PlaybackStore).update(playback, name=call.args["name"])


@service.handles(Playback.get_crop_list)
def get_crop_list(call: Call) -> dict[str, Any]:
    playback = _playback(call)
    store = call.store(PlaybackStore)
    page, size = call.page_args(100)
    product = int(call.args.get("product_type") or 0)
    versions = store.versions(playback) if product in (0, playback["product"]) else []
    chosen = versions[(page - 1) * size : page * size]
    return {
        "list": [
            {
                "room_id": playback["room_id"],
                "session_id": _session_out(playback["session_id"]),
                "version": v["version"],
                "name": v["name"],
                "video_id": v["video_id"],
                "length": v["length"],
                "is_main": int(v["version"] == playback["main_version"]),
                "source": v["source"],
                "create_time": beijing(v["create_time"]),
            }
            for v in chosen
        ],
        "total": len(versions),
        "page": page,
        "limit": size,
    }


@service.handles(Playback.set_main_version)
def set_main_version(call: Call) -> None:
    playback = _playback(call)
    store = call.store(PlaybackStore)
    version = store.version(playback, call.args["version"])
    store.update(playback, main_version=version["version"])


def _ppt(playback: dict[str, Any]) -> dict[str, Any]:
    session = playback["session_id"]
    return {
        "room_id": playback["room_id"],
        "session_id": _session_out(session),
        "date": beijing(playback["create_time"])[:10],
        "url": (
            f"https://ppt.sandbox.invalid/{playback['room_id']}/{session or 0}.pdf"
            if _ready(playback)
            else None
        ),
    }


@service.handles(Playback.get_playback_ppt_url_list)
def get_playback_ppt_url_list(call: Call) -> dict[str, Any]:
    room = _room(call)
    day = call.args.get("date")
    playbacks = call.store(PlaybackStore).of_room(room["room_id"])
    listed = [_ppt(p) for p in playbacks]
    if day is not None:
        listed = [p for p in listed if p["date"] == day.isoformat()]
    return {"list": listed}


@service.handles(Playback.get_playback_ppt_url)
def get_playback_ppt_url(call: Call) -> dict[str, Any]:
    return _ppt(_playback(call))


@service.handles(Playback.replace_playback)
def replace_playback(call: Call) -> None:
    args = call.args
    store = call.store(PlaybackStore)
    source = _playback(call, "source_room_id", "source_session_id")
    if not _ready(source):
        raise PlatformError(1001, "source_room_id: the source playback is not ready")
    taken = store.version(source, args.get("source_version"))
    target_room = _room(call, "target_room_id")
    target_session = _session(target_room, args.get("target_session_id"), "target_session_id")
    target = store.find(target_room["room_id"], target_session)
    if args["type"] == 1:
        if target is None:
            raise PlatformError(1001, "target_room_id: the target has no playback to replace")
        replaced = store.version(target, args.get("target_version"))
        store.set_version(
            replaced,
            source="playback",
            video_id=taken["video_id"],
            length=taken["length"],
            total_size=taken["total_size"],
            create_time=call.now,
        )
        number = int(replaced["version"])
    else:
        if target is None:
            target = store.create(target_room, target_session, PlaybackStatus.READY, call.now)
        number = store.add_version(
            target_room["room_id"],
            target_session,
            "playback",
            taken["name"],
            int(taken["length"]),
            int(taken["video_id"]),
            call.now,
        )
    if args.get("is_replace_main"):
        store.update(target, main_version=number)


@service.handles(Playback.replace_playback_by_video)
def replace_playback_by_video(call: Call) -> None:
    room = _room(call, "target_room_id")
    video = call.store(VideoStore).ready_video(call.args["video_id"])
    store = call.store(PlaybackStore)
    sessions = [p for p in store.of_room(room["room_id"]) if p["session_id"]]
    session_id = sessions[-1]["session_id"] if room.get("is_long_term") and sessions else ""
    target = store.find(room["room_id"], session_id)
    if target is None:
        target = store.create(room, session_id, PlaybackStatus.READY, call.now)
    number = store.add_version(
        room["room_id"],
        session_id,
        "video",
        str(video["name"]),
        int(video["length"] or 1),
        int(video["video_id"]),
        call.now,
    )
    store.update(target, main_version=number)


# --------------------------------------------------------------------------- controls
@service.controls
class PlaybackControls(Controls):
    """Playbacks the platform generates itself: ``sandbox.playback``
    (also ``sandbox.playbacks``)."""

    def _playback(self, room_id: str, session_id: str | None) -> tuple[str, dict[str, Any]]:
        """The named playback (a long-term room's newest session when none is named);
        made as if the class had been recorded when there is none."""
        partner_id = RoomStore.owner(self.env, str(room_id))
        room = RoomStore(self.env, partner_id).get(room_id)
        store = PlaybackStore(self.env, partner_id)
        session = session_text(session_id)
        if room.get("is_long_term") and not session:
            sessions = [p for p in store.of_room(room["room_id"]) if p["session_id"]]
            if not sessions:
                raise PlatformError(1001, "session_id: name the session of a long-term room")
            session = sessions[-1]["session_id"]
        found = store.find(room["room_id"], session)
        if found is None:  # as if the class had been recorded
            found = store.create(room, session, PlaybackStatus.GENERATING, self.env.now())
        return partner_id, found

    @route("POST", "/_sandbox/playback/{room_id}/status")
    def set_playback_status(
        self, room_id: str, status: int, session_id: str | None = None
    ) -> dict[str, Any]:
        """Mark a room's playback transcoding (20), failed (30) or ready (100); sends it.

        A room without a playback gets one (as if its class had been recorded).
        Returns the delivery report (``delivered`` False without a callback URL).
        """
        if status not in STATUSES:
            raise PlatformError(1001, "status: must be 20, 30 or 100")
        partner_id, playback = self._playback(room_id, session_id)
        store = PlaybackStore(self.env, partner_id)
        store.update(playback, status=status)
        main = store.version(playback)
        fields: dict[str, Any] = {
            "video_id": main["video_id"],
            "room_id": str(room_id),
            "session_id": playback["session_id"],
            "status": status,
        }
        if status == PlaybackStatus.READY:
            fields.update(
                preface_url=_cover(main["video_id"]),
                total_size=main["total_size"],
                total_transcode_size=main["total_size"] // 2,
                length=main["length"],
                file_md5=f"{self.env.ids.integer(0, 2**128 - 1):032x}",
                now_definition="16,1,2",
                origin_definition="2",
            )
        return notify_transcode(self.env, partner_id, fields)

    @route("POST", "/_sandbox/playback/{room_id}/crops", result="version")
    def add_crop(
        self,
        room_id: str,
        session_id: str | None = None,
        name: str | None = None,
        length: int | None = None,
    ) -> int:
        """Add a crop of a playback (what the console's editor makes); returns its version."""
        partner_id, playback = self._playback(room_id, session_id)
        store = PlaybackStore(self.env, partner_id)
        recording = store.version(playback, 0)
        seconds = length if length is not None else max(1, int(recording["length"]) // 2)
        if not 1 <= seconds <= int(recording["length"]):
            raise PlatformError(1001, "length: a crop lasts between 1 s and the recording")
        return store.add_version(
            playback["room_id"],
            playback["session_id"],
            "crop",
            name or f"{playback['name']} (crop)",
            seconds,
            None,
            self.env.now(),
        )

    def playback(self, room_id: str, session_id: str | None = None) -> dict[str, Any] | None:
        """A room's playback row as stored (None when there is none)."""
        partner_id = RoomStore.owner(self.env, str(room_id))
        return PlaybackStore(self.env, partner_id).find(str(room_id), session_text(session_id))


# --------------------------------------------------------------------------- the player page
@service.page("/web/playback/index")
def player_page(env: Env, request: SandboxRequest) -> SandboxResponse:
    """The playback player a playback link opens: checks the token, records a play."""
    query = link_query(request, "classid", "token")
    if isinstance(query, SandboxResponse):
        return query
    token, room_id = query["token"], query["classid"]
    found = player_token(env, "playback", token, room_id, query.get("session_id"))
    if isinstance(found, Refused):
        return html_page(403, found.title, found.text)
    partner_id, row = found
    store = PlaybackStore(env, partner_id)
    playback = store.find(room_id, row["session_id"] or session_text(query.get("session_id")))
    if playback is None:
        return html_page(404, "No playback", f"room {room_id} has no playback")
    if playback["status"] != PlaybackStatus.READY:
        return html_page(409, "Not ready", f"the playback of room {room_id} is being generated")
    if playback["publish_status"] == PublishStatus.BLOCKED:
        return html_page(403, "Blocked", f"the playback of room {room_id} is not published")
    version = store.version(playback)
    viewer = (request.client_host, request.headers.get("user-agent"))
    record_playback_play(PlayStore(env, partner_id), playback, version, env.now(), *viewer)
    return html_page(200, "Player", f"playing playback {room_id} version {version['version']}")


# --------------------------------------------------------------------------- the console
def status_label(status: int) -> str:
    """A playback status as the console shows it: the SDK's own name for it."""
    try:
        return PlaybackStatus(status).name.lower().replace("_", " ")
    except ValueError:
        return str(status)


def publish_label(status: int) -> str:
    """A publish status as the console shows it: the SDK's own name for it."""
    try:
        return PublishStatus(status).name.lower()
    except ValueError:
        return str(status)


@service.action("playback_status")
def playback_status_action(controls: PlaybackControls, form: dict[str, str]) -> Any:
    return controls.set_playback_status(form["room_id"], int(form["status"]))


@service.panel("room")
def playbacks_panel(view: PanelView) -> str:
    """A room's playbacks, their status and publish status."""
    assert view.room_id is not None
    rows = "".join(
        f"<tr><td>{escape(p['session_id'] or '—')}</td><td>{escape(p['name'])}</td>"
        f"<td>{escape(status_label(p['status']))}</td>"
        f"<td>{escape(publish_label(p['publish_status']))}</td></tr>"
        for p in PlaybackStore(view.env, view.partner).of_room(view.room_id)
    )
    headers = ("session", "name", "status", "published")
    return f"<section><h2>Playbacks</h2>{table(headers, rows)}</section>"


@service.panel("room_steer")
def playback_steering(view: PanelView) -> str:
    options = "".join(
        f"<option value='{s}'{' selected' if s == PlaybackStatus.READY else ''}>"
        f"{s} {escape(status_label(s))}</option>"
        for s in STATUSES
    )
    return view.form(
        "playback_status",
        f"<label>playback status <select name='status'>{options}</select></label>",
        "set playback status",
        room_id=view.room_id,
    )
