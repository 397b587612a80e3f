"""A jixiao project folder (content/ and templates/) and the pipeline for one unit-year.

load → validate → compute → context → render; `build` returns the finished bytes and
file name, so the caller writes nothing unless every step succeeded.
"""

from __future__ import annotations

import unicodedata
from dataclasses import field
from pathlib import Path
from typing import Any

from jixiao import patterns
from jixiao.compute import Figures, compute
from jixiao.errors import ContentError, Finding, error
from jixiao.folder import Project, misnamed
from jixiao.frozen import frozen
from jixiao.kinds import KIND_FILE, Kind, load_kind
from jixiao.loading import Source, load
from jixiao.messages import say
from jixiao.model import Unit, Year
from jixiao.numbering import Numberer
from jixiao.output import name_problem
from jixiao.render.context import ContextBuilder
from jixiao.render.document import render_docx
from jixiao.to_fill import to_fill_findings
from jixiao.validate import validate


@frozen
class UnitYear:
    """One unit's validated content for one year, and the report kinds it is rendered as."""

    id: str
    unit: Unit
    year: Year
    kinds: list[Kind]
    source: Source
    unit_source: Source
    _figures: dict[Kind, Figures] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def figures(self) -> Figures:
        """The figures, scored by the first kind's rules."""
        return self.figures_for(self.kinds[0])

    def figures_for(self, kind: Kind) -> Figures:
        """The figures as `kind` scores them (computed once for each kind; they are frozen)."""
        if kind not in self._figures:
            self._figures[kind] = compute(self.unit, self.year, kind.settings.scoring)
        return self._figures[kind]


def _misnamed(file: Path) -> list[Finding]:
    """A finding for a missing `file` whose content is there under a slipped name."""
    found = misnamed(file)
    if not found:
        return []
    message = say("file_misnamed", found=found[0].name, expected=file.name)
    return [error(found[0], None, "", message, say("file_misnamed_hint", expected=file.name))]


def load_unit_year(project: Project, unit_id: str, year: int, *, to_fill: bool = False) -> UnitYear:
    """Load and validate one unit-year and its kinds; ContentError lists every problem found.

    Fields still marked 待填 are problems too, unless `to_fill` (diff, check) accepts them.
    """
    findings = []
    unit = year_model = None
    unit_source = year_source = None
    findings += _misnamed(project.unit_file(unit_id)) + _misnamed(project.year_file(unit_id, year))
    if findings:
        raise ContentError(findings)
    try:
        unit_source = load(project.unit_file(unit_id))
        unit = validate(unit_source, Unit)
        for kind_name in unit.numbering or {}:  # numbering: {kind: {level: style}}
            findings += patterns.mapping_findings(
                unit_source, ("numbering", kind_name), patterns.NUMBERING
            )
    except ContentError as exc:
        findings += exc.findings
    try:
        year_source = load(project.year_file(unit_id, year))
        year_model = validate(year_source, Year)
    except ContentError as exc:
        findings += exc.findings
    if year_model is not None and year_source is not None and year_model.year != year:
        findings.append(
            year_source.error(
                ("year",),
                say("year_mismatch", written=year_model.year, expected=year),
                say("year_mismatch_hint", expected=year),
            )
        )
    if year_source is not None and not to_fill:
        findings += to_fill_findings(year_source)
    if findings or unit is None or year_model is None or year_source is None:
        raise ContentError(findings)
    assert unit_source is not None
    asker = year_source if year_model.kinds else unit_source
    kinds = []
    for index, name in enumerate(year_model.kinds or unit.kinds):
        try:
            line = asker.line_of(("kinds", index))
            kinds.append(_kind(project.templates, name, asker.file, line))
        except ContentError as exc:
            findings += exc.findings
    if findings:
        raise ContentError(findings)
    findings = name_findings(unit, unit_source, kinds, year, asker)
    findings += each_findings(unit, kinds, year_model, year_source, asker)
    if findings:
        raise ContentError(findings)
    return UnitYear(unit_id, unit, year_model, kinds, year_source, unit_source)


