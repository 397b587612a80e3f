"""Form declarations: an attached form or a table section as data (templates/<kind>/forms/*.yaml).

A declaration lists tables; a table lists its columns and its rows; a row is fixed cells,
cells repeated `each` item of a list, or cells repeated over the leaves of a `tree` (一级 /
二级 … levels, a cell merged over the rows of its level). A cell shows literal text — with
`{year}`, `{prior_year}`, `{level}`, `{unit_name}`, `{n}` or a dotted path `{row.name}` as
placeholders — or a figure read by a dotted path (`value: evaluation.funds.actual`) and
formatted one of a fixed set of ways. Paths read only the fields the sandbox's plain data
shows (see plain.py). The builder is `jixiao.forms.build`.
"""

from __future__ import annotations

import difflib
import string
from collections.abc import Iterator
from enum import StrEnum
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated

from pydantic import BeforeValidator, Field

from jixiao import patterns
from jixiao.errors import ContentError, Finding, error
from jixiao.loading import FieldPath, Source, load
from jixiao.messages import listing, say
from jixiao.model.common import Model, empty_dict, empty_list
from jixiao.render.grid import Align
from jixiao.validate import validate

FORMS_DIR = "forms"
"""The folder of a kind's form declarations."""
SHARED_DIR = "_forms"
"""The folder under templates/ of the declarations several kinds share."""

SCORE_READS = (
    "scores",
    *("official_card", "coverage", "institutions", "basic_data", "overall", "budget"),
    *("staffing", "key_projects"),
)
"""The year-file fields the 评分表 is computed from (its rates read them, compute.py)."""

ROOTS: dict[str, tuple[str, ...]] = {
    "year": (),
    "prior_year": (),
    "level": (),
    "unit_name": (),
    "unit": (),
    "contact": (),
    "staffing": ("staffing",),
    "basic": ("budget",),
    "projects": ("budget",),
    "income": ("income",),
    "basic_data": ("basic_data",),
    "evaluation": ("evaluation", "goals", "results", "overall", "budget", "institutions"),
    "key_projects": ("key_projects",),
    "key_total": ("key_projects",),
    "key_district": ("key_projects",),
    "institutions": ("institutions",),
    "scores": SCORE_READS,
    "targets": ("targets",),
    "goals": ("goals",),
    "adjusted_goals": ("adjusted_goals",),
    "results": ("results",),
    "profile": ("profile",),
    "evaluators": ("evaluators",),
}
"""The names a path starts with (docs/kinds.md lists their fields), each with the year-file
fields its figures come from (what a kind using the declaration reads, Kind.reads), besides
the names a declaration binds itself: an `each` item (`as`, default `row`), a tree level,
`bind`."""

PROJECT_ROOTS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "type": ("type",),
    "purpose": ("purpose",),
    "department": ("department",),
    "implementer": ("implementer",),
    "current": ("funds",),
    "carryover": ("funds",),
    "other": ("funds",),
    "funds": ("funds",),
    "district": ("district",),
    "evaluation": ("evaluation", "funds", "goals", "results"),
    "overview": ("overview",),
    "targets": ("targets", "evaluation"),
    "problems": ("problems",),
    "measures": ("measures",),
}
"""Each figure of a key project (compute.KeyProjectFigures) with the fields of the project in
the year file it comes from (model.year.KeyProject), as ROOTS is for the whole year file."""

EVALUATION_ROOTS: dict[str, tuple[str, ...]] = {
    "funds": ("funds",),
    "budget_points": ("evaluation",),
    "budget_score": ("evaluation", "funds"),
    "goals": ("goals",),
    "results": ("results",),
    "groups": ("evaluation",),
    "rows": ("evaluation",),
    "points_total": ("evaluation",),
    "score_total": ("evaluation", "funds"),
    "grade": ("evaluation", "funds"),
}
"""Each figure of a key project's evaluation (compute.EvaluationFigures) with the project's
fields it comes from: its 执行率 from `funds`, its scores from `evaluation` (compute.evaluate)."""

