"""Result models of the Video (VOD) API (``/openapi/video/*``).

Sizes are bytes, lengths seconds; times are aware datetimes in Beijing time.

The platform documents few of these answers' fields. Names seen in public
integrations are used where known (``video_id``, ``upload_url``,
``upload_size``, ``status``, ``length``, ``preface_url``, ``file_md5``, ...);
the others are the sandbox's conventions (``docs/sandbox.md``), so they are
optional, and every field the platform sends is kept (``result["name"]``).
"""

from __future__ import annotations

from typing import Annotated

from ._base import BeijingTime, Page, Result, field, token_entries

__all__ = [
    "Category",
    "CategoryAdded",
    "CategoryInfo",
    "CategoryNode",
    "ResumeUploadUrl",
    "ShareUrls",
    "UploadUrl",
    "VideoImage",
    "VideoImages",
    "VideoInfo",
    "VideoList",
    "VideoPlayInfo",
    "VideoState",
    "VideoSummary",
    "VideoToken",
    "VideoTokens",
    "VideoUrl",
    "VideoUrls",
]


class VideoToken(Result):
    """A player token for one video."""

    video_id: int
    token: str


VideoTokens = Annotated[list[VideoToken], token_entries("video_id")]
"""Answer of ``video/getPlayerTokenBatch``."""


class UploadUrl(Result):
    """Answer of ``video/getUploadUrl``: the new video and where to upload its file.

    Source: a stored platform answer (code index id 41985710481, 2018-04:
    ``{"upload_url": ..., "video_id": 166536}``), the same two fields in
    lizhongyuan3/cloud-live and a Go client (code index id 10971003336).
    """

    video_id: int
    upload_url: str


class ResumeUploadUrl(UploadUrl):
    """Answer of ``video/getResumeUploadUrl`` (no public source shows its fields)."""

    video_id: int | None = None  # type: ignore[assignment]
    upload_url: str | None = None  # type: ignore[assignment]
    upload_size: int | None = None
    """Bytes the upload host already holds: continue from there."""


class VideoState(Result):
    """Answer of ``video/getStatus``.

    Source: a Go client (code index id 10971003336, VideoChangeCodeStatus) reads only
    ``status`` and ``info``; ``video_id`` is not shown to be echoed.
    """

    video_id: int | None = None
    status: int | None = None
    """10 uploading, 20 transcoding, 30 failed, 31/32 timed out, 100 ready."""
    info: str | None = None
    """The status as text."""


class VideoSummary(Result):
    """One video of a listing.

    Source for ``video/getCategoryVideo``: a consumer deserialising ``data.list`` of the
    real endpoint (code index ids 11976531374 CategoryVideo.java + 11997676337, 2024-04):
    ``video_id``, ``name``, ``status``, ``total_size``, ``total_transcode_size``,
    ``origin_definition``, ``create_time`` (unix seconds), ``preface_url``, ``length``,
    ``publish_status``, ``audit_status``, ``file_md5``, ``category_level1_id`` ..
    ``category_level5_id``. None is shown to be always sent.
    """

    video_id: int | None = None
    name: str | None = None
    status: int | None = None
    publish_status: int | None = None
    """1 published, 2 blocked."""
    audit_status: int | None = None
    category_id: int | None = None
    """0 when in no category (not in the consumer's fields: the SDK's sandbox sends it)."""
    category_level1_id: int | None = None
    """The top category of the video's category path (0 when none)."""
    category_level2_id: int | None = None
    category_level3_id: int | None = None
    category_level4_id: int | None = None
    category_level5_id: int | None = None
    length: int | None = None
    total_size: int | None = None
    """Bytes of the uploaded file (None until it is uploaded)."""
    total_transcode_size: int | None = None
    file_md5: str | None = None
    """MD5 of the uploaded file (hex)."""
    origin_definition: str | None = None
    """The definition of the uploaded file."""
    preface_url: str | None = None
    create_time: BeijingTime | None = None


