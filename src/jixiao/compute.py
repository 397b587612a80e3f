"""Every derived figure of a unit-year, computed once, exactly, from the validated content.

Totals are sums of their parts whenever the parts are given, otherwise the figure the
writer declared; ratios are exact Decimals (rounding happens only when formatting, and
for scores, which are rounded once here so that a total is the sum of what is printed).
Templates and writer text read these figures; they never add or divide by themselves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.model import (
    Amounts,
    Evaluation,
    ExpenseLine,
    GeneralBudget,
    KeyProject,
    Project,
    ProjectGroup,
    Staffing,
    Unit,
    Year,
)
from jixiao.model.year import BasicData, Income, ProjectKind
from jixiao.scoring import Scored, ScoringRules, budget_score, grade_of, score_indicator

COLUMNS = ("prior", "initial", "budget", "actual")


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


def change_rate(current: Decimal | None, prior: Decimal | None) -> Decimal | None:
    """(current − prior) ÷ prior, e.g. 三公经费变动率."""
    if current is None or prior is None:
        return None
    return ratio(current - prior, prior)


@dataclass(frozen=True)
class Line:
    """One line of figures: 上年决算, 年初预算, 全年预算, 执行数, and its execution rate."""

    prior: Decimal | None = None
    initial: Decimal | None = None
    budget: Decimal | None = None
    actual: Decimal | None = None

    @property
    def execution_rate(self) -> Decimal | None:
        """执行率 = 执行数 ÷ 全年预算数."""
        return ratio(self.actual, self.budget)

    @classmethod
    def of(cls, amounts: Amounts) -> Line:
        return cls(amounts.prior, amounts.initial, amounts.budget, amounts.actual)

    @classmethod
    def zero(cls) -> Line:
        return cls(Decimal(0), Decimal(0), Decimal(0), Decimal(0))


def sum_lines(lines: list[Line], declared: Line | None = None) -> Line:
    """Column by column: the sum of `lines` where every line gives it, else the declared figure.

    No lines at all sum to zero (no projects: no project spending), unless declared.
    """
    if not lines and declared is None:
        return Line.zero()
    values = {}
    for column in COLUMNS:
        summed = total(getattr(line, column) for line in lines)
        values[column] = summed if summed is not None else getattr(declared, column, None)
    return Line(**values)


@dataclass(frozen=True)
class StaffFigures:
    """人员情况 and 财政供养人员控制率 (在职 ÷ 编制)."""

    authorized: int
    in_service: int
    retired_cadres: int
    retired: int
    control_rate: Decimal | None


@dataclass(frozen=True)
class NamedLine(Line):
    """A named line, such as 办公费 within 公用经费."""

    name: str = ""


@dataclass(frozen=True)
class LineFigures(Line):
    """人员经费 or 公用经费: its figures, its share of 基本支出, what it covers, its named parts."""

    share: Decimal | None = None
    covers: list[str] = field(default_factory=list)
    parts: list[NamedLine] = field(default_factory=list)


@dataclass(frozen=True)
class BasicFigures(Line):
    """基本支出: figures (人员 + 公用 when both are given) and its two parts."""

    personnel: LineFigures | None = None
    public: LineFigures | None = None
    text: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ProjectFigures(Line):
    """One project: its figures and purpose."""

    name: str = ""
    purpose: str | None = None


@dataclass(frozen=True)
class GroupFigures(Line):
    """A project group: totals of its projects (or the declared totals)."""

    name: str = ""
    kind: ProjectKind | None = None
    income: Decimal | None = None
    projects: list[ProjectFigures] = field(default_factory=list)
    numbered_list: bool = True
    text: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ProjectsFigures(Line):
    """项目支出: totals over the groups, and the rows of the 基础数据表 by kind."""

    groups: list[GroupFigures] = field(default_factory=list)
    by_kind: dict[ProjectKind, Line] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class IncomeFigures:
    """年初预算 by source, and their total."""

    general_budget: Decimal
    government_fund: Decimal
    non_tax: Decimal
    other: Decimal
    total: Decimal | None  # None while a part is still 待填


@dataclass(frozen=True)
class ThreePublicFigures:
    """三公经费: parts, 公务用车 = 购置 + 运行维护, total, and the rates reviewers ask for."""

    vehicle_purchase: Line
    vehicle_operation: Line
    vehicle: Line
    overseas: Line
    reception: Line
    total: Line
    change_rate: Decimal | None  # 三公经费变动率 = (本年决算 − 上年决算) ÷ 上年决算
    control_rate: Decimal | None  # 三公经费控制率 = 决算 ÷ 预算


@dataclass(frozen=True)
class BuildingFigures:
    """楼堂馆所: areas, investment and their control rates (实际 ÷ 批复)."""

    approved_area: Decimal
    actual_area: Decimal
    area_rate: Decimal | None
    budget: Decimal
    actual: Decimal
    investment_rate: Decimal | None


@dataclass(frozen=True)
class BasicDataFigures:
    """The 基础数据表's own figures."""

    three_public: ThreePublicFigures
    procurement: Line
    buildings: BuildingFigures
    frugality: list[str]


