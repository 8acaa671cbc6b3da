"""Account-wide settings and templates, read by ``live_setting``, ``notice``, ``quiz``,
``evaluation`` and ``live`` (the sensitive words a chat must not hold).

Settings (watermark, marquee, red-package limit) are kept per product line
(``product_type``; unset is 0, the account's only line). Templates (notices,
quizzes, evaluations) are the account's; rooms are assigned templates. Ids are
unique across accounts. Listing with a ``product_type`` of 1–4 keeps that
line's templates; unset or 0 lists all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..core.db import Env, Store
from ..core.http import PlatformError
from ..core.service import Call, Service
from ..core.util import beijing
from . import rooms
from .rooms import RoomStore

__all__ = [
    "SettingsStore",
    "blocked_words",
    "notice_item",
    "product_arg",
    "quiz_item",
    "room_arg",
    "room_product",
    "service",
    "template_item",
    "template_page",
]

service = Service("settings", uses=(rooms.service,))

DEFAULTS: dict[str, dict[str, Any]] = {
    "watermark": {"pos": 0, "url": None},
    "horse_lamp": {"type": 0, "value": None, "color": None, "font_size": None, "opacity": None},
    "red_package": {"max_count": 100},
}
"""What a setting is before it was ever set (sandbox choice)."""


def room_product(room: dict[str, Any]) -> int:
    """The product line (``product_type``) a room belongs to."""
    if room.get("industry_type") == 1:
        return 4
    return {4: 2, 5: 3}.get(int(room["type"]), 1)


def product_arg(call: Call) -> int:
    """The call's ``product_type`` (0 when not sent)."""
    return int(call.args.get("product_type") or 0)


