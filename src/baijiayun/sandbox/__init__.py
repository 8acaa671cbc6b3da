"""A stateful local emulator of the BaiJiaYun open API.

It checks partner, sign and timestamp like the platform, keeps rooms and codes
in SQLite, answers in the platform's envelope, injects faults on request, and
sends signed callbacks. Three ways to use it:

* in process, no sockets: ``Sandbox().client()`` / ``.async_client()``, or
  ``httpx2.Client(transport=sandbox.transport())``;
* real HTTP in a background thread: ``with Sandbox().serve() as server:``;
* a server process: ``baijiayun sandbox --port 0`` or ``python -m baijiayun.sandbox``.

Default credentials: partner id ``10000001``, partner key
``sandbox-partner-key-0000000000000000000000000000000000000000``, secret key
``sandbox-secret-key``.
"""

from ._core import (
    SANDBOX_PARTNER_ID,
    SANDBOX_PARTNER_KEY,
    SANDBOX_SECRET_KEY,
    Sandbox,
    SandboxRequest,
    SandboxResponse,
)
from ._faults import Fault
from ._registry import Call, PlatformError, handles

__all__ = [
    "SANDBOX_PARTNER_ID",
    "SANDBOX_PARTNER_KEY",
    "SANDBOX_SECRET_KEY",
    "Call",
    "Fault",
    "PlatformError",
    "Sandbox",
    "SandboxRequest",
    "SandboxResponse",
    "handles",
]
