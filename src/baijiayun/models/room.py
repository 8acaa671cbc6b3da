"""Result models of the Room API (``/openapi/room/*``).

Times are aware datetimes in Beijing time. Fields are optional unless the
platform always sends them; unknown fields are kept.
"""

from __future__ import annotations

from ._base import BeijingTime, Page, Result, field

__all__ = [
    "AuditionCode",
    "AuditionCodes",
    "CodeInfo",
    "CodeItem",
    "CodeList",
    "GroupCode",
    "GroupLiveCodes",
    "GroupSubRooms",
    "PullStreamUrls",
    "PushLiveUrl",
    "RoomCreated",
    "RoomInfo",
    "RoomSummary",
    "SpotVideo",
    "SpotVideos",
    "SubRoom",
]


class RoomCreated(Result):
    """Answer of ``room/create``: the 14-digit room id and its three codes.

    Source: the vendor's 大班课直播服务端API, API 2 (bjycloud/baijiayun-skills@eb56797
    ``skills/baijiayun-room/references/api-room.md``): the four fields in its table and
    example, so they are required.
    """

    room_id: str
    admin_code: str
    teacher_code: str
    student_code: str


class RoomSummary(Result):
    """One room of ``room/list``."""

    room_id: str | None = None
    title: str | None = None
    type: int | None = None
    start_time: BeijingTime | None = None
    end_time: BeijingTime | None = None
    create_time: BeijingTime | None = None


class RoomInfo(RoomSummary):
    """Answer of ``room/info``: the room's settings, times and admin/teacher codes.

    Source: the vendor's 大班课直播服务端API, API 5 (bjycloud/baijiayun-skills@eb56797
    ``skills/baijiayun-room/references/api-room.md``), table and example. It has no
    class status (read ``result.get("status")`` should the platform send one).
    """

    room_id: str
    """The room (always sent, as a number)."""
    max_users: int | None = None
    template_name: str | None = None
    industry_type: int | None = None
    is_long_term: int | None = None
    pre_enter_time: int | None = None
    is_group_live: int | None = None
    new_group_live: int | None = None
    is_mock_live: int | None = None
    is_push_live: int | None = None
    is_webrtc_live: int | None = None
    end_delay_time: int | None = None
    max_backup_users: int | None = None
    template_type: int | None = None
    app_template: int | None = None
    forbidden_end_types: str | None = None
    """Comma-joined ends that may not enter (``web``, ``h5``)."""
    admin_code: str | None = None
    teacher_code: str | None = None
    create_from: int | None = None
    """Where the room was made: 1 the open API, 2 the admin console, ... up to 12 (the
    vendor's table; ``9`` in its example)."""
    is_private: int | None = None
    media_type: int | None = None
    """0 video, 1 audio only."""
    enable_share: int | None = None
    is_discuss_live: int | None = None
    speak_camera_turnon: int | None = None
    teacher_need_detect_device: int | None = None
    student_need_detect_device: int | None = None
    auto_playback_record: int | None = None
    is_video_main: int | None = None
    m_is_video_main: int | None = None
    m_template: int | None = None
    enable_weixin_auth: int | None = None
    system_auto_allocate_name: int | None = None
    has_student_raise: int | None = None
    switch_room_role: int | None = None
    enable_group_users_public: int | None = None
    group_admin_permission: int | None = None
    enable_group_chat_public: int | None = None
    enable_live_sell: int | None = None
    sell_goods_in_large_class: int | None = None
    enable_mock_sync_chat_message: int | None = None
    enable_ppt_page_down: int | None = None
    mock_live_record: int | None = None
    push_live_record: int | None = None


class CodeItem(Result):
    """One student code of ``room/listcode``."""

    code: str | None = None
    user_number: str | None = None
    user_avatar: str | None = None
    create_time: BeijingTime | None = None
    expire_time: BeijingTime | None = None
    """When an audition code stops working (None for a regular code)."""


class CodeList(Page[CodeItem]):
    """Answer of ``room/listcode``: one page of a room's student codes."""


class CodeInfo(CodeItem):
    """Answer of ``room/getCodeInfo``: the room and user a code belongs to."""

    room_id: str | None = None
    user_role: int | None = None
    """0 student, 1 teacher, 2 admin/assistant."""
    type: int | None = None
    """0 regular, 1 audition."""
    group_id: int | None = None
    """The group of a group-live code."""


class AuditionCode(Result):
    """One audition code of ``room/getAuditionCode``."""

    user_number: str | None = None
    code: str | None = None
    expire_time: BeijingTime | None = None


class AuditionCodes(Result):
    """Answer of ``room/getAuditionCode``: a code per user number."""

    items: list[AuditionCode] = field(default_factory=list, alias="list")


class GroupCode(Result):
    """The teacher and student codes of one group of a group-live room."""

    group_id: int | None = None
    teacher_code: str | None = None
    student_code: str | None = None


class GroupLiveCodes(Result):
    """Answer of ``room/createGroupLiveCodes`` and ``room/getGroupLiveCodes``."""

    items: list[GroupCode] = field(default_factory=list, alias="list")


class SubRoom(Result):
    """One small-class room of a group-live room."""

    group_id: int | None = None
    room_id: str | None = None


class GroupSubRooms(Result):
    """Answer of ``room/getGroupSubRoomId``."""

    items: list[SubRoom] = field(default_factory=list, alias="list")


class PushLiveUrl(Result):
    """Answer of ``room/getPushLiveUrl``: where the encoder pushes the stream."""

    push_url: str | None = None


class PullStreamUrls(Result):
    """Answer of ``room/getPullStreamUrl``: the stream in three protocols."""

    rtmp: str | None = None
    flv: str | None = None
    hls: str | None = None


class SpotVideo(Result):
    video_id: int | None = None


class SpotVideos(Result):
    """Answer of ``room/getSpotVideo``: the videos set to be inserted into the class."""

    items: list[SpotVideo] = field(default_factory=list, alias="list")
