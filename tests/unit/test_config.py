"""Client settings: arguments, BAIJIAYUN_* variables, base URL, and connection pools."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import httpx2
import pytest

from baijiayun import AsyncBaiJiaYunClient, BaiJiaYunClient, BaiJiaYunError, ConfigurationError
from baijiayun._wire import BEIJING

from .conftest import CREATEKEY, FETCHED_KEY, PARTNER_ID, PARTNER_KEY, ROOM_ID, SECRET_KEY

CLIENTS = [BaiJiaYunClient, AsyncBaiJiaYunClient]
client_classes = pytest.mark.parametrize("cls", CLIENTS, ids=["sync", "async"])


def _close(client) -> None:
    if isinstance(client, AsyncBaiJiaYunClient):
        asyncio.run(client.aclose())
    else:
        client.close()


# --------------------------------------------------------------------------- environment
@client_classes
def test_everything_from_the_environment(cls, monkeypatch) -> None:
    monkeypatch.setenv("BAIJIAYUN_PARTNER_ID", PARTNER_ID)
    monkeypatch.setenv("BAIJIAYUN_PARTNER_KEY", PARTNER_KEY)
    monkeypatch.setenv("BAIJIAYUN_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("BAIJIAYUN_PRIVATE_DOMAIN", "e12345678")
    client = cls()
    try:
        assert client.partner_id == PARTNER_ID
        assert client.base_url == "https://e12345678.at.baijiayun.com/"
        assert client._settings.partner_key == PARTNER_KEY
        assert client._settings.secret_key == SECRET_KEY
    finally:
        _close(client)


@client_classes
def test_arguments_win_over_the_environment(cls, monkeypatch) -> None:
    monkeypatch.setenv("BAIJIAYUN_PARTNER_ID", "999")
    monkeypatch.setenv("BAIJIAYUN_PARTNER_KEY", "env-key")
    monkeypatch.setenv("BAIJIAYUN_BASE_URL", "https://env.example/")
    client = cls(12345678, partner_key="arg-key", base_url="https://arg.example")
    try:
        assert client.partner_id == "12345678"
        assert client._settings.partner_key == "arg-key"
        assert client.base_url == "https://arg.example/"
    finally:
        _close(client)


@client_classes
def test_partial_environment_fallback(cls, monkeypatch) -> None:
    monkeypatch.setenv("BAIJIAYUN_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("BAIJIAYUN_BASE_URL", "https://env.example")
    client = cls(PARTNER_ID)
    try:
        assert client._settings.secret_key == SECRET_KEY
        assert client._settings.partner_key is None
        assert client.base_url == "https://env.example/"
    finally:
        _close(client)


@client_classes
def test_empty_argument_falls_back_to_environment(cls, monkeypatch) -> None:
    monkeypatch.setenv("BAIJIAYUN_PARTNER_KEY", PARTNER_KEY)
    client = cls(PARTNER_ID, partner_key="")
    try:
        assert client._settings.partner_key == PARTNER_KEY
    finally:
        _close(client)


@client_classes
@pytest.mark.parametrize(
    ("kwargs", "env", "missing"),
    [
        ({}, {}, ["partner_id", "partner_key or secret_key"]),
        ({"partner_key": "k"}, {}, ["partner_id"]),
        ({"partner_id": PARTNER_ID}, {}, ["partner_key or secret_key"]),
        ({}, {"BAIJIAYUN_PARTNER_ID": PARTNER_ID}, ["partner_key or secret_key"]),
        ({}, {"BAIJIAYUN_SECRET_KEY": "s"}, ["partner_id"]),
        ({"partner_id": "", "partner_key": "k"}, {"BAIJIAYUN_PARTNER_ID": ""}, ["partner_id"]),
        (
            {"partner_id": PARTNER_ID, "partner_key": "", "secret_key": ""},
            {},
            ["partner_key or secret_key"],
        ),
    ],
)
def test_missing_credentials(cls, monkeypatch, kwargs, env, missing) -> None:
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    with pytest.raises(ConfigurationError) as info:
        cls(**kwargs)
    message = str(info.value)
    for name in missing:
        assert name in message
    if missing == ["partner_id"]:
        assert "secret_key" not in message
    if "partner_id" not in missing:
        assert "partner_id (or" not in message
    assert "BAIJIAYUN_" in message


@pytest.mark.parametrize("bad", ["abc", "-1", "12 34", "1.5"])
def test_partner_id_must_be_numeric(bad) -> None:
    with pytest.raises(ConfigurationError, match="partner_id"):
        BaiJiaYunClient(bad, partner_key="k")


def test_negative_max_retries_is_refused() -> None:
    with pytest.raises(BaiJiaYunError, match="max_retries"):
        BaiJiaYunClient(PARTNER_ID, partner_key="k", max_retries=-1)


# --------------------------------------------------------------------------- base URL
@pytest.mark.parametrize(
    ("base_url", "private_domain", "env", "expected"),
    [
        (None, None, {}, "https://api.baijiayun.com/"),
        (None, "e12345678", {}, "https://e12345678.at.baijiayun.com/"),
        ("https://proxy.example/bjy", "e12345678", {}, "https://proxy.example/bjy/"),
        ("https://proxy.example/", None, {}, "https://proxy.example/"),
        (None, None, {"BAIJIAYUN_PRIVATE_DOMAIN": "e1"}, "https://e1.at.baijiayun.com/"),
        (
            None,
            None,
            {"BAIJIAYUN_PRIVATE_DOMAIN": "e1", "BAIJIAYUN_BASE_URL": "http://127.0.0.1:8000"},
            "http://127.0.0.1:8000/",
        ),
        (
            None,
            "e2",
            {"BAIJIAYUN_BASE_URL": "http://127.0.0.1:8000"},
            "http://127.0.0.1:8000/",
        ),
        ("https://arg.example", None, {"BAIJIAYUN_PRIVATE_DOMAIN": "e1"}, "https://arg.example/"),
    ],
)
def test_base_url_rule(api, monkeypatch, base_url, private_domain, env, expected) -> None:
    """base_url > private_domain > https://api.baijiayun.com/ (env vars fill gaps)."""
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    http = httpx2.Client(transport=httpx2.MockTransport(api.handler))
    client = BaiJiaYunClient(
        PARTNER_ID,
        partner_key=PARTNER_KEY,
        private_domain=private_domain,
        base_url=base_url,
        http_client=http,
    )
    assert client.base_url == expected
    client.room.info(ROOM_ID)
    assert api.last.url == expected + "openapi/room/info"
    http.close()


