"""Result models of quiz templates (``live_setting/*Quiz*``) and room papers (``quiz/*``)."""

from __future__ import annotations

from ._base import BeijingTime, Result
from ._paging import SizedPage

__all__ = ["QuizCreated", "QuizList", "QuizTemplate"]


class QuizTemplate(Result):
    """A quiz template (a paper), made from an uploaded Excel sheet."""

    id: int | None = None
    name: str | None = None
    is_force: int | None = None
    """1: students must take it."""
    product_type: int | None = None
    create_time: BeijingTime | None = None


class QuizCreated(Result):
    """Answer of ``live_setting/addQuiz``: the new template's id (a ``paper_id`` of ``quiz/*``)."""

    id: int | None = None


class QuizList(SizedPage[QuizTemplate]):
    """Answer of ``live_setting/getQuizList``: one page of templates."""
