"""Video data API: ``/openapi/video_data/*`` — who watched what: play records and counts.

Times in these queries are Beijing ``YYYY-MM-DD HH:MM:SS`` text on the wire
(pass a ``datetime``, unix seconds or that text), days ``YYYY-MM-DD`` (pass a
``datetime.date`` or that text). A play-record query may not span days.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any

from .._group import Group, ModeT, endpoint
from .._params import (
    PAGING_100,
    Date,
    DateTime,
    Int,
    Page,
    PageSizeUpTo1000,
    RoomId,
    VideoId,
    check_date_order,
    check_time_order,
    day_of,
)
from .._wire import ClientOnly, Context, Invalid, OneOf, Range
from ..models.video_data import DailyPlayCount, PlayRank, PlayRecords

__all__ = ["PlayProduct", "VideoData"]


class PlayProduct(enum.IntEnum):
    """``product_type`` of the play statistics: whose videos."""

    ALL = 0
    """Every product line (what the earlier SDK sent by default)."""
    EDUCATION = 1
    SMALL_CLASS = 2
    DUAL_TEACHER = 3
    ENTERPRISE = 4
    VOD = 5
    """Videos on demand (uploads)."""


Product = Annotated[PlayProduct | int, ClientOnly(OneOf.of(PlayProduct))]
SessionId = Annotated[Int, Range(0)]
PAGING = PAGING_100


def check_same_day(values: Mapping[str, Any], ctx: Context) -> None:
    """``start_time`` and ``end_time`` are on the same day (Beijing time): a query may
    not span days."""
    start, end = values.get("start_time"), values.get("end_time")
    if not (isinstance(start, _dt.date) and isinstance(end, _dt.date)):
        return
    if day_of(start) != day_of(end):
        raise Invalid("must be on the day of start_time (a query may not span days)", "end_time")


RECORD_CHECKS = (check_same_day,)
RECORD_CLIENT_CHECKS = (check_time_order,)


class VideoData(Group[ModeT], name="video_data"):
    """Play statistics of videos on demand and playbacks."""

    @endpoint("getUsedFlow", safe=True, unwrap="flow", client_checks=(check_date_order,))
    def get_used_flow(self, video_id: VideoId, start_date: Date, end_date: Date) -> Decimal:
        """The traffic one video used between two days (inclusive), counted once a day."""

    @endpoint(
        "getVideoPlayRecord",
        safe=True,
        paging=PAGING,
        checks=RECORD_CHECKS,
        client_checks=RECORD_CLIENT_CHECKS,
    )
    def get_video_play_record(
        self,
        video_id: VideoId,
        start_time: DateTime,
        end_time: DateTime,
        page: Page | None = None,
        page_size: PageSizeUpTo1000 | None = None,
    ) -> PlayRecords:
        """One page of a video's plays between two moments of one day, one record per play.

        See :meth:`iter_video_play_records`.
        """

    @endpoint(
        "exportVideoReportBatch",
        safe=True,
        paging=PAGING,
        checks=RECORD_CHECKS,
        client_checks=RECORD_CLIENT_CHECKS,
    )
    def export_video_report_batch(
        self,
        start_time: DateTime,
        end_time: DateTime,
        product_type: Product | None = None,
        page: Page | None = None,
        page_size: PageSizeUpTo1000 | None = None,
    ) -> PlayRecords:
        """One page of every play of the account's videos and playbacks in one day's window.

        ``product_type``: 1 education, 2 small class, 3 dual-teacher, 4 enterprise,
        5 VOD (0 or unset: all). See :meth:`iter_video_report`.
        """

    @endpoint(
        "getVideoPlayCountRank", safe=True, unwrap="play_rank", client_checks=(check_date_order,)
    )
    def get_video_play_count_rank(
        self, start_date: Date, end_date: Date, product_type: Product | None = None
    ) -> list[PlayRank]:
        """The 100 most played videos between two days, most played first."""

    @endpoint(
        "getVideoDailyPlayCount", safe=True, unwrap="play_count", client_checks=(check_date_order,)
    )
    def get_video_daily_play_count(
        self, video_id: VideoId, start_date: Date, end_date: Date
    ) -> list[DailyPlayCount]:
        """How many times a video was played on each day between two days."""

    @endpoint(
        "getPartnerDailyPlayCount",
        safe=True,
        unwrap="play_count",
        client_checks=(check_date_order,),
    )
    def get_partner_daily_play_count(
        self, start_date: Date, end_date: Date, product_type: Product | None = None
    ) -> list[DailyPlayCount]:
        """How many plays the account had on each day between two days."""

    @endpoint(
        "getPlaybackPlayRecord",
        safe=True,
        paging=PAGING,
        checks=RECORD_CHECKS,
        client_checks=RECORD_CLIENT_CHECKS,
    )
    def get_playback_play_record(
        self,
        room_id: RoomId,
        start_time: DateTime,
        end_time: DateTime,
        session_id: SessionId | None = None,
        page: Page | None = None,
        page_size: PageSizeUpTo1000 | None = None,
    ) -> PlayRecords:
        """One page of a playback's plays between two moments of one day.

        See :meth:`iter_playback_play_records`.
        """

    # ---- every page, one in memory at a time
    iter_video_play_records = get_video_play_record.pages()
    iter_video_report = export_video_report_batch.pages()
    iter_playback_play_records = get_playback_play_record.pages()
