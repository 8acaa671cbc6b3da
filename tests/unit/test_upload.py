"""``client.video.upload``: chunks on the wire, resuming after failures, validation, streaming.

The platform is scripted (``MockAPI``); the upload host is :class:`UploadHost`,
which keeps the bytes it accepted and can drop, lose or refuse chunks. Every
test runs on the sync and the async client.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
from typing import Any

import httpx2
import pytest

from baijiayun import ValidationError
from baijiayun._upload import PIECE_SIZE, ChunkBody, UploadSource
from baijiayun.errors import (
    APIConnectionError,
    DecodeError,
    HTTPStatusError,
    InsecureUploadError,
    UploadError,
)

from .conftest import envelope, parse_multipart

UPLOAD = "/openapi/video/getUploadUrl"
RESUME = "/openapi/video/getResumeUploadUrl"
CATEGORY = "/openapi/video/setVideoCategory"
HOST_PATH = "/up/video"
FIRST_URL = "https://upload.example.com/up/video?vid=77&token=first"
RESUME_URL = "https://upload2.example.com/up/video?vid=77&token=second"
VIDEO_ID = 10_000_077
CHUNK = 64 * 1024
_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)\Z")


class UploadHost:
    """A scripted upload host: ``plan`` says what happens to each chunk request, in turn.

    ``ok`` keeps the chunk; ``drop`` keeps it but the connection drops before the
    answer; ``lose`` drops the connection and keeps nothing; ``refuse`` answers
    code 4001; ``502`` answers HTTP 502; ``short`` keeps it but confirms one byte less.
    """

    def __init__(self, *plan: str) -> None:
        self.plan = list(plan)
        self.data = bytearray()
        self.chunks: list[dict[str, Any]] = []

    def __call__(self, request: httpx2.Request) -> Any:
        fields, files = parse_multipart(request.content, request.headers["content-type"])
        filename, chunk = files["data"]
        first, last, total = (
            int(g) for g in _RANGE.match(request.headers["content-range"]).groups()
        )
        self.chunks.append(
            {
                "url": str(request.url),
                "first": first,
                "last": last,
                "total": total,
                "size": len(chunk),
                "filename": filename,
                "fields": fields,
                "length": int(request.headers["content-length"]),
                "body": len(request.content),
            }
        )
        action = self.plan.pop(0) if self.plan else "ok"
        if action == "lose":
            return httpx2.RemoteProtocolError("connection dropped", request=request)
        if action == "502":
            return httpx2.Response(502, text="<html>bad gateway</html>")
        if action == "refuse":
            return httpx2.Response(200, json={"code": 4001, "msg": "upload refused"})
        assert first == len(self.data), "a chunk must start where the held bytes end"
        assert last - first + 1 == len(chunk)
        self.data += chunk
        if action == "drop":
            return httpx2.RemoteProtocolError("connection dropped", request=request)
        held = len(self.data) - (1 if action == "short" else 0)
        return httpx2.Response(200, json={"code": 1, "msg": "ok", "data": {"upload_size": held}})

    def resume(self, request: httpx2.Request) -> httpx2.Response:
        return envelope(
            {"video_id": VIDEO_ID, "upload_url": RESUME_URL, "upload_size": len(self.data)}
        )


@pytest.fixture
def host(api) -> UploadHost:
    host = UploadHost()
    api.script(UPLOAD, {"video_id": VIDEO_ID, "upload_url": FIRST_URL})
    api.script(HOST_PATH, host)
    api.script(RESUME, host.resume)
    return host


@pytest.fixture
def video_file(tmp_path) -> tuple[str, bytes]:
    data = os.urandom(5 * CHUNK - 1234)
    path = tmp_path / "第一讲.mp4"
    path.write_bytes(data)
    return str(path), data


def upload(harness, *args: Any, **kwargs: Any) -> Any:
    kwargs.setdefault("chunk_size", CHUNK)
    return harness.run(lambda c: c.video.upload(*args, **kwargs))


def test_chunks_on_the_wire(harness, host, video_file) -> None:
    path, data = video_file
    seen: list[tuple[int, int]] = []
    video_id = upload(harness, path, progress=lambda sent, total: seen.append((sent, total)))
    assert video_id == VIDEO_ID
    assert bytes(host.data) == data
    total = len(data)
    assert [(c["first"], c["last"], c["total"]) for c in host.chunks] == [
        (0, CHUNK - 1, total),
        (CHUNK, 2 * CHUNK - 1, total),
        (2 * CHUNK, 3 * CHUNK - 1, total),
        (3 * CHUNK, 4 * CHUNK - 1, total),
        (4 * CHUNK, total - 1, total),
    ]
    assert all(c["filename"] == "第一讲.mp4" and c["fields"] == [] for c in host.chunks)
    assert all(c["length"] == c["body"] for c in host.chunks)  # Content-Length is exact
    assert all(c["url"] == FIRST_URL for c in host.chunks)
    assert seen == [(0, total)] + [(min((i + 1) * CHUNK, total), total) for i in range(5)]
    (asked,) = harness.api.to(UPLOAD)
    assert {
        k: v for k, v in asked.form.items() if k not in ("partner_id", "timestamp", "sign")
    } == {
        "use_https": "1",  # the client is on https: the upload host must be too
        "file_name": "第一讲.mp4",
        "definition": "16",
    }
    assert asked.sign_ok()
    assert harness.api.paths == [UPLOAD] + [HOST_PATH] * 5


def test_a_dropped_connection_resumes_where_the_host_says(harness, host, video_file) -> None:
    """The chunk arrived but its answer was lost: the next chunk follows it, nothing twice."""
    path, data = video_file
    host.plan = ["ok", "drop"]
    assert upload(harness, path) == VIDEO_ID
    assert bytes(host.data) == data
    firsts = [c["first"] for c in host.chunks]
    assert firsts == [0, CHUNK, 2 * CHUNK, 3 * CHUNK, 4 * CHUNK]
    assert harness.api.paths == [UPLOAD, HOST_PATH, HOST_PATH, RESUME] + [HOST_PATH] * 3
    assert [c["url"] for c in host.chunks[2:]] == [RESUME_URL] * 3  # the resume's URL
    (resume,) = harness.api.to(RESUME)
    assert resume.form["video_id"] == str(VIDEO_ID) and resume.sign_ok()


@pytest.mark.parametrize(
    ("failure", "firsts"),
    [
        pytest.param("lose", [0, 1, 2, 2, 3, 4], id="lost-chunk"),
        pytest.param("refuse", [0, 1, 2, 2, 3, 4], id="refused"),
        pytest.param("502", [0, 1, 2, 2, 3, 4], id="http-502"),
        pytest.param("short", [0, 1, 2, 3, 4], id="confirmed-short"),
    ],
)
def test_a_failed_chunk_continues_from_the_held_bytes(harness, host, video_file, failure, firsts):
    """Lost or refused: the chunk is sent again. Kept but confirmed wrong: the host's
    count (from getResumeUploadUrl) decides, and nothing is sent twice."""
    path, data = video_file
    host.plan = ["ok", "ok", failure]
    assert upload(harness, path) == VIDEO_ID
    assert bytes(host.data) == data
    assert [c["first"] for c in host.chunks] == [n * CHUNK for n in firsts]
    assert len(harness.api.to(RESUME)) == 1


def test_a_resume_may_start_anywhere(harness, host, video_file) -> None:
    """The host may hold any number of bytes: the upload goes on from exactly there."""
    path, data = video_file
    host.plan = ["lose"]
    host.data += data[:12345]  # what an earlier, interrupted attempt left
    assert upload(harness, path) == VIDEO_ID
    assert bytes(host.data) == data
    assert [c["first"] for c in host.chunks][:2] == [0, 12345]
    assert host.chunks[1]["last"] == 12345 + CHUNK - 1


def test_it_gives_up_after_max_resumes_and_says_which_video(harness, host, video_file) -> None:
    path, _ = video_file
    host.plan = ["ok"] + ["lose"] * 10
    with pytest.raises(APIConnectionError) as info:
        upload(harness, path, max_resumes=2)
    assert info.value.may_have_been_sent and info.value.path == HOST_PATH
    assert info.value.video_id == VIDEO_ID
    assert len(harness.api.to(RESUME)) == 2
    assert len(host.chunks) == 4  # one accepted, then three attempts at the second chunk


def test_the_last_error_is_raised_as_is(harness, host, video_file) -> None:
    path, _ = video_file
    host.plan = ["502"]
    with pytest.raises(HTTPStatusError) as info:
        upload(harness, path, max_resumes=0)
    assert info.value.status == 502
    host.plan = ["refuse"]
    with pytest.raises(UploadError) as refused:
        upload(harness, path, max_resumes=0)
    assert refused.value.code == 4001 and refused.value.msg == "upload refused"


def test_an_earlier_upload_is_continued_by_video_id(harness, host, video_file) -> None:
    path, data = video_file
    host.data += data[: 2 * CHUNK]
    assert upload(harness, path, video_id=VIDEO_ID) == VIDEO_ID
    assert bytes(host.data) == data
    assert harness.api.paths == [RESUME] + [HOST_PATH] * 3


def test_a_category_is_set_before_the_bytes_go(harness, host, video_file) -> None:
    path, _ = video_file
    upload(harness, path, "Lecture.mp4", category_id=7, definition=[1, 2])
    assert harness.api.paths[:2] == [UPLOAD, CATEGORY]
    assert harness.api.to(CATEGORY)[0].form["category_id"] == "7"
    assert harness.api.to(CATEGORY)[0].form["video_id"] == str(VIDEO_ID)
    assert harness.api.to(UPLOAD)[0].form["file_name"] == "Lecture.mp4"
    assert harness.api.to(UPLOAD)[0].form["definition"] == "1,2"
    assert {c["filename"] for c in host.chunks} == {"Lecture.mp4"}


def test_a_file_object_is_read_from_its_start_and_left_open(harness, host, video_file) -> None:
    path, data = video_file
    with open(path, "rb") as handle:
        handle.seek(100)
        upload(harness, handle)
        assert not handle.closed
    assert bytes(host.data) == data
    assert host.chunks[0]["filename"] == "第一讲.mp4"


def test_bytes_need_a_name(harness, host) -> None:
    data = os.urandom(1000)
    assert upload(harness, data, "clip.mp4") == VIDEO_ID
    assert bytes(host.data) == data and len(host.chunks) == 1


class Unseekable(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False


INVALID = [
    pytest.param({"path_or_file": "/no/such/file.mp4"}, "path_or_file", id="missing"),
    pytest.param({"path_or_file": Unseekable()}, "path_or_file", id="unseekable"),
    pytest.param({"path_or_file": io.StringIO("text")}, "path_or_file", id="text-mode"),
    pytest.param({"path_or_file": 42}, "path_or_file", id="not-a-file"),
    pytest.param({"path_or_file": b""}, "path_or_file", id="empty"),
    pytest.param({"path_or_file": b"abc"}, "name", id="bytes-without-name"),
    pytest.param({"chunk_size": 1000}, "chunk_size", id="chunk-small"),
    pytest.param({"chunk_size": 64 * 1024 * 1024}, "chunk_size", id="chunk-large"),
    pytest.param({"chunk_size": "4M"}, "chunk_size", id="chunk-text"),
    pytest.param({"max_resumes": -1}, "max_resumes", id="resumes"),
    pytest.param({"progress": "print"}, "progress", id="progress"),
    pytest.param({"definition": 3}, "definition", id="definition"),
    pytest.param({"encrypt": 3}, "encrypt", id="encrypt"),
    pytest.param({"category_id": -1}, "category_id", id="category"),
    pytest.param({"name": ""}, "name", id="empty-name"),
    pytest.param({"video_id": 0}, "video_id", id="video-id"),
]


@pytest.mark.parametrize(("changes", "param"), INVALID)
def test_bad_arguments_are_refused_before_anything_is_sent(
    harness, host, video_file, changes, param
) -> None:
    args = {"path_or_file": video_file[0], **changes}
    with pytest.raises(ValidationError) as info:
        upload(harness, **args)
    assert info.value.param == param
    assert harness.api.sent == []


def test_a_failing_progress_callback_stops_the_upload(harness, host, video_file) -> None:
    path, _ = video_file

    def progress(sent: int, total: int) -> None:
        if sent > CHUNK:
            raise KeyboardInterrupt("stop")

    with pytest.raises(KeyboardInterrupt):
        upload(harness, path, progress=progress)
    assert len(host.chunks) == 2


def test_resume_is_logged_without_the_upload_token(harness, host, video_file, caplog) -> None:
    path, _ = video_file
    host.plan = ["lose"]
    with caplog.at_level(logging.DEBUG, logger="baijiayun"):
        upload(harness, path)
    text = caplog.text
    assert f"upload video_id={VIDEO_ID}: chunk at byte 0 failed" in text
    assert "first" not in text and "second" not in text  # the tokens in the URLs


# --------------------------------------------------------------------------- streaming
class CountingFile(io.BytesIO):
    """Records the size of every read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.reads: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.reads.append(-1 if size is None else size)
        return super().read(size)