NAMES = ("year", "prior_year", "level", "unit_name", "n")
"""Placeholders every cell text may use besides dotted paths: 2023, 2022, 区级, the unit, the
row's number in its `each` or tree level."""


class Format(StrEnum):
    """How a figure is written in a cell."""

    AMOUNT = "amount"  # 万元 without trailing zeros: 12.5
    SCORE = "score"  # a score or points, as amounts: 9.5
    RATE = "rate"  # a ratio as a percent: 95.12%
    PERCENT = "percent"  # a number already in percent, no trailing zeros: 100%, 85.5%
    TEXT = "text"  # as written (a count, a name, an indicator value)
    LINES = "lines"  # a list, one paragraph each
    NUMBERED = "numbered"  # a list, one numbered paragraph each (`item` pattern)
    ITEMS = "items"  # one item as written, several numbered
    BASIS = "basis"  # a rate-scored 评分表 item: why it lost points (预算调整率5.60%)


class CellSpec(Model):
    """One cell: literal text or a figure, its spans, alignment and when it is written."""

    text: str | list[str] = Field("", title="文字", description="可用 {year} {level} {n} 或路径")
    first: str | list[str] | None = Field(None, title="首行文字", description="each 的第一行用")
    value: str | None = Field(None, title="数据路径", description="如 evaluation.funds.actual")
    format: Format = Field(Format.TEXT, title="格式")
    item: str = Field("{n}.{text}", title="编号样式", description="numbered 各项，可用 {n} {text}")
    blank: str = Field("", title="无数据时")
    otherwise: Annotated[CellSpec, BeforeValidator(_text_cell)] | None = Field(
        None, title="无数据时改用"
    )
    cols: int = Field(1, ge=1, title="跨列")
    rows: int = Field(1, ge=1, title="跨行")
    span_next: bool = Field(False, title="向下跨过下一行组的全部行")
    merge: str | None = Field(None, title="合并于层级", description="tree 的层级名")
    merge_same: bool = Field(
        False, title="相同则合并", description="逐项或树的行中，与上一行此格文字相同时纵向合并"
    )
    align: Align = Field(Align.CENTER, title="对齐")
    aligns: list[Align] = Field(default_factory=empty_list, title="各段对齐")
    when: str | None = Field(None, title="仅当路径有值")
    unless: str | None = Field(None, title="仅当路径无值")


def _text_cell(value: object) -> object:
    """A cell written as plain text is a cell of that text."""
    return {"text": value} if isinstance(value, str) else value


Cells = list[Annotated[CellSpec, BeforeValidator(_text_cell)]]


class ColumnSpec(Model):
    """A column: its heading, width, and the figure an `each` row writes in it."""

    label: str | list[str] = Field("", title="表头")
    width: float = Field(1.0, gt=0, title="宽度")
    value: str | None = Field(None, title="数据路径")
    text: str | list[str] = Field("", title="文字")
    first: str | list[str] | None = Field(None, title="首行文字")
    format: Format = Field(Format.TEXT, title="格式")
    blank: str = Field("", title="无数据时")
    align: Align = Field(Align.CENTER, title="对齐")

    def cell(self) -> CellSpec:
        """The cell an `each` row writes in this column."""
        return CellSpec(
            text=self.text,
            first=self.first,
            value=self.value,
            format=self.format,
            blank=self.blank,
            align=self.align,
        )


class Level(Model):
    """One level of a tree: the name its item has in a cell's paths, and the list it walks."""

    name: str = Field(title="层级名")
    each: str = Field("", title="子项字段", description="上一层的哪个字段列出本层；首层不写")


class RowSpec(Model):
    """Fixed cells, cells for `each` item of a list, or cells for each leaf of a `tree`."""

    cells: Cells | None = Field(None, title="单元格", description="省略时按列（columns）")
    labels: bool = Field(False, title="表头行", description="写各列的 label")
    each: str | list[str] | None = Field(None, title="逐项", description="列表的路径")
    name: str = Field("row", title="逐项时每项的名字", alias="as")
    start: int = Field(1, title="编号起始")
    tree: str | None = Field(None, title="树的路径", description="如 evaluation.groups")
    levels: list[Level] = Field(default_factory=empty_list, title="树的各层")
    when: str | list[str] | None = Field(None, title="仅当路径有值")


