"""Enter-classroom, playback and VOD links (docs/protocol.md §5), pure and through both clients.

Signs are checked against a hand computation: ``hashlib.md5`` of the literal
sorted string, written out here, not built with the SDK's signing code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx2
import pytest

import baijiayun
from baijiayun import (
    AsyncBaiJiaYunClient,
    BaiJiaYunClient,
    ConfigurationError,
    DecodeError,
    Role,
    ValidationError,
    enter_url,
    playback_url,
    video_url,
    web_sign,
)
from baijiayun.api import REGISTRY
from baijiayun.links import ENTER_PATH

KEY = "rLkIPaQjxSwRQmC/ITnHh8i2rifmmbFIVsYw03SSi24zAnkrAd0ZNb2rcTzI2avy7+AmNJDdLmzU89zKUAP3Xg=="
PARTNER_ID = "12345678"
BASE = "https://e12345678.at.baijiayun.com/"
ROOM = 21090312345678


def md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def query_of(url: str) -> tuple[str, list[tuple[str, str]]]:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", parse_qsl(
        parts.query, keep_blank_values=True, strict_parsing=True
    )


# --------------------------------------------------------------------------- signs
SIGN_VECTORS = [
    (
        dict(room_id=ROOM, user_number=1001, user_name="小明", user_role=0),
        f"room_id={ROOM}&user_avatar=&user_name=小明&user_number=1001&user_role=0&partner_key={KEY}",
    ),
    (
        dict(room_id=str(ROOM), user_number="1001", user_name="Li Lei", user_role=Role.TEACHER),
        f"room_id={ROOM}&user_avatar=&user_name=Li Lei&user_number=1001&user_role=1"
        f"&partner_key={KEY}",
    ),
    (
        dict(
            room_id=ROOM,
            user_number=9223372036854775807,
            user_name="王老师 & co=1",
            user_role=2,
            user_avatar="https://img.example.com/a.png?x=1&y=2",
            group_id=3,
        ),
        f"group_id=3&room_id={ROOM}&user_avatar=https://img.example.com/a.png?x=1&y=2"
        f"&user_name=王老师 & co=1&user_number=9223372036854775807&user_role=2&partner_key={KEY}",
    ),
    (
        dict(room_id=ROOM, user_number=1, user_name="x", user_role=0, group_id=0),
        f"group_id=0&room_id={ROOM}&user_avatar=&user_name=x&user_number=1&user_role=0"
        f"&partner_key={KEY}",
    ),
]


@pytest.mark.parametrize(("args", "text"), SIGN_VECTORS)
def test_web_sign_matches_hand_computation(args: dict[str, Any], text: str) -> None:
    assert web_sign(KEY, **args) == md5(text)


@pytest.mark.parametrize(("args", "text"), SIGN_VECTORS)
def test_enter_url_carries_raw_values_url_encoded(args: dict[str, Any], text: str) -> None:
    url = enter_url(BASE, KEY, **args)
    where, query = query_of(url)
    assert where == BASE + "web/room/enter"
    names = [k for k, _ in query]
    expected_names = ["room_id", "user_number", "user_name", "user_role", "user_avatar"]
    if "group_id" in args:
        expected_names.append("group_id")
    assert names == [*expected_names, "sign"]
    values = dict(query)
    assert values["sign"] == md5(text)
    assert values["user_name"] == args["user_name"]
    assert values["user_avatar"] == args.get("user_avatar", "")
    assert values["user_number"] == str(int(args["user_number"]))
    assert values["user_role"] == str(int(args["user_role"]))
    raw_query = urlsplit(url).query
    assert " " not in raw_query and "小" not in raw_query  # encoded only in the link
    assert KEY not in url


def test_enter_url_encoding_details() -> None:
    url = enter_url(BASE, KEY, ROOM, 7, "小明 a&b=c+d", user_avatar="https://x.cn/a.png?s=1&t=2")
    raw = urlsplit(url).query
    assert "user_name=%E5%B0%8F%E6%98%8E%20a%26b%3Dc%2Bd" in raw
    assert "user_avatar=https%3A%2F%2Fx.cn%2Fa.png%3Fs%3D1%26t%3D2" in raw
    assert "user_role=0" in raw  # student by default
    assert "group_id" not in raw


def test_base_url_without_trailing_slash() -> None:
    a = enter_url("https://e1.at.baijiayun.com", KEY, ROOM, 1, "x")
    b = enter_url("https://e1.at.baijiayun.com/", KEY, ROOM, 1, "x")
    assert a == b and a.startswith("https://e1.at.baijiayun.com/web/room/enter?")


def test_role_values() -> None:
    assert [int(r) for r in Role] == [0, 1, 2]
    assert (Role.STUDENT, Role.TEACHER, Role.ASSISTANT) == (0, 1, 2)
    assert dict(query_of(enter_url(BASE, KEY, ROOM, 1, "x", Role.ASSISTANT))[1])["user_role"] == "2"


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"user_number": 0}, "user_number"),
        ({"user_number": -5}, "user_number"),
        ({"user_number": 10**19}, "user_number"),  # 20 digits
        ({"user_number": "abc"}, "user_number"),
        ({"user_number": True}, "user_number"),
        ({"user_number": 1.5}, "user_number"),
        ({"user_role": 3}, "user_role"),
        ({"user_role": -1}, "user_role"),
        ({"user_role": True}, "user_role"),
        ({"user_role": "teacher"}, "user_role"),
        ({"user_avatar": "ftp://x.cn/a.png"}, "user_avatar"),
        ({"user_avatar": "/a.png"}, "user_avatar"),
        ({"user_avatar": "x.cn/a.png"}, "user_avatar"),
        ({"user_name": ""}, "user_name"),
        ({"user_name": None}, "user_name"),
        ({"room_id": 0}, "room_id"),
        ({"room_id": "r1"}, "room_id"),
        ({"group_id": "g"}, "group_id"),
    ],
)
def test_validation_names_the_parameter(change: dict[str, Any], param: str) -> None:
    args: dict[str, Any] = dict(room_id=ROOM, user_number=1001, user_name="x", user_role=0)
    args.update(change)
    with pytest.raises(ValidationError) as info:
        enter_url(BASE, KEY, **args)
    assert info.value.param == param
    assert param in str(info.value)
    with pytest.raises(ValidationError) as info:
        web_sign(KEY, **args)
    assert info.value.param == param


def test_largest_user_number_is_accepted() -> None:
    assert web_sign(KEY, ROOM, 10**19 - 1, "x", 0)
    assert web_sign(KEY, ROOM, "0000001", "x", 0) == web_sign(KEY, ROOM, 1, "x", 0)


def test_http_avatar_is_accepted() -> None:
    assert enter_url(BASE, KEY, ROOM, 1, "x", 0, "http://x.cn/a.png")


def test_none_avatar_is_the_empty_avatar() -> None:
    assert web_sign(KEY, ROOM, 1, "x", 0, None) == web_sign(KEY, ROOM, 1, "x", 0, "")
    assert "user_avatar=&" in enter_url(BASE, KEY, ROOM, 1, "x", 0, None)
    with pytest.raises(ValidationError) as info:
        web_sign(KEY, ROOM, 1, "x", None)  # type: ignore[arg-type]
    assert info.value.param == "user_role"


@pytest.mark.parametrize("base", ["", "e1.at.baijiayun.com", "ftp://x.cn/", None])
def test_bad_base_url(base: Any) -> None:
    with pytest.raises(ValidationError) as info:
        enter_url(base, KEY, ROOM, 1, "x")
    assert info.value.param == "base_url"
    with pytest.raises(ValidationError):
        playback_url(base, ROOM, "tok")


@pytest.mark.parametrize("key", ["", None, 123])
def test_bad_partner_key(key: Any) -> None:
    with pytest.raises(ValidationError) as info:
        enter_url(BASE, key, ROOM, 1, "x")
    assert info.value.param == "partner_key"


def test_link_pages_are_not_api_endpoints() -> None:
    assert not any(spec.path.startswith("/web/") for spec in REGISTRY)
    assert REGISTRY.by_path(ENTER_PATH) is None


# --------------------------------------------------------------------------- player links
def test_playback_and_video_urls() -> None:
    url = playback_url(BASE, ROOM, "tok-_~.abc")
    assert url == f"{BASE}web/playback/index?classid={ROOM}&token=tok-_~.abc"
    url = playback_url(BASE, str(ROOM), "a/b+c=", session_id=201711281)
    where, query = query_of(url)
    assert where == BASE + "web/playback/index"
    assert query == [("classid", str(ROOM)), ("token", "a/b+c="), ("session_id", "201711281")]
    assert video_url(BASE, 42, "t") == f"{BASE}web/video/player?vid=42&token=t"
    with pytest.raises(ValidationError) as info:
        playback_url(BASE, ROOM, "")
    assert info.value.param == "token"
    with pytest.raises(ValidationError) as info:
        video_url(BASE, 0, "t")
    assert info.value.param == "video_id"


# --------------------------------------------------------------------------- through the clients
class Platform:
    """A scripted platform: answers by path, records every request's form fields."""

    def __init__(self, data: dict[str, Any] | None = None) -> None:
        self.data: dict[str, Any] = {
            "/openapi/partner/createkey": {"partner_key": KEY},
            "/openapi/playback/getPlayerToken": {"token": "PBTOKEN_abc-123"},
            "/openapi/video/getPlayerToken": {"token": "VTOKEN_xyz"},
            "/openapi/live_account/getClassCallbackUrl": {"url": "https://me.cn/cb"},
            "/openapi/live_account/setClassCallbackUrl": {"url": "https://me.cn/cb"},
            "/openapi/video_account/getTranscodeCallbackUrl": {"url": "https://me.cn/tc"},
            "/openapi/video_account/setTranscodeCallbackUrl": {"url": "https://me.cn/tc"},
            **(data or {}),
        }
        self.requests: list[tuple[str, dict[str, str]]] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        fields = dict(parse_qsl(request.content.decode("ascii"), keep_blank_values=True))
        self.requests.append((request.url.path, fields))
        body = {"code": 0, "msg": "", "data": self.data[request.url.path], "ts": 0}
        return httpx2.Response(200, json=body)

    def paths(self) -> list[str]:
        return [p for p, _ in self.requests]


