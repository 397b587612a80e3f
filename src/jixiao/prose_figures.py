"""Figures typed in prose, read with the words that name them, against the computed ones.

A writer who types “公用支出334.41万元” instead of `{{ basic.public.actual | wan }}` may type
it wrong. Each number typed in writer text (an amount in 万元 or 元, a percent, a count, a
score) is read with the clause before it; one label table (labels/figures.yaml, to which a
kind's own figures.yaml may add words) says which computed figure those words mean. The
number then agrees with the figure, or it does not, or its words name no known figure.

Agreement is judged at the precision the writer typed: the figure, rounded half up to as
many decimals as the typed number has, must equal it (525 for 525.01 agrees, 524.78 does
not; 85.7% for 103.448…% does not). Words that can mean several figures (预算数: 全年预算 or
年初预算) agree with any of them; a disagreement names the first.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from jixiao.compute import Figures
from jixiao.formatting import num, round_half_up, wan
from jixiao.frozen import frozen
from jixiao.loading import FieldPath, load
from jixiao.model.common import empty_dict, empty_list
from jixiao.validate import validate

TABLE = Path(__file__).with_name("labels") / "figures.yaml"
KIND_TABLE = "figures.yaml"
"""A kind's additions to the label table: templates/<kind>/figures.yaml."""

EXPRESSION = re.compile(r"{{.*?}}|{%.*?%}", re.S)
_NUMBER = re.compile(r"(?<![\d.,A-Za-z])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\d])")
_APPROXIMATE_BEFORE = ("约", "近", "逾", "超过", "第", "共计约")
_APPROXIMATE_AFTER = re.compile(r"^(?:余|多)")
_APPROXIMATE_TAIL = re.compile(r"^(?:以上|以下|左右|余|多)")
_SENTENCE_END = "。；;！!？?\n"
_CLAUSE_END = "，,、：:（(；;"
_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』《》 \u3000")
_AMOUNT_STOP = "，,。；;、）)：:！!？? \n"

_MAX_DIGITS = 15
"""The most digits a typed number read as a figure has (amounts are below 10¹² 万元)."""

Measure = Literal["amount", "percent", "count", "score", "any"]


def literal(raw: str) -> str:
    """Writer text with its {{ … }} and {% … %} expressions blanked out (same length)."""
    return EXPRESSION.sub(lambda m: " " * len(m.group()), raw)


# The label table -------------------------------------------------------------------------------


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: str = Field("", title="名称（提示中使用）")
    labels: list[str] = Field(default_factory=empty_list, title="写法")


def _as_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else (value,)


class SubjectEntry(_Entry):
    """What has a line of figures, by the names writers give it."""

    figure: tuple[str, ...] = Field(title="数字（{{ }} 中的名字）")
    also: dict[str, str] = Field(
        default_factory=empty_dict,
        title="在某字段的文字中也可指",
        description="如 {key_sections: key_total}",
    )
    _tuple = field_validator("figure", mode="before")(_as_tuple)


class ColumnEntry(_Entry):
    """Which figure of a subject's line the words ask for."""

    column: tuple[str, ...] = Field(title="栏目")
    measure: Measure = Field("amount", title="数字的类别")
    otherwise: str | None = Field(None, title="句中未写主体时的主体")
    _tuple = field_validator("column", mode="before")(_as_tuple)


class FigureEntry(_Entry):
    """A figure named by words of its own (在职人员, 财政供养人员控制率)."""

    figure: tuple[str, ...] = Field(title="数字（{{ }} 中的名字）")
    measure: Measure = Field("count", title="数字的类别")
    unit: str = Field("", title="计量单位（人、个……；空为不限）")
    _tuple = field_validator("figure", mode="before")(_as_tuple)


class LabelTable(BaseModel):
    """The words of prose figures (labels/figures.yaml, and a kind's additions)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    units: dict[str, list[str]] = Field(default_factory=empty_dict, title="计量单位")
    subjects: list[SubjectEntry] = Field(default_factory=empty_list, title="主体")
    columns: list[ColumnEntry] = Field(default_factory=empty_list, title="栏目")
    default_column: str = Field("actual", title="未写栏目时的栏目")
    figures: list[FigureEntry] = Field(default_factory=empty_list, title="单独的数字")
    ignore: list[str] = Field(default_factory=empty_list, title="表示差额、比较的词")

    def merged(self, other: LabelTable) -> LabelTable:
        """This table with `other`'s words added (entries of the same figure share words)."""

        def join(mine: list[Any], theirs: list[Any], key: str) -> list[Any]:
            out = {getattr(e, key): e for e in mine}
            for entry in theirs:
                known = out.get(getattr(entry, key))
                out[getattr(entry, key)] = (
                    entry
                    if known is None
                    else known.model_copy(update={"labels": [*known.labels, *entry.labels]})
                )
            return list(out.values())

        units = {k: [*self.units.get(k, []), *v] for k, v in other.units.items()}
        return LabelTable(
            units={**self.units, **units},
            subjects=join(self.subjects, other.subjects, "figure"),
            columns=join(self.columns, other.columns, "column"),
            default_column=self.default_column,
            figures=join(self.figures, other.figures, "figure"),
            ignore=[*self.ignore, *other.ignore],
        )


