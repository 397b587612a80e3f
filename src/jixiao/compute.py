"""Every derived figure of a unit-year, computed once, exactly, from the validated content.

Totals are sums of their parts whenever the parts are given, otherwise the figure the
writer declared; ratios are exact Decimals (rounding happens only when formatting, and
for scores, which are rounded once here so that a total is the sum of what is printed).
Templates and writer text read these figures; they never add or divide by themselves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from jixiao.formatting import round_half_up
from jixiao.frozen import frozen
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
from jixiao.model.indicators import Target, TargetGroup
from jixiao.model.scores import RateKey, ScoreItem, ScoreTable
from jixiao.model.year import (
    BasicData,
    Coverage,
    Income,
    InstitutionYear,
    OfficialCard,
    ProjectKind,
    ThreePublic,
)
from jixiao.scoring import (
    Scored,
    ScoringRules,
    budget_score,
    grade_of,
    rate_score,
    score_indicator,
)

COLUMNS = ("prior", "initial", "budget", "actual")
INFINITE = Decimal("Infinity")


def ratio(part: Decimal | int | None, whole: Decimal | int | None) -> Decimal | None:
    """part ÷ whole, or None when either is missing or the whole is zero."""
    if part is None or whole is None or whole == 0:
        return None
    return Decimal(part) / Decimal(whole)


def total(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of `values`, or None unless every one of them is given (and there is one)."""
    values = list(values)
    given = [v for v in values if v is not None]
    if not values or len(given) < len(values):
        return None
    return sum(given, Decimal(0))


def sum_given(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the values that are given (a blank counts as 0), or None if none is."""
    given = [v for v in values if v is not None]
    return sum(given, Decimal(0)) if given else None


def _minus(a: Decimal | None, *others: Decimal | None) -> Decimal | None:
    """a − others (a blank other counts as 0), or None when `a` is not given."""
    if a is None:
        return None
    return a - sum((o for o in others if o is not None), Decimal(0))


def change_rate(current: Decimal | None, prior: Decimal | None) -> Decimal | None:
    """(current − prior) ÷ prior, e.g. 三公经费变动率."""
    if current is None or prior is None:
        return None
    return ratio(current - prior, prior)


@frozen
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
        """The line of figures a content model gives (blank where it gives none)."""
        return cls(amounts.prior, amounts.initial, amounts.budget, amounts.actual)

    @classmethod
    def zero(cls) -> Line:
        """Zero in every column: what no items at all add up to."""
        return cls(Decimal(0), Decimal(0), Decimal(0), Decimal(0))


def sum_lines(lines: Sequence[Line], declared: Line | None = None) -> Line:
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


def _with_declared(computed: Line, declared: Amounts | None) -> Line:
    """Column by column, the computed figure where there is one, else the declared one."""
    if declared is None:
        return computed
    return sum_lines([computed], Line.of(declared))


@frozen
class StaffFigures:
    """人员情况 and 财政供养人员控制率 (在职 ÷ 编制)."""

    authorized: int
    in_service: int
    retired_cadres: int
    retired: int
    control_rate: Decimal | None


@frozen
class NamedLine(Line):
    """A named line, such as 办公费 within 公用经费."""

    name: str = ""


@frozen
class LineFigures(Line):
    """人员经费 or 公用经费: its figures, its share of 基本支出, what it covers, its named parts."""

    share: Decimal | None = None
    covers: list[str] = field(default_factory=list)
    parts: list[NamedLine] = field(default_factory=list)


@frozen
class BasicFigures(Line):
    """基本支出: figures (人员 + 公用 when both are given) and its two parts."""

    personnel: LineFigures | None = None
    public: LineFigures | None = None
    text: list[str] = field(default_factory=list)


@frozen
class ProjectFigures(Line):
    """One project: its figures and purpose."""

    name: str = ""
    purpose: str | None = None


@frozen
class GroupFigures(Line):
    """A project group: totals of its projects (or the declared totals)."""

    name: str = ""
    kind: ProjectKind | None = None
    income: Decimal | None = None
    projects: list[ProjectFigures] = field(default_factory=list)
    numbered_list: bool = True
    text: list[str] = field(default_factory=list)


@frozen
class ProjectsFigures(Line):
    """项目支出: totals over the groups, and the rows of the 基础数据表 by kind."""

    groups: list[GroupFigures] = field(default_factory=list)
    by_kind: dict[ProjectKind, Line] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)


@frozen
class IncomeFigures:
    """年初预算 by source, and their total."""

    general_budget: Decimal
    government_fund: Decimal
    non_tax: Decimal
    other: Decimal
    total: Decimal | None  # None while a part is still 待填


@frozen
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


@frozen
class BuildingFigures:
    """楼堂馆所: areas, investment and their control rates (实际 ÷ 批复)."""

    approved_area: Decimal
    actual_area: Decimal
    area_rate: Decimal | None
    budget: Decimal
    actual: Decimal
    investment_rate: Decimal | None


@frozen
class BasicDataFigures:
    """The 基础数据表's own figures."""

    three_public: ThreePublicFigures
    procurement: Line
    buildings: BuildingFigures
    frugality: list[str]


@frozen
class CategoryFigures:
    """A 二级指标 with its scored indicators and the sum of their points."""

    name: str
    rows: list[Scored]
    points: Decimal


@frozen
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


@frozen
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
        """Every scored indicator, in table order."""
        return [row for g in self.groups for c in g.categories for row in c.rows]


@frozen
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
    overview: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)