def check_request_sign(fields: dict[str, str]) -> None:
    rest = sorted((k, v) for k, v in fields.items() if k != "sign")
    text = "&".join(f"{k}={v}" for k, v in rest) + f"&partner_key={KEY}"
    assert fields["sign"] == md5(text)
    assert fields["timestamp"].isdigit() and len(fields["timestamp"]) == 10


Factory = Callable[..., Any]


@pytest.fixture
def platform() -> Platform:
    return Platform()


@pytest.fixture
def sync_client(platform: Platform) -> Iterator[BaiJiaYunClient]:
    http = httpx2.Client(transport=httpx2.MockTransport(platform))
    with BaiJiaYunClient(PARTNER_ID, partner_key=KEY, base_url=BASE, http_client=http) as c:
        yield c
    http.close()


@pytest.fixture
async def async_client(platform: Platform) -> Any:
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(platform))
    async with AsyncBaiJiaYunClient(
        PARTNER_ID, partner_key=KEY, base_url=BASE, http_client=http
    ) as c:
        yield c
    await http.aclose()


def test_client_enter_url_and_web_sign(sync_client: BaiJiaYunClient, platform: Platform) -> None:
    args = (ROOM, 1001, "小明", 1, "", 5)
    assert sync_client.links.enter_url(*args) == enter_url(BASE, KEY, *args)
    assert sync_client.links.get_web_sign(*args) == web_sign(KEY, *args)
    assert sync_client.get_web_sign(ROOM, 1001, "小明", 1) == web_sign(KEY, ROOM, 1001, "小明", 1)
    assert platform.requests == []  # nothing sent


