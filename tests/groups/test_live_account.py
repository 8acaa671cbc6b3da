"""The sandbox's ``live_account`` group: peaks and costs derived from attendance; reports of an
empty account.

(Moved from ``tests/integration/test_accounts_reports.py``: The sandbox's accounts and reports:
sub-accounts keep state, reports derive from what happened.)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import httpx2
import pytest

from baijiayun import BaiJiaYunClient, ValidationError
from baijiayun._signing import sign
from baijiayun.sandbox import SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY, Sandbox
from harness import CASES, ClassDay, World, call

from .common import DAY, NEEDS_AN_ID, REPORTS, minutes, room


@pytest.fixture
def client(frozen_client: BaiJiaYunClient) -> BaiJiaYunClient:
    """The client of ``box``, on its clock (in place of the suite's mode-parametrised one)."""
    return frozen_client


def _empty(value: Any) -> bool:
    """No row anywhere: empty lists, zero peaks and counts, CSV with only its header."""
    if isinstance(value, list):
        return value == []
    if isinstance(value, dict):
        return all(v == 0 for v in value.values())
    items = getattr(value, "items", None)
    if isinstance(items, list):
        return items == []
    if hasattr(value, "csv"):
        return value.csv.count("\n") == 1 and value.rows() == []
    if hasattr(value, "peak_user"):
        return set(value.peak_user.values()) == {0}
    return False


@pytest.mark.parametrize("name", [n for n in REPORTS if n not in NEEDS_AN_ID])
def test_a_report_on_an_account_where_nothing_happened_is_empty(
    client: BaiJiaYunClient, world: World, name: str
) -> None:
    """The world's rooms exist, nobody entered them: every report answers, and empty."""
    args = CASES[name](World(**{**world.__dict__, "_day": ClassDay(room(client, 4, max_users=6))}))
    assert _empty(call(client, name, **args)), name


def test_peaks_count_users_not_connections(box: Sandbox, client: BaiJiaYunClient) -> None:
    a, b = room(client), room(client)
    box.classroom.enter(a, "1", "One")
    box.classroom.enter(a, "1", "One again")  # a second tab: still one user
    box.classroom.enter(b, "1", "One")  # another room: another seat
    minutes(box, 5)
    box.classroom.leave(a, "1")  # closes both of user 1's visits to room a
    box.classroom.enter(a, "2", "Two")  # arrives as user 1 leaves: no overlap
    minutes(box, 5)
    box.classroom.leave(a, "2")
    box.classroom.leave(b, "1")
    hours = client.live_account.get_hour_peak_user(DAY)
    assert hours[9] == 2 and sum(hours.values()) == 2
    peak = client.room_data.get_room_peak_user(a, "2027-03-01 09:00:00", "2027-03-01 09:19:59")
    assert list(peak.peak_user.values()) == [1, 0]
    stats = {s.room_id: s for s in client.room_data.get_all_room_user_stat(0, DAY)}
    assert (stats[a].total_user_count, stats[a].peak_user, stats[b].peak_user) == (2, 1, 1)


def test_an_open_visit_counts_until_now(box: Sandbox, client: BaiJiaYunClient) -> None:
    a = room(client)
    box.classroom.enter(a, "7", "Seven")
    minutes(box, 2.5)
    (row,) = client.room_data.export_live_report(a).items
    assert (row.last_time, row.actual_listen_time) == (None, 150)
    (cost,) = client.live_account.get_all_room_cost(DAY)
    assert (cost.user_count, cost.minutes, cost.amount) == (1, 3, Decimal("0.13"))
    minutes(box, 1)
    assert client.live_account.get_all_room_cost(DAY)[0].minutes == 4


def test_a_visit_belongs_to_the_day_it_began(box: Sandbox, client: BaiJiaYunClient) -> None:
    a = room(client)
    minutes(box, 14 * 60 + 50)  # 23:50
    box.classroom.enter(a, "5", "Late")
    minutes(box, 20)  # 00:10 the next day
    box.classroom.leave(a, "5")
    costs = client.live_account.get_partner_daily_cost(DAY, DAY + dt.timedelta(days=1))
    assert [(c.date, c.minutes) for c in costs] == [(DAY, 20)]
    peaks = client.live_account.get_day_peak_user(DAY, DAY + dt.timedelta(days=1))
    assert peaks == {DAY: 1, DAY + dt.timedelta(days=1): 1}  # online on both days
    assert client.room_data.export_live_report(a, date=DAY + dt.timedelta(days=1)).items == []


def test_the_earlier_sdks_default_calls_are_accepted(box: Sandbox, client: BaiJiaYunClient) -> None:
    """baijiayun 1.0.1 sends ``product_type=0``, ``page=1``, ``page_size=0`` or ``10`` unasked."""
    a = room(client)
    box.classroom.enter(a, "1", "One")
    box.classroom.enter(a, "2", "Two")
    minutes(box, 1)
    http = httpx2.Client(transport=box.transport())

    def post(path: str, fields: dict[str, Any]) -> Any:
        form = {k: str(v) for k, v in fields.items()}
        form.update(partner_id=SANDBOX_PARTNER_ID, timestamp=str(int(box.now())))
        form["sign"] = sign(form, SANDBOX_PARTNER_KEY)
        answer = http.post(f"http://sandbox.local{path}", data=form).json()
        assert answer["code"] == 0, (path, answer)
        return answer["data"]

    report = post("/openapi/room_data/exportLiveReport", {"room_id": a, "page": 1, "page_size": 0})
    assert [r["user_number"] for r in report["room_user_info"]] == ["1", "2"]
    day = {"date": "2027-03-01", "product_type": 0}
    assert post("/openapi/live_account/getHourPeakUser", day)["peak_user"]["9"] == 2
    assert post("/openapi/live_account/getAllRoomCost", day)["room_cost"][0]["user_count"] == 2
    span = {"start_date": "2027-03-01", "end_date": "2027-03-01", "product_type": 0}
    assert post("/openapi/live_account/getDayPeakUser", span)["peak_user"] == {"2027-03-01": 2}
    assert len(post("/openapi/live_account/getPartnerDailyCost", span)["cost"]) == 1
    assert (
        post("/openapi/sub_account/getSubAccountList", {"page": 1, "page_size": 10})["list"] == []
    )
    http.close()


def test_a_visit_entering_exactly_at_the_end_of_a_span_is_not_counted_in_it(
    box: Sandbox, client: BaiJiaYunClient
) -> None:
    """Spans are half open: a user entering at 10:00:00 is in hour 10, not hour 9."""
    a = room(client)
    box.classroom.enter(a, "1", "One")  # 09:00:00
    minutes(box, 60)
    box.classroom.enter(a, "2", "Two")  # 10:00:00 exactly, while user 1 is still in
    minutes(box, 1)
    hours = client.live_account.get_hour_peak_user(DAY)
    assert (hours[9], hours[10]) == (1, 2)


def test_day_media_length_counts_each_days_minutes(box: Sandbox, client: BaiJiaYunClient) -> None:
    a, b = room(client), room(client)
    box.classroom.enter(a, "1", "One")
    box.classroom.enter(b, "2", "Two")
    minutes(box, 30)
    box.classroom.leave(a, "1")
    minutes(box, 15)
    box.classroom.leave(b, "2")
    next_day = DAY + dt.timedelta(days=1)
    lengths = client.live_account.get_day_media_length(DAY, next_day)
    assert [(d.date, d.media_length) for d in lengths.items] == [(DAY, 30 + 45)]
    assert lengths.items[0]["media_length"] == 75  # also by key, as every field
    assert client.live_account.get_day_media_length(next_day, next_day).items == []
    with pytest.raises(ValidationError):
        client.live_account.get_day_media_length(next_day, DAY)
