"""Report kinds: a folder under templates/ holding a Word template and its settings.

`kind.yaml` says what the kind is called, how its file is named, how headings are
numbered, and which sections it has in which order with their default titles (the one
label table of the kind). A section with no content is left out or says 无, as set here.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import Field

from jixiao import formspec, patterns
from jixiao.errors import ContentError, Finding, error
from jixiao.formspec import FormSpec, form_paths, load_form
from jixiao.loading import FieldPath, Source, load
from jixiao.messages import listing, say
from jixiao.model.common import Model, empty_dict, empty_list
from jixiao.model.unit import KindChoices
from jixiao.output import name_problem
from jixiao.reviewer import ReviewRules, national, with_choices
from jixiao.scoring import ScoringRules
from jixiao.validate import validate

KIND_FILE = "kind.yaml"
FILENAME_FIELDS = ("year", "short_name", "full_name")
"""The names a kind's `filename` may use."""
EACH_FIELDS = ("project",)
"""The names a kind made once per key project (`each: key_projects`) may use besides."""


class WhenEmpty(StrEnum):
    """What a section with no content does: left out, or written with the kind's 无."""

    OMIT = "omit"
    NONE = "none"


class Layout(StrEnum):
    """How a top-level section is laid out: writer text, or tables and text built from figures."""

    NARRATIVE = "narrative"
    GENERAL_BUDGET = "general_budget"
    KEY_OVERVIEW = "key_overview"
    PROFILE = "profile"  # 基本概况表: contact, staffing, duties, tasks, achievements
    INSTITUTIONS = "institutions"  # 收支情况 by institution: 收入, 支出和结余, 三公经费, 固定资产
    GOAL_TABLES = "goal_tables"  # 定性 and 定量目标完成情况, 综合得分 and 评价等次
    EVALUATORS = "evaluators"  # 评价人员 and the signature blocks


FORM_LAYOUTS = (
    Layout.KEY_OVERVIEW,
    Layout.PROFILE,
    Layout.INSTITUTIONS,
    Layout.GOAL_TABLES,
    Layout.EVALUATORS,
)
"""Layouts whose tables are the kind's form declaration of the same name (forms/<layout>.yaml)."""


class SectionSpec(Model):
    """One top-level section of a kind: its key in content, default title and behaviour."""

    key: str = Field(title="内容中的键")
    title: str = Field(title="默认标题")
    layout: Layout = Field(Layout.NARRATIVE, title="版式")
    when_empty: WhenEmpty = Field(
        WhenEmpty.OMIT, title="无内容时", description="omit 省略；none 写“无”"
    )


class AttachmentSpec(Model):
    """An attached form: which one, its title, whether it is laid out on landscape pages."""

    form: str = Field(
        title="表格", description="表格声明的名字：forms/<名字>.yaml，或 templates/_forms/ 中共用的"
    )
    title: str = Field(
        "", title="标题", description="可用 {{ … }} 表达式；只有表格的类型可不写（标题写在 title）"
    )
    subtitle: str | None = Field(None, title="副标题")
    landscape: bool = Field(False, title="横向页面")
    notes: list[str] | None = Field(
        None, title="表后说明", description="省略时印表格声明的 notes；写 [] 则不印"
    )


class KindSettings(Model):
    """Settings of a report kind (templates/<kind>/kind.yaml)."""

    name: str = Field(title="名称")
    template: str = Field("report.docx", title="Word 模板文件")
    each: Literal["key_projects"] | None = Field(
        None,
        title="每项一份",
        description="key_projects：每个重点项目一份文档，文件名可用 {project}（项目名称）",
    )
    filename: str = Field(
        title="输出文件名",
        description="可用 {year} {short_name} {full_name}；each 时另有 {project}",
    )
    title: list[str] = Field(title="默认报告标题", description="每项一行，可用 {{ … }} 表达式")
    numbering: dict[int, str] = Field(
        default_factory=empty_dict, title="序号样式", description="按层级，可用 {n} {cn} {circled}"
    )
    none_text: str = Field("无", title="无内容时的文字")
    closing: bool = Field(
        False,
        title="落款",
        description="true：报告末尾印单位名称和日期（内容文件的 closing.date 必填）",
    )
    sections: list[SectionSpec] = Field(
        title="章节", description="只有表格的类型写 []：不读内容文件的正文"
    )
    sections_field: Literal["sections", "key_sections"] = Field(
        "sections", title="正文取自内容文件中的哪个字段"
    )
    attachments: list[AttachmentSpec] = Field(default_factory=empty_list, title="附件")
    attachment_label: str = Field("附件{n}", title="附件编号样式", description="可用 {n}")
    attachment_start: int = Field(
        1, title="第一个附件的编号", description="如报告本身为附件1，则写 2"
    )
    scoring: ScoringRules = Field(default_factory=ScoringRules, title="评分规则")
    review: ReviewRules | None = Field(
        None,
        title="审核规则",
        description="改写 templates/_review.yaml 中全国通用的审核规则；写出的键整个替换",
    )
    target_styles: dict[str, str] = Field(
        default_factory=empty_dict,
        title="指标值的写法",
        description="按方向改写指标值，如 {'≥': '{value}或以上'}，可用 {value}；省略时照写",
    )