@dataclass(frozen=True)
class CategoryFigures:
    """A 二级指标 with its scored indicators and the sum of their points."""

    name: str
    rows: list[Scored]
    points: Decimal


@dataclass(frozen=True)
class GroupScore:
    """A 一级指标: declared and summed points, its categories, the sum of its scores."""

    name: str
    declared_points: Decimal | None
    points: Decimal
    categories: list[CategoryFigures]
    score: Decimal | None

    @property
    def shown_points(self) -> Decimal:
        """The weight to print: as declared on the form, else the sum of its indicators."""
        return self.declared_points if self.declared_points is not None else self.points

    @property
    def row_count(self) -> int:
        return sum(len(c.rows) for c in self.categories)


@dataclass(frozen=True)
class EvaluationFigures:
    """A self-evaluation form: funds and execution score, scored indicators, 总分 and grade."""

    funds: Line
    budget_points: Decimal
    budget_score: Decimal | None
    goals: list[str]
    results: list[str]
    groups: list[GroupScore]
    points_total: Decimal
    score_total: Decimal | None
    grade: str | None

    @property
    def rows(self) -> list[Scored]:
        return [row for g in self.groups for c in g.categories for row in c.rows]


@dataclass(frozen=True)
class KeyProjectFigures:
    """A 重点项目: its funds by source and in total, the district share, its evaluation."""

    name: str
    type: str | None
    purpose: str | None
    department: str
    implementer: str
    current: Line
    carryover: Line
    other: Line
    funds: Line
    district: Line
    evaluation: EvaluationFigures


@dataclass(frozen=True)
class Figures:
    """All computed figures of one unit-year; what templates and writer text see."""

    year: int
    prior_year: int
    staffing: StaffFigures | None
    basic: BasicFigures | None
    projects: ProjectsFigures | None
    overall: Line
    execution_rate: Decimal | None
    income: IncomeFigures | None
    basic_data: BasicDataFigures | None
    evaluation: EvaluationFigures | None
    key_projects: list[KeyProjectFigures]
    key_total: Line
    key_district: Line
    institution_types: list[tuple[str, int]]

    @property
    def budget_total(self) -> Decimal | None:
        return self.overall.budget

    @property
    def actual_total(self) -> Decimal | None:
        return self.overall.actual


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


def _line_figures(line: ExpenseLine | None, basic_actual: Decimal | None) -> LineFigures | None:
    if line is None:
        return None
    parts = [NamedLine(p.prior, p.initial, p.budget, p.actual, name=p.name) for p in line.parts]
    return LineFigures(
        line.prior,
        line.initial,
        line.budget,
        line.actual,
        share=ratio(line.actual, basic_actual),
        covers=list(line.covers),
        parts=parts,
    )


def _basic(budget: GeneralBudget) -> BasicFigures:
    basic = budget.basic
    parts = [Line.of(p) for p in (basic.personnel, basic.public) if p is not None]
    line = sum_lines(parts, Line.of(basic)) if len(parts) == 2 else Line.of(basic)
    return BasicFigures(
        line.prior,
        line.initial,
        line.budget,
        line.actual,
        personnel=_line_figures(basic.personnel, line.actual),
        public=_line_figures(basic.public, line.actual),
        text=list(basic.text),
    )


def _project(project: Project) -> ProjectFigures:
    line = Line.of(project)
    return ProjectFigures(**vars(line), name=project.name, purpose=project.purpose)


def _group(group: ProjectGroup) -> GroupFigures:
    projects = [_project(p) for p in group.projects]
    line = sum_lines(projects, Line.of(group)) if projects else Line.of(group)
    return GroupFigures(
        **vars(line),
        name=group.name,
        kind=group.kind,
        income=group.income,
        projects=projects,
        numbered_list=group.numbered_list,
        text=list(group.text),
    )


def _projects(budget: GeneralBudget) -> ProjectsFigures:
    groups = [_group(g) for g in budget.projects.groups]
    line = sum_lines(groups)
    by_kind = {
        kind: sum_lines([g for g in groups if g.kind is kind])
        if any(g.kind is kind for g in groups)
        else Line.zero()
        for kind in ProjectKind
    }
    return ProjectsFigures(
        **vars(line), groups=groups, by_kind=by_kind, text=list(budget.projects.text)
    )


