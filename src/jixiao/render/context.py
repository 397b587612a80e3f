"""The render context of one report: titles, sections as blocks, budget views, attached forms.

Everything here is already computed and formatted text; the template only places it,
numbering headings with `num(level)` in document order. Tables with computed merges and
section breaks are handed over as markers (see placeholders.py).
"""

from __future__ import annotations

import functools
from dataclasses import field, replace
from typing import Any

from jixiao import forms, formspec, patterns
from jixiao.compute import Figures, GroupFigures, KeyProjectFigures
from jixiao.formatting import date
from jixiao.frozen import frozen
from jixiao.kinds import FORM_LAYOUTS, Kind, Layout, SectionSpec, WhenEmpty, settings_for
from jixiao.loading import FieldPath, Source
from jixiao.model import Section, Unit, Year
from jixiao.model.indicators import Measure, Target
from jixiao.narrative import Narrative
from jixiao.numbering import Numberer
from jixiao.render.placeholders import Placeholders

_CLOSING = "。：:；;！？!?"


@frozen
class Block:
    """One paragraph of a narrative section: a heading, a run-in heading, text or a list item."""

    kind: str  # heading | runin | text | item | project
    level: int = 0
    title: str = ""
    text: str = ""
    project: ProjectView | None = None


@frozen
class TargetView:
    """A project's indicator as the text lists it: formula, note, target and outcome."""

    name: str
    formula: str
    note: str
    target: str
    actual: str


@frozen
class ProjectView:
    """A key project analysed in the text: 概况, 绩效目标, each indicator, 问题, 改进措施."""

    name: str
    overview: list[str]
    goals: list[str]
    targets: list[TargetView]
    problems: list[str]
    measures: list[str]


@frozen
class SectionView:
    """A top-level section as the template sees it."""

    key: str
    title: str
    layout: str
    blocks: list[Block] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    table: str = ""
    tables: list[str] = field(default_factory=list)


@frozen
class GroupView:
    """A project group: its lead paragraph, further paragraphs and the projects to list."""

    name: str
    lead: str
    rest: list[str]
    listed: list[Any]


@frozen
class BudgetView:
    """一般公共预算支出: 基本支出 paragraphs, 项目支出 introduction and groups."""

    basic_text: list[str]
    projects_text: list[str]
    groups: list[GroupView]


@frozen
class AttachmentView:
    """An attached form: its section break, label (附件2), titles, table markers and notes."""

    section: str
    label: str
    title: str
    subtitle: str
    tables: list[str]
    notes: list[str]


