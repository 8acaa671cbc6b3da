"""The sandbox's ``video_account`` group: the VOD account's storage, made of the stored files.

(Moved from ``tests/integration/test_vod.py``: Videos on demand in the sandbox: uploads (with
faults), transcoding, categories, links.)
"""

from __future__ import annotations

from .common import CHUNK


def test_account_storage_is_made_of_the_files(client, sandbox, lecture) -> None:
    path, data = lecture
    assert client.video_account.get_account_info().used_space == 0
    video_id = client.video.upload(path, chunk_size=CHUNK)
    assert client.video_account.get_account_info().used_space == len(data)
    sandbox.video.set_video_status(video_id, 100)
    assert client.video_account.get_account_info().used_space == len(data) + len(data) // 2
    client.video.delete(video_id)
    assert client.video_account.get_account_info().used_space == 0
