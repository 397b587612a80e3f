"""A Grid (render/grid.py) as a Word table: merged cells, fixed column widths, ruled cells.

The rows are written as XML in one piece (wordml.cell_xml …), spans already merged as
python-docx's cell.merge leaves them: a horizontal span is one w:tc with w:gridSpan, a
vertical one a w:vMerge cell in each row, text only in the span's first cell. Header rows
repeat on every page the table runs onto, and short rows are kept from breaking across
pages.
"""

from __future__ import annotations

import math
import unicodedata
from functools import cache, lru_cache
from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.simpletypes import ST_HpsMeasure
from docx.shared import Length, Pt
from docx.table import Table

from jixiao.frozen import frozen
from jixiao.render import gongwen, wordml
from jixiao.render.grid import Align, Cell, Grid

TABLE_STYLE = "Table Grid"
SHORT_ROW_LINES = 4
"""A row whose cells need at most this many lines is kept on one page (w:cantSplit)."""
CELL_MARGINS_TWIPS = 2 * 108  # left and right cell margins of 'Table Grid'

_ALIGN = {
    Align.LEFT: WD_ALIGN_PARAGRAPH.LEFT.xml_value,
    Align.CENTER: WD_ALIGN_PARAGRAPH.CENTER.xml_value,
    Align.RIGHT: WD_ALIGN_PARAGRAPH.RIGHT.xml_value,
}


def column_twips(widths: tuple[float, ...], total: int) -> list[int]:
    """Whole-twip column widths in proportion to `widths` that add up to exactly `total`."""
    scale = sum(widths)
    exact = [w * total / scale for w in widths]
    out = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (out[i] - exact[i], i))
    for i in by_remainder[: total - sum(out)]:
        out[i] += 1
    return out


@frozen
class TableStyles:
    """The styles a document gives its tables: the cells' paragraph style (gongwen.TABLE_TEXT)
    by id with its font size, and the table style's id (None: no w:tblStyle), or `borders`
    written out where the document has no 'Table Grid'."""

    paragraph_id: str
    paragraph_size: Length | None
    table_id: str | None
    borders: bool

    def plain(self) -> list[Any]:
        """The styles as JSON values (a template's are kept on disk), for `from_plain`."""
        size = None if self.paragraph_size is None else int(self.paragraph_size)
        return [self.paragraph_id, size, self.table_id, self.borders]

    @classmethod
    def from_plain(cls, value: Any) -> TableStyles | None:
        """The styles that `plain` gave `value`; None if `value` is no such list."""
        if not isinstance(value, list) or len(value) != 4:
            return None
        paragraph_id, size, table_id, borders = value
        if not isinstance(paragraph_id, str) or not isinstance(borders, bool):
            return None
        if not (size is None or type(size) is int) or not (
            table_id is None or isinstance(table_id, str)
        ):
            return None
        return cls(paragraph_id, None if size is None else Length(size), table_id, borders)


def table_styles(document: Any) -> TableStyles:
    """What `grid_table` styles its tables with in `document`, adding the cells' paragraph
    style when the document lacks it. ValueError when 'Table Grid' is not a table style."""
    gongwen.ensure_paragraph_style(document, gongwen.TABLE_TEXT)
    paragraph = document.styles[gongwen.TABLE_TEXT]
    try:
        style = document.styles[TABLE_STYLE]
    except KeyError:
        return TableStyles(paragraph.style_id, paragraph.font.size, None, borders=True)
    if style.type == WD_STYLE_TYPE.TABLE and not style.element.default:
        table_id = style.style_id  # without python-docx's look through every style
    else:  # what `table.style = style` sets: None for the default table style
        table_id = document.part.get_style_id(style, WD_STYLE_TYPE.TABLE)
    return TableStyles(paragraph.style_id, paragraph.font.size, table_id, borders=False)


def has_table_styles(document: Any) -> bool:
    """Whether `table_styles` finds every style it needs in `document` without adding one."""
    try:
        document.styles[gongwen.TABLE_TEXT]
    except KeyError:
        return False
    return True


