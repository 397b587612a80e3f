"""Read a rendered .docx back as a person sees its text: paragraphs and table cells in order.

`text_lines` is the one `jixiao text` uses (jixiao.docxtext), so tests read what git diffs show.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document

from jixiao.docxtext import text_lines

__all__ = ["Para", "headings", "paragraphs", "text_lines"]


@dataclass(frozen=True)
class Para:
    """One paragraph of the body: its style name and text."""

    style: str
    text: str


def paragraphs(data: bytes) -> list[Para]:
    """Body paragraphs (outside tables), with their style names."""
    document = Document(io.BytesIO(data))
    return [Para(p.style.name if p.style else "", p.text) for p in document.paragraphs]


def headings(data: bytes, level: int) -> list[str]:
    """Texts of the paragraphs styled 'Heading {level}'."""
    return [p.text for p in paragraphs(data) if p.style == f"Heading {level}"]