def document_name(unit: Unit, kind: Kind, year: int, project: str = "") -> str:
    """The file name of `unit`'s report of `kind` for `year` (the kind's `filename`, filled;
    `project` is the key project's name for a kind made once per project)."""
    names = {"year": str(year), "short_name": unit.short_name, "full_name": unit.full_name}
    if kind.settings.each is not None:
        names["project"] = project
    return patterns.fill(kind.settings.filename, names)


def each_findings(
    unit: Unit, kinds: list[Kind], year: Year, source: Source, asker: Source
) -> list[Finding]:
    """Problems with the documents of kinds made once per key project: none to make, a
    project name unusable in a file name (at its line), two projects giving one name."""
    findings: list[Finding] = []
    for index, kind in enumerate(kinds):
        if kind.settings.each is None:
            continue
        if not year.key_projects:
            message = say("each_none", kind=kind.name)
            findings.append(asker.error(("kinds", index), message, say("each_none_hint")))
            continue
        seen: dict[str, int] = {}
        for number, project in enumerate(year.key_projects):
            at = ("key_projects", number, "name")
            filename = document_name(unit, kind, year.year, project.name)
            problem = name_problem(project.name, whole=False) or name_problem(filename)
            if problem:
                message = say("filename_bad", name=filename, kind=kind.name, problem=problem)
                findings.append(source.error(at, message, say("filename_project_hint")))
                continue
            key = unicodedata.normalize("NFC", filename).casefold()
            if key in seen:
                message = say("filename_project_duplicate", name=filename, line=seen[key])
                findings.append(source.error(at, message, say("filename_project_hint")))
            seen.setdefault(key, source.line_of(at) or 0)
    return findings


def name_findings(
    unit: Unit, unit_source: Source, kinds: list[Kind], year: int, asker: Source
) -> list[Finding]:
    """Problems with the file names of `unit`'s reports: a name that is not one plain file
    name (separators, control characters, a leading dot, too long) is an error at the field
    it comes from; two kinds giving one name (one file would overwrite the other) too."""
    findings: list[Finding] = []
    seen: dict[str, Kind] = {}
    for index, kind in enumerate(kinds):
        used = [
            name
            for name in patterns.placeholders(kind.settings.filename)
            if name in ("short_name", "full_name")
        ]
        bad = False
        if kind.settings.each is not None:  # one name per project: each_findings
            continue
        for name in dict.fromkeys(used):
            value = getattr(unit, name)
            problem = name_problem(value, whole=False)
            if problem:
                message = say("filename_value", value=value, kind=kind.name, problem=problem)
                findings.append(unit_source.error((name,), message, say("filename_value_hint")))
                bad = True
        if bad:
            continue
        filename = document_name(unit, kind, year)
        problem = name_problem(filename)
        if problem:
            value = max(used, key=lambda name: len(getattr(unit, name)), default=None)
            message = say("filename_bad", name=filename, kind=kind.name, problem=problem)
            source, field_path = (unit_source, (value,)) if value else (kind.source, ("filename",))
            findings.append(source.error(field_path, message, say("filename_value_hint")))
            continue
        key = unicodedata.normalize("NFC", filename).casefold()
        if key in seen:
            message = say("filename_duplicate", kind=kind.name, other=seen[key].name, name=filename)
            hint = say("filename_duplicate_hint")
            findings.append(asker.error(("kinds", index), message, hint))
        seen.setdefault(key, kind)
    return findings


_KINDS: dict[tuple[Path, bytes], Kind] = {}


def _kind(templates: Path, name: str, asked_in: Path | None, line: int | None) -> Kind:
    """`load_kind`, remembered for the process while kind.yaml reads the same: a batch of
    units of one kind loads and validates it once in each worker."""
    try:
        key = (templates / name, (templates / name / KIND_FILE).read_bytes())
    except OSError:
        return load_kind(templates, name, asked_in, line)  # which says what is wrong
    if key not in _KINDS:
        if len(_KINDS) >= 64:
            del _KINDS[next(iter(_KINDS))]
        _KINDS[key] = load_kind(templates, name, asked_in, line)
    return _KINDS[key]


