"""`budget` for the 一般公共预算支出 layout: the prose section and the forms' cells together.

When the document's section fits the layout (importing/budget.py), budget is taken from
both: the 基础数据表's cells (公用经费, 基本支出预算调整) and the prose's figures go into
the same fields, the form's value kept where they disagree. The 项目支出情况 paragraphs the
layout prints as groups (一是…, its projects listed “1. name，主要用于purpose。”) become
`budget.projects.groups`: a group's 基础数据表 kind is the row whose 执行数 its text states
(else whose name it bears), and its 上年决算, 全年预算, 执行数 are that row's when it is the
kind's only group; where the row and the text differ, the one the form's 项目支出 total agrees
with is kept (else the row's), the other noted. A column a form shows only as a total
(年度资金总额 = 基本支出 + 项目支出, 项目支出 = the groups) gives the one figure missing from
it, noted for checking.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ruamel.yaml.comments import CommentedMap

from jixiao.formatting import cn, num, wan
from jixiao.importing.budget import BudgetSection
from jixiao.importing.cells import Shown
from jixiao.importing.structure import Node
from jixiao.importing.writing import paragraphs
from jixiao.messages import say
from jixiao.model.year import ProjectKind

COLUMNS = ("prior", "initial", "budget", "actual")
_GROUP = re.compile(r"^(?P<n>[一二三四五六七八九十]+)是(?P<lead>.+)$", re.S)
"""A group's first paragraph as the layout prints it: 一是业务工作经费支出，……"""
_ITEM = re.compile(r"^(?P<name>[^，。]+?)(?:，主要用于(?P<purpose>.+?))?。$", re.S)
"""A listed project as the layout prints it (its number is the heading's)."""
_AMOUNT = r"(?P<v>\d+(?:\.\d+)?)(?=\s*万)"
_STATED = {
    "initial": re.compile(r"年初预算(?:数)?(?:为)?" + _AMOUNT),
    "budget": re.compile(r"全年预算(?:数)?(?:为)?" + _AMOUNT),
    "actual": re.compile(r"(?:实际执行|执行数|实际支出)(?:为)?" + _AMOUNT),
}
"""What a group's text states of its amounts (年初预算663.51万, 实际执行525.01万)."""
_BY_KIND = re.compile(r"^projects\.by_kind\.(?P<kind>[^.]+)\.(?P<col>\w+)$")
_TOTALS = {"evaluation.funds": "funds", "overall": "funds", "projects": "projects"}


@dataclass
class Group:
    """A group of the 项目支出情况 prose: its paragraphs and listed projects."""

    lead: str
    rest: list[str] = field(default_factory=list)
    projects: list[dict[str, str]] = field(default_factory=list)
    amounts: dict[str, Decimal] = field(default_factory=dict)
    kind: ProjectKind | None = None

    @property
    def name(self) -> str:
        return self.lead.split("，")[0].split("。")[0].removesuffix("支出")


def _lines(part: Node) -> list[tuple[str, bool]] | None:
    """The sub-section's paragraphs, and whether each is a heading; None if nested deeper."""
    out = [(t, False) for t in part.text]
    for child in part.children:
        if child.children or child.run_in or child.tables:
            return None
        out.append((child.title, True))
        out.extend((t, False) for t in child.text)
    return out


def project_groups(part: Node) -> tuple[list[str], list[Group]] | None:
    """The 项目支出情况 paragraphs as the introduction and the layout's groups; None when
    they are not written in the layout's order (一是…, its text, its listed projects; 二是…)."""
    lines = _lines(part)
    if lines is None:
        return None
    intro: list[str] = []
    groups: list[Group] = []
    for text, heading in lines:
        start = None if heading else _GROUP.match(text)
        if start is not None and start["n"] == cn(len(groups) + 1):
            groups.append(Group(start["lead"]))
            continue
        if not groups:
            if heading:
                return None
            intro.append(text)
            continue
        group = groups[-1]
        if heading:
            item = _ITEM.match(text)
            if item is None:
                return None
            project = {"name": item["name"]}
            if item["purpose"]:
                project["purpose"] = item["purpose"]
            group.projects.append(project)
        elif group.projects:
            return None  # text after the listed projects: the layout prints it before them
        else:
            group.rest.append(text)
    return (intro, groups) if groups else None


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


