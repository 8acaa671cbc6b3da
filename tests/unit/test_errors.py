"""Envelope and transport failures map to the SDK's typed errors (and nothing else escapes)."""

from __future__ import annotations

import pickle

import httpx2
import pytest

from baijiayun import errors
from baijiayun._read import ShapeProblems
from baijiayun.errors import (
    AccountDisabledError,
    AccountError,
    AccountNotFoundError,
    APIConnectionError,
    APIError,
    APITimeoutError,
    BaiJiaYunError,
    DecodeError,
    EndpointNotFoundError,
    HTTPStatusError,
    ParameterError,
    PermissionDeniedError,
    RoomDeletedError,
    RoomNotFoundError,
    SignatureError,
    UploadError,
)

from .conftest import ROOM_ID, answer, envelope

INFO = "/openapi/room/info"
CREATE = "/openapi/room/create"

CODES = [
    (1, APIError),
    (404, EndpointNotFoundError),
    (1001, ParameterError),
    (1002, SignatureError),
    (2001, AccountNotFoundError),
    (2002, PermissionDeniedError),
    (2003, AccountDisabledError),
    (3001, RoomNotFoundError),
    (3002, RoomDeletedError),
    (4001, UploadError),
    (9999, APIError),
]


@pytest.mark.parametrize(("code", "cls"), CODES, ids=[str(c) for c, _ in CODES])
def test_error_codes_map_to_classes(harness, code, cls) -> None:
    """1002 here comes with a static partner key: no refresh, a SignatureError."""
    harness.api.script(INFO, envelope(code=code, msg="教室不存在 or whatever"))
    with pytest.raises(cls) as info:
        harness.room("info", ROOM_ID)
    exc = info.value
    assert type(exc) is cls
    assert isinstance(exc, APIError) and isinstance(exc, BaiJiaYunError)
    assert (exc.code, exc.msg, exc.path, exc.http_status) == (
        code,
        "教室不存在 or whatever",
        INFO,
        200,
    )
    assert str(code) in str(exc) and INFO in str(exc)
    assert len(harness.api.sent) == 1  # API errors are never retried


def test_account_errors_share_a_base() -> None:
    for cls in (AccountNotFoundError, PermissionDeniedError, AccountDisabledError):
        assert issubclass(cls, AccountError)


def test_error_for_code_and_pickling() -> None:
    exc = errors.error_for_code(3001, "gone", path=INFO, http_status=200)
    assert type(exc) is RoomNotFoundError
    again = pickle.loads(pickle.dumps(exc))
    assert type(again) is RoomNotFoundError
    assert (again.code, again.msg, again.path, again.http_status) == (3001, "gone", INFO, 200)


def test_code_as_text_and_missing_msg(harness) -> None:
    harness.api.script(INFO, httpx2.Response(200, json={"code": "3002", "data": None}))
    with pytest.raises(RoomDeletedError) as info:
        harness.room("info", ROOM_ID)
    assert info.value.msg == ""


def test_error_code_with_non_200_status_keeps_http_status(harness) -> None:
    # A 2xx answer other than 200 with an error code.
    harness.api.script(INFO, envelope(code=1001, msg="bad", status=202))
    with pytest.raises(ParameterError) as info:
        harness.room("info", ROOM_ID)
    assert info.value.http_status == 202


@pytest.mark.parametrize("status", [400, 403, 404, 429, 500, 502, 503])
def test_non_2xx_is_http_status_error(make_harness, mode, status) -> None:
    h = make_harness(mode, max_retries=0)
    body = "<html>" + "Bad Gateway " * 40 + "</html>"
    h.api.script(INFO, httpx2.Response(status, text=body))
    with pytest.raises(HTTPStatusError) as info:
        h.room("info", ROOM_ID)
    exc = info.value
    assert exc.status == exc.http_status == status
    assert exc.path == INFO
    assert exc.body_excerpt == body[:200] + "…"  # the first 200 characters, marked as cut
    assert str(status) in str(exc)
    assert len(h.api.sent) == 1


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"text": "<html>not json</html>"}, "not JSON"),
        ({"content": b"\xff\xfe\x00garbage"}, "not JSON"),
        ({"text": ""}, "not JSON"),
        ({"json": {"msg": "no code here", "data": {}}}, "no 'code'"),
        ({"json": [1, 2, 3]}, "no 'code'"),
        ({"json": "just text"}, "no 'code'"),
        ({"json": {"code": "zero", "data": {}}}, "not a number"),
        ({"json": {"code": None, "data": {}}}, "not a number"),
    ],
    ids=["html", "binary", "empty", "no-code", "list", "string", "code-text", "code-null"],
)
def test_bad_bodies_are_decode_errors(harness, answer, reason) -> None:
    harness.api.script(INFO, httpx2.Response(200, **answer))
    with pytest.raises(DecodeError) as info:
        harness.room("info", ROOM_ID)
    assert reason in info.value.reason
    assert info.value.path == INFO
    assert len(harness.api.sent) == 3  # a read: repeated like a 5xx (default max_retries=2)


