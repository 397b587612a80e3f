"""Figures of fixed-layout forms read back: the inverse of a form declaration's cells.

A declared cell whose text is one reference to a path (`value:` or a text with one dotted
placeholder, 其中：{row.name}) shows a figure. When the path, taken through formspec.ROOTS,
names a field of the year file (basic.public.prior → budget.basic.public.prior), the
document's text is that field's value: it is read back and stored. When it names a figure
jixiao computes (control_rate, totals, scores), nothing is stored: the cell is kept, to be
compared with what jixiao computes from the stored fields (importing/recheck.py).

The rows of a document table are matched in order to the declared rows: a row whose fixed
texts are the declaration's is that row; an `each` row repeats, each document row an item.
A `tree` row repeats too, one document row a leaf: the cells merged over a level's rows
appear only on its first row, so the cells a row lacks say which levels go on from the row
above; a `merge_same` column (one 指标性质 over a run of rows) may be lacking too, its text
then the row above's. The tree's computed names are the year file's by the model (`_list_field`,
`_TreeLevel.field`): evaluation.groups → evaluation.indicators, `rows` → `indicators`.
"""

from __future__ import annotations

import re
import string
import typing
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from jixiao.errors import ContentError
from jixiao.formspec import (
    ROOTS,
    CellSpec,
    Format,
    Level,
    RowSpec,
    TableSpec,
    load_form,
    placeholders,
)
from jixiao.frozen import frozen
from jixiao.importing.forms import UNIT_PLACEHOLDERS
from jixiao.importing.outline import Table
from jixiao.kinds import Kind
from jixiao.messages import say
from jixiao.model import Year
from jixiao.model.unit import Unit

_READ = (
    *(Format.AMOUNT, Format.SCORE, Format.PERCENT, Format.TEXT),
    *(Format.LINES, Format.NUMBERED, Format.ITEMS),
)
"""Formats whose text gives the value back (a rate is a computed figure; a list of lines is
one item, a numbered list is split at its numbers)."""
LABELS_FOUND = 0.6
"""Share of a declaration's fixed texts a document table must hold to be that table."""


@frozen
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
    item: str = "{n}.{text}"
    """The pattern of a numbered list's items."""


@frozen
class TreeCell:
    """One column of a tree row: its texts (a `when`/`unless` pair gives two), as patterns
    whose groups v0, v1 … are its paths."""

    patterns: list[tuple[re.Pattern[str], list[str]]]
    merge: str | None
    fmt: Format
    blank: str
    merges: list[str | None] = field(default_factory=list)
    """Each text's `merge`: a column merged only when a condition holds (分值: each row's,
    or the item's merged over its rows when shared) has two."""
    paragraphs: list[list[tuple[re.Pattern[str], list[str]]]] = field(default_factory=list)
    """Each text's paragraphs as patterns when it is several ({group.name} over
    {group.note}), else an empty list: such a text is read paragraph by paragraph."""
    conditions: list[tuple[str, bool]] = field(default_factory=list)
    """Each text's condition (a `when` path true, an `unless` path false), ("", True) for
    none: the text shown says the condition's value (是 when row.indicator.core)."""
    same: bool = False
    """Whether the column is merged down over the rows below that show the same text
    (`merge_same`): a row may lack it, its text then the row above's."""

    @property
    def conditional(self) -> bool:
        """Whether the column is merged only when a condition holds."""
        return len(set(self.merges)) > 1

    def absent(self, going_on: set[str]) -> bool | None:
        """Whether a row whose levels `going_on` go on lacks the column: True, False, or None
        when it depends on which of its texts the row shows."""
        merges = self.merges or [self.merge]
        gone = [m is not None and m in going_on for m in merges]
        return gone[0] if all(g == gone[0] for g in gone) else None


@frozen
class Tree:
    path: str
    levels: list[str]
    eaches: list[str]
    """Each level's `each` (the field of the level above listing it; "" for the first)."""
    cells: list[TreeCell]

    @property
    def declared(self) -> tuple[Level, ...]:
        """The levels as the declaration writes them."""
        return tuple(Level(name=n, each=e) for n, e in zip(self.levels, self.eaches, strict=True))


@frozen
class Row:
    slots: list[Slot]
    each: str | None = None
    name: str = "row"
    tree: Tree | None = None

    @property
    def labelled(self) -> bool:
        return any(s.literal and s.pattern.pattern != "^$" for s in self.slots)


@frozen
class Scope:
    """What a form's paths are read into: the year file (ROOTS), or one listed item of it
    (importing/each_forms.py); `renames` give a path the item's name for it."""

    model: type[BaseModel]
    roots: dict[str, tuple[str, ...]]
    renames: dict[str, str] = field(default_factory=dict)

    def renamed(self, path: str) -> str:
        for old, new in self.renames.items():
            if path == old or path.startswith(old + "."):
                return new + path[len(old) :]
        return path


YEAR = Scope(Year, ROOTS)
FUNDS = Scope(Year, ROOTS, {"evaluation.funds": "evaluation.overall"})
"""For a kind of forms only: the evaluation's funds are the year's overall ones (compute.py:
evaluate(…, overall, …)), which nothing else in the document gives. A kind with sections
computes them from the budget its text gives: read into overall they would override it."""


