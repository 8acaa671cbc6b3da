"""The sandbox's accounts and reports: sub-accounts keep state, reports derive from what happened.

In process (no sockets), with a sandbox whose clock stands still unless moved,
so durations are exact. The month-end scenario over real HTTP is in
``test_month_end.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx2
import pytest

from baijiayun import (
    AccountDisabledError,
    BaiJiaYunClient,
    ParameterError,
    PermissionDeniedError,
    RoomDeletedError,
    RoomNotFoundError,
)
from baijiayun._signing import sign
from baijiayun._wire import BEIJING
from baijiayun.links import enter_url
from baijiayun.sandbox import SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY, Sandbox
from harness import CASES, ClassDay, World, call, sub_account_args

T0 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=BEIJING)
DAY = T0.date()


@pytest.fixture
def box() -> Sandbox:
    frozen = T0.timestamp()
    return Sandbox(raise_errors=True, clock=lambda: frozen)


@pytest.fixture
def client(box: Sandbox) -> Iterator[BaiJiaYunClient]:
    c = box.client(clock=box.now, max_retries=0)
    yield c
    c.close()


@pytest.fixture
def world(box: Sandbox, client: BaiJiaYunClient) -> World:
    return World.build(box, client)


def room(client: BaiJiaYunClient, room_type: int = 2, **options: Any) -> str:
    start = int(client._ctx.now()) + 60
    return str(client.room.create("Room", start, start + 3600, room_type, **options).room_id)


def refused(call_it: Any) -> str:
    """The message of the 1001 a call is answered with."""
    with pytest.raises(ParameterError) as info:
        call_it()
    assert info.value.code == 1001
    return info.value.msg


def minutes(box: Sandbox, n: float) -> None:
    box.advance_clock(n * 60)


# --------------------------------------------------------------------------- sub-accounts
def test_a_sub_account_is_an_account_of_its_own_until_it_is_stopped(
    box: Sandbox, client: BaiJiaYunClient, world: World
) -> None:
    created = client.sub_account.create_sub_account(**sub_account_args(world))
    sub_id = created.sub_partner_id
    sub = box.client(partner_id=sub_id, partner_key=created.partner_key, clock=box.now)
    own_room = room(sub)
    assert sub.room.info(own_room).title == "Room"
    with pytest.raises(RoomNotFoundError):  # the parent does not see its rooms
        client.room.info(own_room)

    info = client.sub_account.get_sub_account_info(sub_id)
    assert (info.status, info.live_on, info.video_on, info.user_limit) == (1, 1, 0, 50)
    assert info.effect_time == DAY and info.contacts == "Li Lei 李雷"

    assert client.sub_account.stop_sub_account(sub_id) == sub_id
    with pytest.raises(AccountDisabledError) as stopped:
        sub.room.info(own_room)
    assert stopped.value.code == 2003
    with pytest.raises(AccountDisabledError):  # its key no longer fetches a key either
        sub.partner.createkey(box.dump()["state"]["partners"][-1]["secret_key"])
    info = client.sub_account.get_sub_account_info(sub_id)
    assert (info.status, info.live_on) == (2, 2)

    link = enter_url("http://sandbox.local/", created.partner_key, own_room, 5, "Five")
    with httpx2.Client(transport=box.transport()) as browser:
        assert browser.get(link).status_code == 403  # its links stop working too
        client.sub_account.modify_sub_account(sub_id, live_on=1)
        assert browser.get(link).status_code == 200
    assert sub.room.info(own_room).room_id == own_room
    assert client.sub_account.get_sub_account_info(sub_id).status == 1
    sub.close()


def test_sub_accounts_list_by_status_with_totals(client: BaiJiaYunClient, world: World) -> None:
    ids = [
        client.sub_account.create_sub_account(**sub_account_args(world)).sub_partner_id
        for _ in range(5)
    ]
    client.sub_account.stop_sub_account(ids[1])
    client.sub_account.stop_sub_account(ids[3])
    client.sub_account.stop_sub_account(ids[3])  # stopping twice changes nothing
    page = client.sub_account.get_sub_account_list(page=1, page_size=2)
    assert (page.total, page.page, page.page_size) == (5, 1, 2)
    assert [a.sub_partner_id for a in page.items] == ids[:2]
    active = [a.sub_partner_id for a in client.sub_account.iter_sub_accounts(status=1, page_size=2)]
    stopped = client.sub_account.get_sub_account_list(status=2)
    assert active == [ids[0], ids[2], ids[4]]
    assert ([a.sub_partner_id for a in stopped.items], stopped.total) == ([ids[1], ids[3]], 2)
    assert client.sub_account.get_sub_account_list(status=1).total == 3


def test_sub_account_rules_the_sandbox_keeps(
    box: Sandbox, client: BaiJiaYunClient, world: World
) -> None:
    args = sub_account_args(world)
    created = client.sub_account.create_sub_account(**args)
    again = sub_account_args(world)
    assert refused(
        lambda: client.sub_account.create_sub_account(**{**again, "mobile": args["mobile"]})
    ).startswith("mobile: already registered")
    assert refused(
        lambda: client.sub_account.create_sub_account(**{**again, "email": args["email"]})
    ).startswith("email: already registered")
    assert refused(lambda: client.sub_account.get_sub_account_info(99999999)).startswith(
        "sub_partner_id"
    )
    assert refused(
        lambda: client.sub_account.modify_sub_account(created.sub_partner_id, user_limit=61)
    ).startswith("max_user_limit: must not be below user_limit")
    assert client.sub_account.get_sub_account_info(created.sub_partner_id).user_limit == 50

    sub = box.client(
        partner_id=created.sub_partner_id, partner_key=created.partner_key, clock=box.now
    )
    with pytest.raises(PermissionDeniedError):  # a sub-account has no sub-accounts
        sub.sub_account.create_sub_account(**sub_account_args(world))
    box.partners.add("30000001", "other-key", "other-secret")
    other = box.client(partner_id="30000001", partner_key="other-key", clock=box.now)
    # not another account's
    assert refused(lambda: other.sub_account.stop_sub_account(created.sub_partner_id)).startswith(
        "sub_partner_id"
    )
    assert other.sub_account.get_sub_account_list().total == 0
    sub.close()
    other.close()


def test_an_account_with_no_service_opened_cannot_call(
    box: Sandbox, client: BaiJiaYunClient, world: World
) -> None:
    created = client.sub_account.create_sub_account(
        **{**sub_account_args(world), "live_on": 0, "video_on": 0}
    )
    assert client.sub_account.get_sub_account_info(created.sub_partner_id).status == 2
    sub = box.client(
        partner_id=created.sub_partner_id, partner_key=created.partner_key, clock=box.now
    )
    with pytest.raises(AccountDisabledError):
        sub.room.list()
    client.sub_account.modify_sub_account(created.sub_partner_id, video_on=1)
    assert sub.room.list() == []
    sub.close()


# --------------------------------------------------------------------------- empty accounts
NEEDS_AN_ID = {
    "room_data.get_quiz_user_answer": "quiz_id",
    "room_data.get_checkin_info": "session_id",
    "room_data.export_answer_by_question_id": "question_id",
    "room_data.get_red_package_record_info": "red_package_id",
    "room_data.export_attention_detail": "attention_id",
}
REPORTS = [
    name
    for name in CASES
    if name.split(".")[0] in ("live_account", "small_course", "room_data")
    and "callback" not in name
]


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


@pytest.mark.parametrize(("name", "param"), NEEDS_AN_ID.items())
def test_an_id_no_record_names_is_1001(
    client: BaiJiaYunClient, world: World, name: str, param: str
) -> None:
    args = {**CASES[name](world), param: "no-such-id"}
    with pytest.raises(ParameterError) as info:
        call(client, name, **args)
    assert info.value.msg.startswith(param)


ROOM_REPORTS = [
    n for n in REPORTS if n.startswith("room_data.") and n != "room_data.get_all_room_user_stat"
] + ["small_course.get_user_cost"]


@pytest.mark.parametrize("name", ROOM_REPORTS)
def test_a_room_report_on_an_unknown_or_deleted_room(
    client: BaiJiaYunClient, world: World, name: str
) -> None:
    args = CASES[name](world)
    with pytest.raises(RoomNotFoundError):
        call(client, name, **{**args, "room_id": 99999999999999})
    spare = world.room()
    client.room.delete(spare)
    with pytest.raises(RoomDeletedError):
        call(client, name, **{**args, "room_id": spare})


# --------------------------------------------------------------------------- attendance
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


def test_live_report_pages_in_order_with_a_total(box: Sandbox, client: BaiJiaYunClient) -> None:
    a = room(client)
    for n in range(1, 26):
        box.classroom.enter(a, str(n), f"S{n}", 0 if n % 5 else 1)
    pages = [
        client.room_data.export_live_report(a, type="all", page=p, page_size=10) for p in (1, 2, 3)
    ]
    assert [len(p.items) for p in pages] == [10, 10, 5]
    assert {p.total for p in pages} == {25}
    numbers = [r.user_number for p in pages for r in p.items]
    assert numbers == [str(n) for n in range(1, 26)]
    students = list(client.room_data.iter_live_report(a, page_size=7))
    assert len(students) == 20 and all(r.user_role == 0 for r in students)
    everything = client.room_data.export_live_report(a, type="all")
    assert (len(everything.items), everything.page_size) == (25, None)


# --------------------------------------------------------------------------- activity
def record(box: Sandbox, room_id: str, kind: str, user: str | None, **data: Any) -> None:
    box.classroom.record(room_id, kind, user, data)


def test_activity_reports_add_up_what_users_did(box: Sandbox, client: BaiJiaYunClient) -> None:
    a = room(client)
    for n in ("1", "2", "3"):
        box.classroom.enter(a, n, f"User {n}")
    record(box, a, "praise", "1", count=2)
    record(box, a, "praise", "2")
    record(box, a, "praise", "1", count=5)
    record(box, a, "red_package", "1", red_package_id="r1", amount="0.10")
    record(box, a, "red_package", "2", red_package_id="r1", amount=0.2)
    record(box, a, "red_package", "1", red_package_id="r2", amount="1.05")
    record(box, a, "answer", "1", question_id="q", answer="A", correct=True)
    record(box, a, "answer", "1", question_id="q", answer="B", correct=False)  # changed mind
    record(box, a, "answer", "2", question_id="q", answer="A", correct=True)
    record(box, a, "evaluation", "1", score=5, comment="good")
    record(box, a, "evaluation", "2", score=4)
    record(box, a, "evaluation", "3", score=4)

    praise = client.room_data.export_room_praise_stat(a)
    assert praise.total == 8
    assert {(u.user_number, u.praise_count) for u in praise.items} == {("1", 7), ("2", 1)}

    red = client.room_data.get_room_red_package(a)
    assert (red.grab_count, red.total_amount) == (3, Decimal("1.35"))
    assert {(u.user_number, u.grab_count, u.amount) for u in red.items} == {
        ("1", 2, Decimal("1.15")),
        ("2", 1, Decimal("0.20")),
    }
    one = client.room_data.get_red_package_record_info(a, "r1")
    assert (one.grab_count, one.total_amount) == (2, Decimal("0.30"))

    (question,) = client.room_data.export_answer_stat(a).items
    assert (question.answer_count, question.correct_count) == (2, 1)
    answers = client.room_data.export_answer_by_question_id(a, "q")
    assert {(x.user_number, x.answer, x.correct) for x in answers.items} == {
        ("1", "B", False),
        ("2", "A", True),
    }
    assert answers.items[0].user_name == "User 1"

    evaluations = client.room_data.get_evaluation_stat(a, 1, 2)
    assert (len(evaluations.items), evaluations.total, evaluations.average_score) == (
        2,
        3,
        Decimal("4.33"),
    )
    assert [e.score for e in client.room_data.iter_evaluation_stat(a, 1, 2)] == [5, 4, 4]


def test_check_ins_quizzes_raised_hands_and_dates(box: Sandbox, client: BaiJiaYunClient) -> None:
    a = room(client)
    box.classroom.enter(a, "1", "One")
    box.classroom.enter(a, "2", "Two")
    box.classroom.enter(a, "9", "Teacher", 1)
    record(box, a, "checkin_start", None, session_id="c1")
    record(box, a, "checkin", "1", session_id="c1")
    minutes(box, 30)
    record(box, a, "checkin_start", None, session_id="c2")
    record(box, a, "checkin", "1", session_id="c2")
    record(box, a, "checkin", "2", session_id="c2")
    record(box, a, "quiz", None, quiz_id="z", title="Unit 2")
    record(box, a, "quiz_answer", "2", quiz_id="z", answer=["A", "C"], score=7.5)
    record(box, a, "raise_hand", "2", on_stage=True, speak_seconds=40)
    minutes(box, 24 * 60)  # the next day
    record(box, a, "raise_hand", "1")
    record(box, a, "chat", "1", content="next day")

    checkins = client.room_data.get_user_checkin_info(a)
    assert checkins.checkin_total == 2
    assert {(u.user_number, u.checkin_count) for u in checkins.items} == {("1", 2), ("2", 1)}
    first = client.room_data.get_checkin_info(a, "c1")
    assert (first.user_count, first.checkin_count) == (2, 1)  # two students in the room

    (quiz,) = client.room_data.get_room_quiz(a)
    assert (quiz.quiz_id, quiz.title, quiz.answer_count) == ("z", "Unit 2", 1)
    (given,) = client.room_data.get_quiz_user_answer(a, "z").items
    assert (given.answer, given.score) == ('["A", "C"]', Decimal("7.5"))

    day_one = client.room_data.get_room_raise_data(a, "2027-03-01 00:00:00", "2027-03-01 23:59:59")
    assert [(r.user_number, r.on_stage, r.speak_seconds) for r in day_one.items] == [
        ("2", True, 40)
    ]
    assert client.room_data.export_chat_msg(a, DAY) == []
    (message,) = client.room_data.export_chat_msg(a, DAY + dt.timedelta(days=1))
    assert (message.user_name, message.content) == ("One", "next day")


def test_attention_exports_are_csv_with_rows(box: Sandbox, client: BaiJiaYunClient) -> None:
    a = room(client)
    for user, focused in (("1", True), ("2", False), ("3", True)):
        box.classroom.enter(a, user, f"名字 {user}, Jr.")
        record(box, a, "attention", user, attention_id="t1", focused=focused)
    record(box, a, "attention", "2", attention_id="t1", focused=True)  # looked up again
    (check,) = client.room_data.export_attention_list(a).rows()
    assert (check.attention_id, check.user_count, check.focused_count) == ("t1", 3, 3)
    detail = client.room_data.export_attention_detail(a, "t1")
    assert detail.csv.splitlines()[0] == "attention_id,user_number,user_name,focused,check_time"
    rows = detail.rows()
    assert [(r.user_number, r.user_name, r.focused) for r in rows] == [
        ("1", "名字 1, Jr.", True),
        ("2", "名字 2, Jr.", True),
        ("3", "名字 3, Jr.", True),
    ]


# --------------------------------------------------------------------------- the earlier SDK
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
