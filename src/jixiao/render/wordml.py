"""The one place that writes WordprocessingML (w:) by hand, in small named functions.

python-docx has no API for East Asian fonts, page-number fields, odd/even footers or a
document grid; these helpers add exactly that, keeping the schema's element order.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from docx.enum.section import WD_ORIENT, WD_SECTION_START
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Length, Mm, Pt

_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
FIXED_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
"""Core-property time used when content gives none, so renders do not depend on the clock."""


def set_fonts(element: Any, east_asia: str, latin: str = "Times New Roman") -> None:
    """Set the East Asian and Latin fonts on a style or run element (its w:rPr/w:rFonts).

    Theme attributes are removed, since they would override the names given here.
    """
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in _THEME_ATTRS:
        key = qn(attr)
        if key in fonts.attrib:
            del fonts.attrib[key]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def set_language(element: Any, east_asia: str = "zh-CN") -> None:
    """Mark a style or run as Chinese text, so shared punctuation takes the Chinese font."""
    rpr = element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), east_asia)


def clear_default_theme_fonts(document: Any) -> None:
    """Drop theme font attributes from w:docDefaults, so styles' own fonts apply."""
    styles = document.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        for attr in _THEME_ATTRS:
            key = qn(attr)
            if key in fonts.attrib:
                del fonts.attrib[key]


def set_first_line_indent_chars(paragraph_format_element: Any, chars: int = 2) -> None:
    """Indent a style's or paragraph's first line by `chars` characters (w:firstLineChars)."""
    ind = paragraph_format_element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(chars * 320))


def setup_gbt9704_page(section: Any, landscape: bool = False) -> None:
    """A4 with GB/T 9704-2012 margins: 天头 37 mm, 订口 28 mm, text area 156 × 225 mm.

    The footer sits so that the page number's line starts 7 mm below the text area (§7.5).
    """
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.PORTRAIT
    section.top_margin = Mm(37)
    section.bottom_margin = Mm(35)
    section.left_margin = Mm(28)
    section.right_margin = Mm(26)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(35 - 7 - 5)  # a 4号 line is about 5 mm high
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
        section.left_margin, section.right_margin = Mm(37), Mm(35)
        section.footer_distance = Mm(26 - 7 - 5)


def is_landscape(sectPr: Any) -> bool:
    """Whether a w:sectPr describes a landscape page (wider than high, or so marked)."""
    width, height = sectPr.page_width, sectPr.page_height
    if width is not None and height is not None:
        return width > height
    return sectPr.orientation == WD_ORIENT.LANDSCAPE


def orient_section(sectPr: Any, landscape: bool) -> None:
    """Turn a w:sectPr's page to `landscape` or portrait, as setup_gbt9704_page does.

    The page is transposed: width and height swap, top/bottom margins take the left/right
    ones and vice versa; header and footer keep their distance from the text area.
    """
    if is_landscape(sectPr) == landscape:
        sectPr.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        return
    top, bottom = sectPr.top_margin or 0, sectPr.bottom_margin or 0
    left, right = sectPr.left_margin or 0, sectPr.right_margin or 0
    header, footer = sectPr.header, sectPr.footer
    sectPr.page_width, sectPr.page_height = sectPr.page_height, sectPr.page_width
    sectPr.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    sectPr.top_margin, sectPr.bottom_margin = left, right
    sectPr.left_margin, sectPr.right_margin = top, bottom
    if header is not None:
        sectPr.header = Emu(max(0, left - (top - header)))
    if footer is not None:
        sectPr.footer = Emu(max(0, right - (bottom - footer)))


def text_width(sectPr: Any) -> Length:
    """The width between a w:sectPr's margins (page width less left, right and gutter)."""
    used = (sectPr.left_margin or 0) + (sectPr.right_margin or 0) + (sectPr.gutter or 0)
    return Emu((sectPr.page_width or Mm(210)) - used)


def continue_page_numbers(sectPr: Any) -> None:
    """Drop a restart of page numbering (w:pgNumType/@w:start): pages run on from before."""
    for numbering in sectPr.findall(qn("w:pgNumType")):
        numbering.attrib.pop(qn("w:start"), None)


def start_on_next_page(sectPr: Any) -> None:
    """Make a section begin on a new page (w:type w:val="nextPage", written out)."""
    sectPr.get_or_add_type().set(qn("w:val"), WD_SECTION_START.NEW_PAGE.xml_value)


def end_section_at(p: Any, sectPr: Any) -> None:
    """Make paragraph `p` the last of a section with properties `sectPr`; drop its content.

    Only its w:pPr stays, holding the w:sectPr (a section break paragraph).
    """
    for child in list(p):
        if child.tag != qn("w:pPr"):
            p.remove(child)
    p.set_sectPr(sectPr)


