"""``video_data``: play records, rankings, daily counts and traffic per video, answered
from the plays the player pages record (``state/plays.py``).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from ...api import VideoData
from ..core.service import Call, Controls, Service
from ..core.util import beijing
from ..state import plays, rooms, videos
from ..state.plays import PlayStore, day_range
from ..state.rooms import RoomStore
from ..state.videos import VideoStore, session_text

__all__ = ["VideoDataControls", "service"]

service = Service(
    "video_data", uses=(rooms.service, videos.service, plays.service), aliases=("plays",)
)


# --------------------------------------------------------------------------- helpers
def _days(call: Call) -> list[str]:
    first: _dt.date = call.args["start_date"]
    last: _dt.date = call.args["end_date"]
    return [(first + _dt.timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def _product(call: Call) -> tuple[str, dict[str, Any]]:
    product = int(call.args.get("product_type") or 0)
    return (" AND product=:product", {"product": product}) if product else ("", {})


def _record(row: Any) -> dict[str, Any]:
    return {
        "video_id": row["video_id"],
        "room_id": row["room_id"],
        "session_id": row["session_id"],
        "start_time": beijing(row["time"]),
        "duration": row["duration"],
        "flow": row["flow"],
        "ip": row["ip"],
        "user_agent": row["user_agent"],
    }


def _records(call: Call, where: str, **params: Any) -> dict[str, Any]:
    page, size = call.page_args(100)
    start: _dt.datetime = call.args["start_time"]
    end: _dt.datetime = call.args["end_time"]
    rows, total = call.store(PlayStore).page(
        where + " AND time >= :start AND time <= :end",
        page,
        size,
        start=start.timestamp(),
        end=end.timestamp(),
        **params,
    )
    return {"list": [_record(r) for r in rows], "total": total, "page": page, "limit": size}


def _counts(counts: dict[str, int], days: list[str]) -> list[dict[str, Any]]:
    return [{"date": day, "play_count": counts.get(day, 0)} for day in days]


# --------------------------------------------------------------------------- video_data
@service.handles(VideoData.get_used_flow)
def get_used_flow(call: Call) -> dict[str, Any]:
    video_id = int(call.store(VideoStore).video(call.args["video_id"])["video_id"])
    flow = call.store(PlayStore).flow(
        " AND kind='video' AND video_id=:video_id AND day >= :first AND day <= :last",
        video_id=video_id,
        **day_range(call),
    )
    return {"flow": flow}


@service.handles(VideoData.get_video_play_record)
def get_video_play_record(call: Call) -> dict[str, Any]:
    video_id = int(call.store(VideoStore).video(call.args["video_id"])["video_id"])
    return _records(call, " AND kind='video' AND video_id=:video_id", video_id=video_id)


@service.handles(VideoData.export_video_report_batch)
def export_video_report_batch(call: Call) -> dict[str, Any]:
    where, params = _product(call)
    return _records(call, where, **params)


@service.handles(VideoData.get_playback_play_record)
def get_playback_play_record(call: Call) -> dict[str, Any]:
    room = call.store(RoomStore).get(call.args["room_id"])
    where, params = " AND kind='playback' AND room_id=:room_id", {"room_id": room["room_id"]}
    session_id = session_text(call.args.get("session_id"))
    if session_id:
        where += " AND session_id=:session"
        params["session"] = session_id
    return _records(call, where, **params)


@service.handles(VideoData.get_video_play_count_rank)
def get_video_play_count_rank(call: Call) -> dict[str, Any]:
    where, params = _product(call)
    return {"play_rank": call.store(PlayStore).rank(where, **params, **day_range(call))}


@service.handles(VideoData.get_video_daily_play_count)
def get_video_daily_play_count(call: Call) -> dict[str, Any]:
    video_id = int(call.store(VideoStore).video(call.args["video_id"])["video_id"])
    counts = call.store(PlayStore).daily(
        " AND kind='video' AND video_id=:video_id", video_id=video_id, **day_range(call)
    )
    return {"play_count": _counts(counts, _days(call))}


@service.handles(VideoData.get_partner_daily_play_count)
def get_partner_daily_play_count(call: Call) -> dict[str, Any]:
    where, params = _product(call)
    counts = call.store(PlayStore).daily(where, **params, **day_range(call))
    return {"play_count": _counts(counts, _days(call))}


@service.controls
class VideoDataControls(Controls):
    """What was watched: ``sandbox.video_data`` (also ``sandbox.plays``)."""

    def of(self, partner_id: str | None = None) -> list[dict[str, Any]]:
        """Every play of an account (the default one unless named), oldest first."""
        return PlayStore(self.env, partner_id or self.env.default_partner).plays()
