"""Read a content YAML file into plain data, remembering the line of every field.

Numbers with a decimal point load as `Decimal` (never float), so 28.8 stays exactly 28.8.
Problems a writer can fix (encoding, tabs, syntax, duplicate keys, control characters) come
back as findings naming the file and line; nothing here raises anything but `ContentError`.

Limits keep a broken or hostile file from hanging or crashing jixiao: its size (checked
before reading), its nesting depth (checked in the text before the parser sees it, and again
in the walk) and the nodes its aliases add (a "billion laughs" file). Loading is linear in
the size of the file.
"""

from __future__ import annotations

import functools
import gc
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver

from jixiao.errors import ContentError, Finding, error, os_reason, warning
from jixiao.messages import say

FieldPath = tuple[str | int, ...]

MAX_FILE_BYTES = 5 * 1024 * 1024
"""The largest content file read (5 MB); the sample reports are under 100 KB."""

MAX_DEPTH = 100
"""The deepest nesting of mappings and lists; real content nests fewer than ten."""

ALIAS_FACTOR = 10
ALIAS_FLOOR = 1_000
ALIAS_CAP = 100_000
"""Aliases (*name) may add up to ALIAS_FACTOR times the nodes written (at least ALIAS_FLOOR,
never more than ALIAS_CAP): enough for any reuse, too few for an alias bomb."""

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters a Word document (XML 1.0) cannot hold; tab, newline and CR it can."""

_YAML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
"""Characters YAML does not allow written raw in a file (control characters): all but tab,
LF, CR, printable ASCII, NEL, U+00A0-U+D7FF, U+E000-U+FFFD and U+10000 on, written as the
characters left out (the same set; the negated class took 4 ms to compile, a cold render's)."""

_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Invisible characters that reorder the text around them (right-to-left overrides and
isolates): the report would print the words in another order than the file shows them."""

_CHAR_NAMES = {0x00: "NUL", 0x08: "退格", 0x0B: "垂直制表符", 0x0C: "换页符", 0x1B: "ESC"}

_FULLWIDTH_KEY = re.compile(r"^[ ]*(?:- +)*([A-Za-z_][\w.-]*)[ ]*：", re.MULTILINE)
"""A line whose field name is followed by a full-width colon (`title： 报告`)."""

_BRACKETS = re.compile(r"[\[\]{}]")
_MARKERS = re.compile(r"(?:[-?:](?: +|$))+")


def leaves(data: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, Any]]:
    """Every scalar in loaded `data` with its field path, in file order."""
    if isinstance(data, dict):
        for key, item in data.items():
            yield from leaves(item, (*path, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from leaves(item, (*path, index))
    else:
        yield path, data


def path_text(path: FieldPath) -> str:
    """A field path as writers see it: `budget.projects.groups[0].name`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def brief(value: object, limit: int = 40) -> str:
    """`value` as text for a message, cut to `limit` characters (a value may be megabytes);
    a field left empty and true/false as the writer typed them, not as Python's None, True."""
    if value is None:
        return say("written_empty")
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def char_name(char: str) -> str:
    """A character as a message names it: `U+000C（换页符）`."""
    code = ord(char)
    name = _CHAR_NAMES.get(code)
    return f"U+{code:04X}" + (say("char_name", name=name) if name else "")


@dataclass
class Source:
    """A loaded YAML file: its plain data, and the line (1-based) of each field path."""

    file: Path
    data: Any
    lines: dict[FieldPath, int] = field(default_factory=dict)
    blocks: dict[FieldPath, int] = field(default_factory=dict)
    """The first line of the text of each field written as a block (`|` or `>`)."""

    def line_of(self, path: FieldPath) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def text_line(self, path: FieldPath, offset: int = 0) -> int | None:
        """The line of the text at `path`: `offset` lines into a block, else the field's line."""
        path = tuple(path)
        if path in self.blocks:
            return self.blocks[path] + offset
        return self.line_of(path)

    def error(self, path: FieldPath, message: str, hint: str) -> Finding:
        """An error about the field at `path` of this file, at its line."""
        return error(self.file, self.line_of(path), path_text(path), message, hint)

    def warning(self, path: FieldPath, message: str, hint: str) -> Finding:
        """A warning about the field at `path` of this file, at its line."""
        return warning(self.file, self.line_of(path), path_text(path), message, hint)


class _Scalars(SafeConstructor):
    """Scalars as jixiao reads them: as YAML's safe schema, but floats are exact Decimals."""

    def construct_yaml_float(self, node: Any) -> Any:  # type: ignore[override]
        text = str(node.value).replace("_", "")
        try:
            return Decimal(text)
        except InvalidOperation:
            return super().construct_yaml_float(node)


_Scalars.add_constructor("tag:yaml.org,2002:float", _Scalars.construct_yaml_float)

_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"
_BLOCK = ("|", ">")
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_BASED = re.compile(r"[-+]?0[xob]", re.IGNORECASE)
"""An integer written in base 16, 8 or 2, which YAML reads as a number: 0x1F is 31."""
_BASES = {"x": "yaml_base_16", "o": "yaml_base_8", "b": "yaml_base_2"}
_DATE_TAG = "tag:yaml.org,2002:timestamp"


class _Resolver(VersionedResolver):
    """ruamel's resolver, its YAML version fixed at 1.2: ruamel looks the version up for
    every scalar through two caught AttributeErrors, a third of the loading time."""

    @property
    def processing_version(self) -> Any:
        return (1, 2)

    @property
    def versioned_resolver(self) -> Any:
        try:
            return self._rules
        except AttributeError:
            self._rules: Any = super().versioned_resolver
            return self._rules


@functools.cache
def _yaml() -> YAML:
    """The YAML reader: libyaml's C parser when ruamel.yaml.clib is installed (ten times
    faster), else ruamel's own; either gives the node tree, with marks, that `_plain` reads."""
    yaml = YAML(typ="safe")
    yaml.Resolver = _Resolver
    return yaml


class _Loader:
    """What a constructor asks of its loader: the resolver, as YAML 1.2 (no 0-octals)."""

    _resolver = _Resolver(version=(1, 2))


class _Refusal(Exception):
    """A problem found while loading, at a line: becomes one finding of the file."""

    def __init__(self, line: int | None, field: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.field, self.message, self.hint = line, field, message, hint


@dataclass
class _Found:
    """What `_plain` gathers while it walks: lines, block starts, the scalar constructor,
    and the nodes seen (an alias is a node seen before) and visited (with alias repeats)."""

    text: str = ""
    scalars: _Scalars = field(default_factory=lambda: _Scalars(loader=_Loader()))
    lines: dict[FieldPath, int] = field(default_factory=lambda: {(): 1})
    blocks: dict[FieldPath, int] = field(default_factory=dict)
    open: set[int] = field(default_factory=set)
    seen: set[int] = field(default_factory=set)
    visits: int = 0
    alias_line: int | None = None
    """While walking into an alias: the line where it is used (the outermost one)."""


class _Duplicate(Exception):
    """A key written twice in one mapping: the second occurrence and the first."""

    def __init__(self, key: str, second: Node, first: Node) -> None:
        super().__init__(key)
        self.key, self.second, self.first = key, second, first


def _syntax(code: str, node: Node, **fields: object) -> MarkedYAMLError:
    """A YAML error of ours (message `code`) at `node`, reported as ruamel's are."""
    return MarkedYAMLError(problem=say(code, **fields), problem_mark=node.start_mark)


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _tag(node: Node) -> str:
    """The node's tag, without ruamel's `Node.tag` property (a third of the walk's time)."""
    tag = node.ctag
    return str(tag.suffix) if tag.handle is None else str(tag)


def _scalar(node: ScalarNode, found: _Found) -> Any:
    """A scalar's value; one its tag cannot read (2023-13-45, !!int abc, `!!int` with no
    value, a number of 10,000 digits) is a finding at its line."""
    tag = _tag(node)
    if tag == _STR:
        return node.value
    if tag == _NUMBER_TAGS[0] and _BASED.match(str(node.value)):  # 0x1F would be 31
        base = _BASES[str(node.value).lstrip("+-")[1].lower()]
        value = brief(node.value)
        try:
            number = str(int(str(node.value).replace("_", ""), 0))
        except ValueError:  # !!int 0x, !!int 0b102, or too long to write in decimal
            raise _Refusal(
                _line(node), "", say("yaml_bad_number", value=value), say("yaml_bad_number_hint")
            ) from None
        raise _Refusal(
            _line(node),
            "",
            say("yaml_based_number", value=value, base=say(base)),
            say("yaml_based_number_hint", value=value, number=brief(number)),
        )
    try:
        return found.scalars.construct_object(node)
    except (ValueError, TypeError, ArithmeticError, LookupError):
        value = brief(node.value)
        if not str(node.value).strip():
            shown = "!!" + str(tag).rsplit(":", 1)[-1]
            raise _Refusal(
                _line(node),
                "",
                say("yaml_empty_tagged", tag=shown),
                say("yaml_empty_tagged_hint", tag=shown),
            ) from None
        if tag in _NUMBER_TAGS:
            raise _Refusal(
                _line(node), "", say("yaml_bad_number", value=value), say("yaml_bad_number_hint")
            ) from None
        if tag == _DATE_TAG:
            raise _Refusal(
                _line(node), "", say("yaml_bad_date", value=value), say("yaml_bad_date_hint")
            ) from None
        shown = "!!" + str(tag).rsplit(":", 1)[-1]
        raise _syntax("yaml_bad_value", node, value=value, detail=shown) from None


def _merged(node: MappingNode) -> list[MappingNode]:
    """The mappings a `<<` key merges in, first one first (it wins over later ones)."""
    sources: list[MappingNode] = []
    for key, value in node.value:
        if _tag(key) == _MERGE:
            for source in value.value if isinstance(value, SequenceNode) else [value]:
                if not isinstance(source, MappingNode):
                    raise _syntax("yaml_merge_not_mapping", source)
                sources.append(source)
    return sources


def _count(node: Node, path: FieldPath, found: _Found) -> None:
    """Count a visit of `node`; refuse nesting deeper than MAX_DEPTH and an alias bomb."""
    if len(path) > MAX_DEPTH:
        raise _Refusal(
            _line(node),
            path_text(path[:3]) + "…",
            say("too_deep", limit=MAX_DEPTH),
            say("too_deep_hint"),
        )
    found.visits += 1
    if id(node) not in found.seen:
        found.seen.add(id(node))
        return
    added = found.visits - len(found.seen)
    allowed = min(max(ALIAS_FACTOR * len(found.seen), ALIAS_FLOOR), ALIAS_CAP)
    if added > allowed:
        raise _Refusal(
            found.alias_line, "", say("alias_bomb", limit=allowed), say("alias_bomb_hint")
        )


def _plain(node: Node, path: FieldPath, found: _Found) -> Any:
    """Plain data (dicts, lists, scalars) from a node tree, recording each field's line."""
    _count(node, path, found)
    if isinstance(node, ScalarNode):
        return _scalar(node, found)
    if id(node) in found.open:  # an alias inside itself: `a: &x [*x]`
        raise _syntax("yaml_alias_loop", node)
    found.open.add(id(node))
    try:
        if isinstance(node, MappingNode):
            out: dict[str, Any] = {}
            for source in reversed(_merged(node)):  # written keys, then earlier merges, win
                out.update(_walk(source, path, _line(node), found))
            firsts: dict[str, Node] = {}
            previous: Node | None = None
            for key_node, value_node in node.value:
                if _tag(key_node) == _MERGE:
                    continue
                if not isinstance(key_node, ScalarNode):
                    raise _syntax("yaml_key_not_text", key_node)
                if value_node.value == "":  # `{a: 1,008.5}`: the key 008.5, empty
                    _thousands(previous, key_node, found)
                key = _text(_scalar(key_node, found), key_node, path, found)
                if key in firsts:
                    raise _Duplicate(key, key_node, firsts[key])
                firsts[key] = key_node
                out[key] = _child(key_node, value_node, (*path, key), found)
                previous = value_node
            return out
        items = []
        for i, item in enumerate(node.value):
            if i:
                _thousands(node.value[i - 1], item, found, list_item=True)
            items.append(_child(item, item, (*path, i), found))
        return items
    finally:
        found.open.discard(id(node))


def _walk(node: Node, path: FieldPath, line: int, found: _Found) -> Any:
    """`_plain` of `node`, used at `line`: if it is an alias, the walk notes where it is used."""
    if found.alias_line is not None or id(node) not in found.seen:
        return _plain(node, path, found)
    found.alias_line = line
    value = _plain(node, path, found)
    found.alias_line = None
    return value


def _child(mark: Node, node: Node, path: FieldPath, found: _Found) -> Any:
    """A mapping value or list item at `path`: its line is that of `mark` (key or item).

    An alias list item (`- *name`) is at the line of its list: the node is the anchored one,
    whose marks are those of the anchor."""
    aliased = mark is node and id(node) in found.seen
    line = found.lines.get(path[:-1], 1) if aliased else _line(mark)
    found.lines[path] = line
    if isinstance(node, ScalarNode) and node.style in _BLOCK:  # text starts below `|` or `>`
        found.blocks[path] = int(node.start_mark.line) + 2
    value = _walk(node, path, line, found)
    if isinstance(value, str):
        _text(value, node, path, found)
    return value


def _text(value: object, node: Node, path: FieldPath, found: _Found) -> str:
    """`value` as text; one holding a character Word cannot store is a finding at its line."""
    text = str(value)
    bad = _XML_BAD.search(text)
    if bad is not None:
        line = _line(node)
        if node.style == "|":
            line += 1 + text.count("\n", 0, bad.start())
        raise _Refusal(
            line,
            path_text(path),
            say("control_char", char=char_name(bad.group())),
            say("control_char_hint"),
        )
    bidi = _BIDI.search(text)
    if bidi is not None:
        line = _line(node)
        if node.style == "|":
            line += 1 + text.count("\n", 0, bidi.start())
        raise _Refusal(
            line,
            path_text(path),
            say("bidi_char", char=char_name(bidi.group())),
            say("control_char_hint"),
        )
    return text


def _thousands(previous: Node | None, node: Node, found: _Found, list_item: bool = False) -> None:
    """Refuse `1,008.5` in braces or brackets, which YAML reads as the two items 1 and 008.5.

    In a list, `[100,200]` may be meant as two numbers: only `1,008` or `1,500.5` (a group
    with a leading zero or a decimal part) is taken for a slip there."""
    if not (isinstance(previous, ScalarNode) and isinstance(node, ScalarNode)):
        return
    if previous.style or node.style or not previous.value.isdigit() or len(previous.value) > 3:
        return
    if list_item and not (node.value.startswith("0") or "." in node.value):
        return
    start = node.start_mark.index
    if start and found.text[start - 1] == "," and re.fullmatch(r"\d{3}(\.\d+)?", node.value):
        written = f"{previous.value},{node.value}"
        raise _Refusal(
            _line(node),
            "",
            say("thousands_split", value=written),
            say("thousands_split_hint", plain=written.replace(",", ""), value=written),
        )


def _guess_encoding(raw: bytes, bad_line: bytes) -> str:
    """What a file that is not UTF-8 probably is, judged by the line that is not."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw:
        return "UTF-16"
    try:
        bad_line.decode("gbk")
        return "GBK"
    except UnicodeDecodeError:
        return "?"


def _read(file: Path) -> bytes:
    """The bytes of `file`, refusing one that is missing, unreadable or over the size limit."""
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            raise _Refusal(None, "", *_too_big())
        with file.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise _Refusal(None, "", say("file_missing"), say("file_missing_hint")) from None
    except IsADirectoryError:
        raise _Refusal(None, "", say("file_is_folder"), say("file_is_folder_hint")) from None
    except PermissionError:
        raise _Refusal(
            None, "", say("file_no_permission"), say("file_no_permission_hint")
        ) from None
    except OSError as exc:
        detail = os_reason(exc)
        raise _Refusal(
            None, "", say("file_unreadable", detail=detail), say("file_unreadable_hint")
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise _Refusal(None, "", *_too_big())
    return raw


def _too_big() -> tuple[str, str]:
    mb = MAX_FILE_BYTES // (1024 * 1024)
    return say("file_too_big", limit=f"{mb} MB"), say("file_too_big_hint")


def _decode(raw: bytes) -> str:
    """`raw` as text: UTF-8 (a BOM dropped), else a finding naming the line and a guess."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        bad_line = raw.split(b"\n")[line - 1]
        raise _Refusal(
            line, "", say("not_utf8", guess=_guess_encoding(raw, bad_line)), say("not_utf8_hint")
        ) from None


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _prescan(text: str) -> None:
    """Refuse what the parser must not see: raw control characters, tab indents, and
    nesting deeper than MAX_DEPTH (libyaml would overflow its stack on `[[[[…`)."""
    bad = _YAML_BAD.search(text)
    if bad is not None:
        line = _line_at(text, bad.start())
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise _Refusal(
            line,
            "",
            say("raw_control_char", char=char_name(bad.group()), column=column),
            say("control_char_hint"),
        )
    depth = 0
    for match in _BRACKETS.finditer(text):
        depth = depth + 1 if match.group() in "[{" else max(depth - 1, 0)
        if depth > MAX_DEPTH:
            raise _Refusal(
                _line_at(text, match.start()),
                "",
                say("too_deep", limit=MAX_DEPTH),
                say("too_deep_hint"),
            )
    indents: list[int] = []
    for number, line_text in enumerate(text.split("\n"), start=1):
        stripped = line_text.lstrip(" ")
        if not stripped or stripped == "\r":
            continue
        if stripped.startswith("\t"):
            raise _Refusal(number, "", say("tab_indent"), say("tab_indent_hint"))
        indent = len(line_text) - len(stripped)
        while indents and indents[-1] >= indent:
            indents.pop()
        indents.append(indent)
        markers = _MARKERS.match(stripped) if stripped[0] in "-?:" else None
        depth = len(indents) + (len(markers.group().replace(" ", "")) if markers else 0)
        if depth > MAX_DEPTH:
            raise _Refusal(number, "", say("too_deep", limit=MAX_DEPTH), say("too_deep_hint"))


def _fullwidth_colon(text: str, first: int, last: int) -> _Refusal | None:
    """A finding for a field name followed by `：` on lines `first`..`last`, if there is one."""
    lines = text.split("\n")[max(first - 1, 0) : last]
    for number, line_text in enumerate(lines, start=max(first, 1)):
        match = _FULLWIDTH_KEY.match(line_text)
        if match:
            key = match.group(1)
            return _Refusal(
                number,
                key,
                say("yaml_fullwidth_colon", key=key),
                say("yaml_fullwidth_colon_hint", key=key),
            )
    return None


_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("mapping values are not allowed", "yaml_colon_in_value"),
    ("',' or '}'", "yaml_flow_mapping"),
    ("',' or ']'", "yaml_flow_sequence"),
    ("cannot start any token", "yaml_bad_start"),
    ("tab character", "tab_indent"),
    ("could not find expected ':'", "yaml_no_colon"),
    ("unknown escape character", "yaml_escape"),
    ("undefined alias", "yaml_undefined_alias"),
    ("another document", "yaml_two_documents"),
    ("did not find expected key", "yaml_indent"),
    ("expected <block end>", "yaml_indent"),
    ("expected '-' indicator", "yaml_indent"),
    ("alphabetic or numeric character", "yaml_bad_anchor"),
    ("line break", "yaml_block_header"),
    ("node content", "yaml_unexpected"),
    ("could not determine a constructor", "yaml_unknown_tag"),
)
"""libyaml's and ruamel's words for a problem, and the message that says it in Chinese."""


@dataclass
class _Mark:
    """A place in the text, as ruamel's marks give it (0-based)."""

    line: int
    column: int


def _last_opening(text: str) -> _Mark | None:
    """Where the last `[` or `{` of `text` is: the bracket left open when the file ends."""
    at = max(text.rfind("["), text.rfind("{"))
    if at < 0:
        return None
    start = text.rfind("\n", 0, at) + 1
    return _Mark(text.count("\n", 0, at), at - start)


def _yaml_problem(exc: MarkedYAMLError, text: str) -> _Refusal:
    """A syntax error as a finding in the writer's words: what is wrong, the likely slip."""
    problem, context = str(exc.problem or ""), str(exc.context or "")
    mark = exc.problem_mark or exc.context_mark
    code = next((c for words, c in _PROBLEMS if words in problem), None)
    if code is None and "end of stream" in problem:
        code = "yaml_unclosed_quote" if "quoted" in context else "yaml_unclosed_flow"
    if code in ("yaml_unclosed_quote", "yaml_unclosed_flow", "yaml_no_colon"):
        mark = exc.context_mark or mark  # where the quote, bracket or key began
    line = int(mark.line) + 1 if mark is not None else None
    if line is not None:
        first = int(exc.context_mark.line) + 1 if exc.context_mark is not None else line
        slip = _fullwidth_colon(text, min(first, line), max(first, line))
        if slip is not None:
            return slip
    if code is None:  # a problem not mapped: ruamel's words, as a detail
        shown = " ".join(p for p in (context, problem) if p)
        hint = say("yaml_syntax_hint")
    else:
        char = ""
        rows = text.split("\n")
        if mark is not None and code in ("yaml_bad_start", "yaml_unexpected"):
            row = rows[mark.line] if mark.line < len(rows) else ""
            char = row[mark.column : mark.column + 1]
            char = "Tab" if char == "\t" else char
            if not char.strip() and code == "yaml_unexpected":  # `a: [` at the end of the file
                code, mark = "yaml_unclosed_flow", _last_opening(text) or mark
                line = int(mark.line) + 1
        quoted = re.search(r"'([^']*)'", problem)
        shown = say(code, char=char, detail=quoted.group(1) if quoted else "")
        hint = say(f"{code}_hint")
    if mark is not None:
        shown += say("yaml_column", column=mark.column + 1)
    return _Refusal(line, "", say("yaml_syntax", problem=shown), hint)


def _parse(text: str) -> tuple[Any, _Found]:
    """The data and lines of YAML `text`, or a `_Refusal` saying what is wrong and where."""
    found = _Found(text=text)
    reader = _yaml()
    try:
        node = reader.compose(text)
        if node is None:
            return {}, found
        if not isinstance(node, MappingNode):
            slip = _fullwidth_colon(text, 1, text.count("\n") + 1)
            raise slip or _Refusal(1, "", say("not_mapping"), say("not_mapping_hint"))
        return _plain(node, (), found), found
    except _Duplicate as exc:
        raise _Refusal(
            _line(exc.second),
            exc.key,
            say("duplicate_key", key=exc.key),
            say("duplicate_key_hint", first=_line(exc.first)),
        ) from None
    except MarkedYAMLError as exc:
        raise _yaml_problem(exc, text) from None
    except YAMLError as exc:
        raise _Refusal(None, "", say("yaml_syntax", problem=exc), say("yaml_syntax_hint")) from None
    except RecursionError:  # a nesting the pre-scan did not see as deep
        raise _Refusal(None, "", say("too_deep", limit=MAX_DEPTH), say("too_deep_hint")) from None
    finally:  # compose appends a record of each document to the shared reader: keep none
        reader.doc_infos.clear()


def load(file: Path) -> Source:
    """Load `file`, or raise ContentError with a finding that says where and why.

    The garbage collector pauses while the node tree is built and walked: the tree holds
    no cycles, and collections scanning its growing millions of objects made loading
    superlinear (4 MB: 12 s)."""
    collecting = gc.isenabled()
    try:
        text = _decode(_read(file))
        _prescan(text)
        gc.disable()
        data, found = _parse(text)
    except _Refusal as refusal:
        finding = error(file, refusal.line, refusal.field, refusal.message, refusal.hint)
        raise ContentError([finding]) from None
    finally:
        if collecting:
            gc.enable()
    return Source(file=file, data=data, lines=found.lines, blocks=found.blocks)
