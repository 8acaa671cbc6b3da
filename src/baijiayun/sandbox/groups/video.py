"""``video``: videos on demand (``/openapi/video/*``), the upload host files are sent to,
the video player page (``/web/video/player``), and the console's video steering.

The videos, their uploads in progress and the player tokens are state other
groups read too (``state/videos.py``, where a video's life is told).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from ... import links as _links
from ...api import Video
from ...api.playback import PublishStatus
from ...api.video import VideoStatus
from ..core.db import Env
from ..core.forms import BadRequest, read_form
from ..core.http import PlatformError, SandboxRequest, SandboxResponse, json_response
from ..core.service import Call, Controls, PanelView, Service, route
from ..core.util import beijing, html_page, link_query
from ..state import plays, videos
from ..state.plays import PlayStore, record_video_play
from ..state.videos import (
    STATUSES,
    Refused,
    VideoStore,
    cover,
    csv_ints,
    csv_text,
    expiry,
    notify_transcode,
    player_token,
    transcoded_size,
)

__all__ = ["VideoControls", "service"]

service = Service("video", uses=(videos.service, plays.service), aliases=("media",))

UPLOAD_PATH = "/_upload/video"
UPLOAD_OK = 1
"""The upload host's code for an accepted chunk (what public integrations read as success)."""
DEFINITION_SIZES = {16: (640, 360), 1: (960, 540), 2: (1280, 720), 4: (1280, 720), 8: (1920, 1080)}
FORMAT_EXTENSIONS = {"mp4": "mp4", "m3u8": "m3u8", "flv": "flv", "encrypt": "ev1"}
URL_LIFETIME = 12 * 3600
DEFINITION_NAMES = {16: "low", 1: "high", 2: "superHD", 4: "720p", 8: "1080p"}
"""``play_info``'s keys in ``video/getUrl``: a public caller asks for definition 16 and
reads ``play_info.low`` (code index id 17753618801); the other names are the sandbox's."""
STATUS_INFO: dict[int, str] = {
    VideoStatus.UPLOADING: "上传中",
    VideoStatus.TRANSCODING: "转码中",
    VideoStatus.FAILED: "转码失败",
    VideoStatus.TRANSCODE_TIMEOUT: "转码超时",
    VideoStatus.UPLOAD_TIMEOUT: "上传超时",
    VideoStatus.READY: "转码成功",
}
"""``info`` of ``video/getStatus`` (a Go client reads ``{status, info}``, code index id
10971003336; "转码成功" is the ready text, the others are the sandbox's)."""
CATEGORY_LEVELS = 5
"""``category_level1_id`` .. ``category_level5_id`` of a listed video (code index id
11976531374, CategoryVideo.java); categories are two levels deep here, the rest are 0."""
AUDITED = 1
"""``audit_status`` of every video here (the sandbox reviews nothing)."""
MAX_VIDEO_SIZE = 8 * 1024**3
"""The largest file the upload host takes (8 GiB; a larger declared total is refused, 4001)."""
_RANGE_RE = re.compile(r"bytes ([0-9]+)-([0-9]+)/([0-9]+)\Z")


# --------------------------------------------------------------------------- the upload host
def _upload_answer(code: int, msg: str, data: Any = None) -> SandboxResponse:
    return json_response({"code": code, "msg": msg, "data": data})


def _chunk_data(request: SandboxRequest) -> bytes:
    """The bytes of the request's ``data`` file part (or the whole body if not multipart)."""
    ctype = request.headers.get("content-type", "")
    if not ctype.startswith("multipart/form-data"):
        return request.body
    match = re.search(r'boundary="?([^";]+)"?', ctype)
    if match is None:
        raise BadRequest("multipart body without a boundary")
    delimiter = b"--" + match.group(1).encode("latin-1")
    body = request.body
    if body.startswith(delimiter) and body.count(delimiter) == 2:  # one part: the fast way
        head_end = body.find(b"\r\n\r\n", len(delimiter))
        last = body.rfind(b"\r\n" + delimiter + b"--")
        if head_end < 0 or last < head_end:
            raise BadRequest("malformed multipart body")
        if b'name="data"' not in body[len(delimiter) : head_end]:
            raise BadRequest("the file part must be named data")
        return body[head_end + 4 : last]
    _, files = read_form(request)
    if "data" not in files:
        raise BadRequest("the file part must be named data")
    return files["data"]


