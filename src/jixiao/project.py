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
    """One unit's validated content for one year, its kind and its computed figures."""

    id: str
    unit: Unit
    year: Year
    kind: Kind
    figures: Figures
    source: Source
    kind_source: Source


def load_unit_year(project: Project, unit_id: str, year: int) -> UnitYear:
    """Load, validate and compute one unit-year; ContentError lists every problem found."""
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
    if findings or unit is None or year_model is None or year_source is None:
        raise ContentError(findings)
    kind_name = year_model.kind or unit.kind
    asked_in = year_source.file if year_model.kind else project.unit_file(unit_id)
    line_source = year_source if year_model.kind else unit_source
    line = line_source.line_of(("kind",)) if line_source else None
    kind = load_kind(project.templates, kind_name, asked_in, line)
    kind_source = load(kind.folder / "kind.yaml")
    figures = compute(unit, year_model)
    return UnitYear(unit_id, unit, year_model, kind, figures, year_source, kind_source)


@dataclass(frozen=True)
class Document:
    """A rendered document: its file name and .docx bytes."""

    filename: str
    data: bytes


def build(unit_year: UnitYear) -> Document:
    """Render the report of a loaded unit-year, or ContentError with the findings."""
    builder = ContextBuilder(
        unit_year.unit,
        unit_year.year,
        unit_year.kind,
        unit_year.figures,
        unit_year.source,
        unit_year.kind_source,
    )
    context = builder.build()
    if builder.narrative.findings:
        raise ContentError(builder.narrative.findings)
    unit, year = unit_year.unit, unit_year.figures.year
    filename = unit_year.kind.settings.filename.format(
        year=year, short_name=unit.short_name, full_name=unit.full_name
    )
    title = filename.removesuffix(".docx")
    data = render_docx(unit_year.kind.template, context, title=title, author=unit.full_name)
    return Document(filename, data)
