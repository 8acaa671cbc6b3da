"""A 1002 storm makes one key refresh, not one per call (issue 8, item 13).

When the platform refuses signatures for a reason other than the key (a
skewed clock), every concurrent call gets 1002. Before, each refreshed the key
and resent: 50 calls made 50 ``createkey`` calls and 150 requests.
"""

from __future__ import annotations

import asyncio
import threading

import httpx2
import pytest

from baijiayun.errors import SignatureError
from baijiayun.keys import REFRESH_INTERVAL, PartnerKeyProvider

from .conftest import (
    CREATEKEY,
    FETCHED_KEY,
    FETCHED_KEY_2,
    ROOM_ID,
    SECRET_KEY,
    Sent,
    answer,
    envelope,
)

INFO = "/openapi/room/info"
CALLS = 50


def _run_50(h) -> tuple[list, list]:
    """50 concurrent ``room.info`` calls: threads on the sync client, tasks on the async one."""
    results: list = []
    failures: list = []
    if h.mode == "sync":
        barrier = threading.Barrier(CALLS)

        def worker() -> None:
            barrier.wait()
            try:
                results.append(h.client.room.info(ROOM_ID))
            except SignatureError as exc:
                failures.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(CALLS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
    else:

        async def main() -> list:
            calls = (h.client.room.info(ROOM_ID) for _ in range(CALLS))
            return await asyncio.gather(*calls, return_exceptions=True)

        for outcome in h.loop.run_until_complete(main()):
            if isinstance(outcome, SignatureError):
                failures.append(outcome)
            elif isinstance(outcome, BaseException):  # pragma: no cover - reported below
                raise outcome
            else:
                results.append(outcome)
    return results, failures


@pytest.fixture
def fetching(make_harness, mode):
    """A client with only its secret key, its key already fetched; refreshes are slow."""
    h = make_harness(mode, partner_key=None, secret_key=SECRET_KEY)
    h.run(lambda c: c.fetch_partner_key())
    h.api.createkey_delay = 0.05  # the refresh is in flight while other calls get their 1002
    return h


def test_50_calls_refused_for_another_reason_make_one_refresh(fetching) -> None:
    """The refresh gives back the same key: nobody resends, everybody raises."""
    api = fetching.api
    api.script(INFO, envelope(code=1002, msg="签名错误"))  # e.g. the clock is off
    results, failures = _run_50(fetching)
    assert results == [] and len(failures) == CALLS
    assert api.paths.count(CREATEKEY) == 2  # the first fetch, and one refresh
    assert api.paths.count(INFO) == CALLS  # no call resent with the same key
    assert len(api.sent) == CALLS + 2


def test_50_calls_refused_for_a_replaced_key_make_one_refresh_and_resend(fetching) -> None:
    """The key was regenerated elsewhere: one refresh, then every call succeeds with the new key."""
    api = fetching.api
    api.script(CREATEKEY, {"partner_key": FETCHED_KEY_2})

    def by_key(request: httpx2.Request) -> object:
        ok = Sent(request).sign_ok(FETCHED_KEY_2)
        return answer(INFO) if ok else envelope(code=1002, msg="签名错误")

    api.script(INFO, by_key)
    results, failures = _run_50(fetching)
    assert failures == [] and len(results) == CALLS
    assert api.paths.count(CREATEKEY) == 2
    assert api.paths.count(INFO) == 2 * CALLS
    assert len(api.sent) == 2 * CALLS + 2


def test_a_1002_right_after_a_refresh_is_raised_without_another(make_harness, mode) -> None:
    h = make_harness(mode, partner_key=None, secret_key=SECRET_KEY)
    h.api.script(CREATEKEY, {"partner_key": FETCHED_KEY}, {"partner_key": FETCHED_KEY_2})
    h.api.script(INFO, envelope(code=1002), answer(INFO), envelope(code=1002))
    assert h.room("info", ROOM_ID).room_id  # 1002, refresh to KEY_2, success
    with pytest.raises(SignatureError):
        h.room("info", ROOM_ID)  # 1002 again moments later: not about the key
    assert h.api.paths == [CREATEKEY, INFO, CREATEKEY, INFO, INFO]


def test_a_refused_key_is_refreshed_again_after_the_interval() -> None:
    now = [1000.0]
    provider = PartnerKeyProvider("1", clock=lambda: now[0])
    fetches: list[str] = []

    def fetch() -> str:
        fetches.append("createkey")
        return "K"

    assert provider.get(fetch) == "K"
    assert provider.get(fetch, stale="K") == "K"  # refreshed: the same key
    assert provider.get(fetch, stale="K") == "K"  # moments later: not fetched again
    assert len(fetches) == 2
    now[0] += REFRESH_INTERVAL
    assert provider.get(fetch, stale="K") == "K"
    assert len(fetches) == 3


def test_the_async_provider_shares_the_rule() -> None:
    provider = PartnerKeyProvider("1")
    fetches: list[str] = []

    async def fetch() -> str:
        fetches.append("createkey")
        await asyncio.sleep(0.01)
        return "K"

    async def main() -> list[str]:
        await provider.aget(fetch)
        return await asyncio.gather(*(provider.aget(fetch, stale="K") for _ in range(20)))

    assert asyncio.run(main()) == ["K"] * 20
    assert len(fetches) == 2
