"""The render context of one report: titles, sections as blocks, budget views, numbering.

Everything here is already computed and formatted text; the template only places it,
numbering headings with `num(level)` in document order.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from jixiao.compute import Figures, GroupFigures
from jixiao.kinds import Kind, Layout, WhenEmpty
from jixiao.loading import FieldPath, Source
from jixiao.model import Section, Unit, Year
from jixiao.narrative import Narrative
from jixiao.numbering import Numberer

_CLOSING = "。：:；;！？!?"


@dataclass(frozen=True)
class Block:
    """One paragraph of a narrative section: a heading, a run-in heading, text or a list item."""

    kind: str  # heading | runin | text | item
    level: int = 0
    title: str = ""
    text: str = ""


@dataclass(frozen=True)
class SectionView:
    """A top-level section as the template sees it."""

    key: str
    title: str
    layout: str
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True)
class GroupView:
    """A project group: its lead paragraph, further paragraphs and the projects to list."""

    name: str
    lead: str
    rest: list[str]
    listed: list[Any]


@dataclass(frozen=True)
class BudgetView:
    """一般公共预算支出: 基本支出 paragraphs, 项目支出 introduction and groups."""

    basic_text: list[str]
    projects_text: list[str]
    groups: list[GroupView]


def writer_names(unit: Unit, figures: Figures) -> dict[str, Any]:
    """The names writer text may use: `{{ basic.actual | wan }}`, `{{ unit.short_name }}` …"""
    return {
        "unit": unit,
        "year": figures.year,
        "prior_year": figures.prior_year,
        "staffing": figures.staffing,
        "basic": figures.basic,
        "projects": figures.projects,
        "budget_total": figures.budget_total,
        "actual_total": figures.actual_total,
        "execution_rate": figures.execution_rate,
        "institution_types": figures.institution_types,
    }


class ContextBuilder:
    """Builds the context for one unit-year of one kind, rendering writer text on the way."""

    def __init__(
        self,
        unit: Unit,
        year: Year,
        kind: Kind,
        figures: Figures,
        source: Source,
        kind_source: Source,
    ) -> None:
        self.unit, self.year, self.kind, self.figures = unit, year, kind, figures
        self.source, self.kind_source = source, kind_source
        self.narrative = Narrative(writer_names(unit, figures))

    def build(self) -> dict[str, Any]:
        numbering = {**self.kind.settings.numbering, **(self.unit.numbering or {})}
        return {
            "unit": self.unit,
            "year": self.figures.year,
            "title_lines": self._title(),
            "sections": self._sections(),
            "budget": self._budget(),
            "num": Numberer(numbering),
        }

    def _title(self) -> list[str]:
        if self.year.title:
            return self.narrative.paragraphs(self.year.title, self.source, ("title",))
        return self.narrative.paragraphs(self.kind.settings.title, self.kind_source, ("title",))

    def _sections(self) -> list[SectionView]:
        views = []
        none_text = self.kind.settings.none_text
        for spec in self.kind.settings.sections:
            section = self.year.sections.get(spec.key)
            title = (section.title if section and section.title else None) or spec.title
            if spec.layout is Layout.GENERAL_BUDGET:
                if self.year.budget is not None:
                    views.append(SectionView(spec.key, title, spec.layout.value))
                    continue
            elif section is not None:
                path: FieldPath = ("sections", spec.key)
                blocks = self._blocks(section, 1, path)
                views.append(SectionView(spec.key, title, spec.layout.value, blocks))
                continue
            if spec.when_empty is WhenEmpty.NONE:
                views.append(
                    SectionView(
                        spec.key, title, Layout.NARRATIVE.value, [Block("text", 0, "", none_text)]
                    )
                )
        return views

    def _blocks(self, section: Section, level: int, path: FieldPath) -> list[Block]:
        """The paragraphs of `section` (whose own heading is at `level`), in order."""
        blocks = []
        texts = self.narrative.paragraphs(section.text, self.source, (*path, "text"))
        for text in texts:
            blocks.append(Block("text", level, "", text))
        items = [
            self.narrative.render(item, self.source, (*path, "numbered", i))
            for i, item in enumerate(section.numbered)
        ]
        blocks.extend(Block("item", level + 1, "", item) for item in items)
        for index, child in enumerate(section.sections):
            child_path = (*path, "sections", index)
            title = self.narrative.render(child.title or "", self.source, (*child_path, "title"))
            inner = self._blocks(child, level + 1, child_path)
            if child.run_in and inner and inner[0].kind == "text":
                shown = title if title[-1:] in _CLOSING else title + "。"
                blocks.append(Block("runin", level + 1, shown, inner[0].text))
                blocks.extend(inner[1:])
            else:
                blocks.append(Block("heading", level + 1, title))
                blocks.extend(inner)
        return blocks

    def _budget(self) -> BudgetView | None:
        budget = self.year.budget
        figures = self.figures
        if budget is None or figures.basic is None or figures.projects is None:
            return None
        path: FieldPath = ("budget",)
        basic_text = self.narrative.paragraphs(
            budget.basic.text, self.source, (*path, "basic", "text")
        )
        projects_text = self.narrative.paragraphs(
            budget.projects.text, self.source, (*path, "projects", "text")
        )
        groups = [
            self._group(group, ("budget", "projects", "groups", index))
            for index, group in enumerate(figures.projects.groups)
        ]
        return BudgetView(basic_text, projects_text, groups)

    def _group(self, group: GroupFigures, path: FieldPath) -> GroupView:
        projects = [
            replace(
                p, name=self.narrative.render(p.name, self.source, (*path, "projects", i, "name"))
            )
            for i, p in enumerate(group.projects)
        ]
        group = replace(group, projects=projects)
        texts = self.narrative.paragraphs(group.text, self.source, (*path, "text"), group=group)
        lead, rest = (texts[0], texts[1:]) if texts else (group.name, [])
        listed = group.projects if group.numbered_list else []
        return GroupView(group.name, lead, rest, listed)
