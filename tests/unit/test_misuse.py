"""Every failure a caller can meet is a ``BaiJiaYunError`` (issue 8, item 10).

Bad settings are refused when the client is built (or ``with_options`` is
called), bad text before anything is sent, a closed client with a named error.
"""

from __future__ import annotations

import asyncio

import httpx2
import pytest

from baijiayun import AsyncBaiJiaYunClient, BaiJiaYunClient, links
from baijiayun.callbacks import sign_callback, verify_callback
from baijiayun.errors import (
    BaiJiaYunError,
    ClientClosedError,
    ConfigurationError,
    ValidationError,
)

from .conftest import CREATEKEY, NOW, PARTNER_ID, PARTNER_KEY, ROOM_ID, answer

INFO = "/openapi/room/info"
CREATE = "/openapi/room/create"
LONE = "\ud800"  # a lone surrogate: not encodable as UTF-8
CLIENTS = [BaiJiaYunClient, AsyncBaiJiaYunClient]


# --------------------------------------------------------------------------- lone surrogates
@pytest.mark.parametrize(
    ("method", "args", "kwargs", "param"),
    [
        ("create", ("数学" + LONE, NOW + 86400, NOW + 90000, 2), {}, "title"),
        ("getcode", (ROOM_ID, 1001), {"user_avatar": "https://x.example/" + LONE}, "user_avatar"),
        ("update", (ROOM_ID,), {"title": LONE}, "title"),
    ],
)
def test_a_lone_surrogate_in_text_is_a_validation_error(harness, method, args, kwargs, param):
    """Before: UnicodeEncodeError from deep in the encoder."""
    with pytest.raises(ValidationError) as info:
        harness.room(method, *args, **kwargs)
    assert info.value.param == param
    assert "surrogate" in info.value.rule
    assert harness.api.sent == []


def test_a_lone_surrogate_in_a_user_name_is_a_validation_error(harness) -> None:
    with pytest.raises(ValidationError) as info:
        harness.run(lambda c: c.links.enter_url(ROOM_ID, user_number=1, user_name="张" + LONE))
    assert info.value.param == "user_name"
    with pytest.raises(ValidationError) as info:
        links.enter_url("https://e1.at.baijiayun.com/", PARTNER_KEY, ROOM_ID, 1, LONE)
    assert info.value.param == "user_name"


def test_a_lone_surrogate_in_a_file_name_is_a_validation_error(harness) -> None:
    start = NOW + 86400
    with pytest.raises(ValidationError) as info:
        harness.room(
            "create", "t", start, start + 3600, 2, background_attachment=(LONE + ".png", b"x")
        )
    assert info.value.param == "background_attachment"


@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize("name", ["partner_key", "secret_key"])
def test_a_lone_surrogate_in_a_key_is_refused_at_construction(cls, name) -> None:
    with pytest.raises(ConfigurationError, match=name):
        cls(PARTNER_ID, **{name: "key" + LONE})


def test_a_lone_surrogate_in_a_key_given_to_a_pure_function() -> None:
    with pytest.raises(ValidationError) as info:
        links.enter_url("https://e1.at.baijiayun.com/", "k" + LONE, ROOM_ID, 1, "n")
    assert info.value.param == "partner_key"
    with pytest.raises(ConfigurationError):
        verify_callback(sign_callback({"qid": "1"}, PARTNER_KEY), "k" + LONE)


# --------------------------------------------------------------------------- settings
BAD_BASE_URLS = [
    "https://api.example.com/\nX-Injected: 1",
    "https://api.exa mple.com/",
    "https://api.example.com/\t",
    "ftp://api.example.com/",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "api.example.com",
    "//api.example.com/",
    "https://",
    "https:///path",
    "https://api.example.com:99999/",
    "https://api.example.com/?x=1",
    "https://api.example.com/#top",
    "https://api.example.com/" + LONE,
]


@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize("url", BAD_BASE_URLS)
def test_a_base_url_that_is_not_an_http_url_is_refused_at_construction(cls, url) -> None:
    """Before: httpx2.InvalidURL (newline) or UnsupportedProtocol retried 3 times (ftp)."""
    with pytest.raises(ConfigurationError, match="base_url"):
        cls(PARTNER_ID, partner_key=PARTNER_KEY, base_url=url)


def test_a_bad_base_url_from_the_environment_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("BAIJIAYUN_BASE_URL", "https://api.example.com/\r\n")
    with pytest.raises(ConfigurationError, match="base_url"):
        BaiJiaYunClient(PARTNER_ID, partner_key=PARTNER_KEY)


@pytest.mark.parametrize(
    "domain", ["e1.at.baijiayun.com/", "https://e1", "e1\n", "-e1", "e_1", "e" * 64, "é1"]
)
def test_a_private_domain_that_is_not_a_host_prefix_is_refused(domain) -> None:
    with pytest.raises(ConfigurationError, match="private_domain"):
        BaiJiaYunClient(PARTNER_ID, partner_key=PARTNER_KEY, private_domain=domain)


@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000", "https://proxy.example/bjy/", "HTTPS://X"]
)
def test_good_base_urls_are_kept(cls, url) -> None:
    client = cls(PARTNER_ID, partner_key=PARTNER_KEY, base_url=url)
    assert client.base_url.rstrip("/") == url.rstrip("/")


