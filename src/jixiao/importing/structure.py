"""The outline as a tree of headings: title block, opening, numbered sections, closing, tables."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from jixiao.importing.headings import (
    Heading,
    Levels,
    looks_like_title,
    split_run_in,
    styled_level,
)
from jixiao.importing.outline import Block, Paragraph, Table
from jixiao.messages import say

TITLE_WORDS = ("报告", "说明", "自评表", "评价表")
"""Words of a report's title line, as against the line naming the unit."""
_TITLE_LINES = 4
_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")


@dataclass
class Node:
    """A heading and what follows it up to the next heading at its level or above."""

    level: int
    title: str = ""
    raw: str = ""
    """The heading paragraph as written, number included."""
    pattern: str | None = None
    run_in: bool = False
    text: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """待核对 remarks on how this node was read."""


def flattened(node: Node) -> list[str]:
    """`node` and everything under it as paragraphs written as in the document."""
    lines = [node.raw, *node.text]
    for child in node.children:
        lines.extend(flattened(child))
    return lines


def tables_under(node: Node) -> list[Table]:
    """The tables of `node`'s descendants, in order."""
    return [t for child in node.children for t in (*child.tables, *tables_under(child))]


@dataclass
class Outline:
    """The document read as a report: title lines, opening text, level-1 sections, closing."""

    title: list[str]
    root: Node
    closing: tuple[str, str] | None = None
    """(signing unit, ISO date) when the document ends with a 落款."""
    patterns: dict[int, dict[str, int]] = field(default_factory=dict)
    """For each level, how often each numbering pattern was typed ("" for Word's numbering)."""


def _texts(blocks: list[Block]) -> list[Paragraph]:
    """The non-empty paragraphs, their text with surrounding blanks stripped."""
    return [b for b in blocks if isinstance(b, Paragraph) and b.text.strip()]


def _title_count(blocks: list[Block], levels: Levels) -> int:
    """How many leading non-empty paragraphs make up the title block."""
    leading = _texts(blocks)[:_TITLE_LINES]
    for index, paragraph in enumerate(leading):
        if levels.typed(paragraph.text) or paragraph.list_level is not None:
            return index
        if any(word in paragraph.text for word in TITLE_WORDS) and looks_like_title(paragraph.text):
            return index + 1
    return 1 if leading and looks_like_title(leading[0].text) else 0


def _heading(paragraph: Paragraph, levels: Levels, bold_level: int | None) -> Heading | None:
    """The heading `paragraph` is, by typed number, list numbering, style or boldness."""
    text = paragraph.text.strip()
    typed = levels.typed(text)
    if typed is not None:
        return typed
    if paragraph.list_level is not None:
        return Heading(paragraph.list_level + 1, None, text)
    styled = styled_level(paragraph.style)
    if styled is not None:
        return Heading(styled, None, text)
    if bold_level is not None and paragraph.bold and looks_like_title(text):
        return Heading(bold_level, None, text)
    return None


def read_structure(
    blocks: list[Block], levels: Levels, top: Callable[[str], bool] = lambda _title: False
) -> Outline:
    """The tree of `blocks`: every paragraph and table lands in exactly one node.

    A lower heading for which `top` holds (it is titled as one of the kind's sections) is
    read as a level-1 heading: numbering typed wrongly or lost when the file was converted."""
    count = _title_count(blocks, levels)
    paragraphs = _texts(blocks)
    title = [p.text.strip() for p in paragraphs[:count]]
    skip = {id(p) for p in paragraphs[:count]}
    closing = _closing(paragraphs[count:])
    if closing is not None:
        skip.update(id(p) for p in paragraphs[-2:])
    body = [b for b in blocks if id(b) not in skip]
    typed_top = any(
        isinstance(b, Paragraph) and (h := levels.typed(b.text.strip())) and h.level == 1
        for b in body
    ) or any(isinstance(b, Paragraph) and b.list_level == 0 for b in body)
    bold_level = None if typed_top else 1
    root = Node(0)
    stack = [root]
    outline = Outline(title, root, closing)
    for block in body:
        if isinstance(block, Table):
            stack[-1].tables.append(block)
            continue
        text = block.text.strip()
        if not text:
            continue
        heading = _heading(block, levels, bold_level)
        if heading is None:
            stack[-1].text.append(text)
            continue
        promoted = heading.level > 1 and top(heading.text)
        if promoted:
            heading = Heading(1, None, heading.text)
        while stack[-1].level >= heading.level:
            stack.pop()
        node = Node(stack[-1].level + 1, heading.text, text, heading.pattern)
        if heading.level > node.level:
            node.notes.append(say("import_note_skipped", found=heading.level, level=node.level))
        if promoted:
            node.notes.append(say("import_note_promoted"))
        if heading.pattern is not None:
            seen = outline.patterns.setdefault(node.level, {})
            seen[heading.pattern] = seen.get(heading.pattern, 0) + 1
        elif block.list_level is not None:
            node.notes.append(say("import_note_list"))
            seen = outline.patterns.setdefault(node.level, {})
            seen[""] = seen.get("", 0) + 1  # numbered by Word: the kind's style prints it
        split = (
            split_run_in(heading.text) if len(heading.text) > 40 or "。" in heading.text else None
        )
        if split is not None:
            node.title, rest = split
            node.run_in = True
            node.text.append(rest)
        stack[-1].children.append(node)
        stack.append(node)
    return outline


def _closing(paragraphs: list[Paragraph]) -> tuple[str, str] | None:
    """The 落款 (unit, date) when the last two paragraphs are a unit name and a date."""
    if len(paragraphs) < 2:
        return None
    match = _DATE.match(paragraphs[-1].text)
    unit = paragraphs[-2].text.strip()
    if match is None or not looks_like_title(unit) or len(unit) > 30:
        return None
    year, month, day = (int(part) for part in match.groups())
    return unit, f"{year:04d}-{month:02d}-{day:02d}"
