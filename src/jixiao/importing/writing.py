"""The imported report as commented YAML: content/<unit>/<year>.yaml and unit.yaml."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from jixiao.frozen import frozen
from jixiao.importing.choose import Match
from jixiao.importing.outline import Table
from jixiao.importing.structure import Node, Outline, flattened, tables_under
from jixiao.kinds import Kind
from jixiao.messages import say
from jixiao.schema import modeline

CHECK = "待核对："
"""How every comment at a guess begins."""
SURE = 0.8
"""Title similarity from which a heading's section is not marked for checking."""


@dataclass
class Written:
    """The year file's mapping and what the summary reports about it."""

    data: CommentedMap
    matched: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    tables: list[tuple[str, Table, str | None]] = field(default_factory=list)
    """Every table, where it stood and the field it was read into (None: not read), kept
    as comments."""
    unprinted: list[str] = field(default_factory=list)
    """YAML of fields the kind does not print, kept as comments."""


def paragraphs(texts: list[str]) -> str | LiteralScalarString:
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


def note_field(written: Written, key: str, notes: list[str]) -> None:
    """Put notes on lifted figures above the year file's field `key` (else its first key)."""
    if not notes or not written.data:
        return
    at = key if key in written.data else next(iter(written.data))
    text = "\n".join(CHECK + note for note in notes)
    written.data.yaml_set_comment_before_after_key(at, before=text, indent=0)
    written.checks.extend(notes)


@frozen
class Writer:
    """How section text is written: the linking of prose, and the deepest numbered level."""

    text: Callable[[str], str]
    deepest: int
    read: dict[int, str] = field(default_factory=dict)
    """Tables whose figures were read into the year file: id of the table → the field."""


def section_map(node: Node, written: Written, how: Writer, where: str, depth: int) -> CommentedMap:
    """One section at `depth`: title, run-in, text and sub-sections, notes as comments.

    Headings below the deepest level the kind numbers stay paragraphs, as written."""
    mapping = CommentedMap()
    mapping["title"] = how.text(node.title)
    if node.run_in:
        mapping["run_in"] = True
    notes = list(node.notes)
    texts = list(node.text)
    children = CommentedSeq()
    if node.children and depth >= how.deepest:
        texts += [line for child in node.children for line in flattened(child)]
        notes.append(say("import_note_too_deep", level=depth + 1))
        tables = [*node.tables, *tables_under(node)]
    else:
        tables = list(node.tables)
        for child in node.children:
            inner = f"{where} › {child.title}"
            children.append(section_map(child, written, how, inner, depth + 1))
    if texts:
        mapping["text"] = paragraphs([how.text(t) for t in texts])
    if children:
        mapping["sections"] = children
    for table in tables:
        written.tables.append((where, table, how.read.get(id(table))))
        if id(table) in how.read:
            notes.append(say("import_note_table_read", field=how.read[id(table)]))
        else:
            notes.append(say("import_note_table", rows=len(table.rows)))
    _note(mapping, written, notes)
    return mapping


def year_map(
    outline: Outline, kind: Kind, matches: list[Match], how: Writer, fields: CommentedMap
) -> Written:
    """The year file's content: `fields` (year, staffing …), title, opening, sections, closing.

    What the kind does not print is left out and listed, never silently dropped."""
    data = CommentedMap(fields)
    written = Written(data)
    if outline.title:
        data["title"] = [how.text(line) for line in outline.title]
    if outline.root.text:
        data["opening"] = paragraphs([how.text(t) for t in outline.root.text])
    for table in outline.root.tables:
        written.tables.append(("—", table, how.read.get(id(table))))
    sections = CommentedMap()
    specs = {spec.key: spec for spec in kind.settings.sections}
    previous: CommentedMap | None = None
    for match in matches:
        node = match.node
        if match.key is not None:
            spec = specs[match.key]
            if match.score < SURE:
                score = f"{match.score:.2f}"
                node.notes.append(
                    say("import_note_match", heading=node.title, section=spec.title, score=score)
                )
            sections[match.key] = previous = section_map(node, written, how, node.title, 1)
            written.matched.append(f"{node.title} → {match.key}")
            continue
        node.notes.append(say("import_note_kept", heading=node.title))
        kept = section_map(node, written, how, node.title, 2)
        if previous is None:
            first = kind.settings.sections[0].key
            previous = sections.setdefault(first, CommentedMap(title=specs[first].title))
        previous.setdefault("sections", CommentedSeq()).append(kept)
        written.kept.append(node.title)
    data[kind.settings.sections_field] = sections
    if outline.closing is not None:
        unit, date = outline.closing
        data["closing"] = CommentedMap(unit=unit, date=date)
    for key in [key for key in data if key not in kind.reads]:
        if data[key] in ({}, [], None, ""):  # nothing of it in the document (sections: {})
            del data[key]
            continue
        shown = dump(CommentedMap({key: data.pop(key)})).rstrip("\n")
        written.unprinted.append(shown)
        written.checks.append(say("import_note_unprinted", field=key))
    return written


def _decimal(representer: Any, value: Decimal) -> Any:
    """A Decimal as the number it is written as: 1900, 1909.3 (never through a float)."""
    tag = "int" if value == value.to_integral_value() and "." not in str(value) else "float"
    return representer.represent_scalar(f"tag:yaml.org,2002:{tag}", str(value))


def dump(mapping: CommentedMap) -> str:
    """`mapping` as YAML text, long lines left whole."""
    yaml = YAML()
    yaml.representer.add_representer(Decimal, _decimal)
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    stream = io.StringIO()
    yaml.dump(mapping, stream)
    return stream.getvalue()


def table_comments(tables: list[tuple[str, Table, str | None]]) -> str:
    """The text of the document's tables, as comment lines: those not read into fields to
    be checked, those read for comparing with the fields."""
    lines: list[str] = []
    for where, table, read in tables:
        if read is None:
            lines.append("# " + CHECK + say("import_note_table_text", where=where))
        else:
            lines.append("# " + say("import_note_table_text_read", where=where, field=read))
        for row in table.rows:
            cells = [" ".join(cell.split()) for cell in row]
            lines.append("#   | " + " | ".join(cells) + " |")
    return "\n".join(lines) + ("\n" if lines else "")


def document(name: str, header: list[str], body: str, tail: str = "") -> str:
    """A content file's text: schema modeline, header comment lines, the YAML, trailing comments."""
    lines = [modeline(name), *(f"# {line}" for line in header)]
    return "\n".join(lines) + "\n" + body + (("\n" + tail) if tail else "")


def unit_map(
    full_name: str,
    short_name: str,
    kind: str,
    numbering: dict[int, str],
    more: dict[str, str],
    names_from: str = "import_note_names",
) -> Any:
    """unit.yaml's content guessed from the title block and form headers, with 待核对 comments
    (`names_from`: the message saying where the names come from)."""
    data = CommentedMap()
    data["full_name"] = full_name
    data["short_name"] = short_name
    data.update(more)
    data["kinds"] = [kind]
    data.yaml_set_comment_before_after_key("full_name", before=CHECK + say(names_from), indent=0)
    if numbering:
        data["numbering"] = CommentedMap({kind: CommentedMap(numbering)})
        data.yaml_set_comment_before_after_key(
            "numbering", before=CHECK + say("import_note_numbering"), indent=0
        )
    return data