@frozen
class ProfileTexts:
    """The 基本概况 texts a form shows, rendered: duties, the year's tasks, its achievements."""

    duties: list[str]
    tasks: list[str]
    achievements: list[str]


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
    ) -> None:
        self.unit, self.year, self.kind, self.figures = unit, year, kind, figures
        self.source = source
        self.settings = settings_for(kind, unit.kinds_settings.get(kind.name))
        self.narrative = Narrative(writer_names(unit, figures))
        self.placeholders = Placeholders()
        self.documents: list[dict[str, Any]] = []
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
        """The names the kind's template places (see docs/kinds.md); for a kind made once per
        key project, those of its first document (`documents` holds each one's own)."""
        numbering = {
            **self.settings.numbering,
            **(self.unit.numbering or {}).get(self.kind.name, {}),
        }
        self.documents = self._documents()
        if self.settings.each is not None:
            first = self.documents[0] if self.documents else {"project": None, "attachments": []}
            return {**self._names(numbering, []), **first}
        return self._names(numbering, self._attachments())

    def _documents(self) -> list[dict[str, Any]]:
        """For a kind made once per key project (`each`), each document's own names: the
        project's figures and the attached forms of that project alone."""
        if self.settings.each is None:
            return []
        return [
            {
                "project": project,
                "attachments": self._attachments(
                    forms.Bound(self._scope, {"key_projects": [project]})
                ),
            }
            for project in self.figures.key_projects
        ]

    def _names(
        self, numbering: dict[int, str], attachments: list[AttachmentView]
    ) -> dict[str, Any]:
        """The template's names with `attachments` as given (all, or one project's)."""
        return {
            "unit": self.unit,
            "year": self.figures.year,
            "title_lines": self._title(),
            "opening": self._opening(),
            "sections": self._sections(),
            "closing": self._closing(),
            "budget": self._budget(),
            "attachments": attachments,
            "num": Numberer(numbering),
        }

    def _title(self) -> list[str]:
        if self.year.title and self.field == "sections" and self.settings.sections:
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
        for index, spec in enumerate(self.settings.sections):
            section = self.content.get(spec.key)
            path: FieldPath = (self.field, spec.key)
            title = spec.title
            if section is not None and section.title:
                title = self.narrative.render(section.title, self.source, (*path, "title"))
            view = self._layout_view(spec, title, section, path, index)
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
        self, spec: SectionSpec, title: str, section: Section | None, path: FieldPath, index: int
    ) -> SectionView | None:
        """The section laid out from figures, the writer's own text with it; None when the
        content has no data for the layout."""
        layout = spec.layout
        if layout is Layout.GENERAL_BUDGET and self.year.budget is not None:
            lead, blocks = self._lead_and_rest(section, path)
            return SectionView(spec.key, title, layout.value, blocks, lead)
        if layout is Layout.KEY_OVERVIEW or layout in FORM_LAYOUTS:
            tables = self._form_tables(layout.value, ("sections", index, "layout"))
            if tables and layout is Layout.KEY_OVERVIEW:
                return self._key_overview(spec.key, title, section, path, tables[0])
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
        self, key: str, title: str, section: Section | None, path: FieldPath, table: str
    ) -> SectionView:
        """重点项目支出基本情况: lead text and the project table, then the writer's subsections."""
        lead, blocks = self._lead_and_rest(section, path)
        return SectionView(key, title, Layout.KEY_OVERVIEW.value, blocks, lead, table)

    def _lead_and_rest(
        self, section: Section | None, path: FieldPath
    ) -> tuple[list[str], list[Block]]:
        """A laid-out section's own text (printed before its tables) and its other blocks."""
        if section is None:
            return [], []
        lead = self.narrative.paragraphs(section.text, self.source, (*path, "text"))
        return lead, self._blocks(section.model_copy(update={"text": []}), 1, path)

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

    def _attachments(self, scope: forms.Scope | None = None) -> list[AttachmentView]:
        """The kind's attached forms that the content (or `scope`) has data for, in order."""
        settings = self.settings
        views = []
        for index, spec in enumerate(settings.attachments):
            tables = self._form_tables(spec.form, ("attachments", index, "form"), scope)
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
                    notes=self._form_notes(spec.form) if spec.notes is None else spec.notes,
                )
            )
        return views

    def _kind_text(self, text: str, path: FieldPath) -> str:
        return self.narrative.render(text, self.kind.source, path)

    def _form_notes(self, name: str) -> list[str]:
        """The notes (注) the form declaration `name` itself gives."""
        return list(formspec.load_form(self.kind.folder.parent, self.kind.name, name)[0].notes)

    def _form_tables(self, name: str, at: FieldPath, scope: forms.Scope | None = None) -> list[str]:
        """The table markers of the kind's form declaration `name` (named at `at` of kind.yaml)
        for the content (or `scope`), none when it has no data for it."""
        templates = self.kind.folder.parent
        formspec.load_form(templates, self.kind.name, name, self.kind.source, at)
        grids = forms.declared(templates, self.kind.name, name, scope or self._scope)
        return [self.placeholders.table(g) for g in grids]

    @property
    def form_scope(self) -> forms.LazyScope:
        """The names a form declaration reads (import compares its figures with them)."""
        return self._scope

    @functools.cached_property
    def _scope(self) -> forms.LazyScope:
        """The names a form declaration may read: the figures, the unit, rendered texts."""
        f, unit, year = self.figures, self.unit, self.year
        return forms.LazyScope(
            {
                "year": lambda: f.year,
                "prior_year": lambda: f.prior_year,
                "level": lambda: unit.budget_level,
                "unit_name": lambda: unit.full_name,
                "unit": lambda: unit,
                "contact": lambda: unit.contact,
                "staffing": lambda: f.staffing,
                "basic": lambda: f.basic,
                "projects": lambda: f.projects,
                "income": lambda: f.income,
                "basic_data": lambda: f.basic_data,
                "evaluation": lambda: f.evaluation,
                "key_projects": lambda: f.key_projects,
                "key_total": lambda: f.key_total,
                "key_district": lambda: f.key_district,
                "institutions": lambda: f.institutions,
                "scores": lambda: f.scores,
                "targets": lambda: f.targets,
                "goals": lambda: self._texts(year.goals, ("goals",)),
                "adjusted_goals": lambda: self._texts(year.adjusted_goals, ("adjusted_goals",)),
                "results": lambda: self._texts(year.results, ("results",)),
                "profile": self._profile,
                "evaluators": lambda: year.evaluators,
            }
        )

    def _profile(self) -> ProfileTexts | None:
        """The 基本概况 texts rendered, or None when the content has none."""
        profile = self.year.profile
        if profile is None:
            return None
        path: FieldPath = ("profile",)
        return ProfileTexts(
            self.narrative.paragraphs(profile.duties, self.source, (*path, "duties")),
            self._texts(profile.tasks, (*path, "tasks")),
            self._texts(profile.achievements, (*path, "achievements")),
        )

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
