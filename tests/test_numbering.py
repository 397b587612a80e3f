"""Section numbers in document order, deeper levels restarting, styles by setting."""

from __future__ import annotations

import pytest

from jixiao.numbering import Numberer


def test_gbt9704_levels_restart_below() -> None:
    num = Numberer()
    got = [num(1), num(2), num(3), num(3), num(4), num(2), num(3), num(1), num(2)]
    assert got == ["一、", "（一）", "1.", "2.", "（1）", "（二）", "1.", "二、", "（一）"]


def test_level_one_counts_past_ten() -> None:
    num = Numberer()
    assert [num(1) for _ in range(12)][9:] == ["十、", "十一、", "十二、"]


def test_house_style_overrides_one_level() -> None:
    num = Numberer({3: "{n}、"})
    assert [num(1), num(2), num(3), num(3)] == ["一、", "（一）", "1、", "2、"]


def test_unknown_level_is_an_error() -> None:
    with pytest.raises(ValueError):
        Numberer()(7)
