"""Computed figures a document shows, compared with what jixiao computes from what was read.

A form cell showing a computed figure (a rate, a total, a score) is not stored: the year file
holds its inputs. Once the year file is written it is loaded and computed like any other;
a figure the document shows differently (the seeds' classic: an input typed twice with two
values) is listed for checking.
"""

from __future__ import annotations

import re

from jixiao import forms
from jixiao.errors import ContentError
from jixiao.importing.cells import Shown
from jixiao.importing.validity import Refused
from jixiao.kinds import Kind
from jixiao.loading import path_text
from jixiao.messages import say
from jixiao.project import Project, load_unit_year
from jixiao.render.context import ContextBuilder


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def differences(
    project: Project, unit: str, year: int, kind: Kind, shown: list[Shown]
) -> list[str]:
    """A message for each computed figure the document shows otherwise than jixiao computes
    it; when the written files do not load, one saying the figures could not be compared."""
    try:
        unit_year = load_unit_year(project, unit, year)
        chosen = next(k for k in unit_year.kinds if k.name == kind.name)
        builder = ContextBuilder(
            unit_year.unit, unit_year.year, chosen, unit_year.figures_for(chosen), unit_year.source
        )
        scope = builder.form_scope
    except ContentError:
        return [say("import_note_not_loaded")] if shown else []
    except StopIteration:  # unit.yaml names other kinds: the summary says so
        return []
    found = []
    leaves: dict[str, list[forms.Scope]] = {}
    for cell in shown:
        within: forms.Scope = scope
        if cell.tree is not None:  # a figure of a tree's leaf: the leaf's scope
            path, levels = cell.tree
            try:
                bound = leaves.setdefault(path, forms.tree_leaves(path, list(levels), scope))
            except (forms.PathError, LookupError, TypeError):
                continue
            index = next(iter(cell.scope.values()))
            if index >= len(bound):
                continue
            within = bound[index]
        elif cell.scope:
            continue  # a figure of one listed item: read with its row, not here
        try:
            value = forms.resolve(cell.path, within)
        except (forms.PathError, LookupError, TypeError):
            continue
        if value is None or value == "":
            continue
        try:
            computed = forms.shown(value, cell.fmt, "{n}.{text}")
        except (TypeError, ValueError, ArithmeticError):
            continue
        text = computed if isinstance(computed, str) else "".join(computed)
        if text and _squeeze(text) != cell.text:
            path = f"{cell.path}（{cell.label}）" if cell.label else cell.path
            fields = {"form": cell.form, "path": path, "shown": cell.text, "computed": text}
            found.append(say("import_note_form_computed", **fields))
    return list(dict.fromkeys(found))


def recheck_errors(project: Project, unit: str, year: int, refused: list[Refused]) -> list[str]:
    """What `jixiao check` finds wrong with the unit-year just written, each as check prints
    it; the 待填 the import itself wrote for a refused value is listed with that value."""
    from jixiao.checks import check_unit_year  # the whole of check: only once, at the end

    announced = {path_text(one.path) for one in refused if one.outcome == "to_fill"}
    errors = check_unit_year(project, unit, year).errors
    marker = say("to_fill_hint", year=year)
    left = [f for f in errors if not (f.field in announced and f.hint == marker)]
    return [finding.render(project.root) for finding in left]