@frozen
class Figures:
    """All computed figures of one unit-year; what templates and writer text see."""

    year: int
    staffing: StaffFigures | None
    basic: BasicFigures | None
    projects: ProjectsFigures | None
    overall: Line
    income: IncomeFigures | None
    basic_data: BasicDataFigures | None
    evaluation: EvaluationFigures | None
    key_projects: list[KeyProjectFigures]
    key_total: Line
    key_district: Line
    institution_types: list[tuple[str, int]]
    institutions: InstitutionsFigures | None = None
    rates: dict[RateKey, Decimal | None] = field(default_factory=dict)
    scores: ScoreFigures | None = None
    targets: list[TargetGroup] = field(default_factory=list)
    coverage: CoverageFigures | None = None

    @property
    def prior_year(self) -> int:
        """The year before: 上年 in the text and the forms."""
        return self.year - 1

    @property
    def execution_rate(self) -> Decimal | None:
        """执行率 of the whole unit = 执行数 ÷ 全年预算数."""
        return self.overall.execution_rate

    @property
    def budget_total(self) -> Decimal | None:
        """全年预算数 of the whole unit."""
        return self.overall.budget

    @property
    def actual_total(self) -> Decimal | None:
        """执行数 of the whole unit."""
        return self.overall.actual

    @property
    def self_score(self) -> Decimal | None:
        """The unit's 绩效自评总分: from its 自评表, else from its 评分表."""
        if self.evaluation is not None:
            return self.evaluation.score_total
        return self.scores.score if self.scores is not None else None


def _staff(staffing: Staffing | None) -> StaffFigures | None:
    """人员情况 and its 控制率."""
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
    """人员经费 or 公用经费 as given, with its share of 基本支出's 执行数."""
    if line is None:
        return None
    parts = [NamedLine(**vars(Line.of(p)), name=p.name) for p in line.parts]
    return LineFigures(
        **vars(Line.of(line)),
        share=ratio(line.actual, basic_actual),
        covers=list(line.covers),
        parts=parts,
    )


def _basic(budget: GeneralBudget) -> BasicFigures:
    """基本支出: 人员 + 公用 where both are given, else as declared; each part's share."""
    basic = budget.basic
    parts = [Line.of(p) for p in (basic.personnel, basic.public) if p is not None]
    line = sum_lines(parts, Line.of(basic)) if len(parts) == 2 else Line.of(basic)
    return BasicFigures(
        **vars(line),
        personnel=_line_figures(basic.personnel, line.actual),
        public=_line_figures(basic.public, line.actual),
        text=list(basic.text),
    )


