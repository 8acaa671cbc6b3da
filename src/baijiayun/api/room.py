"""Room API: ``/openapi/room/*`` — create and manage live classrooms and join codes.

Optional parameters default to ``None`` and are then **not sent**, so the
platform's own defaults apply. (The earlier SDK sent 19 fixed values such as
``switch_room_role=0`` and ``has_student_raise=0`` that overrode them.)
Parameter names, order and meaning follow the earlier SDK; parameters it did
not have are keyword-only.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from .._endpoint import Paging
from .._group import Group, ModeT, endpoint
from .._params import (
    Avatar,
    File,
    Flag,
    Int,
    IntList,
    Page,
    RoomId,
    Str,
    Timestamp,
    UserNum,
    UserNums,
)
from .._wire import CSV, STR, ClientOnly, Context, Invalid, MaxItems, MaxLength, OneOf, Range
from ..models.room import (
    AuditionCodes,
    CodeInfo,
    CodeList,
    GroupLiveCodes,
    GroupSubRooms,
    PullStreamUrls,
    PushLiveUrl,
    RoomCreated,
    RoomInfo,
    RoomSummary,
    SpotVideos,
)


class RoomType(enum.IntEnum):
    """``type`` of a room."""

    ONE_TO_ONE = 1
    """One-to-one (legacy; older accounts only)."""
    LARGE_CLASS = 2
    SMALL_CLASS_LEGACY = 3
    """Small class, ordinary edition (legacy; older accounts only)."""
    SMALL_CLASS = 4
    DUAL_TEACHER = 5
    BASIC_ONE_TO_ONE = 6


class ProductType(enum.IntEnum):
    """``product_type`` of ``room/list``: which product line's rooms to list."""

    ALL = 0
    """Every product line (what the earlier SDK sent by default)."""
    EDUCATION = 1
    SMALL_CLASS = 2
    ENTERPRISE = 4


class CodeType(enum.IntEnum):
    """``type`` of ``room/listcode``."""

    REGULAR = 0
    AUDITION = 1


TemplateName = Literal[
    "doubleCamera",
    "classic",
    "triple",
    "single",
    "liveWall",
    "video",  # education
    "singleVideo",
    "docAudio",
    "docVideo",  # enterprise
]
EndType = Literal["web", "h5"]

MIN_DURATION = 15 * 60
MAX_DURATION = 24 * 3600
ONE_YEAR = 366 * 24 * 3600
MAX_GROUPS = 1000
"""Groups ``createGroupLiveCodes`` makes in one call, at most."""
TITLE_LENGTH = 50
"""Longer titles are kept truncated to this many characters by the platform."""

Title = Annotated[Str, MaxLength(TITLE_LENGTH)]
Template = Annotated[TemplateName | str, STR, ClientOnly(OneOf.of(TemplateName.__args__))]
EndDelay = Annotated[Int, Range(0, 7200)]
BackupUsers = Annotated[Int, Range(0, 300)]
NonNegative = Annotated[Int, ClientOnly(Range(0))]
Limit = Annotated[Int, Range(1, 1000)]
AuditionLength = Annotated[Int, Range(1, 3600)]
VideoIds = Annotated[IntList, MaxItems(3), Range(1)]
EndTypes = Annotated[list[EndType] | tuple[EndType, ...] | str, CSV(STR), OneOf(("web", "h5"))]
PAGING = Paging(page="page", size="limit", default_size=100)


# --------------------------------------------------------------------------- checks
def check_order(values: Mapping[str, Any], ctx: Context) -> None:
    """``end_time`` is after ``start_time``."""
    start, end = values.get("start_time"), values.get("end_time")
    if start is not None and end is not None and end <= start:
        raise Invalid("must be after start_time", "end_time")


def check_duration(values: Mapping[str, Any], ctx: Context) -> None:
    """A room that is not long-term lasts more than 15 minutes and less than 24 hours,
    and starts and ends within one year of now."""
    check_order(values, ctx)
    start, end = values["start_time"], values["end_time"]
    if values.get("is_long_term"):
        return
    if end - start <= MIN_DURATION:
        raise Invalid("a room must last more than 15 minutes", "end_time")
    if end - start >= MAX_DURATION:
        raise Invalid(
            "a room that is not long-term (is_long_term=1) must last less than 24 hours",
            "end_time",
        )
    now = ctx.now()
    for name in ("start_time", "end_time"):
        if abs(values[name] - now) > ONE_YEAR:
            days = round(abs(values[name] - now) / 86400)
            when = f"{days} days ago" if values[name] < now else f"{days} days from now"
            raise Invalid(
                f"must be within one year of now, past or future (this one is {when})", name
            )