LAYOUT_READS: dict[Layout, tuple[str, ...]] = {
    Layout.NARRATIVE: (),
    Layout.GENERAL_BUDGET: ("budget",),
    Layout.KEY_OVERVIEW: ("key_projects",),
    Layout.PROFILE: ("profile", "staffing"),
    Layout.INSTITUTIONS: ("institutions",),
    Layout.GOAL_TABLES: ("goals", "results", "targets", "scores"),
    Layout.EVALUATORS: ("evaluators",),
}
"""The year-file fields each section layout lays out."""

BODY_READS: dict[str, tuple[str, ...]] = {
    "sections": ("sections", "title", "opening", "closing"),
    "key_sections": ("key_sections", "key_projects"),
}
"""The year-file fields a kind's text reads, by where its sections come from."""


def settings_for(kind: Kind, choices: KindChoices | None) -> KindSettings:
    """The kind's settings with a unit's house choices (unit.yaml kinds_settings) applied."""
    settings = kind.settings
    if choices is None:
        return settings
    update: dict[str, object] = {}
    if choices.attachment_start is not None:
        update["attachment_start"] = choices.attachment_start
    if choices.none_text is not None:
        update["none_text"] = choices.none_text
    if choices.numbering:
        update["numbering"] = {**settings.numbering, **choices.numbering}
    if choices.notes is False:  # neither the kind's notes nor its forms' own
        update["attachments"] = [a.model_copy(update={"notes": []}) for a in settings.attachments]
    if choices.when_empty is not None:
        policy = WhenEmpty(choices.when_empty)
        update["sections"] = [
            s.model_copy(update={"when_empty": policy}) for s in settings.sections
        ]
    return settings.model_copy(update=update)


class Kind:
    """A loaded report kind: its folder, settings and template path."""

    def __init__(self, folder: Path, settings: KindSettings, source: Source) -> None:
        self.folder = folder
        self.settings = settings
        self.source = source
        self.name = folder.name
        self.review = with_choices(national(folder.parent), settings.review)

    @property
    def template(self) -> Path:
        """The kind's Word template."""
        return self.folder / self.settings.template

    @property
    def reads(self) -> frozenset[str]:
        """The top-level year-file fields this kind renders (its text, layouts and forms)."""
        settings = self.settings
        fields = {"year", "kinds"}
        if settings.sections:  # a kind of forms only has no text
            fields.update(BODY_READS[settings.sections_field])
        if settings.each is not None:
            fields.add(settings.each)
        for spec in settings.sections:
            fields.update(LAYOUT_READS[spec.layout])
        for attachment in settings.attachments:
            fields |= formspec.reads(self.folder.parent, self.name, attachment.form)
        return frozenset(fields)

    def forms(self) -> list[tuple[str, FieldPath]]:
        """The form declarations the kind's attachments and table layouts name, with where."""
        settings = self.settings
        named: list[tuple[str, FieldPath]] = [
            (spec.form, ("attachments", i, "form")) for i, spec in enumerate(settings.attachments)
        ]
        return named + [
            (spec.layout.value, ("sections", i, "layout"))
            for i, spec in enumerate(settings.sections)
            if spec.layout in FORM_LAYOUTS
        ]

    def declarations(self) -> list[tuple[str, FormSpec]]:
        """The form declarations its table layouts and attachments name, once each, that load
        (those that do not are kinds.form_findings')."""
        names = [spec.layout.value for spec in self.settings.sections]
        names += [attachment.form for attachment in self.settings.attachments]
        found = []
        for name in dict.fromkeys(names):
            try:
                found.append((name, load_form(self.folder.parent, self.name, name)[0]))
            except ContentError:
                continue  # a layout without a declaration, or one that does not load
        return found

    @property
    def project_reads(self) -> frozenset[str] | None:
        """The fields of each key project this kind renders (formspec.project_reads of its
        forms), or None when it may read any or reads no projects: a kind with text (a
        section may `include: key_projects`, writer text may name `project`), a layout, or a
        form that reads projects otherwise than one at a time."""
        settings = self.settings
        if "key_projects" not in self.reads or settings.sections:
            return None
        fields = {"name"} if settings.each is not None else set()  # the file name
        for attachment in settings.attachments:
            try:
                read = formspec.project_reads(self.folder.parent, self.name, attachment.form)
            except ContentError:
                continue  # a declaration that does not load reads nothing (form_findings)
            if read is None:
                return None
            fields |= read
        return frozenset(fields)

    @functools.cached_property
    def form_paths(self) -> frozenset[str]:
        """Every dotted path the kind's forms and table layouts read (formspec.form_paths)."""
        names = [a.form for a in self.settings.attachments]
        names += [s.layout.value for s in self.settings.sections if s.layout in FORM_LAYOUTS]
        templates = self.folder.parent
        return frozenset().union(*(form_paths(templates, self.name, n) for n in names))

    def prints(self, field: str) -> bool:
        """Whether a form of this kind reads a field of that name (a step of one of its paths:
        `contact` of `contact.name`, `core` of `row.indicator.core`)."""
        return any(field in path.split(".") for path in self.form_paths)

    def section(self, key: str) -> SectionSpec | None:
        """The top-level section `key` of this kind, or None if it has none such."""
        return next((s for s in self.settings.sections if s.key == key), None)


