"""Video (VOD) API: ``/openapi/video/*`` — uploaded videos, their transcoding and categories.

A video is created by :meth:`Video.get_upload_url` (status 10, uploading),
uploaded to the URL it returns, transcoded by the platform (20, then 100 or
30), and played with a player token. :meth:`Video.upload` does the upload in
one call: it asks for the URL, streams the file in chunks, resumes after a
failure and returns the video id.

Optional parameters default to ``None`` and are then not sent, so the
platform's own defaults apply.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable
from typing import IO, Annotated, Literal

from .._group import Group, ModeT, endpoint
from .._params import (
    PAGING_100,
    DateTime,
    ExpiresIn,
    Flag,
    Int,
    Page,
    PublishStatus,
    Str,
    VideoId,
    VideoIds,
)
from .._task import task
from .._upload import DEFAULT_CHUNK_SIZE, DEFAULT_MAX_RESUMES, Uploader
from .._wire import CSV, INT, ClientOnly, NonEmpty, OneOf, Range
from ..models.video import (
    CategoryAdded,
    CategoryInfo,
    CategoryNode,
    ResumeUploadUrl,
    ShareUrls,
    UploadUrl,
    VideoImages,
    VideoInfo,
    VideoList,
    VideoState,
    VideoTokens,
    VideoUrls,
)

__all__ = [
    "Definition",
    "FileType",
    "PublishStatus",
    "Video",
    "VideoFormat",
    "VideoId",
    "VideoIds",
    "VideoStatus",
]


class Definition(enum.IntEnum):
    """A transcoding definition (``definition``: one or several, comma-joined)."""

    SD = 16
    """Standard definition."""
    HD = 1
    SUPER_HD = 2
    P720 = 4
    P1080 = 8


Definitions = Annotated[
    list[Definition | int] | tuple[Definition | int, ...] | Definition | int | str,
    CSV(INT),
    OneOf.of(Definition),
]
"""One or several definitions: a list, one value, or comma text (``"16,1"``)."""


class VideoStatus(enum.IntEnum):
    """``status`` of a video (``getStatus``, ``getInfo``, the transcode callback)."""

    UPLOADING = 10
    TRANSCODING = 20
    """Uploaded; being transcoded (the callback's "uploaded")."""
    FAILED = 30
    TRANSCODE_TIMEOUT = 31
    UPLOAD_TIMEOUT = 32
    READY = 100


class VideoFormat(enum.IntEnum):
    """A format to transcode into (``format``: one or several, comma-joined)."""

    MP4 = 1
    FLV = 2
    M3U8 = 4


class FileType(enum.IntEnum):
    """A kind of transcoded file ``removeDefinition`` removes (``type``)."""

    MP4 = 1
    FLV = 2
    M3U8 = 4
    ENCRYPT = 8


Formats = Annotated[
    list[VideoFormat | int] | tuple[VideoFormat | int, ...] | VideoFormat | int | str,
    CSV(INT),
    OneOf.of(VideoFormat),
]
FileTypes = Annotated[
    list[FileType | int] | tuple[FileType | int, ...] | FileType | int | str,
    CSV(INT),
    OneOf.of(FileType),
]
Name = Annotated[Str, ClientOnly(NonEmpty())]
CategoryId = Annotated[Int, ClientOnly(Range(0))]
"""A category (0: none, the top level)."""
ListSize = Annotated[Int, Range(1, 1000)]
CategorySize = Annotated[Int, Range(1, 100)]
UrlExpiry = Annotated[Int, ClientOnly(Range(1))]
UrlFormat = Literal["mp4", "m3u8", "flv", "encrypt"]
UploadFile = str | os.PathLike[str] | IO[bytes] | bytes
Progress = Callable[[int, int], object]
LIST_PAGING = CATEGORY_PAGING = PAGING_100


class Video(Group[ModeT], name="video"):
    """Videos on demand: upload, transcoding, categories, links and publishing."""

    @endpoint("getUploadUrl")
    def get_upload_url(
        self,
        file_name: Name,
        definition: Definitions,
        audio_with_view: Flag | None = None,
        format: Formats | None = None,
        encrypt: Literal[1, 2] | None = None,
        use_https: Flag | None = None,
    ) -> UploadUrl:
        """Create a video and get the URL to upload its file to.

        ``definition``: the definitions to transcode into (16 SD, 1 HD, 2 super HD,
        4 720p, 8 1080p; a list, one value or comma text). ``audio_with_view=1``
        treats the file as audio. ``format``: 1 mp4, 2 flv, 4 m3u8 (default all).
        ``encrypt``: 1 also make an encrypted version, 2 do not (needs the account
        permission). ``use_https=1`` asks for an https upload URL.
        :meth:`upload` does the whole upload in one call.
        """

    @endpoint("getResumeUploadUrl", safe=True)
    def get_resume_upload_url(
        self, video_id: VideoId, use_https: Flag | None = None
    ) -> ResumeUploadUrl:
        """Where to continue an interrupted upload, and how many bytes arrived (``upload_size``)."""

    @endpoint("getStatus", safe=True)
    def get_status(self, video_id: VideoId) -> VideoState:
        """A video's status: 10 uploading, 20 transcoding, 30 failed, 100 ready (31/32 timeouts)."""

    @endpoint("getInfo", safe=True)
    def get_info(self, video_id: VideoId) -> VideoInfo:
        """A video's name, status, size, length, cover and definitions (not deleted videos)."""

    @endpoint("getImage", safe=True)
    def get_image(self, video_id: VideoId) -> VideoImages:
        """The screenshots taken of a transcoded video."""

    @endpoint("removeDefinition")
    def remove_definition(
        self, video_id: VideoId, definition: Definitions, type: FileTypes | None = None
    ) -> None:
        """Delete the transcoded files of some definitions, to save storage.

        ``type``: which files, 1 mp4, 2 flv, 4 m3u8, 8 encrypted (platform default mp4).
        """

    @endpoint("transcodeAgain")
    def transcode_again(
        self, video_id: VideoId, definition: Definitions, format: Formats | None = None
    ) -> None:
        """Transcode a video into more definitions (status 20 until done)."""

    @endpoint("update", unwrap="video_id")
    def update(self, video_id: VideoId, name: Name) -> int | None:
        """Rename a video (the name is the only thing that can change); returns its id
        (None when the answer echoes none)."""

    @endpoint("delete", unwrap="video_id")
    def delete(self, video_id: VideoId) -> int | None:
        """Delete a video; returns its id (None when the answer echoes none)."""

    @endpoint("getCategoryList", safe=True, unwrap="list")
    def get_category_list(self) -> list[CategoryNode]:
        """Every category of the account (two levels: ``parent_id`` 0 is the top level)."""

    @endpoint("getCategoryInfo", safe=True)
    def get_category_info(self, category_id: CategoryId | None = None) -> CategoryInfo:
        """A category and its subcategories (0 or unset: the top level)."""

    @endpoint("addCategory")
    def add_category(self, name: Name, parent_id: CategoryId | None = None) -> CategoryAdded:
        """Add a category (``parent_id``: a top-level category, or 0/unset for a top-level one)."""

    @endpoint("deleteCategory", unwrap="category_id")
    def delete_category(self, category_id: CategoryId) -> int:
        """Delete a category that holds no video; returns its id."""

    @endpoint("getCategoryVideo", safe=True, paging=CATEGORY_PAGING)
    def get_category_video(
        self,
        category_id: CategoryId,
        page_size: CategorySize | None = None,
        page: Page | None = None,
    ) -> VideoList:
        """One page of a category's videos (a top-level one: also its subcategories').

        ``page_size`` is at most 100 (platform default 20). See :meth:`iter_category_videos`.
        """

    @endpoint("setVideoCategory")
    def set_video_category(self, video_id: VideoId, category_id: CategoryId) -> None:
        """Put a video in a category (0: in none)."""

    @endpoint("getPlayerToken", safe=True, unwrap="token")
    def get_player_token(self, video_id: VideoId, expires_in: ExpiresIn) -> str:
        """A player token for a video; ``expires_in`` in seconds, 0 for never.

        Build the link with :func:`baijiayun.links.video_url`, or let
        ``client.links.video_url`` do both steps.
        """

    @endpoint("getPlayerTokenBatch", safe=True)
    def get_player_token_batch(self, video_ids: VideoIds, expires_in: ExpiresIn) -> VideoTokens:
        """Player tokens for several videos at once (a list or comma text of ids).

        The platform does not document the answer's shape; it is read leniently
        (a list, or a mapping of id to token). ``client.links.video_urls`` makes links.
        """

    @endpoint("getUrl", safe=True)
    def get_url(
        self,
        video_id: VideoId,
        format: UrlFormat | None = None,
        expires_in: UrlExpiry | None = None,
    ) -> VideoUrls:
        """The addresses of a transcoded video, one per definition, with its size.

        ``format``: mp4 (platform default), m3u8, flv or encrypt. ``expires_in``:
        seconds the addresses work (platform default 12 hours).
        """

    @endpoint("setPublishStatus", unwrap="status")
    def set_publish_status(self, video_id: VideoId, status: PublishStatus | int) -> PublishStatus:
        """Publish (1) or block (2) a video; returns the status set.

        A video is published when it is transcoded; a blocked one does not play.
        """

    @endpoint("getShareUrl", safe=True)
    def get_share_url(self, video_id: VideoId) -> ShareUrls:
        """Ways to share a video: a page link, an iframe and a script tag."""

    @endpoint("getVideoList", safe=True, paging=LIST_PAGING)
    def get_video_list(
        self,
        page_size: ListSize | None = None,
        page: Page | None = None,
        create_time: DateTime | None = None,
    ) -> VideoList:
        """One page of the account's videos.

        ``page_size`` is at most 1000 (platform default 20); ``create_time``
        lists the videos created from that moment on. See :meth:`iter_videos`.
        """

    # ---- every page, one in memory at a time
    iter_videos = get_video_list.pages()
    iter_category_videos = get_category_video.pages()

    # ---- the whole upload in one call
    @task(
        get_upload_url,
        run=Uploader(get_upload_url, get_resume_upload_url, set_video_category).run,
    )
    def upload(
        self,
        path_or_file: UploadFile,
        name: str | None = None,
        *,
        category_id: int | None = None,
        progress: Progress | None = None,
        definition: Definitions = Definition.SD,
        audio_with_view: bool | int | None = None,
        format: Formats | None = None,
        encrypt: Literal[1, 2] | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        max_resumes: int = DEFAULT_MAX_RESUMES,
        video_id: int | None = None,
    ) -> int:
        """Upload a video file and return its id; resumes by itself after a failure.

        ``path_or_file``: a path, or a binary file object that can seek (it is
        read from its start; the SDK does not close it). ``bytes`` work too, for
        small files. The file is streamed in ``chunk_size`` chunks (4 MiB by
        default) and never read whole into memory.

        Steps: :meth:`get_upload_url` (``name`` defaults to the file's name;
        ``definition``, ``audio_with_view``, ``format`` and ``encrypt`` are passed
        on), then :meth:`set_video_category` when ``category_id`` is given, then
        the chunks, each confirmed by the upload host. After a failed chunk (a
        dropped connection, a timeout, an error answer) it asks
        :meth:`get_resume_upload_url` how many bytes arrived and continues from
        there; after ``max_resumes`` failures in a row it raises the last error.
        ``progress(bytes_sent, total)`` is called with the confirmed byte count
        after each chunk (and after each resume); it must not block.

        The error raised after the last failed resume carries ``.video_id``:
        ``upload(same_file, video_id=that_id)`` continues that upload later from
        the bytes that arrived, instead of creating another video.
        """