@frozen
class FormTable:
    form: str
    rows: list[Row]
    labels: frozenset[str]
    scope: Scope = YEAR
    parts: tuple[FormTable, ...] = ()
    """For declared tables drawn as one document table (a form and the table it includes):
    the tables joined."""

    @property
    def keys(self) -> frozenset[tuple[str, frozenset[str]]]:
        """The declared tables it reads, each once in a document (a form may declare several:
        each is its fixed texts)."""
        return frozenset((p.form, p.labels) for p in self.parts or [self])


def joined(tables: list[FormTable]) -> FormTable:
    """Declared tables one after another as one document table (its rows in turn)."""
    first = tables[0]
    rows = [row for table in tables for row in table.rows]
    labels = frozenset(label for table in tables for label in table.labels)
    return FormTable(first.form, rows, labels, first.scope, tuple(tables))


@dataclass
class Shown:
    """A computed figure as the document shows it, to compare with jixiao's."""

    form: str
    path: str
    fmt: Format
    text: str
    scope: dict[str, int] = field(default_factory=dict)
    """The `each` items the path is read within: name → index."""
    tree: tuple[str, tuple[Level, ...]] | None = None
    """For a figure of a tree's leaf: the tree's path and levels (scope: leaf name → index)."""
    label: str = ""
    """The row's first text of its own (the indicator's name), to say which row it is."""
    where: tuple[str, ...] = ()
    """For a figure of a tree's leaf: where the year file (or the item) lists the tree."""
    written: Any = None
    """For a figure of a tree's leaf that a field of the same name gives when set (a row's
    计量单位 is the indicator's measure_unit, else its 指标值's unit): the text as that
    field's value, None when it is no valid one (importing/scores.py stores it)."""


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
    unit: dict[str, Any] = field(default_factory=dict)
    """unit.yaml fields fixed cells show ({level}预算部门名称: level, {unit_name}: full_name),
    and those a cell's value shows (contact.name: contact → name)."""
    unread: list[tuple[str, str, str, str]] = field(default_factory=list)
    """(form, path, row label, text) of cells whose text is no value of their format (五
    in a figure's cell): nothing is stored for them, and the import lists them."""
    unshown: list[tuple[str, str, str]] = field(default_factory=list)
    """(form, list field, level) of the names a tree's form does not print, stored as
    `import_unprinted_name` for the writer to fill in."""


_FULL_WIDTH = str.maketrans("():", "（）：")


def _squeeze(text: str) -> str:
    """A text without whitespace, its brackets and colons full-width (as the forms write them)."""
    return re.sub(r"\s+", "", text).translate(_FULL_WIDTH)


def _compiled(
    text: str | list[str], year: int, many: bool = False
) -> tuple[re.Pattern[str], list[str]]:
    """A cell text as a pattern: fixed names filled, its path placeholders as groups (`v`
    for a single one; v0, v1 … for each of several when `many`), and those paths; a unit.yaml
    placeholder ({level}) as group u_<name>."""
    joined = _squeeze("".join(text) if isinstance(text, list) else text)
    paths = [n for n in placeholders(joined) if "." in n]
    out, found = "", []
    for literal, name, _spec, _conv in string.Formatter().parse(joined):
        out += re.escape(literal)
        if name is None:
            continue
        if name == "year":
            out += str(year)
        elif name == "prior_year":
            out += str(year - 1)
        elif name in UNIT_PLACEHOLDERS and not many:
            group = f"u_{name}"
            out += f"(?P={group})" if f"(?P<{group}>" in out else f"(?P<{group}>.+?)"
        elif "." in name and many:
            out += f"(?P<v{len(found)}>.*?)"
            found.append(name)
        elif "." in name and len(paths) == 1:
            out += "(?P<v>.*?)"
            found.append(name)
        else:
            out += ".*?"
    return re.compile("^" + out + "$", re.S), found


def _slot(cell: CellSpec, year: int) -> Slot:
    """A cell's text as a pattern: fixed names filled, a single path placeholder as `v`."""

    def compile_(text: str | list[str]) -> tuple[re.Pattern[str], str | None]:
        pattern, paths = _compiled(text, year)
        return pattern, paths[0] if paths else None

    if cell.value is not None:
        whole = re.compile("^(?P<v>.*)$", re.S)
        return Slot(whole, cell.value, cell.format, cell.blank, False, None, cell.cols, cell.item)
    pattern, path = compile_(cell.text)
    first = compile_(cell.first)[0] if cell.first is not None else None
    fixed = not placeholders(
        _squeeze("".join(cell.text) if isinstance(cell.text, list) else cell.text)
    )
    return Slot(pattern, path, Format.TEXT, "", path is None and fixed, first, cell.cols)


def _tree(spec: RowSpec, year: int) -> Tree:
    """A tree row's columns: a `when` cell and the `unless` cell after it are one column."""
    columns: list[TreeCell] = []
    previous: CellSpec | None = None
    for cell in spec.cells or []:
        parts: list[tuple[re.Pattern[str], list[str]]] = []
        if cell.value is not None:
            whole = re.compile("^(?P<v0>.*)$", re.S)
            pattern = (whole, [cell.value])
        else:
            pattern = _compiled(cell.text, year, many=True)
            if isinstance(cell.text, list) and len(cell.text) > 1:
                parts = [_compiled(text, year, many=True) for text in cell.text]
        paired = previous is not None and (
            (cell.unless and cell.unless == previous.when)
            or (cell.when and cell.when == previous.unless)
        )
        if paired:
            columns[-1].patterns.append(pattern)
            columns[-1].merges.append(cell.merge)
            columns[-1].paragraphs.append(parts)
            columns[-1].conditions.append(_condition(cell))
            if cell.merge_same:
                columns[-1] = replace(columns[-1], same=True)
            previous = None
        else:
            column = TreeCell([pattern], cell.merge, cell.format, cell.blank, [cell.merge], [parts])
            column = replace(column, conditions=[_condition(cell)], same=cell.merge_same)
            columns.append(column)
            previous = cell
    levels = [level.name for level in spec.levels]
    return Tree(spec.tree or "", levels, [level.each for level in spec.levels], columns)


