"""Issue 20 (hardening, third round), the SDK's side: each test names the bug it catches.

Every test here was seen to fail with its bug put in by hand (the docstring says
which line was changed) and to pass on the code as it is.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from baijiayun.keys import KeyRecord, PartnerKeyProvider, RedisKeyStore

NOT_UTF8 = b"\xff\xfe\xc3 not a key"


# --------------------------------------------------------------------------- item 5
class FakeRedis:
    """What RedisKeyStore asks of redis-py, over a dict (a ``redis.Redis`` by class)."""

    @staticmethod
    def make(values: dict[str, Any]) -> Any:
        import redis

        class Fake(redis.Redis):
            def __init__(self) -> None:
                super().__init__()  # connects only when used: never, here
                self.values = values

            def register_script(self, script: Any) -> Any:
                return lambda keys, args: values.pop(keys[0], None) and 1

            def set(self, name: Any, value: Any, nx: bool = False, **_: Any) -> Any:
                if nx and name in values:
                    return None
                values[name] = value.encode() if isinstance(value, str) else value
                return True

            def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> Any:
                return FakePipe(self)

        return Fake()


class FakePipe:
    def __init__(self, client: Any) -> None:
        self.client, self.ops = client, []

    def get(self, name: str) -> FakePipe:
        self.ops.append(lambda: self.client.values.get(name))
        return self

    def pttl(self, name: str) -> FakePipe:
        self.ops.append(lambda: -1)
        return self

    def set(self, name: str, value: Any, **options: Any) -> FakePipe:
        self.ops.append(lambda: self.client.set(name, value))
        return self

    def execute(self) -> list[Any]:
        return [op() for op in self.ops]


def test_a_stored_key_that_is_not_utf8_is_missing_and_fetched_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Bug tried: ``key = raw.decode("utf-8")`` without the guard in ``_readable_key``
    (UnicodeDecodeError out of ``read``, ``aread`` and every call)."""
    values: dict[str, Any] = {"p:partner_key:{1}": NOT_UTF8}
    store = RedisKeyStore(FakeRedis.make(values), prefix="p:")
    with caplog.at_level(logging.WARNING, "baijiayun"):
        assert store.read("1") is None
        assert asyncio.run(store.aread("1")) is None
    assert "not UTF-8" in caplog.text and "not a key" not in caplog.text  # never the value
    fetched: list[str] = []

    def fetch() -> str:
        fetched.append("createkey")
        return "fresh-key"

    provider = PartnerKeyProvider("1", store=store)
    assert provider.get(fetch) == "fresh-key" and fetched == ["createkey"]
    assert values["p:partner_key:{1}"] == b"fresh-key"  # written over the bad value
    assert store.read("1") == KeyRecord("fresh-key")
    values["p:partner_key:{1}"] = NOT_UTF8

    async def afetch() -> str:
        fetched.append("createkey")
        return "fresh-key-2"

    async def aget() -> str:
        return await PartnerKeyProvider(
            "1", store=RedisKeyStore(FakeRedis.make(values), prefix="p:")
        ).aget(afetch)

    assert asyncio.run(aget()) == "fresh-key-2" and len(fetched) == 2
    assert values["p:partner_key:{1}"] == b"fresh-key-2"
    values["p:partner_key:{1}"] = b""  # an empty value is no key either
    assert store.read("1") is None