def _project(project: Project) -> ProjectFigures:
    """One project's figures, as given."""
    line = Line.of(project)
    return ProjectFigures(**vars(line), name=project.name, purpose=project.purpose)


def _group(group: ProjectGroup) -> GroupFigures:
    """A project group: the sum of its projects, else its declared figures."""
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
    """项目支出: the sum of the groups, and of the groups of each 基础数据表 kind."""
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
    """年初预算 by source, and their total."""
    if income is None:
        return None
    parts = (income.general_budget, income.government_fund, income.non_tax, income.other)
    return IncomeFigures(*parts, total=total(parts))


def three_public_figures(three: ThreePublic) -> ThreePublicFigures:
    """三公经费 by part, 公务用车 = 购置 + 运行维护, the total and its 变动率 and 控制率."""
    purchase, operation = Line.of(three.vehicle_purchase), Line.of(three.vehicle_operation)
    vehicle = sum_lines([purchase, operation])
    overseas, reception = Line.of(three.overseas), Line.of(three.reception)
    three_total = sum_lines([vehicle, overseas, reception])
    return ThreePublicFigures(
        vehicle_purchase=purchase,
        vehicle_operation=operation,
        vehicle=vehicle,
        overseas=overseas,
        reception=reception,
        total=three_total,
        change_rate=change_rate(three_total.actual, three_total.prior),
        control_rate=ratio(three_total.actual, three_total.budget),
    )


def _basic_data(data: BasicData | None) -> BasicDataFigures | None:
    """The 基础数据表's own figures and their control rates."""
    if data is None:
        return None
    buildings = data.buildings
    return BasicDataFigures(
        three_public=three_public_figures(data.three_public),
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


def _targets_of(project: KeyProject) -> list[Target]:
    """A project's indicators as plain targets, for kinds that list them in the text."""
    return [
        Target(name=i.name, target=i.target, actual=i.actual, formula=i.formula)
        for group in project.evaluation.indicators
        for category in group.categories
        for i in category.indicators
    ]


def _key_project(project: KeyProject, unit: Unit, rules: ScoringRules) -> KeyProjectFigures:
    """A 重点项目: funds as the sum of the sources given, and its scored evaluation."""
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
        overview=list(project.overview),
        targets=list(project.targets) or _targets_of(project),
        problems=list(project.problems),
        measures=list(project.measures),
    )


def compute(unit: Unit, year: Year, rules: ScoringRules | None = None) -> Figures:
    """The figures of `unit` in `year`, scored by `rules` (the kind's scoring settings)."""
    rules = rules or ScoringRules()
    basic = _basic(year.budget) if year.budget else None
    projects = _projects(year.budget) if year.budget else None
    overall = sum_lines([basic, projects]) if basic and projects else Line()
    institutions = _institutions(year.institutions) if year.institutions else None
    if not (basic and projects):
        spent = Line(actual=institutions.total.spending) if institutions else Line()
        overall = _with_declared(spent, year.overall)
    evaluation = (
        evaluate(year.evaluation, overall, year.goals, year.results, rules)
        if year.evaluation
        else None
    )
    key_projects = [_key_project(p, unit, rules) for p in year.key_projects]
    types = Counter(inst.type for inst in unit.institutions)
    basic_data = _basic_data(year.basic_data)
    key_total = sum_lines([p.funds for p in key_projects])
    staff = _staff(year.staffing)
    rates = _rates(staff, overall, projects, key_total, basic_data, institutions, year)
    return Figures(
        year=year.year,
        staffing=staff,
        basic=basic,
        projects=projects,
        overall=overall,
        income=_income(year.income),
        basic_data=basic_data,
        evaluation=evaluation,
        key_projects=key_projects,
        key_total=key_total,
        key_district=sum_lines([p.district for p in key_projects]),
        institution_types=list(types.items()),
        institutions=institutions,
        rates=rates,
        scores=score_table(year.scores, rates, rules) if year.scores else None,
        targets=list(year.targets),
        coverage=_coverage(year.coverage),
    )


