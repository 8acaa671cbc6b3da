"""The sandbox's share of issue 17's unguarded behaviour, by group: each test names its bug.

Each test was seen to fail with its one-line bug put in by hand (the docstring
says which line) and to pass on the code as it is. The sandbox is driven only
through its public surface (``Sandbox``, its clients, its control helpers and
real HTTP on 127.0.0.1), so these tests survive its modules moving.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from baijiayun import BaiJiaYunClient, ParameterError, UploadError
from baijiayun._wire import BEIJING
from baijiayun.api.live_setting import WATERMARK_MAX_BYTES
from baijiayun.sandbox import Sandbox

DAY = dt.date(2027, 1, 15)
MIDNIGHT = dt.datetime.combine(DAY + dt.timedelta(days=1), dt.time(), BEIJING).timestamp()
"""The end of ``DAY``'s span (Beijing): the first instant of the next day."""


class Clock:
    """The sandbox's clock, set by the test."""

    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2027, 1, 15, 9, 0, tzinfo=BEIJING).timestamp())


@pytest.fixture
def box(clock: Clock) -> Sandbox:
    return Sandbox(raise_errors=True, clock=clock)


@pytest.fixture
def client(box: Sandbox) -> Iterator[BaiJiaYunClient]:
    c = box.client(clock=box.now, max_retries=0)
    yield c
    c.close()


def new_room(client: BaiJiaYunClient, room_type: int = 2) -> str:
    start = int(client._ctx.now()) + 60
    return str(client.room.create("Guards 守卫", start, start + 7200, room_type).room_id)


def closed_callback_url(client: BaiJiaYunClient) -> None:
    """Class callbacks go to a just-freed port of 127.0.0.1 (never off the machine)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client.live_account.set_class_callback_url(f"http://127.0.0.1:{port}/class")


# --------------------------------------------------------------------------- room
def test_room_listcode_type_1_counts_the_audition_codes(box: Sandbox) -> None:
    """Bug (room): ``self._count(f"codes:{room_id}:{REGULAR}")`` for ``...:{kind}`` in the
    room store's ``codes_page``: ``listcode(type=1)`` answers the regular codes' total.

    Over real HTTP on 127.0.0.1: three regular codes and two audition codes, so
    the two totals tell each other apart.
    """
    with box.serve() as server:
        client = server.client(clock=box.now, max_retries=0)
        try:
            room = new_room(client)
            for user in (101, 102, 103):
                client.room.getcode(room, user)
            client.room.get_audition_code(room, [7, 8])
            auditions = client.room.listcode(room, type=1)
            regular = client.room.listcode(room, type=0)
        finally:
            client.close()
    assert auditions.total == 2
    assert sorted(c.user_number for c in auditions.items) == ["7", "8"]
    assert regular.total == 3
    assert sorted(c.user_number for c in regular.items) == ["101", "102", "103"]


# --------------------------------------------------------------------------- live
def test_live_an_ended_class_without_a_recording_job_has_a_stopped_recording(
    box: Sandbox, client: BaiJiaYunClient
) -> None:
    """Bug (live): ``{"live": RECORDING}.get(room["status"])`` for
    ``{"live": RECORDING, "ended": STOPPED}...`` in the live service's ``cloud_record``:
    a class started and ended by the platform (no ``startClass`` call, so no recording
    job) reported as having no cloud recording, and ``transCloudRecord`` refused.
    """
    room = new_room(client)
    closed_callback_url(client)
    box.rooms.start_class(room)  # the platform's own start: no recording job is made
    assert box.live.cloud_record(room) == {"status": "recording"}
    box.rooms.end_class(room)
    assert box.live.cloud_record(room) == {"status": "stopped"}
    client.live.trans_cloud_record(room)  # there is a recording to turn into a playback
    assert box.live.cloud_record(room) == {"status": "transcoding"}


def test_live_a_room_whose_class_never_ran_has_no_recording(
    box: Sandbox, client: BaiJiaYunClient
) -> None:
    """The other side of the rule above: no class, nothing recorded."""
    room = new_room(client)
    assert box.live.cloud_record(room) == {"status": None}
    with pytest.raises(ParameterError):
        client.live.trans_cloud_record(room)


# ----------------------------------------------------------------- room_data, live_account
@pytest.fixture
def boundary_day(box: Sandbox, client: BaiJiaYunClient, clock: Clock) -> dict[str, Any]:
    """One room; Ann enters at exactly 11:00 of ``DAY`` (the end of its hour 10) and stays
    half an hour; Bo enters at exactly midnight (the end of ``DAY``'s span) and stays
    half an hour. Then the clock stands at 01:00 of the next day."""
    room = new_room(client)
    clock.at = dt.datetime(2027, 1, 15, 11, 0, tzinfo=BEIJING).timestamp()
    box.classroom.enter(room, "101", "Ann 安", 0)
    clock.at += 1800
    box.classroom.leave(room, "101")
    clock.at = MIDNIGHT
    box.classroom.enter(room, "102", "Bo 波", 0)
    clock.at += 1800
    box.classroom.leave(room, "102")
    clock.at = MIDNIGHT + 3600
    return {"room": room}


def test_room_data_a_visit_entering_at_the_end_of_the_span_is_not_in_the_report(
    client: BaiJiaYunClient, boundary_day: dict[str, Any]
) -> None:
    """Bug (room_data): ``enter_time <= :end`` for ``< :end`` in the report store's visit
    filter (``exportLiveReport`` by date): Bo, who entered at the first instant of the
    next day, counted in ``DAY``'s report. (``getAllRoomUserStat``'s own
    ``start <= v.enter < end`` is checked too, but a change there alone is hidden by
    ``overlapping``, whose boundary the check-in test below guards.)"""
    room = boundary_day["room"]
    report = client.room_data.export_live_report(room, date=DAY)
    assert [r.user_number for r in report.items] == ["101"]
    assert report.total == 1
    next_day = client.room_data.export_live_report(room, date=DAY + dt.timedelta(days=1))
    assert [r.user_number for r in next_day.items] == ["102"]
    (stat,) = client.room_data.get_all_room_user_stat(0, DAY)
    assert (stat.room_id, stat.student_count, stat.total_user_count) == (room, 1, 1)


def test_room_data_a_student_entering_just_after_a_checkin_began_was_not_present(
    box: Sandbox, client: BaiJiaYunClient, clock: Clock
) -> None:
    """Bug (room_data): ``a.enter_time <= :end`` for ``< :end`` in the report store's
    ``overlapping`` (visits during ``[start, end)``): ``getCheckinInfo`` counts those
    present during the check-in's first second, ``[began, began + 1)``; Bo, entering
    at ``began + 1`` exactly, counted among them."""
    room = new_room(client)
    box.classroom.enter(room, "101", "Ann 安", 0)
    clock.at += 60
    began = clock.at
    box.classroom.record(room, "checkin_start", None, {"session_id": "s-1"})
    clock.at = began + 1
    box.classroom.enter(room, "102", "Bo 波", 0)
    clock.at = began + 5
    box.classroom.record(room, "checkin", "101", {"session_id": "s-1"})
    info = client.room_data.get_checkin_info(room, "s-1")
    assert (info.user_count, info.checkin_count) == (1, 1)


def test_live_account_a_visit_entering_at_the_end_of_a_span_is_not_counted_in_it(
    client: BaiJiaYunClient, boundary_day: dict[str, Any]
) -> None:
    """Bugs (live_account): ``bisect.bisect_right(self.times, end)`` for ``bisect_left`` in
    the reports' ``Online.peak`` (a user entering at a window's end counted in it), and
    ``enter_time <= :end`` for ``< :end`` in the report store's ``begun`` (a visit of the
    next day billed in ``DAY``'s costs)."""
    hours = client.live_account.get_hour_peak_user(DAY)
    assert hours[10] == 0  # Ann entered at 11:00:00 exactly, the end of hour 10
    assert hours[11] == 1
    assert hours[23] == 0  # Bo entered at 24:00:00 exactly, the end of the day
    assert client.live_account.get_day_peak_user(DAY, DAY) == {DAY: 1}
    cost = client.live_account.get_partner_daily_cost(DAY, DAY)
    assert [c.date for c in cost] == [DAY]
    assert cost[0].user_count == 1


