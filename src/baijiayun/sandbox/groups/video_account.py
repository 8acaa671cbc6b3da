"""``video_account``: the VOD account's transcode callback URL, storage and traffic used.

Answered from the accounts, the stored videos and playbacks, and the plays the
player pages record (``state/``).
"""

from __future__ import annotations

from typing import Any

from ...api import VideoAccount
from ..core.service import Call, Service
from ..state import accounts, playbacks, plays, videos
from ..state.accounts import PartnerStore
from ..state.playbacks import PlaybackStore
from ..state.plays import PlayStore, day_range
from ..state.videos import VideoStore

__all__ = ["service"]

service = Service(
    "video_account", uses=(accounts.service, videos.service, playbacks.service, plays.service)
)


@service.handles(VideoAccount.set_transcode_callback_url)
def set_transcode_callback_url(call: Call) -> dict[str, Any]:
    call.store(PartnerStore).set_callback_url("transcode", call.args["url"])
    return {"url": call.args["url"]}


@service.handles(VideoAccount.get_transcode_callback_url)
def get_transcode_callback_url(call: Call) -> dict[str, Any]:
    return {"url": call.store(PartnerStore).callback_url("transcode")}


@service.handles(VideoAccount.get_account_info)
def get_account_info(call: Call) -> dict[str, Any]:
    space = call.store(VideoStore).space_used() + call.store(PlaybackStore).space_used()
    return {"used_space": space, "used_flow": call.store(PlayStore).flow()}


@service.handles(VideoAccount.get_used_flow)
def get_used_flow(call: Call) -> dict[str, Any]:
    flow = call.store(PlayStore).flow(" AND day >= :first AND day <= :last", **day_range(call))
    return {"flow": flow}