async def test_async_client_enter_url_is_a_plain_str(async_client: AsyncBaiJiaYunClient) -> None:
    url = async_client.links.enter_url(ROOM, 1001, "小明")
    assert isinstance(url, str) and url == enter_url(BASE, KEY, ROOM, 1001, "小明")
    assert async_client.get_web_sign(ROOM, 1, "x", 0) == web_sign(KEY, ROOM, 1, "x", 0)


def test_sync_client_with_secret_key_fetches_the_key_for_links(platform: Platform) -> None:
    http = httpx2.Client(transport=httpx2.MockTransport(platform))
    client = BaiJiaYunClient(PARTNER_ID, "secret", base_url=BASE, http_client=http)
    url = client.links.enter_url(ROOM, 1001, "x")
    assert url == enter_url(BASE, KEY, ROOM, 1001, "x")
    assert platform.paths() == ["/openapi/partner/createkey"]
    client.links.enter_url(ROOM, 1002, "y")
    assert platform.paths() == ["/openapi/partner/createkey"]  # cached


async def test_async_client_with_secret_key_needs_the_key_fetched(platform: Platform) -> None:
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(platform))
    client = AsyncBaiJiaYunClient(PARTNER_ID, "secret", base_url=BASE, http_client=http)
    with pytest.raises(ValidationError):  # arguments are checked before the key
        client.links.enter_url(ROOM, 0, "x")
    with pytest.raises(ConfigurationError, match="fetch_partner_key"):
        client.links.enter_url(ROOM, 1001, "x")
    with pytest.raises(ConfigurationError):
        client.get_web_sign(ROOM, 1001, "x", 0)
    assert platform.requests == []
    await client.fetch_partner_key()
    assert platform.paths() == ["/openapi/partner/createkey"]
    assert client.links.enter_url(ROOM, 1001, "x") == enter_url(BASE, KEY, ROOM, 1001, "x")
    await client.aclose()


