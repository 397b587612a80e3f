"""`jixiao init`: a new unit's unit.yaml and year file, every field present and commented.

The fields, their order, Chinese titles and descriptions come from the JSON Schema of the
content model (schema.py), so the scaffold follows the model as it changes. Required
values are written as the to-fill marker (待填); the kind decides which sections appear.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML

from jixiao.errors import ContentError, error
from jixiao.kinds import Kind, Layout, WhenEmpty, load_kind
from jixiao.messages import say
from jixiao.model import Unit, Year
from jixiao.model.common import TO_FILL
from jixiao.model.indicators import FORM_COLUMNS
from jixiao.output import NAME_BYTES, name_problem, write_atomic
from jixiao.schema import modeline, schema

if TYPE_CHECKING:  # init reads the kinds' settings, and imports nothing that renders
    from jixiao.folder import Project

UNIT_NAME = re.compile(r'[^\s./\\:*?"<>|][^\s/\\:*?"<>|]*')
_PLAIN = re.compile(r"[\w\u3000-\u303f\u4e00-\u9fff\uff00-\uffef-]+")
_HEADERS = {
    "unit": [
        "单位基本信息：很少变化的内容。每年的数字和文字在 <年度>.yaml 中。",
        f"由 jixiao init 生成：标有“{TO_FILL}”的必填，其余可选字段不需要时可删去。",
    ],
    "year": [
        "{year} 年度内容：人员、预算支出、项目、绩效指标和各章节正文。金额单位：万元。",
        f"由 jixiao init 生成：标有“{TO_FILL}”的必填；空着的可选字段不需要时可删去。",
        "正文中的数字用 {{ … }} 引用计算结果，可用的名字见 docs/content.md。",
    ],
}


@dataclass
class Entry:
    """One key of a mapping or item of a list being written: its value and comment."""

    key: str | None
    value: Any
    comment: str = ""
    commented_out: bool = False
    example_commented_out: bool = False
    """For a list of mappings: `[]`, with its example item below as comment lines."""


class _Schema:
    """Reads a pydantic JSON Schema: references, alternatives, titles for comments."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.defs: dict[str, Any] = body.get("$defs", {})
        self.root = body

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """The definition a `$ref` points to, or the node itself."""
        ref = node.get("$ref")
        return self.defs[ref.rsplit("/", 1)[-1]] if ref else node

    def options(self, node: dict[str, Any]) -> list[dict[str, Any]]:
        """The alternatives a value may take, references resolved; null and 待填 left out."""
        if "anyOf" in node:
            return [o for choice in node["anyOf"] for o in self.options(choice)]
        node = self.resolve(node)
        if node.get("type") == "null" or node.get("const") == TO_FILL:
            return []
        return [node]

    def nullable(self, node: dict[str, Any]) -> bool:
        """Whether the value may be left empty (null)."""
        if "anyOf" in node:
            return any(self.nullable(choice) for choice in node["anyOf"])
        return self.resolve(node).get("type") == "null"

    def comment(self, node: dict[str, Any]) -> str:
        """The Chinese title, description and choices of a field, for its line's comment."""
        text = node.get("title", "")
        if node.get("description"):
            text += "。" + node["description"]
        choices = [o["enum"] for o in self.options(node) if "enum" in o]
        if choices:
            text += "（可选：" + "、".join(map(str, choices[0])) + "）"
        return text

    def mapping(self, node: dict[str, Any], seen: tuple[str, ...] = ()) -> list[Entry]:
        """Every property of an object schema, with a value to start from."""
        required = set(node.get("required", []))
        return [
            Entry(key, self.value(prop, key in required, seen), self.comment(prop))
            for key, prop in node.get("properties", {}).items()
        ]

    def value(self, node: dict[str, Any], required: bool, seen: tuple[str, ...]) -> Any:
        """A starting value: nested fields for an object, else the default, else 待填 or empty."""
        options = self.options(node)
        for option in options:
            title = option.get("title", "")
            if "properties" in option and title not in seen:
                return self.mapping(option, (*seen, title))
        if "default" in node:
            default = node["default"]
            return Decimal(default) if _is_number_text(default, options) else default
        if self.nullable(node) and not required:
            return None  # such as 正文, which may be empty, one text or a list
        for option in options:
            if option.get("type") == "array":
                item = self.resolve(option.get("items", {}))
                title = item.get("title", "")
                if "properties" in item and title not in seen:
                    return [Entry(None, self.mapping(item, (*seen, title)))]
                return []
            if option.get("type") == "object":
                return {}
        return TO_FILL if required else None


