"""What a finance bureau's reviewer checks, as rules a report kind sets (`review:`).

The national defaults are one shared file, templates/_review.yaml; a kind's kind.yaml may
replace any of its keys under `review:`. Rules: 执行率 over 100 % needs a reason; 三公经费
over budget contradicts a 三公 控制率 indicator at 100 %; 其中 is at most its 总额; where
the kind says so, the 一级指标 groups and weights of the national 项目支出绩效自评表.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo

from jixiao.consistency import statements
from jixiao.errors import Finding
from jixiao.formatting import num, pct
from jixiao.loading import FieldPath, Source, load
from jixiao.messages import say
from jixiao.model import Amounts, BasicExpenditure, GeneralBudget, KeyProject, Year
from jixiao.model.common import Model, Points, empty_list
from jixiao.model.indicators import Measure
from jixiao.model.scores import RateKey
from jixiao.validate import validate

if TYPE_CHECKING:  # a kind's rules load without the pipeline (jixiao init)
    from jixiao.compute import EvaluationFigures, Figures, ThreePublicFigures

NATIONAL_FILE = "_review.yaml"
"""The national defaults, in the templates folder."""

Evaluated = Literal["evaluation", "key_projects"]
"""The self-evaluations a weight rule can apply to: the unit's, the key projects'."""


class GroupWeight(Model):
    """A required 一级指标: its name, the words that recognise it, its 分值."""

    name: str = Field(title="一级指标")
    match: list[str] = Field(title="名称含以下任一词即为该指标", description="如 [满意度]")
    points: Points = Field(title="分值")


class ReviewRules(Model):
    """The reviewer rules of a kind (national defaults in templates/_review.yaml)."""

    over_budget: bool = Field(True, title="执行率超过100%须说明原因")
    parts_within_total: bool = Field(True, title="其中不大于总额")
    three_public_control: bool = Field(True, title="三公经费超预算时控制率指标不能为100%")
    three_public_indicator: list[str] = Field(
        default_factory=empty_list,
        title="三公经费控制率指标的名称",
        description="名称含全部这些词的指标，如 [三公, 控制率]",
    )
    weights_apply_to: list[Evaluated] = Field(
        default_factory=empty_list,
        title="一级指标及分值适用于",
        description="evaluation（部门整体自评表）、key_projects（项目支出绩效自评表）",
    )
    budget_points: Points | None = Field(None, title="预算执行率分值")
    weights: list[GroupWeight] = Field(default_factory=empty_list, title="必备的一级指标及分值")


def national(templates: Path) -> ReviewRules:
    """The national defaults (templates/_review.yaml), or the built-in ones without it."""
    file = templates / NATIONAL_FILE
    if not file.is_file():
        return ReviewRules()
    return _national(str(file), file.stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _national(file: str, _version: int) -> ReviewRules:
    """The national defaults read from `file` (once a process for each version of it)."""
    return validate(load(Path(file)), ReviewRules)


def with_choices(rules: ReviewRules, choices: ReviewRules | None) -> ReviewRules:
    """`rules` with each key a kind set (`review:` in kind.yaml) replaced whole."""
    if choices is None:
        return rules
    return rules.model_copy(update={k: getattr(choices, k) for k in choices.model_fields_set})


def review_findings(
    year: Year, figures: Figures, source: Source, rules: ReviewRules
) -> list[Finding]:
    """Every finding of the reviewer rules for one unit-year."""
    findings: list[Finding] = []
    if rules.over_budget:
        findings += over_budget(year, source)
    if rules.parts_within_total:
        findings += parts_within_total(year, figures, source)
    if rules.three_public_control and rules.three_public_indicator:
        findings += three_public_control(year, figures, source, rules.three_public_indicator)
    for path, evaluation in _weighed(figures, rules.weights_apply_to):
        findings += weights(evaluation, path, source, rules)
    return findings


# 执行率 over 100 % -----------------------------------------------------------------------


def _amounts(value: Any, path: FieldPath, label: str) -> Iterator[tuple[FieldPath, str, Amounts]]:
    """Every line of amounts in the content, with its path and a label a writer knows."""
    if isinstance(value, Amounts):
        yield path, label, value
    if isinstance(value, BaseModel):
        for name, info in _holding(type(value)):
            inner = getattr(value, name)
            title = str(info.title or name)
            yield from _amounts(inner, (*path, name), f"{label}·{title}" if label else title)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            name = getattr(item, "name", None)
            yield from _amounts(item, (*path, index), str(name) if name else label)


@functools.cache
def _holding(model: type[BaseModel]) -> tuple[tuple[str, FieldInfo], ...]:
    """The fields of `model` whose declared type can hold a line of amounts (at any depth)."""
    fields = model.model_fields.items()
    return tuple((name, info) for name, info in fields if _can_hold(info.annotation, {model}))


def _can_hold(annotation: Any, seen: set[type]) -> bool:
    """Whether a value of type `annotation` can hold Amounts; a model met again on the way
    down (a section's subsections) adds nothing new."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if issubclass(annotation, Amounts):
            return True
        if annotation in seen:
            return False
        inner = annotation.model_fields.values()
        return any(_can_hold(info.annotation, seen | {annotation}) for info in inner)
    return any(_can_hold(arg, seen) for arg in get_args(annotation))


def over_budget(year: Year, source: Source) -> list[Finding]:
    """Lines whose 执行数 exceeds their 全年预算数 with no `over_reason`."""
    findings = []
    for path, label, line in _amounts(year, (), ""):
        if line.budget is None or line.actual is None or line.actual <= line.budget:
            continue
        if (line.over_reason or "").strip() or not line.budget:
            continue  # a zero budget has no rate; a reason explains it
        message = say(
            "over_budget",
            what=label,
            actual=num(line.actual),
            budget=num(line.budget),
            rate=pct(line.actual / line.budget),
        )
        findings.append(source.error((*path, "actual"), message, say("over_budget_hint")))
    return findings


# 其中 ≤ 总额 -------------------------------------------------------------------------------

_COLUMNS = ("prior", "initial", "budget", "actual")


def _part_over(
    source: Source, path: FieldPath, part: str, value: Decimal | None, whole: str, total: Any
) -> list[Finding]:
    if value is None or total is None or value <= total:
        return []
    message = say("part_over_total", part=part, value=num(value), whole=whole, total=num(total))
    return [source.error(path, message, say("part_over_total_hint"))]


def _title(model: type[BaseModel], field: str) -> str:
    return str(model.model_fields[field].title).removeprefix("其中：")


def parts_within_total(year: Year, figures: Figures, source: Source) -> list[Finding]:
    """其中 larger than its 总额: 基本支出's parts, a group's projects, 明细 of a line,
    a key project's 区级资金, 公务卡 and 自评覆盖面."""
    findings: list[Finding] = []
    pairs: list[tuple[FieldPath, str, Any, str, Any]] = []
    if year.budget is not None:
        basic = year.budget.basic
        total_title = _title(GeneralBudget, "basic")
        for key in ("personnel", "public"):
            line = getattr(basic, key)
            if line is None:
                continue
            path = ("budget", "basic", key)
            pairs.append((path, _title(BasicExpenditure, key), line, total_title, basic))
            for i, part in enumerate(line.parts):
                pairs.append(
                    ((*path, "parts", i), part.name, part, _title(BasicExpenditure, key), line)
                )
        for g, group in enumerate(year.budget.projects.groups):
            for i, project in enumerate(group.projects):
                path = ("budget", "projects", "groups", g, "projects", i)
                pairs.append((path, project.name, project, group.name, group))
    for i, (project, computed) in enumerate(
        zip(year.key_projects, figures.key_projects, strict=True)
    ):
        whole = f"{project.name}·{_title(KeyProject, 'funds')}"
        pairs.append(
            (
                ("key_projects", i, "district"),
                _title(KeyProject, "district"),
                project.district,
                whole,
                computed.funds,
            )
        )
    for path, part, value, whole, total in pairs:
        for column in _COLUMNS:
            findings += _part_over(
                source, (*path, column), part, getattr(value, column), whole, getattr(total, column)
            )
    for field, part, whole in _FIELD_PAIRS:
        value = getattr(year, field)
        if value is None:
            continue
        model = type(value)
        findings += _part_over(
            source,
            (field, part),
            _title(model, part),
            getattr(value, part),
            _title(model, whole),
            getattr(value, whole),
        )
    return findings


_FIELD_PAIRS = (
    ("official_card", "paid", "eligible"),
    ("coverage", "amount", "base"),
    ("coverage", "evaluated", "projects"),
)
"""Fields of the year that are a part (其中) of another field of the same model."""


# 三公经费 控制率 --------------------------------------------------------------------------


def _three_public(figures: Figures) -> ThreePublicFigures | None:
    """The unit's 三公经费 (summed over its institutions, else from the 基础数据表)."""
    if figures.institutions is not None:
        return figures.institutions.total.three_public
    return figures.basic_data.three_public if figures.basic_data else None


def _named(year: Year, words: list[str]) -> Iterator[tuple[FieldPath, str, Measure | None]]:
    """Every indicator and target whose name contains all of `words`, with its 实际值."""
    for stated in statements(year):
        if all(word in stated.name for word in words):
            yield stated.path, stated.name, stated.actual


def three_public_control(
    year: Year, figures: Figures, source: Source, words: list[str]
) -> list[Finding]:
    """A 三公 控制率 indicator at 100 % (or less) while 三公经费 决算 exceeds its 预算."""
    three = _three_public(figures)
    rate = figures.rates.get(RateKey.THREE_PUBLIC_CONTROL)
    if three is None or rate is None or rate <= 1:
        return []
    findings = []
    for path, name, actual in _named(year, words):
        if actual is None or actual.number is None or actual.number > 100:
            continue
        message = say(
            "three_public_contradiction",
            name=name,
            value=actual.text,
            actual=num(three.total.actual),
            budget=num(three.total.budget),
            rate=pct(rate),
        )
        hint = say("three_public_contradiction_hint", rate=pct(rate))
        findings.append(source.error((*path, "actual"), message, hint))
    return findings


# 一级指标 and weights --------------------------------------------------------------------


def _weighed(
    figures: Figures, applies_to: list[Evaluated]
) -> Iterator[tuple[FieldPath, EvaluationFigures]]:
    if "evaluation" in applies_to and figures.evaluation is not None:
        yield ("evaluation",), figures.evaluation
    if "key_projects" in applies_to:
        for index, project in enumerate(figures.key_projects):
            yield ("key_projects", index, "evaluation"), project.evaluation


def weights(
    evaluation: EvaluationFigures, path: FieldPath, source: Source, rules: ReviewRules
) -> list[Finding]:
    """The required 一级指标 present with their 分值, and the 预算执行率 分值."""
    findings = []
    if rules.budget_points is not None and evaluation.budget_points != rules.budget_points:
        message = say(
            "budget_points_national",
            points=num(evaluation.budget_points),
            required=num(rules.budget_points),
        )
        findings.append(source.error((*path, "budget_points"), message, say("weights_hint")))
    for weight in rules.weights:
        found = [
            (g, group)
            for g, group in enumerate(evaluation.groups)
            if any(word in group.name for word in weight.match)
        ]
        if not found:
            message = say("group_missing", name=weight.name, points=num(weight.points))
            findings.append(source.error((*path, "indicators"), message, say("weights_hint")))
            continue
        g, group = found[0]
        if group.shown_points != weight.points:
            message = say(
                "group_weight_national",
                name=group.name,
                points=num(group.shown_points),
                required=num(weight.points),
            )
            findings.append(
                source.error((*path, "indicators", g, "points"), message, say("weights_hint"))
            )
    return findings
