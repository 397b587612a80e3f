"""Official-document (公文) styles per GB/T 9704-2012, applied to a python-docx Document.

Used to build report-kind templates: A4, 3号仿宋 body on a 28 × 22 grid, 2号小标宋 title,
黑体 / 楷体 / 仿宋 headings, page numbers '— 1 —'. A unit may restyle in Word afterwards.
"""

from __future__ import annotations

from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Pt, RGBColor

from jixiao.frozen import frozen
from jixiao.render import wordml

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
LINE_PT = 28.95  # 22 lines in a 225 mm text area
TABLE_PT = 10.5  # 5号, the usual size in the forms (附件)
TABLE_TEXT = "Table Text"


@frozen
class Look:
    """How one style looks: East Asian font, size, weight, alignment, first-line indent.

    `single` means single line spacing instead of the fixed 公文 line (for table cells).
    """

    font: str
    size: float = BODY_PT
    bold: bool = False
    align: WD_ALIGN_PARAGRAPH | None = None
    indent_chars: int = 2
    outline: int | None = None
    single: bool = False


FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
XIAOBIAOSONG = "方正小标宋简体"

PARAGRAPH_STYLES: dict[str, Look] = {
    "Normal": Look(FANGSONG, align=WD_ALIGN_PARAGRAPH.JUSTIFY),
    "Title": Look(XIAOBIAOSONG, TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0),
    "Heading 1": Look(HEITI, outline=0),
    "Heading 2": Look(KAITI, outline=1),
    "Heading 3": Look(FANGSONG, outline=2),
    "Heading 4": Look(FANGSONG, outline=3),
    TABLE_TEXT: Look(
        FANGSONG, TABLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, single=True
    ),
    "Attachment Label": Look(HEITI, align=WD_ALIGN_PARAGRAPH.LEFT, indent_chars=0),
    "Form Title": Look(XIAOBIAOSONG, TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0),
    "Form Subtitle": Look(KAITI, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0),
    "Form Note": Look(FANGSONG, 12, align=WD_ALIGN_PARAGRAPH.LEFT, indent_chars=0),
    "Unit Note": Look(FANGSONG, 12, align=WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0),
    "Closing": Look(FANGSONG, align=WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0),  # 落款
}
"""Paragraph styles by their built-in names (Word shows them as 标题 1 …)."""

CHARACTER_STYLES: dict[str, Look] = {
    "Heading 2 Char": Look(KAITI),
    "Heading 3 Char": Look(FANGSONG),
}
"""Character styles for a heading run into its paragraph: （一）基层党建推陈出新。深入……"""


def _style_fonts(style: Any, look: Look) -> None:
    wordml.set_fonts(style.element, look.font)
    wordml.set_language(style.element)
    style.font.size = Pt(look.size)
    style.font.bold = look.bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)


def _paragraph_style(document: Any, name: str, look: Look) -> None:
    try:
        style = document.styles[name]
    except KeyError:
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
    _style_fonts(style, look)
    fmt = style.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if look.single:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PT if look.size == BODY_PT else look.size * 1.6)
    fmt.alignment = look.align if look.align is not None else WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.widow_control = True
    if look.outline is not None:
        fmt.keep_with_next = True
    for border in style.element.findall(".//" + wordml.qn("w:pBdr")):
        border.getparent().remove(border)
    # also 0 when not indented: Normal's w:firstLineChars would win over w:firstLine="0"
    wordml.set_first_line_indent_chars(style.element, look.indent_chars)


def _character_style(document: Any, name: str, look: Look) -> None:
    try:
        style = document.styles[name]
    except KeyError:
        style = document.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    _style_fonts(style, look)


def ensure_paragraph_style(document: Any, name: str) -> None:
    """Add one of the PARAGRAPH_STYLES to a document (a template) that lacks it."""
    try:
        document.styles[name]
    except KeyError:
        _paragraph_style(document, name, PARAGRAPH_STYLES[name])


def new_document() -> Any:
    """A blank document with the 公文 page, styles and page-number footers."""
    document = Document()
    wordml.clear_default_theme_fonts(document)
    for name, look in PARAGRAPH_STYLES.items():
        _paragraph_style(document, name, look)
    for name, look in CHARACTER_STYLES.items():
        _character_style(document, name, look)
    section = document.sections[0]
    wordml.setup_gbt9704_page(section)
    wordml.enable_odd_even_pages(document)
    wordml.page_number_footer(section)
    # drop the empty first paragraph python-docx's default template starts with
    body = document.element.body
    for paragraph in list(body.iterchildren(wordml.qn("w:p"))):
        body.remove(paragraph)
    return document