def _is_number_text(value: object, options: list[dict[str, Any]]) -> bool:
    """Whether a default is a Decimal that pydantic wrote as text ('10' for 预算执行率分值)."""
    return isinstance(value, str) and any(o.get("type") == "number" for o in options)


def _scalar(value: Any) -> str:
    """`value` as YAML on one line: empty for null, quoted when plain text would read otherwise."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dict):  # a JSON object is a YAML flow mapping
        return json.dumps(value, ensure_ascii=False, default=str)
    text = str(value)
    return text if _reads_back(text) else json.dumps(text, ensure_ascii=False)


def _reads_back(text: str) -> bool:
    """Whether `text` written plain reads back as the same string (not 1e3, true, null …)."""
    if not _PLAIN.fullmatch(text):
        return False
    return YAML(typ="safe", pure=True).load(f"k: {text}") == {"k": text}


def _line(prefix: str, text: str, comment: str) -> str:
    """One YAML line, its comment (on one line) after the code."""
    code = f"{prefix}{text}".rstrip()
    return f"{code}  # {' '.join(comment.split())}" if comment else code


def emit(entries: list[Entry], indent: int = 0) -> list[str]:
    """YAML lines for `entries`, nested mappings and lists of mappings in block style."""
    lines: list[str] = []
    pad = " " * indent
    for entry in entries:
        if entry.commented_out:
            live = emit([Entry(entry.key, entry.value, entry.comment)], indent)
            lines += [f"{pad}# {line[indent:]}" for line in live]
            continue
        head = f"{pad}{entry.key}:"
        if isinstance(entry.value, list) and entry.value and isinstance(entry.value[0], Entry):
            if entry.value[0].key is None:  # a list of mappings: one item to copy
                hidden = entry.example_commented_out
                lines.append(_line(head + " ", "[]" if hidden else "", entry.comment))
                mark = "# " if hidden else ""
                for item in entry.value:
                    inner = emit(item.value, indent + 4)
                    lines.append(f"{pad}  {mark}- {inner[0].lstrip()}")
                    lines += [f"{pad}  {mark}{line[indent + 2 :]}" for line in inner[1:]]
            else:
                lines.append(_line(head, "", entry.comment))
                lines += emit(entry.value, indent + 2)
        else:
            lines.append(_line(head + " ", _scalar(entry.value), entry.comment))
    return lines


def _replace(entries: list[Entry], key: str, value: Any) -> None:
    """Give the entry `key` the starting value `value`."""
    for entry in entries:
        if entry.key == key:
            entry.value = value


def unit_text(kinds: list[Kind]) -> str:
    """unit.yaml for a new unit rendered as `kinds`: the contact only if a kind prints it."""
    reader = _Schema(schema("unit"))
    entries = reader.mapping(reader.root)
    profile = any(s.layout is Layout.PROFILE for k in kinds for s in k.settings.sections)
    if not profile and not any(k.prints("contact") for k in kinds):  # only some forms print it
        entries = [e for e in entries if e.key != "contact"]
    if not any(k.prints("finance_office") for k in kinds):
        entries = [e for e in entries if e.key != "finance_office"]
    _replace(entries, "kinds", [k.name for k in kinds])
    _replace(entries, "institutions", [])  # listed when the text counts them
    _settle(entries, Unit)
    return _document("unit", entries, {})


def year_text(kinds: list[Kind], year: int) -> str:
    """<year>.yaml for a new unit: the fields `kinds` read (Kind.reads), their sections in order."""
    reader = _Schema(schema("year"))
    reads = set().union(*(k.reads for k in kinds))
    if not any(k.settings.closing for k in kinds):
        reads.discard("closing")  # optional: a writer adds it when the report ends with one
    entries = [e for e in reader.mapping(reader.root) if e.key in reads]
    _only_project_fields(entries, kinds)
    _replace(entries, "year", year)
    section = reader.defs["Section"]
    for field in ("sections", "key_sections"):
        chosen = [k for k in kinds if k.settings.sections_field == field]
        sections: dict[str, Entry] = {}
        for kind in chosen:
            for spec in kind.settings.sections:
                if spec.key in sections:
                    continue
                body = reader.mapping(section, ("Section",))
                _replace(body, "text", TO_FILL)
                omitted = spec.when_empty is WhenEmpty.OMIT
                if spec.layout is Layout.GENERAL_BUDGET:  # its text comes from budget:
                    body = [e for e in body if e.key == "title"]
                elif omitted:  # present only when there is something to say
                    body = [e for e in body if e.key in ("title", "text")]
                empty = "无内容时省略，需要时删去行首的 #" if omitted else "无内容时写“无”"
                comment = f"{spec.title}（{kind.settings.name}；{empty}）"
                sections[spec.key] = Entry(spec.key, body, comment, omitted)
        _replace(entries, field, list(sections.values()) or {})
    _national_weights(entries, kinds)
    _weigh_examples(entries)
    unprinted = {c for c in FORM_COLUMNS if not any(k.prints(c) for k in kinds)}
    _drop_indicator_fields(entries, unprinted)
    _settle(entries, Year)
    return _document("year", entries, {"year": year})


def _only_project_fields(entries: list[Entry], kinds: list[Kind]) -> None:
    """Keep in the example key project only the fields `kinds` read, when each kind that
    reads key projects says which (Kind.project_reads)."""
    reading = [k.project_reads for k in kinds if "key_projects" in k.reads]
    if not reading or any(fields is None for fields in reading):
        return
    keep = frozenset().union(*(f for f in reading if f is not None))
    for entry in entries:
        if entry.key == "key_projects" and isinstance(entry.value, list):
            for item in entry.value:
                item.value = [e for e in item.value if e.key in keep]


def _national_weights(entries: list[Entry], kinds: list[Kind]) -> None:
    """Where a kind's review rules require 一级指标 and their 分值 (the national 产出 50, 效益 30,
    满意度 10), the example evaluation starts with exactly those groups, one 三级指标 each."""
    for kind in kinds:
        rules = kind.review
        if not rules.weights:
            continue
        for where in rules.weights_apply_to:
            for evaluation in _evaluations(entries, str(where)):
                _with_groups(evaluation, rules.weights, rules.budget_points)


def _evaluations(entries: list[Entry], where: str) -> list[list[Entry]]:
    """The example evaluations of `where`: the unit's (evaluation) or each key project's."""
    top = next((e for e in entries if e.key == where), None)
    if top is None or not isinstance(top.value, list):
        return []
    if where == "evaluation":
        return [top.value]
    items = [i.value for i in top.value if isinstance(i, Entry) and isinstance(i.value, list)]
    return [e.value for item in items for e in item if e.key == "evaluation"]


def _with_groups(evaluation: list[Entry], weights: list[Any], budget_points: Any) -> None:
    indicators = next((e for e in evaluation if e.key == "indicators"), None)
    if indicators is None or not indicators.value:
        return
    example = indicators.value[0]
    groups = []
    for weight in weights:
        group = copy.deepcopy(example)
        _replace(group.value, "name", weight.name)
        _replace(group.value, "points", weight.points)
        for entry in _walk(group.value):
            if entry.key == "points" and entry.value == TO_FILL:
                entry.value = weight.points  # its one 三级指标 carries the group's 分值
        groups.append(group)
    indicators.value = groups
    if budget_points is not None:
        _replace(evaluation, "budget_points", budget_points)


def _walk(entries: list[Any]) -> list[Entry]:
    """Every Entry under `entries`, depth first."""
    found: list[Entry] = []
    for entry in entries:
        if isinstance(entry, Entry):
            found.append(entry)
            if isinstance(entry.value, list):
                found += _walk(entry.value)
    return found


INDICATOR_PATH = ("evaluation", "indicators", "categories", "indicators")
"""Where a 三级指标 sits in an evaluation (unit's or key project's)."""


def _example_indicators(
    entries: list[Entry], path: tuple[str, ...] = (), budget_points: Any = None
) -> Iterator[tuple[Entry, Any]]:
    """Each example 三级指标 under `entries` (unit's or key project's evaluation), with the
    预算执行率 points of its evaluation."""
    budget_points = next(
        (e.value for e in entries if e.key == "budget_points" and e.value is not None),
        budget_points,
    )
    for entry in entries:
        inner = (*path, entry.key) if entry.key else path
        if not isinstance(entry.value, list):
            continue
        for item in entry.value:
            if not isinstance(item, Entry) or item.key is not None:
                continue
            if not isinstance(item.value, list):
                continue
            if inner[-4:] == INDICATOR_PATH:
                yield item, budget_points
            yield from _example_indicators(item.value, inner, budget_points)
        if entry.value and isinstance(entry.value[0], Entry) and entry.value[0].key is not None:
            yield from _example_indicators(entry.value, inner, budget_points)


def _weigh_examples(entries: list[Entry]) -> None:
    """Give each example 三级指标 the points that make its evaluation total 100 (分值 are
    carried from year to year, so never 待填): 100 less the 预算执行率 points; its 实际完成值
    is 待填, as scoring needs it."""
    for item, budget_points in _example_indicators(entries):
        for field in item.value:
            if field.key == "points" and field.value == TO_FILL:
                field.value = 100 - Decimal(str(budget_points or 0))
            if field.key == "actual" and field.value is None:
                field.value = TO_FILL


def _drop_indicator_fields(entries: list[Entry], names: set[str]) -> None:
    """Leave `names` out of every example 三级指标 (the form columns no kind prints)."""
    for item, _points in list(_example_indicators(entries)):
        item.value = [field for field in item.value if field.key not in names]


def _settle(entries: list[Entry], model: type[BaseModel]) -> None:
    """Comment out the example items the model rejects (rules across fields), until it loads."""
    for _attempt in range(100):
        data = YAML(typ="safe", pure=True).load("\n".join(emit(entries)))
        try:
            model.model_validate(data)
            return
        except ValidationError as exc:
            lists = [_list_at(entries, err["loc"]) for err in exc.errors()]
            found = [entry for entry in lists if entry is not None]
            if not found:
                return  # not an example's fault: `jixiao init` reports what does not load
            for entry in found:
                entry.example_commented_out = True


def _list_at(entries: list[Entry], loc: tuple[Any, ...]) -> Entry | None:
    """The innermost shown list of example mappings on the path `loc` of a validation error."""
    found, current = None, entries
    for part in loc:
        if isinstance(part, int):
            continue
        entry = next((e for e in current if e.key == part), None)
        if entry is None or not isinstance(entry.value, list) or not entry.value:
            break
        if isinstance(entry.value[0], Entry) and entry.value[0].key is None:
            if entry.example_commented_out:
                break
            found, current = entry, entry.value[0].value
        elif isinstance(entry.value[0], Entry):
            current = entry.value
        else:
            break
    return found


def _document(name: str, entries: list[Entry], fields: dict[str, object]) -> str:
    """The file's text: the schema modeline, its header comment (`fields` filled in), entries."""
    header = [modeline(name)]
    for line in _HEADERS[name]:
        for field, value in fields.items():
            line = line.replace("{" + field + "}", str(value))
        header.append(f"# {line}")
    return "\n".join([*header, *emit(entries)]) + "\n"