Columns = dict[str, dict[str, Decimal]]


def _shown(shown: list[Shown]) -> tuple[Columns, Columns]:
    """The 基础数据表's figures of each kind, and the totals the forms show, by column."""
    kinds: Columns = {}
    totals: Columns = {}
    for cell in shown:
        value = _decimal(cell.text)
        if value is None or cell.scope:
            continue
        if (found := _BY_KIND.match(cell.path)) is not None:
            kinds.setdefault(found["kind"], {}).setdefault(found["col"], value)
            continue
        head, _dot, col = cell.path.rpartition(".")
        if head in _TOTALS and col in COLUMNS:
            totals.setdefault(_TOTALS[head], {}).setdefault(col, value)
    return kinds, totals


def _kind_of(group: Group, kinds: Columns) -> ProjectKind | None:
    """The kind whose 执行数 the group states, else whose name the group's bears."""
    actual = group.amounts.get("actual")
    by_actual = [
        k
        for k in ProjectKind
        if actual is not None and kinds.get(k.value, {}).get("actual") == actual
    ]
    if len(by_actual) == 1:
        return by_actual[0]
    stems = [k for k in ProjectKind if re.sub("(资金|经费)$", "", k.value) in group.name]
    return stems[0] if len(stems) == 1 else None


def _link(text: str, amounts: dict[str, Decimal]) -> str:
    """A group's text with each amount it states as the reference printing the same."""
    for col, pattern in _STATED.items():
        value = amounts.get(col)
        if value is None:
            continue

        def swap(match: re.Match[str], value: Decimal = value, col: str = col) -> str:
            written = match["v"]
            shown = next((n for n, f in (("wan", wan), ("num", num)) if f(value) == written), None)
            if shown is None:
                return match.group(0)
            start, end = match.span("v")
            offset = match.start()
            whole = match.group(0)
            ref = "{{ group." + col + " | " + shown + " }}"
            return whole[: start - offset] + ref + whole[end - offset :]

        text = pattern.sub(swap, text, count=1)
    return text


_BASIC = re.compile(r"(?P<lead>年初预算|全年预算|预算|执行|支出)(?:数)?(?:为|共)?" + _AMOUNT)
_BASIC_FIELDS = {"年初预算": ("initial",), "全年预算": ("budget",), "预算": ("initial", "budget")}
"""The 基本支出 amounts a 基本支出情况 paragraph may state, by the word before them."""


def _link_basic(text: str, basic: dict[str, Any]) -> str:
    """A 基本支出情况 paragraph with each amount that is the one 基本支出 figure its word names
    (预算数为2709.86万元: 年初 or 全年预算; 实际执行3277.15万元) as its reference."""

    def swap(match: re.Match[str]) -> str:
        names = _BASIC_FIELDS.get(match["lead"], ("actual",))
        written = Decimal(match["v"])
        same = [n for n in names if _basic_value(basic, n) == written]
        if len(same) != 1:
            return match.group(0)
        value = _basic_value(basic, same[0])
        shown = next((n for n, f in (("wan", wan), ("num", num)) if f(value) == match["v"]), None)
        if shown is None:
            return match.group(0)
        start, end = match.span("v")
        whole, offset = match.group(0), match.start()
        ref = "{{ basic." + same[0] + " | " + shown + " }}"
        return whole[: start - offset] + ref + whole[end - offset :]

    return _BASIC.sub(swap, text)


def _basic_value(basic: dict[str, Any], col: str) -> Decimal | None:
    parts = [basic.get(p, {}).get(col) for p in ("personnel", "public")]
    if all(isinstance(p, Decimal) for p in parts) and "personnel" in basic:
        return sum(parts, Decimal(0))  # type: ignore[arg-type]
    value = basic.get(col)
    return value if isinstance(value, Decimal) else None


