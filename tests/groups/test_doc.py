"""The sandbox's ``doc`` group: documents uploaded, bound to rooms, converted and removed.

(Moved from ``tests/integration/test_classroom_sandbox.py``: The sandbox keeps the classroom
groups' state, derives their reports, and refuses unknown ids.)
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from baijiayun import BaiJiaYunClient, ParameterError, RoomNotFoundError, UploadError
from baijiayun.sandbox import Sandbox

from .common import PDF


def test_documents_upload_bind_convert_and_remove(
    sb: Sandbox, c: BaiJiaYunClient, room: str, times: tuple[int, int]
) -> None:
    doc = c.doc.upload_doc(PDF, room_id=room)
    assert (doc.name, doc.ext, doc.size, doc.status, doc.origin) == (
        "week1.pdf",
        "pdf",
        len(PDF[1]),
        0,
        "api",
    )
    assert [d.fid for d in c.doc.list_doc(room)] == [doc.fid]
    assert sb.doc.set_status(doc.fid, 1)["status"] == 1
    assert c.doc.list_doc(room)[0].status == 1
    other = str(c.room.create("Other", *times, 2).room_id)
    c.doc.bind_doc(other, doc.fid)
    assert c.doc.remove_doc(room, doc.fid) == doc.fid
    assert c.doc.list_doc(room) == []
    assert [d.fid for d in c.doc.list_doc(other)] == [doc.fid]
    with pytest.raises(ParameterError) as info:
        c.doc.remove_doc(room, doc.fid)  # no longer in that room
    assert info.value.msg.startswith("fid")


def test_document_origins_and_h5(sb: Sandbox, c: BaiJiaYunClient, room: str) -> None:
    api_doc = c.doc.upload_doc(PDF).fid
    in_class = sb.doc.add("board.png", room_id=room)["fid"]
    h5 = c.doc.upload_h5_by_url("https://h5.example/lesson/index.html", room)
    assert (h5.ext, h5.status, h5.url, h5.name) == (
        "h5",
        1,
        "https://h5.example/lesson/index.html",
        "index.html",
    )
    assert [d.fid for d in c.doc.list_all_doc("room")] == [in_class]
    assert [d.fid for d in c.doc.list_all_doc("api")] == [api_doc, h5.fid]
    assert len(c.doc.list_all_doc("all")) == 3
    assert [d.fid for d in c.doc.list_doc(room)] == [in_class, h5.fid]


def test_failed_document_calls_store_nothing(
    sb: Sandbox, c: BaiJiaYunClient, room: str, times: tuple[int, int]
) -> None:
    with pytest.raises(RoomNotFoundError):
        c.doc.upload_doc(PDF, room_id=26010100000000)
    with pytest.raises(UploadError):
        c.doc.upload_doc(("empty.pdf", b""))
    with pytest.raises(ParameterError) as info:
        c.with_options(validate=False).doc.upload_doc(("run.exe", b"MZ"))
    assert info.value.msg.startswith("attachment")
    assert c.doc.list_all_doc("all") == []
    fid = c.doc.upload_doc(PDF).fid
    second = str(c.room.create("Second", *times, 2).room_id)
    with pytest.raises(RoomNotFoundError):
        c.doc.bind_doc_multi([room, 26010100000000, second], fid)
    assert c.doc.list_doc(room) == [] and c.doc.list_doc(second) == []
    c.doc.bind_doc_multi([room, second], fid)
    assert [d.fid for d in c.doc.list_doc(second)] == [fid]
    with pytest.raises(ParameterError) as info:
        c.doc.bind_doc(room, fid + 1)
    assert info.value.msg.startswith("fid")


def test_document_status_control_refuses_unknown_values(sb: Sandbox, c: BaiJiaYunClient) -> None:
    fid = c.doc.upload_doc(PDF).fid
    with httpx2.Client(transport=sb.transport(), base_url="http://sandbox.local") as http:
        bad = http.post(f"/_sandbox/documents/{fid}/status", json={"status": 7})
        missing = http.post("/_sandbox/documents/999/status", json={"status": 1})
        ok = http.post(f"/_sandbox/documents/{fid}/status", json={"status": 2})
    assert bad.status_code == 400 and bad.json()["code"] == 1001
    assert missing.status_code == 400 and missing.json()["code"] == 1001
    assert ok.status_code == 200 and ok.json()["status"] == 2
    assert c.doc.list_all_doc("all")[0].status == 2


@pytest.mark.parametrize(
    ("qualname", "args"),
    [
        pytest.param("doc.upload_doc", {"attachment": None}, id="doc"),
        pytest.param("live_setting.add_quiz", {"attachment": None}, id="quiz"),
    ],
)
def test_a_missing_file_part_is_answered_1001_naming_it(
    c: BaiJiaYunClient, qualname: str, args: dict[str, Any]
) -> None:
    group, _, method = qualname.partition(".")
    loose = getattr(c.with_options(validate=False), group)
    with pytest.raises(ParameterError) as info:
        getattr(loose, method)(**args)
    assert info.value.msg.startswith("attachment")


def test_an_upper_case_extension_is_accepted(sb: Sandbox, c: BaiJiaYunClient, room: str) -> None:
    doc = c.doc.upload_doc(("WEEK2.PPTX", b"PK\x03\x04 slides"), room_id=room)
    assert (doc.name, doc.ext) == ("WEEK2.PPTX", "pptx")
