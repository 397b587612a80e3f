"""The imported report as commented YAML: content/<unit>/<year>.yaml and unit.yaml."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from jixiao.importing.choose import Match
from jixiao.importing.outline import Table
from jixiao.importing.structure import Node, Outline
from jixiao.kinds import Kind
from jixiao.schema import modeline

CHECK = "待核对："
"""How every comment at a guess begins."""


@dataclass
class Written:
    """The year file's mapping and what the summary reports about it."""

    data: CommentedMap
    matched: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    tables: list[tuple[str, Table]] = field(default_factory=list)


def _paragraphs(texts: list[str]) -> str | LiteralScalarString:
    """Writer paragraphs as one scalar: a literal block when there are several."""
    return texts[0] if len(texts) == 1 else LiteralScalarString("\n".join(texts))


def _note(mapping: CommentedMap, written: Written, notes: list[str]) -> None:
    """Put each note as a `# 待核对：` comment above the mapping's first key."""
    if not notes or not mapping:
        return
    first = next(iter(mapping))
    text = "\n".join(CHECK + note for note in notes)
    mapping.yaml_set_comment_before_after_key(first, before=text, indent=0)
    written.checks.extend(notes)


def section_map(
    node: Node, written: Written, text: Callable[[str], str], where: str, title: bool = True
) -> CommentedMap:
    """One section of writer text: title, run-in, text and sub-sections, notes as comments."""
    mapping = CommentedMap()
    if title:
        mapping["title"] = text(node.title)
    if node.run_in:
        mapping["run_in"] = True
    if node.text:
        mapping["text"] = _paragraphs([text(t) for t in node.text])
    if node.children:
        children = CommentedSeq()
        for child in node.children:
            children.append(section_map(child, written, text, f"{where} › {child.title}"))
        mapping["sections"] = children
    notes = list(node.notes)
    for table in node.tables:
        written.tables.append((where, table))
        notes.append(
            f"此处原有表格（{len(table.rows)} 行），其文字见文件末尾的注释；附表数字请填入相应字段"
        )
    if not mapping:
        mapping["text"] = []
    _note(mapping, written, notes)
    return mapping


def year_map(
    outline: Outline,
    kind: Kind,
    matches: list[Match],
    year: int,
    text: Callable[[str], str],
    staffing: dict[str, int],
    default_title: list[str] | None,
) -> Written:
    """The year file's content: year, title, opening, staffing, sections, closing."""
    data = CommentedMap()
    written = Written(data)
    data["year"] = year
    title = [text(line) for line in outline.title]
    if title:
        data["title"] = title  # written even when it is the kind's: the file shows all text
    if outline.root.text:
        data["opening"] = _paragraphs([text(t) for t in outline.root.text])
    if outline.root.tables:
        for table in outline.root.tables:
            written.tables.append(("开头", table))
    if staffing.keys() >= {"authorized", "in_service"}:
        data["staffing"] = CommentedMap(staffing)
    sections = CommentedMap()
    specs = {spec.key: spec for spec in kind.settings.sections}
    previous: CommentedMap | None = None
    for match in matches:
        if match.key is not None:
            spec = specs[match.key]
            mapping = section_map(match.node, written, text, match.node.title)
            if match.score < 0.8:
                _note(
                    mapping,
                    written,
                    [f"标题“{match.node.title}”按相似度 {match.score:.2f} 对应到“{spec.title}”"],
                )
            sections[match.key] = mapping
            previous = mapping
            written.matched.append(f"{match.node.title} → {match.key}")
            continue
        kept = section_map(match.node, written, text, match.node.title)
        _note(
            kept,
            written,
            [f"一级标题“{match.node.title}”在报告类型中没有对应章节，作为上一节的下级章节保留"],
        )
        if previous is None:
            first = kind.settings.sections[0].key
            previous = sections.setdefault(first, CommentedMap())
        previous.setdefault("sections", CommentedSeq()).append(kept)
        written.kept.append(match.node.title)
    data[kind.settings.sections_field] = sections
    if outline.closing is not None and kind.settings.closing:
        unit, date = outline.closing
        data["closing"] = CommentedMap(unit=unit, date=date)
    elif outline.closing is not None:
        unit, date = outline.closing
        written.checks.append(f"原文末尾的落款“{unit} {date}”此报告类型不印，未写入")
    return written


def dump(mapping: CommentedMap) -> str:
    """`mapping` as YAML text, long lines left whole."""
    yaml = YAML()
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    stream = io.StringIO()
    yaml.dump(mapping, stream)
    return stream.getvalue()


def table_comments(tables: list[tuple[str, Table]]) -> str:
    """The text of tables the import did not read into fields, as comment lines."""
    lines: list[str] = []
    for where, table in tables:
        lines.append(f"# {CHECK}原文表格（位于“{where}”），未读入字段，文字保留如下：")
        for row in table.rows:
            cells = [" ".join(cell.split()) for cell in row]
            lines.append("#   | " + " | ".join(cells) + " |")
    return "\n".join(lines) + ("\n" if lines else "")


def document(name: str, header: list[str], body: str, tail: str = "") -> str:
    """A content file's text: schema modeline, header comment lines, the YAML, trailing comments."""
    lines = [modeline(name), *(f"# {line}" for line in header)]
    return "\n".join(lines) + "\n" + body + (("\n" + tail) if tail else "")


def unit_map(full_name: str, short_name: str, kind: str, numbering: dict[int, str]) -> Any:
    """unit.yaml's content guessed from the title block, with 待核对 comments."""
    data = CommentedMap()
    data["full_name"] = full_name
    data["short_name"] = short_name
    data["kinds"] = [kind]
    data.yaml_set_comment_before_after_key(
        "full_name", before=CHECK + "单位全称、简称取自原文标题，请核对", indent=0
    )
    if numbering:
        data["numbering"] = CommentedMap({kind: CommentedMap(numbering)})
        data.yaml_set_comment_before_after_key(
            "numbering", before=CHECK + "原文所用的序号样式（与报告类型不同的层级）", indent=0
        )
    return data
