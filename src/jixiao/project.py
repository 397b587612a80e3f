"""A jixiao project folder (content/ and templates/) and the pipeline for one unit-year.

load → validate → compute → context → render; `build` returns the finished bytes and
file name, so the caller writes nothing unless every step succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jixiao.compute import Figures, compute
from jixiao.errors import ContentError, error
from jixiao.kinds import Kind, load_kind
from jixiao.loading import Source, load
from jixiao.messages import say
from jixiao.model import Unit, Year
from jixiao.render.context import ContextBuilder
from jixiao.render.document import render_docx
from jixiao.to_fill import to_fill_findings
from jixiao.validate import validate

UNIT_FILE = "unit.yaml"


@dataclass(frozen=True)
class Project:
    """The folder holding content/<unit>/… and templates/<kind>/…"""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    def units(self) -> list[str]:
        """Ids of every unit (a folder under content/ with a unit.yaml)."""
        if not self.content.is_dir():
            return []
        return sorted(p.name for p in self.content.iterdir() if (p / UNIT_FILE).is_file())

    def units_with(self, year: int) -> list[str]:
        """Ids of the units that have a file for `year`."""
        return [u for u in self.units() if self.year_file(u, year).is_file()]

    def year_file(self, unit: str, year: int) -> Path:
        return self.content / unit / f"{year}.yaml"

    def unit_file(self, unit: str) -> Path:
        return self.content / unit / UNIT_FILE


@dataclass(frozen=True)
class UnitYear:
    """One unit's validated content for one year, and the report kinds it is rendered as."""

    id: str
    unit: Unit
    year: Year
    kinds: list[Kind]
    source: Source

    @property
    def figures(self) -> Figures:
        """The figures, scored by the first kind's rules."""
        return self.figures_for(self.kinds[0])

    def figures_for(self, kind: Kind) -> Figures:
        """The figures as `kind` scores them."""
        return compute(self.unit, self.year, kind.settings.scoring)


def load_unit_year(project: Project, unit_id: str, year: int, *, to_fill: bool = False) -> UnitYear:
    """Load and validate one unit-year and its kinds; ContentError lists every problem found.

    Fields still marked 待填 are problems too, unless `to_fill` (diff, check) accepts them.
    """
    findings = []
    unit = year_model = None
    unit_source = year_source = None
    try:
        unit_source = load(project.unit_file(unit_id))
        unit = validate(unit_source, Unit)
    except ContentError as exc:
        findings += exc.findings
    try:
        year_source = load(project.year_file(unit_id, year))
        year_model = validate(year_source, Year)
    except ContentError as exc:
        findings += exc.findings
    if year_model is not None and year_source is not None and year_model.year != year:
        findings.append(
            error(
                year_source.file,
                year_source.line_of(("year",)),
                "year",
                say("year_mismatch", written=year_model.year, expected=year),
                say("year_mismatch_hint", expected=year),
            )
        )
    if year_source is not None and not to_fill:
        findings += to_fill_findings(year_source)
    if findings or unit is None or year_model is None or year_source is None:
        raise ContentError(findings)
    asker = year_source if year_model.kinds else unit_source
    assert asker is not None
    kinds = []
    for index, name in enumerate(year_model.kinds or unit.kinds):
        try:
            kinds.append(
                load_kind(project.templates, name, asker.file, asker.line_of(("kinds", index)))
            )
        except ContentError as exc:
            findings += exc.findings
    if findings:
        raise ContentError(findings)
    return UnitYear(unit_id, unit, year_model, kinds, year_source)


@dataclass(frozen=True)
class Document:
    """A rendered document: its file name and .docx bytes."""

    filename: str
    data: bytes


def build_kind(unit_year: UnitYear, kind: Kind) -> Document:
    """Render `unit_year` as one report kind, or ContentError with the findings."""
    builder = ContextBuilder(
        unit_year.unit, unit_year.year, kind, unit_year.figures_for(kind), unit_year.source
    )
    context = builder.build()
    if builder.narrative.findings:
        raise ContentError(builder.narrative.findings)
    unit, year = unit_year.unit, unit_year.year.year
    filename = kind.settings.filename.format(
        year=year, short_name=unit.short_name, full_name=unit.full_name
    )
    title = filename.removesuffix(".docx")
    data = render_docx(
        kind.template,
        context,
        title=title,
        author=unit.full_name,
        placeholders=context["placeholders"],
    )
    return Document(filename, data)


def build(unit_year: UnitYear) -> list[Document]:
    """Render every report kind of `unit_year`; all or nothing."""
    documents, findings = [], []
    for kind in unit_year.kinds:
        try:
            documents.append(build_kind(unit_year, kind))
        except ContentError as exc:
            findings += exc.findings
    if findings:
        raise ContentError(findings)
    return documents
