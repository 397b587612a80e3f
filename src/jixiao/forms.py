"""The attached forms and table sections as Grids: one builder reads a declaration and the figures.

Pure functions: a `FormSpec` (see formspec.py) and a scope of named figures in, `Grid`s out.
Every amount, rate, total and score in a cell comes from `compute`/`scoring`; a declaration
names it by a dotted path and this module only lays it out and formats it — each figure in
one place, `shown`. No label is written here: they are all in the declarations.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jixiao import patterns
from jixiao.errors import ContentError, Finding
from jixiao.formatting import num, num_value, pct, pct_value
from jixiao.formspec import (
    CellSpec,
    Format,
    FormSpec,
    Level,
    RowSpec,
    TableSpec,
    load_form,
    placeholders,
)
from jixiao.loading import FieldPath, Source
from jixiao.messages import listing, say
from jixiao.plain import data_fields
from jixiao.render.grid import Cell, Figure, Grid, GridBuilder, GridError

Scope = Mapping[str, Any]
Row = list[Cell]


class PathError(LookupError):
    """A dotted path that names no field of what it reads."""

    def __init__(self, path: str, part: str, fields: Iterable[str] = ()) -> None:
        super().__init__(path)
        self.path, self.part, self.fields = path, part, sorted(fields)


def unknown_field(
    source: Source, at: FieldPath, path: str, part: str, fields: list[str]
) -> Finding:
    """The finding of a path whose `part` names no field, with the closest of `fields`."""
    hint = (
        say("form_field_fields", names=listing(fields)) if fields else say("form_path_unknown_hint")
    )
    close = difflib.get_close_matches(part, fields, n=1, cutoff=0.5)
    if close:
        hint = say("form_name_unknown_close", close=close[0]) + " " + hint
    return source.error(at, say("form_path_unknown", path=path, part=part), hint)


class ShapeError(LookupError):
    """A declared table whose rows do not fit its columns, at the row declaration `at`."""

    def __init__(self, at: FieldPath, error: GridError) -> None:
        super().__init__(str(error))
        self.at, self.error = at, error


class LazyScope(Mapping[str, Any]):
    """The names a declaration may read, each computed on first use (rendered texts cost)."""

    def __init__(self, makers: Mapping[str, Callable[[], Any]]) -> None:
        self._makers = makers
        self._values: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._values:
            self._values[name] = self._makers[name]()
        return self._values[name]

    def __contains__(self, name: object) -> bool:
        return name in self._makers

    def __iter__(self) -> Iterator[str]:
        return iter(self._makers)

    def __len__(self) -> int:
        return len(self._makers)


class Bound(Mapping[str, Any]):
    """A scope with a few more names bound (a row's item, its number) over an outer scope."""

    __slots__ = ("_inner", "_outer")

    def __init__(self, outer: Scope, inner: dict[str, Any]) -> None:
        if isinstance(outer, Bound):  # one level of lookup however deep the rows nest
            outer, inner = outer._outer, {**outer._inner, **inner}
        self._outer, self._inner = outer, inner

    def __getitem__(self, name: str) -> Any:
        return self._inner[name] if name in self._inner else self._outer[name]

    def __contains__(self, name: object) -> bool:
        return name in self._inner or name in self._outer

    def __iter__(self) -> Iterator[str]:
        yield from self._inner
        yield from (n for n in self._outer if n not in self._inner)

    def __len__(self) -> int:
        return len(set(self))


@cache
def _split(path: str) -> tuple[str, tuple[str, ...]]:
    """A dotted path's head and the fields after it, split once a path."""
    head, *rest = path.split(".")
    return head, tuple(rest)


@cache
def _is_mapping(kind: type) -> bool:
    return issubclass(kind, Mapping)


def resolve(path: str, scope: Scope) -> Any:
    """The value at a dotted `path`: its head a name of the scope, then the fields plain data
    shows (plain.py); a mapping is read by key; None once a step is None."""
    head, rest = _split(path)
    if head not in scope:
        raise PathError(path, head)
    value = scope[head]
    for part in rest:
        if value is None:
            return None
        if _is_mapping(type(value)):
            value = value.get(part)
        elif part in data_fields(type(value)):
            value = getattr(value, part)
        else:
            raise PathError(path, part, data_fields(type(value)))
    return value


def any_of(paths: str | list[str] | None, scope: Scope) -> bool:
    """Whether `paths` is unset or one of them has a value (not None, empty or false)."""
    if paths is None:
        return True
    return any(resolve(p, scope) for p in ([paths] if isinstance(paths, str) else paths))


def amount(value: Decimal | None, blank: str = "") -> str:
    """An amount in a form cell: no trailing zeros; `blank` when there is none."""
    return blank if value is None else num(value)


def rate(value: Decimal | None, blank: str = "") -> str:
    """A ratio in a form cell as a percent; `blank` when there is none."""
    return blank if value is None else pct(value)


def numbered(items: list[str], pattern: str = "{n}.{text}") -> tuple[str, ...]:
    """Items as numbered paragraphs of one cell: 1.… 2.…"""
    return tuple(
        patterns.fill(pattern, {"n": str(i), "text": str(t)}) for i, t in enumerate(items, 1)
    )


def basis(item: Any) -> str:
    """Why a rate-scored single-row item lost points, when the writer gave no reason."""
    if len(item.rows) != 1 or item.rate is None or not item.lost or item.rate_label is None:
        return ""
    return item.rate_label + (pct(item.rate) if item.rate.is_finite() else "")


@lru_cache(maxsize=8192)
def _num(value: Decimal | int) -> str:
    """`num`, remembered: a form writes the same few figures many times, and babel is slow."""
    return num(value)


@lru_cache(maxsize=8192)
def _pct(value: Decimal) -> str:
    """`pct`, remembered."""
    return pct(value)


def shown(value: Any, fmt: Format, item: str) -> str | tuple[str, ...]:
    """A figure as a cell writes it: the one place a form formats a value."""
    if fmt in (Format.AMOUNT, Format.SCORE):
        return _num(value)
    if fmt is Format.RATE:
        return _pct(value)
    if fmt is Format.PERCENT:
        return _num(value) + "%"
    if fmt is Format.LINES:
        return tuple(str(v) for v in value) or ("",)
    if fmt is Format.NUMBERED:
        return numbered(list(value), item) or ("",)
    if fmt is Format.ITEMS:
        return (
            "" if not value else str(value[0]) if len(value) == 1 else numbered(list(value), item)
        )
    if fmt is Format.BASIS:
        return basis(value)
    return str(value)


def _auto(value: Any) -> str:
    """A value put into a cell text's placeholder: amounts as amounts, None as nothing."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return _num(value)
    return str(value)


def fill(text: str, scope: Scope) -> str:
    """A cell text with its placeholders filled from the scope (patterns.fill, not str.format)."""
    names = _names(text)
    if not names:
        return text.replace("{{", "{").replace("}}", "}")
    return patterns.fill(text, {n: _auto(resolve(n, scope)) for n in names})


@cache
def _names(text: str) -> tuple[str, ...]:
    return tuple(placeholders(text))


def _texts(text: str | list[str], scope: Scope) -> str | tuple[str, ...]:
    return fill(text, scope) if isinstance(text, str) else tuple(fill(t, scope) for t in text)


Content = tuple[str | tuple[str, ...], Figure | None]


def _content(spec: CellSpec, scope: Scope, first: bool) -> Content:
    """What a cell writes: its figure formatted, its blank or `otherwise`, or its text; and
    the number it shows when it is one amount, score or rate."""
    if spec.value is None:
        text = spec.first if first and spec.first is not None else spec.text
        return _texts(text, scope), None
    value = resolve(spec.value, scope)
    if value is None or value == "":
        if spec.otherwise is not None:
            return _content(spec.otherwise, scope, first)
        return spec.blank, None
    written = shown(value, spec.format, spec.item)
    if written == "" and spec.otherwise is not None:
        return _content(spec.otherwise, scope, first)
    return written, figure(value, spec.format)


_FIGURES = frozenset((Format.AMOUNT, Format.SCORE, Format.RATE))
"""The formats whose cells hold a number in a spreadsheet."""


def figure(value: Any, fmt: Format) -> Figure | None:
    """The number a cell showing `value` as `fmt` holds in a spreadsheet: amounts and scores
    rounded as `num` writes them, rates as `pct` does; None for text and non-numbers."""
    if fmt not in _FIGURES or isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = Decimal(value)
    elif not isinstance(value, Decimal) or not value.is_finite():
        return None
    if fmt is Format.RATE:
        return Figure(pct_value(value), percent=True)
    return Figure(num_value(value))


def _cell(spec: CellSpec, scope: Scope, first: bool, marks: Mapping[str, int]) -> Cell | None:
    """The cell of a spec in a row, or None where it is not written (a merge, `when`)."""
    rows = spec.rows
    if spec.merge is not None:
        if spec.merge not in marks:
            return None
        rows = marks[spec.merge]
    if spec.when is not None and not resolve(spec.when, scope):
        return None
    if spec.unless is not None and resolve(spec.unless, scope):
        return None
    text, number = _content(spec, scope, first)
    return Cell(
        text,
        cols=spec.cols,
        rows=rows,
        align=spec.align,
        aligns=tuple(spec.aligns),
        figure=number,
    )


def _row(
    cells: list[CellSpec], scope: Scope, first: bool = False, marks: Mapping[str, int] = {}
) -> Row:
    return [cell for _spec, cell in _written(cells, scope, first, marks)]


def _written(
    cells: list[CellSpec], scope: Scope, first: bool = False, marks: Mapping[str, int] = {}
) -> list[tuple[CellSpec, Cell]]:
    """The cells a row writes, each with the declaration it comes from."""
    return [(s, c) for s in cells if (c := _cell(s, scope, first, marks)) is not None]


def _merged_runs(rows: list[list[tuple[CellSpec, Cell]]]) -> list[Row]:
    """Rows with each `merge_same` cell merged down over the rows right below it that write
    the same text in its place (one "quantitative" nature cell over a run of such rows)."""
    if not any(spec.merge_same for row in rows for spec, _cell in row):
        return [[cell for _spec, cell in row] for row in rows]
    runs: dict[int, tuple[int, int, int]] = {}  # declaration → (row, position, height)
    dropped: set[tuple[int, int]] = set()
    grown: dict[tuple[int, int], int] = {}
    for index, row in enumerate(rows):
        for position, (spec, cell) in enumerate(row):
            if not spec.merge_same or cell.rows != 1:
                continue
            run = runs.get(id(spec))
            if run is not None and run[0] + run[2] == index:
                start = rows[run[0]][run[1]][1]
                if start.text == cell.text and start.cols == cell.cols:
                    runs[id(spec)] = (run[0], run[1], run[2] + 1)
                    grown[run[0], run[1]] = run[2] + 1
                    dropped.add((index, position))
                    continue
            runs[id(spec)] = (index, position, 1)
    return [
        [
            replace(cell, rows=grown.get((i, p), cell.rows))
            for p, (_spec, cell) in enumerate(row)
            if (i, p) not in dropped
        ]
        for i, row in enumerate(rows)
    ]


def _items(paths: str | list[str], scope: Scope) -> list[Any]:
    """The items an `each` row repeats over: lists spread, a single value as one item."""
    out: list[Any] = []
    for path in [paths] if isinstance(paths, str) else paths:
        value = resolve(path, scope)
        if isinstance(value, list | tuple):
            out.extend(value)
        elif value is not None:
            out.append(value)
    return out


def _leaves(
    items: list[Any], levels: list[Level], depth: int, scope: Scope
) -> list[tuple[Scope, dict[str, int]]]:
    """A tree's leaves, each with its scope (every level's item bound) and, on the first leaf
    of a node, that node's height in rows under the level's name."""
    level = levels[depth]
    out: list[tuple[Scope, dict[str, int]]] = []
    for n, item in enumerate(items, start=1):
        bound = Bound(scope, {level.name: item, "n": n})
        if depth + 1 < len(levels):
            children = resolve(f"{level.name}.{levels[depth + 1].each}", bound) or []
            sub = _leaves(list(children), levels, depth + 1, bound)
        else:
            sub = [(bound, {})]
        if sub:
            sub[0][1][level.name] = len(sub)
        out.extend(sub)
    return out


def tree_leaves(path: str, levels: list[Level], scope: Scope) -> list[Scope]:
    """The scopes of a tree's leaves in table order, every level's item bound (what an
    import compares a leaf's computed figures in)."""
    return [bound for bound, _marks in _leaves(list(resolve(path, scope) or []), levels, 0, scope)]


def _rows(spec: RowSpec, table: TableSpec, scope: Scope) -> list[Row]:
    """The grid rows one row declaration gives."""
    if not any_of(spec.when, scope):
        return []
    if spec.labels:
        return [[Cell(_texts(c.label, scope)) for c in table.columns]]
    cells = spec.cells if spec.cells is not None else table.column_cells
    if spec.tree is not None:
        items = list(resolve(spec.tree, scope) or [])
        leaves = _leaves(items, spec.levels, 0, scope)
        return _merged_runs([_written(cells, s, False, marks) for s, marks in leaves])
    if spec.each is not None:
        return _merged_runs(
            [
                _written(cells, Bound(scope, {spec.name: item, "n": n}), n == spec.start)
                for n, item in enumerate(_items(spec.each, scope), start=spec.start)
            ]
        )
    return [_row(cells, scope)]


def table_grid(table: TableSpec, scope: Scope) -> Grid:
    """One table of a declaration, a cell with `span_next` spanning the rows of the next row
    declaration too."""
    blocks = [_rows(r, table, scope) for r in table.rows]
    for index, spec in enumerate(table.rows):
        if not any(c.span_next for c in spec.cells or []):
            continue
        below = len(blocks[index + 1]) if index + 1 < len(blocks) else 0
        for row in blocks[index]:
            for position, cell in enumerate(row):
                source = _source_of(spec, position, row)
                if source is not None and source.span_next:
                    row[position] = replace(cell, rows=cell.rows + below)
    widths = tuple(table.widths) or tuple(c.width for c in table.columns)
    g = GridBuilder(widths=widths, header_rows=table.header_rows)
    for block in blocks:
        for row in block:
            g.row(*row)
    grid = g.build()
    try:
        grid.placed()
    except GridError as exc:
        ends = itertools.accumulate(len(block) for block in blocks)
        index = next((i for i, end in enumerate(ends) if exc.row < end), len(blocks) - 1)
        raise ShapeError(("rows", max(index, 0)), exc) from None
    return grid


def _source_of(spec: RowSpec, position: int, row: Row) -> CellSpec | None:
    """The cell declaration of a fixed row's cell at `position` (fixed rows write every cell)."""
    cells = spec.cells or []
    if len(cells) != len(row):
        return None
    return cells[position]


Includer = Callable[[str], tuple[FormSpec, Source]]
"""Reads the declaration another one's table includes."""


def declared(templates: Path, kind: str, name: str, scope: Scope) -> list[Grid]:
    """The grids of the declaration `name` of `kind` (see formspec.form_file) for `scope`."""
    spec, source = load_form(templates, kind, name)
    return build(spec, scope, lambda other: load_form(templates, kind, other, source), source)


def build(spec: FormSpec, scope: Scope, include: Includer, source: Source) -> list[Grid]:
    """The grids of a form: none when its `when` has no value, its tables once or `each` item;
    ContentError at the line of a path that names nothing."""

    def grids() -> list[Grid]:
        if not any_of(spec.when, scope):
            return []
        if spec.each is None:
            return _tables(spec, scope, include)
        return [
            grid
            for n, item in enumerate(_items(spec.each, scope), start=1)
            for grid in _tables(spec, _each(spec, scope, item, n), include)
        ]

    return _located(grids, source)


def _located(grids: Callable[[], list[Grid]], source: Source) -> list[Grid]:
    """The grids `grids` makes from the declaration `source`; a path that names nothing or a
    row that does not fit, a ContentError at its line there."""
    try:
        return grids()
    except ShapeError as exc:
        raise ContentError([_shape_finding(source, exc)]) from None
    except PathError as exc:
        where = _where(source.data, exc.path) or _where(source.data, exc.part) or ()
        raise ContentError([unknown_field(source, where, exc.path, exc.part, exc.fields)]) from None


def _shape_finding(source: Source, exc: ShapeError) -> Finding:
    """The Chinese finding of a table whose rows do not fit its columns."""
    grid = exc.error
    message = say(
        f"form_grid_{grid.problem}", cell=grid.text, filled=grid.filled, columns=grid.columns
    )
    return source.error(exc.at, message, say("form_grid_hint"))


def _each(spec: FormSpec, scope: Scope, item: Any, n: int) -> Scope:
    """The scope of one item of a form made once per item, with the names it binds."""
    bound = Bound(scope, {spec.name_each: item, "n": n})
    return Bound(bound, {name: resolve(path, bound) for name, path in spec.bind.items()})


def _tables(spec: FormSpec, scope: Scope, include: Includer) -> list[Grid]:
    grids: list[Grid] = []
    for index, table in enumerate(spec.tables):
        if not any_of(table.when, scope):
            continue
        if table.include is not None:
            inner, source = include(table.include)
            grids += _located(lambda inner=inner: _tables(inner, scope, include), source)
            continue
        try:
            grids.append(table_grid(table, scope))
        except ShapeError as exc:
            raise ShapeError(("tables", index, *exc.at), exc.error) from None
    return grids


def _where(node: object, path: str, at: FieldPath = ()) -> FieldPath | None:
    """The field path in a declaration of the first value that uses `path`."""
    if isinstance(node, str):
        return at if path in node else None
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, value in items:
        found = _where(value, path, (*at, key))
        if found is not None:
            return found
    return None
