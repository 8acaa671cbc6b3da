"""File uploads (documents, watermarks, quizzes): streamed, unsigned, and clean when they fail."""

from __future__ import annotations

import builtins
import io
import os
from typing import Any

import pytest

import baijiayun._transport
import baijiayun.sandbox.core.server
from baijiayun import APIConnectionError, ParameterError, UploadError
from baijiayun.sandbox import Sandbox, SandboxRequest
from baijiayun.sandbox.core.forms import BadRequest, FilePart, file_name, read_form

UPLOAD = "/openapi/doc/uploadDoc"
SIZE = 6 * 1024 * 1024


class Tracked(io.RawIOBase):
    """A binary file that records every read: proves the upload is read piece by piece."""

    def __init__(self, path: Any) -> None:
        self._file = open(path, "rb")  # noqa: SIM115 - closed in close()
        self.name = os.fspath(path)
        self.reads: list[int] = []
        self.returned = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def fileno(self) -> int:
        return self._file.fileno()

    def read(self, size: int | None = -1) -> bytes:
        self.reads.append(-1 if size is None else size)
        data = self._file.read(size)
        self.returned += len(data)
        return data

    def readinto(self, buffer: Any) -> int:  # pragma: no cover - read() is what is used
        raise AssertionError("readinto is not expected")

    def close(self) -> None:
        self._file.close()
        super().close()