@service.serves(UPLOAD_PATH)
def upload_host(env: Env, request: SandboxRequest) -> SandboxResponse:
    """Receive one chunk of a video file (see the module docstring)."""
    if request.method.upper() != "POST":
        return _upload_answer(4001, "POST the file to the upload URL")
    query = dict(parse_qsl(request.query))
    video_text, token = query.get("video_id", ""), query.get("token", "")
    partner_id = (
        VideoStore.upload_owner(env, int(video_text), token)
        if video_text.isdigit() and len(video_text) < 19 and token
        else None
    )
    if partner_id is None:
        return _upload_answer(4001, "the upload URL is not valid")
    video_id = int(video_text)
    try:
        data = _chunk_data(request)
    except BadRequest as exc:
        return _upload_answer(4001, str(exc))
    if not data:
        return _upload_answer(4001, "the chunk is empty: send the file's bytes")
    content_range = request.headers.get("content-range")
    if content_range is None:
        start, total = 0, len(data)
    else:
        match = _RANGE_RE.match(content_range.strip())
        if match is None:
            return _upload_answer(4001, "Content-Range must be bytes first-last/total")
        start, last, total = (int(g) for g in match.groups())
        if last - start + 1 != len(data):
            return _upload_answer(4001, "Content-Range does not match the chunk's size")
    if total > MAX_VIDEO_SIZE:
        return _upload_answer(4001, f"the file is larger than {MAX_VIDEO_SIZE} bytes")
    store = VideoStore(env, partner_id)
    try:
        held = store.receive(video_id, start, total, data, env.now())
    except PlatformError as exc:
        return _upload_answer(exc.code, exc.msg)
    return _upload_answer(
        UPLOAD_OK, "ok", {"video_id": video_id, "upload_size": held, "total_size": total}
    )


# --------------------------------------------------------------------------- handlers
def _upload_url(call: Call, video_id: int, token: str) -> str:
    base = call.base_url or "http://sandbox.local/"
    if call.args.get("use_https"):
        base = "https://" + base.split("://", 1)[1]
    return f"{base}{UPLOAD_PATH.lstrip('/')}?video_id={video_id}&token={token}"


@service.handles(Video.get_upload_url)
def get_upload_url(call: Call) -> dict[str, Any]:
    store = call.store(VideoStore)
    args = call.args
    settings: dict[str, Any] = {k: args[k] for k in ("audio_with_view", "encrypt") if k in args}
    video_id = store.add_video(
        args["file_name"],
        call.now,
        definitions=csv_text(args["definition"]),
        formats=csv_text(args.get("format") or [1, 2, 4]),
        settings=settings,
    )
    store.forget_upload(video_id)
    return {
        "video_id": video_id,
        "upload_url": _upload_url(call, video_id, store.upload_token(video_id)),
    }


@service.handles(Video.get_resume_upload_url)
def get_resume_upload_url(call: Call) -> dict[str, Any]:
    store = call.store(VideoStore)
    video = store.video(call.args["video_id"])
    video_id = int(video["video_id"])
    return {
        "video_id": video_id,
        "upload_url": _upload_url(call, video_id, store.upload_token(video_id)),
        "upload_size": int(video["upload_size"]),
    }


@service.handles(Video.get_status)
def get_status(call: Call) -> dict[str, Any]:
    """``{status, info}`` as the only typed peer reads it (no ``video_id`` echoed)."""
    video = call.store(VideoStore).video(call.args["video_id"])
    status = int(video["status"])
    return {"status": status, "info": STATUS_INFO.get(status, str(status))}


