"""Institutions' 收支, the rates a 评分表 is scored by, the 评分表 itself, and their grids."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from jixiao.compute import compute, score_table
from jixiao.formatting import circled, deductions, series
from jixiao.forms import build, declared
from jixiao.formspec import FormSpec
from jixiao.model import Unit, Year
from jixiao.model.scores import RateKey, ScoreTable
from jixiao.numbering import Numberer
from jixiao.scoring import RateRule, ScoringRules, rate_score

UNIT = Unit(full_name="甲单位", short_name="甲")
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def year(**fields: Any) -> Year:
    return Year.model_validate({"year": 2024, **fields})


# rate rules ------------------------------------------------------------------------------


def per_point(better: str, limit: str, step: str) -> RateRule:
    return RateRule(label="率", rule="per_point", better=better, limit=limit, step=step)


@pytest.mark.parametrize(
    ("rule", "rate", "points", "expected"),
    [
        (per_point("lower", "1", "0.5"), "0.9", 5, "5"),  # within 100%: full
        (per_point("lower", "1", "0.5"), "1.03", 5, "3.5"),  # 3 points over: −1.5
        (per_point("lower", "1", "0.5"), "1.5", 5, "0"),  # never below 0
        (per_point("higher", "0.5", "0.2"), "0.45", 3, "2"),  # 5 points under 50%: −1
        (per_point("higher", "1", "0.1"), "1", 3, "3"),
    ],
)
def test_per_point_rule(rule: RateRule, rate: str, points: int, expected: str) -> None:
    assert rate_score(rule, D(rate), D(points)) == D(expected)


BUDGET_ADJUSTMENT = RateRule(
    label="预算调整率", rule="bands", better="lower", bands=[(0, 3), (D("0.1"), 2), (D("0.2"), 1)]
)
KEY_SPENDING = RateRule(
    label="重点支出安排率", rule="bands", better="higher", bands=[(D("0.9"), 5), (D("0.8"), 4)]
)


@pytest.mark.parametrize(
    ("rule", "rate", "expected"),
    [
        (BUDGET_ADJUSTMENT, "0", "3"),
        (BUDGET_ADJUSTMENT, "0.1", "2"),  # 0-10%（含）
        (BUDGET_ADJUSTMENT, "0.1001", "1"),
        (BUDGET_ADJUSTMENT, "0.5", "0"),
        (BUDGET_ADJUSTMENT, "Infinity", "0"),
        (KEY_SPENDING, "0.95", "5"),
        (KEY_SPENDING, "0.8", "4"),  # 80%（含）
        (KEY_SPENDING, "0.79", "0"),
    ],
)
def test_band_rule(rule: RateRule, rate: str, expected: str) -> None:
    assert rate_score(rule, D(rate), D(5)) == D(expected)


def test_a_band_never_gives_more_than_the_points_and_no_rate_no_score() -> None:
    assert rate_score(KEY_SPENDING, D(1), D(3)) == D(3)
    assert rate_score(KEY_SPENDING, None, D(3)) is None


# institutions ----------------------------------------------------------------------------


def institution(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, **fields}


def test_summary_row_is_computed_from_the_institutions_inputs() -> None:
    figures = compute(
        UNIT,
        year(
            institutions=[
                institution(
                    "局机关",
                    income={"carryover": "10", "general_budget": "100.25"},
                    spending={"personnel": "50.1", "public": "30.2"},
                    three_public={"reception": {"prior": "2", "budget": "2", "actual": "1.5"}},
                    assets={"in_use": "30", "other": "10"},
                ),
                institution(
                    "中心",
                    income={"general_budget": "20"},
                    spending={"personnel": "10", "projects": "5"},
                    three_public={"reception": {"prior": "1", "budget": "1", "actual": "0.5"}},
                    assets={"in_use": "10"},
                ),
            ]
        ),
    )
    rows, total = figures.institutions.rows, figures.institutions.total
    assert [r.name for r in rows] == ["局机关", "中心"]
    assert rows[0].income == D("110.25") and rows[0].basic == D("80.3")
    assert rows[0].balance == D("19.95") and rows[0].accumulated == D("29.95")
    assert total.income == D("130.25") and total.carryover == D(10)
    assert total.government_fund is None  # blank everywhere stays blank
    assert total.basic == D("90.3") and total.projects == D(5) and total.spending == D("95.3")
    assert total.accumulated == total.income - total.spending
    assert total.balance == total.accumulated - total.carryover
    assert total.three_public.reception.actual == D(2)
    assert total.assets == D(50) and total.asset_use == D("0.8")
    rates = figures.rates
    assert rates[RateKey.ASSET_USE] == D("0.8")
    assert rates[RateKey.THREE_PUBLIC_CONTROL] is None  # other parts' budgets not given
    assert rates[RateKey.BALANCE] == total.accumulated / total.carryover
    assert figures.overall.actual == total.spending  # 执行数 from the institutions


def test_declared_overall_fills_what_institutions_do_not_give() -> None:
    figures = compute(
        UNIT,
        year(
            institutions=[institution("局机关", spending={"personnel": "90"})],
            overall={"initial": "80", "budget": "90", "actual": "1"},
        ),
    )
    assert figures.overall.actual == D(90)  # computed wins over the declared figure
    assert figures.rates[RateKey.BUDGET_ADJUSTMENT] == D("0.125")
    assert compute(UNIT, year(overall={"budget": "200", "actual": "150"})).execution_rate == D(
        "0.75"
    )


def test_balance_rate_without_a_balance_or_without_a_carryover() -> None:
    none = year(
        institutions=[institution("甲", income={"general_budget": "5"}, spending={"public": "5"})]
    )
    assert compute(UNIT, none).rates[RateKey.BALANCE] == 0
    kept = year(
        institutions=[institution("甲", income={"general_budget": "6"}, spending={"public": "5"})]
    )
    assert compute(UNIT, kept).rates[RateKey.BALANCE] == D("Infinity")


def test_institution_grid_heading_rows_span_as_the_columns_nest() -> None:
    figures = compute(UNIT, year(institutions=[institution("局机关"), institution("中心")]))
    grids = declared(
        TEMPLATES, "yueyang-form", "institutions", {"institutions": figures.institutions}
    )
    grid = grids[1]  # 支出和结余: 3 heading rows
    assert grid.columns == 8 and grid.header_rows == 4
    assert [len(row) for row in grid.rows] == [1, 4, 5, 2, 8, 8, 8]
    assert [c.text for c in grid.rows[-2]][:1] == ["1、局机关"]
    assert [c.text for c in grid.rows[-3]][:1] == ["局机关及二级机构汇总"]
    grid.placed()  # spans tile the grid


def test_declared_heading_rows_parent_spans_its_leaves_and_a_leaf_spans_down() -> None:
    figures = compute(UNIT, year(institutions=[institution("局机关")]))
    grid = declared(
        TEMPLATES, "yueyang-form", "institutions", {"institutions": figures.institutions}
    )[1]
    first, second, third = grid.rows[1:4]
    assert [(c.text, c.cols, c.rows) for c in first] == [
        ("机构名称", 1, 3),
        ("支出合计", 1, 3),
        ("其中：", 4, 1),
        ("结余", 2, 1),
    ]
    assert [(c.text, c.cols, c.rows) for c in second][:2] == [("基本支出", 1, 2), ("其中：", 2, 1)]
    assert [(c.text, c.cols, c.rows) for c in third] == [("人员支出", 1, 1), ("公用支出", 1, 1)]


def test_tree_rows_merge_each_level_over_its_rows() -> None:
    spec = FormSpec.model_validate(
        {
            "tables": [
                {
                    "widths": [1, 1, 1],
                    "rows": [
                        {
                            "tree": "groups",
                            "levels": [
                                {"name": "g"},
                                {"name": "c", "each": "categories"},
                                {"name": "r", "each": "rows"},
                            ],
                            "cells": [
                                {"text": "{g.name}", "merge": "g"},
                                {"text": "{c.name}", "merge": "c"},
                                {"value": "r.name"},
                            ],
                        }
                    ],
                }
            ]
        }
    )
    figures = compute(UNIT, year(institutions=[institution("a"), institution("b")]))
    one, two = figures.institutions.rows
    total = figures.institutions.total
    groups = [Named("一", [Named("甲", [one, two]), Named("乙", [total])])]
    grid = build(spec, {"groups": groups}, lambda name: spec, None)  # type: ignore[arg-type]
    assert [[(c.text, c.rows) for c in row] for row in grid[0].rows] == [
        [("一", 3), ("甲", 2), ("a", 1)],
        [("b", 1)],
        [("乙", 1), (total.name, 1)],
    ]


@dataclass
class Named:
    """A tree node for the tree test: a name and the nodes under it."""

    name: str
    categories: list[Any] = field(default_factory=list)

    @property
    def rows(self) -> list[Any]:
        return self.categories


# the 评分表 ------------------------------------------------------------------------------

RULES = ScoringRules(rates={RateKey.STAFF_CONTROL: per_point("lower", "1", "0.5")})


def table(groups: list[dict[str, Any]]) -> ScoreTable:
    return ScoreTable.model_validate({"groups": groups})


def test_a_group_listing_only_deductions_scores_its_points_less_what_was_lost() -> None:
    scores = score_table(
        table(
            [
                {
                    "name": "履职效能",
                    "points": 50,
                    "items": [
                        {"name": "甲", "points": 10, "score": 9, "reason": "原因甲"},
                        {"name": "乙", "points": 20, "score": "18.6", "reason": "原因乙"},
                    ],
                },
                {
                    "name": "管理效能",
                    "points": 50,
                    "items": [{"name": "丙", "points": 3, "score": 0}],
                },
            ]
        ),
        {},
        RULES,
    )
    assert scores["履职效能"].score == D("47.6") and scores["管理效能"].score == D(47)
    assert scores.points == D(100) and scores.score == D("94.6") and scores.grade == "优"
    assert not scores.complete
    assert [(d.name, d.lost) for d in scores.deductions] == [
        ("甲", D(1)),
        ("乙", D("1.4")),
        ("丙", D(3)),
    ]
    assert deductions(scores.deductions[:2]) == (
        "1.甲，自评分数为9分，扣减1分，主要原因是原因甲；2.乙，自评分数为18.6分，扣减1.4分，主要原因是原因乙"
    )
    with pytest.raises(KeyError):
        scores["没有"]


def test_shared_standard_rows_and_measured_items() -> None:
    groups = [
        {
            "name": "投入",
            "categories": [
                {
                    "name": "预算配置",
                    "items": [
                        {"name": "控制率", "points": 5, "measure": "staff_control"},
                        {"name": "控制率二", "points": 5, "measure": "staff_control", "score": 5},
                        {"name": "无规则", "points": 5, "measure": "asset_use"},
                    ],
                },
                {
                    "name": "效益",
                    "items": [
                        {
                            "standard": "共用",
                            "points": 15,
                            "parts": [{"name": "经济", "score": 5}, {"name": "社会", "score": 4}],
                        },
                        {
                            "standard": "各有分值",
                            "parts": [
                                {"name": "丁", "points": 2, "score": 2},
                                {"name": "戊", "points": 3, "score": 1},
                            ],
                        },
                    ],
                },
            ],
        }
    ]
    rates = {RateKey.STAFF_CONTROL: D(31) / D(30), RateKey.ASSET_USE: D(1)}
    scores = score_table(table(groups), rates, RULES)
    measured, overridden, no_rule = scores.groups[0].categories[0].items
    assert measured.score == D("3.33") and measured.by_rule == D("3.33")
    assert not measured.overridden and overridden.overridden and overridden.score == 5
    assert no_rule.score is None  # the kind sets no rule for it, and the writer gave no score
    shared, own = scores.groups[0].categories[1].items
    assert shared.shared_points and shared.points == 15 and shared.score == 9
    assert [r.points for r in shared.rows] == [None, None]
    assert not own.shared_points and own.points == 5 and own.score == 3
    assert scores.groups[0].categories[1].points == D(20)
    assert scores.score is None and scores.grade is None  # one item has no score yet


def test_score_grid_merges_standard_and_shared_points() -> None:
    groups = [
        {
            "name": "效果",
            "categories": [
                {
                    "name": "履职效益",
                    "items": [
                        {
                            "standard": "共用",
                            "points": 15,
                            "parts": [
                                {"name": "经济", "score": 5},
                                {"name": "社会", "score": 5},
                                {"name": "生态", "score": 5},
                            ],
                        },
                        {"name": "满意度", "standard": "95%以上", "points": 5, "score": 5},
                    ],
                }
            ],
        }
    ]
    scores = score_table(table(groups), {}, RULES)
    (grid,) = declared(TEMPLATES, "guangzhou-overall", "score_table", {"scores": scores})
    first = grid.rows[1]
    assert [(c.text, c.rows) for c in first] == [
        (("效果", "（20分）"), 4),
        (("履职效益", "（20分）"), 4),
        ("经济", 1),
        (("共用",), 3),
        ("15", 3),
        ("5", 1),
        ("", 1),
    ]
    assert [c.text for c in grid.rows[2]] == ["社会", "5", ""]
    assert [c.text for c in grid.rows[-1]] == ["总分", "20", "20", ""]
    grid.placed()


# formatting and numbering ----------------------------------------------------------------


def test_series_circled_and_level_five_numbering() -> None:
    assert series(["甲"]) == "甲" and series(["甲", "乙"]) == "甲和乙"
    assert series(["甲", "乙", "丙"]) == "甲、乙和丙"
    assert circled(1) == "①" and circled(10) == "⑩" and circled(11) == "（11）"
    num = Numberer({5: "{circled}"})
    assert [num(4), num(5), num(5), num(4), num(5)] == ["（1）", "①", "②", "（2）", "①"]


@pytest.mark.parametrize(
    "item",
    [
        {"standard": "无名称"},  # neither a name and points nor parts
        {"name": "无分值", "score": 1},
        {"standard": "共用", "parts": [{"name": "甲", "points": 2}, {"name": "乙"}]},  # mixed
        {"standard": "共用", "points": 5, "parts": [{"name": "甲", "points": 5}]},  # both
        {"points": 5, "measure": "asset_use", "parts": [{"name": "甲"}]},
    ],
)
def test_a_malformed_score_item_is_a_validation_error(item: dict[str, Any]) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="score_item_shape"):
        table([{"name": "一级", "items": [item]}])
