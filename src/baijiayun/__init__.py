"""Python SDK for the BaiJiaYun (百家云) open API.

>>> from baijiayun import BaiJiaYunClient
>>> client = BaiJiaYunClient(partner_id, partner_key=key, private_domain="e12345678")
>>> room = client.room.create("Maths", start, end, type=2)
"""

from __future__ import annotations

from ._client import AsyncBaiJiaYunClient, BaiJiaYunClient
from .callbacks import CallbackDeduplicator, parse_callback, sign_callback, verify_callback
from .errors import (
    AccountDisabledError,
    AccountError,
    AccountNotFoundError,
    APIConnectionError,
    APIError,
    APITimeoutError,
    BaiJiaYunError,
    CallbackSignatureError,
    ConfigurationError,
    DecodeError,
    EndpointNotFoundError,
    HTTPStatusError,
    ParameterError,
    PermissionDeniedError,
    RoomDeletedError,
    RoomNotFoundError,
    SignatureError,
    UploadError,
    ValidationError,
)
from .keys import KeyStore, MemoryKeyStore
from .links import Role, enter_url, playback_url, video_url, web_sign

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
    "ConfigurationError",
    "DecodeError",
    "EndpointNotFoundError",
    "HTTPStatusError",
    "KeyStore",
    "MemoryKeyStore",
    "ParameterError",
    "PermissionDeniedError",
    "Role",
    "RoomDeletedError",
    "RoomNotFoundError",
    "SignatureError",
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
