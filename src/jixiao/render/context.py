"""The render context of one report: titles, sections as blocks, budget views, attached forms.

Everything here is already computed and formatted text; the template only places it,
numbering headings with `num(level)` in document order. Tables with computed merges and
section breaks are handed over as markers (see placeholders.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from jixiao import forms, patterns
from jixiao.compute import Figures, GroupFigures, KeyProjectFigures
from jixiao.formatting import date
from jixiao.kinds import AttachmentSpec, Form, Kind, Layout, SectionSpec, WhenEmpty, settings_for
from jixiao.loading import FieldPath, Source
from jixiao.model import Section, Unit, Year
from jixiao.model.indicators import Measure, Target
from jixiao.narrative import Narrative
from jixiao.numbering import Numberer
from jixiao.render.placeholders import Placeholders
from jixiao.sandbox import Sandbox

_CLOSING = "。：:；;！？!?"


@dataclass(frozen=True)
class Block:
    """One paragraph of a narrative section: a heading, a run-in heading, text or a list item."""

    kind: str  # heading | runin | text | item | project
    level: int = 0
    title: str = ""
    text: str = ""
    project: ProjectView | None = None


@dataclass(frozen=True)
class TargetView:
    """A project's indicator as the text lists it: formula, note, target and outcome."""

    name: str
    formula: str
    note: str
    target: str
    actual: str


@dataclass(frozen=True)
class ProjectView:
    """A key project analysed in the text: 概况, 绩效目标, each indicator, 问题, 改进措施."""

    name: str
    overview: list[str]
    goals: list[str]
    targets: list[TargetView]
    problems: list[str]
    measures: list[str]


@dataclass(frozen=True)
class SectionView:
    """A top-level section as the template sees it."""

    key: str
    title: str
    layout: str
    blocks: list[Block] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    table: str = ""
    tables: list[str] = field(default_factory=list)


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


@dataclass(frozen=True)
class AttachmentView:
    """An attached form: its section break, label (附件2), titles, table markers and notes."""

    section: str
    label: str
    title: str
    subtitle: str
    tables: list[str]
    notes: list[str]


