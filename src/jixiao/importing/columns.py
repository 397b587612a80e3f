"""Tables of columns read back: a row `each` over a computed list, one document row an item.

A declaration's table of `columns` (the 收支 tables by institution) writes one row for each
item of the lists its `each:` row names: `[institutions.total, institutions.rows]` — first the
summary row (局机关及二级机构汇总), then one row per item of the year-file list the path's first
name stands for (formspec.ROOTS: institutions). The last path is the items; those before it are
summary rows, computed: their figures are compared, not stored.

A column's `value: row.X` names the computed row's figure X. X is the year-file field of the
item where the item has it (name, three_public.reception.actual); else the one field whose
dotted path, its parts joined by "_" in either order or by its last part alone, is X
(general_budget → income.general_budget, other_income → income.other, assets_in_use →
assets.in_use); else a computed figure (收入合计, 基本支出, 结余 …), compared once written.
Several tables over the same list (income, spending, 三公经费, 固定资产) give the same items,
in order: the n-th row of each is the n-th item.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from jixiao.formspec import ROOTS, ColumnSpec, Format, TableSpec
from jixiao.frozen import frozen
from jixiao.importing.cells import (
    LABELS_FOUND,
    LiftedCells,
    Shown,
    Slot,
    _compiled,
    _is_list,
    _model_of,
    _squeeze,
    _value,
    _walk,
)
from jixiao.importing.outline import Table
from jixiao.kinds import Kind
from jixiao.model import Year

_UNIT_SUFFIX = re.compile(r"万元$")
"""An amount typed with its unit in the cell (35.94万元), the table's unit being 万元."""


@frozen
class ColumnTable:
    form: str
    labels: frozenset[str]
    columns: list[ColumnSpec]
    each: list[str]
    name: str
    where: str
    """The year-file list the items are stored in."""
    model: type[BaseModel]


