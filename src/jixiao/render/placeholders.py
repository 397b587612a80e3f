"""Marker paragraphs that the template leaves, replaced after docxtpl by tables and sections.

docxtpl cannot build tables with computed merges or switch a page to landscape, so the
render context registers each Grid with `Placeholders.table` and gets a marker string;
the template puts every marker alone in its own paragraph, and `Placeholders.apply`
replaces it in the rendered document: a table marker by the table, a section marker by
a section break after which pages are portrait or landscape. Page size, margins and
footer references (page numbers '— N —', continuing through the 附件) are copied from
the template's own section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from docx.oxml.ns import qn

from jixiao.render import wordml
from jixiao.render.grid import Grid
from jixiao.render.tables import TableStyles, grid_table, table_styles

PREFIX = "⟦jixiao:"
MARKER = re.compile(r"⟦jixiao:(table|section):([a-z0-9]+)⟧")
_ORIENTATIONS = {"portrait": False, "landscape": True}


class PlaceholderError(RuntimeError):
    """A marker that cannot be placed: a bug in jixiao or in a template, not in content."""


@dataclass
class Placeholders:
    """Grids registered for one render, and the markers that stand for them in the template."""

    grids: list[Grid] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Whether no table was registered (apply then only checks for stray markers)."""
        return not self.grids

    def table(self, grid: Grid) -> str:
        """Register `grid`; the marker that the template puts alone in a paragraph."""
        self.grids.append(grid)
        return f"{PREFIX}table:{len(self.grids)}⟧"

    def grid(self, marker: str) -> Grid:
        """The Grid a table marker from `table` stands for (KeyError if it is none)."""
        match = MARKER.fullmatch(marker)
        if match is None or match[1] != "table" or not 1 <= int(match[2]) <= len(self.grids):
            raise KeyError(marker)
        return self.grids[int(match[2]) - 1]

    def section(self, landscape: bool) -> str:
        """A marker: a new section starts here on a new page, landscape or portrait."""
        return f"{PREFIX}section:{'landscape' if landscape else 'portrait'}⟧"

    def apply(self, document: Any, styles: TableStyles | None = None) -> None:
        """Replace every marker paragraph in a rendered python-docx Document, in order.

        `styles` is `tables.table_styles(document)` when the caller knows it (from the
        template the document was rendered from). Raises PlaceholderError, changing nothing,
        when a marker is unknown, not alone in its paragraph, or not directly in the body
        (in a table cell, say).
        """
        body = document.element.body
        markers = _markers(body, len(self.grids))
        if not markers:
            return
        tables = [int(arg) for _p, kind, arg in markers if kind == "table"]
        placed = {n: self.grids[n - 1].placed() for n in tables}  # a bad grid raises here
        if tables and styles is None:
            styles = table_styles(document)
        final = body.get_or_add_sectPr()
        landscape = wordml.is_landscape(final)
        sections = 0
        widths: dict[bool, Any] = {}  # the text width of a page, portrait and landscape
        for p, kind, arg in markers:
            if kind == "table":
                if landscape not in widths:
                    widths[landscape] = wordml.text_width(_oriented_copy(final, landscape))
                width = widths[landscape]
                grid = self.grids[int(arg) - 1]
                table = grid_table(document, grid, width, placed[int(arg)], styles)
                _place_table(p, table._tbl)
                continue
            ending = _oriented_copy(final, landscape)
            if sections:
                wordml.continue_page_numbers(ending)
            wordml.start_on_next_page(ending)
            wordml.end_section_at(p, ending)
            landscape = _ORIENTATIONS[arg]
            sections += 1
        if sections:
            wordml.orient_section(final, landscape)
            wordml.continue_page_numbers(final)
            wordml.start_on_next_page(final)


def _place_table(p: Any, tbl: Any) -> None:
    """Put `tbl` where marker paragraph `p` is and drop `p`, keeping tables apart."""
    p.addprevious(tbl)
    if p.pPr is not None and p.pPr.sectPr is not None:
        wordml.end_section_at(p, p.pPr.sectPr)  # a section break the template had here
    else:
        p.getparent().remove(p)
    before, after = tbl.getprevious(), tbl.getnext()
    if before is not None and before.tag == qn("w:tbl"):
        wordml.paragraph_after(before)  # adjacent tables would join into one
    if after is None or after.tag != qn("w:p"):
        wordml.paragraph_after(tbl)  # a table is followed by a paragraph


def _text(p: Any) -> str:
    """The text of a w:p element, its w:t pieces joined."""
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def _markers(body: Any, tables: int) -> list[tuple[Any, str, str]]:
    """Every marker paragraph of `body` in document order, as (w:p, kind, argument)."""
    found = []
    for p in body.iter(qn("w:p")):
        text = _text(p)
        if PREFIX not in text:
            continue
        match = MARKER.fullmatch(text.strip())
        if match is None:
            raise PlaceholderError(f"marker not alone in its paragraph: {text!r}")
        if p.getparent() is not body:
            raise PlaceholderError(f"marker not directly in the document body: {text!r}")
        kind, arg = match.groups()
        known = (
            arg.isdigit() and 1 <= int(arg) <= tables if kind == "table" else arg in _ORIENTATIONS
        )
        if not known:
            raise PlaceholderError(f"unknown marker {text.strip()!r}")
        found.append((p, kind, arg))
    return found


def _oriented_copy(sectPr: Any, landscape: bool) -> Any:
    """A copy of `sectPr` (footer references and all) turned landscape or portrait."""
    copy = sectPr.clone()
    wordml.orient_section(copy, landscape)
    return copy