def _income(income: Income | None) -> IncomeFigures | None:
    if income is None:
        return None
    parts = (income.general_budget, income.government_fund, income.non_tax, income.other)
    return IncomeFigures(*parts, total=total(parts))


def _basic_data(data: BasicData | None) -> BasicDataFigures | None:
    if data is None:
        return None
    three = data.three_public
    purchase, operation = Line.of(three.vehicle_purchase), Line.of(three.vehicle_operation)
    vehicle = sum_lines([purchase, operation])
    overseas, reception = Line.of(three.overseas), Line.of(three.reception)
    three_total = sum_lines([vehicle, overseas, reception])
    buildings = data.buildings
    return BasicDataFigures(
        three_public=ThreePublicFigures(
            vehicle_purchase=purchase,
            vehicle_operation=operation,
            vehicle=vehicle,
            overseas=overseas,
            reception=reception,
            total=three_total,
            change_rate=change_rate(three_total.actual, three_total.prior),
            control_rate=ratio(three_total.actual, three_total.budget),
        ),
        procurement=Line.of(data.procurement),
        buildings=BuildingFigures(
            approved_area=buildings.approved_area,
            actual_area=buildings.actual_area,
            area_rate=ratio(buildings.actual_area, buildings.approved_area),
            budget=buildings.budget,
            actual=buildings.actual,
            investment_rate=ratio(buildings.actual, buildings.budget),
        ),
        frugality=list(data.frugality),
    )


def evaluate(
    evaluation: Evaluation, funds: Line, goals: list[str], results: list[str], rules: ScoringRules
) -> EvaluationFigures:
    """Score a self-evaluation form: execution score, each indicator, group sums, 总分, grade."""
    groups = []
    for group in evaluation.indicators:
        categories = []
        for category in group.categories:
            rows = [score_indicator(i, rules) for i in category.indicators]
            points = sum((i.points for i in category.indicators), Decimal(0))
            categories.append(CategoryFigures(category.name, rows, points))
        scores = [row.score for c in categories for row in c.rows]
        groups.append(
            GroupScore(
                name=group.name,
                declared_points=group.points,
                points=sum((c.points for c in categories), Decimal(0)),
                categories=categories,
                score=total(scores),
            )
        )
    execution = budget_score(evaluation.budget_points, funds.execution_rate, rules)
    score_total = total([execution, *(g.score for g in groups)])
    return EvaluationFigures(
        funds=funds,
        budget_points=evaluation.budget_points,
        budget_score=execution,
        goals=goals,
        results=results,
        groups=groups,
        points_total=evaluation.budget_points + sum((g.points for g in groups), Decimal(0)),
        score_total=score_total,
        grade=grade_of(score_total, rules),
    )


def _key_project(project: KeyProject, unit: Unit, rules: ScoringRules) -> KeyProjectFigures:
    current, carryover = Line.of(project.funds.current), Line.of(project.funds.carryover)
    other = Line.of(project.funds.other)
    given = [line for line in (current, carryover, other) if line != Line()]
    funds = sum_lines(given) if given else Line()
    return KeyProjectFigures(
        name=project.name,
        type=project.type,
        purpose=project.purpose,
        department=project.department or unit.short_name,
        implementer=project.implementer or unit.short_name,
        current=current,
        carryover=carryover,
        other=other,
        funds=funds,
        district=Line.of(project.district),
        evaluation=evaluate(project.evaluation, funds, project.goals, project.results, rules),
    )


def compute(unit: Unit, year: Year, rules: ScoringRules | None = None) -> Figures:
    """The figures of `unit` in `year`, scored by `rules` (the kind's scoring settings)."""
    rules = rules or ScoringRules()
    basic = _basic(year.budget) if year.budget else None
    projects = _projects(year.budget) if year.budget else None
    overall = sum_lines([basic, projects]) if basic and projects else Line()
    evaluation = (
        evaluate(year.evaluation, overall, year.goals, year.results, rules)
        if year.evaluation
        else None
    )
    key_projects = [_key_project(p, unit, rules) for p in year.key_projects]
    types = Counter(inst.type for inst in unit.institutions)
    return Figures(
        year=year.year,
        prior_year=year.year - 1,
        staffing=_staff(year.staffing),
        basic=basic,
        projects=projects,
        overall=overall,
        execution_rate=overall.execution_rate,
        income=_income(year.income),
        basic_data=_basic_data(year.basic_data),
        evaluation=evaluation,
        key_projects=key_projects,
        key_total=sum_lines([p.funds for p in key_projects]),
        key_district=sum_lines([p.district for p in key_projects]),
        institution_types=list(types.items()),
    )
