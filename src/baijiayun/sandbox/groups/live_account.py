"""``live_account``: the class callback URL, and peaks and costs derived from attendance.

Every figure is computed from the visits ``state/classroom.py`` records, by the
rules of ``state/usage.py`` (``docs/sandbox.md``).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from ..._wire import BEIJING
from ...api import LiveAccount
from ..core.service import Call, Service
from ..state import accounts, usage
from ..state.accounts import PartnerStore
from ..state.usage import (
    Usage,
    UsageStore,
    by_day,
    by_room,
    day_bounds,
    days,
    live_products,
    money,
    peaks,
    range_bounds,
)

__all__ = ["service"]

service = Service("live_account", uses=(accounts.service, usage.service))


@service.handles(LiveAccount.set_class_callback_url)
def set_class_callback_url(call: Call) -> dict[str, Any]:
    call.store(PartnerStore).set_callback_url("class", call.args["url"])
    return {"url": call.args["url"]}


@service.handles(LiveAccount.get_class_callback_url)
def get_class_callback_url(call: Call) -> dict[str, Any]:
    return {"url": call.store(PartnerStore).callback_url("class")}


@service.handles(LiveAccount.get_hour_peak_user)
def get_hour_peak_user(call: Call) -> dict[str, Any]:
    day: _dt.date = call.args["date"]
    start, end = day_bounds(day)
    product = call.args.get("product_type")
    visits = [
        v
        for v in call.store(UsageStore).overlapping(start, end)
        if not product or v.product == product
    ]
    windows = [(start + hour * 3600, start + (hour + 1) * 3600) for hour in range(24)]
    found = peaks(visits, call.now, windows)
    return {"date": day.isoformat(), "peak_user": {str(h): p for h, p in enumerate(found)}}


@service.handles(LiveAccount.get_day_peak_user)
def get_day_peak_user(call: Call) -> dict[str, Any]:
    first, last, start, end = range_bounds(call)
    product = call.args.get("product_type")
    visits = [
        v
        for v in call.store(UsageStore).overlapping(start, end)
        if not product or v.product == product
    ]
    dates = list(days(first, last))
    found = peaks(visits, call.now, [day_bounds(d) for d in dates])
    return {"peak_user": {d.isoformat(): p for d, p in zip(dates, found, strict=True)}}


@service.handles(LiveAccount.get_partner_daily_cost)
def get_partner_daily_cost(call: Call) -> dict[str, Any]:
    _, _, start, end = range_bounds(call)
    products = live_products(call.args.get("product_type"))
    visits = [v for v in call.store(UsageStore).begun(start, end) if v.product in products]
    cost = []
    for day, found in sorted(by_day(visits).items()):
        usage = Usage.of(found, call.now)
        cost.append(
            {
                "date": day.isoformat(),
                "user_count": usage.user_count,
                "minutes": usage.minutes,
                "amount": money(usage.live_amount()),
            }
        )
    return {"cost": cost}


@service.handles(LiveAccount.get_day_media_length)
def get_day_media_length(call: Call) -> dict[str, Any]:
    """Minutes of live classes per day (the sandbox's own answer: no public source shows
    the platform's); without dates, yesterday."""
    yesterday = _dt.datetime.fromtimestamp(call.now, BEIJING).date() - _dt.timedelta(days=1)
    first = call.args.get("start_date") or call.args.get("end_date") or yesterday
    last = call.args.get("end_date") or first
    products = live_products(call.args.get("product_type"))
    start, end = day_bounds(first)[0], day_bounds(last)[1]
    visits = [v for v in call.store(UsageStore).begun(start, end) if v.product in products]
    return {
        "list": [
            {"date": day.isoformat(), "media_length": Usage.of(found, call.now).minutes}
            for day, found in sorted(by_day(visits).items())
        ]
    }


@service.handles(LiveAccount.get_all_room_cost)
def get_all_room_cost(call: Call) -> dict[str, Any]:
    day: _dt.date = call.args["date"]
    products = live_products(call.args.get("product_type"))
    visits = [v for v in call.store(UsageStore).begun(*day_bounds(day)) if v.product in products]
    room_cost = []
    for room_id, found in by_room(visits).items():
        usage = Usage.of(found, call.now)
        room_cost.append(
            {
                "room_id": room_id,
                "title": found[0].title,
                "date": day.isoformat(),
                "user_count": usage.user_count,
                "minutes": usage.minutes,
                "amount": money(usage.live_amount()),
            }
        )
    return {"room_cost": room_cost}


# --------------------------------------------------------------------------- small_course