def test_the_file_is_read_in_small_pieces(harness, host) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    handle = CountingFile(data)
    upload(harness, handle, "big.mp4", chunk_size=1024 * 1024)
    assert bytes(host.data) == data
    assert handle.reads and max(handle.reads) <= PIECE_SIZE and min(handle.reads) > 0


def test_a_chunk_body_is_produced_piece_by_piece() -> None:
    data = os.urandom(300_000)
    source = UploadSource.open(data)
    body = ChunkBody(source, 1000, 200_000, 'a"b.mp4')
    pieces = list(body.pieces())
    assert all(len(p) <= PIECE_SIZE for p in pieces[1:-1])
    joined = b"".join(pieces)
    assert len(joined) == body.length
    content_type = dict(body.headers(len(data)))["Content-Type"]
    _, files = parse_multipart(joined, content_type)
    assert files["data"] == ("a%22b.mp4", data[1000:201_000])
    assert dict(body.headers(len(data)))["Content-Range"] == f"bytes 1000-200999/{len(data)}"
    assert hashlib.md5(b"".join(body.pieces())).digest() == hashlib.md5(joined).digest()


PLAIN_URL = "http://upload.example.com/up/video?vid=77&token=first"


def test_an_http_upload_url_is_refused_on_an_https_client(harness, api, video_file) -> None:
    host = UploadHost()
    api.script(UPLOAD, {"video_id": VIDEO_ID, "upload_url": PLAIN_URL})
    api.script(HOST_PATH, host)
    with pytest.raises(InsecureUploadError) as caught:
        upload(harness, video_file[0])
    assert host.chunks == []  # not one byte of the file left
    assert caught.value.video_id == VIDEO_ID
    assert "upload.example.com" in str(caught.value) and "token" not in str(caught.value)


