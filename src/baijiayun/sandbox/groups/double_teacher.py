"""``double_teacher``: the campuses (zones) of an account's dual-teacher classes.

A campus is added with the account's own numeric code (``zone_unique``); the
platform answers its id. Refusing a second campus with the same code is the
sandbox's own choice (no public source says what the platform does).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ...api import DoubleTeacher
from ..core.db import Store
from ..core.http import PlatformError
from ..core.service import Call, Service
from ..core.util import beijing

__all__ = ["ZoneStore", "service"]

service = Service("double_teacher")

DEFAULT_PAGE_SIZE = 20
"""``page_size`` when not sent (the vendor's page shows 10 as an example, no default)."""


@service.store
class ZoneStore(Store):
    """One partner's campuses."""

    schema = """
    CREATE TABLE IF NOT EXISTS zones (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        partner_id TEXT NOT NULL,
        zone_unique INTEGER NOT NULL,
        area_id INTEGER NOT NULL,
        name TEXT NOT NULL,
        address TEXT NOT NULL,
        create_time REAL NOT NULL,
        UNIQUE (partner_id, zone_unique)
    );
    """

    def add(self, zone_unique: int, area_id: int, name: str, address: str, now: float) -> int:
        try:
            with self.env.db.tx():
                zone_id = self._exec(
                    "INSERT INTO zones (partner_id, zone_unique, area_id, name, address, "
                    "create_time) VALUES (:partner, :zone_unique, :area_id, :name, :address, :now)",
                    zone_unique=zone_unique,
                    area_id=area_id,
                    name=name,
                    address=address,
                    now=now,
                )
                self._bump("zones", 1)
        except sqlite3.IntegrityError:
            raise PlatformError(1001, "zone_unique: a campus with this code exists") from None
        return zone_id

    def page(self, page: int, size: int) -> tuple[list[sqlite3.Row], int]:
        rows = self._page("SELECT * FROM zones", "partner_id=:partner", page, size)
        return rows, self._count("zones")


@service.handles(DoubleTeacher.add_zone)
def add_zone(call: Call) -> dict[str, Any]:
    args = call.args
    zone_id = call.store(ZoneStore).add(
        int(args["zone_unique"]), int(args["area_id"]), args["name"], args["address"], call.now
    )
    return {"zone_id": zone_id}


@service.handles(DoubleTeacher.list_zone)
def list_zone(call: Call) -> dict[str, Any]:
    page, size = call.page_args(DEFAULT_PAGE_SIZE)
    rows, total = call.store(ZoneStore).page(page, size)
    return {
        "total": total,
        "list": [
            {
                "zone_id": row["seq"],
                "zone_unique": row["zone_unique"],
                "name": row["name"],
                "address": row["address"],
                "create_time": beijing(row["create_time"]),
            }
            for row in rows
        ],
    }
