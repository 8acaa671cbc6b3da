"""``notice``: the notice templates a room is assigned (``state/settings.py``)."""

from __future__ import annotations

from typing import Any

from ...api import Notice
from ..core.service import Call, Service
from ..state import settings
from ..state.settings import SettingsStore, notice_item, product_arg, room_arg

__all__ = ["service"]

service = Service("notice", uses=(settings.service,))


@service.handles(Notice.get_room_notice_list)
def get_room_notice_list(call: Call) -> dict[str, Any]:
    notices = call.store(SettingsStore).room_templates("notice", room_arg(call), product_arg(call))
    return {"list": [notice_item(n) for n in notices]}


@service.handles(Notice.assign_room_notice)
def assign_room_notice(call: Call) -> None:
    call.store(SettingsStore).assign(
        "notice", room_arg(call), call.args["notice_ids"], "notice_ids"
    )


@service.handles(Notice.batch_delete_room_notice)
def batch_delete_room_notice(call: Call) -> None:
    call.store(SettingsStore).unassign(
        "notice", room_arg(call), call.args["notice_ids"], "notice_ids"
    )