def test_known_key_outlives_its_cache_entry(platform: Platform) -> None:
    http = httpx2.Client(transport=httpx2.MockTransport(platform))
    client = BaiJiaYunClient(PARTNER_ID, "secret", base_url=BASE, http_client=http)
    client.fetch_partner_key()
    client._keys._store.delete(PARTNER_ID)  # the cache entry expired
    assert client.links.get_web_sign(ROOM, 1, "x", 0) == web_sign(KEY, ROOM, 1, "x", 0)
    assert platform.paths() == ["/openapi/partner/createkey"]


def test_sync_playback_url(sync_client: BaiJiaYunClient, platform: Platform) -> None:
    url = sync_client.links.playback_url(ROOM)
    assert url == f"{BASE}web/playback/index?classid={ROOM}&token=PBTOKEN_abc-123"
    [(path, fields)] = platform.requests
    assert path == "/openapi/playback/getPlayerToken"
    assert set(fields) == {"room_id", "expires_in", "partner_id", "timestamp", "sign"}
    assert fields["room_id"] == str(ROOM) and fields["partner_id"] == PARTNER_ID
    assert fields["expires_in"] == str(baijiayun.api.links.DEFAULT_EXPIRES_IN)
    check_request_sign(fields)

    url = sync_client.links.playback_url(ROOM, session_id=201711281, expires_in=0)
    assert url.endswith("&session_id=201711281")
    fields = platform.requests[-1][1]
    assert fields["session_id"] == "201711281" and fields["expires_in"] == "0"
    check_request_sign(fields)


async def test_async_playback_url(async_client: AsyncBaiJiaYunClient, platform: Platform) -> None:
    pending = async_client.links.playback_url(ROOM, 201711281, 600)
    assert platform.requests == []  # nothing sent until awaited
    url = await pending
    assert url == (
        f"{BASE}web/playback/index?classid={ROOM}&token=PBTOKEN_abc-123&session_id=201711281"
    )
    [(path, fields)] = platform.requests
    assert path == "/openapi/playback/getPlayerToken"
    assert (fields["room_id"], fields["session_id"], fields["expires_in"]) == (
        str(ROOM),
        "201711281",
        "600",
    )
    check_request_sign(fields)


def test_sync_video_url(sync_client: BaiJiaYunClient, platform: Platform) -> None:
    assert (
        sync_client.links.video_url(42, expires_in=60)
        == f"{BASE}web/video/player?vid=42&token=VTOKEN_xyz"
    )
    [(path, fields)] = platform.requests
    assert path == "/openapi/video/getPlayerToken"
    assert set(fields) == {"video_id", "expires_in", "partner_id", "timestamp", "sign"}
    assert (fields["video_id"], fields["expires_in"]) == ("42", "60")
    check_request_sign(fields)


async def test_async_video_url(async_client: AsyncBaiJiaYunClient, platform: Platform) -> None:
    assert (
        await async_client.links.video_url("42")
        == f"{BASE}web/video/player?vid=42&token=VTOKEN_xyz"
    )
    assert platform.paths() == ["/openapi/video/getPlayerToken"]


def test_player_link_validation_sends_nothing(
    sync_client: BaiJiaYunClient, platform: Platform
) -> None:
    with pytest.raises(ValidationError) as info:
        sync_client.links.playback_url(0)
    assert info.value.param == "room_id"
    with pytest.raises(ValidationError) as info:
        sync_client.links.video_url(42, expires_in=-1)
    assert info.value.param == "expires_in"
    with pytest.raises(TypeError):
        sync_client.links.video_url(42, nope=1)  # type: ignore[call-arg]
    assert platform.requests == []


