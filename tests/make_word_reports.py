"""Build Word files the way a unit's own report looks, from the seed reports' text.

    python tests/make_word_reports.py OUT_DIR        # one .docx per seed and style

Seed text: one paragraph a line; lines starting with a tab are table cells, a blank line ends
a table row. Styles: `typed` (numbers typed in the text), `auto` (一、 and （一） headings get
Word's automatic numbering, `w:numPr`, the number removed from the text), `bold` (headings bold).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

SEEDS = Path("/work/shared/seeds")
STYLES = ("typed", "auto", "bold")
_LEVELS = (
    (re.compile(r"^[一二三四五六七八九十]+、\s*"), 0, "chineseCounting", "%1、"),
    (re.compile(r"^（[一二三四五六七八九十]+）\s*"), 1, "chineseCounting", "（%2）"),
)
_TYPED = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d{1,2}[.、．])")


def blocks(text: str) -> list[str | list[list[str]]]:
    """The seed as paragraphs (str) and tables (rows of cells)."""
    out: list[str | list[list[str]]] = []
    table: list[list[str]] | None = None
    row: list[str] = []
    text = re.sub(r"\[bookmark:[^\]]*\]", "", text)  # an extraction artefact, not document text
    lines = text.splitlines()
    for line in lines:
        if line.startswith("\t"):
            if table is None:
                table = []
            row.append(line[1:].strip())
            continue
        if table is not None and row and row[-1] and line.strip():
            row[-1] += "\n" + line.strip()  # a cell broken over lines
            continue
        if table is not None:
            if row:
                table.append(row)
                row = []
            if not line.strip():
                continue
            out.append(table)
            table = None
        out.append(line.strip())
    if table is not None:
        if row:
            table.append(row)
        out.append(table)
    return out


def _numbering(document: object) -> str:
    """Add an abstract list with levels 一、 and （一） to `document`; its numId."""
    part = document.part.numbering_part  # type: ignore[attr-defined]
    levels = "".join(
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
        for _pattern, ilvl, fmt, text in _LEVELS
    )
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{levels}</w:abstractNum>'
    )
    num = parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    root = part.element
    first_num = root.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        root.append(abstract)
    root.append(num)
    return "90"


def build(seed_text: str, style: str, path: Path) -> None:
    """Write the seed as a .docx in `style` to `path`."""
    document = Document()
    num_id = _numbering(document) if style == "auto" else ""
    for block in blocks(seed_text):
        if isinstance(block, list):
            width = max(len(row) for row in block)
            table = document.add_table(rows=len(block), cols=width)
            for r, row in enumerate(block):
                for c, cell in enumerate(row):
                    target = table.cell(r, c)
                    lines = cell.split("\n")
                    target.text = lines[0]
                    for line in lines[1:]:
                        target.add_paragraph(line)
            continue
        text, level = block, None
        if style == "auto":
            for pattern, ilvl, _fmt, _text in _LEVELS:
                if pattern.match(text):
                    text, level = pattern.sub("", text, count=1), ilvl
                    break
        paragraph = document.add_paragraph()
        run = paragraph.add_run(text)
        if style == "bold" and _TYPED.match(text) and len(text) <= 40:
            run.bold = True
        if level is not None:
            ppr = paragraph._p.get_or_add_pPr()
            ppr.append(
                parse_xml(
                    f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
                    f'<w:numId w:val="{num_id}"/></w:numPr>'
                )
            )
    document.save(path)


def build_all(out: Path) -> list[tuple[Path, Path]]:
    """Every seed in every style under `out`: (docx, seed) pairs."""
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for seed in sorted(SEEDS.glob("*.txt")):
        for style in STYLES:
            path = out / f"{seed.stem}-{style}.docx"
            build(seed.read_text(encoding="utf-8"), style, path)
            made.append((path, seed))
    return made


if __name__ == "__main__":
    for docx, _seed in build_all(Path(sys.argv[1])):
        print(docx)
