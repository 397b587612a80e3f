"""Money figures lifted from the prose into `budget` or `overall`, and the prose linked back.

A figure stated in prose (基本支出1272.75万元) is written into its field; every place that
states it is then compared with the figure jixiao computes from the lifted fields (the stated
total with 人员经费 + 公用经费, a share, an 执行率) and becomes a `{{ … }}` reference when the
reference prints the very same text. A place that states another value is left as written and
listed for checking.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jixiao.compute import Figures, compute
from jixiao.formatting import num, num_value, pct, pct_value, wan
from jixiao.frozen import frozen
from jixiao.messages import say
from jixiao.model import Unit, Year

_NUMBER = r"(?P<v>\d+(?:\.\d+)?)"
_AMOUNT = _NUMBER + r"\s*万元"
_RATE = r"(?P<v>\d+(?:\.\d+)?[%％])"
"""A rate with its sign: the reference (`| pct`) prints both."""


@frozen
class Stated:
    """A figure prose states: its model field (None: computed only), its name in templates."""

    field: str | None
    name: str
    pattern: re.Pattern[str]
    rate: bool = False


BUDGET = [
    Stated(
        "budget.basic.actual",
        "basic.actual",
        re.compile(r"基本支出(?:执行数|决算数|实际支出)?(?:为|共|合计)?" + _AMOUNT),
    ),
    Stated(
        "budget.basic.personnel.actual",
        "basic.personnel.actual",
        re.compile(r"人员经费(?:支出)?(?:为|共)?" + _AMOUNT),
    ),
    Stated(
        "budget.basic.public.actual",
        "basic.public.actual",
        re.compile(r"(?<!日常)公用经费(?:支出)?(?:为|共)?" + _AMOUNT),
    ),
    Stated(
        None,
        "basic.personnel.share",
        re.compile(r"人员经费[^，。；]{0,12}万元，占基本支出(?:的)?(?:比重为)?" + _RATE),
        rate=True,
    ),
    Stated(
        None,
        "basic.public.share",
        re.compile(r"公用经费[^，。；]{0,12}万元，占基本支出(?:的)?(?:比重为)?" + _RATE),
        rate=True,
    ),
]
"""What the 一般公共预算支出 section states of 基本支出."""
DERIVED = {"budget.basic.actual": ("budget.basic.personnel.actual", "budget.basic.public.actual")}
"""Totals jixiao computes from their parts when prose gives every part: not stored then."""

OVERALL = [
    Stated("overall.budget", "overall.budget", re.compile(r"全年预算(?:数)?(?:为)?" + _AMOUNT)),
    Stated("overall.actual", "overall.actual", re.compile(r"全年执行数?(?:为)?" + _AMOUNT)),
    Stated(
        None,
        "overall.execution_rate",
        re.compile(r"全年执行数?(?:为)?[\d.]+\s*万元，(?:完成率|执行率)(?:为|达)?" + _RATE),
        rate=True,
    ),
]
"""What a report without 一般公共预算 detail states of the whole year's budget and spending."""


@dataclass
class Money:
    """Money figures lifted from prose, the figures they compute to, and what to check."""

    stated: list[Stated]
    values: dict[str, Decimal] = field(default_factory=dict)
    """Model field → the first value prose states for it."""
    figures: Figures | None = None
    conflicts: list[str] = field(default_factory=list)
    links: int = 0

    def fields(self) -> dict[str, Any]:
        """The lifted values as nested year-file fields: {"budget": {"basic": {…}}}."""
        nested: dict[str, Any] = {}
        for path, value in self.values.items():
            target = nested
            *parents, last = path.split(".")
            for part in parents:
                target = target.setdefault(part, {})
            target[last] = value
        return nested


def lift_money(texts: list[str], stated: list[Stated]) -> Money:
    """The figures `stated` that `texts` give: the first value of each, the others noted."""
    money = Money(stated)
    for figure in stated:
        if figure.field is None:
            continue
        values = [Decimal(m["v"]) for text in texts for m in figure.pattern.finditer(text)]
        if values:
            money.values[figure.field] = values[0]
        if len(set(values)) > 1:
            shown = "、".join(str(v) for v in dict.fromkeys(values))
            money.conflicts.append(say("import_note_conflict", field=figure.field, values=shown))
    for total, parts in DERIVED.items():
        if all(part in money.values for part in parts):
            money.values.pop(total, None)
    if money.values:
        year = Year.model_validate({"year": 2000, **money.fields()})
        money.figures = compute(Unit(full_name="-", short_name="-"), year)
        _check(texts, money)
    return money


def _computed(figures: Figures, name: str) -> Any:
    """The figure `name` (basic.personnel.share) of the computed figures, None if absent."""
    value: Any = figures
    for part in name.split("."):
        value = getattr(value, part, None)
    return value


def _shown(value: Any, written: str, rate: bool) -> str | None:
    """The reference's filter that prints `value` exactly as `written`, None if none does."""
    filters: list[tuple[str, Callable[[Any], str]]] = (
        [("pct", pct)] if rate else [("wan", wan), ("num", num)]
    )
    if not isinstance(value, Decimal):
        return None
    return next((name for name, show in filters if show(value) == written), None)


def _agrees(value: Decimal, written: str, rate: bool) -> bool:
    """Whether `written` is `value` rounded to as many places as it is written with."""
    digits = written.rstrip("%％")
    places = len(digits.partition(".")[2])
    if rate:
        return pct_value(value, places) == Decimal(digits).scaleb(-2)
    return num_value(value, places) == Decimal(digits)


def _check(texts: list[str], money: Money) -> None:
    """Note each computed figure (a total, a share, a rate) prose states otherwise."""
    assert money.figures is not None
    for figure in money.stated:
        value = _computed(money.figures, figure.name)
        if value is None or money.values.get(figure.field or "") == value:
            continue  # a lifted figure prints as stated; its conflicts are noted already
        for text in texts:
            for match in figure.pattern.finditer(text):
                if not _agrees(value, match["v"], figure.rate):
                    printed = pct(value) if figure.rate else num(value)
                    money.conflicts.append(
                        say(
                            "import_note_computed",
                            name=figure.name,
                            written=match.group(0),
                            computed=printed,
                        )
                    )


def link_money(text: str, money: Money) -> str:
    """`text` with each stated figure that prints the same from the model as a reference."""
    if money.figures is None:
        return text
    figures = money.figures
    for figure in sorted(money.stated, key=lambda f: not f.rate):  # rates read the amounts
        value = _computed(figures, figure.name)

        def swap(match: re.Match[str], figure: Stated = figure, value: Any = value) -> str:
            shown = _shown(value, match["v"], figure.rate)
            if shown is None:
                return match.group(0)
            money.links += 1
            start, end = match.span("v")
            whole, offset = match.group(0), match.start()
            tail = whole[end - offset :]
            reference = "{{ " + figure.name + " | " + shown + " }}"
            return whole[: start - offset] + reference + tail

        text = figure.pattern.sub(swap, text)
    return text