# Institutions, rates, the 评分表, coverage ----------------------------------------------------


@frozen
class InstitutionFigures:
    """One institution's row of the 收支 tables (or the 汇总 row): typed and computed figures."""

    name: str
    carryover: Decimal | None  # 上年结转
    general_budget: Decimal | None  # 公共财政拨款
    government_fund: Decimal | None
    non_tax: Decimal | None
    other_income: Decimal | None
    income: Decimal | None  # 收入合计
    personnel: Decimal | None
    public: Decimal | None
    basic: Decimal | None  # 基本支出 = 人员 + 公用
    projects: Decimal | None
    spending: Decimal | None  # 支出合计 = 基本 + 项目
    balance: Decimal | None  # 当年结余 = 收入合计 − 上年结转 − 支出合计
    accumulated: Decimal | None  # 累计结余 = 收入合计 − 支出合计
    three_public: ThreePublicFigures
    assets_in_use: Decimal | None
    assets_leased: Decimal | None
    assets_other: Decimal | None
    assets: Decimal | None  # 固定资产合计
    asset_use: Decimal | None  # 固定资产利用率 = 在用 ÷ 合计


@frozen
class InstitutionsFigures:
    """The institutions in order, and their 汇总 computed from the same inputs summed."""

    rows: list[InstitutionFigures]
    total: InstitutionFigures


def _institution(inst: InstitutionYear) -> InstitutionFigures:
    """One institution's row: the given figures, their sums, balances and 利用率."""
    income, spending, assets = inst.income, inst.spending, inst.assets
    income_total = sum_given(
        [
            income.carryover,
            income.general_budget,
            income.government_fund,
            income.non_tax,
            income.other,
        ]
    )
    basic = sum_given([spending.personnel, spending.public])
    spent = sum_given([basic, spending.projects])
    accumulated = _minus(income_total, spent) if spent is not None else None
    assets_total = sum_given([assets.in_use, assets.leased, assets.other])
    return InstitutionFigures(
        name=inst.name,
        carryover=income.carryover,
        general_budget=income.general_budget,
        government_fund=income.government_fund,
        non_tax=income.non_tax,
        other_income=income.other,
        income=income_total,
        personnel=spending.personnel,
        public=spending.public,
        basic=basic,
        projects=spending.projects,
        spending=spent,
        balance=_minus(accumulated, income.carryover),
        accumulated=accumulated,
        three_public=three_public_figures(inst.three_public),
        assets_in_use=assets.in_use,
        assets_leased=assets.leased,
        assets_other=assets.other,
        assets=assets_total,
        asset_use=ratio(assets.in_use or Decimal(0), assets_total) if assets_total else None,
    )


def _summed(models: list[Any]) -> dict[str, Any]:
    """Field by field, the sum of the amounts given in `models` (nested models alike)."""
    out: dict[str, Any] = {}
    for name in type(models[0]).model_fields:
        values = [getattr(m, name) for m in models]
        if isinstance(values[0], BaseModel):
            out[name] = _summed(values)
        elif all(v is None or isinstance(v, Decimal) for v in values):
            out[name] = sum_given(values)
    return out


def _institutions(institutions: list[InstitutionYear]) -> InstitutionsFigures:
    """Each institution's figures, and the 汇总 as the same figures of the summed inputs."""
    summed = InstitutionYear.model_validate({**_summed(institutions), "name": "汇总"})
    return InstitutionsFigures([_institution(i) for i in institutions], _institution(summed))


def _balance_rate(total: InstitutionFigures | None) -> Decimal | None:
    """结余 ÷ 上年结转: 0 without a balance, infinite with a balance and nothing carried over."""
    if total is None or total.accumulated is None:
        return None
    if total.accumulated <= 0:
        return Decimal(0)
    if not total.carryover:
        return INFINITE
    return total.accumulated / total.carryover


