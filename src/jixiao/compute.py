"""Every derived figure of a unit-year, computed once, exactly, from the validated content.

Totals are sums of their parts whenever the parts are given, otherwise the figure the
writer declared; ratios are exact Decimals (rounding happens only when formatting).
Templates and writer text read these figures; they never add or divide by themselves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from jixiao.model import ExpenseLine, GeneralBudget, Project, ProjectGroup, Staffing, Unit, Year


def ratio(part: Decimal | int | None, whole: Decimal | int | None) -> Decimal | None:
    """part ÷ whole, or None when either is missing or the whole is zero."""
    if part is None or whole is None or whole == 0:
        return None
    return Decimal(part) / Decimal(whole)


def total(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of `values`, or None unless every one of them is given (and there is one)."""
    values = list(values)
    if not values or any(v is None for v in values):
        return None
    return sum(values, Decimal(0))  # type: ignore[arg-type]


@dataclass(frozen=True)
class StaffFigures:
    """人员情况 and 财政供养人员控制率 (在职 ÷ 编制)."""

    authorized: int
    in_service: int
    retired_cadres: int
    retired: int
    control_rate: Decimal | None


@dataclass(frozen=True)
class LineFigures:
    """人员经费 or 公用经费: its amounts and its share of 基本支出."""

    budget: Decimal | None
    actual: Decimal | None
    share: Decimal | None
    covers: list[str]


@dataclass(frozen=True)
class BasicFigures:
    """基本支出: budget, actual (人员 + 公用 when both are given), execution rate, parts."""

    budget: Decimal | None
    actual: Decimal | None
    execution_rate: Decimal | None
    personnel: LineFigures | None
    public: LineFigures | None
    text: list[str]


@dataclass(frozen=True)
class ProjectFigures:
    """One project: its amounts and execution rate."""

    name: str
    purpose: str | None
    budget: Decimal | None
    actual: Decimal | None
    execution_rate: Decimal | None


@dataclass(frozen=True)
class GroupFigures:
    """A project group: totals of its projects (or the declared totals), execution rate."""

    name: str
    income: Decimal | None
    budget: Decimal | None
    actual: Decimal | None
    execution_rate: Decimal | None
    projects: list[ProjectFigures]
    numbered_list: bool
    text: list[str]


@dataclass(frozen=True)
class ProjectsFigures:
    """项目支出: totals over the groups."""

    budget: Decimal | None
    actual: Decimal | None
    execution_rate: Decimal | None
    groups: list[GroupFigures]
    text: list[str]


@dataclass(frozen=True)
class Figures:
    """All computed figures of one unit-year; what templates and writer text see."""

    year: int
    prior_year: int
    staffing: StaffFigures | None
    basic: BasicFigures | None
    projects: ProjectsFigures | None
    budget_total: Decimal | None
    actual_total: Decimal | None
    execution_rate: Decimal | None
    institution_types: list[tuple[str, int]]


def _staff(staffing: Staffing | None) -> StaffFigures | None:
    if staffing is None:
        return None
    return StaffFigures(
        authorized=staffing.authorized,
        in_service=staffing.in_service,
        retired_cadres=staffing.retired_cadres,
        retired=staffing.retired,
        control_rate=ratio(staffing.in_service, staffing.authorized),
    )


def _line(line: ExpenseLine | None, basic_actual: Decimal | None) -> LineFigures | None:
    if line is None:
        return None
    return LineFigures(
        budget=line.budget,
        actual=line.actual,
        share=ratio(line.actual, basic_actual),
        covers=list(line.covers),
    )


def _sum_or_declared(parts: list[Decimal | None], declared: Decimal | None) -> Decimal | None:
    return total(parts) if parts and total(parts) is not None else declared


def _basic(budget: GeneralBudget) -> BasicFigures:
    basic = budget.basic
    parts = [line for line in (basic.personnel, basic.public) if line is not None]
    actual = (
        _sum_or_declared([line.actual for line in parts], basic.actual)
        if len(parts) == 2
        else basic.actual
    )
    planned = (
        _sum_or_declared([line.budget for line in parts], basic.budget)
        if len(parts) == 2
        else basic.budget
    )
    return BasicFigures(
        budget=planned,
        actual=actual,
        execution_rate=ratio(actual, planned),
        personnel=_line(basic.personnel, actual),
        public=_line(basic.public, actual),
        text=list(basic.text),
    )


def _project(project: Project) -> ProjectFigures:
    return ProjectFigures(
        name=project.name,
        purpose=project.purpose,
        budget=project.budget,
        actual=project.actual,
        execution_rate=ratio(project.actual, project.budget),
    )


def _group(group: ProjectGroup) -> GroupFigures:
    projects = [_project(p) for p in group.projects]
    budget = _sum_or_declared([p.budget for p in projects], group.budget)
    actual = _sum_or_declared([p.actual for p in projects], group.actual)
    return GroupFigures(
        name=group.name,
        income=group.income,
        budget=budget,
        actual=actual,
        execution_rate=ratio(actual, budget),
        projects=projects,
        numbered_list=group.numbered_list,
        text=list(group.text),
    )


def _projects(budget: GeneralBudget) -> ProjectsFigures:
    groups = [_group(g) for g in budget.projects.groups]
    planned = total(g.budget for g in groups)
    actual = total(g.actual for g in groups)
    return ProjectsFigures(
        budget=planned,
        actual=actual,
        execution_rate=ratio(actual, planned),
        groups=groups,
        text=list(budget.projects.text),
    )


def compute(unit: Unit, year: Year) -> Figures:
    """The figures of `unit` in `year`."""
    basic = _basic(year.budget) if year.budget else None
    projects = _projects(year.budget) if year.budget else None
    budget_total = total([basic.budget if basic else None, projects.budget if projects else None])
    actual_total = total([basic.actual if basic else None, projects.actual if projects else None])
    types = Counter(inst.type for inst in unit.institutions)
    return Figures(
        year=year.year,
        prior_year=year.year - 1,
        staffing=_staff(year.staffing),
        basic=basic,
        projects=projects,
        budget_total=budget_total,
        actual_total=actual_total,
        execution_rate=ratio(actual_total, budget_total),
        institution_types=list(types.items()),
    )
