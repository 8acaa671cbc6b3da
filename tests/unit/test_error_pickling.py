"""Every exception of the SDK crosses a process boundary with its fields (issue 8, item 12)."""

from __future__ import annotations

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import pytest

from baijiayun import errors

INFO = "/openapi/room/info"

SAMPLES: list[errors.BaiJiaYunError] = [
    errors.BaiJiaYunError("something"),
    errors.ConfigurationError("missing credentials: partner_id"),
    errors.ValidationError("title", "must not be empty", endpoint="/openapi/room/create"),
    errors.ValidationError("room_id", "is required"),
    errors.HTTPStatusError(502, "<html>Bad Gateway</html>", path=INFO),
    errors.DecodeError("body is not JSON", "<html>", path=INFO, http_status=200),
    errors.ResultShapeError(
        INFO,
        "RoomInfo",
        {"room_id": None, "list": [1, "两"]},
        ["room_id: Input should be a valid string"],
        carried_out=True,
        data_excerpt='{"room_id": null}',
    ),
    errors.APIConnectionError("ConnectError: refused", path=INFO, may_have_been_sent=False),
    errors.APITimeoutError("ReadTimeout: request timed out", path=INFO, may_have_been_sent=True),
    errors.CallbackSignatureError("stale"),
    errors.CallbackSignatureError("malformed", "too much text"),
    errors.ClientClosedError("/openapi/room/info: this client was closed"),
    errors.StoreError("redis: ConnectionError: Connection refused"),
    errors.InsecureUploadError("upload.example.com", 10_000_077),
    errors.AccountError(2002, "no permission", path=INFO, http_status=200),
    *(
        errors.error_for_code(code, "教室不存在", path=INFO, http_status=200)
        for code in (1, 404, 1001, 1002, 2001, 2002, 2003, 3001, 3002, 4001, 9999)
    ),
]


def _every_error_class() -> set[type]:
    return {
        cls
        for name in errors.__all__
        if isinstance(cls := getattr(errors, name), type) and issubclass(cls, BaseException)
    }


def _same(a: BaseException, b: BaseException) -> None:
    assert type(a) is type(b)
    assert str(a) == str(b)
    assert a.args == b.args
    assert vars(a) == vars(b)


def test_every_error_class_has_a_sample() -> None:
    assert _every_error_class() <= {type(e) for e in SAMPLES}


@pytest.mark.parametrize("error", SAMPLES, ids=lambda e: type(e).__name__)
def test_pickle_round_trip_keeps_the_fields(error: errors.BaiJiaYunError) -> None:
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        _same(error, pickle.loads(pickle.dumps(error, protocol)))


def _raise_sample(index: int) -> None:
    raise SAMPLES[index]


def test_errors_raised_in_a_worker_process_reach_the_parent() -> None:
    """Before: five types reached the parent as BrokenProcessPool."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        futures = [pool.submit(_raise_sample, i) for i in range(len(SAMPLES))]
        for sample, future in zip(SAMPLES, futures, strict=True):
            raised = future.exception(timeout=30)
            assert raised is not None
            _same(sample, raised)