async def test_async_player_link_validation(
    async_client: AsyncBaiJiaYunClient, platform: Platform
) -> None:
    with pytest.raises(ValidationError):
        await async_client.links.video_url(-3)
    assert platform.requests == []


# --------------------------------------------------------------------------- batches
PLAYBACK_ANSWERS = [
    pytest.param(
        [
            {"room_id": ROOM, "token": "T1"},
            {"room_id": str(ROOM + 1), "session_id": "201711281", "token": "T2"},
        ],
        id="list",
    ),
    pytest.param({str(ROOM): "T1", f"{ROOM + 1}-201711281": "T2"}, id="mapping"),
    pytest.param(
        {
            "list": [
                {"room_id": str(ROOM), "token": "T1"},
                {"room_id": ROOM + 1, "session_id": 201711281, "token": "T2"},
            ]
        },
        id="wrapped",
    ),
    pytest.param(
        {str(ROOM): {"token": "T1"}, f"{ROOM + 1}-201711281": {"token": "T2"}}, id="dicts"
    ),
]


@pytest.mark.parametrize("answer", PLAYBACK_ANSWERS)
def test_sync_playback_urls(answer: Any) -> None:
    platform = Platform({"/openapi/playback/getPlayerTokenBatch": answer})
    http = httpx2.Client(transport=httpx2.MockTransport(platform))
    client = BaiJiaYunClient(PARTNER_ID, partner_key=KEY, base_url=BASE, http_client=http)
    urls = client.links.playback_urls([ROOM, (ROOM + 1, 201711281)], expires_in=120)
    assert urls == {
        str(ROOM): f"{BASE}web/playback/index?classid={ROOM}&token=T1",
        f"{ROOM + 1}-201711281": (
            f"{BASE}web/playback/index?classid={ROOM + 1}&token=T2&session_id=201711281"
        ),
    }
    [(path, fields)] = platform.requests
    assert path == "/openapi/playback/getPlayerTokenBatch"
    assert fields["room_ids"] == f"{ROOM},{ROOM + 1}-201711281"
    assert fields["expires_in"] == "120"
    check_request_sign(fields)


async def test_async_playback_urls_from_comma_text() -> None:
    answer = [{"room_id": ROOM, "token": "T1"}]  # the second room has no playback
    platform = Platform({"/openapi/playback/getPlayerTokenBatch": answer})
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(platform))
    client = AsyncBaiJiaYunClient(PARTNER_ID, partner_key=KEY, base_url=BASE, http_client=http)
    urls = await client.links.playback_urls(f"{ROOM}, {ROOM + 1}")
    assert urls == {str(ROOM): f"{BASE}web/playback/index?classid={ROOM}&token=T1"}
    assert platform.requests[0][1]["room_ids"] == f"{ROOM},{ROOM + 1}"


@pytest.mark.parametrize("bad", [[f"{ROOM}-"], ["abc"], [True], [(ROOM, 1, 2)], [], [f"{ROOM}-x"]])
def test_playback_urls_validation(
    sync_client: BaiJiaYunClient, platform: Platform, bad: Any
) -> None:
    with pytest.raises(ValidationError) as info:
        sync_client.links.playback_urls(bad)
    assert info.value.param == "room_ids"
    assert platform.requests == []


@pytest.mark.parametrize(
    "answer",
    [
        [{"video_id": 42, "token": "A"}, {"video_id": "43", "token": "B"}],
        {"42": "A", "43": "B"},
        {"tokens": {"42": {"token": "A"}, "43": "B"}},
    ],
)
async def test_video_urls_both_clients(answer: Any) -> None:
    platform = Platform({"/openapi/video/getPlayerTokenBatch": answer})
    expected = {
        "42": f"{BASE}web/video/player?vid=42&token=A",
        "43": f"{BASE}web/video/player?vid=43&token=B",
    }
    http = httpx2.Client(transport=httpx2.MockTransport(platform))
    client = BaiJiaYunClient(PARTNER_ID, partner_key=KEY, base_url=BASE, http_client=http)
    assert client.links.video_urls([42, "43"]) == expected
    ahttp = httpx2.AsyncClient(transport=httpx2.MockTransport(platform))
    aclient = AsyncBaiJiaYunClient(PARTNER_ID, partner_key=KEY, base_url=BASE, http_client=ahttp)
    assert await aclient.links.video_urls((42, 43), expires_in=5) == expected
    assert [f["video_ids"] for _, f in platform.requests] == ["42,43", "42,43"]
    assert platform.requests[1][1]["expires_in"] == "5"


