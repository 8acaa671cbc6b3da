"""The sandbox's ``live_setting`` group: watermark, marquee, red-package limit, sensitive words,
per product line.

(Moved from ``tests/integration/test_classroom_sandbox.py``: The sandbox keeps the classroom
groups' state, derives their reports, and refuses unknown ids.)
"""

from __future__ import annotations

import pytest

from baijiayun import BaiJiaYunClient, ParameterError, RoomNotFoundError, UploadError
from baijiayun.sandbox import Sandbox


def test_watermark_per_product_line(c: BaiJiaYunClient) -> None:
    assert c.live_setting.get_watermark().to_dict() == {"pos": 0, "url": None}
    c.live_setting.set_watermark(2, ("logo.png", b"PNG one"))
    first = c.live_setting.get_watermark()
    assert first.pos == 2 and first.url is not None
    c.live_setting.set_watermark(4)  # no image: the image stays
    assert c.live_setting.get_watermark().to_dict() == {"pos": 4, "url": first.url}
    c.live_setting.set_watermark(1, ("logo.png", b"PNG two"))
    assert c.live_setting.get_watermark().url != first.url
    c.live_setting.set_watermark(3, ("big.png", b"PNG"), product_type=4)
    assert c.live_setting.get_watermark(product_type=4).pos == 3
    assert c.livesetting.get_watermark().pos == 1


def test_an_oversized_watermark_is_refused_4001_and_changes_nothing(c: BaiJiaYunClient) -> None:
    c.live_setting.set_watermark(1, ("logo.png", b"small"))
    before = c.live_setting.get_watermark()
    with pytest.raises(UploadError) as info:
        big = ("logo.png", b"x" * ((1 << 20) + 1))
        c.with_options(validate=False).live_setting.set_watermark(2, big)
    assert info.value.code == 4001
    assert c.live_setting.get_watermark() == before


def test_horse_lamp_changes_only_what_is_given(c: BaiJiaYunClient) -> None:
    c.live_setting.set_live_horse_lamp(type=1, value="Sandbox School", color="#112233")
    c.live_setting.set_live_horse_lamp(opacity="0.4", font_size=16)
    lamp = c.live_setting.get_live_horse_lamp()
    assert (lamp.type, lamp.value, lamp.color, lamp.font_size, lamp.opacity) == (
        1,
        "Sandbox School",
        "#112233",
        16,
        0.4,
    )
    assert c.live_setting.get_live_horse_lamp(product_type=2).type == 0


def test_red_package_limit(c: BaiJiaYunClient) -> None:
    assert c.live_setting.get_max_red_package_count() == 100  # the sandbox's default
    c.live_setting.set_max_red_package_count(7, product_type=1)
    assert c.live_setting.get_max_red_package_count(product_type=1) == 7
    assert c.live_setting.get_max_red_package_count() == 100


def test_sensitive_words_page_and_delete(c: BaiJiaYunClient) -> None:
    c.live_setting.add_sensitive_word_batch([f"w{i}" for i in range(25)])
    c.live_setting.add_sensitive_word_batch("w0,extra,extra")  # each word is kept once
    first = c.live_setting.get_sensitive_word(page_size=10)
    assert (first.total, len(first.items), first.page, first.page_size) == (26, 10, 1, 10)
    words = list(c.live_setting.iter_sensitive_words(page_size=10))
    assert [w.word for w in words][:3] == ["w0", "w1", "w2"]
    assert len(words) == 26
    ids = [w.id for w in words[:2]]
    with pytest.raises(ParameterError) as info:
        c.live_setting.delete_sensitive_word_batch([*ids, 999_999])
    assert info.value.msg.startswith("ids")
    assert c.live_setting.get_sensitive_word().total == 26  # nothing was deleted
    c.live_setting.delete_sensitive_word_batch(ids)
    assert c.live_setting.get_sensitive_word().total == 24


def test_accounts_do_not_see_each_others_templates_or_rooms(
    sb: Sandbox, c: BaiJiaYunClient, room: str
) -> None:
    notice = c.live_setting.add_notice("mine", "").id
    sb.partner.add("20000002", "other-key", "other-secret")
    other = sb.client(partner_id="20000002", partner_key="other-key", max_retries=0)
    assert other.live_setting.get_notice_list().total == 0
    with pytest.raises(RoomNotFoundError):
        other.notice.assign_room_notice(room, [notice])
    own = str(other.room.create("theirs", *_times(sb), 2).room_id)
    with pytest.raises(ParameterError):
        other.notice.assign_room_notice(own, [notice])


def _times(sb: Sandbox) -> tuple[int, int]:
    now = int(sb.now())
    return now + 3600, now + 7200


def test_a_watermark_of_exactly_the_size_limit_is_accepted(c: BaiJiaYunClient) -> None:
    c.live_setting.set_watermark(1, ("logo.png", b"x" * (1 << 20)))
    assert c.live_setting.get_watermark().url is not None