def paragraph_after(element: Any) -> Any:
    """Insert an empty w:p right after `element`, e.g. to keep two tables from joining."""
    p = OxmlElement("w:p")
    element.addnext(p)
    return p


_TBL_PR_AFTER_BORDERS = (
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
)
_TR_PR_AFTER_TBL_HEADER = ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")
_TR_PR_AFTER_CANT_SPLIT = ("w:trHeight", "w:tblHeader", *_TR_PR_AFTER_TBL_HEADER)


def set_table_width(tbl: Any, twips: int) -> None:
    """Give a table a fixed total width in twips (w:tblW w:type="dxa")."""
    width = tbl.tblPr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tbl.tblPr.insert_element_before(
            width, "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", *_TBL_PR_AFTER_BORDERS
        )
    width.set(qn("w:w"), str(twips))
    width.set(qn("w:type"), "dxa")


def set_table_borders(tbl: Any, size_eighths: int = 4) -> None:
    """Single black lines round and between all cells (w:tblBorders), as 'Table Grid' has."""
    tbl_pr = tbl.tblPr
    old = tbl_pr.find(qn("w:tblBorders"))
    if old is not None:
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), str(size_eighths))
        line.set(qn("w:space"), "0")
        line.set(qn("w:color"), "auto")
        borders.append(line)
    tbl_pr.insert_element_before(borders, *_TBL_PR_AFTER_BORDERS)


def repeat_as_header(tr: Any) -> None:
    """Repeat a table row at the top of each page the table runs onto (w:tblHeader)."""
    tr_pr = tr.get_or_add_trPr()
    if tr_pr.find(qn("w:tblHeader")) is None:
        tr_pr.insert_element_before(OxmlElement("w:tblHeader"), *_TR_PR_AFTER_TBL_HEADER)


def keep_row_with_next(tr: Any) -> None:
    """Keep a table row on the page of the row after it (w:keepNext on its paragraphs)."""
    for p in tr.iter(qn("w:p")):
        p.get_or_add_pPr().keepNext_val = True


def keep_row_on_one_page(tr: Any) -> None:
    """Keep a table row from breaking across pages (w:cantSplit)."""
    tr_pr = tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.insert_element_before(OxmlElement("w:cantSplit"), *_TR_PR_AFTER_CANT_SPLIT)


def add_page_field(paragraph: Any) -> None:
    """Append a PAGE field (the current page number) to `paragraph`, one run per part."""

    def run_with(child: Any) -> None:
        run = paragraph.add_run()
        run._r.append(child)

    for part in ("begin", " PAGE ", "separate", "1", "end"):
        if part in ("begin", "separate", "end"):
            child = OxmlElement("w:fldChar")
            child.set(qn("w:fldCharType"), part)
        elif part.strip() == "PAGE":
            child = OxmlElement("w:instrText")
            child.set(qn("xml:space"), "preserve")
            child.text = part
        else:
            child = OxmlElement("w:t")
            child.text = part
        run_with(child)


def page_number_footer(section: Any, odd_even: bool = True, size_pt: float = 14) -> None:
    """Footers showing '— 1 —' (GB/T 9704 §7.5): odd pages right, even pages left.

    The dashes are U+2014; the number is 4号 (14 pt) 宋体. With `odd_even`, the caller must
    also turn on odd/even headers in the document settings (`enable_odd_even_pages`).
    """
    footers = [(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)]
    if odd_even:
        footers.append((section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT))
    for footer, align in footers:
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        fmt.left_indent = Pt(size_pt) if align == WD_ALIGN_PARAGRAPH.LEFT else None
        fmt.right_indent = Pt(size_pt) if align == WD_ALIGN_PARAGRAPH.RIGHT else None
        fmt.first_line_indent = Pt(0)
        paragraph.add_run("— ")
        add_page_field(paragraph)
        paragraph.add_run(" —")
        for run in paragraph.runs:
            run.font.size = Pt(size_pt)
            set_fonts(run._r, "宋体", "宋体")


def enable_odd_even_pages(document: Any) -> None:
    """Let odd and even pages have different footers (w:evenAndOddHeaders)."""
    document.settings.odd_and_even_pages_header_footer = True


def pin_core_properties(
    document: Any, title: str, author: str, when: dt.datetime | None = None
) -> None:
    """Set title and author, and fix every time and revision, so renders are reproducible."""
    props = document.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.created = props.modified = when or FIXED_TIME
    props.revision = 1
    props.comments = ""
    props.last_printed = when or FIXED_TIME


def deterministic_zip(data: bytes) -> bytes:
    """The same .docx with fixed entry times and attributes, entries in their original order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            entry.create_system = 0
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
