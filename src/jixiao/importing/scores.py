"""Indicator scores a document gives otherwise than the rule: kept as the unit's own score.

(And, for the forms made once per item, the other computed figures checked as recheck.py
checks the year's.)

A 得分 in a 绩效指标 tree is computed by the kind's rule from the stored 指标值, 实际完成值
and 分值. Where the document shows another (the unit scored it itself: 4.25 where the rule
gives 5), that score is what the report says: it is stored as the indicator's `score`, so the
report renders as written, and noted for checking (the rule's score, and `score_reason`,
which `jixiao check` asks for). Read after the year file is first written, as recheck.py is.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from jixiao import forms
from jixiao.errors import ContentError
from jixiao.importing.cells import Shown
from jixiao.importing.each_forms import EachForm
from jixiao.kinds import Kind
from jixiao.messages import say
from jixiao.project import Project, load_unit_year
from jixiao.render.context import ContextBuilder

SCORE = "score"
"""The leaf's computed figure whose shown value the indicator stores in place of the rule's."""


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _leaves(node: Any) -> list[dict[str, Any]]:
    """The leaf items under a stored tree (its lists of items, in order)."""
    if isinstance(node, list):
        return [leaf for item in node for leaf in _leaves(item)]
    if isinstance(node, dict):
        inner = [v for v in node.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        return _leaves(inner[0]) if len(inner) == 1 else [node]
    return []


def _at(data: Any, where: tuple[str, ...]) -> Any:
    for part in where:
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _keep(cells: list[Shown], scope: forms.Scope, base: dict[str, Any]) -> list[str]:
    """Store, under `base`, each leaf score `cells` show otherwise than the rule computes,
    and each other leaf figure a field of its name gives when set (计量单位, 指标性质) shown
    otherwise than jixiao derives it."""
    notes = []
    bound: dict[str, list[forms.Scope]] = {}
    for cell in cells:
        if cell.tree is None or not cell.where:
            continue
        score = cell.path.split(".")[-1] == SCORE
        if not score and cell.written is None:
            continue
        found = _shown_otherwise(cell, scope, base, bound)
        if found is None:
            continue
        leaf, text = found
        if not score:  # a 计量单位 the 指标值 does not show: % of ≤0
            leaf.setdefault(cell.path.split(".")[-1], cell.written)
            continue
        try:
            leaf[SCORE] = Decimal(cell.text)
        except InvalidOperation:
            continue
        label = f"{cell.path}（{cell.label}）" if cell.label else cell.path
        notes.append(
            say("import_note_score_kept", form=cell.form, path=label, shown=cell.text, rule=text)
        )
    return notes


def _shown_otherwise(
    cell: Shown, scope: forms.Scope, base: dict[str, Any], bound: dict[str, list[forms.Scope]]
) -> tuple[dict[str, Any], str] | None:
    """The stored leaf a tree cell shows and jixiao's text for it, where the document shows
    something else; None where they agree or the leaf cannot be told."""
    assert cell.tree is not None
    path, levels = cell.tree
    try:
        leaves = bound.setdefault(path, forms.tree_leaves(path, list(levels), scope))
        index = next(iter(cell.scope.values()))
        value = forms.resolve(cell.path, leaves[index])
        computed = forms.shown(value, cell.fmt, "") if value not in (None, "") else ""
    except (forms.PathError, LookupError, TypeError, ValueError, ArithmeticError, StopIteration):
        return None
    text = computed if isinstance(computed, str) else "".join(computed)
    stored = _leaves(_at(base, cell.where))
    if _squeeze(text) == cell.text or index >= len(stored):
        return None
    leaf = stored[index]
    if cell.label and _squeeze(str(leaf.get("name", ""))) != cell.label:
        return None  # not the leaf the row showed: leave it to recheck's note
    return leaf, text


def _scopes(project: Project, unit: str, year: int, kind: Kind) -> tuple[forms.Scope, Any] | None:
    """The written files' form scope and figures; None when they do not load."""
    try:
        unit_year = load_unit_year(project, unit, year)
        chosen = next(k for k in unit_year.kinds if k.name == kind.name)
        figures = unit_year.figures_for(chosen)
        builder = ContextBuilder(unit_year.unit, unit_year.year, chosen, figures, unit_year.source)
    except (ContentError, StopIteration):
        return None
    return builder.form_scope, figures


def _items(
    scope: forms.Scope,
    figures: Any,
    fields: dict[str, Any],
    items: list[tuple[EachForm, int, list[Shown]]],
) -> list[tuple[list[Shown], forms.Scope, dict[str, Any]]]:
    """Each item's shown figures, its form's scope (its names bound) and its stored fields."""
    out = []
    for each, index, cells in items:
        listed = getattr(figures, each.each, None)
        stored = fields.get(each.each)
        if not isinstance(listed, list) or not isinstance(stored, list) or index >= len(listed):
            continue
        spec = each.spec
        item = forms.Bound(scope, {spec.name_each: listed[index], "n": index + 1})
        try:
            bound = {name: forms.resolve(path, item) for name, path in spec.bind.items()}
        except (forms.PathError, LookupError, TypeError):
            continue
        out.append((cells, forms.Bound(item, bound), stored[index]))
    return out


def keep_scores(
    project: Project,
    unit: str,
    year: int,
    kind: Kind,
    fields: dict[str, Any],
    shown: list[Shown],
    items: list[tuple[EachForm, int, list[Shown]]],
) -> list[str]:
    """Store in `fields` the scores the document shows otherwise than the rule; the notes."""
    found = _scopes(project, unit, year, kind)
    if found is None:
        return []
    scope, figures = found
    notes = _keep(shown, scope, fields)
    for cells, within, stored in _items(scope, figures, fields, items):
        notes += _keep(cells, within, stored)
    return notes


def item_differences(
    project: Project,
    unit: str,
    year: int,
    kind: Kind,
    fields: dict[str, Any],
    items: list[tuple[EachForm, int, list[Shown]]],
) -> list[str]:
    """A note for each computed figure of an item's form the document shows otherwise than
    jixiao computes it from the written files (its funds' total, 执行率, 得分, 总分)."""
    found = _scopes(project, unit, year, kind)
    if found is None:
        return []
    scope, figures = found
    notes = []
    for cells, within, _stored in _items(scope, figures, fields, items):
        notes += _differences(cells, within)
    return list(dict.fromkeys(notes))


def _differences(cells: list[Shown], scope: forms.Scope) -> list[str]:
    """What recheck.py notes for the year's forms, for one item's: its computed figures
    (leaf scores aside, kept above) that the document shows otherwise."""
    notes = []
    for cell in cells:
        if cell.tree is not None or cell.scope:
            continue  # a leaf's: its score kept above; a listed row's: read with its row
        try:
            value = forms.resolve(cell.path, scope)
            computed = forms.shown(value, cell.fmt, "{n}.{text}") if value not in (None, "") else ""
        except (forms.PathError, LookupError, TypeError, ValueError, ArithmeticError):
            continue
        text = computed if isinstance(computed, str) else "".join(computed)
        if text and _squeeze(text) != cell.text:
            fields = {"form": cell.form, "path": cell.path, "shown": cell.text, "computed": text}
            notes.append(say("import_note_form_computed", **fields))
    return notes
