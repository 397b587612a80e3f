"""A Grid (render/grid.py) as a Word table: merged cells, fixed column widths, ruled cells.

Spans are merged with python-docx before any text is written (merging concatenates the
text of merged cells), so text sits only in each span's first cell; header rows repeat
on every page the table runs onto, and short rows are kept from breaking across pages.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.table import CT_Tbl
from docx.shared import Length, Pt, Twips
from docx.table import Table, _Cell

from jixiao.render import gongwen, wordml
from jixiao.render.grid import Align, Cell, Grid

TABLE_STYLE = "Table Grid"
SHORT_ROW_LINES = 4
"""A row whose cells need at most this many lines is kept on one page (w:cantSplit)."""
CELL_MARGINS_TWIPS = 2 * 108  # left and right cell margins of 'Table Grid'

_ALIGN = {
    Align.LEFT: WD_ALIGN_PARAGRAPH.LEFT,
    Align.CENTER: WD_ALIGN_PARAGRAPH.CENTER,
    Align.RIGHT: WD_ALIGN_PARAGRAPH.RIGHT,
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


def grid_table(document: Any, grid: Grid, text_width: Length | int) -> Table:
    """A new table for `grid`, `text_width` (EMU) wide, not yet placed in the document.

    Insert `table._tbl` where it belongs (e.g. `paragraph._p.addprevious(table._tbl)`).
    Raises ValueError (from Grid.placed) when the grid's spans do not tile it.
    """
    placed = grid.placed()
    widths = column_twips(grid.widths, Length(text_width).twips)
    tbl = CT_Tbl.new_tbl(len(grid.rows), grid.columns, Length(text_width))
    table = Table(tbl, document)
    _set_style(document, table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout fixed
    wordml.set_table_width(tbl, sum(widths))
    for grid_col, width in zip(tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.w = Twips(width)
    for tr in tbl.tr_lst:
        for tc, width in zip(tr.tc_lst, widths, strict=True):
            tc.width = Twips(width)
    for r, c, cell in placed:
        if cell.rows > 1 or cell.cols > 1:
            corner = tbl.tr_lst[r + cell.rows - 1].tc_at_grid_offset(c + cell.cols - 1)
            tbl.tr_lst[r].tc_at_grid_offset(c).merge(corner)
    gongwen.ensure_paragraph_style(document, gongwen.TABLE_TEXT)
    style = document.styles[gongwen.TABLE_TEXT]
    size = None if style.font.size == Pt(grid.font_pt) else Pt(grid.font_pt)
    for tc in tbl.iter_tcs():
        _Cell(tc, table).vertical_alignment = WD_ALIGN_VERTICAL.CENTER
        for p in tc.p_lst:
            p.style = style.style_id  # also the empty paragraphs left in covered cells
    for r, c, cell in placed:
        _write(_Cell(tbl.tr_lst[r].tc_at_grid_offset(c), table), cell, size, style.style_id)
    for r, tr in enumerate(tbl.tr_lst):
        if r < grid.header_rows:
            wordml.repeat_as_header(tr)
            wordml.keep_row_with_next(tr)
        if _row_lines(placed, r, widths, grid.font_pt) <= SHORT_ROW_LINES:
            wordml.keep_row_on_one_page(tr)
    return table


def _set_style(document: Any, table: Table) -> None:
    """'Table Grid' when the document has it, else the same borders written out."""
    try:
        table.style = document.styles[TABLE_STYLE]
    except KeyError:
        wordml.set_table_borders(table._tbl)


def _write(target: _Cell, cell: Cell, size: Length | None, style_id: str) -> None:
    """Each of the cell's paragraphs into the (origin) table cell, aligned and weighted."""
    for index, text in enumerate(cell.paragraphs):
        paragraph = target.paragraphs[0] if index == 0 else target.add_paragraph()
        paragraph._p.style = style_id  # by id: python-docx's by-name lookup scans all styles
        paragraph.alignment = _ALIGN[cell.aligns[index] if index < len(cell.aligns) else cell.align]
        if text:
            run = paragraph.add_run(text)
            if cell.bold:
                run.bold = True
            if size is not None:
                run.font.size = size


def _ems(text: str) -> float:
    """Width of `text` in ems: full-width (CJK) characters 1, others ½."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def _row_lines(placed: list[tuple[int, int, Cell]], row: int, widths: list[int], pt: float) -> int:
    """Estimated lines of the tallest one-row cell that starts in `row` (0 if none)."""
    most = 0
    for r, c, cell in placed:
        if r != row or cell.rows != 1:
            continue
        usable_pt = max(sum(widths[c : c + cell.cols]) - CELL_MARGINS_TWIPS, 20) / 20
        per_line = max(usable_pt / pt, 1.0)
        lines = sum(max(1, math.ceil(_ems(p) / per_line)) for p in cell.paragraphs)
        most = max(most, lines)
    return most
