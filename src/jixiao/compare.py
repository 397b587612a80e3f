"""`jixiao diff`: two years' figures side by side, with the change and the rate (同比).

Rows come from the computed figures only (never re-added here); items such as project
groups and projects are matched by name. Formatting goes through `jixiao.formatting`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from enum import StrEnum
from typing import Any

from jixiao.compute import Figures, Line, change_rate
from jixiao.formatting import num, pct, wan
from jixiao.frozen import frozen
from jixiao.messages import say


class RowKind(StrEnum):
    """How a row's values are written and compared."""

    AMOUNT = "amount"  # 万元, two decimals; 同比 as a rate
    COUNT = "count"  # whole numbers; 同比 as a rate
    SCORE = "score"  # points; 同比 as a rate
    RATIO = "ratio"  # a percent; the change in 百分点, no 同比


@frozen
class Row:
    """One figure in two years."""

    label: str
    a: Decimal | None
    b: Decimal | None
    kind: RowKind = RowKind.AMOUNT

    @property
    def change(self) -> Decimal | None:
        """B − A (for a ratio: in 百分点)."""
        if self.a is None or self.b is None:
            return None
        scale = 100 if self.kind is RowKind.RATIO else 1
        return (Decimal(self.b) - Decimal(self.a)) * scale

    @property
    def rate(self) -> Decimal | None:
        """同比 = (B − A) ÷ A; none for ratios."""
        if self.kind is RowKind.RATIO or self.a is None or self.b is None:
            return None
        return change_rate(Decimal(self.b), Decimal(self.a))


_COLUMNS = ("initial", "budget", "actual")


def rows(a: Figures, b: Figures) -> list[Row]:
    """Every figure of `a` and `b` worth comparing; rows where neither year has one are left out."""
    return [row for row in _rows(a, b) if row.a is not None or row.b is not None]


def _rows(a: Figures, b: Figures) -> Iterator[Row]:
    if a.staffing or b.staffing:
        for name in ("authorized", "in_service", "retired_cadres", "retired"):
            yield Row(
                say(f"diff_{name}"),
                _get(a.staffing, name),
                _get(b.staffing, name),
                RowKind.COUNT,
            )
        yield Row(
            say("diff_staff_control"),
            _get(a.staffing, "control_rate"),
            _get(b.staffing, "control_rate"),
            RowKind.RATIO,
        )
    yield from _line(say("diff_overall"), a.overall, b.overall)
    yield Row(say("diff_execution"), a.execution_rate, b.execution_rate, RowKind.RATIO)
    yield from _line(say("diff_basic"), a.basic, b.basic)
    for part in ("personnel", "public"):
        line_a, line_b = _get(a.basic, part), _get(b.basic, part)
        label = say(f"diff_{part}")
        yield from _line(label, line_a, line_b)
        yield Row(
            say("diff_share", name=label),
            _get(line_a, "share"),
            _get(line_b, "share"),
            RowKind.RATIO,
        )
        for name, pa, pb in _matched(_get(line_a, "parts"), _get(line_b, "parts")):
            yield from _line(f"{label} · {name}", pa, pb)
    yield from _line(say("diff_projects"), a.projects, b.projects)
    groups = _matched(_get(a.projects, "groups"), _get(b.projects, "groups"))
    for name, ga, gb in groups:
        yield from _line(name, ga, gb)
        yield Row(say("diff_income_of", name=name), _get(ga, "income"), _get(gb, "income"))
        for project, pa, pb in _matched(_get(ga, "projects"), _get(gb, "projects")):
            yield from _line(f"{name} · {project}", pa, pb)
    for name in ("general_budget", "government_fund", "non_tax", "other", "total"):
        yield Row(say(f"diff_income_{name}"), _get(a.income, name), _get(b.income, name))
    three_a = _get(a.basic_data, "three_public")
    three_b = _get(b.basic_data, "three_public")
    for name in ("vehicle_purchase", "vehicle_operation", "overseas", "reception", "total"):
        yield from _line(say(f"diff_three_{name}"), _get(three_a, name), _get(three_b, name))
    yield Row(
        say("diff_three_control"),
        _get(three_a, "control_rate"),
        _get(three_b, "control_rate"),
        RowKind.RATIO,
    )
    yield from _line(
        say("diff_procurement"),
        _get(a.basic_data, "procurement"),
        _get(b.basic_data, "procurement"),
    )
    build_a, build_b = _get(a.basic_data, "buildings"), _get(b.basic_data, "buildings")
    yield Row(say("diff_building_actual"), _get(build_a, "actual"), _get(build_b, "actual"))
    yield Row(
        say("diff_score"),
        _get(a.evaluation, "score_total"),
        _get(b.evaluation, "score_total"),
        RowKind.SCORE,
    )
    for name, ka, kb in _matched(a.key_projects, b.key_projects):
        yield from _line(say("diff_key_project", name=name), _get(ka, "funds"), _get(kb, "funds"))
        yield Row(
            say("diff_key_score", name=name),
            _get(_get(ka, "evaluation"), "score_total"),
            _get(_get(kb, "evaluation"), "score_total"),
            RowKind.SCORE,
        )