def grid_table(
    document: Any,
    grid: Grid,
    text_width: Length | int,
    placed: list[tuple[int, int, Cell]] | None = None,
    styles: TableStyles | None = None,
) -> Table:
    """A new table for `grid`, `text_width` (EMU) wide, not yet placed in the document.

    Insert `table._tbl` where it belongs (e.g. `paragraph._p.addprevious(table._tbl)`).
    Raises ValueError (from Grid.placed) when the grid's spans do not tile it; `placed`
    is `grid.placed()` and `styles` is `table_styles(document)` when the caller has them.
    """
    if placed is None:
        placed = grid.placed()
    if styles is None:
        styles = table_styles(document)
    widths = column_twips(grid.widths, Length(text_width).twips)
    size = None if styles.paragraph_size == Pt(grid.font_pt) else Pt(grid.font_pt)
    half_points = None if size is None else int(ST_HpsMeasure.convert_to_xml(size))
    rows = _rows(placed, len(grid.rows), widths, styles.paragraph_id, half_points, grid)
    tbl = wordml.new_table(widths, rows, styles.table_id, styles.borders)
    return Table(tbl, document)


def _rows(
    placed: list[tuple[int, int, Cell]],
    count: int,
    widths: list[int],
    style_id: str,
    half_points: int | None,
    grid: Grid,
) -> list[str]:
    """Each row of the table as XML: a cell where each span starts, and below the first row
    of a vertical span a continuation cell (w:vMerge) holding an empty paragraph."""
    starts: list[dict[int, Cell]] = [{} for _ in range(count)]
    below: list[dict[int, Cell]] = [{} for _ in range(count)]
    for r, c, cell in placed:
        starts[r][c] = cell
        for dr in range(1, cell.rows):
            below[r + dr][c] = cell
    lines = row_lines(placed, count, widths, grid.font_pt)
    empty = {keep: wordml.paragraph_xml(style_id, keep_next=keep) for keep in (False, True)}
    out = []
    for r in range(count):
        header = r < grid.header_rows
        cells, c = [], 0
        while c < len(widths):
            if c in starts[r]:
                cell = starts[r][c]
                merge = "restart" if cell.rows > 1 else None
                content = _paragraphs(cell, style_id, header, half_points)
            else:
                cell = below[r][c]
                merge = "continue"
                content = empty[header]
            twips = _span_twips(widths, c, cell.cols)
            cells.append(wordml.cell_xml(twips, cell.cols, merge, [content]))
            c += cell.cols
        out.append(wordml.row_xml(cells, cant_split=lines[r] <= SHORT_ROW_LINES, header=header))
    return out


def _span_twips(widths: list[int], column: int, span: int) -> int:
    """The width of a cell spanning `span` columns from `column`, added up as python-docx
    adds them when it merges cells (nothing is added to or from a width of 0)."""
    total = widths[column]
    for width in widths[column + 1 : column + span]:
        if total and width:
            total += width
    return total


def _paragraphs(cell: Cell, style_id: str, keep_next: bool, half_points: int | None) -> str:
    """The cell's paragraphs, each aligned, its text in one run (bold, sized, as asked)."""
    return _paragraphs_xml(
        cell.paragraphs, cell.aligns, cell.align, cell.bold, style_id, keep_next, half_points
    )


@lru_cache(maxsize=8192)
def _paragraphs_xml(
    texts: tuple[str, ...],
    aligns: tuple[Align, ...],
    align: Align,
    bold: bool,
    style_id: str,
    keep_next: bool,
    half_points: int | None,
) -> str:
    """`_paragraphs`, remembered: a form's headings and figures repeat render after render."""
    if not texts:
        return wordml.paragraph_xml(style_id, keep_next=keep_next)
    out = []
    for index, text in enumerate(texts):
        run = wordml.run_xml(text, bold, half_points) if text else ""
        shown = aligns[index] if index < len(aligns) else align
        out.append(wordml.paragraph_xml(style_id, keep_next, _ALIGN[shown], run))
    return "".join(out)


def _ems(text: str) -> float:
    """Width of `text` in ems: full-width (CJK) characters 1, others ½."""
    return sum(map(_char_ems, text))


@cache
def _char_ems(char: str) -> float:
    """Width of one character in ems, looked up once a character."""
    return 1.0 if unicodedata.east_asian_width(char) in "WF" else 0.5


def row_lines(
    placed: list[tuple[int, int, Cell]], count: int, widths: list[int], pt: float
) -> list[int]:
    """For each row, the estimated lines of its tallest one-row cell (0 if none)."""
    most = [0] * count
    for r, c, cell in placed:
        if cell.rows != 1:
            continue
        usable_pt = max(sum(widths[c : c + cell.cols]) - CELL_MARGINS_TWIPS, 20) / 20
        per_line = max(usable_pt / pt, 1.0)
        lines = sum(max(1, math.ceil(_ems(p) / per_line)) for p in cell.paragraphs)
        most[r] = max(most[r], lines)
    return most
