"""How figures are written in a report: 万元 amounts, percents, Chinese numerals, dates.

The one place that rounds for display (half up, 四舍五入) and the one place that spells
numbers; templates and writer text reach these as Jinja filters.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel import Locale
from babel.dates import format_date

LOCALE = "zh_CN"
_DIGITS = "零一二三四五六七八九"


MISSING = "——"
"""What a table cell shows for a figure the content does not give."""

_PROSE: contextvars.ContextVar[bool] = contextvars.ContextVar("prose", default=False)


class MissingFigure(Exception):
    """A figure filter was given no figure while rendering prose, where "——" cannot stand."""


@contextlib.contextmanager
def prose() -> Iterator[None]:
    """Within this block a missing figure raises MissingFigure instead of printing "——"."""
    token = _PROSE.set(True)
    try:
        yield
    finally:
        _PROSE.reset(token)


def _missing() -> str:
    """ "——" in a table; in prose, MissingFigure."""
    if _PROSE.get():
        raise MissingFigure
    return MISSING


def round_half_up(value: Decimal | int, places: int = 2) -> Decimal:
    """`value` rounded half up to `places` decimals."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _plain(value: Decimal, places: int) -> str:
    """An already rounded number with `places` decimals, as zh_CN writes it without grouping:
    ASCII digits, '.' and '-' (what babel's format_decimal gives with the pattern 0.00…, the
    same text for every rounded value, -0 too; without loading babel's locale data, a cold
    render's ~8 ms, for a report that prints no date)."""
    return f"{value:f}"


@functools.cache
def _zh_cn() -> Locale:
    """zh_CN, parsed once and on first use (babel re-parses a name on every call, and
    loading its data costs a command that formats nothing)."""
    return Locale.parse(LOCALE)


def wan(value: Decimal | int | None, places: int = 2) -> str:
    """An amount in 万元 with a fixed number of decimals: 511.5 → '511.50'."""
    if value is None:
        return _missing()
    return _plain(round_half_up(value, places), places)


def num(value: Decimal | int | None, places: int = 2) -> str:
    """A number rounded to `places` decimals, no trailing zeros: 116.00 → '116', 28.80 → '28.8'."""
    if value is None:
        return _missing()
    text = _plain(num_value(value, places), places)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def pct(ratio: Decimal | None, places: int = 2) -> str:
    """A ratio as a percent: Decimal('0.598114') → '59.81%'."""
    if ratio is None:
        return _missing()
    return _plain(_percent(ratio, places), places) + "%"


def num_value(value: Decimal | int, places: int = 2) -> Decimal:
    """The number `num` writes, as a number (for a spreadsheet cell): 28.795 → 28.80."""
    return round_half_up(value, places)


def pct_value(ratio: Decimal, places: int = 2) -> Decimal:
    """The ratio `pct` writes, as a number (a spreadsheet shows it as a percent): 0.598114 →
    0.5981."""
    return _percent(ratio, places).scaleb(-2)


def _percent(ratio: Decimal, places: int) -> Decimal:
    """The percent `ratio` stands for, rounded half up: the one rounding of `pct`/`pct_value`."""
    return round_half_up(ratio * 100, places)


def cn(number: int) -> str:
    """A whole number in Chinese numerals as used in headings: 10 → '十', 21 → '二十一'."""
    if number < 0:
        raise ValueError(number)
    if number < 10:
        return _DIGITS[number]
    if number < 20:
        return "十" + (_DIGITS[number % 10] if number % 10 else "")
    if number < 100:
        tens, ones = divmod(number, 10)
        return _DIGITS[tens] + "十" + (_DIGITS[ones] if ones else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        if rest == 0:
            return _DIGITS[hundreds] + "百"
        if rest < 10:
            return _DIGITS[hundreds] + "百零" + _DIGITS[rest]
        tail = cn(rest) if rest >= 20 else "一" + cn(rest)
        return _DIGITS[hundreds] + "百" + tail
    raise ValueError(f"{number} is too large for a heading numeral")


def circled(number: int) -> str:
    """①–⑩ (all that GB2312 has), beyond that （11）."""
    if 1 <= number <= 10:
        return chr(0x2460 + number - 1)
    return f"（{number}）"


def series(items: Iterable[object]) -> str:
    """Names as a Chinese series: ['甲', '乙', '丙'] → '甲、乙和丙'."""
    names = [str(getattr(i, "name", i)) for i in items]
    if len(names) < 2:
        return "".join(names)
    return "、".join(names[:-1]) + "和" + names[-1]


def deductions(items: Iterable[Any]) -> str:
    """Items that lost points, numbered: '1.甲，自评分数为9分，扣减1分，主要原因是……；2.……'."""
    shown = []
    for index, item in enumerate(items, start=1):
        text = f"{index}.{item.name}，自评分数为{num(item.score)}分，扣减{num(item.lost)}分"
        shown.append(text + (f"，主要原因是{item.reason}" if item.reason else ""))
    return "；".join(shown)


def date(value: dt.date) -> str:
    """A date the way Chinese documents write it: 2023年12月31日."""
    return format_date(value, format="long", locale=_zh_cn())


def tally(counts: Iterable[tuple[str, int]], measure: str = "个") -> str:
    """Counts by kind as prose: [('参照公务员法管理', 1), …] → '1个参照公务员法管理、2个…'."""
    return "、".join(f"{count}{measure}{name}" for name, count in counts)


def amounts(entries: Iterable[Any], style: str = "num", unit: str = "万元") -> str:
    """Named amounts as prose: projects → '省市下达人才项目经费116万元，柏连阳…100万元'."""
    shown = num if style == "num" else wan
    return "，".join(f"{e.name}{shown(e.actual)}{unit}" for e in entries)


FILTERS = {
    "wan": wan,
    "num": num,
    "pct": pct,
    "cn": cn,
    "date": date,
    "tally": tally,
    "amounts": amounts,
    "circled": circled,
    "series": series,
    "deductions": deductions,
}
"""The formatting filters every template and every piece of writer text may use."""
