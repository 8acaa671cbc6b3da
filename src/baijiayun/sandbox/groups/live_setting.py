"""``live_setting``: the account's watermark, marquee, red-package limit and sensitive words,
and its notice and quiz templates (kept per product line, ``state/settings.py``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from typing import Any

from ..._params import Extensions
from ...api import LiveSetting
from ...api.live_setting import QUIZ_TYPES, WATERMARK_MAX_BYTES
from ..core.forms import file_name
from ..core.http import PlatformError
from ..core.service import Call, Service
from ..core.util import beijing
from ..state import settings
from ..state.settings import (
    SettingsStore,
    notice_item,
    product_arg,
    quiz_item,
    template_page,
)

__all__ = ["service"]

service = Service("live_setting", uses=(settings.service,))

HORSE_LAMP_FIELDS = ("type", "value", "color", "font_size", "opacity")


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
    call.store(SettingsStore).set_setting("watermark", product_arg(call), changes)


@service.handles(LiveSetting.get_watermark)
def get_watermark(call: Call) -> dict[str, Any]:
    return call.store(SettingsStore).setting("watermark", product_arg(call))


@service.handles(LiveSetting.get_sensitive_word)
def get_sensitive_word(call: Call) -> dict[str, Any]:
    page, size = call.page_args(20)
    rows, total = call.store(SettingsStore).words_page(product_arg(call), page, size)
    words = [
        {"id": int(r["seq"]), "word": r["word"], "create_time": beijing(r["create_time"])}
        for r in rows
    ]
    return template_page(words, total, page, size)


@service.handles(LiveSetting.add_sensitive_word_batch)
def add_sensitive_word_batch(call: Call) -> None:
    words = call.args["words"]
    if not any(w.strip() for w in words):
        raise PlatformError(1001, "words: must not be empty")
    call.store(SettingsStore).add_words(words, product_arg(call), call.now)


@service.handles(LiveSetting.delete_sensitive_word_batch)
def delete_sensitive_word_batch(call: Call) -> None:
    call.store(SettingsStore).delete_words(call.args["ids"])


@service.handles(LiveSetting.get_live_horse_lamp)
def get_live_horse_lamp(call: Call) -> dict[str, Any]:
    lamp = call.store(SettingsStore).setting("horse_lamp", product_arg(call))
    opacity = lamp.get("opacity")
    return {**lamp, "opacity": None if opacity is None else float(opacity)}


@service.handles(LiveSetting.set_live_horse_lamp)
def set_live_horse_lamp(call: Call) -> None:
    changes = {k: call.args[k] for k in HORSE_LAMP_FIELDS if call.args.get(k) is not None}
    call.store(SettingsStore).set_setting("horse_lamp", product_arg(call), changes)


@service.handles(LiveSetting.add_notice)
def add_notice(call: Call) -> dict[str, Any]:
    store = call.store(SettingsStore)
    notice_id = store.add_template(
        "notice", product_arg(call), call.args["content"], {"link": call.args["link"]}, call.now
    )
    return {"id": notice_id}


def _listing(
    call: Call, kind: str, item: Callable[[dict[str, Any]], dict[str, Any]]
) -> dict[str, Any]:
    """A page of the ``kind`` templates of the asked product line (titles matching the asked
    ``query``), each as ``item`` answers it."""
    page, size = call.page_args(20)
    rows, total = call.store(SettingsStore).templates_page(
        kind, product_arg(call), page, size, query=call.args.get("query")
    )
    return template_page([item(r) for r in rows], total, page, size)


@service.handles(LiveSetting.get_notice_list)
def get_notice_list(call: Call) -> dict[str, Any]:
    return _listing(call, "notice", notice_item)


@service.handles(LiveSetting.delete_notice_batch)
def delete_notice_batch(call: Call) -> None:
    call.store(SettingsStore).delete_templates("notice", call.args["ids"], "ids")


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
        "quiz", product_arg(call), title, fields, call.now
    )
    return {"id": quiz_id}


@service.handles(LiveSetting.get_quiz_list)
def get_quiz_list(call: Call) -> dict[str, Any]:
    return _listing(call, "quiz", quiz_item)


@service.handles(LiveSetting.delete_quiz)
def delete_quiz(call: Call) -> None:
    call.store(SettingsStore).delete_templates("quiz", [call.args["id"]], "id")


@service.handles(LiveSetting.set_max_red_package_count)
def set_max_red_package_count(call: Call) -> None:
    call.store(SettingsStore).set_setting(
        "red_package", product_arg(call), {"max_count": call.args["max_count"]}
    )


@service.handles(LiveSetting.get_max_red_package_count)
def get_max_red_package_count(call: Call) -> dict[str, Any]:
    return call.store(SettingsStore).setting("red_package", product_arg(call))
