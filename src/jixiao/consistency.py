"""The same indicator stated twice in one unit-year with different figures.

An indicator (by name) appears in the unit's 自评表 and 绩效目标, and in each key project's
自评表 and 情况说明; its 指标值 and 实际值 must be the same wherever it appears. Two key
projects are not compared with each other: each may have its own 满意度 and the like.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.errors import Finding
from jixiao.formatting import num
from jixiao.frozen import frozen
from jixiao.loading import FieldPath, Source
from jixiao.messages import say
from jixiao.model import KeyProject, Year
from jixiao.model.indicators import Evaluation, Measure

_IGNORED = re.compile(r"[\s“”\"'‘’「」]")
"""Characters that do not make two indicator names different."""


@frozen
class Stated:
    """One place an indicator is stated: whose (None: the unit's), in which document, where."""

    scope: int | None
    document: str
    name: str
    target: Measure | None
    actual: Measure | None
    path: FieldPath


def _key(name: str) -> str:
    return _IGNORED.sub("", name)


def _evaluation(
    evaluation: Evaluation, scope: int | None, document: str, path: FieldPath
) -> Iterator[Stated]:
    for g, group in enumerate(evaluation.indicators):
        for c, category in enumerate(group.categories):
            for i, ind in enumerate(category.indicators):
                where = (*path, "indicators", g, "categories", c, "indicators", i)
                yield Stated(scope, document, ind.name, ind.target, ind.actual, where)


def statements(year: Year) -> Iterator[Stated]:
    """Every indicator the year states, with its document named by the content's own titles."""
    fields, project_fields = Year.model_fields, KeyProject.model_fields
    if year.evaluation is not None:
        yield from _evaluation(
            year.evaluation, None, str(fields["evaluation"].title), ("evaluation",)
        )
    for g, group in enumerate(year.targets):
        for c, category in enumerate(group.categories):
            for i, target in enumerate(category.targets):
                path = ("targets", g, "categories", c, "targets", i)
                title = str(fields["targets"].title)
                yield Stated(None, title, target.name, target.target, target.actual, path)
    for p, project in enumerate(year.key_projects):
        path = ("key_projects", p)
        document = f"{project.name}·{project_fields['evaluation'].title}"
        yield from _evaluation(project.evaluation, p, document, (*path, "evaluation"))
        document = f"{project.name}·{project_fields['targets'].title}"
        for i, target in enumerate(project.targets):
            where = (*path, "targets", i)
            yield Stated(p, document, target.name, target.target, target.actual, where)


def _differ(a: Measure | None, b: Measure | None, counts_only: bool) -> bool:
    """Whether two figures of one indicator disagree: both numbers in one unit, not equal.

    Between the unit's forms and a project's only counts (45家, 7期) are compared: a rate
    such as 成本节约率 or 满意度 is the unit's in one and the project's in the other.
    """
    if a is None or b is None or a.number is None or b.number is None:
        return False
    if a.unit and b.unit and a.unit != b.unit:
        return False  # 45家 and 45%: not the same measure; the names say too little
    if counts_only and not (a.unit and a.unit == b.unit and a.unit not in _RATES):
        return False
    return a.number != b.number


_RATES = {"%", "％"}
"""Units of a rate, which differs between the unit and a project by nature."""


def _compared(a: Stated, b: Stated) -> bool:
    """Whether `a` and `b` should agree: two documents of one scope, or the unit's and a
    project's."""
    if a.document == b.document:
        return False  # the same form: a repeated name is reported as such (checks.py)
    return a.scope == b.scope or a.scope is None or b.scope is None


def indicator_consistency(year: Year, source: Source) -> list[Finding]:
    """An error at each later statement of an indicator whose 指标值 or 实际值 differs from an
    earlier one, naming both lines."""
    first: dict[str, list[Stated]] = {}
    findings = []
    for stated in statements(year):
        earlier = first.setdefault(_key(stated.name), [])
        for before in earlier:
            if not _compared(before, stated):
                continue
            for field in ("target", "actual"):
                mine, theirs = getattr(stated, field), getattr(before, field)
                if not _differ(theirs, mine, counts_only=before.scope != stated.scope):
                    continue
                label = say(f"consistency_{field}")
                message = say(
                    "indicator_differs",
                    name=stated.name,
                    what=label,
                    value=mine.text,
                    document=stated.document,
                    other=theirs.text,
                    other_document=before.document,
                    other_line=source.line_of((*before.path, field)),
                    number=num(theirs.number),
                )
                hint = say("indicator_differs_hint", what=label)
                findings.append(source.error((*stated.path, field), message, hint))
        earlier.append(stated)
    return findings