def check_max_users(values: Mapping[str, Any], ctx: Context) -> None:
    """``max_users`` is 1–12 for a small class (type 4) and 1 for basic one-to-one (type 6)."""
    room_type, max_users = values.get("type"), values.get("max_users")
    if max_users is None:
        if room_type == RoomType.SMALL_CLASS:
            raise Invalid("is required for a small class (type 4): 1 to 12 seats", "max_users")
        return
    if room_type == RoomType.SMALL_CLASS and not 1 <= max_users <= 12:
        raise Invalid("must be between 1 and 12 for a small class (type 4)", "max_users")
    if room_type == RoomType.BASIC_ONE_TO_ONE and max_users != 1:
        raise Invalid("must be 1 for a basic one-to-one room (type 6)", "max_users")
    if max_users < 0:
        raise Invalid("must be >= 0", "max_users")


DEFAULT_TYPE = RoomType.LARGE_CLASS
"""The class type of a room created without ``type`` (the platform's default)."""


def check_group_live(values: Mapping[str, Any], ctx: Context) -> None:
    """Group live (``is_group_live``/``new_group_live``) needs a large class (type 2, also
    the platform's default when ``type`` is not sent)."""
    room_type = values.get("type", DEFAULT_TYPE)
    if (values.get("is_group_live") or values.get("new_group_live")) and (
        room_type != RoomType.LARGE_CLASS
    ):
        raise Invalid("group live needs a large class (type 2)", "type")


