"""Result models of notice templates (``live_setting/*Notice*``) and room notices (``notice/*``)."""

from __future__ import annotations

from ._base import BeijingTime, Result
from ._paging import SizedPage

__all__ = ["NoticeCreated", "NoticeList", "NoticeTemplate"]


class NoticeTemplate(Result):
    """A notice template: the text and link shown in rooms it is assigned to."""

    id: int | None = None
    content: str | None = None
    link: str | None = None
    product_type: int | None = None
    create_time: BeijingTime | None = None


class NoticeCreated(Result):
    """Answer of ``live_setting/addNotice``: the new template's id."""

    id: int | None = None


class NoticeList(SizedPage[NoticeTemplate]):
    """Answer of ``live_setting/getNoticeList``: one page of templates."""
