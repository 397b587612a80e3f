"""The paths of a form declaration checked field by field against the types of what they read.

A declaration's paths are read when a form is built, and only as far as the data goes: a typo
after a step that is empty this year (`key_projects` with none, a None figure) passes a render.
Here each path is followed through the declared types of the figures instead (compute.py's
dataclasses, the content models, render/context.py's views), so `check` names a field that
does not exist at its line whether or not this unit's data reaches it.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from jixiao.compute import Figures
from jixiao.errors import ContentError, Finding
from jixiao.forms import unknown_field
from jixiao.formspec import (
    ROOTS,
    CellSpec,
    ColumnSpec,
    FormSpec,
    RowSpec,
    TableSpec,
    load_form,
    placeholders,
)
from jixiao.kinds import Kind
from jixiao.loading import FieldPath, Source
from jixiao.model.unit import Contact, Unit
from jixiao.model.year import Evaluator
from jixiao.plain import data_fields
from jixiao.render.context import ProfileTexts

Types = frozenset[Any]
"""The types a path may have at a step (several where a field is a union); empty: unknown."""

UNKNOWN: Types = frozenset()

OWN_ROOTS: dict[str, Any] = {
    "level": str,
    "unit_name": str,
    "unit": Unit,
    "contact": Contact | None,
    "goals": list[str],
    "results": list[str],
    "profile": ProfileTexts | None,
    "evaluators": list[Evaluator],
}
"""The types of the names a form reads that are not fields of Figures (render/context.py)."""


def root_types() -> dict[str, Types]:
    """Each name a declaration may start a path with, and its type (formspec.ROOTS)."""
    hints = _hints(Figures)
    return {name: _types(OWN_ROOTS.get(name, hints.get(name, Any))) for name in ROOTS}


_roots = functools.cache(root_types)


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    """The declared type of each data field of a dataclass or model, properties included."""
    hints: dict[str, Any] = {}
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        hints.update({name: f.annotation for name, f in kind.model_fields.items()})
    elif dataclasses.is_dataclass(kind):
        hints.update(typing.get_type_hints(kind))
    public = data_fields(kind)
    for klass in reversed(kind.__mro__):
        for name, member in vars(klass).items():
            getter = member.fget if isinstance(member, property) else None
            if isinstance(member, functools.cached_property):
                getter = member.func
            if getter is not None and name in public:
                hints[name] = _returns(getter)
    return hints


def _returns(getter: Any) -> Any:
    """A property's declared type; Any where it names what it cannot resolve here."""
    try:
        return typing.get_type_hints(getter).get("return", Any)
    except (NameError, TypeError):
        return Any


def _types(hint: Any) -> Types:
    """The concrete types a hint stands for: unions spread, None and Annotated dropped."""
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        return _types(typing.get_args(hint)[0])
    if origin in (typing.Union, types.UnionType):
        return frozenset(t for arg in typing.get_args(hint) for t in _types(arg))
    if hint is type(None):
        return frozenset()
    if hint is Any or isinstance(hint, typing.TypeVar | str):
        return UNKNOWN
    return frozenset([hint])


def _items(found: Types) -> Types:
    """The types of the items of a list-typed path (what `each` and `tree` walk)."""
    items: set[Any] = set()
    for hint in found:
        origin = typing.get_origin(hint)
        if origin in (list, tuple) or (isinstance(origin, type) and issubclass(origin, list)):
            args = [a for a in typing.get_args(hint) if a is not Ellipsis]
            if not args:
                return UNKNOWN
            items.update(t for arg in args for t in _types(arg))
        elif hint is list:
            return UNKNOWN
        else:
            items.add(hint)  # a single value is one item (forms._items)
    return frozenset(items)


class Step:
    """Where a path stops being a field: the part, and the fields that were there to choose."""

    def __init__(self, part: str, fields: frozenset[str]) -> None:
        self.part, self.fields = part, fields


def follow(path: str, scope: Mapping[str, Types]) -> Types | Step:
    """The types at the end of `path` in `scope`, or the Step that names no field there."""
    head, *rest = path.split(".")
    if head not in scope:
        return Step(head, frozenset(scope))
    found = scope[head]
    for part in rest:
        if not found:  # unknown: nothing more to check
            return UNKNOWN
        nxt: set[Any] = set()
        fields: set[str] = set()
        for hint in found:
            origin = typing.get_origin(hint) or hint
            if isinstance(origin, type) and issubclass(origin, Mapping):
                return UNKNOWN  # read by key: any key may be there
            names = _fields(origin)
            fields |= names
            if part in names:
                nxt.update(_types(_hints(origin).get(part, Any)) or {Any})
        if not fields or part not in fields:
            return Step(part, frozenset(fields))
        found = frozenset(t for t in nxt if t is not Any) if Any not in nxt else UNKNOWN
    return found


def _fields(kind: object) -> frozenset[str]:
    if not isinstance(kind, type) or kind in (str, int, Decimal, bool, float, list, tuple):
        return frozenset()
    return data_fields(kind)


# The declaration walked with the names each place sees --------------------------------------