def _levels(video: dict[str, Any], parents: dict[int, int]) -> dict[str, int]:
    """The video's category path: level 1 the top category, level 2 a subcategory."""
    category = int(video["category_id"])
    path = [parents[category], category] if parents.get(category) else [category]
    path = [c for c in path if c] + [0] * CATEGORY_LEVELS
    return {f"category_level{n + 1}_id": path[n] for n in range(CATEGORY_LEVELS)}


def _summary(video: dict[str, Any], parents: dict[int, int]) -> dict[str, Any]:
    """A video: the fields a public consumer of ``video/getCategoryVideo`` reads (code
    index ids 11976531374 + 11997676337), ``create_time`` in unix seconds as there (a
    listing sends ``length`` as text, as there too); ``category_id`` is the sandbox's own."""
    ready = video["status"] == VideoStatus.READY
    uploaded = video["file_md5"] is not None
    return {
        "video_id": video["video_id"],
        "name": video["name"],
        "status": video["status"],
        "publish_status": video["publish_status"],
        "audit_status": AUDITED,
        "category_id": video["category_id"],
        **_levels(video, parents),
        "length": video["length"],
        "total_size": video["total_size"],
        "total_transcode_size": transcoded_size(video),
        "file_md5": video["file_md5"],
        "origin_definition": "2" if uploaded else None,
        "preface_url": cover(video["video_id"]) if ready else None,
        "create_time": int(video["create_time"]),
    }


def _parents(store: VideoStore, videos: list[dict[str, Any]]) -> dict[int, int]:
    return store.parents([int(v["category_id"]) for v in videos if v["category_id"]])


@service.handles(Video.get_info)
def get_info(call: Call) -> dict[str, Any]:
    store = call.store(VideoStore)
    video = store.video(call.args["video_id"])
    return {
        **_summary(video, _parents(store, [video])),
        "now_definition": video["now_definition"] or None,
        "update_time": beijing(video["update_time"]),
    }