def writer_names(unit: Unit, figures: Figures) -> dict[str, Any]:
    """The names writer text may use: `{{ basic.actual | wan }}`, `{{ unit.short_name }}` …"""
    return {
        "unit": unit,
        "year": figures.year,
        "prior_year": figures.prior_year,
        "staffing": figures.staffing,
        "basic": figures.basic,
        "projects": figures.projects,
        "overall": figures.overall,
        "budget_total": figures.budget_total,
        "actual_total": figures.actual_total,
        "execution_rate": figures.execution_rate,
        "income": figures.income,
        "basic_data": figures.basic_data,
        "evaluation": figures.evaluation,
        "key_projects": figures.key_projects,
        "key_total": figures.key_total,
        "institution_types": figures.institution_types,
        "institutions": figures.institutions,
        "scores": figures.scores,
        "coverage": figures.coverage,
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
        env: Sandbox | None = None,
    ) -> None:
        """`env` compiles the writer text (one shared by a unit's kinds compiles each once)."""
        self.unit, self.year, self.kind, self.figures = unit, year, kind, figures
        self.source = source
        self.settings = settings_for(kind, unit.kinds_settings.get(kind.name))
        self.narrative = Narrative(writer_names(unit, figures), env)
        self.placeholders = Placeholders()
        self.field = self.settings.sections_field
        self.content: dict[str, Section] = getattr(year, self.field)
        self.figures = self._with_rendered_goals(figures)

    def _texts(self, texts: list[str], path: FieldPath) -> list[str]:
        return [self.narrative.render(t, self.source, (*path, i)) for i, t in enumerate(texts)]

    def _with_rendered_goals(self, figures: Figures) -> Figures:
        """The figures with goals and results rendered, as forms and lists show them."""
        evaluation = figures.evaluation
        if evaluation is not None:
            evaluation = replace(
                evaluation,
                goals=self._texts(self.year.goals, ("goals",)),
                results=self._texts(self.year.results, ("results",)),
            )
        projects = []
        for index, project in enumerate(figures.key_projects):
            path = ("key_projects", index)
            inner = replace(
                project.evaluation,
                goals=self._texts(project.evaluation.goals, (*path, "goals")),
                results=self._texts(project.evaluation.results, (*path, "results")),
            )
            projects.append(replace(project, evaluation=inner))
        return replace(figures, evaluation=evaluation, key_projects=projects)

    def build(self) -> dict[str, Any]:
        """The names the kind's template places (see docs/kinds.md)."""
        numbering = {
            **self.settings.numbering,
            **(self.unit.numbering or {}).get(self.kind.name, {}),
        }
        return {
            "unit": self.unit,
            "year": self.figures.year,
            "title_lines": self._title(),
            "opening": self._opening(),
            "sections": self._sections(),
            "closing": self._closing(),
            "budget": self._budget(),
            "attachments": self._attachments(),
            "num": Numberer(numbering),
        }

    def _title(self) -> list[str]:
        if self.year.title and self.field == "sections":
            return self.narrative.paragraphs(self.year.title, self.source, ("title",))
        return self.narrative.paragraphs(self.settings.title, self.kind.source, ("title",))

    def _opening(self) -> list[str]:
        """The writer's paragraphs before 一、 (kinds whose text is `sections` only)."""
        if self.field != "sections":
            return []
        return self.narrative.paragraphs(self.year.opening, self.source, ("opening",))

    def _closing(self) -> list[str]:
        """The 落款 lines (unit, date) when the writer wrote one or the kind asks for one."""
        closing = self.year.closing
        if self.field != "sections" or closing is None:
            return []
        unit = closing.unit or self.unit.full_name
        return [self.narrative.render(unit, self.source, ("closing", "unit")), date(closing.date)]

    def _sections(self) -> list[SectionView]:
        """Every section of the kind in its order: by its layout, with the writer's own text
        and subsections always shown; an empty one left out or written 无 as set."""
        views = []
        for spec in self.settings.sections:
            section = self.content.get(spec.key)
            path: FieldPath = (self.field, spec.key)
            title = spec.title
            if section is not None and section.title:
                title = self.narrative.render(section.title, self.source, (*path, "title"))
            view = self._layout_view(spec, title, section, path)
            if view is None and section is not None:
                blocks = self._blocks(section, 1, path)
                view = SectionView(spec.key, title, Layout.NARRATIVE.value, blocks)
            if view is None and spec.when_empty is WhenEmpty.NONE:
                blocks = [Block("text", 0, "", self.settings.none_text)]
                view = SectionView(spec.key, title, Layout.NARRATIVE.value, blocks)
            if view is not None:
                views.append(view)
        return views

    def _layout_view(
        self, spec: SectionSpec, title: str, section: Section | None, path: FieldPath
    ) -> SectionView | None:
        """The section laid out from figures, the writer's own text with it; None when the
        content has no data for the layout."""
        layout = spec.layout
        if layout is Layout.GENERAL_BUDGET and self.year.budget is not None:
            lead: list[str] = []
            blocks: list[Block] = []
            if section is not None:
                lead = self.narrative.paragraphs(section.text, self.source, (*path, "text"))
                rest = section.model_copy(update={"text": []})
                blocks = self._blocks(rest, 1, path)
            return SectionView(spec.key, title, layout.value, blocks, lead)
        if layout is Layout.KEY_OVERVIEW and self.figures.key_projects:
            return self._key_overview(spec.key, title, section, path)
        if layout in TABLE_LAYOUTS:
            tables = self._layout_tables(layout)
            if tables:
                blocks = self._blocks(section, 1, path) if section else []
                return SectionView(spec.key, title, layout.value, blocks, tables=tables)
        return None

    def _listed(self, section: Section) -> list[str]:
        """The texts a section's `numbered_from` names: the unit's or the key projects' goals."""
        source = section.numbered_from
        if source is None:
            return []
        if self.field == "key_sections":
            return [
                item for p in self.figures.key_projects for item in getattr(p.evaluation, source)
            ]
        if source == "goals":
            return self._texts(self.year.goals, ("goals",))
        return self._texts(self.year.results, ("results",))

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
        items += self._listed(section)
        blocks.extend(Block("item", level + 1, "", item) for item in items)
        if section.include == "key_projects":
            blocks.extend(
                Block("project", level + 1, view.name, project=view) for view in self._projects()
            )
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

    def _key_overview(
        self, key: str, title: str, section: Section | None, path: FieldPath
    ) -> SectionView:
        """重点项目支出基本情况: lead text and the project table, then the writer's subsections."""
        lead: list[str] = []
        blocks: list[Block] = []
        if section is not None:
            lead = self.narrative.paragraphs(section.text, self.source, (*path, "text"))
            rest = section.model_copy(update={"text": []})
            blocks = self._blocks(rest, 1, path)
        table = self.placeholders.table(
            forms.key_projects_grid(self.figures, self.unit.budget_level)
        )
        return SectionView(key, title, Layout.KEY_OVERVIEW.value, blocks, lead, table)

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

    def _attachments(self) -> list[AttachmentView]:
        """The kind's attached forms that the content has data for, numbered in order."""
        settings = self.settings
        views = []
        for spec in settings.attachments:
            tables = self._form_tables(spec)
            if not tables:
                continue
            number = settings.attachment_start + len(views)
            views.append(
                AttachmentView(
                    section=self.placeholders.section(spec.landscape),
                    label=patterns.fill(settings.attachment_label, {"n": str(number)}),
                    title=self._kind_text(spec.title, ("attachments", number)),
                    subtitle=self._kind_text(spec.subtitle or "", ("attachments", number)),
                    tables=tables,
                    notes=list(spec.notes),
                )
            )
        return views

    def _kind_text(self, text: str, path: FieldPath) -> str:
        return self.narrative.render(text, self.kind.source, path)

    def _form_tables(self, spec: AttachmentSpec) -> list[str]:
        figures, table = self.figures, self.placeholders.table
        if spec.form is Form.BASIC_DATA and figures.basic_data is not None:
            return [table(forms.basic_data_grid(figures, figures.basic_data))]
        if spec.form is Form.OVERALL_EVALUATION and figures.evaluation is not None:
            return [
                table(g)
                for g in forms.overall_evaluation_grids(
                    figures, self.unit.full_name, self.unit.budget_level
                )
            ]
        scores = figures.scores
        if spec.form is Form.SCORE_TABLE and scores is not None and scores.complete:
            return [table(forms.score_grid(scores))]
        if spec.form is Form.PROJECT_EVALUATION:
            return [
                table(grid)
                for project in figures.key_projects
                for grid in forms.project_evaluation_grids(project)
            ]
        return []

    def _layout_tables(self, layout: Layout) -> list[str]:
        """The tables of a form section (岳阳 评价表), or none when the content has no data."""
        year, figures, table = self.year, self.figures, self.placeholders.table
        if layout is Layout.PROFILE and year.profile is not None:
            path: FieldPath = ("profile",)
            profile = year.profile
            grid = forms.profile_grid(
                self.unit.contact,
                figures.staffing,
                self.narrative.paragraphs(profile.duties, self.source, (*path, "duties")),
                self._texts(profile.tasks, (*path, "tasks")),
                self._texts(profile.achievements, (*path, "achievements")),
            )
            return [table(grid)]
        if layout is Layout.INSTITUTIONS and figures.institutions is not None:
            return [table(g) for g in forms.institution_grids(figures.institutions)]
        if layout is Layout.GOAL_TABLES and (year.goals or year.targets):
            goals = self._texts(year.goals, ("goals",))
            results = self._texts(year.results, ("results",))
            return [table(forms.goals_grid(goals, results, figures.targets, figures.scores))]
        if layout is Layout.EVALUATORS and year.evaluators:
            return [table(forms.evaluators_grid(year.evaluators, self.unit.full_name))]
        return []

    def _projects(self) -> list[ProjectView]:
        """Each key project's analysis, its texts rendered with `project` naming its figures."""
        views = []
        for index, project in enumerate(self.figures.key_projects):
            path: FieldPath = ("key_projects", index)
            views.append(
                ProjectView(
                    name=self.narrative.render(project.name, self.source, (*path, "name")),
                    overview=self._project_texts(project, path, "overview"),
                    goals=project.evaluation.goals,
                    targets=[self._target(t) for t in project.targets],
                    problems=self._project_texts(project, path, "problems"),
                    measures=self._project_texts(project, path, "measures"),
                )
            )
        return views

    def _project_texts(self, project: KeyProjectFigures, path: FieldPath, name: str) -> list[str]:
        texts = getattr(project, name)
        return self.narrative.paragraphs(texts, self.source, (*path, name), project=project)

    def _target(self, target: Target) -> TargetView:
        return TargetView(
            name=target.name,
            formula=target.formula or "",
            note=target.note or "",
            target=self._measure(target.target),
            actual=self._measure(target.actual),
        )

    def _measure(self, measure: Measure | None) -> str:
        """A 指标值 in the kind's words: ≥95% → '95%或以上' when the kind says so."""
        if measure is None:
            return ""
        style = self.settings.target_styles.get(measure.direction or "")
        if style is None:
            return measure.text
        return patterns.fill(style, {"value": measure.text.lstrip("≥≤=＝><＞＜ ")})


TABLE_LAYOUTS = (Layout.PROFILE, Layout.INSTITUTIONS, Layout.GOAL_TABLES, Layout.EVALUATORS)