def kind_findings(kind: Kind) -> list[Finding]:
    """The paths of the kind's form declarations (and those they include) that name a field
    the figures do not have; declarations that do not load are kinds.form_findings'."""
    roots = _roots()
    templates = kind.folder.parent
    names = [name for name, _at in kind.forms()]
    found: list[Finding] = []
    seen: set[str] = set()
    while names:
        name = names.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            spec, source = load_form(templates, kind.name, name)
        except ContentError:
            continue
        names += [t.include for t in spec.tables if t.include]
        found += [f for f in _checked(spec, source, roots) if f not in found]
    return found


_CHECKED: dict[tuple[object, float], list[Finding]] = {}


def _checked(spec: FormSpec, source: Source, roots: Mapping[str, Types]) -> list[Finding]:
    """`findings`, once a process for each version of a declaration file (a batch asks per unit)."""
    file = source.file
    key = (file, file.stat().st_mtime if file is not None else 0.0)
    if key not in _CHECKED:
        _CHECKED[key] = findings(spec, source, roots)
    return _CHECKED[key]


def findings(spec: FormSpec, source: Source, roots: Mapping[str, Types]) -> list[Finding]:
    """Each path of the declaration that names a field its type does not have, at its line."""
    found: list[Finding] = []
    for path, at, scope in _uses(spec, roots):
        result = follow(path, scope)
        if isinstance(result, Step):
            finding = unknown_field(source, at, path, result.part, sorted(result.fields))
            if finding not in found:
                found.append(finding)
    return found


Use = tuple[str, FieldPath, Mapping[str, Types]]


def _uses(spec: FormSpec, roots: Mapping[str, Types]) -> Iterator[Use]:
    scope: dict[str, Types] = {**roots, "n": frozenset([int])}
    yield from _paths(spec.when, ("when",), scope)
    if spec.each is not None:
        yield spec.each, ("each",), scope
        items = _at(spec.each, scope)
        scope = {**scope, spec.name_each: _items(items)}
    for name, path in spec.bind.items():
        yield path, ("bind", name), scope
        scope = {**scope, name: _at(path, scope)}
    for index, table in enumerate(spec.tables):
        yield from _table(table, ("tables", index), scope)


def _table(table: TableSpec, at: FieldPath, scope: dict[str, Types]) -> Iterator[Use]:
    yield from _paths(table.when, (*at, "when"), scope)
    for index, column in enumerate(table.columns):
        yield from _texts(column.label, (*at, "columns", index, "label"), scope)
    for index, row in enumerate(table.rows):
        yield from _row(row, table.columns, (*at, "rows", index), scope)


def _row(
    row: RowSpec, columns: list[ColumnSpec], at: FieldPath, scope: dict[str, Types]
) -> Iterator[Use]:
    yield from _paths(row.when, (*at, "when"), scope)
    if row.labels:
        return
    if row.tree is not None:
        yield row.tree, (*at, "tree"), scope
        items = _items(_at(row.tree, scope))
        for depth, level in enumerate(row.levels):
            if depth:
                step = f"{row.levels[depth - 1].name}.{level.each}"
                yield step, (*at, "levels", depth, "each"), scope
                items = _items(_at(step, scope))
            scope = {**scope, level.name: items}
    elif row.each is not None:
        paths = [row.each] if isinstance(row.each, str) else row.each
        items: set[Any] = set()
        for index, path in enumerate(paths):
            where = (*at, "each") if isinstance(row.each, str) else (*at, "each", index)
            yield path, where, scope
            found = _items(_at(path, scope))
            if not found:
                items = set()
                break
            items |= found
        scope = {**scope, row.name: frozenset(items)}
    if row.cells is not None:
        for index, cell in enumerate(row.cells):
            yield from _cell(cell, (*at, "cells", index), scope)
    else:
        for index, column in enumerate(columns):
            yield from _cell(column.cell(), (*at[:-2], "columns", index), scope)


def _cell(cell: CellSpec, at: FieldPath, scope: dict[str, Types]) -> Iterator[Use]:
    for key in ("value", "when", "unless"):
        yield from _paths(getattr(cell, key), (*at, key), scope)
    yield from _texts(cell.text, (*at, "text"), scope)
    if cell.first is not None:
        yield from _texts(cell.first, (*at, "first"), scope)
    if cell.otherwise is not None:
        yield from _cell(cell.otherwise, (*at, "otherwise"), scope)


def _paths(paths: str | list[str] | None, at: FieldPath, scope: dict[str, Types]) -> Iterator[Use]:
    if isinstance(paths, str):
        yield paths, at, scope
    elif paths:
        yield from ((path, (*at, i), scope) for i, path in enumerate(paths))


def _texts(text: str | list[str], at: FieldPath, scope: dict[str, Types]) -> Iterator[Use]:
    texts = [text] if isinstance(text, str) else text
    for index, one in enumerate(texts):
        where = at if isinstance(text, str) else (*at, index)
        try:
            names = placeholders(one)
        except ValueError:
            continue  # formspec.text_findings reports a malformed text
        yield from ((name, where, scope) for name in names if "." in name)


def _at(path: str, scope: Mapping[str, Types]) -> Types:
    result = follow(path, scope)
    return UNKNOWN if isinstance(result, Step) else result
