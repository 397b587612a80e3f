"""Figures lifted from tables drawn by a form declaration: rows listing a year-file list.

A declaration's `each:` row over a top-level list of the year file (key_projects …) says which
field of an item each column holds; a table of the document whose fixed header texts are the
declaration's is read back row by row into those items. Other tables are left to the writer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel

from jixiao.formspec import CellSpec, Format, RowSpec, TableSpec
from jixiao.frozen import frozen
from jixiao.importing.outline import Table
from jixiao.kinds import Kind
from jixiao.model import Year

_PLACEHOLDER = re.compile(r"\{[^}]*\}")


@frozen
class ListTable:
    """A declared table that lists the items of the year-file field `field`."""

    field: str
    name: str
    headers: list[str]
    cells: list[CellSpec]
    form: str = ""
    patterns: list[str] = field(default_factory=list)
    """Header texts with placeholders, such as 其中：{level}资金."""
    trailers: list[str] = field(default_factory=list)
    """Fixed texts of the rows after the listed ones (合计)."""


@dataclass
class LiftedRows:
    """Items read from tables, by year-file field, and where a column had to be guessed."""

    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    unit: dict[str, str] = field(default_factory=dict)
    """unit.yaml fields read from header texts ({level} → level)."""
    guessed: list[str] = field(default_factory=list)


def _texts(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def _fixed(row: RowSpec) -> tuple[list[str], list[str]]:
    """A row's fixed cell texts, and those with placeholders (其中：{level}资金)."""
    fixed, patterns = [], []
    for cell in row.cells or []:
        text = _texts(cell.text if isinstance(cell, CellSpec) else cell)
        if text:
            (patterns if _PLACEHOLDER.search(text) else fixed).append(text)
    return fixed, patterns


def _list_table(table: TableSpec) -> ListTable | None:
    """The table's `each` row over a top-level list of the year file, with its fixed texts."""
    each_rows = [i for i, row in enumerate(table.rows) if row.each is not None]
    if len(each_rows) != 1:
        return None
    row = table.rows[each_rows[0]]
    each = row.each if isinstance(row.each, str) else None
    cells = [c for c in row.cells or [] if isinstance(c, CellSpec)]
    if each not in Year.model_fields or not cells or len(cells) != len(row.cells or []):
        return None
    if not all(c.value and c.value.startswith(row.name + ".") for c in cells):
        return None
    headers: list[str] = []
    others: list[str] = []
    patterns: list[str] = []
    for index, other in enumerate(table.rows):
        if index != each_rows[0]:
            fixed, patterned = _fixed(other)
            (headers if index < each_rows[0] else others).extend(fixed)
            patterns.extend(patterned)
    if not headers:
        return None
    return ListTable(each, row.name, headers, cells, "", patterns, others)


def list_tables(kind: Kind) -> list[ListTable]:
    """The list tables of the kind's laid-out sections and attachments."""
    found = []
    for name, spec in kind.declarations():
        for table in spec.tables:
            if (listed := _list_table(table)) is not None:
                found.append(ListTable(**{**listed.__dict__, "form": name}))
    return found


def _item_model(name: str) -> type[BaseModel]:
    annotation = Year.model_fields[name].annotation
    return annotation.__args__[0]  # type: ignore[union-attr, no-any-return]


def _settable(model: type[BaseModel], path: list[str]) -> tuple[list[str], bool] | None:
    """`path` as it is stored in `model`, and whether a level had to be guessed."""
    if not path:
        return [], False
    info = model.model_fields.get(path[0])
    if info is None:
        return None
    inner = _model_of(info.annotation)
    if len(path) == 1:
        return path, False
    if inner is None:
        return None
    rest = _settable(inner, path[1:])
    if rest is not None:
        return [path[0], *rest[0]], rest[1]
    for name, sub in inner.model_fields.items():  # a computed total: store it in the first part
        deeper = _model_of(sub.annotation)
        if deeper is not None and (found := _settable(deeper, path[1:])) is not None:
            return [path[0], name, *found[0]], True
    return None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _value(text: str, cell: CellSpec) -> Any:
    """The cell's text as the field's value: a Decimal for amounts, None when unreadable."""
    text = text.strip()
    if cell.format is Format.TEXT:
        return text or None
    try:
        return Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None


def lift_rows(tables: list[Table], declared: list[ListTable]) -> tuple[LiftedRows, dict[int, str]]:
    """Items of the declared list tables found among `tables`; index of each table read → field."""
    lifted = LiftedRows()
    used: dict[int, str] = {}
    for index, table in enumerate(tables):
        cells = set(table.cells())
        for spec in declared:
            if spec.field in lifted.items or not all(h in cells for h in spec.headers):
                continue
            model = _item_model(spec.field)
            items = []
            for row in table.rows:
                if len(row) != len(spec.cells) or set(row) & {*spec.headers, *spec.trailers}:
                    continue
                item: dict[str, Any] = {}
                for text, cell in zip(row, spec.cells, strict=True):
                    path = (cell.value or "").removeprefix(spec.name + ".").split(".")
                    stored = _settable(model, path)
                    value = _value(text, cell)
                    if stored is None or value is None:
                        continue
                    if stored[1]:
                        shown = f"{spec.field}: {'.'.join(path)} → {'.'.join(stored[0])}"
                        lifted.guessed.append(shown)
                    target = item
                    for part in stored[0][:-1]:
                        target = target.setdefault(part, {})
                    target[stored[0][-1]] = value
                if item:
                    items.append(item)
            if items:
                lifted.items[spec.field] = items
                _unit_fields(spec, cells, lifted)
                used[index] = spec.field
                break
    lifted.guessed = list(dict.fromkeys(lifted.guessed))
    return lifted, used


UNIT_PLACEHOLDERS = {"level": "level", "unit_name": "full_name"}
"""Placeholders of form texts that are unit.yaml fields (区级 of {level}预算部门名称, the unit's
full name); importing/cells.py reads them from fixed cells too."""


def _unit_fields(spec: ListTable, cells: set[str], lifted: LiftedRows) -> None:
    """unit.yaml fields a table's header shows: 其中：区级资金 for 其中：{level}资金."""
    for pattern in spec.patterns:
        names = _PLACEHOLDER.findall(pattern)
        if len(names) != 1 or names[0][1:-1] not in UNIT_PLACEHOLDERS:
            continue
        before, after = pattern.split(names[0])
        wanted = re.compile(re.escape(before) + "(.+?)" + re.escape(after) + "$")
        for cell in cells:
            if match := wanted.match(cell):
                lifted.unit[UNIT_PLACEHOLDERS[names[0][1:-1]]] = match[1]
                break
