"""A table as plain data — rows of cells with spans — before it becomes Word XML.

Forms (附件2, 附件3 …) are computed as `Grid`s by pure functions, so their layout and
merges can be tested without Word; `tables.py` turns a Grid into a python-docx table.
A row lists only the cells that start in it; cells covered by a span from above or
from the left are not listed (as in HTML tables).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from jixiao.frozen import frozen


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@frozen
class Figure:
    """The number a cell's text shows, for a spreadsheet: rounded as shown, a percent or not."""

    value: Decimal
    percent: bool = False


@frozen
class Cell:
    """One cell: its paragraphs of text, how many columns and rows it spans, how it looks;
    `figure` is the number the text shows when the cell is one figure (Word ignores it)."""

    text: str | tuple[str, ...] = ""
    cols: int = 1
    rows: int = 1
    bold: bool = False
    align: Align = Align.CENTER
    aligns: tuple[Align, ...] = ()  # per paragraph, where it differs from `align`
    figure: Figure | None = None

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return (self.text,) if isinstance(self.text, str) else self.text


class GridError(ValueError):
    """Rows that do not fit the table's columns: `problem` is overflow, overlap or short."""

    def __init__(self, row: int, problem: str, text: str, filled: int, columns: int) -> None:
        super().__init__(f"row {row}: {problem} ({text!r}, {filled} of {columns} columns)")
        self.row, self.problem, self.text = row, problem, text
        self.filled, self.columns = filled, columns


@frozen
class Grid:
    """A whole table: relative column widths, rows of cells, and how many header rows repeat."""

    widths: tuple[float, ...]
    rows: tuple[tuple[Cell, ...], ...]
    header_rows: int = 0
    font_pt: float = 10.5

    @property
    def columns(self) -> int:
        return len(self.widths)

    def placed(self) -> list[tuple[int, int, Cell]]:
        """Every cell with the (row, column) where it starts, spans resolved.

        Raises GridError when a row does not fill the width or spans collide.
        """
        return list(self._placements)

    @cached_property
    def _placements(self) -> tuple[tuple[int, int, Cell], ...]:
        """`placed`, worked out once a grid (the builder checks it, the table writes it)."""
        columns = self.columns
        taken = [[False] * columns for _ in self.rows]  # by row, whether each column is
        out: list[tuple[int, int, Cell]] = []
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while c < columns and taken[r][c]:
                    c += 1
                if c + cell.cols > columns or r + cell.rows > len(self.rows):
                    raise GridError(r, "overflow", _first(cell), c + cell.cols, columns)
                for dr in range(cell.rows):
                    for dc in range(cell.cols):
                        if taken[r + dr][c + dc]:
                            raise GridError(r, "overlap", _first(cell), c + dc, columns)
                        taken[r + dr][c + dc] = True
                out.append((r, c, cell))
                c += cell.cols
            filled = sum(taken[r])
            if filled != columns:
                raise GridError(r, "short", _first(row[-1]) if row else "", filled, columns)
        return tuple(out)


def _first(cell: Cell) -> str:
    """The text a message names a cell by: its first paragraph."""
    return cell.paragraphs[0] if cell.paragraphs else ""


@dataclass
class GridBuilder:
    """Collects rows for a Grid."""

    widths: tuple[float, ...]
    header_rows: int = 0
    rows: list[tuple[Cell, ...]] = field(default_factory=list)

    def row(self, *cells: Cell | str) -> None:
        self.rows.append(tuple(c if isinstance(c, Cell) else Cell(c) for c in cells))

    def build(self, font_pt: float = 10.5) -> Grid:
        return Grid(self.widths, tuple(self.rows), self.header_rows, font_pt)