def test_a_bad_body_on_a_read_is_retried_and_recovers(harness) -> None:
    cut = httpx2.Response(200, text='{"code": 0, "msg": "", "da')
    harness.api.script(INFO, cut, httpx2.Response(200, text="<html>portal</html>"), answer(INFO))
    assert harness.room("info", ROOM_ID).room_id == str(ROOM_ID)
    assert len(harness.api.sent) == 3


def test_a_bad_body_on_a_write_is_not_retried(harness) -> None:
    harness.api.script(CREATE, httpx2.Response(200, text='{"code": 0, "data": {"room_'))
    with pytest.raises(DecodeError) as info:
        harness.room("create", "t", 1_800_500_000, 1_800_503_600, 2)
    assert info.value.reason == "body is not JSON"
    assert len(harness.api.sent) == 1  # the platform may have created it: never re-sent


def test_a_bad_body_on_a_write_is_retried_when_the_caller_opts_in(harness) -> None:
    harness.api.script(CREATE, httpx2.Response(200, text="not json"), answer(CREATE))
    opted = harness.with_options(retry_writes=True)
    assert opted.room("create", "t", 1_800_500_000, 1_800_503_600, 2).room_id
    assert len(harness.api.sent) == 2


@pytest.mark.parametrize(
    ("path", "method", "args", "data"),
    [
        (INFO, "info", (ROOM_ID,), {"title": "no room_id"}),
        (INFO, "info", (ROOM_ID,), [1, 2]),
        (INFO, "info", (ROOM_ID,), {"room_id": ROOM_ID, "type": "not-a-number"}),
        (CREATE, "create", ("t", 1_800_500_000, 1_800_503_600, 2), {"admin_code": "x"}),
        ("/openapi/room/getcode", "getcode", (ROOM_ID, 1), {"code": "x"}),
        ("/openapi/room/getcode", "getcode", (ROOM_ID, 1), None),
        ("/openapi/room/list", "list", (), {"rooms": []}),
        ("/openapi/room/list", "list", (), {"list": "nope"}),
        ("/openapi/room/list", "list", (), {"list": [{"room_id": {"not": "an id"}}]}),
    ],
)
def test_result_shape_errors_are_decode_errors(harness, path, method, args, data) -> None:
    harness.api.script(path, data)
    with pytest.raises(DecodeError) as info:
        harness.room(method, *args)
    assert info.value.path == path
    assert not isinstance(info.value, ShapeProblems)
    assert info.value.__cause__ is None
    assert len(harness.api.sent) == 1  # a result that does not fit its model is not repeated


def test_connect_error_was_not_sent(make_harness, mode) -> None:
    h = make_harness(mode, max_retries=0)
    h.api.script(INFO, httpx2.ConnectError("connection refused"))
    with pytest.raises(APIConnectionError) as info:
        h.room("info", ROOM_ID)
    exc = info.value
    assert type(exc) is APIConnectionError
    assert exc.may_have_been_sent is False
    assert exc.path == INFO
    assert "ConnectError" in str(exc)


def test_read_timeout_may_have_been_sent(make_harness, mode) -> None:
    h = make_harness(mode, max_retries=0)
    h.api.script(CREATE, httpx2.ReadTimeout("timed out"))
    with pytest.raises(APITimeoutError) as info:
        h.room("create", "t", 1_800_500_000, 1_800_503_600, 2)
    exc = info.value
    assert isinstance(exc, APIConnectionError)
    assert exc.may_have_been_sent is True
    assert exc.path == CREATE


TRANSPORT_ERRORS = [
    (httpx2.ConnectError("x"), APIConnectionError, False),
    (httpx2.ConnectTimeout("x"), APITimeoutError, False),
    (httpx2.PoolTimeout("x"), APITimeoutError, False),
    (httpx2.ProxyError("x"), APIConnectionError, False),
    (httpx2.LocalProtocolError("x"), APIConnectionError, False),
    (httpx2.ReadTimeout("x"), APITimeoutError, True),
    (httpx2.WriteTimeout("x"), APITimeoutError, True),
    (httpx2.ReadError("x"), APIConnectionError, True),
    (httpx2.WriteError("x"), APIConnectionError, True),
    (httpx2.RemoteProtocolError("x"), APIConnectionError, True),
    (httpx2.DecodingError("x"), APIConnectionError, True),
    (httpx2.TooManyRedirects("x"), APIConnectionError, True),
]


@pytest.mark.parametrize(
    ("exc", "cls", "sent"), TRANSPORT_ERRORS, ids=[type(e).__name__ for e, _, _ in TRANSPORT_ERRORS]
)
def test_no_httpx2_exception_escapes(make_harness, mode, exc, cls, sent) -> None:
    h = make_harness(mode, max_retries=0)
    h.api.script(CREATE, exc)
    with pytest.raises(BaiJiaYunError) as info:
        h.room("create", "t", 1_800_500_000, 1_800_503_600, 2)
    assert type(info.value) is cls
    assert not isinstance(info.value, httpx2.HTTPError)
    assert info.value.may_have_been_sent is sent


def test_every_public_error_is_a_baijiayun_error() -> None:
    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type):
            assert issubclass(obj, BaiJiaYunError), name