# --------------------------------------------------------------------------- seed form
def test_positional_seed_form(api) -> None:
    """``BaiJiaYunClient(partner_id, secret_key, private_domain)`` like the earlier SDK."""
    http = httpx2.Client(transport=httpx2.MockTransport(api.handler))
    client = BaiJiaYunClient(int(PARTNER_ID), SECRET_KEY, "e12345678", http_client=http)
    assert client.partner_id == PARTNER_ID
    assert client.base_url == "https://e12345678.at.baijiayun.com/"
    client.room.info(ROOM_ID)
    assert api.paths == [CREATEKEY, "/openapi/room/info"]
    assert api.sent[0].form["secret_key"] == SECRET_KEY
    assert api.sent[0].url == "https://e12345678.at.baijiayun.com/openapi/partner/createkey"
    assert api.last.sign_ok(FETCHED_KEY)
    http.close()


def test_positional_seed_form_async(api) -> None:
    async def main() -> None:
        http = httpx2.AsyncClient(transport=httpx2.MockTransport(api.ahandler))
        client = AsyncBaiJiaYunClient(PARTNER_ID, SECRET_KEY, "e7", http_client=http)
        await client.room.info(ROOM_ID)
        await http.aclose()

    asyncio.run(main())
    assert [s.url for s in api.sent] == [
        "https://e7.at.baijiayun.com/openapi/partner/createkey",
        "https://e7.at.baijiayun.com/openapi/room/info",
    ]


# --------------------------------------------------------------------------- time zone
@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        (None, BEIJING),  # China Standard Time, a fixed UTC+8
        ("Asia/Shanghai", ZoneInfo("Asia/Shanghai")),
        ("UTC", ZoneInfo("UTC")),
        ("America/New_York", ZoneInfo("America/New_York")),
        (dt.timezone.utc, dt.timezone.utc),
    ],
)
def test_tz(tz, expected) -> None:
    client = BaiJiaYunClient(PARTNER_ID, partner_key="k", tz=tz)
    assert client.tz == expected
    client.close()


