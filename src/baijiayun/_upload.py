"""Uploading a video file: chunked, streamed from disk, resumed after a failure.

The steps of ``client.video.upload`` as one task (see :mod:`baijiayun._task`),
so the sync and async clients share them; only the drivers do I/O.

The upload protocol (what the SDK sends to the ``upload_url`` that
``video/getUploadUrl`` returns):

* each chunk is a ``multipart/form-data`` POST with one file part named
  ``data`` (the part name public integrations of the platform use), and a
  ``Content-Range: bytes first-last/total`` header placing it in the file;
* the upload host answers JSON ``{"code", "msg", "data"}``: ``code`` 1 (what
  public integrations read as success there) or 0 accepts the chunk, and
  ``data.upload_size``, when present, is the number of bytes it now holds;
  any other code refuses it;
* after a failed chunk, ``video/getResumeUploadUrl`` says where to continue
  (``upload_url``) and how many bytes arrived (``upload_size``); the upload
  goes on from that byte, whatever the chunk boundaries were.

Only the chunk being sent is in flight, read from the file in 64 KiB pieces;
the file is never read whole into memory.
"""

from __future__ import annotations

import io
import json
import logging
import os
import secrets
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import _flow
from ._flow import RawResponse, Sleep
from ._group import EndpointMethod
from ._task import CallEndpoint, Task, Transfer
from .errors import (
    BaiJiaYunError,
    DecodeError,
    HTTPStatusError,
    InsecureUploadError,
    UploadError,
    ValidationError,
    error_for_code,
)

if TYPE_CHECKING:
    from ._flow import ClientBase

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_MAX_RESUMES",
    "MAX_CHUNK_SIZE",
    "MIN_CHUNK_SIZE",
    "UPLOAD_FIELD",
    "ChunkBody",
    "Uploader",
    "chunk_outcome",
]

logger = logging.getLogger("baijiayun")

DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024
MIN_CHUNK_SIZE = 64 * 1024
MAX_CHUNK_SIZE = 16 * 1024 * 1024
"""Chunks stay well under the request-size limits of upload hosts (and of the sandbox)."""
DEFAULT_MAX_RESUMES = 5
PIECE_SIZE = 64 * 1024
UPLOAD_FIELD = "data"
ACCEPTED_CODES = (0, 1)
EXCERPT = 200


# --------------------------------------------------------------------------- the file
class UploadSource:
    """The file being uploaded: a binary stream that can seek, its size and its name."""

    def __init__(self, stream: IO[bytes], size: int, name: str, owned: bool) -> None:
        self.stream = stream
        self.size = size
        self.name = name
        self._owned = owned

    @classmethod
    def open(cls, value: Any) -> UploadSource:
        """Open a path (closed by :meth:`close`), or take a file object or bytes."""
        param = "path_or_file"
        if isinstance(value, (str, os.PathLike)):
            path = os.fspath(value)
            if not os.path.isfile(path):
                raise ValidationError(param, f"file not found: {path}")
            stream: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed by close()
            size = os.fstat(stream.fileno()).st_size
            return cls(stream, size, os.path.basename(path), owned=True)
        if isinstance(value, (bytes, bytearray, memoryview)):
            data = bytes(value)
            return cls(io.BytesIO(data), len(data), "", owned=True)
        if hasattr(value, "read") and hasattr(value, "seek"):
            seekable = getattr(value, "seekable", lambda: True)
            if not seekable():
                raise ValidationError(param, "must be seekable (a resume re-reads from a byte)")
            if isinstance(value, io.TextIOBase):
                raise ValidationError(param, "must be opened in binary mode ('rb')")
            size = value.seek(0, os.SEEK_END)
            value.seek(0)
            name = os.path.basename(str(getattr(value, "name", "") or ""))
            return cls(value, int(size), name, owned=False)
        raise ValidationError(param, "must be a path, a binary file object or bytes")

    def read_at(self, offset: int, length: int) -> Iterator[bytes]:
        """``length`` bytes from ``offset``, in pieces of at most 64 KiB."""
        self.stream.seek(offset)
        remaining = length
        while remaining > 0:
            piece = self.stream.read(min(PIECE_SIZE, remaining))
            if not piece:
                raise UploadError(
                    4001, f"the file ended at byte {offset + length - remaining} while uploading"
                )
            remaining -= len(piece)
            yield piece

    def close(self) -> None:
        if self._owned:
            self.stream.close()