def _condition(cell: CellSpec) -> tuple[str, bool]:
    """The path a cell is shown under and the value it then has ("" when shown always)."""
    if cell.when:
        return cell.when, True
    return (cell.unless, False) if cell.unless else ("", True)


def _rows(table: TableSpec, year: int) -> list[Row] | None:
    """The declared rows as slots; None for a table of columns (not read here)."""
    rows = []
    for spec in table.rows:
        if spec.tree is not None and spec.levels:
            rows.append(Row([], None, spec.name, _tree(spec, year)))
            continue
        if spec.cells is None or spec.labels:
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
    scope = YEAR if kind.settings.sections else FUNDS
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
        own: list[FormTable] = []
        for table in spec.tables:
            if table.include:
                names.append(table.include)
                try:
                    included, _source = load_form(templates, kind.name, table.include)
                except ContentError:
                    continue
                own += [
                    built
                    for t in included.tables
                    if not t.include and (built := form_table(table.include, t, year, scope))
                ]
                continue
            if (built := form_table(name, table, year, scope)) is not None:
                found.append(built)
                own.append(built)
        if len(own) > 1 and own[0].form == name:
            found.insert(0, joined(own))  # drawn as one table: tried first
    return found


def form_table(name: str, table: TableSpec, year: int, scope: Scope = YEAR) -> FormTable | None:
    """A declared table as read back: None for a table of columns, or one without figures."""
    rows = _rows(table, year)
    if rows is None:
        return None
    labels = frozenset(
        s.pattern.pattern for r in rows for s in r.slots if s.literal and s.pattern.pattern != "^$"
    )
    if len(labels) >= 2 and any(r.tree or any(s.path for s in r.slots) for r in rows):
        return FormTable(name, rows, labels, scope)
    return None


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


def stored(path: str, scope: Scope = YEAR) -> tuple[list[str], Any] | None:
    """Where the year file (or the scope's item) stores the figure at `path` (formspec.ROOTS),
    and its type; a root "" is the item itself (project.name: the item's name)."""
    head, *rest = scope.renamed(path).split(".")
    for name in scope.roots.get(head, ()):
        parts = rest if not name else [name, *rest] if name == head else [name, head, *rest]
        if rest[:1] == [name]:
            parts = rest  # the name is the field (evaluation.goals: the year's goals)
        annotation = _walk(scope.model, parts)
        if annotation is not None and (_model_of(annotation) is None or _is_list(annotation)):
            return parts, annotation
    return None


def unit_field(path: str) -> tuple[str, str] | None:
    """The unit.yaml field and its part that `path` names (contact.phone), None if none."""
    head, *rest = path.split(".")
    info = Unit.model_fields.get(head)
    model = _model_of(info.annotation) if info is not None else None
    if model is None or len(rest) != 1 or rest[0] not in model.model_fields:
        return None
    return head, rest[0]


def _unit_own(path: str) -> str | None:
    """The unit.yaml text field `unit.<name>` names (unit.finance_office), None if none."""
    head, *rest = path.split(".")
    info = Unit.model_fields.get(rest[0]) if head == "unit" and len(rest) == 1 else None
    return rest[0] if info is not None and info.annotation in (str, str | None) else None


def _item_field(
    each: list[str], path: str, name: str, model: type[BaseModel] = Year
) -> tuple[str, Any] | None:
    """The field of an item of the list at `each` that `name.field` reads."""
    head, *rest = path.split(".")
    if head != name or len(rest) != 1:
        return None
    item = _model_of(_walk(model, each))
    info = item.model_fields.get(rest[0]) if item is not None else None
    return (rest[0], info.annotation) if info is not None else None


def _complete(each: list[str], item: dict[str, Any], root: type[BaseModel] = Year) -> bool:
    """Whether `item` has every field an item of the list at `each` must have."""
    model = _model_of(_walk(root, each))
    required = [n for n, f in model.model_fields.items() if f.is_required()] if model else []
    return all(name in item for name in required)


SHOWN_AS = {"shown_points": "points"}
"""Computed names that print a field of the year file when the writer set it (a group's
declared points, else the sum of its indicators'): the shown figure is that field's value."""


def _list_field(model: type[BaseModel], name: str) -> tuple[str, type[BaseModel]] | None:
    """The field of `model` listing items that the computed list `name` walks: `name` itself,
    else the model's one list of items (the figures' `groups` of an Evaluation is its
    `indicators`, a category's `rows` its `indicators`)."""
    lists = {
        n: inner
        for n, info in model.model_fields.items()
        if _is_list(info.annotation) and (inner := _model_of(info.annotation)) is not None
    }
    if name in lists:
        return name, lists[name]
    return next(iter(lists.items())) if len(lists) == 1 else None