class TableSpec(Model):
    """One table: widths (or columns), rows, repeated header rows, font size."""

    include: str | None = Field(None, title="引用另一表单的表格")
    widths: list[float] = Field(default_factory=empty_list, title="列宽")
    columns: list[ColumnSpec] = Field(default_factory=empty_list, title="列")
    header_rows: int = Field(0, ge=0, title="跨页重复的表头行数")
    rows: list[RowSpec] = Field(default_factory=empty_list, title="行")
    when: str | list[str] | None = Field(None, title="仅当路径有值")

    @cached_property
    def column_cells(self) -> list[CellSpec]:
        """The cells a row without `cells` of its own writes, one a column (made once)."""
        return [column.cell() for column in self.columns]


class FormSpec(Model):
    """A form declaration: when it is shown, whether once per item, and its tables."""

    name: str = Field("", title="名称")
    when: str | list[str] | None = Field(None, title="仅当路径有值")
    each: str | None = Field(None, title="每项一份", description="如 key_projects")
    name_each: str = Field("item", title="每项的名字", alias="as")
    bind: dict[str, str] = Field(
        default_factory=empty_dict,
        title="每项另取的名字",
        description="如 evaluation: project.evaluation",
    )
    tables: list[TableSpec] = Field(title="表格")
    notes: list[str] = Field(
        default_factory=empty_list, title="表后注", description="kind.yaml 中附件未写 notes 时用"
    )


def form_file(templates: Path, kind: str, name: str) -> Path:
    """The declaration `name` of the kind: its own forms/ first, then templates/_forms/."""
    own = templates / kind / FORMS_DIR / f"{name}.yaml"
    return own if own.is_file() else templates / SHARED_DIR / f"{name}.yaml"


@cache
def _loaded(file: Path, stamp: float) -> tuple[FormSpec, Source]:
    source = load(file)
    findings = text_findings(source) + path_findings(source)
    try:
        spec = validate(source, FormSpec)
    except ContentError as exc:
        raise ContentError(exc.findings + findings) from None
    findings += [
        source.error(("tables", index), say("form_no_columns"), say("form_no_columns_hint"))
        for index, table in enumerate(spec.tables)
        if not (table.include or table.widths or table.columns)
    ]
    if findings:
        raise ContentError(findings)
    return spec, source


def load_form(
    templates: Path,
    kind: str,
    name: str,
    asked: Source | None = None,
    at: FieldPath = (),
    including: tuple[str, ...] = (),
) -> tuple[FormSpec, Source]:
    """The declaration `name` of `kind` and its file, validated once a process for each
    version of the file; ContentError at the line of `asked` that names it if there is none,
    or if it is one of the declarations `including` it (a table that includes itself)."""
    file = form_file(templates, kind, name)
    if not file.is_file() or name in including:
        if name in including:
            chain = " → ".join((*including[including.index(name) :], name))
            message, hint = say("form_include_loop", chain=chain), say("form_include_loop_hint")
        else:
            message, hint = say("form_unknown", form=name), say("form_unknown_hint", kind=kind)
        where = asked.error(at, message, hint) if asked else error(None, None, name, message, hint)
        raise ContentError([where])
    spec, source = _loaded(file, file.stat().st_mtime)
    for index, table in enumerate(spec.tables):
        if table.include:
            where = ("tables", index, "include")
            load_form(templates, kind, table.include, source, where, (*including, name))
    return spec, source


def form_paths(templates: Path, kind: str, name: str) -> frozenset[str]:
    """Every dotted path the declaration `name` of `kind` reads (values, conditions, lists,
    `bind`, cell-text placeholders), with those of the tables it includes."""
    spec, _source = load_form(templates, kind, name)
    found = set(_walked(form_file(templates, kind, name))[0])
    for table in spec.tables:
        if table.include:
            found |= form_paths(templates, kind, table.include)
    return frozenset(found)


def placeholders(pattern: str) -> list[str]:
    """The placeholder names of a cell text, in order (empty when it has none)."""
    return [name for _lit, name, _s, _c in string.Formatter().parse(pattern) if name is not None]