def this_year() -> int:
    """The current calendar year, the default year of a new unit's first file."""
    return dt.date.today().year


WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{d}{n}" for d in ("com", "lpt") for n in range(1, 10)]
)
"""Names Windows keeps for devices (with any extension): no folder can have them there."""


def check_unit_name(unit: str, project: Project | None = None) -> None:
    """ContentError unless `unit` can be a folder under content/ (no path, no odd characters)
    on every computer the project goes to: not a Windows device name, not ending in a dot,
    and (given the `project`) not another unit's name in other letter case, which Windows
    and macOS would take for the same folder."""
    size = len(unit.encode("utf-8"))
    if size > NAME_BYTES:
        shown = unit[:20] + "…"
        problem = say("bad_unit_name_long", unit=shown, size=size, limit=NAME_BYTES)
        raise ContentError([error(None, None, "", problem, say("bad_unit_name_long_hint"))])
    if not UNIT_NAME.fullmatch(unit) or name_problem(unit):
        shown = unit if unit.isprintable() else repr(unit)[1:-1]  # \x01 as written
        problem = say("bad_unit_name", unit=shown)
        raise ContentError([error(None, None, "", problem, say("bad_unit_name_hint"))])
    if unit.split(".")[0].casefold() in WINDOWS_RESERVED or unit.endswith("."):
        problem = say("bad_unit_name_windows", unit=unit)
        raise ContentError([error(None, None, "", problem, say("bad_unit_name_hint"))])
    if project is not None and project.content.is_dir():
        for other in project.content.iterdir():
            if other.name != unit and other.name.casefold() == unit.casefold():
                problem = say("bad_unit_name_case", unit=unit, other=other.name)
                hint = say("bad_unit_name_case_hint", other=other.name)
                raise ContentError([error(None, None, "", problem, hint)])


def init_unit(project: Project, unit: str, kind_names: list[str], year: int) -> list[Path]:
    """Write content/<unit>/unit.yaml and <year>.yaml; refuse if either exists. Paths written."""
    check_unit_name(unit, project)  # the year is checked as the command line is read
    kinds = [load_kind(project.templates, name, template=False) for name in kind_names]
    targets = {project.unit_file(unit): unit_text(kinds)}
    targets[project.year_file(unit, year)] = year_text(kinds, year)
    existing = [path for path in targets if path.exists()]
    if existing:
        hint = say("init_exists_hint")
        raise ContentError(
            [error(None, None, "", say("init_exists", path=p), hint) for p in existing]
        )
    for target, text in targets.items():
        write_atomic(target, text.encode("utf-8"))
    return list(targets)