class ChunkBody:
    """One chunk as a ``multipart/form-data`` body, produced piece by piece."""

    def __init__(self, source: UploadSource, offset: int, length: int, filename: str) -> None:
        self.source = source
        self.offset = offset
        self.chunk_length = length
        self.boundary = "bjy" + secrets.token_hex(12)
        quoted = (
            filename.replace("\\", "\\\\").replace('"', "%22").replace("\r", "").replace("\n", "")
        )
        self.head = (
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="{UPLOAD_FIELD}"; filename="{quoted}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{self.boundary}--\r\n".encode()

    @property
    def length(self) -> int:
        return len(self.head) + self.chunk_length + len(self.tail)

    def pieces(self) -> Iterator[bytes]:
        yield self.head
        yield from self.source.read_at(self.offset, self.chunk_length)
        yield self.tail

    def headers(self, total: int) -> tuple[tuple[str, str], ...]:
        last = self.offset + self.chunk_length - 1
        return (
            ("Content-Type", f"multipart/form-data; boundary={self.boundary}"),
            ("Content-Length", str(self.length)),
            ("Content-Range", f"bytes {self.offset}-{last}/{total}"),
        )


# --------------------------------------------------------------------------- answers
def chunk_outcome(
    outcome: RawResponse | BaiJiaYunError, offset: int, length: int, path: str
) -> int | BaiJiaYunError:
    """The confirmed byte count after a chunk, or the error that says it failed."""
    if isinstance(outcome, BaiJiaYunError):
        return outcome
    excerpt = outcome.body[:EXCERPT].decode("utf-8", "replace")
    if not 200 <= outcome.status < 300:
        return HTTPStatusError(outcome.status, excerpt, path=path)
    try:
        answer = json.loads(outcome.body)
        code = int(answer["code"])
    except (ValueError, TypeError, KeyError):
        return DecodeError("not the upload host's JSON answer", excerpt, path=path)
    if code not in ACCEPTED_CODES:
        return error_for_code(code, str(answer.get("msg") or ""), path=path)
    expected = offset + length
    data = answer.get("data")
    held = data.get("upload_size") if isinstance(data, dict) else None
    if held is not None and str(held) != str(expected):
        return UploadError(
            4001, f"the upload host holds {held} bytes, expected {expected}", path=path
        )
    return expected


def _report(progress: Callable[[int, int], object] | None, sent: int, total: int) -> None:
    if progress is not None:
        progress(sent, total)


def _int_option(values: dict[str, Any], name: str, lo: int, hi: int | None = None) -> int:
    value = values[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(name, "must be an integer")
    if value < lo or (hi is not None and value > hi):
        rule = f"must be between {lo} and {hi}" if hi is not None else f"must be >= {lo}"
        raise ValidationError(name, rule)
    return value


# --------------------------------------------------------------------------- the task
class Uploader:
    """The steps of ``video.upload``, given the endpoints they call."""

    def __init__(
        self,
        get_upload_url: EndpointMethod[Any, Any],
        get_resume_upload_url: EndpointMethod[Any, Any],
        set_video_category: EndpointMethod[Any, Any],
    ) -> None:
        self._get_upload_url = get_upload_url
        self._get_resume_upload_url = get_resume_upload_url
        self._set_video_category = set_video_category

    def run(self, client: ClientBase, values: dict[str, Any]) -> Task[int]:
        """Upload the file; returns the video id (see ``Video.upload``)."""
        chunk_size = _int_option(values, "chunk_size", MIN_CHUNK_SIZE, MAX_CHUNK_SIZE)
        max_resumes = _int_option(values, "max_resumes", 0)
        progress = values["progress"]
        if progress is not None and not callable(progress):
            raise ValidationError("progress", "must be callable as progress(bytes_sent, total)")
        source = UploadSource.open(values["path_or_file"])
        try:
            return (yield from self._upload(client, values, source, chunk_size, max_resumes))
        finally:
            source.close()

    def _upload(
        self,
        client: ClientBase,
        values: dict[str, Any],
        source: UploadSource,
        chunk_size: int,
        max_resumes: int,
    ) -> Task[int]:
        opts = client._options
        total = source.size
        if total == 0:
            raise ValidationError("path_or_file", "is empty")
        resumed = values["video_id"]
        name = values["name"] if values["name"] is not None else source.name
        if not name and resumed is None:
            raise ValidationError("name", "is required for bytes or a file object without a name")
        # Over https, the upload host must be reached over https too (the platform gives
        # http upload URLs unless asked with use_https=1).
        secure = urlsplit(client.base_url).scheme == "https"
        ask = {
            "use_https": 1 if secure else None,
            "file_name": name,
            "definition": values["definition"],
            "audio_with_view": values["audio_with_view"],
            "format": values["format"],
            "encrypt": values["encrypt"],
        }
        # Every argument is checked before anything is sent.
        get_url, resume_url = self._get_upload_url.spec, self._get_resume_upload_url.spec
        categorise = self._set_video_category.spec
        category_id = values["category_id"]
        if resumed is None:
            get_url.prepare(ask, client._ctx, validate=opts.validate)
        else:
            resume_url.prepare(
                {"video_id": resumed, "use_https": 1 if secure else None},
                client._ctx,
                validate=opts.validate,
            )
        if category_id is not None:
            categorise.prepare(
                {"video_id": 1, "category_id": category_id}, client._ctx, validate=opts.validate
            )
        if resumed is None:
            ticket = yield CallEndpoint(get_url, ask)
            video_id, url, offset = int(ticket.video_id), str(ticket.upload_url), 0
            _check_scheme(url, secure, video_id)
        else:
            video_id = int(resumed)
            url, offset = yield from _resume(resume_url, video_id, total, secure)
        if category_id is not None:
            yield CallEndpoint(categorise, {"video_id": video_id, "category_id": category_id})
        progress = values["progress"]
        failures = 0
        _report(progress, offset, total)
        while offset < total:
            length = min(chunk_size, total - offset)
            body = ChunkBody(source, offset, length, name or "video")
            path = urlsplit(url).path or "/"
            outcome = yield Transfer(url, path, body.headers(total), body, opts.timeout)
            result = chunk_outcome(outcome, offset, length, path)
            if not isinstance(result, BaiJiaYunError):
                logger.debug("upload video_id=%d bytes %d-%d/%d", video_id, offset, result, total)
                offset, failures = result, 0
                _report(progress, offset, total)
                continue
            failures += 1
            if failures > max_resumes:
                result.video_id = video_id  # type: ignore[attr-defined]
                raise result
            delay = _flow.backoff_delay(failures, opts)
            logger.info(
                "upload video_id=%d: chunk at byte %d failed (%s); resuming in %.2fs",
                video_id,
                offset,
                type(result).__name__,
                delay,
            )
            yield Sleep(delay)
            url, offset = yield from _resume(resume_url, video_id, total, secure)
            _report(progress, offset, total)
        return video_id


def _check_scheme(url: str, secure: bool, video_id: int) -> None:
    """Refuse a plain http upload URL when the API is reached over https."""
    parts = urlsplit(url)
    if secure and parts.scheme != "https":
        raise InsecureUploadError(parts.hostname or "(no host)", video_id)


def _resume(spec: Any, video_id: int, total: int, secure: bool) -> Task[tuple[str, int]]:
    """Ask where to continue and how many bytes the upload host holds."""
    resume = yield CallEndpoint(spec, {"video_id": video_id, "use_https": 1 if secure else None})
    if resume.upload_size is None or resume.upload_url is None:
        raise DecodeError("the resume answer has no upload_size or upload_url", "", path=spec.path)
    held = int(resume.upload_size)
    if not 0 <= held <= total:
        raise DecodeError(
            f"upload_size {held} is outside the file (0-{total})", str(held), path=spec.path
        )
    _check_scheme(str(resume.upload_url), secure, video_id)
    return str(resume.upload_url), held