@service.store
class SettingsStore(Store):
    """One partner's settings, sensitive words and templates, and their room assignments."""

    schema = """
    CREATE TABLE IF NOT EXISTS live_settings (
        partner_id TEXT NOT NULL,
        product INTEGER NOT NULL,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (partner_id, product, name)
    );
    CREATE TABLE IF NOT EXISTS sensitive_words (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        partner_id TEXT NOT NULL,
        product INTEGER NOT NULL,
        word TEXT NOT NULL,
        create_time REAL NOT NULL
    );
    CREATE INDEX IF NOT EXISTS sensitive_words_partner ON sensitive_words (partner_id, seq);
    CREATE TABLE IF NOT EXISTS templates (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        partner_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        product INTEGER NOT NULL,
        title TEXT NOT NULL,
        fields TEXT NOT NULL,
        create_time REAL NOT NULL
    );
    CREATE INDEX IF NOT EXISTS templates_partner ON templates (partner_id, kind, seq);
    CREATE TABLE IF NOT EXISTS room_templates (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        partner_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        room_id TEXT NOT NULL,
        template_id INTEGER NOT NULL,
        UNIQUE (partner_id, kind, room_id, template_id)
    );
    """

    # ---- settings
    def setting(self, name: str, product: int) -> dict[str, Any]:
        row = self._row(
            "SELECT value FROM live_settings WHERE partner_id=:partner AND product=:product "
            "AND name=:name",
            product=product,
            name=name,
        )
        return {**DEFAULTS[name], **(json.loads(row["value"]) if row else {})}

    def set_setting(self, name: str, product: int, changes: dict[str, Any]) -> None:
        with self.env.db.tx():
            value = {**self.setting(name, product), **changes}
            self._exec(
                "INSERT INTO live_settings (partner_id, product, name, value) "
                "VALUES (:partner, :product, :name, :value) "
                "ON CONFLICT (partner_id, product, name) DO UPDATE SET value=excluded.value",
                product=product,
                name=name,
                value=json.dumps(value),
            )

    # ---- sensitive words
    def add_words(self, words: Iterable[str], product: int, now: float) -> None:
        """Add the words the product line does not have yet (each word is kept once)."""
        with self.env.db.tx():
            for word in dict.fromkeys(w.strip() for w in words if w.strip()):
                self._exec(
                    "INSERT INTO sensitive_words (partner_id, product, word, create_time) "
                    "SELECT :partner, :product, :word, :now WHERE NOT EXISTS (SELECT 1 FROM "
                    "sensitive_words WHERE partner_id=:partner AND product=:product "
                    "AND word=:word)",
                    product=product,
                    word=word,
                    now=now,
                )

    def words_page(self, product: int, page: int, size: int) -> tuple[list[Any], int]:
        where, params = self._product_filter(product)
        rows = self._page(
            "SELECT seq, word, create_time FROM sensitive_words", where, page, size, **params
        )
        return rows, self._total("sensitive_words", where, params)

    def words(self, products: tuple[int, ...]) -> list[str]:
        marks = ", ".join(f":p{i}" for i in range(len(products)))
        rows = self._rows(
            f"SELECT word FROM sensitive_words WHERE partner_id=:partner AND product IN ({marks})",
            **{f"p{i}": p for i, p in enumerate(products)},
        )
        return [str(r["word"]) for r in rows]

    def delete_words(self, ids: list[int]) -> None:
        with self.env.db.tx():
            self._known("sensitive_words", ids, "ids", "sensitive word")
            for word_id in ids:
                self._exec(
                    "DELETE FROM sensitive_words WHERE partner_id=:partner AND seq=:seq",
                    seq=word_id,
                )

    # ---- templates (notices, quizzes, evaluations)
    def add_template(
        self, kind: str, product: int, title: str, fields: dict[str, Any], now: float
    ) -> int:
        return self._exec(
            "INSERT INTO templates (partner_id, kind, product, title, fields, create_time) "
            "VALUES (:partner, :kind, :product, :title, :fields, :now)",
            kind=kind,
            product=product,
            title=title,
            fields=json.dumps(fields, ensure_ascii=False),
            now=now,
        )

    def templates_page(
        self,
        kind: str,
        product: int,
        page: int,
        size: int,
        query: str | None = None,
        status: int | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        where, params = self._product_filter(product)
        where += " AND kind=:kind"
        params["kind"] = kind
        if query:
            # a substring, any case (ASCII): instr takes text of any length, where a LIKE
            # pattern over SQLite's limit (50,000 bytes) is an error, and needs no escaping
            where += " AND instr(lower(title), lower(:query)) > 0"
            params["query"] = query
        if status is not None:
            where += " AND json_extract(fields, '$.status')=:status"
            params["status"] = status
        rows = self._page("SELECT * FROM templates", where, page, size, **params)
        return [template_item(r) for r in rows], self._total("templates", where, params)

    def template(self, kind: str, template_id: int, param: str) -> dict[str, Any]:
        row = self._row(
            "SELECT * FROM templates WHERE partner_id=:partner AND kind=:kind AND seq=:seq",
            kind=kind,
            seq=template_id,
        )
        if row is None:
            raise PlatformError(1001, f"{param}: no {kind} {template_id}")
        return template_item(row)

    def delete_templates(self, kind: str, ids: list[int], param: str) -> None:
        with self.env.db.tx():
            self._known("templates", ids, param, kind, kind=kind)
            for template_id in ids:
                for table, column in (("templates", "seq"), ("room_templates", "template_id")):
                    self._exec(
                        f"DELETE FROM {table} WHERE partner_id=:partner AND kind=:kind "
                        f"AND {column}=:id",
                        kind=kind,
                        id=template_id,
                    )

    def assign(self, kind: str, room_id: str, ids: list[int], param: str) -> None:
        with self.env.db.tx():
            self._known("templates", ids, param, kind, kind=kind)
            for template_id in ids:
                self._exec(
                    "INSERT OR IGNORE INTO room_templates (partner_id, kind, room_id, template_id) "
                    "VALUES (:partner, :kind, :room_id, :id)",
                    kind=kind,
                    room_id=room_id,
                    id=template_id,
                )

    def unassign(self, kind: str, room_id: str, ids: list[int], param: str) -> None:
        with self.env.db.tx():
            self._known("templates", ids, param, kind, kind=kind)
            for template_id in ids:
                self._exec(
                    "DELETE FROM room_templates WHERE partner_id=:partner AND kind=:kind "
                    "AND room_id=:room_id AND template_id=:id",
                    kind=kind,
                    room_id=room_id,
                    id=template_id,
                )

    def room_templates(self, kind: str, room_id: str, product: int) -> list[dict[str, Any]]:
        where = "a.partner_id=:partner AND a.kind=:kind AND a.room_id=:room_id"
        params: dict[str, Any] = {"kind": kind, "room_id": room_id}
        if product:
            where += " AND t.product=:product"
            params["product"] = product
        rows = self._rows(
            "SELECT t.* FROM room_templates a JOIN templates t ON t.seq = a.template_id "
            f"WHERE {where} ORDER BY a.seq",
            **params,
        )
        return [template_item(r) for r in rows]

    def bind_one(self, kind: str, room_id: str, template_id: int) -> None:
        """Make ``template_id`` the room's only template of ``kind``."""
        with self.env.db.tx():
            self._exec(
                "DELETE FROM room_templates WHERE partner_id=:partner AND kind=:kind "
                "AND room_id=:room_id",
                kind=kind,
                room_id=room_id,
            )
            self.assign(kind, room_id, [template_id], "evaluate_id")

    # ---- helpers
    def _product_filter(self, product: int) -> tuple[str, dict[str, Any]]:
        if product:
            return "partner_id=:partner AND product=:product", {"product": product}
        return "partner_id=:partner", {}

    def _total(self, table: str, where: str, params: dict[str, Any]) -> int:
        row = self._row(f"SELECT COUNT(*) AS n FROM {table} WHERE {where}", **params)
        return int(row["n"]) if row else 0

    def _known(self, table: str, ids: list[int], param: str, what: str, **kw: Any) -> None:
        """1001 naming the first id the partner has no row for (nothing changes)."""
        extra = " AND kind=:kind" if "kind" in kw else ""
        for item in ids:
            row = self._row(
                f"SELECT seq FROM {table} WHERE partner_id=:partner AND seq=:seq{extra}",
                seq=item,
                **kw,
            )
            if row is None:
                raise PlatformError(1001, f"{param}: no {what} {item}")


def template_item(row: Any) -> dict[str, Any]:
    """A template row with its fields unpacked."""
    return {
        "id": int(row["seq"]),
        "product": int(row["product"]),
        "title": row["title"],
        "create_time": row["create_time"],
        **json.loads(row["fields"]),
    }


def template_page(items: list[dict[str, Any]], total: int, page: int, size: int) -> dict[str, Any]:
    """A listing of templates as the platform answers it."""
    return {"list": items, "total": total, "page": page, "page_size": size}


def room_arg(call: Call) -> str:
    """The call's ``room_id``, of a room the caller has (3001/3002 otherwise)."""
    return str(call.store(RoomStore).get(call.args["room_id"])["room_id"])


def blocked_words(env: Env, partner_id: str, room: dict[str, Any]) -> list[str]:
    """The sensitive words that apply in ``room`` (its product line's and line 0's)."""
    return SettingsStore(env, partner_id).words((0, room_product(room)))


def notice_item(template: dict[str, Any]) -> dict[str, Any]:
    """A notice template as the platform answers it."""
    return {
        "id": template["id"],
        "content": template["title"],
        "link": template.get("link"),
        "product_type": template["product"],
        "create_time": beijing(template["create_time"]),
    }


def quiz_item(template: dict[str, Any]) -> dict[str, Any]:
    """A quiz template as the platform answers it."""
    return {
        "id": template["id"],
        "name": template["title"],
        "is_force": template.get("is_force"),
        "product_type": template["product"],
        "create_time": beijing(template["create_time"]),
    }
