"""No successful answer is lost (issue 18, items 1 and 4).

Every endpoint of the registry is answered ``code: 0`` with ``{}``, ``null`` and
``[]`` in turn: the call either returns, or raises only
:class:`~baijiayun.ResultShapeError` holding the decoded data (and saying, for
a write, that the write was carried out), after exactly one request. And
``.raw(...)`` gives any call's ``data`` unconverted, on both clients.
"""

from __future__ import annotations

import asyncio
import json
import pickle
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from baijiayun import AsyncBaiJiaYunClient, BaiJiaYunClient, RawResult, ResultShapeError
from baijiayun.api import REGISTRY
from baijiayun.errors import DecodeError
from baijiayun.models import RoomInfo
from baijiayun.sandbox import Sandbox
from harness import CASES, World

PARTNER_ID = "12345678"
KEY = "shape-test-partner-key"
SECRET = "shape-test-secret"
NAMES = sorted(spec.qualname for spec in REGISTRY)
ANSWERS = {"object": {}, "null": None, "list": []}

# The writes issue 18 names: a null or {} answer means done, never an error.
WRITES_THAT_MUST_READ_EMPTY = (
    "live_account.set_class_callback_url",
    "video_account.set_transcode_callback_url",
    "video.update",
    "video.delete",
    "room.update",
    "room.delete",
)


@pytest.fixture(scope="module")
def arguments() -> Iterator[dict[str, dict[str, Any]]]:
    """Valid arguments for every endpoint (prepared once, in a sandbox of their own)."""
    sandbox = Sandbox(seed=18, partner_id=PARTNER_ID, partner_key=KEY, secret_key=SECRET)
    client = sandbox.client()
    world = World.build(sandbox, client)
    yield {name: CASES[name](world) for name in NAMES}
    client.close()


class Platform:
    """Answers every request ``{"code": 0, "data": <data>}`` and counts them."""

    def __init__(self, data: Any) -> None:
        self.data = data
        self.paths: list[str] = []

    def respond(self, request: httpx2.Request) -> httpx2.Response:
        self.paths.append(request.url.path)
        body = {"code": 0, "msg": "", "data": self.data, "ts": 1_800_000_000}
        return httpx2.Response(200, json=body, headers={"x-request-id": "r-18"})

    async def arespond(self, request: httpx2.Request) -> httpx2.Response:
        return self.respond(request)


def _client(platform: Platform) -> BaiJiaYunClient:
    http = httpx2.Client(transport=httpx2.MockTransport(platform.respond))
    return BaiJiaYunClient(PARTNER_ID, SECRET, partner_key=KEY, http_client=http, max_retries=3)


def _invoke(client: BaiJiaYunClient, name: str, kwargs: dict[str, Any]) -> Any:
    group, _, method = name.partition(".")
    return getattr(getattr(client, group), method)(**kwargs)


@pytest.mark.parametrize("answer", list(ANSWERS))
@pytest.mark.parametrize("name", NAMES)
def test_a_wrong_shape_raises_only_the_shape_error_holding_the_data(
    arguments: dict[str, dict[str, Any]], name: str, answer: str
) -> None:
    spec = REGISTRY[name]
    data = ANSWERS[answer]
    platform = Platform(data)
    with _client(platform) as client:
        try:
            _invoke(client, name, dict(arguments[name]))
        except ResultShapeError as exc:
            assert exc.path == spec.path
            assert exc.data == data, "the decoded data is kept as plain JSON"
            assert exc.problems, "the error says which fields did not fit"
            assert exc.carried_out is (not spec.safe)
            if not spec.safe:
                assert "the write was carried out" in str(exc)
                assert "do not repeat it" in str(exc)
            else:
                assert "carried out" not in str(exc)
            assert isinstance(exc, DecodeError)
            again = pickle.loads(pickle.dumps(exc))
            assert (again.data, again.problems, again.carried_out) == (
                exc.data,
                exc.problems,
                exc.carried_out,
            )
    assert platform.paths.count(spec.path) == 1, "an answer that does not fit is not re-sent"


@pytest.mark.parametrize("answer", ["object", "null"])
@pytest.mark.parametrize("name", WRITES_THAT_MUST_READ_EMPTY)
def test_these_writes_read_an_empty_answer_as_done(
    arguments: dict[str, dict[str, Any]], name: str, answer: str
) -> None:
    with _client(Platform(ANSWERS[answer])) as client:
        assert _invoke(client, name, dict(arguments[name])) is None


def test_a_shape_error_hides_secrets_in_the_data() -> None:
    platform = Platform(
        {"room_id": {"nested": 1}, "sign": "s3cr3t-sign", "url": "https://x/?sign=abc123&a=1"}
    )
    with _client(platform) as client, pytest.raises(ResultShapeError) as info:
        client.room.info(22112449907210)
    exc = info.value
    assert exc.data["sign"] == "***"
    assert "abc123" not in json.dumps(exc.data) and "s3cr3t" not in str(exc)
    assert exc.data["room_id"] == {"nested": 1}
    assert exc.problems == ("room_id: Input should be a valid string",)
    assert exc.carried_out is False


def test_a_key_bearing_answer_shows_its_shape_only() -> None:
    platform = Platform({"partnerKey": "k-e-y-0123456789"})
    with _client(platform) as client, pytest.raises(ResultShapeError) as info:
        client.partner.createkey(SECRET)
    assert info.value.data == {"partnerKey": "***"}
    assert "k-e-y" not in str(info.value) + repr(vars(info.value))


def test_raw_returns_the_data_unconverted_with_the_envelope() -> None:
    data = {"room_id": 22112449907210, "title": "t", "create_from": 9, "zone": {"a": [1]}}
    platform = Platform(data)
    with _client(platform) as client:
        raw = client.room.info.raw(22112449907210)
        assert isinstance(raw, RawResult)
        assert raw.data == data and raw.code == 0 and raw.msg == ""
        assert raw.http_status == 200 and raw.headers["x-request-id"] == "r-18"
        assert raw.path == "/openapi/room/info" and raw.envelope["ts"] == 1_800_000_000
        info = raw.parse()
        assert isinstance(info, RoomInfo) and info.room_id == "22112449907210"
        assert info.create_from == 9 and info["zone"] == {"a": [1]}
        assert "22112449907210" not in repr(raw)  # repr shows no data (a key may be in it)
        # the same options as the plain call: through with_options too
        assert client.with_options(timeout=5).room.info.raw(room_id=1).data == data
        # a shape that does not fit: raw still returns it; parse() raises
        platform.data = [1, 2]
        raw = client.room.info.raw(1)
        assert raw.data == [1, 2]
        with pytest.raises(ResultShapeError):
            raw.parse()
    assert platform.paths == ["/openapi/room/info"] * 3


def test_raw_validates_like_the_call() -> None:
    with _client(Platform({})) as client, pytest.raises(TypeError):
        client.room.info.raw()


def test_raw_on_the_async_client() -> None:
    platform = Platform({"token": "t-1"})

    async def run() -> RawResult[str]:
        http = httpx2.AsyncClient(transport=httpx2.MockTransport(platform.arespond))
        async with AsyncBaiJiaYunClient(PARTNER_ID, partner_key=KEY, http_client=http) as c:
            raw = await c.playback.get_player_token.raw(22112449907210, expires_in=0)
            assert raw.parse() == "t-1"
            assert await c.playback.get_player_token(22112449907210, 0) == "t-1"
            return raw

    raw = asyncio.run(run())
    assert raw.data == {"token": "t-1"} and raw.path == "/openapi/playback/getPlayerToken"
