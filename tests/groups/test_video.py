"""The sandbox's ``video`` group: videos on demand: uploads (with faults), transcoding, categories,
links.

(Moved from ``tests/integration/test_vod.py``: Videos on demand in the sandbox: uploads (with
faults), transcoding, categories, links.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any
from urllib.parse import urlsplit

import httpx2
import pytest

from baijiayun import BaiJiaYunClient, ParameterError
from baijiayun.api.video import VideoStatus
from baijiayun.sandbox import Sandbox, SandboxRequest

from .common import CHUNK


def open_link(sandbox: Sandbox, url: str) -> int:
    parts = urlsplit(url)
    return sandbox.handle(SandboxRequest("GET", parts.path, query=parts.query)).status


def test_an_upload_goes_through_the_sandbox(client, sandbox, lecture) -> None:
    path, data = lecture
    video_id = client.video.upload(path, chunk_size=CHUNK)
    info = client.video.get_info(video_id)
    assert info.status == VideoStatus.TRANSCODING and info.name == "lecture.mp4"
    assert info.total_size == len(data) and info.file_md5 == hashlib.md5(data).hexdigest()
    assert client.video.get_status(video_id).status == 20
    assert client.video.get_status.raw(video_id).data == {"status": 20, "info": "转码中"}
    resume = client.video.get_resume_upload_url(video_id)
    assert resume.upload_size == len(data)
    base = urlsplit(client.base_url)
    assert urlsplit(resume.upload_url).netloc == base.netloc  # the host the client reached
    assert urlsplit(resume.upload_url).path == "/_upload/video"


@pytest.mark.parametrize("process", [True, False], ids=["chunk-kept", "chunk-lost"])
def test_a_connection_dropped_mid_upload_is_resumed(client, sandbox, lecture, process) -> None:
    """The fault drops the connection of the fourth chunk; the upload resumes and completes."""
    path, data = lecture
    sent: list[int] = []

    def progress(done: int, total: int) -> None:
        if done == 3 * CHUNK and done not in sent:
            sandbox.inject("/_upload/video", drop=True, process=process)
        sent.append(done)

    retried = client.with_options(max_retries=2)
    video_id = retried.video.upload(path, chunk_size=CHUNK, progress=progress)
    assert client.video.get_info(video_id).file_md5 == hashlib.md5(data).hexdigest()
    after_drop = 4 * CHUNK if process else 3 * CHUNK  # what the host kept decides
    assert sent[:5] == [0, CHUNK, 2 * CHUNK, 3 * CHUNK, after_drop]  # after the resume
    assert sandbox.request_count("/openapi/video/getResumeUploadUrl") == 1
    assert sandbox.request_count("/_upload/video") == (7 if process else 8)


async def test_an_async_upload_over_http_resumes(http_sandbox, lecture) -> None:
    http_sandbox.sandbox.reset()
    path, data = lecture
    sandbox = http_sandbox.sandbox
    sandbox.inject("/_upload/video", drop=True, process=False)  # the first chunk is lost
    async with http_sandbox.async_client() as client:
        video_id = await client.video.upload(path, chunk_size=CHUNK)
        info = await client.video.get_info(video_id)
    assert info.file_md5 == hashlib.md5(data).hexdigest()
    assert sandbox.request_count("/_upload/video") == 8  # 7 chunks, the first twice
    assert sandbox.request_count("/openapi/video/getResumeUploadUrl") == 1


def test_the_upload_host_refuses_what_does_not_fit(client, sandbox) -> None:
    ticket = client.video.get_upload_url("x.mp4", 16)
    url = ticket.upload_url
    query = urlsplit(url).query

    def post(data: bytes, content_range: str | None, target: str = url) -> dict[str, Any]:
        headers = {"content-type": "application/octet-stream"}
        if content_range:
            headers["content-range"] = content_range
        parts = urlsplit(target)
        request = SandboxRequest("POST", parts.path, query=parts.query, headers=headers, body=data)
        answer = sandbox.handle(request)
        assert answer.status == 200
        import json

        return dict(json.loads(answer.body))

    bad_token = url.replace(query, query[:-3] + "zzz")
    assert post(b"abc", "bytes 0-2/6", bad_token)["code"] == 4001
    assert post(b"abc", "bytes 3-5/6")["msg"].endswith("starts at byte 0")
    assert post(b"abc", "bytes 0-3/6")["msg"] == "Content-Range does not match the chunk's size"
    assert post(b"abc", "chunks 0-2/6")["code"] == 4001
    accepted = post(b"abc", "bytes 0-2/6")
    assert accepted == {
        "code": 1,
        "msg": "ok",
        "data": {"video_id": ticket.video_id, "upload_size": 3, "total_size": 6},
    }
    assert post(b"def", "bytes 3-5/7")["msg"].startswith("Content-Range: the file has 6 bytes")
    assert post(b"def", "bytes 3-5/6")["data"]["upload_size"] == 6
    assert client.video.get_info(ticket.video_id).file_md5 == hashlib.md5(b"abcdef").hexdigest()
    assert post(b"g", "bytes 6-6/7")["msg"] == "the upload of this video is complete"
    get = sandbox.handle(SandboxRequest("GET", "/_upload/video", query=urlsplit(url).query))
    assert get.status == 200 and b"4001" in get.body


def test_a_whole_file_in_one_request_without_content_range(sandbox) -> None:
    """What public integrations do: one multipart POST with the file as ``data``."""
    client = sandbox.client()
    ticket = client.video.get_upload_url("one.mp4", 16)
    with httpx2.Client(transport=sandbox.transport()) as http:
        answer = http.post(ticket.upload_url, files={"data": ("one.mp4", b"0123456789")})
    assert answer.json()["code"] == 1
    assert client.video.get_info(ticket.video_id).total_size == 10


def test_the_transcode_lifecycle(client, sandbox, lecture) -> None:
    path, data = lecture
    video_id = client.video.upload(path, chunk_size=CHUNK, definition=[16, 2])
    with pytest.raises(ParameterError, match="not transcoded"):
        client.video.get_url(video_id)
    assert client.video.get_image(video_id).items == []
    assert open_link(sandbox, client.links.video_url(video_id)) == 409
    sandbox.video.set_video_status(video_id, 100)
    info = client.video.get_info(video_id)
    assert info.status == 100 and info.now_definition == "16,2" and info.preface_url
    assert info.total_transcode_size == len(data) // 2
    urls = client.video.get_url(video_id, format="m3u8", expires_in=60)
    assert list(urls.play_info) == ["low", "superHD"] and urls.items == []  # by name
    expires = ".m3u8?expires=" + str(int(sandbox.now()) + 60)
    assert all(f.url and f.url.endswith(expires) for f in urls.play_info.values())
    assert urls.url("low") == urls.play_info["low"].url == urls.url()  # the first sent
    assert all(f.size == len(data) // 2 // 2 for f in urls.play_info.values())
    assert (urls.width, urls.height) == (1280, 720)
    assert urls.expire_time is not None
    shots = sorted({0, info.length // 2, max(0, info.length - 1)})  # start, middle, end
    assert [i.time for i in client.video.get_image(video_id).items] == shots
    client.video.remove_definition(video_id, 2)
    assert client.video.get_info(video_id).now_definition == "16"
    client.video.transcode_again(video_id, [8])
    assert client.video.get_status(video_id).status == 20
    assert client.video.get_status.raw(video_id).data == {"status": 20, "info": "转码中"}
    with pytest.raises(ParameterError, match="not transcoded"):
        client.video.transcode_again(video_id, [1])
    sandbox.video.set_video_status(video_id, 100)
    assert client.video.get_info(video_id).now_definition == "16,2,8"
    assert open_link(sandbox, client.links.video_url(video_id)) == 200


def test_publishing_renaming_deleting(client, sandbox) -> None:
    video_id = sandbox.video.create_video("a.mp4")
    sandbox.video.set_video_status(video_id, 100)
    link = client.links.video_url(video_id)
    assert client.video.set_publish_status(video_id, 2) == 2
    assert open_link(sandbox, link) == 403
    client.video.set_publish_status(video_id, 1)
    assert client.video.update(video_id, "b.mp4") == video_id
    assert client.video.get_info(video_id).name == "b.mp4"
    assert client.video.delete(video_id) == video_id
    with pytest.raises(ParameterError, match="video_id"):
        client.video.get_info(video_id)
    assert open_link(sandbox, link) == 404
    assert client.video.get_video_list().items == []


def test_share_urls_open_in_the_sandbox(client, sandbox) -> None:
    video_id = sandbox.video.create_video("shared.mp4")
    sandbox.video.set_video_status(video_id, 100)
    share = client.video.get_share_url(video_id)
    assert share.share_url.startswith(client.base_url + "web/video/player?vid=")
    assert share.iframe and share.share_url in share.iframe and share.flash is None
    assert open_link(sandbox, share.share_url) == 200
    sandbox.advance_clock(400 * 86400)
    assert open_link(sandbox, share.share_url) == 200  # share links do not expire


def test_categories_two_levels(client, sandbox) -> None:
    maths = client.video.add_category("数学").category_id
    algebra = client.video.add_category("代数", parent_id=maths).category_id
    with pytest.raises(ParameterError, match="two levels"):
        client.video.add_category("线性", parent_id=algebra)
    with pytest.raises(ParameterError, match="parent_id"):
        client.video.add_category("x", parent_id=999_999)
    top = client.video.get_category_info()
    assert top.category_id == 0 and [c.category_id for c in top.children] == [maths]
    info = client.video.get_category_info(maths)
    assert info.name == "数学" and [c.name for c in info.children] == ["代数"]
    tree = client.video.get_category_list()
    assert [(c.id, c.parent_id, c.level, c.category_id) for c in tree] == [(maths, 0, 1, None)]
    assert [(c.id, c.parent_id, c.level) for c in tree[0].children] == [(algebra, maths, 2)]
    first, second, loose = (sandbox.video.create_video(n) for n in ("1.mp4", "2.mp4", "3.mp4"))
    client.video.set_video_category(first, maths)
    client.video.set_video_category(second, algebra)
    in_maths = client.video.get_category_video(maths)
    assert [v.video_id for v in in_maths.items] == [first, second] and in_maths.total == 2
    assert [(v.category_level1_id, v.category_level2_id) for v in in_maths.items] == [
        (maths, 0),
        (maths, algebra),
    ]
    assert all(v.audit_status == 1 and v.file_md5 for v in in_maths.items)
    counts = client.video.get_category_list()
    assert (counts[0].video_count, counts[0].children[0].video_count) == (2, 1)
    assert [v.video_id for v in client.video.get_category_video(algebra).items] == [second]
    assert [v.video_id for v in client.video.get_category_video(0).items] == [loose]
    assert [v.video_id for v in client.video.iter_category_videos(maths, page_size=1)] == [
        first,
        second,
    ]
    with pytest.raises(ParameterError, match="holds videos"):
        client.video.delete_category(algebra)
    client.video.set_video_category(first, 0)
    client.video.set_video_category(second, 0)
    with pytest.raises(ParameterError, match="subcategories"):
        client.video.delete_category(maths)
    assert client.video.delete_category(algebra) == algebra
    assert client.video.delete_category(maths) == maths
    assert client.video.get_category_list() == []
    with pytest.raises(ParameterError, match="category_id"):
        client.video.set_video_category(first, algebra)


def test_the_video_list(client, sandbox) -> None:
    first = sandbox.video.create_video("first.mp4")
    sandbox.advance_clock(120)
    later = [sandbox.video.create_video(f"{n}.mp4") for n in range(3)]
    listed = client.video.get_video_list()
    assert [v.video_id for v in listed.items] == [first, *later] and listed.total == 4
    since = dt.datetime.fromtimestamp(sandbox.now() - 60, dt.timezone.utc)
    assert [v.video_id for v in client.video.get_video_list(create_time=since).items] == later
    assert [v.video_id for v in client.video.iter_videos(page_size=3)] == [first, *later]


def test_each_account_sees_its_own_videos(client, sandbox) -> None:
    video_id = sandbox.video.create_video("mine.mp4")
    category = client.video.add_category("mine").category_id
    sandbox.partner.add("20000002", "other-key", "other-secret")
    with sandbox.client(partner_id="20000002", partner_key="other-key") as other:
        assert other.video.get_video_list().items == []
        assert other.video.get_category_list() == []
        with pytest.raises(ParameterError, match="video_id"):
            other.video.get_info(video_id)
        with pytest.raises(ParameterError, match="video_id"):
            other.video.get_resume_upload_url(video_id)
        with pytest.raises(ParameterError, match="category_id"):
            other.video.get_category_video(category)


def test_the_earlier_sdks_default_values_are_accepted(client: BaiJiaYunClient, sandbox) -> None:
    ticket = client.video.get_upload_url("a.mp4", 16, 0, None, None, 0)
    assert client.video.get_resume_upload_url(ticket.video_id, 0).upload_size == 0
    assert client.video.get_category_info(0).category_id == 0
    assert client.video.add_category("top", 0).category_id > 0
    assert [v.video_id for v in client.video.get_category_video(0, 20, 1).items] == [
        ticket.video_id
    ]
    video_id = sandbox.video.create_video("b.mp4")
    sandbox.video.set_video_status(video_id, 100)
    client.video.remove_definition(video_id, 16, "1")
    assert client.video.get_video_list(20, 1).total == 2


def test_an_upload_answered_by_a_control_created_video(client, sandbox) -> None:
    """A video made by the control API is uploaded already: nothing is left to send."""
    video_id = sandbox.video.create_video("made.mp4")
    size = client.video.get_resume_upload_url(video_id).upload_size
    assert size == sandbox.video.video(video_id)["total_size"] > 0


def test_player_tokens_as_the_public_callers_read_them(client, sandbox) -> None:
    """getPlayerToken: ``{token, video_id}`` (a Go client's TokenList); getPlayerTokenBatch:
    an object of video id to token (lizhongyuan3/cloud-live ``Map<String, String>``)."""
    first, second = (sandbox.video.create_video(n) for n in ("a.mp4", "b.mp4"))
    one = client.video.get_player_token.raw(first, 0).data
    assert one["video_id"] == first and isinstance(one["token"], str) and one["token"]
    raw = client.video.get_player_token_batch.raw([first, second], 60).data
    assert sorted(raw) == sorted([str(first), str(second)])
    tokens = client.video.get_player_token_batch([first, second], 60)
    assert [t.video_id for t in tokens] == [first, second] and all(t.token for t in tokens)
    with pytest.raises(ParameterError, match="video_id"):
        client.video.get_player_token_batch([first, 99_999_999], 60)