class VideoInfo(VideoSummary):
    """Answer of ``video/getInfo``.

    Source: consumer code (code index id 17753618801, BajiayunUtil.java: ``preface_url``,
    ``name``, ``total_transcode_size``, ``total_size``, ``status``, ``length``) and
    lizhongyuan3/cloud-live (BjVideoGetInfoResponse); neither shows ``video_id`` echoed,
    so it is optional.
    """

    now_definition: str | None = None
    """The definitions transcoded so far, comma-joined."""
    update_time: BeijingTime | None = None


class VideoList(Page[VideoSummary]):
    """Answer of ``video/getVideoList`` and ``video/getCategoryVideo``."""


class VideoImage(Result):
    url: str | None = None
    time: int | None = None
    """The second of the video the shot was taken at."""


class VideoImages(Result):
    """Answer of ``video/getImage``: screenshots of a transcoded video."""

    items: list[VideoImage] = field(default_factory=list, alias="list")


class Category(Result):
    """A video category."""

    category_id: int | None = None
    name: str | None = None
    parent_id: int | None = None
    """0 for a top-level category."""
    create_time: BeijingTime | None = None


class CategoryNode(Category):
    """One category of ``video/getCategoryList``, with its subcategories.

    Source: a consumer parsing ``data.list`` of the real endpoint (code index ids
    12235219154 CoursesServiceImpl.java, 12353251005 CategoryVo.java and 12620479429
    CategoryResp.java; charles7c continew, 2024-04): each entry has ``id`` (not
    ``category_id``), ``parent_id``, ``level``, ``name``, ``video_count`` and
    ``children`` (entries of the same fields).
    """

    id: int | None = None
    """The category's id, as this listing names it."""
    level: int | None = None
    """1 for a top-level category, 2 for a subcategory."""
    video_count: int | None = None
    children: list[CategoryNode] = field(default_factory=list)


class CategoryInfo(Category):
    """Answer of ``video/getCategoryInfo``: a category and its subcategories."""

    children: list[Category] = field(default_factory=list)


class CategoryAdded(Result):
    """Answer of ``video/addCategory``."""

    category_id: int | None = None


class VideoPlayInfo(Result):
    """One definition's file in ``video/getUrl``'s ``play_info``."""

    url: str | None = None
    size: int | None = None


class VideoUrl(Result):
    """A transcoded file of one definition (the ``list`` form of ``video/getUrl``)."""

    definition: int | None = None
    url: str | None = None
    size: int | None = None


class VideoUrls(Result):
    """Answer of ``video/getUrl``: a transcoded video's addresses, by definition.

    Source: consumer code (code index id 17753618801, BajiayunUtil.java ``getUrl()``)
    reads ``data.play_info.low.url``: ``play_info`` maps a definition name (``low``,
    ...) to its file. ``items`` (a ``list`` of files, this SDK's earlier reading) is
    kept for answers that send one; :meth:`url` reads either.
    """

    play_info: dict[str, VideoPlayInfo] = field(default_factory=dict)
    """The files by definition name (``play_info["low"].url``)."""
    video_id: int | None = None
    format: str | None = None
    length: int | None = None
    width: int | None = None
    height: int | None = None
    expire_time: BeijingTime | None = None
    """When the addresses stop working."""
    items: list[VideoUrl] = field(default_factory=list, alias="list")

    def url(self, definition: str | int | None = None) -> str | None:
        """The address of ``definition`` (a ``play_info`` name, or a ``list`` entry's
        ``definition``); without one, the first address sent. None when there is none."""
        for name, info in self.play_info.items():
            if info.url and (definition is None or name == str(definition)):
                return info.url
        for item in self.items:
            if item.url and (definition is None or str(item.definition) == str(definition)):
                return item.url
        return None


class ShareUrls(Result):
    """Answer of ``video/getShareUrl``: ways to share a video."""

    share_url: str | None = None
    """A page that plays the video."""
    iframe: str | None = None
    js: str | None = None
    flash: str | None = None
