"""Figures of fixed-layout forms read back: the inverse of a form declaration's cells.

A declared cell whose text is one reference to a path (`value:` or a text with one dotted
placeholder, 其中：{row.name}) shows a figure. When the path, taken through formspec.ROOTS,
names a field of the year file (basic.public.prior → budget.basic.public.prior), the
document's text is that field's value: it is read back and stored. When it names a figure
jixiao computes (control_rate, totals, scores), nothing is stored: the cell is kept, to be
compared with what jixiao computes from the stored fields (importing/recheck.py).

The rows of a document table are matched in order to the declared rows: a row whose fixed
texts are the declaration's is that row; an `each` row repeats, each document row an item.
"""

from __future__ import annotations

import re
import string
import typing
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from jixiao.errors import ContentError
from jixiao.formspec import ROOTS, CellSpec, Format, TableSpec, load_form, placeholders
from jixiao.importing.outline import Table
from jixiao.kinds import Kind
from jixiao.model import Year

_READ = (Format.AMOUNT, Format.SCORE, Format.PERCENT, Format.TEXT, Format.LINES)
"""Formats whose text gives the value back (a rate is a computed figure; lists are joined)."""
LABELS_FOUND = 0.6
"""Share of a declaration's fixed texts a document table must hold to be that table."""


@dataclass(frozen=True)
class Slot:
    """One declared cell as the document shows it."""

    pattern: re.Pattern[str]
    """The cell's text; group `v` the figure when it shows one."""
    path: str | None
    fmt: Format
    blank: str
    literal: bool
    """Whether the cell is fixed text only (a label)."""
    first: re.Pattern[str] | None = None
    cols: int = 1


@dataclass(frozen=True)
class Row:
    slots: list[Slot]
    each: str | None = None
    name: str = "row"

    @property
    def labelled(self) -> bool:
        return any(s.literal and s.pattern.pattern != "^$" for s in self.slots)


@dataclass(frozen=True)
class FormTable:
    form: str
    rows: list[Row]
    labels: frozenset[str]


@dataclass
class Shown:
    """A computed figure as the document shows it, to compare with jixiao's."""

    form: str
    path: str
    fmt: Format
    text: str
    scope: dict[str, int] = field(default_factory=dict)
    """The `each` items the path is read within: name → index."""


@dataclass
class LiftedCells:
    """Year-file values read from form cells, computed figures shown, values read twice."""

    values: dict[tuple[str, ...], Any] = field(default_factory=dict)
    lists: dict[tuple[str, ...], list[dict[str, Any]]] = field(default_factory=dict)
    shown: list[Shown] = field(default_factory=list)
    twice: list[tuple[str, str, str]] = field(default_factory=list)
    """(field, value kept, other value) of a field a document shows twice, differently."""
    used: dict[int, str] = field(default_factory=dict)
    """Index of each document table read → the declaration."""


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _slot(cell: CellSpec, year: int) -> Slot:
    """A cell's text as a pattern: fixed names filled, a single path placeholder as `v`."""

    def compile_(text: str | list[str]) -> tuple[re.Pattern[str], str | None]:
        joined = _squeeze("".join(text) if isinstance(text, list) else text)
        names = placeholders(joined)
        paths = [n for n in names if "." in n]
        out, path = "", None
        for literal, name, _spec, _conv in string.Formatter().parse(joined):
            out += re.escape(literal)
            if name is None:
                continue
            if name == "year":
                out += str(year)
            elif name == "prior_year":
                out += str(year - 1)
            elif "." in name and len(paths) == 1:
                out += "(?P<v>.*?)"
                path = name
            else:
                out += ".*?"
        return re.compile("^" + out + "$", re.S), path

    if cell.value is not None:
        whole = re.compile("^(?P<v>.*)$", re.S)
        return Slot(whole, cell.value, cell.format, cell.blank, False, None, cell.cols)
    pattern, path = compile_(cell.text)
    first = compile_(cell.first)[0] if cell.first is not None else None
    fixed = not placeholders(
        _squeeze("".join(cell.text) if isinstance(cell.text, list) else cell.text)
    )
    return Slot(pattern, path, Format.TEXT, "", path is None and fixed, first, cell.cols)