def _line(label: str, a: Line | None, b: Line | None) -> Iterator[Row]:
    """A line's 年初预算, 全年预算 and 执行数 in both years."""
    for column in _COLUMNS:
        yield Row(f"{label} · {say('diff_' + column)}", _get(a, column), _get(b, column))


def _get(value: Any, name: str) -> Any:
    """`value.name`, or None where the figure (or what holds it) is missing."""
    return getattr(value, name, None) if value is not None else None


def _matched(a: Any, b: Any) -> list[tuple[str, Any, Any]]:
    """Items of two lists paired by name: those of `a` in order, then those only in `b`."""
    first = {getattr(i, "name", ""): i for i in (a or [])}
    second = {getattr(i, "name", ""): i for i in (b or [])}
    names = list(first) + [n for n in second if n not in first]
    return [(n, first.get(n), second.get(n)) for n in names]


# Text ------------------------------------------------------------------------------------


def shown(row: Row, value: Decimal | None) -> str:
    """A value of `row` as the report writes it."""
    if value is None:
        return "——"
    if row.kind is RowKind.RATIO:
        return pct(value)
    if row.kind is RowKind.COUNT:
        return num(value, 0)
    if row.kind is RowKind.SCORE:
        return num(value)
    return wan(value)


def change_text(row: Row) -> str:
    """The change with its sign: +167.29, −3, +1.20个百分点."""
    change = row.change
    if change is None:
        return "——"
    sign = "+" if change > 0 else "-" if change < 0 else ""
    magnitude = abs(change)
    if row.kind is RowKind.RATIO:
        return say("diff_points", value=sign + num(magnitude))
    if row.kind is RowKind.COUNT:
        return sign + num(magnitude, 0)
    return sign + (num(magnitude) if row.kind is RowKind.SCORE else wan(magnitude))


def rate_text(row: Row) -> str:
    """同比 in words: 增长12.30%, 下降5.00%, 持平."""
    rate = row.rate
    if rate is None:
        return "——"
    if rate > 0:
        return say("diff_up", rate=pct(rate))
    if rate < 0:
        return say("diff_down", rate=pct(-rate))
    return say("diff_flat")


def table(a_year: int, b_year: int, items: list[Row]) -> str:
    """`items` as an aligned text table (CJK characters count two columns)."""
    head = [
        say("diff_item"),
        say("diff_year", year=a_year),
        say("diff_year", year=b_year),
        say("diff_change"),
        say("diff_rate"),
    ]
    body = [[r.label, shown(r, r.a), shown(r, r.b), change_text(r), rate_text(r)] for r in items]
    widths = [max(_width(line[i]) for line in [head, *body]) for i in range(len(head))]
    out = []
    for line in [head, *body]:
        cells = [_pad(line[0], widths[0], left=True)]
        cells += [_pad(cell, width) for cell, width in zip(line[1:], widths[1:], strict=True)]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: two for each wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, left: bool = False) -> str:
    """`text` padded to `width` columns, aligned right unless `left`."""
    space = " " * (width - _width(text))
    return text + space if left else space + text