class Room(Group[ModeT], name="room"):
    """Live classrooms: create, update, delete, look up, and hand out join codes."""

    @endpoint("create", checks=(check_duration, check_max_users, check_group_live))
    def create(
        self,
        title: Title,
        start_time: Timestamp,
        end_time: Timestamp,
        type: RoomType | int | None = None,
        industry_type: Literal[0, 1] | None = None,
        max_users: Int | None = None,
        pre_enter_time: NonNegative | None = None,
        is_long_term: Flag | None = None,
        is_group_live: Literal[0, 1, 2] | None = None,
        template_name: Template | None = None,
        speak_camera_turnon: Int | None = None,
        teacher_need_detect_device: Int | None = None,
        student_need_detect_device: Int | None = None,
        is_video_main: Int | None = None,
        m_is_video_main: Int | None = None,
        is_mock_live: Flag | None = None,
        is_push_live: Flag | None = None,
        is_webrtc_live: Flag | None = None,
        mock_room_id: Int | None = None,
        mock_session_id: Int | None = None,
        mock_video_id: Int | None = None,
        switch_room_role: Int | None = None,
        enable_share: Int | None = None,
        enable_group_users_public: Flag | None = None,
        group_admin_permission: Flag | None = None,
        enable_group_chat_public: Flag | None = None,
        new_group_live: Literal[0, 1, 2] | None = None,
        mock_live_record: Flag | None = None,
        enable_weixin_auth: Int | None = None,
        has_student_raise: Flag | None = None,
        end_delay_time: EndDelay | None = None,
        class_end_operation: Flag | None = None,
        disable_switch_class: Flag | None = None,
        max_backup_users: BackupUsers | None = None,
        auto_on_stage: Flag | None = None,
        has_foreign_user: Int | None = None,
        background_attachment: File | None = None,
        whiteboard_attachment: File | None = None,
        template_type: Literal[1, 2, 3] | None = None,
        enable_cloud_record: Int | None = None,
        *,
        app_template: Literal[1, 2] | None = None,
        is_discuss_live: Flag | None = None,
        enable_live_sell: Literal[0, 1, 2] | None = None,
        sell_goods_in_large_class: Flag | None = None,
        auto_playback_record: Literal[0, 1, 2] | None = None,
        enable_beauty: Flag | None = None,
        enable_sticker: Flag | None = None,
        push_live_record: Flag | None = None,
        mock_live_play_times: Int | None = None,
        system_auto_allocate_name: Flag | None = None,
        is_live_and_mock_live: Flag | None = None,
    ) -> RoomCreated:
        """Create a room; returns its 14-digit ``room_id`` and admin/teacher/student codes.

        Args:
            title: up to 50 characters; a longer title is sent and truncated by the
                platform (the SDK warns).
            start_time, end_time: unix seconds or ``datetime`` (naive ones are read in the
                client's ``tz``, Asia/Shanghai by default). A room that is not long-term
                must last more than 15 minutes and less than 24 hours.
            type: 1 one-to-one (legacy), 2 large class, 3 small class (legacy),
                4 small class, 5 dual-teacher, 6 basic one-to-one. Not sent when None:
                the platform's default is 2 (the vendor's 大班课直播服务端API, API 2).
            industry_type: 0 education, 1 enterprise.
            max_users: seats on stage: 1–12 for type 4, 1 for type 6; 0/unset is unlimited
                for large classes.
            pre_enter_time: seconds students may enter before the start.
            is_long_term: 1 for a long-term room (needs the account permission).
            is_group_live: 1 group live, 2 group live with large/small classes (type 2 only).
            template_name: doubleCamera, classic, triple, single, liveWall, video (education);
                singleVideo, docAudio, docVideo (enterprise).
            speak_camera_turnon: 1 turn the camera on when a student speaks, 2 do not.
            teacher_need_detect_device, student_need_detect_device: 1 run the device check,
                2 do not.
            is_video_main, m_is_video_main: 1 video is the main view, 2 slides are (PC / H5).
            is_mock_live: 1 for a simulated live class from a recording (needs
                ``mock_video_id`` or ``mock_room_id`` + ``mock_session_id``).
            is_push_live: 1 for a push-stream live room (needs the account permission).
            is_webrtc_live: 1 for a WebRTC class.
            mock_room_id, mock_session_id, mock_video_id: the recording a simulated live plays.
            switch_room_role: who switches large/small class in group live: 1 large-class
                teacher, 2 small-class teacher.
            enable_share: 1 allow sharing from the app, 2 do not.
            enable_group_users_public, enable_group_chat_public: 1 members see everyone's
                list / chat, 0 only their group's.
            group_admin_permission: 1 assistants see all answers, 0 only their group's.
            new_group_live: 1 grouped classroom, 2 online dual-teacher (type 2 only).
            mock_live_record: 1 record the simulated live automatically.
            enable_weixin_auth: 1 require WeChat authorisation, 2 do not.
            has_student_raise: 1 students may go on stage (WebRTC classes).
            end_delay_time: seconds a class may overrun before it is ended (0–7200).
            class_end_operation: after a large class ends: 0 back to small classes, 1 end all.
            disable_switch_class: 1 forbid switching classes during the lesson.
            max_backup_users: students off stage in a 1vNvM small class (≤ 300).
            auto_on_stage: 1 put off-stage students on stage automatically.
            has_foreign_user: 2 when users abroad attend, 1 when not.
            background_attachment, whiteboard_attachment: small-class background and
                whiteboard images (uploaded as files, not signed).
            template_type: small-class template 1, 2, or 3 (one-to-one).
            enable_cloud_record: 1 show cloud recording in small classes, 2 hide it.
            app_template: 1 landscape, 2 portrait.
            enable_live_sell: 0/1/2 live selling mode; sell_goods_in_large_class: 1 sell
                goods in large classes.
            auto_playback_record: 0 account default, 1 record, 2 do not.
        """

    @endpoint("update", checks=(check_order,))
    def update(
        self,
        room_id: RoomId,
        title: Title | None = None,
        start_time: Timestamp | None = None,
        end_time: Timestamp | None = None,
        max_users: NonNegative | None = None,
        pre_enter_time: NonNegative | None = None,
        template_name: Template | None = None,
        forbidden_end_types: EndTypes | None = None,
        is_video_main: Int | None = None,
        m_is_video_main: Int | None = None,
        mock_room_id: Int | None = None,
        mock_session_id: Int | None = None,
        mock_video_id: Int | None = None,
        switch_room_role: Int | None = None,
        enable_cloud_record: Int | None = None,
        class_end_operation: Flag | None = None,
        disable_switch_class: Flag | None = None,
        max_backup_users: BackupUsers | None = None,
        background_attachment: File | None = None,
        whiteboard_attachment: File | None = None,
        template_type: Literal[1, 2, 3] | None = None,
        *,
        app_template: Literal[1, 2] | None = None,
        student_private_chat_role: Literal[0, 1, 2] | None = None,
        enable_live_sell: Literal[0, 1, 2] | None = None,
        is_private: Literal[0, 1, 2, 3, 4, 5, 6] | None = None,
        enable_mock_sync_chat_message: Flag | None = None,
        is_long_term: Flag | None = None,
    ) -> None:
        """Change a room; only the parameters given are sent.

        ``forbidden_end_types`` blocks entry from ``web`` (PC browser) and/or ``h5``
        (mobile browser): a list or comma-separated text. ``is_private`` chooses the
        entry mode (0–6), ``student_private_chat_role`` who students may chat with
        privately (0/1/2). See :meth:`create` for the other parameters.
        """

    @endpoint("delete")
    def delete(self, room_id: RoomId) -> None:
        """Delete a room. Later calls about it raise :class:`RoomDeletedError` (3002)."""

    @endpoint("info", safe=True)
    def info(self, room_id: RoomId) -> RoomInfo:
        """A room's settings, times (Beijing time text) and admin/teacher codes."""

    @endpoint("getcode", unwrap="student_code")
    def getcode(
        self,
        room_id: RoomId,
        user_number: UserNum,
        user_avatar: Avatar | None = None,
        *,
        update_audition_type: Flag | None = None,
    ) -> str:
        """The join code of one student (the same user always gets the same code).

        ``user_number`` is the student's id in your own user system (a positive
        integer of at most 19 digits); ``user_avatar`` an absolute http(s) URL.
        ``update_audition_type=1`` turns an audition code into a regular one.
        """

    @endpoint("getCodeInfo", safe=True)
    def get_code_info(self, code: Str) -> CodeInfo:
        """The room and user a join code belongs to."""

    @endpoint("listcode", safe=True, paging=PAGING)
    def listcode(
        self,
        room_id: RoomId,
        type: CodeType | int | None = None,
        page: Page | None = None,
        limit: Limit | None = None,
    ) -> CodeList:
        """One page of the student codes made for a room.

        ``type``: 0 regular codes, 1 audition codes. ``page`` starts at 1;
        ``limit`` is at most 1000 (platform default 100). See :meth:`iter_codes`.
        """

    @endpoint("list", safe=True, unwrap="list", paging=PAGING)
    def list(
        self,
        page: Page | None = None,
        limit: Limit | None = None,
        product_type: ProductType | int | None = None,
    ) -> list[RoomSummary]:
        """One page of the account's rooms (the page's rooms, as the earlier SDK returned).

        ``product_type``: 1 education live, 2 small class, 4 enterprise live;
        leave unset on single-product accounts. See :meth:`iter_rooms`.
        """

    @endpoint("getAuditionCode")
    def get_audition_code(
        self,
        room_id: RoomId,
        user_numbers: UserNums,
        user_avatar: Avatar | None = None,
        audition_length: AuditionLength | None = None,
    ) -> AuditionCodes:
        """Audition (trial) codes for users; ``audition_length`` seconds of access (1–3600)."""

    @endpoint("createGroupLiveCodes")
    def create_group_live_codes(
        self, room_id: RoomId, number: Annotated[Int, Range(1, MAX_GROUPS)]
    ) -> GroupLiveCodes:
        """Create ``number`` groups (a teacher and a student code each) in a group-live room.

        At most 1000 per call (the platform documents no limit; larger numbers
        would be no classroom anyone runs).
        """

    @endpoint("getGroupLiveCodes", safe=True)
    def get_group_live_codes(self, room_id: RoomId) -> GroupLiveCodes:
        """The group codes of a group-live room."""

    @endpoint("getPushLiveUrl", safe=True)
    def get_push_live_url(self, room_id: RoomId) -> PushLiveUrl:
        """The push (RTMP) address of a push-live room."""

    @endpoint("getGroupSubRoomId", safe=True)
    def get_group_sub_room_id(self, room_id: RoomId) -> GroupSubRooms:
        """The small-class room ids of a group-live room with large/small classes."""

    @endpoint("getPullStreamUrl", safe=True)
    def get_pull_stream_url(self, room_id: RoomId) -> PullStreamUrls:
        """The pull (playback stream) addresses of a push-live room."""

    @endpoint("setSpotVideo")
    def set_spot_video(self, room_id: RoomId, video_ids: VideoIds) -> None:
        """Set up to 3 videos to insert into a large class (a list or comma text).

        New clips need about 5 hours of processing and expire after 7 days.
        """

    @endpoint("getSpotVideo", safe=True)
    def get_spot_video(self, room_id: RoomId) -> SpotVideos:
        """The inserted videos set for a room."""

    # ---- every page, one in memory at a time
    iter_rooms = list.pages()
    iter_codes = listcode.pages()
