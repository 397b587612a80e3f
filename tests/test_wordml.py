"""The WordprocessingML helpers, each applied to a small document and checked in its XML."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.oxml.ns import qn

from jixiao.render import wordml
from jixiao.render.gongwen import new_document


def test_set_fonts_names_east_asian_font_and_drops_theme() -> None:
    document = Document()
    run = document.add_paragraph().add_run("字")
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsiaTheme"), "minorEastAsia")
    wordml.set_fonts(run._r, "仿宋_GB2312")
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert fonts.get(qn("w:eastAsiaTheme")) is None
    assert fonts.get(qn("w:ascii")) == "Times New Roman"


def test_page_field_is_a_complete_field() -> None:
    paragraph = Document().add_paragraph()
    wordml.add_page_field(paragraph)
    kinds = [c.get(qn("w:fldCharType")) for c in paragraph._p.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    assert [i.text for i in paragraph._p.iter(qn("w:instrText"))] == [" PAGE "]


def test_gongwen_document_page_and_footers() -> None:
    document = new_document()
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert document.settings.odd_and_even_pages_header_footer
    assert section.footer.paragraphs[0].text == "— 1 —"
    assert section.even_page_footer.paragraphs[0].text == "— 1 —"
    body = document.styles["Normal"].element.rPr.rFonts
    assert body.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert document.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"


def test_deterministic_zip_pins_times_and_keeps_order() -> None:
    buffer = io.BytesIO()
    Document().save(buffer)
    fixed = wordml.deterministic_zip(buffer.getvalue())
    entries = zipfile.ZipFile(io.BytesIO(fixed)).infolist()
    assert all(e.date_time == (1980, 1, 1, 0, 0, 0) for e in entries)
    original = [e.filename for e in zipfile.ZipFile(buffer).infolist()]
    assert [e.filename for e in entries] == original
    assert wordml.deterministic_zip(fixed) == fixed