@functools.lru_cache(maxsize=32)
def _table_file(path: Path, stamp: float) -> LabelTable:
    return validate(load(path), LabelTable)


def label_table(kind_folders: Iterable[Path] = ()) -> LabelTable:
    """The shared label table with the words of each kind folder's figures.yaml added;
    ContentError (at the file's line) when one is not a valid table."""
    table = _table_file(TABLE, TABLE.stat().st_mtime)
    for folder in kind_folders:
        path = folder / KIND_TABLE
        if path.is_file():
            table = table.merged(_table_file(path, path.stat().st_mtime))
    return table


# Figures a label can mean -----------------------------------------------------------------------


@frozen
class Figure:
    """A computed figure as a reference prints it: its expression, value, measure and name."""

    expression: str
    value: Decimal  # in the shown unit: 万元, percent points, persons, points
    measure: Measure
    name: str
    unit: str = ""  # a count's unit (人), when only that unit means it

    def shown(self) -> str:
        """The figure as the suggested reference prints it."""
        if self.measure == "amount":
            return wan(self.value)
        if self.measure == "percent":
            return f"{num(self.value)}%"
        return num(self.value)

    def reference(self, typed: Typed | None = None) -> str:
        """The `{{ … }}` that prints the figure (as precise as `typed`, if given, in 万元)."""
        places = None if typed is None or typed.unit == "元" else typed.places
        if self.expression.endswith(".text"):  # an indicator's value, printed as written
            return f"{{{{ {self.expression} }}}}"
        if self.measure == "amount":
            if places is None or places == 2:
                return f"{{{{ {self.expression} | wan }}}}"
            if num(self.value).count(".") == 0 and places == 0:
                return f"{{{{ {self.expression} | num }}}}"
            return f"{{{{ {self.expression} | num({places}) }}}}"
        if self.measure == "percent":
            suffix = "" if places is None or places == 2 else f"({places})"
            return f"{{{{ {self.expression} | pct{suffix} }}}}"
        if self.measure == "score":
            return f"{{{{ {self.expression} | num }}}}"
        return f"{{{{ {self.expression} }}}}"


_PART = re.compile(r"\.?([A-Za-z_]\w*)|\[(\d+)\]")


def resolve(names: Mapping[str, Any], expression: str) -> Any:
    """The value of a dotted expression (`projects.groups[0].actual`) among `names`, or None."""
    value: Any = names
    for match in _PART.finditer(expression):
        attr, index = match.groups()
        if value is None:
            return None
        if index is not None:
            try:
                value = value[int(index)]
            except (IndexError, TypeError, KeyError):
                return None
        elif isinstance(value, Mapping):
            value = value.get(attr)
        else:
            value = getattr(value, attr, None)
    return value


def _figure(
    names: Mapping[str, Any], expression: str, measure: Measure, name: str, unit: str = ""
) -> Figure | None:
    """The figure at `expression` if it is given and a number of `measure`."""
    value = resolve(names, expression)
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        return None
    if measure == "percent":
        value = Decimal(value) * 100
    return Figure(expression, Decimal(value), measure, name, unit)


@frozen
class _Subject:
    """A subject found in text: the expressions of its line(s), its name; or an indicator."""

    expressions: tuple[str, ...]
    name: str
    indicator: bool = False
    also: tuple[tuple[str, str], ...] = ()  # (top-level field, figure) it may mean there too

    def within(self, path: FieldPath) -> _Subject:
        """The subject as the text at `path` means it: its `also` figures there first."""
        extra = tuple(figure for field, figure in self.also if path[:1] == (field,))
        return _Subject((*extra, *self.expressions), self.name, self.indicator) if extra else self


