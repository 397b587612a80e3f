"""The attached forms and table sections as an .xlsx workbook, from the same Grids as Word.

Each form (附件N) and each table section becomes one sheet: its label and title on top,
then its Grids one below the other, merged cells where the Grid spans, numbers stored as
numbers (two decimals; rates as percents) where a cell shows one figure, column widths in
the Grid's proportions, header rows frozen and repeated on every printed page, A4
landscape fitted to the page width. The Grids are the ones `tables.py` puts in the .docx,
so both files show the same figures by construction.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from jixiao.frozen import frozen
from jixiao.render import wordml
from jixiao.render.grid import Cell, Grid
from jixiao.render.placeholders import Placeholders
from jixiao.render.tables import column_twips, row_lines

SHEET_NAME_LIMIT = 31
"""The longest sheet name Excel accepts (characters)."""
_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
"""Characters Excel does not allow in a sheet name (and control characters)."""
PAGE_CHARACTERS = 125
"""The width of all columns together, in Excel's character units: A4 landscape's width."""
PAGE_TWIPS = 13_600
"""The width in twips that row heights are estimated for (A4 landscape, narrow margins)."""
AMOUNT_FORMAT = "0.00"
RATE_FORMAT = "0.00%"
TITLE_PT = 14.0
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FIXED_TIME = wordml.FIXED_TIME


@frozen
class Sheet:
    """One sheet to write: the name wanted for it, the label (附件2), title and subtitle
    above the tables (each may be empty), its Grids and the notes below them."""

    name: str
    label: str
    title: str
    subtitle: str
    grids: tuple[Grid, ...]
    notes: tuple[str, ...] = ()


def form_sheets(context: dict[str, Any], placeholders: Placeholders) -> list[Sheet]:
    """The sheets of one rendered report: its table sections, then its attached forms."""
    sheets = []
    for section in context.get("sections", []):
        markers = [section.table] if section.table else []
        grids = tuple(placeholders.grid(m) for m in [*markers, *section.tables])
        if grids:
            sheets.append(Sheet(section.title, "", section.title, "", grids))
    for form in context.get("attachments", []):
        grids = tuple(placeholders.grid(m) for m in form.tables)
        name = " ".join(t for t in (form.label, form.title) if t)
        heading = (form.label, form.title, form.subtitle)
        sheets.append(Sheet(name, *heading, grids, tuple(form.notes)))
    return sheets


def sheet_names(wanted: Iterable[str]) -> list[str]:
    """Names Excel accepts for sheets wanted as `wanted`: forbidden characters replaced by
    '_', no apostrophe at either end, at most 31 characters, unique (case-insensitively,
    as Excel compares them) by a ' (2)' … suffix, a number where nothing is left."""
    names: list[str] = []
    taken: set[str] = set()
    for index, raw in enumerate(wanted, start=1):
        base = _FORBIDDEN.sub("_", " ".join(raw.split())).strip("'").strip()
        base = base[:SHEET_NAME_LIMIT].rstrip("'").rstrip() or str(index)
        name, copy = base, 1
        while name.casefold() in taken:
            copy += 1
            suffix = f" ({copy})"
            name = base[: SHEET_NAME_LIMIT - len(suffix)].rstrip() + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def workbook_bytes(sheets: Sequence[Sheet], author: str) -> bytes:
    """The workbook of `sheets` as .xlsx bytes, the same for the same sheets (fixed times)."""
    book = Workbook()
    book.remove(book.active)
    for sheet, name in zip(sheets, sheet_names(s.name for s in sheets), strict=True):
        _write_sheet(book.create_sheet(name), sheet)
    book.properties.creator = book.properties.lastModifiedBy = author
    book.properties.created = book.properties.modified = _FIXED_TIME.replace(tzinfo=None)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()  # as book.save, which would stamp the time now
    return wordml.deterministic_zip(out.getvalue())


def _write_sheet(ws: Worksheet, sheet: Sheet) -> None:
    """Heading lines, each Grid (a blank row between two), notes; widths, freeze, print."""
    columns = max(g.columns for g in sheet.grids)
    heading = [
        (text, font, align)
        for text, font, align in (
            (sheet.label, Font(bold=True), "left"),
            (sheet.title, Font(bold=True, size=TITLE_PT), "center"),
            (sheet.subtitle, Font(), "center"),
        )
        if text
    ]
    for row, (text, font, align) in enumerate(heading, start=1):
        cell = ws.cell(row, 1, text)
        cell.font, cell.alignment = font, Alignment(horizontal=align)
        if columns > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    top = len(heading) + 1
    for index, grid in enumerate(sheet.grids):
        first = top if index == 0 else ws.max_row + 2
        _write_grid(ws, grid, first)
    for note in sheet.notes:
        ws.cell(ws.max_row + 1, 1, note).alignment = Alignment(wrap_text=False)
    _set_widths(ws, sheet.grids[0])
    header = sheet.grids[0].header_rows
    ws.freeze_panes = ws.cell(top + header, 1)
    if header:
        ws.print_title_rows = f"{top}:{top + header - 1}"
    _print_setup(ws)


def _write_grid(ws: Worksheet, grid: Grid, top: int) -> None:
    """`grid` with its first row at sheet row `top`: values, styles, merges, row heights."""
    placed = grid.placed()
    for r, c, cell in placed:
        row, column = top + r, 1 + c
        target = ws.cell(row, column, _value(cell))
        if cell.figure is not None:
            target.number_format = RATE_FORMAT if cell.figure.percent else AMOUNT_FORMAT
        target.font = Font(bold=cell.bold or r < grid.header_rows, size=grid.font_pt)
        target.alignment = Alignment(horizontal=cell.align.value, vertical="center", wrap_text=True)
        for dr in range(cell.rows):
            for dc in range(cell.cols):
                ws.cell(row + dr, column + dc).border = _BORDER
        if cell.rows > 1 or cell.cols > 1:
            ws.merge_cells(
                start_row=row,
                start_column=column,
                end_row=row + cell.rows - 1,
                end_column=column + cell.cols - 1,
            )
    twips = column_twips(grid.widths, PAGE_TWIPS)
    for r, lines in enumerate(row_lines(placed, len(grid.rows), twips, grid.font_pt)):
        ws.row_dimensions[top + r].height = max(lines, 1) * grid.font_pt * 1.4 + 4


def _value(cell: Cell) -> Any:
    """What a sheet cell holds: the figure as a number, else the paragraphs as lines."""
    if cell.figure is not None:
        return cell.figure.value
    return "\n".join(cell.paragraphs) or None


def _set_widths(ws: Worksheet, grid: Grid) -> None:
    """Column widths in the Grid's proportions, all together the page's width."""
    scale = PAGE_CHARACTERS / sum(grid.widths)
    for index, width in enumerate(grid.widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = round(width * scale, 2)


def _print_setup(ws: Worksheet) -> None:
    """A4 landscape, fitted to one page wide (as many pages down as it takes), centred."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