def test_an_http_resume_url_is_refused_on_an_https_client(harness, api, video_file) -> None:
    host = UploadHost("lose")
    api.script(UPLOAD, {"video_id": VIDEO_ID, "upload_url": FIRST_URL})
    api.script(HOST_PATH, host)
    api.script(RESUME, {"video_id": VIDEO_ID, "upload_url": PLAIN_URL, "upload_size": 0})
    with pytest.raises(InsecureUploadError):
        upload(harness, video_file[0], max_resumes=3)
    assert [c["url"] for c in host.chunks] == [FIRST_URL]  # nothing went to the http URL
    (resumed,) = api.to(RESUME)
    assert resumed.form["use_https"] == "1"


def test_a_client_on_http_takes_an_http_upload_url(make_harness, api, mode, video_file) -> None:
    plain = make_harness(mode, base_url="http://127.0.0.1:8123/")
    host = UploadHost()
    api.script(UPLOAD, {"video_id": VIDEO_ID, "upload_url": PLAIN_URL})
    api.script(HOST_PATH, host)
    assert upload(plain, video_file[0]) == VIDEO_ID
    assert bytes(host.data) == video_file[1]
    (asked,) = api.to(UPLOAD)
    assert "use_https" not in asked.form


def test_the_insecure_upload_error_pickles() -> None:
    import pickle

    again = pickle.loads(pickle.dumps(InsecureUploadError("up.example.com", 7)))
    assert (type(again), again.host, again.video_id) == (InsecureUploadError, "up.example.com", 7)


def test_a_resume_answer_without_upload_size_is_a_decode_error(harness, api, video_file) -> None:
    """Bug: ``int(resume.upload_size)`` on an answer without it raised a bare TypeError."""
    host = UploadHost("lose")
    api.script(UPLOAD, {"video_id": VIDEO_ID, "upload_url": FIRST_URL})
    api.script(HOST_PATH, host)
    api.script(RESUME, {"video_id": VIDEO_ID, "upload_url": RESUME_URL})
    with pytest.raises(DecodeError, match="upload_size"):
        upload(harness, video_file[0], max_resumes=2)