def _rates(
    staff: StaffFigures | None,
    overall: Line,
    projects: ProjectsFigures | None,
    key_total: Line,
    basic_data: BasicDataFigures | None,
    institutions: InstitutionsFigures | None,
    year: Year,
) -> dict[RateKey, Decimal | None]:
    """Every rate a 评分表 item may be scored by; None where the figures are not given."""
    three = (
        institutions.total.three_public
        if institutions
        else basic_data.three_public
        if basic_data
        else None
    )
    adjustment = None
    if overall.budget is not None and overall.initial:
        adjustment = abs(overall.budget - overall.initial) / overall.initial
    card: OfficialCard | None = year.official_card
    procurement = basic_data.procurement if basic_data else Line()
    return {
        RateKey.STAFF_CONTROL: staff.control_rate if staff else None,
        RateKey.THREE_PUBLIC_CHANGE: three.change_rate if three else None,
        RateKey.THREE_PUBLIC_CONTROL: three.control_rate if three else None,
        RateKey.KEY_SPENDING: ratio(key_total.actual, projects.actual if projects else None),
        RateKey.BUDGET_ADJUSTMENT: adjustment,
        RateKey.BALANCE: _balance_rate(institutions.total if institutions else None),
        RateKey.PROCUREMENT: ratio(procurement.actual, procurement.budget),
        RateKey.OFFICIAL_CARD: ratio(card.paid, card.eligible) if card else None,
        RateKey.ASSET_USE: institutions.total.asset_use if institutions else None,
    }


@frozen
class ScoreRow:
    """One row of a 评分表: a 三级指标, its own 分值 (None when shared), score and reason."""

    name: str
    points: Decimal | None
    score: Decimal | None
    reason: str | None


@frozen
class ScoredItem:
    """A 评分标准 and its rows: 分值, the score that counts, and how it was reached."""

    name: str
    standard: list[str]
    points: Decimal
    shared_points: bool  # one 分值 cell for all its rows
    rows: list[ScoreRow]
    score: Decimal | None
    measure: RateKey | None
    rate: Decimal | None  # the computed rate, when scored by one
    rate_label: str | None
    by_rule: Decimal | None  # the score the kind's rule gives the rate
    overridden: bool  # the writer's score stands instead of the rule's
    reason: str | None

    @property
    def lost(self) -> Decimal | None:
        """分值 − 得分: the points deducted."""
        return None if self.score is None else self.points - self.score


@frozen
class ScoreCategoryFigures:
    """A 二级指标: its items, its 分值 (declared or summed) and score (分值 less what was lost)."""

    name: str
    items: list[ScoredItem]
    points: Decimal
    score: Decimal | None


@frozen
class ScoreGroupFigures:
    """A 一级指标: 分值 (declared or summed), score, and whether its items cover all its points."""

    name: str
    categories: list[ScoreCategoryFigures]
    points: Decimal
    score: Decimal | None
    complete: bool

    @property
    def items(self) -> list[ScoredItem]:
        """Every item of its categories, in table order."""
        return [i for c in self.categories for i in c.items]


@frozen
class ScoreFigures:
    """The 评分表: groups, 总分值, 总得分 (绩效自评综合得分), 评价等次 and the deductions."""

    groups: list[ScoreGroupFigures]
    points: Decimal
    score: Decimal | None
    grade: str | None

    def __getitem__(self, name: str) -> ScoreGroupFigures:
        """A group by its name: scores['管理效能'].score."""
        for group in self.groups:
            if group.name == name:
                return group
        raise KeyError(name)

    @property
    def complete(self) -> bool:
        """Whether every item is listed (not only those that lost points)."""
        return all(g.complete for g in self.groups)

    @property
    def deductions(self) -> list[ScoredItem]:
        """The items scored below their 分值, in table order."""
        return [i for g in self.groups for i in g.items if i.lost is not None and i.lost > 0]