@pytest.mark.parametrize("key", [b"bytes-key", 12345])
def test_a_key_that_is_not_text_is_refused(key) -> None:
    with pytest.raises(ConfigurationError, match="partner_key must be text"):
        BaiJiaYunClient(PARTNER_ID, partner_key=key)


BAD_OPTIONS = [
    {"max_retries": "2"},
    {"max_retries": -1},
    {"max_retries": 1.5},
    {"max_retries": True},
    {"max_retries": None},
    {"timeout": "10"},
    {"timeout": -1},
    {"timeout": 0},
    {"timeout": float("nan")},
    {"timeout": float("inf")},
    {"timeout": True},
    {"timeout": httpx2.Timeout(5)},
]


@pytest.mark.parametrize("cls", CLIENTS)
@pytest.mark.parametrize("options", BAD_OPTIONS, ids=repr)
def test_bad_options_are_refused_at_construction(cls, options) -> None:
    """Before: TypeError at the first call for max_retries='2'; timeout=-1 accepted."""
    (name,) = options
    with pytest.raises(ConfigurationError, match=name):
        cls(PARTNER_ID, partner_key=PARTNER_KEY, **options)


@pytest.mark.parametrize(
    "options", [*BAD_OPTIONS, {"validate": "no"}, {"retry_writes": 1}], ids=repr
)
def test_bad_options_are_refused_by_with_options(harness, options) -> None:
    (name,) = options
    with pytest.raises(ConfigurationError, match=name):
        harness.client.with_options(**options)


@pytest.mark.parametrize("options", [{"timeout": None}, {"timeout": 3}, {"max_retries": 0}])
def test_good_options_are_kept(harness, options) -> None:
    assert harness.with_options(**options).room("info", ROOM_ID).room_id


# --------------------------------------------------------------------------- closed clients
def test_a_call_after_close_is_a_client_closed_error() -> None:
    client = BaiJiaYunClient(PARTNER_ID, partner_key=PARTNER_KEY, base_url="http://127.0.0.1:9/")
    copy = client.with_options(max_retries=5)
    client.close()
    for c in (client, copy):
        with pytest.raises(ClientClosedError) as info:
            c.room.info(ROOM_ID)
        assert isinstance(info.value, RuntimeError)  # what httpx2 raised before, still caught
        assert "closed" in str(info.value)


def test_an_async_call_after_aclose_is_a_client_closed_error() -> None:
    async def scenario() -> None:
        client = AsyncBaiJiaYunClient(
            PARTNER_ID, partner_key=PARTNER_KEY, base_url="http://127.0.0.1:9/"
        )
        await client.aclose()
        with pytest.raises(ClientClosedError):
            await client.room.info(ROOM_ID)

    asyncio.run(scenario())


def test_a_closed_http_client_of_the_caller_is_a_client_closed_error(api) -> None:
    http = httpx2.Client(transport=httpx2.MockTransport(api.handler))
    client = BaiJiaYunClient(PARTNER_ID, partner_key=None, secret_key="s", http_client=http)
    http.close()
    with pytest.raises(ClientClosedError):
        client.room.info(ROOM_ID)  # the key fetch is the first thing refused
    assert api.sent == []


# --------------------------------------------------------------------------- transport misuse
@pytest.mark.parametrize("exc", [httpx2.UnsupportedProtocol("no transport for 'ftp'")])
def test_an_unsupported_protocol_is_not_retried(make_harness, mode, exc) -> None:
    """Before: an APIConnectionError 'never sent', so retried max_retries times."""
    h = make_harness(mode, max_retries=2)
    h.api.script(INFO, exc)
    with pytest.raises(ConfigurationError, match="UnsupportedProtocol"):
        h.room("info", ROOM_ID)
    assert len(h.api.to(INFO)) == 1


def test_a_file_that_vanishes_before_a_retry_is_a_validation_error(harness, tmp_path) -> None:
    picture = tmp_path / "bg.png"
    picture.write_bytes(b"PICTURE")

    def refuse_and_delete(request: httpx2.Request) -> httpx2.Response:
        picture.unlink()
        raise httpx2.ConnectError("refused")

    harness.api.script(CREATE, refuse_and_delete, answer(CREATE))
    start = NOW + 86400
    with pytest.raises(ValidationError) as info:
        harness.room("create", "t", start, start + 3600, 2, background_attachment=str(picture))
    assert info.value.param == "background_attachment"


def test_nothing_else_escapes_a_batch_of_misuse(make_harness, mode) -> None:
    """A sweep: each of these raised something other than a BaiJiaYunError before."""
    h = make_harness(mode, partner_key=None, secret_key="s")
    h.api.script(CREATEKEY, {"partner_key": "fetched"})
    attempts = [
        lambda c: c.room.create(LONE, NOW + 86400, NOW + 90000, 2),
        lambda c: c.with_options(max_retries="2"),
        lambda c: c.with_options(timeout="soon"),
        lambda c: c.links.enter_url(ROOM_ID, user_number=1, user_name=LONE),
    ]
    for attempt in attempts:
        with pytest.raises(BaiJiaYunError):
            h.run(attempt)
