"""Scoring rules by hand-computed cases at their boundaries, and properties over many cases."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from jixiao.compute import Line, evaluate
from jixiao.model import Evaluation, Indicator
from jixiao.scoring import (
    ScoringRules,
    budget_score,
    grade_of,
    in_band,
    rule_of,
    score_indicator,
)

RULES = ScoringRules()
D = Decimal


def score(target: object, actual: object, points: object = 10, **extra: object) -> Decimal | None:
    indicator = Indicator(name="x", target=target, actual=actual, points=points, **extra)
    return score_indicator(indicator, RULES).score


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        ("≥50个", "50个", "10.00"),  # exactly at target: full
        ("≥50个", "60个", "10.00"),  # above: full, never more
        ("≥50个", "40个", "8.00"),  # 40 ÷ 50 × 10
        ("90%", "70%", "7.78"),  # 70 ÷ 90 × 10 = 7.777… → 7.78 half up
        ("90%", "0%", "0.00"),
        ("0", "0", "10.00"),  # zero target: any outcome meets it
        ("30", "54人", "10.00"),  # a unit on one side only still compares
    ],
)
def test_positive_rule(target: str, actual: str, expected: str) -> None:
    assert score(target, actual) == D(expected)


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        ("≤90万元", "90万元", "10.00"),  # at target
        ("≤90万元", "45万元", "10.00"),  # under: full
        ("≤90万元", "99万元", "9.00"),  # (1 − 9 ÷ 90) × 10
        ("≤90万元", "180万元", "0.00"),  # twice the target: 0
        ("≤90万元", "200万元", "0.00"),  # beyond twice: still 0, never negative
        ("≤0", "0", "10.00"),
        ("≤0", "1", "0.00"),
    ],
)
def test_negative_rule_linear(target: str, actual: str, expected: str) -> None:
    assert score(target, actual) == D(expected)


def test_negative_rule_ratio_variant() -> None:
    rules = ScoringRules(negative="ratio")
    indicator = Indicator(name="x", target="≤90", actual="120", points=10)
    assert score_indicator(indicator, rules).score == D("7.50")  # 90 ÷ 120 × 10


def test_an_unknown_negative_variant_is_refused() -> None:
    with pytest.raises(ValidationError):
        ScoringRules(negative="ratoi")  # a typo must not fall back to linear silently


def test_exact_target_scores_both_sides() -> None:
    assert score("=100%", "100%") == D("10.00")
    assert score("=100%", "80%") == D("8.00")
    assert score("=100%", "110%") == D("9.00")


def test_qualitative_met_band_and_writer_choice() -> None:
    assert score("运转正常，无负面影响", "运转正常，无负面影响") == D("10.00")
    partly = Indicator(name="x", target="效果明显", actual="效果一般", points=10, grade="部分达成")
    assert score_indicator(partly, RULES).score == D("8.00")  # top of the 60–80 % band
    assert in_band(partly, D("7"), RULES) and not in_band(partly, D("9"), RULES)
    unknown = Indicator(name="x", target="效果明显", actual="效果一般", points=10)
    assert score_indicator(unknown, RULES).score is None  # the writer must grade or score it


def test_override_wins_and_is_marked() -> None:
    indicator = Indicator(name="x", target="90", actual="90", points=5, score="4.25", reason="疫情")
    scored = score_indicator(indicator, RULES)
    assert scored.score == D("4.25") and scored.by_rule == D("5.00") and scored.overridden
    assert scored.short


def test_rule_is_inferred_from_target() -> None:
    def rule(target: str) -> str:
        return rule_of(Indicator(name="x", target=target, points=1)).value

    assert [rule("≥5"), rule("≤5"), rule("90%"), rule("效果明显")] == [
        "正向",
        "反向",
        "正向",
        "定性",
    ]


def test_budget_score_caps_at_points() -> None:
    assert budget_score(D(10), D("6558.23") / D("8268.91"), RULES) == D("7.93")
    assert budget_score(D(10), D("1.2"), RULES) == D("10.00")
    assert budget_score(D(10), None, RULES) is None


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", "优"),
        ("90", "优"),
        ("89.99", "良"),
        ("80", "良"),
        ("79.99", "中"),
        ("60", "中"),
        ("59.99", "差"),
        ("0", "差"),
    ],
)
def test_grades(total: str, grade: str) -> None:
    assert grade_of(D(total), RULES) == grade


numbers = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False)
points = st.decimals(min_value=0, max_value=50, places=2, allow_nan=False)
directions = st.sampled_from(["", "≥", "≤", "="])


@given(directions, numbers, numbers, points)
def test_score_is_within_zero_and_points(
    direction: str, target: Decimal, actual: Decimal, weight: Decimal
) -> None:
    result = score(f"{direction}{target}", str(actual), weight)
    assert result is not None
    assert D(0) <= result <= weight


@given(st.lists(st.tuples(numbers, numbers, points), min_size=1, max_size=12), numbers, numbers)
def test_total_is_the_sum_of_what_is_printed(rows: list, budget: Decimal, actual: Decimal) -> None:
    indicators = [
        Indicator(name=f"i{n}", target=str(t), actual=str(a), points=p)
        for n, (t, a, p) in enumerate(rows)
    ]
    evaluation = Evaluation(
        indicators=[
            {"name": "产出指标", "categories": [{"name": "数量指标", "indicators": indicators}]}
        ]
    )
    figures = evaluate(evaluation, Line(budget=budget, actual=actual), [], [], RULES)
    scores = [row.score for row in figures.rows]
    if figures.budget_score is None:
        assert figures.score_total is None
    else:
        assert figures.score_total == figures.budget_score + sum(scores)
        assert figures.score_total <= figures.points_total
    assert figures.points_total == D(10) + sum(p for _t, _a, p in rows)