def _less_lost(points: Decimal, items: list[ScoredItem]) -> Decimal | None:
    """`points` less what `items` lost; None while a listed item has no score."""
    lost = total(i.lost for i in items)
    return None if lost is None and items else points - (lost or Decimal(0))


def _scored_item(
    item: ScoreItem, rates: dict[RateKey, Decimal | None], rules: ScoringRules
) -> ScoredItem:
    """One 评分标准: its rows, the writer's score, else the kind's rule on the named rate."""
    if item.parts:
        shared = item.points is not None
        rows = [
            ScoreRow(p.name, None if shared else p.points, p.score, p.reason) for p in item.parts
        ]
        points = item.points if item.points is not None else sum_given(r.points for r in rows)
        return ScoredItem(
            name="、".join(p.name for p in item.parts),
            standard=list(item.standard),
            points=points or Decimal(0),
            shared_points=shared,
            rows=rows,
            score=item.score if item.score is not None else total(r.score for r in rows),
            measure=None,
            rate=None,
            rate_label=None,
            by_rule=None,
            overridden=False,
            reason=item.reason,
        )
    points = item.points or Decimal(0)
    rule = rules.rates.get(item.measure) if item.measure else None
    rate = rates.get(item.measure) if item.measure else None
    computed = rate_score(rule, rate, points) if rule is not None else None
    by_rule = None if computed is None else round_half_up(computed, rules.places)
    score = item.score if item.score is not None else by_rule
    return ScoredItem(
        name=item.name or "",
        standard=list(item.standard),
        points=points,
        shared_points=False,
        rows=[ScoreRow(item.name or "", points, score, item.reason)],
        score=score,
        measure=item.measure,
        rate=rate,
        rate_label=rule.label if rule else None,
        by_rule=by_rule,
        overridden=item.score is not None and by_rule is not None,
        reason=item.reason,
    )


def score_table(
    table: ScoreTable, rates: dict[RateKey, Decimal | None], rules: ScoringRules
) -> ScoreFigures:
    """Score a 评分表: each item (writer's score, or by the kind's rate rule), sums, grade."""
    groups = []
    for group in table.groups:
        categories = []
        blocks = [(c.name, c.points, c.items) for c in group.categories]
        if group.items:
            blocks.append(("", None, group.items))
        for name, declared, items in blocks:
            scored = [_scored_item(i, rates, rules) for i in items]
            listed = sum((i.points for i in scored), Decimal(0))
            points = declared if declared is not None else listed
            score = _less_lost(points, scored)
            categories.append(ScoreCategoryFigures(name, scored, points, score))
        listed = sum((c.points for c in categories), Decimal(0))
        points = group.points if group.points is not None else listed
        every = [i for c in categories for i in c.items]
        complete = sum((i.points for i in every), Decimal(0)) == points
        groups.append(
            ScoreGroupFigures(group.name, categories, points, _less_lost(points, every), complete)
        )
    score = total(g.score for g in groups)
    return ScoreFigures(
        groups=groups,
        points=sum((g.points for g in groups), Decimal(0)),
        score=score,
        grade=grade_of(score, rules),
    )


@frozen
class CoverageFigures:
    """项目支出绩效自评覆盖面: 覆盖率 (projects) and the share of funds evaluated."""

    projects: int
    evaluated: int
    amount: Decimal
    base: Decimal
    rate: Decimal | None  # 自评覆盖率 = 已自评项目数 ÷ 应自评项目数
    share: Decimal | None  # 自评资金占项目支出的比例


def _coverage(coverage: Coverage | None) -> CoverageFigures | None:
    """自评覆盖面: every project evaluated unless the writer says how many were."""
    if coverage is None:
        return None
    evaluated = coverage.projects if coverage.evaluated is None else coverage.evaluated
    return CoverageFigures(
        projects=coverage.projects,
        evaluated=evaluated,
        amount=coverage.amount,
        base=coverage.base,
        rate=ratio(evaluated, coverage.projects),
        share=ratio(coverage.amount, coverage.base),
    )
