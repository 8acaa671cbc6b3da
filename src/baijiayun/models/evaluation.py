"""Result models of the evaluation API (``/openapi/evaluation/*``)."""

from __future__ import annotations

from ._base import BeijingTime, Result
from ._paging import SizedPage

__all__ = ["EvaluationList", "EvaluationTemplate"]


class EvaluationTemplate(Result):
    """An after-class evaluation template."""

    evaluate_id: int | None = None
    title: str | None = None
    status: int | None = None
    """1 enabled, 0 disabled."""
    create_time: BeijingTime | None = None


class EvaluationList(SizedPage[EvaluationTemplate]):
    """Answer of ``evaluation/getEvaluationList``: one page of templates."""
