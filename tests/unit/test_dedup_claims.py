"""Claims (issue 13): a delivery being handled is told apart from one handled already.

Two deduplicators on one store stand for two workers; the Redis store is tested
the same way against a real Redis in ``tests/integration/test_shared_state.py``.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from baijiayun import CallbackDeduplicator, sign_callback
from baijiayun.callbacks import CallbackEvent, Claim, MemoryDedupStore

from .test_receivers import CLASS_START, KEY, OK, QID_SENT, body_of, make_flask, make_starlette

QID = CLASS_START["qid"]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def workers(store: Any, claim_ttl: float = 300) -> tuple[CallbackDeduplicator, ...]:
    return tuple(
        CallbackDeduplicator(store, clock=lambda: QID_SENT, claim_ttl=claim_ttl) for _ in range(2)
    )


def test_claim_busy_done() -> None:
    a, b = workers(MemoryDedupStore())
    assert a.claim(QID) is Claim.NEW
    assert b.claim(QID) is Claim.BUSY  # a is handling it
    assert a.claim(QID) is Claim.BUSY
    a.done(QID)
    assert b.claim(QID) is Claim.DONE
    assert b.is_new(QID) is False


def test_a_released_claim_is_handled_by_the_next_delivery() -> None:
    a, b = workers(MemoryDedupStore())
    assert a.claim(QID) is Claim.NEW
    b.release(QID)  # not b's claim: nothing happens
    assert b.claim(QID) is Claim.BUSY
    a.release(QID)
    assert b.claim(QID) is Claim.NEW
    b.done(QID)
    assert a.claim(QID) is Claim.DONE


def test_a_claim_whose_worker_died_expires() -> None:
    clock = Clock()
    store = MemoryDedupStore(clock=clock)
    a, b = workers(store, claim_ttl=30)
    assert a.claim(QID) is Claim.NEW
    clock.now = 29.0
    assert b.claim(QID) is Claim.BUSY
    clock.now = 31.0
    assert b.claim(QID) is Claim.NEW
    a.release(QID)  # late: a gives back only its own claim, not b's
    assert a.claim(QID) is Claim.BUSY
    b.done(QID)
    clock.now = 31.0 + 3 * 24 * 3600 - 1  # done is remembered for ttl (3 days)
    assert a.claim(QID) is Claim.DONE


def test_a_store_without_claims_answers_new_or_done() -> None:
    class Plain:
        def __init__(self) -> None:
            self.seen: set[str] = set()

        def add_if_absent(self, qid: str, ttl: float) -> bool:
            new = qid not in self.seen
            self.seen.add(qid)
            return new

    a, b = workers(Plain())
    assert a.claim(QID) is Claim.NEW
    assert b.claim(QID) is Claim.DONE
    a.done(QID)  # nothing to do: already remembered
    assert b.claim(QID) is Claim.DONE


@pytest.mark.parametrize("make", [make_starlette, make_flask], ids=["starlette", "flask"])
def test_a_delivery_to_two_workers_at_once_is_handled_once(make: Any) -> None:
    """Worker A is still handling when the platform re-delivers to worker B: B answers a
    failure (the platform delivers again), not success; after A finished, B answers success."""
    store = MemoryDedupStore()
    started, finish = threading.Event(), threading.Event()
    handled: list[CallbackEvent] = []

    def slow(event: CallbackEvent) -> None:
        handled.append(event)
        started.set()
        assert finish.wait(10)

    dedup_a, dedup_b = workers(store)
    post_a = make(slow, dedup_a)
    post_b = make(slow, dedup_b)
    body = body_of(sign_callback(CLASS_START, KEY))
    answers: list[Any] = []
    first = threading.Thread(target=lambda: answers.append(post_a(body)))
    first.start()
    assert started.wait(10)
    assert post_b(body) == (409, {"code": 1, "msg": "in progress"})
    finish.set()
    first.join(10)
    assert answers == [(200, OK)]
    assert post_b(body) == (200, OK)
    assert len(handled) == 1


@pytest.mark.parametrize("make", [make_starlette, make_flask], ids=["starlette", "flask"])
def test_a_failed_handler_gives_the_delivery_to_the_next_worker(make: Any) -> None:
    store = MemoryDedupStore()
    calls: list[str] = []

    def broken(event: CallbackEvent) -> None:
        calls.append("a")
        raise RuntimeError("the handler broke")

    dedup_a, dedup_b = workers(store)
    body = body_of(sign_callback(CLASS_START, KEY))
    assert make(broken, dedup_a)(body)[0] == 500
    assert make(lambda event: calls.append("b"), dedup_b)(body) == (200, OK)
    assert make(lambda event: calls.append("c"), dedup_b)(body) == (200, OK)
    assert calls == ["a", "b"]