def text_findings(source: Source) -> list[Finding]:
    """Cell texts whose placeholders are neither a fixed name nor a dotted path, at their line."""
    found: list[Finding] = []

    def walk(node: object, path: FieldPath) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("text", "first", "label", "item"):
                    texts = value if isinstance(value, list) else [value]
                    for i, text in enumerate(texts):
                        sub = (*path, key, i) if isinstance(value, list) else (*path, key)
                        found.extend(_pattern_findings(source, sub, text, key == "item"))
                elif key == "cells" and isinstance(value, list):
                    for i, cell in enumerate(value):
                        if isinstance(cell, str):  # a cell written as its text
                            found.extend(_pattern_findings(source, (*path, key, i), cell, False))
                    walk(value, (*path, key))
                else:
                    walk(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*path, index))

    walk(source.data, ())
    return found


def _pattern_findings(source: Source, path: FieldPath, text: object, item: bool) -> list[Finding]:
    if not isinstance(text, str):
        return []
    allowed = ("n", "text") if item else NAMES
    try:
        names = placeholders(text)
    except ValueError:
        names = ["{"]
    wrong = [n for n in names if n not in allowed and not (not item and is_path(n))]
    if not wrong:
        return patterns.findings(source, path, text, (*allowed, *names)) if names else []
    return patterns.findings(source, path, text, allowed)


def is_path(name: str) -> bool:
    """Whether `name` is a dotted path of names (`row.name`, `projects.by_kind.专项资金`)."""
    return bool(name) and all(part.isidentifier() for part in name.split("."))


PATH_KEYS = ("value", "when", "unless", "each", "tree")
"""The fields of a declaration that hold paths (or lists of paths)."""


TEXT_KEYS = ("text", "first", "label", "item")
"""The fields of a declaration that hold cell texts (with placeholders)."""


def _paths(node: object, at: FieldPath = ()) -> Iterator[tuple[str, FieldPath]]:
    """Each path a declaration reads, with where: path fields, `bind` values and the dotted
    placeholders of its texts."""
    if isinstance(node, dict):
        for key, value in node.items():
            many = isinstance(value, list)
            values = value if many else [value]
            where = [(*at, key, i) if many else (*at, key) for i in range(len(values))]
            if key in PATH_KEYS and not (key == "each" and _is_level(at)):
                yield from zip(values, where, strict=True)
            elif key == "bind" and isinstance(value, dict):
                yield from ((path, (*at, key, name)) for name, path in value.items())
            elif key in TEXT_KEYS or key == "cells":
                for text, sub in zip(values, where, strict=True):
                    if isinstance(text, str):
                        yield from ((name, sub) for name in _text_paths(text))
                if key == "cells":
                    yield from _paths(value, (*at, key))
            else:
                yield from _paths(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*at, index))


def _text_paths(text: str) -> list[str]:
    """The dotted-path placeholders of a cell text (malformed ones are text_findings')."""
    try:
        return [name for name in placeholders(text) if "." in name and is_path(name)]
    except ValueError:
        return []


def path_findings(source: Source) -> list[Finding]:
    """Paths that start with a name neither jixiao gives a form nor the declaration binds, at
    their line, with the closest valid name."""
    bound = {"n", "row", "item", *_bound(source.data)}
    known = sorted({*ROOTS, *bound})
    found: list[Finding] = []
    for path, at in _paths(source.data):
        if not isinstance(path, str):
            continue
        head = path.split(".")[0]
        if is_path(path) and head in known:
            continue
        close = difflib.get_close_matches(head, known, n=1, cutoff=0.5)
        hint = say("form_name_unknown_hint", names=listing(known))
        if close:
            hint = say("form_name_unknown_close", close=close[0]) + " " + hint
        found.append(source.error(at, say("form_name_unknown", path=path), hint))
    return found