def _rows(table: TableSpec, year: int) -> list[Row] | None:
    """The declared rows as slots; None for a table of columns or trees (not read here)."""
    rows = []
    for spec in table.rows:
        if spec.cells is None or spec.tree is not None or spec.labels:
            return None
        cells = [c for c in spec.cells if isinstance(c, CellSpec)]
        each = spec.each if isinstance(spec.each, str) else None
        if spec.each is not None and each is None:
            return None
        rows.append(Row([_slot(c, year) for c in cells], each, spec.name))
    return rows


def form_tables(templates: Path, kind: Kind, year: int) -> list[FormTable]:
    """The fixed-layout tables of the kind's attachments and laid-out sections."""
    names = [spec.layout.value for spec in kind.settings.sections]
    names += [attachment.form for attachment in kind.settings.attachments]
    found: list[FormTable] = []
    seen: set[str] = set()
    while names:
        name = names.pop(0)
        if name in seen:
            continue
        seen.add(name)
        try:
            spec, _source = load_form(templates, kind.name, name)
        except ContentError:
            continue
        if spec.each is not None:
            continue  # one form per item: the list tables' (importing/forms.py)
        for table in spec.tables:
            if table.include:
                names.append(table.include)
                continue
            rows = _rows(table, year)
            if rows is None:
                continue
            labels = frozenset(
                s.pattern.pattern
                for r in rows
                for s in r.slots
                if s.literal and s.pattern.pattern != "^$"
            )
            if len(labels) >= 2 and any(s.path for r in rows for s in r.slots):
                found.append(FormTable(name, rows, labels))
    return found


# Where a path of the figures is stored in the year file ---------------------------------------


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if (found := _model_of(arg)) is not None:
            return found
    return None


def _is_list(annotation: Any) -> bool:
    if typing.get_origin(annotation) is list:
        return True
    return any(_is_list(a) for a in typing.get_args(annotation))


def _walk(model: type[BaseModel], parts: list[str]) -> Any | None:
    """The annotation of the field at `parts` of `model`, None when there is none."""
    annotation: Any = model
    for index, part in enumerate(parts):
        inner = _model_of(annotation)
        if inner is None or (index and _is_list(annotation)):
            return None
        info = inner.model_fields.get(part)
        if info is None:
            return None
        annotation = info.annotation
    return annotation


def stored(path: str) -> tuple[list[str], Any] | None:
    """Where the year file stores the figure at `path` (formspec.ROOTS), and its type."""
    head, *rest = path.split(".")
    for name in ROOTS.get(head, ()):
        parts = [name, *rest] if name == head else [name, head, *rest]
        annotation = _walk(Year, parts)
        if annotation is not None and (_model_of(annotation) is None or _is_list(annotation)):
            return parts, annotation
    return None


def _item_field(each: list[str], path: str, name: str) -> tuple[str, Any] | None:
    """The field of an item of the list at `each` that `name.field` reads."""
    head, *rest = path.split(".")
    if head != name or len(rest) != 1:
        return None
    item = _model_of(_walk(Year, each))
    info = item.model_fields.get(rest[0]) if item is not None else None
    return (rest[0], info.annotation) if info is not None else None


def _complete(each: list[str], item: dict[str, Any]) -> bool:
    """Whether `item` has every field an item of the list at `each` must have."""
    model = _model_of(_walk(Year, each))
    required = [n for n, f in model.model_fields.items() if f.is_required()] if model else []
    return all(name in item for name in required)


def _value(text: str, slot: Slot, annotation: Any) -> Any:
    """The document text as the field's value (the cell format's inverse); None if unreadable."""
    if text == "" or (slot.blank and text == _squeeze(slot.blank)):
        return None
    if slot.fmt is Format.LINES:
        return [text]
    numeric = slot.fmt in (Format.AMOUNT, Format.SCORE, Format.PERCENT) or _numeric(annotation)
    if not numeric:
        return text
    try:
        return Decimal(text.removesuffix("%").replace(",", ""))
    except InvalidOperation:
        return None if slot.fmt is not Format.TEXT else text


def _numeric(annotation: Any) -> bool:
    if annotation in (int, Decimal):
        return True
    if typing.get_origin(annotation) is typing.Annotated:
        return _numeric(typing.get_args(annotation)[0])
    args = typing.get_args(annotation)
    return (
        bool(args)
        and all(_numeric(a) or a is type(None) for a in args)
        and any(_numeric(a) for a in args)
    )


# Reading a document table --------------------------------------------------------------------


