"""`jixiao new`: next year's content from this year's, field by field: carry, roll or clear.

Works on ruamel's round-trip tree, so the writer's comments, key order, flow or block
style, quotes, anchors and any editor modeline survive. What happens to each field is
decided by `RULES` over the content model (`action`). Only `plan_new`, at the end, reads
files; nothing here writes any.
"""

from __future__ import annotations

import io
import itertools
import re
import types
import typing
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from jixiao.errors import ContentError, Finding, error
from jixiao.frozen import frozen
from jixiao.loading import FieldPath, load, path_text
from jixiao.messages import say
from jixiao.model import Evaluation, Indicator, IndicatorGroup, KeyProject, Section, Year
from jixiao.model.common import TO_FILL, Paragraphs, ToFill, is_to_fill, models_in
from jixiao.model.indicators import Target
from jixiao.model.scores import ScoreCategory, ScoreGroup, ScoreItem, ScorePart
from jixiao.model.year import Profile
from jixiao.project import Project, load_unit_year


class Action(StrEnum):
    """What `new` does with one field."""

    CARRY = "carry"  # copied unchanged: structure, names, targets, points
    REVIEW = "review"  # narrative text: copied unchanged, listed for the writer to review
    ROLL = "roll"  # this year's figure becomes next year's prior-year figure
    CLEAR = "clear"  # belongs to one year: replaced by TO_FILL


@frozen
class Rules:
    """The rollover rules, as data over the content model (see `action` for how they combine)."""

    rolled: Mapping[str, str]
    """In every model with both fields: new field := old field (prior := actual)."""
    not_rolled_in: tuple[type[BaseModel], ...]
    """Models whose amounts are cleared, not rolled: no form shows a 上年 column for them."""
    carried: frozenset[tuple[type[BaseModel], str]]
    """Fields that accept TO_FILL yet are structure, not one year's figures (分值)."""
    cleared: frozenset[tuple[type[BaseModel], str]]
    """One year's fields whose type does not declare `ToFill` (the marker stays text there)."""
    reviewed: frozenset[tuple[type[BaseModel], str]]
    """Text fields to review besides every `Paragraphs` field."""


RULES = Rules(
    rolled={"prior": "actual"},
    not_rolled_in=(KeyProject,),
    carried=frozenset(
        {
            (Indicator, "points"),
            (IndicatorGroup, "points"),
            (Evaluation, "budget_points"),
            (ScoreGroup, "points"),
            (ScoreCategory, "points"),
            (ScoreItem, "points"),
            (ScorePart, "points"),
        }
    ),
    cleared=frozenset(
        {
            (Target, "actual"),
            (ScoreItem, "reason"),
            (ScorePart, "reason"),
            (Profile, "achievements"),
        }
    ),
    reviewed=frozenset(
        {
            (Section, "numbered"),
            (Year, "goals"),
            (KeyProject, "goals"),
            (Evaluation, "goals"),
            (Profile, "tasks"),
        }
    ),
)
"""Every field that accepts TO_FILL (amounts, counts, 实际完成值, 得分, 偏差原因, 实际完成情况 …:
the model's `ToFill` types) belongs to one year and is cleared, unless carried above; so are
the fields listed as cleared; prior rolls from actual; `Paragraphs` and the reviewed fields
are carried and listed for review; everything else (names, 指标值, 评分规则, 标题 …) is carried."""


def action(model: type[BaseModel], name: str, rolling: bool = True) -> Action:
    """What `new` does with field `name` of `model` (`rolling`: outside `not_rolled_in`)."""
    info = model.model_fields[name]
    if (model, name) in RULES.carried:
        return Action.CARRY
    old = RULES.rolled.get(name)
    if rolling and old is not None and old in model.model_fields:
        return Action.ROLL
    if _accepts_to_fill(info) or (model, name) in RULES.cleared:
        return Action.CLEAR
    if _is_paragraphs(info) or (model, name) in RULES.reviewed:
        return Action.REVIEW
    return Action.CARRY