def fill_budget(
    budget: CommentedMap,
    prose: dict[str, Any],
    section: BudgetSection,
    shown: list[Shown],
    text: Callable[[str], str],
) -> list[str]:
    """Complete `budget` (the forms' cells) with the prose's figures and the section's text and
    groups; the notes to check (disagreements, figures worked out from a total)."""
    notes: list[str] = []
    basic = budget.setdefault("basic", CommentedMap())
    for key, value in prose.get("basic", {}).items():
        kept = basic.setdefault(key, value)
        if kept != value:
            where = f"budget.basic.{key}"
            notes.append(say("import_note_twice", field=where, kept=kept, other=value))
    if texts := section.texts(section.basic):
        basic["text"] = paragraphs([_link_basic(text(t), basic) for t in texts])
    found = project_groups(section.projects)
    projects = CommentedMap()
    budget["projects"] = projects
    if found is None:
        if texts := section.texts(section.projects):
            projects["text"] = paragraphs([text(t) for t in texts])
        return notes
    intro, groups = found
    if intro:
        projects["text"] = paragraphs([text(t) for t in intro])
    kinds, totals = _shown(shown)
    for group in groups:
        for col, pattern in _STATED.items():
            if (match := pattern.search(" ".join([group.lead, *group.rest]))) is not None:
                group.amounts[col] = Decimal(match["v"])
        group.kind = _kind_of(group, kinds)
    disagree: list[tuple[Group, str, Decimal, Decimal]] = []
    for group in groups:
        same = [g for g in groups if g.kind is group.kind]
        if group.kind is None or len(same) != 1:
            continue
        for col, value in kinds.get(group.kind.value, {}).items():
            kept = group.amounts.setdefault(col, value)
            if kept != value:
                group.amounts[col] = value  # the form's row, the prose left as written
                disagree.append((group, col, value, kept))
    for group, col, form, stated in disagree:  # the one the document's total agrees with
        whole = totals.get("projects", {}).get(col)
        values = [g.amounts.get(col) for g in groups]
        if whole is not None and None not in values:
            summed = sum(values, Decimal(0))  # type: ignore[arg-type]
            if summed != whole and summed - form + stated == whole:
                group.amounts[col], form, stated = stated, stated, form
        where = f"budget.projects.groups（{group.name}）.{col}"
        notes.append(say("import_note_twice", field=where, kept=form, other=stated))
    for col in COLUMNS:
        if (whole := totals.get("projects", {}).get(col)) is not None:
            notes += _fill_one(col, whole, [(g.name, g.amounts) for g in groups], "projects")
        if (whole := totals.get("funds", {}).get(col)) is not None:
            leaves: list[tuple[str, dict[str, Any]]] = [("basic", basic)]
            leaves += [(g.name, g.amounts) for g in groups]
            notes += _fill_one(col, whole, leaves, "evaluation.funds")
    listed = []
    for group in groups:
        item = CommentedMap(name=group.name)
        if group.kind is not None:
            item["kind"] = group.kind.value
        for col in COLUMNS:
            if col in group.amounts:
                item[col] = group.amounts[col]
        lines = [group.lead, *group.rest]
        item["text"] = paragraphs([_link(text(t), group.amounts) for t in lines])
        if group.projects:
            item["projects"] = [CommentedMap(p) for p in group.projects]
        else:
            item["numbered_list"] = False
        listed.append(item)
    projects["groups"] = listed
    return notes


def _fill_one(
    col: str, whole: Decimal, leaves: list[tuple[str, dict[str, Any]]], total: str
) -> list[str]:
    """The one figure of `col` missing among `leaves`, as the total less the others."""
    values = [
        _basic_value(amounts, col) if name == "basic" else amounts.get(col)
        for name, amounts in leaves
    ]
    missing = [i for i, v in enumerate(values) if v is None]
    if len(missing) != 1:
        return []
    rest = whole - sum((v for v in values if v is not None), Decimal(0))
    if rest < 0:
        return []
    rest = rest.quantize(Decimal(1)) if rest == rest.to_integral_value() else rest.normalize()
    name, amounts = leaves[missing[0]]
    amounts[col] = rest
    where = f"budget.basic.{col}" if name == "basic" else f"budget.projects.groups（{name}）.{col}"
    return [say("import_note_derived", field=where, value=rest, total=f"{total}.{col}")]
