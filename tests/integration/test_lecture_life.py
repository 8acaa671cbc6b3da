"""A lecture's life over real HTTP on 127.0.0.1: the class ends, its playback is published and
watched; a 50 MB lecture video is uploaded through a dropped connection, transcoded, announced
by a signed callback, filed in a category and listed.

Everything goes through the SDK, the sandbox served by uvicorn, its control API over HTTP, and
a Starlette receiver built with the SDK's own callback verification.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from baijiayun.callbacks import ClassEnded, ClassStarted, PlaybackReady, VideoTranscoded
from integration.test_links_callbacks_e2e import ReceiverApp

SIZE = 50 * 1024 * 1024


@pytest.fixture
def receiver() -> Iterator[ReceiverApp]:
    app = ReceiverApp()
    yield app
    app.close()


@pytest.fixture
def lecture_file(tmp_path) -> tuple[str, str]:
    """50 MB of repeatable bytes, written 1 MB at a time; its path and MD5."""
    path = tmp_path / "lecture-01.mp4"
    rng = random.Random(2027)
    digest = hashlib.md5()
    with open(path, "wb") as handle:
        for _ in range(SIZE // (1024 * 1024)):
            piece = rng.randbytes(1024 * 1024)
            digest.update(piece)
            handle.write(piece)
    return str(path), digest.hexdigest()


def test_a_lecture_from_class_to_catalogue(
    http_sandbox: Any, receiver, lecture_file, times
) -> None:
    http_sandbox.sandbox.reset()
    path, md5 = lecture_file
    control = httpx2.Client(base_url=http_sandbox.base_url + "_sandbox/")
    browser = httpx2.Client()
    client = http_sandbox.client()
    try:
        client.live_account.set_class_callback_url(receiver.url)
        client.video_account.set_transcode_callback_url(receiver.url)

        # ---- the class ends; its playback is generated, published and watched
        room = client.room.create("Linear algebra 线性代数", *times, 2)
        assert control.post(f"rooms/{room.room_id}/start", json={}).json()["delivered"]
        assert control.post(f"rooms/{room.room_id}/end", json={}).json()["delivered"]
        playback = client.playback.get_basic_info(room.room_id)
        assert playback.status == 10 and playback.name == "Linear algebra 线性代数"
        assert [p.room_id for p in client.playback.get_list().items] == [room.room_id]
        ready = control.post(f"playback/{room.room_id}/status", json={"status": 100}).json()
        assert ready["delivered"] is True
        assert client.playback.set_publish_status(room.room_id, 1) == 1
        link = client.links.playback_url(room.room_id, expires_in=600)
        page = browser.get(link)
        assert page.status_code == 200 and f"playing playback {room.room_id}" in page.text

        # ---- a 50 MB lecture video, through a connection dropped half-way
        dropped: list[int] = []

        def progress(sent: int, total: int) -> None:
            assert total == SIZE
            if sent >= SIZE // 2 and not dropped:
                fault = control.post("faults", json={"path": "/_upload/video", "drop": True})
                assert fault.status_code == 200
                dropped.append(sent)

        video_id = client.video.upload(path, name="第一讲.mp4", progress=progress)
        assert dropped, "the connection was dropped during the upload"
        counts = control.get("requests").json()["by_path"]
        assert counts["/openapi/video/getResumeUploadUrl"] == 1
        # 13 chunks of 4 MiB; the dropped one had arrived (only its answer was lost), so the
        # resume went on after it and no chunk was sent twice
        assert counts["/_upload/video"] == SIZE // (4 * 1024 * 1024) + 1
        info = client.video.get_info(video_id)
        assert (info.status, info.total_size, info.file_md5) == (20, SIZE, md5)

        # ---- transcoded: the signed callback says so, with the file's size and MD5
        report = control.post(f"videos/{video_id}/status", json={"status": 100}).json()
        assert report["delivered"] is True
        assert client.verify_callback(report["fields"])["file_md5"] == md5
        started, ended, generated, transcoded = receiver.events
        assert isinstance(started, ClassStarted) and started.room_id == room.room_id
        assert isinstance(ended, ClassEnded) and ended.room_id == room.room_id
        assert isinstance(generated, PlaybackReady) and generated.video_id == playback.video_id
        assert isinstance(transcoded, VideoTranscoded)
        assert (transcoded.video_id, transcoded.total_size, transcoded.file_md5) == (
            video_id,
            SIZE,
            md5,
        )

        # ---- filed in a category, listed, and it plays
        category = client.video.add_category("Lectures 讲座").category_id
        client.video.set_video_category(video_id, category)
        listed = client.video.get_category_video(category)
        assert [(v.video_id, v.name, v.status) for v in listed.items] == [
            (video_id, "第一讲.mp4", 100)
        ]
        assert [v.video_id for v in client.video.iter_videos()] == [video_id]
        assert browser.get(client.links.video_url(video_id)).status_code == 200
    finally:
        client.close()
        browser.close()
        control.close()