def rules_table(model: type[BaseModel] = Year) -> list[tuple[str, str, Action]]:
    """Every field of `model` and the models within: (model, field, action), for docs and tests."""
    rows: list[tuple[str, str, Action]] = []
    seen: set[type[BaseModel]] = set()

    def visit(kind: type[BaseModel]) -> None:
        if kind in seen:
            return
        seen.add(kind)
        for name, info in kind.model_fields.items():
            rows.append((kind.__name__, name, action(kind, name)))
            for inner in models_in(info.annotation):
                visit(inner)

    visit(model)
    return rows


# What a rollover did ---------------------------------------------------------------------


@frozen
class Conflict:
    """A value the writer wrote in the existing target that re-rolling would replace."""

    path: FieldPath
    line: int | None
    value: Any
    derived: Any


@dataclass
class Summary:
    """What `roll` did to one file, by field path (lists of text count as one field)."""

    source_year: int
    year: int
    carried: int = 0
    rolled: list[FieldPath] = field(default_factory=list)
    cleared: list[FieldPath] = field(default_factory=list)
    review: list[FieldPath] = field(default_factory=list)
    kept: list[FieldPath] = field(default_factory=list)
    """With an existing target: the writer's values, keys and items kept from it."""
    conflicts: list[Conflict] = field(default_factory=list)
    """With an existing target: writer values the rollover would overwrite (then nothing is
    written; `plan_new` lists them)."""
    lines: dict[FieldPath, int] = field(default_factory=dict)
    """Line of each listed field in the new file."""
    old_years: dict[FieldPath, list[str]] = field(default_factory=dict)
    """Review blocks that write a year literally instead of {{ year }}: the years written."""
    originals: dict[FieldPath, Any] = field(default_factory=dict, repr=False)
    actions: dict[FieldPath, Action] = field(default_factory=dict, repr=False)


@frozen
class Rolled:
    """The new file's text and what was done to make it."""

    text: str
    summary: Summary


def roll_text(text: str, year: int, existing: str | None = None) -> Rolled:
    """Next year's file from `text`; with `existing` (the target's text), merged into it."""
    if existing is not None:
        merged = _merge_text(text, year, existing)
        if merged is not None:
            return merged
    yaml = round_trip_yaml(text)
    data = yaml.load(text)
    summary = roll(data, year)
    return _rolled(yaml, data, summary, text)


def _rolled(yaml: YAML, data: CommentedMap, summary: Summary, like: str) -> Rolled:
    """`data` written out with `yaml`, the summary's lines located, line ends as in `like`."""
    out = io.StringIO()
    yaml.dump(data, out)
    result = out.getvalue()
    _locate(round_trip_yaml(result).load(result), summary)
    if "\r\n" in like:  # written on Windows: keep its line ends
        result = result.replace("\r\n", "\n").replace("\n", "\r\n")
    return Rolled(result, summary)


def roll(data: CommentedMap, year: int) -> Summary:
    """Turn `data` (one year's content, round-trip tree) into `year`'s, in place."""
    source_year = int(data.get("year", year - 1))
    summary = Summary(source_year, year)
    data["year"] = year
    _walk(data, Year, (), True, summary, set(), skip=frozenset({"year"}))
    return summary


def _walk(
    node: CommentedMap,
    model: type[BaseModel],
    path: FieldPath,
    rolling: bool,
    summary: Summary,
    seen: set[int],
    skip: frozenset[str] = frozenset(),
) -> None:
    """Roll, clear or carry each field of `node` (a `model`), then the models within."""
    if id(node) in seen:  # an alias of a node already rolled (&anchor / *alias)
        return
    seen.add(id(node))
    rolling = rolling and model not in RULES.not_rolled_in
    rolled = [n for n in model.model_fields if action(model, n, rolling) is Action.ROLL]
    for name in rolled:  # before anything is cleared: prior := actual
        old = RULES.rolled[name]
        if name in node or old in node:
            _roll(node, model, name, old, (*path, name), summary)
    for key in list(node):
        name = str(key)
        if name in skip or name in rolled or name not in model.model_fields:
            continue
        here = (*path, name)
        act = action(model, name, rolling)
        if act is Action.CLEAR:
            _clear(node, key, here, summary)
        else:
            _carry(node[key], model.model_fields[name], act, here, rolling, summary, seen)


