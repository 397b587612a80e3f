"""Amounts, percents and numerals: half-up rounding, house style, Chinese numerals."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from jixiao.formatting import amounts, cn, num, pct, round_half_up, tally, wan


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("511.5", "511.50"),
        ("2.675", "2.68"),
        ("2.665", "2.67"),
        ("0.005", "0.01"),
        ("0", "0.00"),
        ("1234567.125", "1234567.13"),
    ],
)
def test_wan_rounds_half_up_to_two_places(value: str, shown: str) -> None:
    assert wan(Decimal(value)) == shown


def test_num_drops_trailing_zeros() -> None:
    assert [num(Decimal(v)) for v in ("116", "116.00", "28.80", "37.75", "0.125")] == [
        "116",
        "116",
        "28.8",
        "37.75",
        "0.13",
    ]


def test_pct_of_a_ratio() -> None:
    assert pct(Decimal("761.25") / Decimal("1272.75")) == "59.81%"
    assert pct(Decimal("0.123450")) == "12.35%"
    assert pct(None) == "——"


@pytest.mark.parametrize(
    ("number", "numeral"),
    [
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (99, "九十九"),
        (100, "一百"),
        (101, "一百零一"),
        (110, "一百一十"),
        (123, "一百二十三"),
    ],
)
def test_cn_numerals(number: int, numeral: str) -> None:
    assert cn(number) == numeral


@given(st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False))
def test_round_half_up_matches_integer_arithmetic(value: Decimal) -> None:
    scaled = value * 100
    expected = (int(scaled) + (1 if scaled - int(scaled) >= Decimal("0.5") else 0)) / Decimal(100)
    assert round_half_up(value) == expected


def test_prose_helpers() -> None:
    class Item:
        def __init__(self, name: str, actual: str) -> None:
            self.name, self.actual = name, Decimal(actual)

    assert amounts([Item("甲", "116.00"), Item("乙", "28.8")]) == "甲116万元，乙28.8万元"
    assert amounts([Item("甲", "116")], style="wan") == "甲116.00万元"
    assert tally([("参照公务员法管理", 1), ("全额拨款事业单位", 2)]) == (
        "1个参照公务员法管理、2个全额拨款事业单位"
    )


def _babel(value: Decimal, places: int) -> str:
    pattern = "0." + "0" * places if places else "0"
    rounded = round_half_up(value, places)
    return format_decimal(rounded, format=pattern, locale="zh_CN", decimal_quantization=False)


def test_numbers_are_written_as_babel_writes_them_for_zh_cn() -> None:
    """wan/num/pct write a rounded number as babel's format_decimal does for zh_CN with a
    fixed pattern (jixiao writes it itself, without loading babel's locale data)."""
    values = [Decimal(0), Decimal("-0"), Decimal("-0.004"), Decimal("0.005"), Decimal("1E+12")]
    values += [Decimal("-0.005"), Decimal("999999999999.999999"), Decimal("-1E-7")]
    generator = random.Random(15)
    values += [
        Decimal(generator.randint(-(10**9), 10**9)).scaleb(generator.randint(-16, 5))
        for _ in range(2000)
    ]
    for value in values:
        for places in range(7):
            babel = _babel(value, places)
            assert wan(value, places) == babel, (value, places)
            assert num(value, places) == (babel.rstrip("0").rstrip(".") if "." in babel else babel)
            ratio = value / 100
            assert pct(ratio, places) == _babel(ratio * 100, places) + "%", (value, places)
