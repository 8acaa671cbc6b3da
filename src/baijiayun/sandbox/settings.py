"""Account-wide settings and templates: ``live_setting``, ``notice``, ``quiz``, ``evaluation``.

Settings (watermark, marquee, red-package limit) are kept per product line
(``product_type``; unset is 0, the account's only line). Templates (notices,
quizzes, evaluations) are the account's; rooms are assigned templates. Ids are
unique across accounts. Listing with a ``product_type`` of 1–4 keeps that
line's templates; unset or 0 lists all.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from typing import Any

from ..api import Evaluation, LiveSetting, Notice, Quiz
from ..api._classroom_types import Extensions
from ..api.live_setting import QUIZ_TYPES, WATERMARK_MAX_BYTES
from .core.db import Env, Store
from .core.forms import file_name
from .core.http import PlatformError
from .core.service import Call, Controls, Service, route
from .rooms import RoomStore, beijing

__all__ = ["Settings", "SettingsStore", "blocked_words", "room_product", "service"]

service = Service("settings")

DEFAULTS: dict[str, dict[str, Any]] = {
    "watermark": {"pos": 0, "url": None},
    "horse_lamp": {"type": 0, "value": None, "color": None, "font_size": None, "opacity": None},
    "red_package": {"max_count": 100},
}
"""What a setting is before it was ever set (sandbox choice)."""
HORSE_LAMP_FIELDS = ("type", "value", "color", "font_size", "opacity")


def room_product(room: dict[str, Any]) -> int:
    """The product line (``product_type``) a room belongs to."""
    if room.get("industry_type") == 1:
        return 4
    return {4: 2, 5: 3}.get(int(room["type"]), 1)


def _product(call: Call) -> int:
    return int(call.args.get("product_type") or 0)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


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
            where += " AND title LIKE :query ESCAPE '\\'"
            params["query"] = _like(query)
        if status is not None:
            where += " AND json_extract(fields, '$.status')=:status"
            params["status"] = status
        rows = self._page("SELECT * FROM templates", where, page, size, **params)
        return [_template(r) for r in rows], self._total("templates", where, params)

    def template(self, kind: str, template_id: int, param: str) -> dict[str, Any]:
        row = self._row(
            "SELECT * FROM templates WHERE partner_id=:partner AND kind=:kind AND seq=:seq",
            kind=kind,
            seq=template_id,
        )
        if row is None:
            raise PlatformError(1001, f"{param}: no {kind} {template_id}")
        return _template(row)

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
        return [_template(r) for r in rows]

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


def _template(row: Any) -> dict[str, Any]:
    return {
        "id": int(row["seq"]),
        "product": int(row["product"]),
        "title": row["title"],
        "create_time": row["create_time"],
        **json.loads(row["fields"]),
    }


def _page(items: list[dict[str, Any]], total: int, page: int, size: int) -> dict[str, Any]:
    return {"list": items, "total": total, "page": page, "page_size": size}


def _room(call: Call) -> str:
    return str(call.store(RoomStore).get(call.args["room_id"])["room_id"])


# --------------------------------------------------------------------------- live_setting
@service.handles(LiveSetting.set_watermark)
def set_watermark(call: Call) -> None:
    changes: dict[str, Any] = {"pos": call.args["pos"]}
    image = call.files.get("attachment")
    if image is not None:
        if not image:
            raise PlatformError(4001, "attachment: the file is empty")
        if len(image) > WATERMARK_MAX_BYTES:
            raise PlatformError(4001, "attachment: larger than 1 MB")
        digest = hashlib.sha1(image).hexdigest()[:16]
        changes["url"] = f"https://img.sandbox.invalid/watermark/{digest}.png"
    call.store(SettingsStore).set_setting("watermark", _product(call), changes)


@service.handles(LiveSetting.get_watermark)
def get_watermark(call: Call) -> dict[str, Any]:
    return call.store(SettingsStore).setting("watermark", _product(call))


@service.handles(LiveSetting.get_sensitive_word)
def get_sensitive_word(call: Call) -> dict[str, Any]:
    page, size = call.page_args(20)
    rows, total = call.store(SettingsStore).words_page(_product(call), page, size)
    words = [
        {"id": int(r["seq"]), "word": r["word"], "create_time": beijing(r["create_time"])}
        for r in rows
    ]
    return _page(words, total, page, size)


@service.handles(LiveSetting.add_sensitive_word_batch)
def add_sensitive_word_batch(call: Call) -> None:
    words = call.args["words"]
    if not any(w.strip() for w in words):
        raise PlatformError(1001, "words: must not be empty")
    call.store(SettingsStore).add_words(words, _product(call), call.now)


@service.handles(LiveSetting.delete_sensitive_word_batch)
def delete_sensitive_word_batch(call: Call) -> None:
    call.store(SettingsStore).delete_words(call.args["ids"])


@service.handles(LiveSetting.get_live_horse_lamp)
def get_live_horse_lamp(call: Call) -> dict[str, Any]:
    lamp = call.store(SettingsStore).setting("horse_lamp", _product(call))
    opacity = lamp.get("opacity")
    return {**lamp, "opacity": None if opacity is None else float(opacity)}


@service.handles(LiveSetting.set_live_horse_lamp)
def set_live_horse_lamp(call: Call) -> None:
    changes = {k: call.args[k] for k in HORSE_LAMP_FIELDS if call.args.get(k) is not None}
    call.store(SettingsStore).set_setting("horse_lamp", _product(call), changes)


def _notice(template: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": template["id"],
        "content": template["title"],
        "link": template.get("link"),
        "product_type": template["product"],
        "create_time": beijing(template["create_time"]),
    }


@service.handles(LiveSetting.add_notice)
def add_notice(call: Call) -> dict[str, Any]:
    store = call.store(SettingsStore)
    notice_id = store.add_template(
        "notice", _product(call), call.args["content"], {"link": call.args["link"]}, call.now
    )
    return {"id": notice_id}


@service.handles(LiveSetting.get_notice_list)
def get_notice_list(call: Call) -> dict[str, Any]:
    page, size = call.page_args(20)
    rows, total = call.store(SettingsStore).templates_page(
        "notice", _product(call), page, size, query=call.args.get("query")
    )
    return _page([_notice(r) for r in rows], total, page, size)


@service.handles(LiveSetting.delete_notice_batch)
def delete_notice_batch(call: Call) -> None:
    call.store(SettingsStore).delete_templates("notice", call.args["ids"], "ids")


def _quiz(template: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": template["id"],
        "name": template["title"],
        "is_force": template.get("is_force"),
        "product_type": template["product"],
        "create_time": beijing(template["create_time"]),
    }


@service.handles(LiveSetting.add_quiz)
def add_quiz(call: Call) -> dict[str, Any]:
    sheet = call.files.get("attachment")
    if sheet is None:
        raise PlatformError(1001, "attachment: is required (an Excel file part)")
    filename = file_name(sheet, "attachment")
    problem = Extensions(QUIZ_TYPES).check((filename, sheet))
    if problem:
        raise PlatformError(1001, f"attachment: {problem}")
    if not sheet:
        raise PlatformError(4001, "attachment: the file is empty")
    title = os.path.splitext(filename)[0] or "quiz"
    fields = {"is_force": int(call.args.get("is_force") or 0), "size": len(sheet)}
    quiz_id = call.store(SettingsStore).add_template(
        "quiz", _product(call), title, fields, call.now
    )
    return {"id": quiz_id}


@service.handles(LiveSetting.get_quiz_list)
def get_quiz_list(call: Call) -> dict[str, Any]:
    page, size = call.page_args(20)
    rows, total = call.store(SettingsStore).templates_page(
        "quiz", _product(call), page, size, query=call.args.get("query")
    )
    return _page([_quiz(r) for r in rows], total, page, size)


@service.handles(LiveSetting.delete_quiz)
def delete_quiz(call: Call) -> None:
    call.store(SettingsStore).delete_templates("quiz", [call.args["id"]], "id")


@service.handles(LiveSetting.set_max_red_package_count)
def set_max_red_package_count(call: Call) -> None:
    call.store(SettingsStore).set_setting(
        "red_package", _product(call), {"max_count": call.args["max_count"]}
    )


@service.handles(LiveSetting.get_max_red_package_count)
def get_max_red_package_count(call: Call) -> dict[str, Any]:
    return call.store(SettingsStore).setting("red_package", _product(call))


# --------------------------------------------------------------------------- notice, quiz
@service.handles(Notice.get_room_notice_list)
def get_room_notice_list(call: Call) -> dict[str, Any]:
    notices = call.store(SettingsStore).room_templates("notice", _room(call), _product(call))
    return {"list": [_notice(n) for n in notices]}


@service.handles(Notice.assign_room_notice)
def assign_room_notice(call: Call) -> None:
    call.store(SettingsStore).assign("notice", _room(call), call.args["notice_ids"], "notice_ids")


@service.handles(Notice.batch_delete_room_notice)
def batch_delete_room_notice(call: Call) -> None:
    call.store(SettingsStore).unassign("notice", _room(call), call.args["notice_ids"], "notice_ids")


@service.handles(Quiz.assign_room_paper)
def assign_room_paper(call: Call) -> None:
    call.store(SettingsStore).assign("quiz", _room(call), call.args["paper_ids"], "paper_ids")


@service.handles(Quiz.get_room_quiz_list)
def get_room_quiz_list(call: Call) -> dict[str, Any]:
    quizzes = call.store(SettingsStore).room_templates("quiz", _room(call), _product(call))
    return {"list": [_quiz(q) for q in quizzes]}


@service.handles(Quiz.batch_delete_room_paper)
def batch_delete_room_paper(call: Call) -> None:
    call.store(SettingsStore).unassign("quiz", _room(call), call.args["paper_ids"], "paper_ids")


# --------------------------------------------------------------------------- evaluation
def _evaluation(template: dict[str, Any]) -> dict[str, Any]:
    return {
        "evaluate_id": template["id"],
        "title": template["title"],
        "status": template.get("status"),
        "create_time": beijing(template["create_time"]),
    }


@service.handles(Evaluation.get_evaluation_list)
def get_evaluation_list(call: Call) -> dict[str, Any]:
    page, size = call.page_args(20)
    rows, total = call.store(SettingsStore).templates_page(
        "evaluation", 0, page, size, status=call.args.get("status")
    )
    return _page([_evaluation(r) for r in rows], total, page, size)


@service.handles(Evaluation.bind_room_evaluation)
def bind_room_evaluation(call: Call) -> None:
    call.store(SettingsStore).bind_one("evaluation", _room(call), call.args["evaluate_id"])


@service.handles(Evaluation.update_room_evaluation)
def update_room_evaluation(call: Call) -> None:
    call.store(SettingsStore).bind_one("evaluation", _room(call), call.args["evaluate_id"])


# --------------------------------------------------------------------------- controls
@service.controls
class Settings(Controls):
    """Account settings and templates: ``sandbox.settings``."""

    def _store(self, partner_id: str | None) -> SettingsStore:
        return SettingsStore(self.env, str(partner_id or self.env.default_partner))

    @route("POST", "/_sandbox/evaluations", result="evaluate_id")
    def add_evaluation(
        self, title: str = "Course evaluation", status: int = 1, partner_id: str | None = None
    ) -> int:
        """Add an evaluation template (the platform's console makes these); returns its id."""
        if not title:
            raise PlatformError(1001, "title: must not be empty")
        return self._store(partner_id).add_template(
            "evaluation", 0, title, {"status": status}, self.env.now()
        )

    @route("GET", "/_sandbox/rooms/{room_id}/evaluation")
    def room_evaluation(self, room_id: str) -> dict[str, Any]:
        """The evaluation template a room uses (``evaluate_id`` null when none)."""
        partner_id = RoomStore.owner(self.env, str(room_id))
        bound = SettingsStore(self.env, partner_id).room_templates("evaluation", str(room_id), 0)
        return {"evaluate_id": bound[0]["id"] if bound else None}


def blocked_words(env: Env, partner_id: str, room: dict[str, Any]) -> list[str]:
    """The sensitive words that apply in ``room`` (its product line's and line 0's)."""
    return SettingsStore(env, partner_id).words((0, room_product(room)))