# --------------------------------------------------------------------------- doc
@pytest.mark.parametrize("name", ["Deck.PPTX", "NOTES.Pdf"])
def test_doc_an_upper_case_extension_is_accepted(
    box: Sandbox, client: BaiJiaYunClient, name: str
) -> None:
    """Bug (doc): ``name.endswith(DOC_TYPES)`` for ``name.lower().endswith(...)`` in the
    sandbox's ``uploadDoc``: a ``.PPTX`` refused with 1001. Sent with ``validate=False``
    so the sandbox's own check is the one tested (the SDK's is in the unit guards)."""
    room = new_room(client)
    loose = client.with_options(validate=False)
    document = loose.doc.upload_doc((name, b"PK\x03\x04 slides"), room_id=room)
    assert document.name == name
    assert document.ext == name.rsplit(".", 1)[1].lower()
    assert [d.fid for d in client.doc.list_doc(room)] == [document.fid]
    with pytest.raises(ParameterError):  # the rule is still there
        loose.doc.upload_doc(("Deck.EXE", b"MZ"), room_id=room)


# --------------------------------------------------------------------------- live_setting
def test_live_setting_a_watermark_of_exactly_the_size_limit_is_accepted(
    client: BaiJiaYunClient,
) -> None:
    """Bug (live_setting): ``len(image) >= WATERMARK_MAX_BYTES`` for ``>`` in the sandbox's
    ``setWatermark``: an image of exactly 1 MB refused. One byte more is refused."""
    loose = client.with_options(validate=False)
    exact = b"\x89PNG\r\n\x1a\n".ljust(WATERMARK_MAX_BYTES, b"\0")
    loose.live_setting.set_watermark(2, ("logo.png", exact))
    mark = client.live_setting.get_watermark()
    assert mark.pos == 2 and mark.url
    with pytest.raises(UploadError):
        loose.live_setting.set_watermark(3, ("logo.png", exact + b"\0"))
    assert client.live_setting.get_watermark().pos == 2
