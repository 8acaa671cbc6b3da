"""A stateful local emulator of the BaiJiaYun open API.

It checks partner, sign and timestamp like the platform, keeps its state in
SQLite, answers in the platform's envelope, injects faults on request, and
sends signed callbacks. Three ways to use it:

* in process, no sockets: ``Sandbox().client()`` / ``.async_client()``, or
  ``httpx2.Client(transport=sandbox.transport())``;
* real HTTP in a background thread: ``with Sandbox().serve() as server:``;
* a server process: ``baijiayun sandbox --port 0`` or ``python -m baijiayun.sandbox``.

Each group's emulation is a module here (``partners``, ``rooms``, ``classroom``,
``media``, ``playbacks``, ``plays``):
its tables as stores bound to one partner, its handlers, and its helpers
(``sandbox.room.start_class(room_id)``), which are also control routes
under ``/_sandbox/``.

Default credentials: partner id ``10000001``, partner key
``sandbox-partner-key-0000000000000000000000000000000000000000``, secret key
``sandbox-secret-key``.
"""

from .core.app import (
    SANDBOX_PARTNER_ID,
    SANDBOX_PARTNER_KEY,
    SANDBOX_SECRET_KEY,
    SERVICES,
    Sandbox,
)
from .core.db import Store
from .core.faults import Fault
from .core.http import PlatformError, SandboxRequest, SandboxResponse
from .core.service import Call, Controls, Service, route

__all__ = [
    "SANDBOX_PARTNER_ID",
    "SANDBOX_PARTNER_KEY",
    "SANDBOX_SECRET_KEY",
    "SERVICES",
    "Call",
    "Controls",
    "Fault",
    "PlatformError",
    "Sandbox",
    "SandboxRequest",
    "SandboxResponse",
    "Service",
    "Store",
    "route",
]
