"""``small_course``: small classes' daily, per-room and per-user costs, derived from
attendance by the rules of ``state/usage.py``.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Any

from ...api import SmallCourse
from ..core.service import Call, Service
from ..state import rooms, usage
from ..state.rooms import RoomStore
from ..state.usage import (
    STUDENT,
    TARIFF,
    Usage,
    UsageStore,
    Visit,
    by_day,
    by_room,
    day_bounds,
    money,
    range_bounds,
    small_class_products,
)

__all__ = ["service"]

service = Service("small_course", uses=(rooms.service, usage.service))


def room_cost(visits: list[Visit], now: float) -> dict[str, Any]:
    usage = Usage.of(visits, now)
    return {
        "room_minutes": usage.room_minutes,
        "user_minutes": usage.student_minutes,
        "user_count": usage.user_count,
        "amount": money(usage.small_class_amount()),
    }


@service.handles(SmallCourse.get_daily_cost)
def get_daily_cost(call: Call) -> dict[str, Any]:
    _, _, start, end = range_bounds(call)
    products = small_class_products(call.args.get("product_type"))
    visits = [v for v in call.store(UsageStore).begun(start, end) if v.product in products]
    cost = []
    for day, found in sorted(by_day(visits).items()):
        used = [Usage.of(room, call.now) for room in by_room(found).values()]
        cost.append(
            {
                "date": day.isoformat(),
                "room_count": len(used),
                "room_minutes": sum(u.room_minutes for u in used),
                "user_minutes": sum(u.student_minutes for u in used),
                "amount": money(sum((u.small_class_amount() for u in used), Decimal(0))),
            }
        )
    return {"cost": cost}


@service.handles(SmallCourse.get_room_cost)
def get_room_cost(call: Call) -> dict[str, Any]:
    day: _dt.date = call.args["date"]
    products = small_class_products(call.args.get("product_type"))
    visits = [v for v in call.store(UsageStore).begun(*day_bounds(day)) if v.product in products]
    return {
        "room_cost": [
            {
                "room_id": room_id,
                "title": found[0].title,
                "date": day.isoformat(),
                **room_cost(found, call.now),
            }
            for room_id, found in by_room(visits).items()
        ]
    }


@service.handles(SmallCourse.get_user_cost)
def get_user_cost(call: Call) -> dict[str, Any]:
    day: _dt.date = call.args["date"]
    room = call.store(RoomStore).get(call.args["room_id"])
    products = small_class_products(call.args.get("product_type"))
    visits = []
    if room["product"] in products:
        visits = call.store(UsageStore).begun(*day_bounds(day), room_id=room["room_id"])
    users: dict[str, list[Visit]] = {}
    for visit in visits:
        users.setdefault(visit.user_number, []).append(visit)
    rate = TARIFF["small_class_per_student_minute"]
    entries = []
    for user_number, found in users.items():
        minutes = sum(v.minutes(call.now) for v in found)
        role = found[-1].user_role
        entries.append(
            {
                "user_number": user_number,
                "user_name": found[-1].user_name,
                "user_role": role,
                "minutes": minutes,
                "amount": money(minutes * rate if role == STUDENT else Decimal(0)),
            }
        )
    return {
        "room_id": str(room["room_id"]),
        "date": day.isoformat(),
        "list": entries,
        "amount": money(Usage.of(visits, call.now).small_class_amount()),
    }