def _roll(
    node: CommentedMap, model: type[BaseModel], new: str, old: str, path: FieldPath, s: Summary
) -> None:
    """`new` := `old` (prior := actual), or to fill when there is no figure to roll."""
    value, before = node.get(old), node.get(new)
    if new not in node:
        node.insert(_column_position(node, model, new), new, TO_FILL)
    if old in node and value is not None and not is_to_fill(value):
        node[new] = value
        _record(s, path, Action.ROLL, value)
    else:  # no figure to roll from: the prior-year figure is to fill
        node[new] = TO_FILL
        _record(s, path, Action.CLEAR, before)


def _column_position(node: CommentedMap, model: type[BaseModel], new: str) -> int:
    """Where a new `new` key goes: before the first amount column the model puts after it."""
    order = list(model.model_fields)
    for index, key in enumerate(node):
        info = model.model_fields.get(str(key))
        if info is not None and order.index(str(key)) > order.index(new) and _accepts_to_fill(info):
            return index
    return len(node)


def _clear(node: CommentedMap | CommentedSeq, key: Any, path: FieldPath, s: Summary) -> None:
    """Replace the value at `key` (or each text item of a list) by the to-fill marker."""
    value = node[key]
    if isinstance(value, CommentedSeq):
        if not value:
            return
        original = list(value)
        for index, item in enumerate(value):
            if not isinstance(item, CommentedMap | CommentedSeq):
                value[index] = TO_FILL
        _record(s, path, Action.CLEAR, original)
    elif not isinstance(value, CommentedMap):
        node[key] = TO_FILL
        _record(s, path, Action.CLEAR, value)


def _carry(
    value: Any,
    info: FieldInfo,
    act: Action,
    path: FieldPath,
    rolling: bool,
    summary: Summary,
    seen: set[int],
) -> None:
    """Carry `value` unchanged, walking into the models it holds (by key or by item)."""
    models = models_in(info.annotation)
    keyed = _is_dict(info.annotation)
    if models and isinstance(value, CommentedMap) and keyed:
        for key, item in value.items():
            _carry_item(item, models[0], (*path, str(key)), rolling, summary, seen)
    elif models and isinstance(value, CommentedMap):
        _walk(value, models[0], path, rolling, summary, seen)
    elif (
        models
        and isinstance(value, CommentedSeq)
        and any(isinstance(i, CommentedMap) for i in value)
    ):
        for index, item in enumerate(value):
            _carry_item(item, models[0], (*path, index), rolling, summary, seen)
    else:
        _record(summary, path, act, value)


def _carry_item(
    item: Any,
    model: type[BaseModel],
    path: FieldPath,
    rolling: bool,
    summary: Summary,
    seen: set[int],
) -> None:
    """One entry of a list or dict of `model`s: walked, or recorded as it stands."""
    if isinstance(item, CommentedMap):
        _walk(item, model, path, rolling, summary, seen)
    elif model is Section and isinstance(item, str):  # a section written as its text alone
        _record(summary, path, Action.REVIEW, item)
    else:
        _record(summary, path, Action.CARRY, item)


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?=\s*年)")
_EXPRESSION = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def _record(s: Summary, path: FieldPath, act: Action, value: Any) -> None:
    """Note what was done at `path`; for text to review, the past years it writes literally."""
    s.actions[path] = act
    if act is Action.ROLL:
        s.rolled.append(path)
    elif act is Action.CLEAR:
        s.cleared.append(path)
        s.originals[path] = value
    else:
        s.carried += 1
        if act is Action.REVIEW:
            s.review.append(path)
            text = _EXPRESSION.sub("", " ".join(_texts(value)))
            years = sorted({y for y in _YEAR.findall(text) if int(y) <= s.source_year})
            if years:
                s.old_years[path] = years


