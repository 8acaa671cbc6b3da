"""A stateful local emulator of the BaiJiaYun open API.

It checks partner, sign and timestamp like the platform, keeps its state in
SQLite, answers in the platform's envelope, injects faults on request, and
sends signed callbacks. Three ways to use it:

* in process, no sockets: ``Sandbox().client()`` / ``.async_client()``, or
  ``httpx2.Client(transport=sandbox.transport())``;
* real HTTP in a background thread: ``with Sandbox().serve() as server:``;
* a server process: ``baijiayun sandbox --port 0`` or ``python -m baijiayun.sandbox``.

Each SDK group's emulation is a module named as the group
(``sandbox/groups/room.py`` emulates ``client.room``): its handlers, named as the
endpoints' methods, and its helpers (``sandbox.room.start_class(room_id)``), which
are also control routes under ``/_sandbox/``. What several groups read (accounts,
rooms, attendance, videos, playbacks, plays, settings, usage) is kept in
``sandbox/state/``; the core (``sandbox/core/``) knows no group. The earlier helper
names (``sandbox.rooms``, ``sandbox.media``, ...) are the same objects.

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