@frozen
class _TreeLevel:
    """One level of a tree as the year file stores it: the key its parent lists it under."""

    name: str
    key: str
    model: type[BaseModel]
    wrappers: frozenset[str]
    """First parts of its paths that are no field (row.indicator.name: the computed row
    wraps the indicator); a path not through one is a figure computed on the wrapper."""

    def field(self, path: str) -> tuple[str, Any] | None:
        """The field a path of this level shows; None for a computed figure."""
        head, *rest = path.split(".")[1:]
        if head in self.wrappers and len(rest) == 1:
            head, rest = rest[0], []
        elif self.wrappers or rest:
            return None
        head = SHOWN_AS.get(head, head)
        info = self.model.model_fields.get(head)
        return (head, info.annotation) if info is not None else None

    def written(self, path: str, shown: str) -> Any:
        """The text a wrapper's figure shows as the field of the same name (row.measure_unit:
        the indicator's measure_unit), None when there is none or the text is no such value."""
        rest = path.split(".")[1:]
        info = self.model.model_fields.get(rest[0]) if self.wrappers and len(rest) == 1 else None
        if info is None or not shown:
            return None
        try:
            return TypeAdapter(info.annotation).validate_python(shown)
        except ValidationError:
            return None


def tree_levels(tree: Tree, scope: Scope = YEAR) -> tuple[list[str], list[_TreeLevel]] | None:
    """Where the year file stores the tree, and each level's key and model; None if nowhere."""
    head, *rest = scope.renamed(tree.path).split(".")
    paths = [p for c in tree.cells for _pattern, found in c.patterns for p in found]
    for root in scope.roots.get(head, ()):
        parts = rest if not root else [root, *rest] if root == head else [root, head, *rest]
        parent = _model_of(_walk(scope.model, parts[:-1])) if len(parts) > 1 else scope.model
        found = _list_field(parent, parts[-1]) if parent is not None else None
        if found is None:
            continue
        where, levels = [*parts[:-1], found[0]], []
        model, key = found[1], found[0]
        for index, name in enumerate(tree.levels):
            if index:
                listed = _list_field(model, tree.eaches[index])
                if listed is None:
                    break
                key, model = listed
            mine = [p.split(".")[1:] for p in paths if p.split(".")[0] == name]
            wrappers = frozenset(
                p[0] for p in mine if len(p) > 1 and p[0] not in model.model_fields
            )
            levels.append(_TreeLevel(name, key, model, wrappers))
        if len(levels) == len(tree.levels):
            return where, levels
    return None


def _value(text: str, slot: Slot | TreeCell, annotation: Any) -> Any:
    """The document text as the field's value (the cell format's inverse); None if unreadable."""
    if text == "" or (slot.blank and text == _squeeze(slot.blank)):
        return None
    if slot.fmt is Format.LINES:
        return [text]
    if slot.fmt is Format.NUMBERED:
        return _numbered(text, slot.item)
    if slot.fmt is Format.ITEMS:  # one item as written, several numbered
        return _numbered(text, slot.item) or [text]
    numeric = slot.fmt in (Format.AMOUNT, Format.SCORE, Format.PERCENT) or _numeric(annotation)
    if not numeric:
        return text
    try:
        return Decimal(text.removesuffix("%").replace(",", ""))
    except InvalidOperation:
        return None if slot.fmt is not Format.TEXT else text


def _unreadable(text: str, slot: Slot | TreeCell, value: Any) -> bool:
    """Whether `text` was there but `_value` read nothing from it."""
    return value is None and text != "" and not (slot.blank and text == _squeeze(slot.blank))


def _numbered(text: str, item: str) -> list[str] | None:
    """A numbered list written in one cell (1.甲2.乙) as its items; None if not numbered so.

    An item's number is the next one in turn where it is no part of a figure (12.5). The
    first item may start with a figure (1.25座…2.…) if a second item follows: the number
    typed into an item's text is what `check` refuses, so that reading is the list's."""
    before, _sep, after = item.partition("{text}")
    if "{n}" not in before:
        return None

    def marker(n: int, figure_after: bool = False) -> re.Pattern[str]:
        ahead = "" if figure_after else r"(?!\d)"
        return re.compile(r"(?<!\d)" + re.escape(before.replace("{n}", str(n))) + ahead)

    first = marker(1).match(text)
    if first is None:
        first = marker(1, figure_after=True).match(text)
        if first is None or marker(2).search(text, first.end()) is None:
            return None
    starts = [first]  # each item's number, in turn
    while (following := marker(len(starts) + 1).search(text, starts[-1].end())) is not None:
        starts.append(following)
    ends = [m.start() for m in starts[1:]] + [len(text)]
    texts = [text[m.end() : end] for m, end in zip(starts, ends, strict=True)]
    return [t.removesuffix(after) if after else t for t in texts]


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


def _tree_start(tree: Tree, cells: list[str]) -> tuple[int, list[str | None]] | None:
    """The first level a document row of the tree starts (the levels above go on from the
    row above: their merged cells are not repeated, or written empty) and the text of each
    of the tree's columns, None for those going on; None when the row is no leaf of the tree.
    Empty cells beyond the tree's columns (a spanning column's, padding) are left out."""
    while len(cells) > len(tree.cells) and cells[0] == "":
        cells = cells[1:]
    while len(cells) > len(tree.cells) and cells[-1] == "":
        cells = cells[:-1]
    for start in range(len(tree.levels)):
        going_on = set(tree.levels[:start])
        for gone in _absences(tree, going_on):
            texts = _texts_of(tree, cells, gone)
            if texts is None:
                continue
            if any(
                t == "" and (c.merge or c.absent(going_on) is None)
                for c, t in zip(tree.cells, texts, strict=True)
            ):
                continue  # a level's cell (or one merged when shared) left empty goes on
            if all(
                t is None or any(p.match(t) for p, _paths in c.patterns)
                for c, t in zip(tree.cells, texts, strict=True)
            ):
                return start, texts
    return None


