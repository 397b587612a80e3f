"""Scoring rules for 绩效指标, 预算执行率 and grades: pure functions over Decimal.

正向 (≥): full points when the outcome reaches the target, else outcome ÷ target × points.
反向 (≤): full points when within the target, else (1 − (outcome − target) ÷ target) × points,
0 from twice the target on (or target ÷ outcome × points, the `ratio` variant).
定性: 达成 80–100 % of the points, 部分达成 60–80 %, 未达成 0–60 %; a writer's score must lie
in its band, and without one the top of the band is used.
得分系数 (重庆): points × coefficient ÷ 100, when the writer gives the coefficient.
预算执行率: points × min(执行率, 1). Grades: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差.
Each rule variant is a setting (`ScoringRules`), not a fork in the code.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from jixiao.formatting import round_half_up
from jixiao.frozen import frozen
from jixiao.model.common import Model, Points, empty_dict, empty_list
from jixiao.model.indicators import Direction, Grade, Indicator, Nature, Rule
from jixiao.model.scores import RateKey

ONE = Decimal(1)
ZERO = Decimal(0)

Negative = Literal["linear", "ratio"]
"""The 反向 variants: linear down to 0 at twice the target, or target ÷ outcome × points."""


class RateRule(Model):
    """How a rate computed from the figures is scored (评分标准 of a 评分表 item).

    per_point: full points within `limit`, less `step` per percentage point beyond it;
    bands: the score of the first band the rate reaches, else 0.
    """

    label: str = Field(title="名称", description="扣分说明中使用，如：预算调整率")
    rule: Literal["per_point", "bands"] = Field(title="算法", description="per_point 或 bands")
    better: Literal["higher", "lower"] = Field(
        "higher", title="越高越好还是越低越好", description="higher 或 lower"
    )
    limit: Points = Field(Decimal(1), title="标准值", description="per_point：1 即 100%")
    step: Points = Field(Decimal(0), title="每个百分点扣分", description="per_point")
    bands: list[tuple[Points, Points]] = Field(
        default_factory=empty_list,
        title="分档（界值、得分）",
        description="bands：如 [[0.9, 5], [0.8, 4]]，达到界值（越低越好时为不超过）得该分",
    )


class ScoringRules(Model):
    """The scoring variants a province or a report kind uses."""

    negative: Negative = Field("linear", title="反向指标算法", description="linear 或 ratio")
    bands: dict[Grade, tuple[Points, Points]] = Field(
        default_factory=lambda: {
            Grade.MET: (Decimal("0.8"), ONE),
            Grade.PARTLY: (Decimal("0.6"), Decimal("0.8")),
            Grade.NOT_MET: (ZERO, Decimal("0.6")),
        },
        title="定性指标各等级得分区间（占分值比例）",
    )
    places: int = Field(2, ge=0, le=6, title="得分小数位", description="0 到 6")
    typed_scores: Literal["reasoned", "free"] = Field(
        "reasoned",
        title="手填得分",
        description="reasoned：与规则计算的得分不同须写明理由；free：由评价人自定",
    )
    grades: list[tuple[Points, str]] = Field(
        default_factory=lambda: [
            (Decimal(90), "优"),
            (Decimal(80), "良"),
            (Decimal(60), "中"),
            (ZERO, "差"),
        ],
        title="评价等次（下限、名称）",
    )
    rates: dict[RateKey, RateRule] = Field(
        default_factory=empty_dict,
        title="按数据计算的评分标准",
        description="评分表中 measure 所指的各项",
    )


@frozen
class Scored:
    """An indicator with its rule, the score the rule gives, and the score that counts."""

    indicator: Indicator
    rule: Rule
    by_rule: Decimal | None
    score: Decimal | None
    overridden: bool

    @property
    def short(self) -> bool:
        """Whether the score falls below the points (a 偏差原因 is then required)."""
        return self.score is not None and self.score < self.indicator.points

    @property
    def measure_unit(self) -> str:
        """计量单位: as written, else the unit of the 年度指标值 (% of 90%, 次 of ≥6次)."""
        written = self.indicator.measure_unit
        return written if written is not None else self.indicator.target.unit

    @property
    def nature(self) -> Nature:
        """指标性质: as written, else 定性 for a scored-by-judgement indicator, 定量 otherwise."""
        if self.indicator.nature is not None:
            return self.indicator.nature
        return Nature.QUALITATIVE if self.rule is Rule.QUALITATIVE else Nature.QUANTITATIVE


def rule_of(indicator: Indicator) -> Rule:
    """The indicator's scoring rule: as set, else from its target (≤ → 反向, text → 定性)."""
    if indicator.rule is not None:
        return indicator.rule
    if not indicator.target.quantitative:
        return Rule.QUALITATIVE
    if indicator.target.direction is Direction.AT_MOST:
        return Rule.NEGATIVE
    return Rule.POSITIVE