def _texts(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def _table(form: str, table: TableSpec) -> ColumnTable | None:
    """The table's `each` row over computed lists whose items the year file lists."""
    rows = [r for r in table.rows if r.cells is None and isinstance(r.each, list) and r.each]
    if not table.columns or len(rows) != 1:
        return None
    row = rows[0]
    assert isinstance(row.each, list)
    head = row.each[-1].split(".")[0]
    if any(path.split(".")[0] != head for path in row.each):
        return None
    where = next((n for n in ROOTS.get(head, ()) if _is_list(_walk(Year, [n]))), None)
    model = _model_of(_walk(Year, [where])) if where else None
    if where is None or model is None:
        return None
    labels = {_squeeze(t) for c in table.columns for t in _texts(c.label)}
    for other in table.rows:
        for cell in other.cells or []:
            text = cell if isinstance(cell, str) else cell.text
            labels |= {_squeeze(t) for t in _texts(text) if "{" not in t}
    return ColumnTable(
        form, frozenset(labels - {""}), list(table.columns), row.each, row.name, where, model
    )


def column_tables(kind: Kind) -> list[ColumnTable]:
    """The column tables of the kind's laid-out sections and attachments."""
    found = []
    for name, spec in kind.declarations():
        if spec.each is None:
            found += [t for table in spec.tables if (t := _table(name, table)) is not None]
    return found


def _leaves(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The dotted paths of `model`'s fields that hold a value (not a model or a list)."""
    out = []
    for name, info in model.model_fields.items():
        inner = _model_of(info.annotation)
        if inner is not None and not _is_list(info.annotation):
            out += _leaves(inner, (*prefix, name))
        elif inner is None:
            out.append((*prefix, name))
    return out


def item_field(model: type[BaseModel], name: str) -> tuple[str, ...] | None:
    """The field of an item a computed row's figure `name` shows; None for a computed one."""
    leaves = _leaves(model)
    parts = tuple(name.split("."))
    if parts in leaves:
        return parts
    if len(parts) != 1:
        return None
    for leaf in leaves:
        if name in ("_".join(leaf), "_".join(reversed(leaf))):
            return leaf
    last = [leaf for leaf in leaves if leaf[-1] == name]
    return last[0] if len(last) == 1 else None


def _annotation(model: type[BaseModel], path: tuple[str, ...]) -> Any:
    annotation: Any = model
    for part in path:
        annotation = _model_of(annotation).model_fields[part].annotation  # type: ignore[union-attr]
    return annotation


def _fitted(raw: list[str], columns: int) -> list[str] | None:
    """A document row with a cell a column (padding after the last text left out), or None."""
    cells = [_squeeze(c) for c in raw]
    while len(cells) > columns and cells[-1] == "":
        cells.pop()
    return cells if len(cells) == columns else None


def _parts(table: Table, specs: list[ColumnTable]) -> list[tuple[ColumnTable, list[list[str]]]]:
    """The document table's rows by the declared table they belong to: a table drawn as one
    (the four 收支 tables in one) changes declaration at a header row, a row whose texts are
    all fixed texts, to the declaration holding most of them."""
    out: list[tuple[ColumnTable, list[list[str]]]] = []
    for raw in table.rows:
        texts = {_squeeze(c) for c in raw} - {""}
        if not texts:
            continue
        fits = [(len(texts & s.labels), n) for n, s in enumerate(specs) if texts <= s.labels]
        if fits:
            best = max(count for count, _n in fits)
            chosen = [specs[n] for count, n in fits if count == best]
            if not out or out[-1][0] not in chosen:
                out.append((chosen[0], []))
            continue
        if out and (cells := _fitted(raw, len(out[-1][0].columns))) is not None:
            out[-1][1].append(cells)
    return out


def _read(
    spec: ColumnTable, rows: list[list[str]], year: int, items: list[dict[str, Any]]
) -> list[Shown]:
    shown: list[Shown] = []
    first = spec.columns[0]
    firsts = {_squeeze("".join(_texts(first.first)))} if first.first is not None else set()
    pattern, _paths = _compiled(first.text, year)
    number = 0
    for cells in rows:
        summary = cells[0] in firsts
        match = None if summary else pattern.match(cells[0])
        if not summary and (match is None or "v" not in match.groupdict()):
            continue
        if not summary:
            while len(items) <= number:
                items.append({})
            items[number].setdefault("name", match["v"])  # type: ignore[index]
        for column, text in zip(spec.columns[1:], cells[1:], strict=True):
            if not column.value or not column.value.startswith(spec.name + "."):
                continue
            view = column.value.removeprefix(spec.name + ".")
            found = None if summary else item_field(spec.model, view)
            if found is None:
                path = f"{spec.each[0]}.{view}" if summary else column.value
                scope = {} if summary else {spec.name: number}
                if text:
                    shown.append(Shown(spec.form, path, column.format, text, scope))
                continue
            if column.format is Format.AMOUNT:
                text = _UNIT_SUFFIX.sub("", text)
            slot = Slot(pattern, column.value, column.format, column.blank, False)
            value = _value(text, slot, _annotation(spec.model, found))
            if value is None:
                continue
            target = items[number]
            for part in found[:-1]:
                target = target.setdefault(part, {})
            target.setdefault(found[-1], value)
        number += 0 if summary else 1
    return shown


def lift_columns(
    tables: list[Table], declared: list[ColumnTable], year: int, skip: set[int], lifted: LiftedCells
) -> None:
    """Read the declared column tables found among `tables` (not in `skip`) into `lifted`."""
    lists: dict[str, list[dict[str, Any]]] = {}
    for index, table in enumerate(tables):
        if index in skip:
            continue
        cells = {_squeeze(c) for c in table.cells()}
        specs = [s for s in declared if len(s.labels & cells) >= LABELS_FOUND * len(s.labels)]
        parts = _parts(table, specs) if specs else []
        for spec, rows in parts:
            lifted.shown += _read(spec, rows, year, lists.setdefault(spec.where, []))
        if parts:
            lifted.used[index] = parts[0][0].form
    for where, items in lists.items():
        kept = [item for item in items if item.get("name")]
        if kept:
            lifted.lists.setdefault((where,), kept)