def _absences(tree: Tree, going_on: set[str]) -> list[list[bool]]:
    """Which columns a row lacks when the levels `going_on` go on: each way the columns
    merged only under a condition, or with the same text as the row above, may be shown
    (present first)."""
    ways: list[list[bool]] = [[]]
    for column in tree.cells:
        absent = column.absent(going_on)
        options = [False, True] if absent is None or (column.same and not absent) else [absent]
        ways = [[*way, option] for way in ways for option in options]
    return ways


def _texts_of(tree: Tree, cells: list[str], gone: list[bool]) -> list[str | None] | None:
    """The text of each column, None for those `gone`: the row written without them, or
    written with them empty; None when the row is neither."""
    if gone.count(False) == len(cells):
        given = iter(cells)
        return [None if absent else next(given) for absent in gone]
    if len(cells) == len(tree.cells) and all(
        t == "" for absent, t in zip(gone, cells, strict=True) if absent
    ):
        return [None if absent else t for absent, t in zip(gone, cells, strict=True)]
    return None


def _matches(row: Row, cells: list[str], first: bool) -> bool:
    if row.tree is not None:
        return _tree_start(row.tree, cells) is not None
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


def _readings(cells: list[str]) -> list[list[str]]:
    """A document row as written, then without the empty cells after its last text, then also
    without those before its first (a table written without merged cells, padded)."""
    out = [cells]
    end = max((i + 1 for i, c in enumerate(cells) if c), default=0)
    start = next((i for i, c in enumerate(cells) if c), end)
    for shorter in (cells[:end], cells[start:end]):
        if shorter and shorter not in out:
            out.append(shorter)
    return out


def _fitting(readings: list[list[str]], row: Row) -> list[list[str]]:
    """The readings of a document row, those with a cell for each of `row`'s first (a padded
    row is not a merged cell written as several)."""
    return sorted(readings, key=lambda cells: len(cells) != len(row.slots))


def _due(rows: list[Row], at: int, j: int) -> bool:
    """Whether declared row `j` may be the next document row after rows up to `at` were
    found: a row with a label can be told by it; one without (goals | results, a list's
    item, a tree's leaf) only where it is due, no row showing figures skipped before it
    (further on, any row of as many cells would pass for it). Header rows may be skipped:
    a document may word them otherwise."""
    if rows[j].labelled and rows[j].each is None and rows[j].tree is None:
        return True
    return all(
        r.each is None and r.tree is None and not any(s.path for s in r.slots) for r in rows[at:j]
    )


def _align(spec: FormTable, table: Table) -> list[tuple[Row, list[str], int]]:
    """Each document row with the declared row it is, and its item number in an `each` row.

    A tree's row typed over two lines (a blank line in a cell ends the row, its last texts
    left to a row of their own) is one: a row of texts only fills the empty cells the row
    above ends with, when one of the two is no row by itself and together they are a row of
    the tree."""
    out: list[tuple[Row, list[str], int]] = []
    at, counts = 0, dict[int, int]()
    rows = [[_squeeze(c) for c in raw] for raw in table.rows]
    index = 0
    while index < len(rows):
        found = _chosen(spec, rows[index], at, counts)
        if index + 1 < len(rows) and (
            found is None or _chosen(spec, rows[index + 1], at, counts) is None
        ):
            joined = _joined(rows[index], rows[index + 1])
            whole = _chosen(spec, joined, at, counts) if joined is not None else None
            if whole is not None and spec.rows[whole[0]].tree is not None:
                found = whole
                index += 1
        index += 1
        if found is None:
            continue
        chosen, cells = found
        row = spec.rows[chosen]
        out.append((row, _spread(row, cells), counts.get(chosen, 0)))
        counts[chosen] = counts.get(chosen, 0) + 1
        at = chosen if row.each is not None or row.tree is not None else chosen + 1
    return out


def _chosen(
    spec: FormTable, squeezed: list[str], at: int, counts: dict[int, int]
) -> tuple[int, list[str]] | None:
    """The declared row (from `at` on) a document row is, and the reading of it that is."""
    order = list(range(at, len(spec.rows)))
    labelled = [j for j in order if spec.rows[j].labelled and spec.rows[j].each is None]
    readings = _readings(squeezed)
    tries = [(j, cells, False) for j in labelled for cells in _fitting(readings, spec.rows[j])]
    tries += [
        (j, cells, counts.get(j, 0) == 0)
        for j in order
        if _due(spec.rows, at, j)
        for cells in _fitting(readings, spec.rows[j])
    ]
    return next(
        ((j, cells) for j, cells, first in tries if _matches(spec.rows[j], cells, first)), None
    )