def reads(templates: Path, kind: str, name: str) -> frozenset[str]:
    """The year-file fields the declaration `name` of `kind` reads (with what it includes),
    from the names its paths start with; none for a declaration that does not load."""
    try:
        spec, _source = load_form(templates, kind, name)
    except ContentError:
        return frozenset()
    paths, bound = _walked(form_file(templates, kind, name))
    heads = {path.split(".")[0] for path in paths} - {"n", "row", "item", *bound}
    fields = {field for head in heads for field in ROOTS.get(head, ())}
    for table in spec.tables:
        if table.include:
            fields |= reads(templates, kind, table.include)
    return frozenset(fields)


def project_reads(templates: Path, kind: str, name: str) -> frozenset[str] | None:
    """The fields of each key project (model.year.KeyProject) the declaration `name` of
    `kind` reads, when it reads projects one at a time through its own `each: key_projects`
    item (and the names `bind` gives parts of it), in its tables and those it includes;
    None when it reads key projects some other way (a row's `each`, the totals, the 评分表),
    reads a whole project, or a figure PROJECT_ROOTS does not list. Empty when it reads none."""
    spec, _source = load_form(templates, kind, name)
    if "key_projects" not in reads(templates, kind, name):
        return frozenset()
    if spec.each != "key_projects":
        return None
    item = spec.name_each
    aliases = {alias: path.split(".") for alias, path in spec.bind.items()}
    paths, bound = _declared(templates, kind, name)
    fields: set[str] = set()
    for path in paths:
        head, *rest = path.split(".")
        if head in aliases:
            head, rest = aliases[head][0], aliases[head][1:] + rest
        if head != item:
            if head in {"n", "row", "item", *bound}:
                continue  # an item of a list whose path is read too
            if "key_projects" in ROOTS.get(head, ()):
                return None
            continue
        found = _project_fields(rest)
        if found is None:
            return None
        fields |= found
    return frozenset(fields)


def _project_fields(steps: list[str]) -> frozenset[str] | None:
    """The key-project fields the figure at `steps` under a project comes from, or None for
    the whole project or a figure not listed."""
    if not steps:
        return None
    if steps[0] == "evaluation" and len(steps) > 1:
        found = EVALUATION_ROOTS.get(steps[1])
    else:
        found = PROJECT_ROOTS.get(steps[0])
    return frozenset(found) if found is not None else None


def _declared(
    templates: Path, kind: str, name: str, included: bool = False
) -> tuple[set[str], set[str]]:
    """The paths the tables of the declaration `name` read (with its `when`, but not its own
    `each` and `bind`), with those of the tables it includes, and the names they bind: an
    included table is built in the scope of the declaration that includes it."""
    spec, source = load_form(templates, kind, name)
    skipped = ("each", "bind", "when") if included else ("each", "bind")
    paths = {str(path) for path, at in _paths(source.data) if at[:1] and at[0] not in skipped}
    bound = _bound(source.data)
    for table in spec.tables:
        if table.include:
            more, names = _declared(templates, kind, table.include, included=True)
            paths, bound = paths | more, bound | names
    return paths, bound


def _walked(file: Path) -> tuple[frozenset[str], frozenset[str]]:
    """The paths a loaded declaration file reads and the names it binds (which shadow the
    roots of the same name), walked once a process for each version of the file."""
    return _walk(file, file.stat().st_mtime)


@cache
def _walk(file: Path, _stamp: float) -> tuple[frozenset[str], frozenset[str]]:
    data = _loaded(file, _stamp)[1].data
    return frozenset(str(path) for path, _at in _paths(data)), frozenset(_bound(data))


def _is_level(at: FieldPath) -> bool:
    """Whether the node at `at` is a tree level (its `each` names a field, not a path)."""
    return len(at) >= 2 and at[-2] == "levels"


def _bound(node: object) -> set[str]:
    """The names a declaration binds: `as`, tree level names, `bind` keys."""
    names: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "as" and isinstance(value, str):
                names.add(value)
            elif key == "levels" and isinstance(value, list):
                names.update(v["name"] for v in value if isinstance(v, dict) and "name" in v)
            elif key == "bind" and isinstance(value, dict):
                names.update(str(k) for k in value)
            names.update(_bound(value))
    elif isinstance(node, list):
        for value in node:
            names.update(_bound(value))
    return names
