"""``evaluation``: the account's evaluation templates and the one a room uses
(``state/settings.py``).
"""

from __future__ import annotations

from typing import Any

from ...api import Evaluation
from ..core.http import PlatformError
from ..core.service import Call, Controls, Service, route
from ..core.util import beijing
from ..state import rooms, settings
from ..state.rooms import RoomStore
from ..state.settings import SettingsStore, room_arg, template_page

__all__ = ["EvaluationControls", "service"]

service = Service("evaluation", uses=(rooms.service, settings.service), aliases=("settings",))


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
    return template_page([_evaluation(r) for r in rows], total, page, size)


@service.handles(Evaluation.bind_room_evaluation)
def bind_room_evaluation(call: Call) -> None:
    call.store(SettingsStore).bind_one("evaluation", room_arg(call), call.args["evaluate_id"])


@service.handles(Evaluation.update_room_evaluation)
def update_room_evaluation(call: Call) -> None:
    call.store(SettingsStore).bind_one("evaluation", room_arg(call), call.args["evaluate_id"])


# --------------------------------------------------------------------------- controls
@service.controls
class EvaluationControls(Controls):
    """Evaluation templates: ``sandbox.evaluation`` (also ``sandbox.settings``)."""

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
