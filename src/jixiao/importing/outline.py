"""A .docx read as a plain outline: paragraphs (text, style, bold, automatic numbering), tables."""

from __future__ import annotations

import io
from dataclasses import field

from docx import Document
from docx.oxml.ns import qn

from jixiao.frozen import frozen
from jixiao.render import wordml


@frozen
class Paragraph:
    """One paragraph: its text as Word shows it, minus any automatic number."""

    text: str
    style: str = ""
    bold: bool = False
    list_level: int | None = None
    """The `w:numPr` level (0 = first) when Word numbers the paragraph itself."""


@frozen
class Table:
    """One table: rows of cell texts, a merged cell once (where it starts)."""

    rows: list[list[str]] = field(default_factory=list)
    """Each cell's text: its paragraphs joined, as docxtext reads it."""
    paragraphs: list[list[tuple[str, ...]]] = field(default_factory=list)
    """Each cell's paragraphs, the rows' shape (empty when not known: one paragraph a cell)."""

    def cells(self) -> list[str]:
        """Every cell text in reading order."""
        return [cell for row in self.rows for cell in row]

    def cell_paragraphs(self) -> list[tuple[str, ...]]:
        """Every cell's paragraphs in reading order, as `cells()`."""
        if not self.paragraphs:
            return [(cell,) for cell in self.cells()]
        return [cell for row in self.paragraphs for cell in row]


Block = Paragraph | Table


class NotReadable(Exception):
    """The file is no .docx jixiao can read: a message code and its fields."""

    def __init__(self, code: str, **fields: object) -> None:
        super().__init__(code)
        self.code = code
        self.fields = fields


def _text(element: object) -> str:
    """The text of a paragraph or cell as docxtext reads it (w:t only)."""
    return "".join(t.text or "" for t in element.iter(qn("w:t")))  # type: ignore[attr-defined]


def _bold(p: object, style_bold: bool) -> bool:
    """Whether every run with text in `p` is bold (directly or by the paragraph style)."""
    seen = False
    for run in p.iter(qn("w:r")):  # type: ignore[attr-defined]
        if not "".join(t.text or "" for t in run.iter(qn("w:t"))).strip():
            continue
        seen = True
        b = run.find(qn("w:rPr") + "/" + qn("w:b"))
        if b is None:
            if not style_bold:
                return False
        elif b.get(qn("w:val")) in ("0", "false", "off"):
            return False
    return seen


def _list_level(p: object) -> int | None:
    """The automatic-numbering level of `p`, or None when Word does not number it."""
    num = p.find(qn("w:pPr") + "/" + qn("w:numPr"))  # type: ignore[attr-defined]
    if num is None:
        return None
    num_id = num.find(qn("w:numId"))
    if num_id is not None and num_id.get(qn("w:val")) == "0":
        return None
    level = num.find(qn("w:ilvl"))
    value = level.get(qn("w:val")) if level is not None else "0"
    return int(value) if value and value.isdigit() else 0


def _table(tbl: object) -> Table:
    """The rows of `tbl`; a vertically continued cell is left out, as docxtext does."""
    rows: list[list[str]] = []
    paragraphs: list[list[tuple[str, ...]]] = []
    for tr in tbl.iter(qn("w:tr")):  # type: ignore[attr-defined]
        row, parts = [], []
        for tc in tr.iter(qn("w:tc")):
            merge = tc.find(qn("w:tcPr") + "/" + qn("w:vMerge"))
            if merge is not None and merge.get(qn("w:val")) in (None, "continue"):
                continue
            row.append(_text(tc))
            parts.append(tuple(_text(p) for p in tc.iter(qn("w:p"))))
        rows.append(row)
        paragraphs.append(parts)
    return Table(rows, paragraphs)


def read_outline(data: bytes) -> list[Block]:
    """The body of the .docx `data` in order; NotReadable for anything that is not one."""
    if not data:
        raise NotReadable("import_empty")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise NotReadable("import_legacy")
    try:
        parts = wordml.read_package(data)
    except wordml.PackageProblem as problem:
        code = "import_" + problem.code.removeprefix("template_")
        raise NotReadable(code, **problem.fields) from None
    try:
        document = Document(io.BytesIO(_repack(parts)))
    except Exception:  # python-docx raises many kinds for a broken package
        raise NotReadable("import_unreadable") from None
    blocks: list[Block] = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            blocks.append(_paragraph(document, element))
        elif element.tag == qn("w:tbl"):
            blocks.append(_table(element))
    return blocks


def _repack(parts: dict[str, bytes]) -> bytes:
    """The checked parts as a zip again, for python-docx to open."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    return buffer.getvalue()


def _paragraph(document: object, p: object) -> Paragraph:
    """One body paragraph with what heading recognition needs."""
    style_id = p.find(qn("w:pPr") + "/" + qn("w:pStyle"))  # type: ignore[attr-defined]
    style_name, style_bold = "", False
    if style_id is not None:
        styles = document.styles  # type: ignore[attr-defined]
        for style in styles:
            if style.style_id == style_id.get(qn("w:val")):
                style_name = style.name or ""
                style_bold = bool(style.font.bold)
                break
    return Paragraph(_text(p), style_name, _bold(p, style_bold), _list_level(p))