def _joined(row: list[str], below: list[str]) -> list[str] | None:
    """`row` with its last empty cells filled by the texts `below` begins with (and holds
    nothing after); None when `below` does not fit there so."""
    texts = [c for c in below if c]
    if not texts or below[: len(texts)] != texts:
        return None
    empty = len(row) - max((i + 1 for i, c in enumerate(row) if c), default=0)
    if empty < len(texts):
        return None
    kept = len(row) - empty
    return [*row[:kept], *texts, *[""] * (empty - len(texts))]


def _pruned(items: list[dict[str, Any]], levels: list[_TreeLevel]) -> list[dict[str, Any]]:
    """The items with every field their model requires, their lists pruned likewise."""
    level, kept = levels[0], []
    for item in items:
        if len(levels) > 1 and levels[1].key in item:
            item[levels[1].key] = _pruned(item[levels[1].key], levels[1:])
        required = [n for n, f in level.model.model_fields.items() if f.is_required()]
        if all(item.get(name) not in (None, []) for name in required):
            kept.append({n: item[n] for n in level.model.model_fields if n in item})
    return kept


def _matched(
    column: TreeCell, text: str | None, read: _Written
) -> tuple[dict[str, str], list[str], int] | None:
    """The first of a column's texts the document's text is: the text shown for each of its
    paths (v0, v1 …), and those paths. A text of several paragraphs is matched paragraph by
    paragraph when the cell has as many (so a name and the note under it are told apart; a
    paragraph that is one path is kept as written), else as one text showing each of its
    paths (投入（15分） typed in one paragraph; not 产出目标（…） read as an empty name)."""
    if text is None:
        return None
    texts = zip(column.patterns, column.paragraphs, strict=True)
    for index, ((pattern, paths), parts) in enumerate(texts):
        written = read.paragraphs.get(text, (text,))
        if not parts or len(written) != len(parts):
            match = pattern.match(text)
            if match and (not parts or all(match.groupdict().values())):
                return match.groupdict(), paths, index
            continue
        shown: dict[str, str] = {}
        for (part, own), paragraph in zip(parts, written, strict=True):
            match = part.match(paragraph)
            if match is None:
                break
            for number in range(len(own)):
                value = match[f"v{number}"]
                whole = len(own) == 1 and value == paragraph
                shown[f"v{len(shown)}"] = read.raw.get(value, value) if whole else value
        else:
            return shown, paths, index
    return None


@frozen
class _Written:
    """A document table's cells as written, by their squeezed text."""

    raw: dict[str, str]
    """Each squeezed cell (and paragraph) text → the text as written."""
    paragraphs: dict[str, tuple[str, ...]]
    """Each squeezed cell text → its squeezed paragraphs that hold text."""
    lines: dict[str, list[str]]
    """Each squeezed cell text → its paragraphs that hold text, as written."""

    @classmethod
    def of(cls, table: Table) -> _Written:
        raw = {_squeeze(cell): cell.strip() for cell in table.cells()}
        paragraphs: dict[str, tuple[str, ...]] = {}
        lines: dict[str, list[str]] = {}
        for cell, parts in zip(table.cells(), table.cell_paragraphs(), strict=True):
            kept = [p for p in parts if _squeeze(p)]
            paragraphs.setdefault(_squeeze(cell), tuple(_squeeze(p) for p in kept))
            lines.setdefault(_squeeze(cell), [p.strip() for p in kept])
            for part in kept:
                raw.setdefault(_squeeze(part), part.strip())
        return cls(raw, paragraphs, lines)


def _read_tree(
    form: str,
    tree: Tree,
    rows: list[list[str]],
    lifted: LiftedCells,
    read: _Written,
    scope: Scope = YEAR,
) -> bool:
    """The leaves of a tree row, one a document row, as the nested items of its list; False
    when what was read is no valid list (nothing is stored). `read`: the table's cells as
    written."""
    found = tree_levels(tree, scope)
    if found is None:
        return True
    where, levels = found
    depths = {level.name: depth for depth, level in enumerate(levels)}
    top: list[dict[str, Any]] = []
    path: list[dict[str, Any]] = []
    counts = [0] * len(levels)
    last: dict[int, tuple[dict[str, Any], str, str]] = {}
    """A column merged under a condition: the node, field and text it was last read into."""
    above: dict[int, str] = {}
    """A column merged where the rows show the same text: the text of the row above."""
    for cells in rows:
        start, texts = _tree_start(tree, cells) or (0, [])
        del path[min(start, len(path)) :]
        for depth in range(len(path), len(levels)):
            node: dict[str, Any] = {}
            (path[-1].setdefault(levels[depth].key, []) if path else top).append(node)
            path.append(node)
            counts[depth] += 1
        texts = [
            above.get(at) if text is None and column.same else text
            for at, (column, text) in enumerate(zip(tree.cells, texts, strict=True))
        ]
        above.update({at: t for at, t in enumerate(texts) if t is not None and tree.cells[at].same})
        for at, (column, text) in enumerate(zip(tree.cells, texts, strict=True)):
            if text is None and at in last and column.conditional:
                _shared(column, last.pop(at), levels, depths, path)
            if (matched := _matched(column, text, read)) is None:
                continue
            match, paths, which = matched
            _store_condition(column.conditions[which], levels, depths, path)
            for number, shown_path in enumerate(paths):
                depth = depths.get(shown_path.split(".")[0])
                if depth is None:
                    continue
                shown = match[f"v{number}"]
                stored_as = levels[depth].field(shown_path)
                if stored_as is None:
                    scope = {levels[depth].name: counts[depth] - 1}
                    leaf = (tree.path, tree.declared) if depth == len(levels) - 1 else None
                    own = [t for c, t in zip(tree.cells, texts, strict=True) if not c.merge and t]
                    label = own[0] if own else ""
                    written = levels[depth].written(shown_path, shown)
                    figure = Shown(
                        form, shown_path, column.fmt, shown, scope, leaf, label, tuple(where)
                    )
                    lifted.shown.append(replace(figure, written=written))
                    continue
                lines = read.lines.get(shown, []) if len(paths) == 1 else []
                if len(paths) == 1 and column.fmt in (Format.TEXT, Format.LINES):
                    shown = read.raw.get(shown, shown)  # a whole cell's text as written
                if column.fmt is Format.LINES and len(lines) > 1:
                    value: Any = lines  # a paragraph a line
                else:
                    value = _value(shown, column, stored_as[1])
                if _unreadable(shown, column, value):
                    own = [t for c, t in zip(tree.cells, texts, strict=True) if not c.merge and t]
                    lifted.unread.append((form, shown_path, own[0] if own else "", shown))
                if value is not None:
                    path[depth][stored_as[0]] = value
                    if column.conditional:
                        last[at] = (path[depth], stored_as[0], shown)
    unnamed = _name_unshown(tree, levels, top)
    items = [_collapsed(item, levels) for item in _pruned(_rejoined(top, levels), levels)]
    if not items:
        return True
    try:
        for item in items:
            levels[0].model.model_validate(item)
    except ValidationError:
        return False  # read wrong: the table stays as the text at the end of the file
    lifted.lists.setdefault(tuple(where), items)
    lifted.unshown += [(form, ".".join(where), level) for level in unnamed]
    return True


