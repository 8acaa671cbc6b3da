"""The sandbox's ``video_data`` group: play statistics made of the plays the player pages record.

(Moved from ``tests/integration/test_recordings.py``: Playbacks in the sandbox: made when
classes end, published, cropped, replaced, watched.)
"""

from __future__ import annotations

import datetime as dt

from baijiayun._wire import BEIJING

from .common import ended_class, open_link, today


def test_play_statistics_are_made_of_the_plays(client, sandbox, times) -> None:
    room_id = ended_class(client, sandbox, times)
    sandbox.playback.set_playback_status(room_id, 100)
    video_id = sandbox.video.create_video("v.mp4")
    sandbox.video.set_video_status(video_id, 100)
    other_id = sandbox.video.create_video("w.mp4")
    sandbox.video.set_video_status(other_id, 100)
    for url, times_opened in (
        (client.links.video_url(video_id), 3),
        (client.links.video_url(other_id), 1),
        (client.links.playback_url(room_id), 2),
    ):
        for _ in range(times_opened):
            assert open_link(sandbox, url) == 200
    day = today(sandbox)
    video = sandbox.video.video(video_id)
    rank = client.video_data.get_video_play_count_rank(day, day)
    playback_video = client.playback.get_basic_info(room_id).video_id
    assert [(r.video_id, r.play_count) for r in rank] == [
        (video_id, 3),
        (playback_video, 2),
        (other_id, 1),
    ]
    assert [r.video_id for r in client.video_data.get_video_play_count_rank(day, day, 5)] == [
        video_id,
        other_id,
    ]
    daily = client.video_data.get_video_daily_play_count(video_id, day - dt.timedelta(1), day)
    assert [(d.date, d.play_count) for d in daily] == [(day - dt.timedelta(1), 0), (day, 3)]
    partner = client.video_data.get_partner_daily_play_count(day, day)
    assert [(d.date, d.play_count) for d in partner] == [(day, 6)]
    assert client.video_data.get_partner_daily_play_count(day, day, 1)[0].play_count == 2
    per_play = video["total_size"] // 2  # the transcoded copy
    assert client.video_data.get_used_flow(video_id, day, day) == 3 * per_play
    total_flow = client.video_account.get_used_flow(day, day)
    assert total_flow == client.video_account.get_account_info().used_flow
    assert total_flow == 3 * per_play + sandbox.video.video(other_id)["total_size"] // 2 + 2 * (
        3600 * 250_000
    )
    start = dt.datetime.combine(day, dt.time(0), BEIJING)
    end = start + dt.timedelta(hours=23, minutes=59, seconds=59)
    vod_only = client.video_data.export_video_report_batch(start, end, product_type=5)
    assert vod_only.total == 4 and {r.room_id for r in vod_only.items} == {None}
    every = list(client.video_data.iter_video_report(start, end, page_size=4))
    assert len(every) == 6
    records = list(client.video_data.iter_video_play_records(video_id, start, end, page_size=2))
    assert len(records) == 3 and all(r.flow == per_play for r in records)
    assert (
        client.video_data.get_used_flow(video_id, day + dt.timedelta(1), day + dt.timedelta(1)) == 0
    )
    later = client.video_data.get_video_play_record(video_id, end - dt.timedelta(seconds=1), end)
    assert later.items == []
    plays = sandbox.video_data.of()
    assert [p["kind"] for p in plays].count("playback") == 2 and len(plays) == 6