@service.handles(Video.get_image)
def get_image(call: Call) -> dict[str, Any]:
    video = call.store(VideoStore).video(call.args["video_id"])
    if video["status"] != VideoStatus.READY:
        return {"list": []}
    length = int(video["length"] or 1)
    times = sorted({0, length // 2, max(0, length - 1)})
    base = f"https://img.sandbox.invalid/video/{video['video_id']}"
    return {"list": [{"url": f"{base}/shot-{t}.jpg", "time": t} for t in times]}


@service.handles(Video.remove_definition)
def remove_definition(call: Call) -> None:
    store = call.store(VideoStore)
    video = store.ready_video(call.args["video_id"])
    removed = set(call.args["definition"])
    kept = [d for d in csv_ints(video["now_definition"]) if d not in removed]
    store.update_video(video["video_id"], call.now, now_definition=csv_text(kept))


@service.handles(Video.transcode_again)
def transcode_again(call: Call) -> None:
    store = call.store(VideoStore)
    video = store.video(call.args["video_id"])
    if video["status"] in (VideoStatus.UPLOADING, VideoStatus.TRANSCODING):
        raise PlatformError(1001, f"video_id: video {video['video_id']} is not transcoded yet")
    wanted = csv_ints(video["definitions"]) + list(call.args["definition"])
    columns: dict[str, Any] = {
        "definitions": csv_text(dict.fromkeys(wanted)),
        "status": int(VideoStatus.TRANSCODING),
    }
    if call.args.get("format"):
        columns["formats"] = csv_text(call.args["format"])
    store.update_video(video["video_id"], call.now, **columns)


@service.handles(Video.update)
def update(call: Call) -> dict[str, Any]:
    store = call.store(VideoStore)
    video = store.video(call.args["video_id"])
    store.update_video(video["video_id"], call.now, name=call.args["name"])
    return {"video_id": video["video_id"]}


@service.handles(Video.delete)
def delete(call: Call) -> dict[str, Any]:
    store = call.store(VideoStore)
    video = store.video(call.args["video_id"])
    store.update_video(video["video_id"], call.now, deleted=1)
    store.forget_upload(video["video_id"])
    return {"video_id": video["video_id"]}


def _category(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "category_id": row["category_id"],
        "name": row["name"],
        "parent_id": row["parent_id"],
        "create_time": beijing(row["create_time"]),
    }


@service.handles(Video.get_category_list)
def get_category_list(call: Call) -> dict[str, Any]:
    """The category tree as a public consumer parses it (code index ids 12235219154,
    12353251005): ``id`` (not ``category_id``), ``parent_id``, ``level``, ``name``,
    ``video_count`` (a top category's counts its subcategories' videos too) and, on a top
    category, ``children``."""
    store = call.store(VideoStore)
    counts = store.video_counts()
    rows = store.categories()
    children: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        children.setdefault(int(row["parent_id"]), []).append(row)

    def node(row: dict[str, Any], level: int) -> dict[str, Any]:
        return {
            "parent_id": int(row["parent_id"]),
            "id": int(row["category_id"]),
            "level": level,
            "name": row["name"],
            "video_count": counts.get(int(row["category_id"]), 0),
        }

    tree = []
    for top in children.get(0, []):
        subs = [node(sub, 2) for sub in children.get(int(top["category_id"]), [])]
        entry = node(top, 1)
        entry["video_count"] += sum(sub["video_count"] for sub in subs)
        tree.append({**entry, "children": subs})
    return {"list": tree}


@service.handles(Video.get_category_info)
def get_category_info(call: Call) -> dict[str, Any]:
    store = call.store(VideoStore)
    category_id = int(call.args.get("category_id") or 0)
    children = [_category(c) for c in store.categories(category_id)]
    if not category_id:  # the top level
        return {
            "category_id": 0,
            "name": "",
            "parent_id": None,
            "create_time": None,
            "children": children,
        }
    return {**_category(store.category(category_id)), "children": children}


@service.handles(Video.add_category)
def add_category(call: Call) -> dict[str, Any]:
    store = call.store(VideoStore)
    parent_id = int(call.args.get("parent_id") or 0)
    if parent_id and store.category(parent_id, "parent_id")["parent_id"]:
        raise PlatformError(1001, "parent_id: categories are two levels deep")
    return {"category_id": store.add_category(call.args["name"], parent_id, call.now)}


@service.handles(Video.delete_category)
def delete_category(call: Call) -> dict[str, Any]:
    store = call.store(VideoStore)
    category_id = int(store.category(call.args["category_id"])["category_id"])
    if store.videos_in([category_id]):
        raise PlatformError(1001, "category_id: the category holds videos")
    if store.categories(category_id):
        raise PlatformError(1001, "category_id: the category has subcategories")
    store.delete_category(category_id)
    return {"category_id": category_id}


def _video_page(call: Call, where: str, default_size: int, **params: Any) -> dict[str, Any]:
    page, size = call.page_args(default_size)
    store = call.store(VideoStore)
    rows, total = store.videos_page(where, page, size, **params)
    parents = _parents(store, rows)
    items = [_summary(r, parents) for r in rows]
    for item in items:  # the consumer of getCategoryVideo reads the length as text
        item["length"] = None if item["length"] is None else str(item["length"])
    return {"list": items, "total": total, "page": page, "limit": size}


@service.handles(Video.get_category_video)
def get_category_video(call: Call) -> dict[str, Any]:
    store = call.store(VideoStore)
    category_id = int(call.args["category_id"])
    if category_id:
        store.category(category_id)
    tree = store.category_tree(category_id) if category_id else [0]
    ids = ",".join(str(c) for c in tree)
    return _video_page(call, f" AND category_id IN ({ids})", 20)


@service.handles(Video.set_video_category)
def set_video_category(call: Call) -> None:
    store = call.store(VideoStore)
    video = store.video(call.args["video_id"])
    category_id = int(call.args["category_id"])
    if category_id:
        store.category(category_id)
    store.update_video(video["video_id"], call.now, category_id=category_id)


@service.handles(Video.get_player_token)
def get_player_token(call: Call) -> dict[str, Any]:
    """``{token, video_id}`` (a Go client's TokenList, code index id 10971003336)."""
    store = call.store(VideoStore)
    video_id = int(store.video(int(call.args["video_id"]))["video_id"])
    return {"token": store.issue("video", str(video_id), None, expiry(call)), "video_id": video_id}


@service.handles(Video.get_player_token_batch)
def get_player_token_batch(call: Call) -> dict[str, str]:
    """An object of video id to token, as a typed peer reads it (lizhongyuan3/cloud-live
    BjVideoApi: ``Map<String, String>``)."""
    store = call.store(VideoStore)
    out: dict[str, str] = {}
    for video_id in call.args["video_ids"]:
        store.video(int(video_id))
        out[str(int(video_id))] = store.issue("video", str(video_id), None, expiry(call))
    return out


@service.handles(Video.get_url)
def get_url(call: Call) -> dict[str, Any]:
    """``play_info``: the files by definition name (``play_info.low.url``, as a public
    caller reads it); the other fields are the sandbox's own."""
    video = call.store(VideoStore).ready_video(call.args["video_id"])
    video_id = int(video["video_id"])
    fmt = call.args.get("format") or "mp4"
    expires = int(call.now + (call.args.get("expires_in") or URL_LIFETIME))
    definitions = [d for d in csv_ints(video["now_definition"]) if d in DEFINITION_NAMES]
    size = transcoded_size(video) or 0
    each = size // max(1, len(definitions))
    largest = max(definitions, key=lambda d: DEFINITION_SIZES[d][0], default=None)
    width, height = DEFINITION_SIZES[largest] if largest is not None else (None, None)
    ext = FORMAT_EXTENSIONS[fmt]
    return {
        "video_id": video_id,
        "format": fmt,
        "length": video["length"],
        "width": width,
        "height": height,
        "expire_time": beijing(expires),
        "play_info": {
            DEFINITION_NAMES[d]: {
                "url": f"https://vod.sandbox.invalid/{video_id}/{d}.{ext}?expires={expires}",
                "size": each,
            }
            for d in definitions
        },
    }


@service.handles(Video.set_publish_status)
def set_publish_status(call: Call) -> dict[str, Any]:
    store = call.store(VideoStore)
    video = store.video(call.args["video_id"])
    store.update_video(video["video_id"], call.now, publish_status=call.args["status"])
    return {"status": call.args["status"]}


@service.handles(Video.get_share_url)
def get_share_url(call: Call) -> dict[str, Any]:
    store = call.store(VideoStore)
    video_id = int(store.video(call.args["video_id"])["video_id"])
    token = store.issue("video", str(video_id), None, None)
    url = _links.video_url(call.base_url or "http://sandbox.local/", video_id, token)
    return {
        "share_url": url,
        "iframe": f'<iframe src="{url}" width="640" height="360" allowfullscreen></iframe>',
        "js": f'<script src="{url.replace("/web/video/player", "/web/video/share.js")}"></script>',
        "flash": None,
    }


@service.handles(Video.get_video_list)
def get_video_list(call: Call) -> dict[str, Any]:
    since = call.args.get("create_time")
    if since is None:
        return _video_page(call, "", 20)
    return _video_page(call, " AND create_time >= :since", 20, since=since.timestamp())


# --------------------------------------------------------------------------- controls
def _check_status(status: int) -> None:
    if status not in STATUSES:
        raise PlatformError(1001, "status: must be 20, 30 or 100")


@service.controls
class VideoControls(Controls):
    """Videos the platform processes itself: ``sandbox.video`` (also ``sandbox.media``)."""

    @route("POST", "/_sandbox/videos", result="video_id")
    def create_video(self, name: str = "sandbox video", partner_id: str | None = None) -> int:
        """Add a VOD video as if the partner had uploaded it (status 20); returns its id."""
        store = VideoStore(self.env, partner_id or self.env.default_partner)
        size = self.env.ids.integer(1_000_000, 900_000_000)
        file = {
            "total_size": size,
            "file_md5": f"{self.env.ids.integer(0, 2**128 - 1):032x}",
            "length": self.env.ids.integer(60, 7200),
        }
        return store.add_video(name, self.env.now(), status=VideoStatus.TRANSCODING, file=file)

    @route("POST", "/_sandbox/videos/{video_id}/status")
    def set_video_status(self, video_id: int, status: int) -> dict[str, Any]:
        """Mark a video uploaded (20), failed (30) or transcoded (100); sends the callback.

        Transcoding makes the requested definitions ready. Returns the delivery
        report (``delivered`` False and no ``url`` when no callback URL is set).
        """
        _check_status(status)
        partner_id = VideoStore.owner(self.env, int(video_id))
        store = VideoStore(self.env, partner_id)
        video = store.video(int(video_id))
        if video["status"] == VideoStatus.UPLOADING and status != VideoStatus.FAILED:
            raise PlatformError(1001, f"video_id: video {video_id} is still uploading")
        columns: dict[str, Any] = {"status": status}
        if status == VideoStatus.READY:
            columns["now_definition"] = video["definitions"]
        store.update_video(int(video_id), self.env.now(), **columns)
        video.update(columns)
        fields: dict[str, Any] = {"video_id": int(video_id), "status": status}
        if status == VideoStatus.READY:
            fields.update(
                preface_url=cover(int(video_id)),
                total_size=video["total_size"],
                total_transcode_size=transcoded_size(video),
                length=video["length"],
                file_md5=video["file_md5"],
                now_definition=video["now_definition"],
                origin_definition="2",
            )
        return notify_transcode(self.env, partner_id, fields)

    def video(self, video_id: int) -> dict[str, Any]:
        """A video's row (any partner's), as stored."""
        partner_id = VideoStore.owner(self.env, int(video_id))
        return VideoStore(self.env, partner_id).video(int(video_id))


# --------------------------------------------------------------------------- the player page
@service.page("/web/video/player")
def player_page(env: Env, request: SandboxRequest) -> SandboxResponse:
    """The video player a video link opens: checks the token, records a play."""
    query = link_query(request, "vid", "token")
    if isinstance(query, SandboxResponse):
        return query
    token, target = query["token"], query["vid"]
    found = player_token(env, "video", token, target, None)
    if isinstance(found, Refused):
        return html_page(403, found.title, found.text)
    partner_id, _ = found
    video_id = int(target)
    video = VideoStore(env, partner_id).find(video_id)
    if video is None:
        return html_page(404, "No video", f"no video {video_id}")
    if video["status"] != VideoStatus.READY:
        return html_page(409, "Not ready", f"video {video_id} is not transcoded yet")
    if video["publish_status"] == PublishStatus.BLOCKED:
        return html_page(403, "Blocked", f"video {video_id} is not published")
    viewer = (request.client_host, request.headers.get("user-agent"))
    record_video_play(PlayStore(env, partner_id), video, env.now(), *viewer)
    return html_page(200, "Player", f"playing video {video_id}")


# --------------------------------------------------------------------------- the console
@service.action("video_status")
def video_status_action(controls: VideoControls, form: dict[str, str]) -> Any:
    return controls.set_video_status(int(form["video_id"]), int(form["status"]))


@service.panel("steer")
def video_steering(view: PanelView) -> str:
    options = "".join(
        f"<option value='{s}'{' selected' if s == VideoStatus.READY else ''}>"
        f"{s} {VideoStatus(s).name.lower()}</option>"
        for s in STATUSES
    )
    return view.form(
        "video_status",
        "<label>video id <input name='video_id'></label>"
        f"<label>status <select name='status'>{options}</select></label>",
        "set video status",
    )
