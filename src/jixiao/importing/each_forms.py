"""Forms shown once per listed item (`each: key_projects`, 项目支出绩效自评表), read back.

Each document table that is the declaration's first table is one item; the tables its
declaration goes on with (an `include:` such as the indicator table) are the ones right after
it, or the same table when it holds them all (drawn as one). The cells are read as the year's
forms are (importing/cells.py), into the item: the item's name (`as: project`) is the item
itself, a `bind` name (evaluation: project.evaluation) its field, and a name the figures give
the item for a field of one of its parts is that field (project.current → the item's
funds.current; evaluation.goals → its goals, as the year's evaluation.goals are the year's
goals).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from jixiao.formspec import ROOTS, FormSpec, load_form
from jixiao.frozen import frozen
from jixiao.importing.cells import (
    FormTable,
    Scope,
    Shown,
    form_table,
    is_form,
    joined,
    read_table,
)
from jixiao.importing.outline import Table
from jixiao.kinds import Kind
from jixiao.model import Year


@frozen
class EachForm:
    """A per-item declaration: the year file's list and the tables of one item's form."""

    form: str
    each: str
    tables: list[FormTable]
    spec: FormSpec


@dataclass
class LiftedItems:
    """The items read from per-item forms, by list, and the document tables read."""

    lists: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    used: dict[int, str] = field(default_factory=dict)
    shown: list[tuple[EachForm, int, list[Shown]]] = field(default_factory=list)
    """The computed figures each item's form shows: its form, its index in the list."""
    unread: list[tuple[str, str, str, str]] = field(default_factory=list)
    """As LiftedCells.unread, for the items' forms."""
    unshown: list[tuple[str, str, str]] = field(default_factory=list)
    """As LiftedCells.unshown, for the items' forms."""


def _model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for a in typing.get_args(annotation) if (m := _model(a))), None)


def _scope(spec: FormSpec, model: type[BaseModel]) -> Scope:
    """How the form's paths name the item's fields."""
    own = spec.name_each
    renames: dict[str, str] = {}
    for bound, target in spec.bind.items():
        for name in ROOTS.get(bound, ()):  # evaluation.goals: the item's goals
            if name != bound and name in model.model_fields:
                renames[f"{bound}.{name}"] = f"{own}.{name}"
        renames[bound] = target
    parts: dict[str, list[str]] = {}
    for name, info in model.model_fields.items():
        inner = _model(info.annotation)
        if inner is None or typing.get_origin(info.annotation) is list:
            continue
        for sub in inner.model_fields:
            if sub not in model.model_fields:
                parts.setdefault(sub, []).append(name)
    for sub, holders in parts.items():
        if len(holders) == 1:  # project.current: the funds' current
            renames[f"{own}.{sub}"] = f"{own}.{holders[0]}.{sub}"
    return Scope(model, {own: ("",)}, renames)


def each_forms(templates: Path, kind: Kind, year: int) -> list[EachForm]:
    """The kind's per-item declarations, each with the tables of one item's form."""
    found = []
    for name, spec in kind.declarations():
        info = Year.model_fields.get(spec.each or "")
        model = _model(info.annotation) if info is not None else None
        if model is None or spec.each is None:
            continue
        scope = _scope(spec, model)
        tables = []
        for table in spec.tables:
            declared = [(name, table)]
            if table.include:
                included, _source = load_form(templates, kind.name, table.include)
                declared = [(table.include, t) for t in included.tables if not t.include]
            for form, one in declared:
                if (built := form_table(form, one, year, scope)) is not None:
                    tables.append(built)
        if tables:
            found.append(EachForm(name, spec.each, tables, spec))
    return found


def _nested(values: dict[tuple[str, ...], Any], into: dict[str, Any]) -> None:
    for path, value in values.items():
        target = into
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target.setdefault(path[-1], value)


def lift_each(tables: list[Table], declared: list[EachForm], skip: set[int]) -> LiftedItems:
    """The items of the per-item forms found among `tables` (those in `skip` already read)."""
    lifted = LiftedItems()
    taken = set(skip)
    for spec in declared:
        first, *rest = spec.tables
        whole = joined(spec.tables) if rest else None
        for index, table in enumerate(tables):
            if index in taken or not is_form(first, table):
                continue
            item: dict[str, Any] = {}
            shown: list[Shown] = []
            at = index
            parts = [first, *rest]
            if whole is not None and is_form(whole, table):
                parts = [whole]  # the item's tables drawn as one
            for part in parts:
                if at >= len(tables) or at in taken or not is_form(part, tables[at]):
                    break
                cells = read_table(part, tables[at])
                _nested(cells.values, item)
                _nested(dict(cells.lists), item)
                shown += cells.shown
                lifted.unread += cells.unread
                lifted.unshown += cells.unshown
                taken.add(at)
                lifted.used[at] = spec.form
                at += 1
            if "name" in item:
                listed = lifted.lists.setdefault(spec.each, [])
                lifted.shown.append((spec, len(listed), shown))
                listed.append(item)
    return lifted