@pytest.mark.parametrize("answer", [[], {}, {"list": []}])
def test_empty_batch_answers_give_no_links(answer: Any) -> None:
    platform = Platform({"/openapi/video/getPlayerTokenBatch": answer})
    http = httpx2.Client(transport=httpx2.MockTransport(platform))
    client = BaiJiaYunClient(PARTNER_ID, partner_key=KEY, base_url=BASE, http_client=http)
    assert client.links.video_urls([42]) == {}


@pytest.mark.parametrize("answer", [None, "junk", [1, None, {"token": 5}], {"42": None}])
def test_malformed_batch_answers_raise_decode_error(answer: Any) -> None:
    platform = Platform({"/openapi/video/getPlayerTokenBatch": answer})
    http = httpx2.Client(transport=httpx2.MockTransport(platform))
    client = BaiJiaYunClient(PARTNER_ID, partner_key=KEY, base_url=BASE, http_client=http)
    with pytest.raises(DecodeError) as info:
        client.links.video_urls([42])
    assert info.value.path == "/openapi/video/getPlayerTokenBatch"


# --------------------------------------------------------------------------- endpoint declarations
def test_token_and_callback_url_endpoints(sync_client: BaiJiaYunClient, platform: Platform) -> None:
    assert sync_client.playback.get_player_token(ROOM, 0) == "PBTOKEN_abc-123"
    assert sync_client.video.get_player_token(42, 3600) == "VTOKEN_xyz"
    assert sync_client.live_account.get_class_callback_url() == "https://me.cn/cb"
    assert sync_client.live_account.set_class_callback_url("https://me.cn/cb") == "https://me.cn/cb"
    assert sync_client.video_account.get_transcode_callback_url() == "https://me.cn/tc"
    assert (
        sync_client.video_account.set_transcode_callback_url("http://me.cn/tc")
        == "https://me.cn/tc"
    )
    sent = {path: fields for path, fields in platform.requests}
    assert sent["/openapi/live_account/setClassCallbackUrl"]["url"] == "https://me.cn/cb"
    assert sent["/openapi/video_account/setTranscodeCallbackUrl"]["url"] == "http://me.cn/tc"
    assert set(sent["/openapi/live_account/getClassCallbackUrl"]) == {
        "partner_id",
        "timestamp",
        "sign",
    }
    for fields in sent.values():
        check_request_sign(fields)


@pytest.mark.parametrize("url", ["ftp://me.cn/cb", "me.cn/cb", "", "https://", "https://a b/"])
def test_callback_url_must_be_http(
    sync_client: BaiJiaYunClient, platform: Platform, url: str
) -> None:
    with pytest.raises(ValidationError) as info:
        sync_client.live_account.set_class_callback_url(url)
    assert info.value.param == "url"
    with pytest.raises(ValidationError):
        sync_client.video_account.set_transcode_callback_url(url)
    assert platform.requests == []


async def test_async_endpoints(async_client: AsyncBaiJiaYunClient, platform: Platform) -> None:
    assert await async_client.playback.get_player_token(ROOM, 60, session_id=1) == "PBTOKEN_abc-123"
    assert await async_client.live_account.get_class_callback_url() == "https://me.cn/cb"
    assert platform.requests[0][1]["session_id"] == "1"


def test_declarations() -> None:
    expected = {
        "/openapi/playback/getPlayerToken": (
            True,
            "token",
            ["room_id", "expires_in", "session_id"],
        ),
        "/openapi/playback/getPlayerTokenBatch": (True, None, ["room_ids", "expires_in"]),
        "/openapi/video/getPlayerToken": (True, "token", ["video_id", "expires_in"]),
        "/openapi/video/getPlayerTokenBatch": (True, None, ["video_ids", "expires_in"]),
        "/openapi/live_account/setClassCallbackUrl": (False, "url", ["url"]),
        "/openapi/live_account/getClassCallbackUrl": (True, "url", []),
        "/openapi/video_account/setTranscodeCallbackUrl": (False, "url", ["url"]),
        "/openapi/video_account/getTranscodeCallbackUrl": (True, "url", []),
    }
    for path, (safe, unwrap, params) in expected.items():
        spec = REGISTRY[path]
        assert (spec.safe, spec.unwrap, [p.name for p in spec.params]) == (safe, unwrap, params)