def _store_condition(
    condition: tuple[str, bool],
    levels: list[_TreeLevel],
    depths: dict[str, int],
    path: list[dict[str, Any]],
) -> None:
    """Store what the text shown says of a yes-or-no field it is shown under (是 when
    row.indicator.core: core true), where that is not the field's default."""
    shown_path, value = condition
    depth = depths.get(shown_path.split(".")[0]) if shown_path else None
    stored_as = levels[depth].field(shown_path) if depth is not None else None
    if depth is None or stored_as is None or stored_as[1] is not bool:
        return
    if levels[depth].model.model_fields[stored_as[0]].default != value:
        path[depth][stored_as[0]] = value


def _name_unshown(tree: Tree, levels: list[_TreeLevel], top: list[dict[str, Any]]) -> list[str]:
    """Name the items of the levels above the leaves that no column shows at all (a form
    listing indicators without their groups): one name saying so, so that they join as one.
    The levels so named."""
    named = []
    paths = [p for c in tree.cells for _pattern, found in c.patterns for p in found]
    shown = {p.split(".")[0] for p in paths}
    nodes, depth = top, 0
    while depth < len(levels) - 1 and nodes:
        if levels[depth].name not in shown and "name" in levels[depth].model.model_fields:
            for node in nodes:
                node.setdefault("name", say("import_unprinted_name"))
            named.append(levels[depth].name)
        nodes = [child for node in nodes for child in node.get(levels[depth + 1].key, [])]
        depth += 1
    return named


def _rejoined(items: list[dict[str, Any]], levels: list[_TreeLevel]) -> list[dict[str, Any]]:
    """The items with a level's node written again under the one it goes on from taken as
    that one: a table broken over pages repeats its merged cells (过程（40分）) on the next
    page's first row; two nodes in turn with the same name and fields are one, their lists
    joined."""
    if len(levels) < 2:
        return items
    key, out = levels[1].key, list[dict[str, Any]]()
    for item in items:
        previous = out[-1] if out else None
        own = {n: v for n, v in item.items() if n != key}
        if (
            previous is not None
            and key in item
            and key in previous
            and own.get("name")
            and own == {n: v for n, v in previous.items() if n != key}
        ):
            previous[key] = previous[key] + item[key]
        else:
            out.append(dict(item))
    for item in out:
        if key in item:
            item[key] = _rejoined(item[key], levels[1:])
    return out


def _shared(
    column: TreeCell,
    read: tuple[dict[str, Any], str, str],
    levels: list[_TreeLevel],
    depths: dict[str, int],
    path: list[dict[str, Any]],
) -> None:
    """A column merged under a condition that a row lacks: the text read on the row above
    was the merged one's (the item's shared 分值, not the row's), stored where it says."""
    node, key, shown = read
    node.pop(key, None)
    for pattern, paths in column.patterns[1:]:
        match = pattern.match(shown)
        if match is None:
            continue
        for number, shown_path in enumerate(paths):
            depth = depths.get(shown_path.split(".")[0])
            stored_as = levels[depth].field(shown_path) if depth is not None else None
            if stored_as is None:
                continue
            value = _value(match[f"v{number}"], column, stored_as[1])
            if value is not None:
                path[depth][stored_as[0]] = value
        return


def _collapsed(item: dict[str, Any], levels: list[_TreeLevel]) -> dict[str, Any]:
    """The item with a one-leaf list folded into it when the leaf's fields are its own (a
    三级指标 of one row is the item itself, not one of its parts)."""
    if len(levels) < 2:
        return item
    key = levels[1].key
    children = [_collapsed(child, levels[1:]) for child in item.get(key, [])]
    if not children:
        return item
    item = {**item, key: children}
    (child,) = children if len(children) == 1 else (None,)
    if len(levels) == 2 and child is not None:
        fields = levels[0].model.model_fields
        if all(n in fields and n not in item for n in child):
            item.pop(key)
            item.update(child)
    return item