def test_unknown_tz_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="Mars/Olympus"):
        BaiJiaYunClient(PARTNER_ID, partner_key="k", tz="Mars/Olympus")


# --------------------------------------------------------------------------- pools
def test_http_client_is_used_and_not_closed(api) -> None:
    http = httpx2.Client(transport=httpx2.MockTransport(api.handler))
    client = BaiJiaYunClient(PARTNER_ID, partner_key=PARTNER_KEY, http_client=http)
    client.room.info(ROOM_ID)
    assert len(api.sent) == 1  # went through the given client's transport
    client.close()
    assert not http.is_closed
    with BaiJiaYunClient(PARTNER_ID, partner_key=PARTNER_KEY, http_client=http) as again:
        again.room.info(ROOM_ID)
    assert not http.is_closed
    http.close()


def test_async_http_client_is_used_and_not_closed(api) -> None:
    async def main() -> None:
        http = httpx2.AsyncClient(transport=httpx2.MockTransport(api.ahandler))
        client = AsyncBaiJiaYunClient(PARTNER_ID, partner_key=PARTNER_KEY, http_client=http)
        await client.room.info(ROOM_ID)
        await client.aclose()
        assert not http.is_closed
        async with AsyncBaiJiaYunClient(PARTNER_ID, partner_key="k", http_client=http) as again:
            await again.room.info(ROOM_ID)
        assert not http.is_closed
        await http.aclose()

    asyncio.run(main())
    assert len(api.sent) == 2


def test_own_pool_is_closed() -> None:
    client = BaiJiaYunClient(PARTNER_ID, partner_key="k")
    http = client._driver.http
    assert isinstance(http, httpx2.Client)
    with client:
        pass
    assert http.is_closed


def test_own_async_pool_is_closed() -> None:
    async def main() -> httpx2.AsyncClient:
        async with AsyncBaiJiaYunClient(PARTNER_ID, partner_key="k") as client:
            http = client._driver.http
            assert isinstance(http, httpx2.AsyncClient)
            assert not http.is_closed
        return http

    assert asyncio.run(main()).is_closed


@client_classes
def test_each_client_has_its_own_pool(cls) -> None:
    first = cls(PARTNER_ID, partner_key="k")
    second = cls(PARTNER_ID, partner_key="k")
    try:
        assert first._driver.http is not second._driver.http
        assert first._driver is not second._driver
        # an option copy shares its parent's pool
        assert first.with_options(max_retries=0)._driver.http is first._driver.http
    finally:
        _close(first)
        _close(second)


@pytest.mark.parametrize(
    ("cls", "wrong"),
    [(BaiJiaYunClient, httpx2.AsyncClient), (AsyncBaiJiaYunClient, httpx2.Client)],
    ids=["sync-given-async", "async-given-sync"],
)
def test_wrong_http_client_kind(cls, wrong) -> None:
    http = wrong()
    with pytest.raises(ConfigurationError, match="http_client"):
        cls(PARTNER_ID, partner_key="k", http_client=http)
    if isinstance(http, httpx2.AsyncClient):
        asyncio.run(http.aclose())
    else:
        http.close()


def test_with_options_copies_do_not_change_the_original(harness) -> None:
    copy = harness.client.with_options(timeout=1.5, max_retries=7, validate=False)
    assert (copy._options.timeout, copy._options.max_retries, copy._options.validate) == (
        1.5,
        7,
        False,
    )
    assert harness.client._options.max_retries == 2
    assert harness.client._options.validate is True
    assert type(copy) is type(harness.client)
    assert copy.room._client is copy
    assert harness.client.room._client is harness.client


def test_closing_an_option_copy_leaves_the_pool_open() -> None:
    client = BaiJiaYunClient(PARTNER_ID, partner_key="k")
    with client.with_options(max_retries=0) as copy:
        assert copy._driver.http is client._driver.http
    assert not client._driver.http.is_closed
    client.close()
    assert client._driver.http.is_closed


def test_closing_an_async_option_copy_leaves_the_pool_open() -> None:
    async def main() -> None:
        client = AsyncBaiJiaYunClient(PARTNER_ID, partner_key="k")
        async with client.with_options(validate=False):
            pass
        assert not client._driver.http.is_closed
        await client.aclose()
        assert client._driver.http.is_closed

    asyncio.run(main())
