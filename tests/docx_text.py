"""Read a rendered .docx back as a person sees its text: paragraphs and table cells in order."""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.oxml.ns import qn


@dataclass(frozen=True)
class Para:
    """One paragraph of the body: its style name and text."""

    style: str
    text: str


def paragraphs(data: bytes) -> list[Para]:
    """Body paragraphs (outside tables), with their style names."""
    document = Document(io.BytesIO(data))
    return [Para(p.style.name if p.style else "", p.text) for p in document.paragraphs]


def text_lines(data: bytes) -> list[str]:
    """Paragraph and table-cell texts in document order (a vertically merged cell once)."""
    document = Document(io.BytesIO(data))
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p"):
            lines.append("".join(t.text or "" for t in block.iter(qn("w:t"))))
        elif block.tag == qn("w:tbl"):
            for cell in block.iter(qn("w:tc")):
                merge = cell.find(qn("w:tcPr") + "/" + qn("w:vMerge"))
                if merge is not None and merge.get(qn("w:val")) in (None, "continue"):
                    continue
                lines.append("".join(t.text or "" for t in cell.iter(qn("w:t"))))
    return lines


def headings(data: bytes, level: int) -> list[str]:
    """Texts of the paragraphs styled 'Heading {level}'."""
    return [p.text for p in paragraphs(data) if p.style == f"Heading {level}"]
