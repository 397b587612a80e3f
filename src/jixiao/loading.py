"""Read a content YAML file into plain data, remembering the line of every field.

Numbers with a decimal point load as `Decimal` (never float), so 28.8 stays exactly 28.8.
Problems a writer can fix (encoding, tabs, syntax, duplicate keys) come back as findings
naming the file and line; nothing here raises anything but `ContentError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from jixiao.errors import ContentError, Finding, error
from jixiao.messages import say

FieldPath = tuple[str | int, ...]


def path_text(path: FieldPath) -> str:
    """A field path as writers see it: `budget.projects.groups[0].name`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


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


class _DecimalConstructor(RoundTripConstructor):
    """Round-trip constructor: floats become exact Decimals; duplicate keys name the first."""

    def construct_yaml_float(self, node: Any) -> Any:  # type: ignore[override]
        text = str(node.value).replace("_", "")
        try:
            return Decimal(text)
        except InvalidOperation:
            return super().construct_yaml_float(node)

    def check_mapping_key(
        self, node: Any, key_node: Any, mapping: Any, key: Any, value: Any
    ) -> bool:
        """As ruamel's, but a duplicate's context mark is the first occurrence of its key."""
        try:
            return super().check_mapping_key(node, key_node, mapping, key, value)
        except DuplicateKeyError as exc:
            first = next((k for k, _v in node.value if k.value == key_node.value), None)
            mark = first.start_mark if first is not None else exc.context_mark
            raise DuplicateKeyError(exc.context, mark, exc.problem, exc.problem_mark) from None


_DecimalConstructor.add_constructor(
    "tag:yaml.org,2002:float", _DecimalConstructor.construct_yaml_float
)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _DecimalConstructor
    yaml.allow_duplicate_keys = False
    return yaml


def _guess_encoding(raw: bytes, bad_line: bytes) -> str:
    """What a file that is not UTF-8 probably is, judged by the line that is not."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw:
        return "UTF-16"
    try:
        bad_line.decode("gbk")
        return "GBK"
    except UnicodeDecodeError:
        return "?"


_BLOCK = (LiteralScalarString, FoldedScalarString)


def _plain(
    node: Any, path: FieldPath, lines: dict[FieldPath, int], blocks: dict[FieldPath, int]
) -> Any:
    """Convert ruamel's commented containers to dicts and lists, recording lines."""
    if isinstance(node, CommentedMap):
        out = {}
        for key, value in node.items():
            child = (*path, str(key))
            try:
                line, _col = node.lc.key(key)
                lines[child] = line + 1
                if isinstance(value, _BLOCK):  # the text starts below the `|` or `>`
                    blocks[child] = node.lc.value(key)[0] + 2
            except (KeyError, TypeError):
                pass
            out[str(key)] = _plain(value, child, lines, blocks)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            child = (*path, index)
            try:
                line, _col = node.lc.item(index)
                lines[child] = line + 1
                if isinstance(value, _BLOCK):
                    blocks[child] = line + 2
            except (KeyError, TypeError, IndexError):
                pass
            items.append(_plain(value, child, lines, blocks))
        return items
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    return node


def load(file: Path) -> Source:
    """Load `file`, or raise ContentError with a finding that says where and why."""
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ContentError(
            [error(file, None, "", say("file_missing"), say("file_missing_hint"))]
        ) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad_line = raw.split(b"\n")[line - 1]
        raise ContentError(
            [
                error(
                    file,
                    line,
                    "",
                    say("not_utf8", guess=_guess_encoding(raw, bad_line)),
                    say("not_utf8_hint"),
                )
            ]
        ) from None
    for number, line_text in enumerate(text.splitlines(), start=1):
        stripped = line_text.lstrip(" ")
        if stripped.startswith("\t"):
            raise ContentError([error(file, number, "", say("tab_indent"), say("tab_indent_hint"))])
    try:
        node = _yaml().load(text)
    except DuplicateKeyError as exc:
        key = ""
        if exc.problem and "duplicate key" in exc.problem:
            key = exc.problem.split('"')[1] if '"' in exc.problem else ""
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        first = exc.context_mark.line + 1 if exc.context_mark else "?"
        raise ContentError(
            [
                error(
                    file,
                    line,
                    key,
                    say("duplicate_key", key=key),
                    say("duplicate_key_hint", first=first),
                )
            ]
        ) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        if mark is not None:
            problem += say("yaml_column", column=mark.column + 1)
        raise ContentError(
            [error(file, line, "", say("yaml_syntax", problem=problem), say("yaml_syntax_hint"))]
        ) from None
    except YAMLError as exc:
        raise ContentError(
            [error(file, None, "", say("yaml_syntax", problem=str(exc)), say("yaml_syntax_hint"))]
        ) from None
    if node is None:
        node = CommentedMap()
    if not isinstance(node, CommentedMap):
        raise ContentError([error(file, 1, "", say("not_mapping"), say("not_mapping_hint"))])
    lines: dict[FieldPath, int] = {(): 1}
    blocks: dict[FieldPath, int] = {}
    data = _plain(node, (), lines, blocks)
    return Source(file=file, data=data, lines=lines, blocks=blocks)