def _read(spec: FormTable, table: Table, lifted: LiftedCells) -> bool:
    """Read the document table as the declared one; False when a tree of it read no valid
    list (the table is then kept as text)."""
    trees: dict[int, tuple[Tree, list[list[str]]]] = {}
    for row, cells, index in _align(spec, table):
        if row.tree is not None:
            trees.setdefault(id(row), (row.tree, []))[1].append(cells)
            continue
        each = stored(row.each, spec.scope) if row.each else None
        item: dict[str, Any] = {}
        for slot, text in zip(row.slots, cells, strict=True):
            pattern = slot.first if index == 0 and slot.first is not None else slot.pattern
            match = pattern.match(text)
            if match is None:
                continue
            for group, shown in match.groupdict().items():
                if group.startswith("u_") and shown:
                    lifted.unit.setdefault(UNIT_PLACEHOLDERS[group[2:]], shown)
            if slot.path is None:
                continue
            shown = match["v"]
            if each is not None and slot.path.startswith(row.name + "."):
                found = _item_field(each[0], slot.path, row.name, spec.scope.model)
                if found is not None:
                    value = _value(shown, slot, found[1])
                    if _unreadable(shown, slot, value):
                        lifted.unread.append((spec.form, slot.path, _label(cells), shown))
                    if value is not None:
                        item[found[0]] = value
                    continue
                lifted.shown.append(Shown(spec.form, slot.path, slot.fmt, shown, {row.name: index}))
                continue
            where = stored(slot.path, spec.scope)
            if where is None and (mine := unit_field(slot.path)) is not None and shown:
                lifted.unit.setdefault(mine[0], {}).setdefault(mine[1], shown)
                continue
            if where is None and (own := _unit_own(slot.path)) is not None and shown:
                lifted.unit.setdefault(own, shown)  # unit.finance_office: unit.yaml's own
                continue
            if where is None or (slot.fmt not in _READ):
                lifted.shown.append(Shown(spec.form, slot.path, slot.fmt, shown))
                continue
            value = _value(shown, slot, where[1])
            if _unreadable(shown, slot, value):
                lifted.unread.append((spec.form, slot.path, _label(cells), shown))
            if value is None:
                continue
            key = tuple(where[0])
            kept = lifted.values.setdefault(key, value)
            if kept != value:
                lifted.twice.append((".".join(key), str(kept), str(value)))
        if each is not None and item and _complete(each[0], item, spec.scope.model):
            lifted.lists.setdefault(tuple(each[0]), []).append(item)
    read = _Written.of(table)
    trees_read = trees.values()
    valid = [
        _read_tree(spec.form, tree, rows, lifted, read, spec.scope) for tree, rows in trees_read
    ]
    return all(valid)


def _label(cells: list[str]) -> str:
    """A row's first text, to say which row it is."""
    return next((c for c in cells if c.strip()), "")


def _found(spec: FormTable, cells: set[str]) -> int:
    return sum(any(re.match(p, c) for c in cells) for p in spec.labels)


def is_form(spec: FormTable, table: Table) -> bool:
    """Whether `table` holds most of the declaration's fixed texts (LABELS_FOUND); for joined
    declarations, most of each one's."""
    cells = {_squeeze(c) for c in table.cells()}
    return all(_found(p, cells) >= LABELS_FOUND * len(p.labels) for p in spec.parts or [spec])


def form_score(declared: list[FormTable], tables: list[Table]) -> float:
    """The share of the declarations' fixed texts the document's tables hold, 0 to 1."""
    labels = {label for spec in declared for label in spec.labels}
    if not labels:
        return 0.0
    cells = {_squeeze(c) for table in tables for c in table.cells()}
    return sum(any(re.match(p, c) for c in cells) for p in labels) / len(labels)


def read_table(spec: FormTable, table: Table) -> LiftedCells:
    """The values of one document table that is the declaration's."""
    lifted = LiftedCells()
    _read(spec, table, lifted)
    return lifted


def lift_cells(tables: list[Table], declared: list[FormTable], skip: set[int]) -> LiftedCells:
    """The year-file values of the declared form tables found among `tables`.

    A table is a declaration's when it holds most of its fixed texts; a table right after
    one of a declaration, half of whose texts are its fixed texts, is its continuation on the
    next page."""
    lifted = LiftedCells()
    previous: int | None = None
    done: set[str] = set()
    for index, table in enumerate(tables):
        cells = {_squeeze(c) for c in table.cells()}
        counts = [_found(spec, cells) for spec in declared]
        free = [
            n
            for n, spec in enumerate(declared)
            if not spec.keys & done and (not spec.parts or is_form(spec, table))
        ]
        best = max(free, key=lambda n: counts[n] / len(declared[n].labels), default=None)
        if best is not None and counts[best] < LABELS_FOUND * len(declared[best].labels):
            best = None
        if best is None and previous is not None and counts[previous] * 2 >= len(cells - {""}):
            best = previous
        if best is None or index in skip:
            previous = None
            continue
        done |= declared[best].keys
        if _read(declared[best], table, lifted):
            lifted.used[index] = declared[best].form
        previous = best
    return lifted
