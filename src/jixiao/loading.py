"""Read a content YAML file into plain data, remembering the line of every field.

Numbers with a decimal point load as `Decimal` (never float), so 28.8 stays exactly 28.8.
Problems a writer can fix (encoding, tabs, syntax, duplicate keys) come back as findings
naming the file and line; nothing here raises anything but `ContentError`.
"""

from __future__ import annotations

import functools
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

from jixiao.errors import ContentError, Finding, error, warning
from jixiao.messages import say

FieldPath = tuple[str | int, ...]


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
_BLOCK = ("|", ">")


@functools.cache
def _yaml() -> YAML:
    """The YAML reader: libyaml's C parser when ruamel.yaml.clib is installed (ten times
    faster), else ruamel's own; either gives the node tree, with marks, that `_plain` reads."""
    return YAML(typ="safe")


class _Loader:
    """What a constructor asks of its loader: the resolver, as YAML 1.2 (no 0-octals)."""

    _resolver = VersionedResolver(version=(1, 2))


@dataclass
class _Found:
    """What `_plain` gathers while it walks: lines, block starts, the scalar constructor."""

    scalars: _Scalars = field(default_factory=lambda: _Scalars(loader=_Loader()))
    lines: dict[FieldPath, int] = field(default_factory=lambda: {(): 1})
    blocks: dict[FieldPath, int] = field(default_factory=dict)
    open: set[int] = field(default_factory=set)


class _Duplicate(Exception):
    """A key written twice in one mapping: the second occurrence and the first."""

    def __init__(self, key: str, second: Node, first: Node) -> None:
        super().__init__(key)
        self.key, self.second, self.first = key, second, first


def _syntax(code: str, node: Node, **fields: object) -> MarkedYAMLError:
    """A YAML error of ours (message `code`) at `node`, reported as ruamel's are."""
    return MarkedYAMLError(problem=say(code, **fields), problem_mark=node.start_mark)


def _scalar(node: ScalarNode, found: _Found) -> Any:
    """A scalar's value; one its tag cannot read (2023-13-45, !!int abc) is a YAML error."""
    try:
        return found.scalars.construct_object(node)
    except (ValueError, TypeError, OverflowError) as exc:
        raise _syntax("yaml_bad_value", node, value=node.value, detail=exc) from None


def _merged(node: MappingNode) -> list[MappingNode]:
    """The mappings a `<<` key merges in, first one first (it wins over later ones)."""
    sources: list[MappingNode] = []
    for key, value in node.value:
        if key.tag == _MERGE:
            for source in value.value if isinstance(value, SequenceNode) else [value]:
                if not isinstance(source, MappingNode):
                    raise _syntax("yaml_merge_not_mapping", source)
                sources.append(source)
    return sources


def _plain(node: Node, path: FieldPath, found: _Found) -> Any:
    """Plain data (dicts, lists, scalars) from a node tree, recording each field's line."""
    if isinstance(node, ScalarNode):
        return _scalar(node, found)
    if id(node) in found.open:  # an alias inside itself: `a: &x [*x]`
        raise _syntax("yaml_alias_loop", node)
    found.open.add(id(node))
    try:
        if isinstance(node, MappingNode):
            out: dict[str, Any] = {}
            for source in reversed(_merged(node)):  # written keys, then earlier merges, win
                out.update(_plain(source, path, found))
            firsts: dict[str, Node] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE:
                    continue
                if not isinstance(key_node, ScalarNode):
                    raise _syntax("yaml_key_not_text", key_node)
                key = str(_scalar(key_node, found))
                if key in firsts:
                    raise _Duplicate(key, key_node, firsts[key])
                firsts[key] = key_node
                out[key] = _child(key_node, value_node, (*path, key), found)
            return out
        return [_child(item, item, (*path, i), found) for i, item in enumerate(node.value)]
    finally:
        found.open.discard(id(node))


def _child(mark: Node, node: Node, path: FieldPath, found: _Found) -> Any:
    """A mapping value or list item at `path`: its line is that of `mark` (key or item)."""
    found.lines[path] = mark.start_mark.line + 1
    if isinstance(node, ScalarNode) and node.style in _BLOCK:  # text starts below `|` or `>`
        found.blocks[path] = node.start_mark.line + 2
    return _plain(node, path, found)


def _guess_encoding(raw: bytes, bad_line: bytes) -> str:
    """What a file that is not UTF-8 probably is, judged by the line that is not."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw:
        return "UTF-16"
    try:
        bad_line.decode("gbk")
        return "GBK"
    except UnicodeDecodeError:
        return "?"


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
        node = _yaml().compose(text)
        if node is not None and not isinstance(node, MappingNode):
            raise ContentError([error(file, 1, "", say("not_mapping"), say("not_mapping_hint"))])
        found = _Found()
        data = _plain(node, (), found) if node is not None else {}
    except _Duplicate as exc:
        raise ContentError(
            [
                error(
                    file,
                    exc.second.start_mark.line + 1,
                    exc.key,
                    say("duplicate_key", key=exc.key),
                    say("duplicate_key_hint", first=exc.first.start_mark.line + 1),
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
    return Source(file=file, data=data, lines=found.lines, blocks=found.blocks)