@pytest.fixture
def big_file(tmp_path: Any) -> Any:
    path = tmp_path / "handout.pdf"
    with path.open("wb") as out:
        for i in range(SIZE // (1 << 20)):
            out.write(bytes([65 + i]) * (1 << 20))
    return path


def test_a_document_is_streamed_to_the_sandbox_over_http(http_sandbox: Any, big_file: Any) -> None:
    http_sandbox.sandbox.reset()
    client = http_sandbox.client(max_retries=0)
    tracked = Tracked(big_file)
    try:
        doc = client.doc.upload_doc(tracked)
    finally:
        tracked.close()
        client.close()
    assert (doc.name, doc.size) == ("handout.pdf", SIZE)
    assert tracked.returned == SIZE
    assert -1 not in tracked.reads  # never "read everything"
    assert max(tracked.reads) <= 1 << 20
    assert len(tracked.reads) >= SIZE // (1 << 20)


async def test_the_async_client_streams_a_path(http_sandbox: Any, big_file: Any) -> None:
    http_sandbox.sandbox.reset()
    async with http_sandbox.async_client(max_retries=0) as client:
        room = await client.room.create("Async", *_times(http_sandbox.sandbox), 2)
        doc = await client.doc.upload_doc(big_file, room_id=room.room_id)
        listed = await client.doc.list_doc(room.room_id)
    assert [(d.fid, d.size) for d in listed] == [(doc.fid, SIZE)]


def _times(sandbox: Sandbox) -> tuple[int, int]:
    now = int(sandbox.now())
    return now + 3600, now + 7200


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every file the SDK opens for an upload."""
    handles: list[Any] = []

    def tracking_open(*args: Any, **kwargs: Any) -> Any:
        handle = builtins.open(*args, **kwargs)  # noqa: SIM115 - the SDK closes it
        handles.append(handle)
        return handle

    monkeypatch.setattr(baijiayun._transport, "open", tracking_open, raising=False)
    return handles


def test_a_refused_upload_raises_4001_and_stores_nothing(big_file: Any, opened: list[Any]) -> None:
    sandbox = Sandbox(raise_errors=True)
    client = sandbox.client()  # default retries: a platform error is never retried
    sandbox.inject(UPLOAD, code=4001, msg="upload failed")
    with pytest.raises(UploadError) as info:
        client.doc.upload_doc(big_file)
    assert info.value.code == 4001
    assert sandbox.request_count(UPLOAD) == 1
    assert client.doc.list_all_doc("all") == []
    assert len(opened) == 1 and opened[0].closed


def test_a_dropped_upload_raises_and_is_not_sent_twice(big_file: Any, opened: list[Any]) -> None:
    sandbox = Sandbox(raise_errors=True)
    client = sandbox.client()  # max_retries=2, but an upload may have arrived: not re-sent
    sandbox.inject(UPLOAD, drop=True, process=False)
    with pytest.raises(APIConnectionError) as info:
        client.doc.upload_doc(big_file)
    assert info.value.may_have_been_sent is True
    assert sandbox.request_count(UPLOAD) == 1
    assert client.doc.list_all_doc("all") == []
    assert len(opened) == 1 and opened[0].closed
    # the same call works once the connection is back, reading the file again
    doc = client.doc.upload_doc(big_file)
    assert doc.size == SIZE
    assert len(opened) == 2 and all(h.closed for h in opened)


def test_a_users_file_object_is_left_open_and_rewound_on_retry(big_file: Any) -> None:
    sandbox = Sandbox(raise_errors=True)
    client = sandbox.client().with_options(retry_writes=True)
    sandbox.inject(UPLOAD, status=502)
    with big_file.open("rb") as handle:
        handle.seek(1000)
        doc = client.doc.upload_doc(handle)
        assert not handle.closed
    assert sandbox.request_count(UPLOAD) == 2
    assert doc.size == SIZE  # the retry sent the whole file again, from its start
    assert [d.fid for d in client.doc.list_all_doc("all")] == [doc.fid]  # stored once


# --------------------------------------------------------------------------- the sandbox's side
def _multipart(parts: list[bytes], boundary: str = "b0und") -> tuple[bytes, str]:
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + p + b"\r\n" for p in parts)
    ctype = f'multipart/form-data; boundary="{boundary}"'  # quoted: any boundary character
    return body + b"--" + boundary.encode() + b"--\r\n", ctype


def _parse(body: bytes, ctype: str) -> tuple[dict[str, str], dict[str, bytes]]:
    request = SandboxRequest("POST", "/openapi/doc/uploadDoc", "", {"content-type": ctype}, body)
    return read_form(request)


def test_multipart_fields_files_and_their_names() -> None:
    body, ctype = _multipart(
        [
            b'Content-Disposition: form-data; name="room_id"\r\n\r\n123',
            'Content-Disposition: form-data; name="title"\r\n\r\n数学'.encode(),
            b'Content-Disposition: form-data; name="attachment"; filename="a b.pdf"\r\n'
            b"Content-Type: application/pdf\r\n\r\n%PDF\r\n--not-the-boundary\r\n\x00\xff",
            b'Content-Disposition: form-data; name="b64"; filename="x.bin"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=",
            b"Content-Disposition: form-data\r\n\r\nno name: ignored",
        ],
        boundary="quoted:boundary=1",
    )
    fields, files = _parse(body, ctype)
    assert fields == {"room_id": "123", "title": "数学"}
    assert files == {
        "attachment": b"%PDF\r\n--not-the-boundary\r\n\x00\xff",
        "b64": b"hello",
    }
    assert isinstance(files["attachment"], FilePart)
    assert files["attachment"].filename == "a b.pdf"
    assert file_name(files["b64"]) == "x.bin"
    assert file_name(b"plain bytes", "attachment") == "attachment"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"no delimiter at all", id="no-delimiter"),
        pytest.param(b"--b0und\r\nContent-Disposition: form-data; name=x\r\n", id="no-head-end"),
        pytest.param(b'--b0und\r\nContent-Disposition: form-data; name="x"\r\n\r\n1', id="open"),
        pytest.param(b"--b0und", id="no-line"),
        pytest.param(
            b'--b0und\r\nContent-Disposition: form-data; name="x"\r\n\r\n\xff\r\n--b0und--',
            id="not-utf8",
        ),
    ],
)
def test_malformed_multipart_is_a_bad_request(body: bytes) -> None:
    with pytest.raises(BadRequest):
        _parse(body, "multipart/form-data; boundary=b0und")
    with pytest.raises(BadRequest):
        _parse(b"--x--", "multipart/form-data")  # no boundary


def test_uploads_above_the_form_limit_are_accepted_over_http(http_sandbox: Any) -> None:
    """A multipart body may exceed the 20 MB limit of other bodies (up to 128 MB)."""
    http_sandbox.sandbox.reset()
    with http_sandbox.client(max_retries=0) as client:
        doc = client.doc.upload_doc(("scan.pdf", io.BytesIO(b"s" * (21 * 1024 * 1024))))
    assert doc.size == 21 * 1024 * 1024


def test_a_multipart_body_above_its_limit_is_refused(
    http_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    http_sandbox.sandbox.reset()
    monkeypatch.setattr(baijiayun.sandbox.core.server, "MAX_UPLOAD_BODY", 1024 * 1024)
    with http_sandbox.client(max_retries=0) as client:
        with pytest.raises(ParameterError) as info:
            client.doc.upload_doc(("scan.pdf", b"s" * (2 * 1024 * 1024)))
        assert info.value.msg.startswith("request body too large")
        assert client.doc.list_all_doc("all") == []
        assert client.doc.upload_doc(("small.pdf", b"s" * 1000)).size == 1000
