"""Python SDK for the BaiJiaYun (百家云) open API.

>>> from baijiayun import BaiJiaYunClient
>>> client = BaiJiaYunClient(partner_id, partner_key=key, private_domain="e12345678")
>>> room = client.room.create("Maths", start, end, type=2)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import (
    AccountDisabledError,
    AccountError,
    AccountNotFoundError,
    APIConnectionError,
    APIError,
    APITimeoutError,
    BaiJiaYunError,
    CallbackSignatureError,
    ClientClosedError,
    ConfigurationError,
    DecodeError,
    EndpointNotFoundError,
    HTTPStatusError,
    ParameterError,
    PermissionDeniedError,
    ResultShapeError,
    RoomDeletedError,
    RoomNotFoundError,
    SignatureError,
    StoreError,
    UploadError,
    ValidationError,
)

if TYPE_CHECKING:
    from ._client import AsyncBaiJiaYunClient, BaiJiaYunClient
    from ._raw import RawResult
    from .callbacks import CallbackDeduplicator, parse_callback, sign_callback, verify_callback
    from .keys import KeyStore, MemoryKeyStore
    from .links import Role, enter_url, playback_url, video_url, web_sign

# Imported on first use (``from baijiayun import BaiJiaYunClient``, ``baijiayun.Role``), so
# that ``import baijiayun`` does not pay for what a program never touches: a callback
# receiver needs no client, and a client needs no callback models.
_LAZY = {
    "AsyncBaiJiaYunClient": "_client",
    "BaiJiaYunClient": "_client",
    "RawResult": "_raw",
    "KeyStore": "keys",
    "MemoryKeyStore": "keys",
    "CallbackDeduplicator": "callbacks",
    "parse_callback": "callbacks",
    "sign_callback": "callbacks",
    "verify_callback": "callbacks",
    "Role": "links",
    "enter_url": "links",
    "playback_url": "links",
    "video_url": "links",
    "web_sign": "links",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'baijiayun' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__version__ = "2.0.0.dev0"

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AccountDisabledError",
    "AccountError",
    "AccountNotFoundError",
    "AsyncBaiJiaYunClient",
    "BaiJiaYunClient",
    "BaiJiaYunError",
    "CallbackDeduplicator",
    "CallbackSignatureError",
    "ClientClosedError",
    "ConfigurationError",
    "DecodeError",
    "EndpointNotFoundError",
    "HTTPStatusError",
    "KeyStore",
    "MemoryKeyStore",
    "ParameterError",
    "PermissionDeniedError",
    "RawResult",
    "ResultShapeError",
    "Role",
    "RoomDeletedError",
    "RoomNotFoundError",
    "SignatureError",
    "StoreError",
    "UploadError",
    "ValidationError",
    "__version__",
    "enter_url",
    "parse_callback",
    "playback_url",
    "sign_callback",
    "verify_callback",
    "video_url",
    "web_sign",
]