def _dynamic_subjects(figures: Figures) -> dict[str, _Subject]:
    """Subjects named by the content: project groups, projects, key projects, indicators."""
    found: dict[str, _Subject] = {}
    for g, group in enumerate(figures.projects.groups if figures.projects else []):
        for p, project in enumerate(group.projects):
            found.setdefault(
                project.name, _Subject((f"projects.groups[{g}].projects[{p}]",), project.name)
            )
        found[group.name] = _Subject((f"projects.groups[{g}]",), group.name)
    for k, key in enumerate(figures.key_projects):
        found.setdefault(key.name, _Subject((f"key_projects[{k}].funds",), key.name))
    evaluations = [("evaluation", figures.evaluation)] + [
        (f"key_projects[{k}].evaluation", key.evaluation)
        for k, key in enumerate(figures.key_projects)
    ]
    for prefix, evaluation in evaluations:
        for r, row in enumerate(evaluation.rows if evaluation else []):
            name = row.indicator.name.translate(_QUOTES)
            known = found.get(name)
            expression = f"{prefix}.rows[{r}].indicator"
            if known is None or not known.indicator:
                found.setdefault(name, _Subject((expression,), row.indicator.name, True))
            else:
                found[name] = _Subject((*known.expressions, expression), known.name, True)
    return found


def _indicator_figure(
    names: Mapping[str, Any], expression: str, column: str, name: str
) -> Figure | None:
    """An indicator's 实际完成值 (or 年度指标值) as a figure, when it is a number."""
    measure_value = resolve(names, f"{expression}.{'target' if column == 'target' else 'actual'}")
    number = getattr(measure_value, "number", None)
    if number is None:
        return None
    unit = getattr(measure_value, "unit", "") or ""
    kind: Measure = (
        "percent" if unit in ("%", "％") else "amount" if unit in ("万元", "万") else "count"
    )
    field = "target" if column == "target" else "actual"
    return Figure(f"{expression}.{field}.text", number, kind, name, "" if kind != "count" else unit)


# Reading text ----------------------------------------------------------------------------------


@frozen
class Typed:
    """A number as typed in text: its value, decimals, measure, unit and position."""

    written: str  # as typed, with its unit: 334.41万元
    value: Decimal
    places: int
    measure: Measure
    unit: str
    start: int
    end: int


@frozen
class Reading:
    """A typed number, the words before it, the figures they can mean, the one it agrees with."""

    typed: Typed
    label: str
    figures: tuple[Figure, ...]
    agreed: Figure | None

    @property
    def differs(self) -> bool:
        """Its words name a figure and it agrees with none they can mean."""
        return bool(self.figures) and self.agreed is None


