"""Result models of the Room API (``/openapi/room/*``).

Fields the platform documents are typed; all are optional except where the
platform always sends them, and unknown fields are kept.
"""

from __future__ import annotations

from pydantic import Field

from ._base import Result


class RoomCreated(Result):
    """Answer of ``room/create``: the 14-digit room id and its three codes."""

    room_id: str
    admin_code: str | None = None
    teacher_code: str | None = None
    student_code: str | None = None


class RoomInfo(Result):
    """Answer of ``room/info``. Times are ``YYYY-MM-DD HH:MM:SS`` text in Beijing time."""

    room_id: str
    title: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    create_time: str | None = None
    type: int | None = None
    max_users: int | None = None
    template_name: str | None = None
    admin_code: str | None = None
    teacher_code: str | None = None
    create_from: str | None = None
    is_long_term: int | None = None


class RoomSummary(Result):
    """One room of ``room/list``."""

    room_id: str
    title: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    type: int | None = None


class StudentCode(Result):
    """Answer of ``room/getcode``."""

    student_code: str


class CodeItem(Result):
    """One join code of ``room/listcode``."""

    code: str | None = None
    user_number: str | None = None
    user_avatar: str | None = None


class CodeList(Result):
    """Answer of ``room/listcode``: one page of join codes."""

    items: list[CodeItem] = Field(default_factory=list, alias="list")
    total: int | None = None


class CodeInfo(Result):
    """Answer of ``room/getCodeInfo``: which room and user a code belongs to."""

    room_id: str | None = None
    user_number: str | None = None
    user_role: int | None = None


class AuditionCodes(Result):
    """Answer of ``room/getAuditionCode``."""

    items: list[CodeItem] = Field(default_factory=list, alias="list")


class GroupLiveCodes(Result):
    """Answer of ``room/createGroupLiveCodes`` and ``room/getGroupLiveCodes``."""

    items: list[dict[str, object]] = Field(default_factory=list, alias="list")


class PushLiveUrl(Result):
    """Answer of ``room/getPushLiveUrl`` / ``room/getPullStreamUrl``."""

    push_url: str | None = None
