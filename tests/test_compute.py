"""Derived figures: sums of parts when given, declared figures otherwise, exact ratios."""

from __future__ import annotations

from decimal import Decimal

from jixiao.compute import compute, ratio, total
from jixiao.model import Unit, Year

UNIT = Unit(full_name="甲单位", short_name="甲")


def year(**budget: object) -> Year:
    return Year.model_validate({"year": 2023, "budget": budget})


def test_basic_is_personnel_plus_public_and_shares_are_exact() -> None:
    figures = compute(
        UNIT, year(basic={"personnel": {"actual": "761.25"}, "public": {"actual": "511.50"}})
    )
    basic = figures.basic
    assert basic.actual == Decimal("1272.75")
    assert basic.personnel.share == Decimal("761.25") / Decimal("1272.75")
    assert basic.personnel.share + basic.public.share == 1


def test_declared_total_used_when_parts_are_missing() -> None:
    figures = compute(UNIT, year(basic={"budget": "2709.86", "actual": "3277.15"}))
    assert figures.basic.actual == Decimal("3277.15")
    assert figures.basic.execution_rate == Decimal("3277.15") / Decimal("2709.86")


def test_group_totals_sum_projects_and_fall_back_to_declared() -> None:
    figures = compute(
        UNIT,
        year(
            basic={"actual": "1"},
            projects={
                "groups": [
                    {
                        "name": "甲",
                        "projects": [
                            {"name": "a", "actual": "116"},
                            {"name": "b", "actual": "28.8"},
                        ],
                    },
                    {"name": "乙", "actual": "10", "projects": [{"name": "c"}]},
                ]
            },
        ),
    )
    first, second = figures.projects.groups
    assert first.actual == Decimal("144.8")
    assert second.actual == Decimal("10")
    assert figures.projects.actual == Decimal("154.8")
    assert figures.actual_total == Decimal("155.8")


def test_ratio_and_total_refuse_missing_values() -> None:
    assert ratio(1, 0) is None and ratio(None, 2) is None
    assert total([Decimal(1), None]) is None and total([]) is None


def test_institution_types_counted_in_order() -> None:
    unit = Unit(
        full_name="甲",
        short_name="甲",
        institutions=[{"type": "参公"}, {"type": "事业"}, {"type": "事业"}],
    )
    assert compute(unit, Year(year=2023)).institution_types == [("参公", 1), ("事业", 2)]