def available(templates: Path) -> list[str]:
    """Names of the kinds under `templates`."""
    if not templates.is_dir():
        return []
    return sorted(p.name for p in templates.iterdir() if (p / KIND_FILE).is_file())


def load_kind(
    templates: Path,
    name: str,
    asked_in: Path | None = None,
    line: int | None = None,
    *,
    template: bool = True,
) -> Kind:
    """The kind `name` under `templates`, or ContentError naming where it was asked for.

    Its Word template is opened and checked too, unless `template` is False: `jixiao init`
    reads only the settings, and imports nothing that renders (docxtpl, Jinja)."""
    folder = templates / name
    if name not in available(templates):  # a folder of templates/, never a path
        raise ContentError(
            [
                error(
                    asked_in,
                    line,
                    "kind",
                    say("unknown_kind", kind=name),
                    say("unknown_kind_hint", kinds=listing(available(templates))),
                )
            ]
        )
    source = load(folder / KIND_FILE)
    kind = Kind(folder, validate(source, KindSettings), source)
    findings = pattern_findings(source) + form_findings(templates, kind)
    findings += repeated_sections(source, kind.settings)
    problem = filename_problem(kind.settings.filename, kind.settings.each is not None)
    if problem:
        message = say("filename_pattern", pattern=kind.settings.filename, problem=problem)
        findings.append(source.error(("filename",), message, say("filename_pattern_hint")))
    problem = name_problem(kind.settings.template)  # a file of the kind's own folder
    if problem is not None:
        message = say("kind_template_name", template=kind.settings.template, problem=problem)
        findings.append(source.error(("template",), message, say("kind_template_name_hint")))
    elif template:
        from jixiao.render.document import open_template

        try:
            open_template(kind.template)  # once a process for each version of the file
        except ContentError as exc:
            findings += exc.findings
    if findings:
        raise ContentError(findings)
    return kind


def repeated_sections(source: Source, settings: KindSettings) -> list[Finding]:
    """Sections of the kind with the key of an earlier one (content has one place per key)."""
    first: dict[str, int] = {}
    found: list[Finding] = []
    for index, spec in enumerate(settings.sections):
        if spec.key in first:
            line = source.line_of(("sections", first[spec.key], "key"))
            message = say("kind_section_repeated", key=spec.key, line=line or "?")
            found.append(
                source.error(("sections", index, "key"), message, say("kind_section_repeated_hint"))
            )
        first.setdefault(spec.key, index)
    return found


def form_findings(templates: Path, kind: Kind) -> list[Finding]:
    """What is wrong with the form declarations the kind's attachments and sections name."""
    findings: list[Finding] = []
    for name, at in kind.forms():
        try:
            load_form(templates, kind.name, name, kind.source, at)
        except ContentError as exc:
            findings += [f for f in exc.findings if f not in findings]
    return findings


def pattern_findings(source: Source) -> list[Finding]:
    """The kind's numbering styles, attachment label and target styles that use
    placeholders other than their documented ones, each at its line of kind.yaml."""
    data = source.data if isinstance(source.data, dict) else {}
    label = data.get("attachment_label")
    return [
        *patterns.mapping_findings(source, ("numbering",), patterns.NUMBERING),
        *patterns.findings(source, ("attachment_label",), label, patterns.ATTACHMENT_LABEL),
        *patterns.mapping_findings(source, ("target_styles",), patterns.TARGET_STYLE),
    ]


def filename_problem(pattern: str, each: bool = False) -> str | None:
    """What is wrong with a kind's `filename` (a message), or None: only {year} {short_name}
    {full_name} (and {project}, which a kind made `each` project must use), no format specs,
    a .docx name without separators that does not start with '.'."""
    fields = FILENAME_FIELDS + EACH_FIELDS if each else FILENAME_FIELDS
    try:
        patterns.check(pattern, fields)
    except patterns.PatternError as problem:
        return str(problem)
    if not pattern.endswith(".docx"):
        return say("name_not_docx")
    if each and not set(EACH_FIELDS) <= set(patterns.placeholders(pattern)):
        return say("name_needs_project")
    return name_problem(patterns.fill(pattern, dict.fromkeys(fields, "x")))