def positive(target: Decimal, actual: Decimal, points: Decimal) -> Decimal:
    """正向: full when actual ≥ target (or the target is 0), else actual ÷ target × points."""
    if target <= 0 or actual >= target:
        return points
    return max(ZERO, actual / target * points)


def negative(
    target: Decimal, actual: Decimal, points: Decimal, variant: Negative = "linear"
) -> Decimal:
    """反向: full when actual ≤ target; beyond it linear down to 0 at twice the target, or ratio."""
    if actual <= target:
        return points
    if target <= 0:
        return ZERO
    if variant == "ratio":
        return target / actual * points
    return max(ZERO, (ONE - (actual - target) / target) * points)


def qualitative_grade(indicator: Indicator) -> Grade | None:
    """A 定性 indicator's grade: as set, 达成 when the outcome reads as the target, else None."""
    if indicator.grade is not None:
        return indicator.grade
    if indicator.actual is not None and indicator.actual.text == indicator.target.text:
        return Grade.MET
    return None


def _units_agree(indicator: Indicator) -> bool:
    """Whether target and outcome are in one unit (or one of them gives none)."""
    assert indicator.actual is not None
    units = {indicator.target.unit, indicator.actual.unit} - {""}
    return len(units) <= 1


def by_rule(indicator: Indicator, rules: ScoringRules) -> Decimal | None:
    """The score the rule gives, unrounded; None when it cannot say (no outcome, units differ)."""
    rule = rule_of(indicator)
    points = indicator.points
    if rule is Rule.QUALITATIVE:
        grade = qualitative_grade(indicator)
        return None if grade is None else rules.bands[grade][1] * points
    actual = indicator.actual
    if actual is None or actual.number is None or indicator.target.number is None:
        return None
    if not _units_agree(indicator):
        return None
    target, value = indicator.target.number, actual.number
    if indicator.target.direction is Direction.EXACTLY:  # = scores on both sides
        if value > target:
            return negative(target, value, points, rules.negative)
        return positive(target, value, points)
    if rule is Rule.NEGATIVE:
        return negative(target, value, points, rules.negative)
    return positive(target, value, points)


def by_coefficient(indicator: Indicator) -> Decimal | None:
    """指标得分 from the 得分系数: points × coefficient ÷ 100, unrounded; None without one."""
    if indicator.coefficient is None:
        return None
    return indicator.points * indicator.coefficient / 100


def score_indicator(indicator: Indicator, rules: ScoringRules) -> Scored:
    """Score one indicator: the writer's score if given, else the one its 得分系数 gives, else
    the rule's, rounded half up."""
    coefficient = by_coefficient(indicator)
    computed = by_rule(indicator, rules) if coefficient is None else coefficient
    rounded = None if computed is None else round_half_up(computed, rules.places)
    rule = rule_of(indicator)
    if indicator.score is not None:
        return Scored(indicator, rule, rounded, indicator.score, True)
    return Scored(indicator, rule, rounded, rounded, False)


def in_band(indicator: Indicator, score: Decimal, rules: ScoringRules) -> bool:
    """Whether a 定性 indicator's score lies within its grade's band."""
    grade = qualitative_grade(indicator)
    if grade is None:
        return True
    low, high = rules.bands[grade]
    return low * indicator.points <= score <= high * indicator.points


def budget_score(points: Decimal, rate: Decimal | None, rules: ScoringRules) -> Decimal | None:
    """预算执行率 score: points × min(rate, 1), rounded half up."""
    if rate is None:
        return None
    return round_half_up(points * min(rate, ONE), rules.places)


def grade_of(total: Decimal | None, rules: ScoringRules) -> str | None:
    """优 / 良 / 中 / 差 for a total score out of 100."""
    if total is None:
        return None
    for floor, name in rules.grades:
        if total >= floor:
            return name
    return rules.grades[-1][1]


def rate_score(rule: RateRule, rate: Decimal | None, points: Decimal) -> Decimal | None:
    """The points `rule` gives `rate` out of `points` (unrounded); None without a rate."""
    if rate is None:
        return None
    lower = rule.better == "lower"
    if rule.rule == "per_point":
        beyond = rate - rule.limit if lower else rule.limit - rate
        if beyond <= 0:
            return points
        return max(ZERO, points - beyond * 100 * rule.step)
    bands = sorted(rule.bands, reverse=not lower)
    for threshold, score in bands:
        if (rate <= threshold) if lower else (rate >= threshold):
            return min(score, points)
    return ZERO