@frozen
class Document:
    """A rendered document: its file name and .docx bytes."""

    filename: str
    data: bytes


@frozen
class Prepared:
    """One report kind's render context for a unit-year, built once: the checks read it
    (writer text findings, the names the template may use) and the render uses it."""

    kind: Kind
    builder: ContextBuilder
    context: dict[str, Any]

    @property
    def findings(self) -> list[Finding]:
        """Problems in the writer text, found while the context was built."""
        return self.builder.narrative.findings


def prepare(unit_year: UnitYear, kind: Kind) -> Prepared:
    """The render context of `unit_year` as `kind`."""
    builder = ContextBuilder(
        unit_year.unit, unit_year.year, kind, unit_year.figures_for(kind), unit_year.source
    )
    return Prepared(kind, builder, builder.build())


def prepare_all(unit_year: UnitYear) -> list[Prepared]:
    """The render context of every kind of `unit_year` (writer text compiles once a process,
    sandbox._CODE, when it is not rendered directly, direct.py)."""
    return [prepare(unit_year, kind) for kind in unit_year.kinds]


def build_kind(unit_year: UnitYear, kind: Kind, prepared: Prepared | None = None) -> list[Document]:
    """Render `unit_year` as one report kind — one document, or one per key project for a kind
    made `each` project — or ContentError with the findings.

    `prepared` is the kind's context from `prepare`, if the caller has it already.
    """
    if prepared is None:
        prepared = prepare(unit_year, kind)
    if prepared.findings:
        raise ContentError(prepared.findings)
    year = unit_year.year
    if kind.settings.each is None:
        return [_document(unit_year, kind, prepared, prepared.context, "")]
    return [
        _document(unit_year, kind, prepared, {**prepared.context, **own}, project.name)
        for project, own in zip(year.key_projects, prepared.builder.documents, strict=True)
    ]


def _document(
    unit_year: UnitYear, kind: Kind, prepared: Prepared, context: dict[str, Any], project: str
) -> Document:
    """One document of `kind` rendered from `context`, named for `project` if made per project."""
    context = {**context, "num": Numberer(context["num"].styles)}  # numbers from the start
    unit = unit_year.unit
    filename = document_name(unit, kind, unit_year.year.year, project)
    data = render_docx(
        kind.template,
        context,
        title=filename.removesuffix(".docx"),
        author=unit.full_name,
        placeholders=prepared.builder.placeholders,
    )
    return Document(filename, data)


def workbook_name(unit_year: UnitYear) -> str:
    """The file name of a unit's workbook of forms: its first report's name, as .xlsx."""
    first = document_name(unit_year.unit, unit_year.kinds[0], unit_year.year.year)
    return first.removesuffix(".docx") + ".xlsx"


def build_workbook(unit_year: UnitYear, prepared: list[Prepared]) -> Document | None:
    """The attached forms and table sections of every kind of `unit_year` as one .xlsx,
    from the Grids its reports were rendered with (None when no report has a table)."""
    from jixiao.render.workbook import form_sheets, workbook_bytes  # openpyxl only when asked

    sheets = [s for p in prepared for s in form_sheets(p.context, p.builder.placeholders)]
    if not sheets:
        return None
    return Document(workbook_name(unit_year), workbook_bytes(sheets, unit_year.unit.full_name))


def build(unit_year: UnitYear, prepared: list[Prepared] | None = None) -> list[Document]:
    """Render every report kind of `unit_year`; all or nothing.

    `prepared` are the kinds' contexts from `prepare_all`, if the caller has them already.
    """
    documents, findings = [], []
    for index, kind in enumerate(unit_year.kinds):
        try:
            one = prepare(unit_year, kind) if prepared is None else prepared[index]
            documents += build_kind(unit_year, kind, one)
        except ContentError as exc:
            findings += exc.findings
    if findings:
        raise ContentError(findings)
    return documents