def _spread(row: Row, cells: list[str]) -> list[str]:
    """A document row as one text a declared cell: a merged cell written as several cells
    (the first holding the text) taken as one."""
    if len(cells) == len(row.slots) or len(cells) != sum(s.cols for s in row.slots):
        return cells
    out, at = [], 0
    for slot in row.slots:
        out.append("".join(cells[at : at + slot.cols]))
        at += slot.cols
    return out


def _matches(row: Row, cells: list[str], first: bool) -> bool:
    cells = _spread(row, cells)
    if len(row.slots) != len(cells):
        return False
    for slot, text in zip(row.slots, cells, strict=True):
        pattern = slot.first if first and slot.first is not None else slot.pattern
        if slot.literal and not pattern.match(text):
            return False
        if not slot.literal and slot.path is None and not pattern.match(text):
            return False
    return True


def _align(spec: FormTable, table: Table) -> list[tuple[Row, list[str], int]]:
    """Each document row with the declared row it is, and its item number in an `each` row."""
    out: list[tuple[Row, list[str], int]] = []
    at, counts = 0, dict[int, int]()
    for raw in table.rows:
        cells = [_squeeze(c) for c in raw]
        order = list(range(at, len(spec.rows)))
        labelled = [j for j in order if spec.rows[j].labelled and spec.rows[j].each is None]
        chosen = next((j for j in labelled if _matches(spec.rows[j], cells, False)), None)
        if chosen is None:
            chosen = next(
                (j for j in order if _matches(spec.rows[j], cells, counts.get(j, 0) == 0)), None
            )
        if chosen is None:
            continue
        row = spec.rows[chosen]
        out.append((row, _spread(row, cells), counts.get(chosen, 0)))
        counts[chosen] = counts.get(chosen, 0) + 1
        at = chosen if row.each is not None else chosen + 1
    return out


def _read(spec: FormTable, table: Table, lifted: LiftedCells) -> None:
    for row, cells, index in _align(spec, table):
        each = stored(row.each) if row.each else None
        item: dict[str, Any] = {}
        for slot, text in zip(row.slots, cells, strict=True):
            if slot.path is None:
                continue
            pattern = slot.first if index == 0 and slot.first is not None else slot.pattern
            match = pattern.match(text)
            if match is None:
                continue
            shown = match["v"]
            if each is not None and slot.path.startswith(row.name + "."):
                found = _item_field(each[0], slot.path, row.name)
                if found is not None:
                    value = _value(shown, slot, found[1])
                    if value is not None:
                        item[found[0]] = value
                    continue
                lifted.shown.append(Shown(spec.form, slot.path, slot.fmt, shown, {row.name: index}))
                continue
            where = stored(slot.path)
            if where is None or (slot.fmt not in _READ):
                lifted.shown.append(Shown(spec.form, slot.path, slot.fmt, shown))
                continue
            value = _value(shown, slot, where[1])
            if value is None:
                continue
            key = tuple(where[0])
            kept = lifted.values.setdefault(key, value)
            if kept != value:
                lifted.twice.append((".".join(key), str(kept), str(value)))
        if each is not None and item and _complete(each[0], item):
            lifted.lists.setdefault(tuple(each[0]), []).append(item)


def _found(spec: FormTable, cells: set[str]) -> int:
    return sum(any(re.match(p, c) for c in cells) for p in spec.labels)


def lift_cells(tables: list[Table], declared: list[FormTable], skip: set[int]) -> LiftedCells:
    """The year-file values of the declared form tables found among `tables`.

    A table is a declaration's when it holds most of its fixed texts; a table right after
    one of a declaration, half of whose texts are its fixed texts, is its continuation on the
    next page."""
    lifted = LiftedCells()
    previous: int | None = None
    done: set[int] = set()
    for index, table in enumerate(tables):
        cells = {_squeeze(c) for c in table.cells()}
        counts = [_found(spec, cells) for spec in declared]
        free = [n for n in range(len(declared)) if n not in done]
        best = max(free, key=lambda n: counts[n] / len(declared[n].labels), default=None)
        if best is not None and counts[best] < LABELS_FOUND * len(declared[best].labels):
            best = None
        if best is None and previous is not None and counts[previous] * 2 >= len(cells - {""}):
            best = previous
        if best is None or index in skip:
            previous = None
            continue
        done.add(best)
        _read(declared[best], table, lifted)
        lifted.used[index] = declared[best].form
        previous = best
    return lifted