class Reader:
    """Reads the typed numbers of writer texts against one unit-year's figures."""

    def __init__(self, table: LabelTable, figures: Figures, names: Mapping[str, Any]) -> None:
        self.table, self.figures, self.names = table, figures, names
        self.units = sorted(
            ((word, kind) for kind, words in table.units.items() for word in words),
            key=lambda item: -len(item[0]),
        )
        words: dict[str, tuple[str, Any]] = {}
        for word in table.ignore:
            words[word] = ("ignore", None)
        for entry in table.figures:
            for word in entry.labels:
                words[word.translate(_QUOTES)] = ("figure", entry)
        for column in table.columns:
            for word in column.labels:
                words[word.translate(_QUOTES)] = ("column", column)
        for subject in table.subjects:
            for word in subject.labels:
                words[word.translate(_QUOTES)] = (
                    "subject",
                    _Subject(
                        subject.figure, subject.name or word, also=tuple(subject.also.items())
                    ),
                )
        for word, dynamic in _dynamic_subjects(figures).items():
            if word and not word.isdigit():
                words.setdefault(word, ("subject", dynamic))
        self.words = words
        ordered = sorted(words, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        self.default_column = next(
            (c for c in table.columns if table.default_column in c.column), None
        )

    def typed_numbers(self, raw: str) -> Iterator[tuple[Typed, str, str]]:
        """Each number typed in `raw` outside {{ … }}, with its clause and sentence before."""
        text = literal(raw)
        bounds = [m.end() for m in EXPRESSION.finditer(raw)]
        last_end = 0
        for match in _NUMBER.finditer(text):
            typed = self._typed(text, match)
            start = match.start()
            sentence_start = max(text.rfind(c, 0, start) for c in _SENTENCE_END) + 1
            segment_start = max([sentence_start, last_end, *(b for b in bounds if b <= start)])
            last_end = typed.end if typed is not None else match.end()
            if typed is None or typed.measure == "year":
                continue
            segment = text[segment_start:start]
            if segment.endswith(_APPROXIMATE_BEFORE):  # 约100万元, 第8年
                continue
            clause_start = max(segment.rfind(c) for c in _CLAUSE_END) + 1
            clause = segment[clause_start:].translate(_QUOTES)
            before = text[sentence_start : segment_start + clause_start].translate(_QUOTES)
            yield typed, clause, before

    def _typed(self, text: str, match: re.Match[str]) -> Typed | None:
        """The number at `match` with its unit, or None when it is approximate or has none."""
        after = text[match.end() :]
        if _APPROXIMATE_AFTER.match(after):
            return None
        for word, kind in self.units:
            if not after.startswith(word):
                continue
            rest = after[len(word) :]
            if word == "万" and rest[:1] and rest[:1] not in _AMOUNT_STOP:
                return None  # 19万人, 3万余次: not an amount in 万元
            if _APPROXIMATE_TAIL.match(rest):
                return None
            whole, decimals = match.group(1).replace(",", ""), match.group(2) or ""
            if len(whole) + len(decimals) > _MAX_DIGITS:
                return None  # a serial number or a slip, not a figure (and beyond rounding)
            value = Decimal(f"{whole}.{decimals}" if decimals else whole)
            measure = "amount" if kind == "yuan" else kind
            return Typed(
                written=match.group() + word,
                value=value / 10000 if kind == "yuan" else value,
                places=len(decimals) + (4 if kind == "yuan" else 0),
                measure=measure,  # type: ignore[arg-type]
                unit=word,
                start=match.start(),
                end=match.end() + len(word),
            )
        return None

    def _found(self, text: str) -> list[tuple[str, Any]]:
        """The table's words in `text`, longest first where they overlap, in text order."""
        if self.pattern is None:
            return []
        return [self.words[m.group()] for m in self.pattern.finditer(text)]

    def meanings(self, typed: Typed, clause: str, before: str, path: FieldPath) -> list[Figure]:
        """The figures the clause before a typed number (in the text at `path`) can mean,
        most likely first."""
        own = own_subject(path)
        found = self._found(clause)
        if any(kind == "ignore" for kind, _ in found):
            return []
        columns = [entry for kind, entry in found if kind == "column"]
        subjects = [entry for kind, entry in found if kind == "subject"]
        singles = [entry for kind, entry in found if kind == "figure"]
        out: list[Figure] = []
        column = columns[-1] if columns else None
        if subjects:
            out += self._line_figures(subjects[-1].within(path), column or self.default_column)
        elif column is not None:
            earlier = [entry for kind, entry in self._found(before) if kind == "subject"]
            chosen = [earlier[-1].within(path)] if earlier else []
            if own:
                chosen.append(_Subject(own, ""))
            if column.otherwise:
                chosen.append(_Subject((column.otherwise,), ""))
            for subject in chosen:
                out += self._line_figures(subject, column)
        for single in singles:
            for expression in single.figure:
                figure = _figure(self.names, expression, single.measure, single.name, single.unit)
                if figure is not None:
                    out.append(figure)
                    break
        unique: dict[str, Figure] = {}
        for figure in out:
            if _fits(figure, typed):
                unique.setdefault(figure.expression, figure)
        return list(unique.values())

    def _line_figures(self, subject: _Subject, column: ColumnEntry | None) -> list[Figure]:
        if column is None:
            return []
        out = []
        for attr in column.column:
            for expression in subject.expressions:
                if subject.indicator:
                    figure = _indicator_figure(self.names, expression, attr, subject.name)
                else:
                    name = f"{subject.name}{column.name}" if subject.name else column.name
                    flat = isinstance(resolve(self.names, expression), Decimal)
                    if flat and attr != self.table.default_column:
                        continue  # a figure with no line (汇总 支出): only its 执行数
                    at = expression if flat else f"{expression}.{attr}"
                    figure = _figure(self.names, at, column.measure, name)
                if figure is not None:
                    out.append(figure)
        return out

    def read(self, raw: str, path: FieldPath) -> list[Reading]:
        """Every typed number of one text, with what its words mean and whether it agrees."""
        readings = []
        for typed, clause, before in self.typed_numbers(raw):
            figures = tuple(self.meanings(typed, clause, before, path))
            agreed = next((f for f in figures if agrees(typed, f)), None)
            readings.append(Reading(typed, clause, figures, agreed))
        return readings


def _fits(figure: Figure, typed: Typed) -> bool:
    """Whether a number typed with this unit can be the figure."""
    if figure.measure == "any" or typed.measure == figure.measure:
        return not figure.unit or figure.unit == typed.unit
    return False


def agrees(typed: Typed, figure: Figure) -> bool:
    """The figure rounded half up to the decimals typed equals the typed number."""
    value = figure.value
    places = typed.places
    return round_half_up(value, places) == round_half_up(typed.value, places)


def own_subject(path: FieldPath) -> tuple[str, ...]:
    """The subject a text is about by where it is written (基本支出's text, a group's text)."""
    if path[:2] == ("budget", "basic"):
        return ("basic",)
    if path[:3] == ("budget", "projects", "groups") and len(path) > 3:
        return (f"projects.groups[{path[3]}]",)
    if path[:1] == ("key_projects",) and len(path) > 1:
        return (f"key_projects[{path[1]}].funds",)
    return ()


__all__ = ["Figure", "LabelTable", "Reader", "Reading", "Typed", "label_table", "literal"]