def _texts(value: Any) -> list[str]:
    """Every string in `value` (a string or nested lists of them)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    return []


# Merging into an existing target (`new --force`) -----------------------------------------


def _merge_text(text: str, year: int, existing: str) -> Rolled | None:
    """`existing` (the target) with the rules applied to what the writer left as copied.

    None when the target is not a mapping (nothing of the writer's to keep: roll afresh).
    """
    yaml = round_trip_yaml(existing)
    target = yaml.load(existing)
    if not isinstance(target, CommentedMap):
        return None
    source = round_trip_yaml(text).load(text)
    summary = Summary(int(source.get("year", year - 1)), year)
    target["year"] = year
    _merge(target, source, Year, (), True, summary, set(), skip=frozenset({"year"}))
    return _rolled(yaml, target, summary, existing)


def _merge(
    node: CommentedMap,
    source: Any,
    model: type[BaseModel],
    path: FieldPath,
    rolling: bool,
    summary: Summary,
    seen: set[int],
    skip: frozenset[str] = frozenset(),
) -> None:
    """Apply the rules to each field of `node` (the target's) that the writer left as in
    `source` (its counterpart in the source year, None for an item the writer added).

    Values reached through `<<:` count as the node's own; one to change is set on the node
    itself, so the mapping merged from stays as the writer wrote it.
    """
    if id(node) in seen:  # an alias of a node already merged
        return
    seen.add(id(node))
    if not isinstance(source, CommentedMap):  # the writer's own item: kept whole
        summary.kept.append(path)
        return
    rolling = rolling and model not in RULES.not_rolled_in
    rolled = [n for n in model.model_fields if action(model, n, rolling) is Action.ROLL]
    for name in rolled:
        _merge_roll(node, source, model, name, (*path, name), summary)
    for key in list(node):
        name = str(key)
        if name in skip or name in rolled or name not in model.model_fields:
            continue  # a key unknown to the model is the writer's: kept, `check` names it
        here, act = (*path, name), action(model, name, rolling)
        value, copied = node[key], key in source and _same(node[key], source[key])
        if act is Action.CLEAR:
            if isinstance(value, CommentedMap):
                continue
            if copied and not _all_to_fill(value):  # last year's value, copied: stale
                _clear(node, key, here, summary)
            elif _all_to_fill(value):
                _record(summary, here, Action.CLEAR, value)
            else:
                summary.kept.append(here)
            continue
        info = model.model_fields[name]
        if models_in(info.annotation) and isinstance(value, CommentedMap | CommentedSeq):
            _merge_inner(value, source.get(key), info, act, here, rolling, summary, seen)
        elif copied:
            _record(summary, here, act, value)
        else:
            summary.kept.append(here)


def _merge_roll(
    node: CommentedMap,
    source: CommentedMap,
    model: type[BaseModel],
    new: str,
    path: FieldPath,
    s: Summary,
) -> None:
    """`new` := the source's `old` (prior := actual), unless the writer wrote another value."""
    old = RULES.rolled[new]
    if old not in source and new not in source:
        return  # nothing to roll from: the target's value (if any) is the writer's
    figure = source.get(old)
    derived = figure if figure is not None and not is_to_fill(figure) else TO_FILL
    if new not in node:
        node.insert(_column_position(node, model, new), new, derived)
    value = node[new]
    untouched = (
        value is None
        or is_to_fill(value)
        or _same(value, derived)
        or (new in source and _same(value, source[new]))  # last year's prior, copied
    )
    if not untouched:
        s.conflicts.append(Conflict(path, _line_of(node, new), value, derived))
        return
    if not _same(value, derived):
        node[new] = derived
    _record(s, path, Action.ROLL if derived is not TO_FILL else Action.CLEAR, value)


def _merge_inner(
    value: CommentedMap | CommentedSeq,
    source: Any,
    info: FieldInfo,
    act: Action,
    path: FieldPath,
    rolling: bool,
    summary: Summary,
    seen: set[int],
) -> None:
    """The models within a carried field: each merged with its counterpart in `source`."""
    model = models_in(info.annotation)[0]
    if isinstance(value, CommentedMap) and _is_dict(info.annotation):
        pairs = [(str(k), item, _child(source, k)) for k, item in value.items()]
    elif isinstance(value, CommentedMap):
        _merge(value, source, model, path, rolling, summary, seen)
        return
    else:
        pairs = [(i, item, _counterpart_item(item, i, source)) for i, item in enumerate(value)]
    for part, item, counterpart in pairs:
        here = (*path, part)
        if isinstance(item, CommentedMap):
            _merge(item, counterpart, model, here, rolling, summary, seen)
        elif counterpart is not None and _same(item, counterpart):
            _record(summary, here, Action.REVIEW if model is Section else act, item)
        else:
            summary.kept.append(here)


def _child(source: Any, key: Any) -> Any:
    """`source[key]` when `source` is a mapping holding it, else None."""
    return source.get(key) if isinstance(source, CommentedMap) else None


def _counterpart_item(item: Any, index: int, source: Any) -> Any:
    """The source-year item a target list item came from: the one of the same name, or
    (for items without a name) the one at the same place; None if none or ambiguous."""
    if not isinstance(source, CommentedSeq):
        return None
    name = item.get("name") if isinstance(item, CommentedMap) else None
    if name is not None:
        same = [t for t in source if isinstance(t, CommentedMap) and t.get("name") == name]
        return same[0] if len(same) == 1 else None
    if index < len(source) and not (
        isinstance(source[index], CommentedMap) and "name" in source[index]
    ):
        return source[index]
    return None


def _line_of(node: CommentedMap, key: str) -> int | None:
    """The 1-based line of `key` in `node`; for a key merged in by `<<:`, the node's line."""
    try:
        return node.lc.key(key)[0] + 1
    except (AttributeError, KeyError, TypeError):
        line = getattr(getattr(node, "lc", None), "line", None)
        return None if line is None else line + 1


def _same(a: Any, b: Any) -> bool:
    """Whether two values are equal and print the same (true is not 1), lists item by item."""
    if isinstance(a, list) or isinstance(b, list):
        return (
            isinstance(a, list)
            and isinstance(b, list)
            and [str(x) for x in a] == [str(x) for x in b]
        )
    return a == b and str(a) == str(b)


def _all_to_fill(value: Any) -> bool:
    """Whether `value` (or every item of it) is the to-fill marker."""
    if isinstance(value, list):
        return all(is_to_fill(v) for v in value)
    return is_to_fill(value)


# Model introspection ----------------------------------------------------------------------


def _accepts_to_fill(info: FieldInfo) -> bool:
    """Whether the field's type accepts TO_FILL (an Amount, Count, Texts or marked field)."""
    return any(isinstance(m, ToFill) for m in info.metadata) or _has_to_fill(info.annotation)


def _has_to_fill(annotation: Any) -> bool:
    """Whether `annotation`, or a type of its union, is marked `ToFill`."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return any(isinstance(m, ToFill) for m in annotation.__metadata__)
    if origin in (typing.Union, types.UnionType):
        return any(_has_to_fill(arg) for arg in typing.get_args(annotation))
    return False


def _is_paragraphs(info: FieldInfo) -> bool:
    """Whether the field is writer narrative (`Paragraphs`)."""
    paragraphs = typing.get_args(Paragraphs)[1:]
    return bool(paragraphs) and list(info.metadata) == list(paragraphs)


def _is_dict(annotation: Any) -> bool:
    """Whether `annotation`, or a type of its union, is a dict (keys named by the writer)."""
    if typing.get_origin(annotation) is dict:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_dict(arg) for arg in typing.get_args(annotation))
    return False


# YAML round trip --------------------------------------------------------------------------


def round_trip_yaml(text: str = "") -> YAML:
    """A round-trip YAML that writes `text` back as it was: its indentation, quotes, width."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    mapping, sequence, offset = _indentation(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


_KEY = re.compile(r"^( *)[^\s#-][^#]*:\s*(#.*)?$")
_ITEM = re.compile(r"^( *)- ")
_LINE = re.compile(r"^( *)\S")


def _indentation(text: str) -> tuple[int, int, int]:
    """The block indentation `text` uses: (mapping, sequence, dash offset), by majority."""
    maps: Counter[int] = Counter()
    dashes: Counter[int] = Counter()
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for above, below in itertools.pairwise(lines):
        key = _KEY.match(above)
        if key is None:
            continue
        item, start = _ITEM.match(below), _LINE.match(below)
        depth = len(start.group(1)) - len(key.group(1)) if start else 0
        if item is not None and depth >= 0:
            dashes[depth] += 1
        elif depth > 0:
            maps[depth] += 1
    mapping = maps.most_common(1)[0][0] if maps else 2
    offset = dashes.most_common(1)[0][0] if dashes else 2
    return mapping, offset + 2, offset


def _locate(data: CommentedMap, summary: Summary) -> None:
    """Record the line in the new file of every field the summary lists."""
    for path in [*summary.rolled, *summary.cleared, *summary.review, *summary.kept]:
        node: Any = data
        line = None
        for part in path:
            try:
                lc = node.lc
                line = (lc.item(part) if isinstance(node, CommentedSeq) else lc.key(part))[0] + 1
                node = node[part]
            except (AttributeError, KeyError, IndexError, TypeError):
                break
        if line is not None:
            summary.lines[path] = line


# Reading the project (the only part of this module that touches files) --------------------


@frozen
class Plan:
    """One unit's new year file: where from, where to, and its text and summary."""

    unit: str
    source: Path
    target: Path
    rolled: Rolled


def plan_new(
    project: Project, units: list[str], source_year: int, year: int, force: bool = False
) -> list[Plan]:
    """The new files of `units`, all or none: ContentError if any source is invalid or any
    target exists (unless `force`: merged into it, or refused where that would overwrite
    a value the writer wrote)."""
    plans, findings = [], []
    for unit in units:
        source, target = project.year_file(unit, source_year), project.year_file(unit, year)
        try:
            load_unit_year(project, unit, source_year, to_fill=True)
        except ContentError as exc:
            findings += exc.findings
            continue
        existing = None
        if target.is_file() and not force:
            hint = say("new_exists_hint", source=source_year)
            findings.append(error(target, None, "", say("new_exists", path=target.name), hint))
            continue
        if target.is_file():
            try:
                load(target)  # readable YAML, or findings that say why not
            except ContentError as exc:
                findings += exc.findings
                continue
            existing = target.read_bytes().decode("utf-8-sig")
        text = source.read_bytes().decode("utf-8-sig")  # as written, line ends included
        rolled = roll_text(text, year, existing)
        findings += [_conflict_finding(target, source, c) for c in rolled.summary.conflicts]
        plans.append(Plan(unit, source, target, rolled))
    if findings:
        raise ContentError(findings)
    return plans


def _conflict_finding(target: Path, source: Path, c: Conflict) -> Finding:
    """The finding for a writer's value that re-rolling would overwrite."""
    value, derived = _as_written(c.value), _as_written(c.derived)
    return error(
        target,
        c.line,
        path_text(c.path),
        say("new_force_conflict", value=value, derived=derived, source=source.name),
        say("new_force_conflict_hint", source=source.name, marker=TO_FILL),
    )


def _as_written(value: Any) -> str:
    """A scalar as the YAML file writes it (760.00 stays 760.00, not 760.0)."""
    out = io.StringIO()
    round_trip_yaml().dump([value], out)
    return out.getvalue().strip().removeprefix("- ")
