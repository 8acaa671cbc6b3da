"""Rates as operators write them (``--rate-limit 180/10s``)."""

from __future__ import annotations

import pytest

from baijiayun.limits import parse_rate


@pytest.mark.parametrize(
    ("text", "rate"),
    [("180/10s", (180, 10.0)), ("20/s", (20, 1.0)), (" 5 / 0.5 ", (5, 0.5)), ("7/2sec", (7, 2.0))],
)
def test_parse_rate(text: str, rate: tuple[int, float]) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["", "abc", "0/10s", "10/0", "-1/1", "10/-1", "1e3/1"])
def test_parse_rate_refuses_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match="not a rate"):
        parse_rate(text)
