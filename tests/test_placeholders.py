"""Marker paragraphs replaced after rendering: tables where their markers were, section breaks
with the right orientation, footers kept; and, with LibreOffice, the pages as printed."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.section import Section
from lxml import etree

from jixiao.pdf import soffice, to_pdf
from jixiao.render import wordml
from jixiao.render.document import render_docx
from jixiao.render.gongwen import new_document
from jixiao.render.grid import Cell, Grid
from jixiao.render.placeholders import PlaceholderError, Placeholders
from tests.conftest import REPO, run_tool, skip_or_fail

PAGES_DIR = REPO / "output" / "pages" / "placeholders"
PORTRAIT_TEXT_TWIPS = 11906 - 1587 - 1474  # A4 less the template's left and right margins
LANDSCAPE_TEXT_TWIPS = 16838 - 2098 - 1984  # turned: top and bottom margins go to the sides


def small_grid() -> Grid:
    return Grid((1, 2), ((Cell("项目"), Cell("说明")), (Cell("甲"), Cell("乙"))), header_rows=1)


def indicator_grid(groups: int = 1, per_group: int = 6) -> Grid:
    """Indicator rows: each 一级 spans `per_group` rows, 二级 3 rows each, 三级 one row each."""
    rows: list[tuple[Cell, ...]] = [
        (Cell("部门整体支出绩效评价指标表", cols=4, bold=True),),
        (Cell("一级指标"), Cell("二级指标"), Cell("三级指标"), Cell("分值")),
    ]
    for g in range(groups):
        for i in range(per_group):
            row = [Cell(f"一级{g + 1}", rows=per_group)] if i == 0 else []
            if i % 3 == 0:
                row.append(Cell(f"二级{g + 1}.{i // 3 + 1}", rows=min(3, per_group - i)))
            row += [Cell(f"三级指标{g + 1}.{i + 1}"), Cell(str(i + 1))]
            rows.append(tuple(row))
    rows.append((Cell("合计", cols=3, bold=True), Cell("100")))
    return Grid((2, 2, 5, 1), tuple(rows), header_rows=2)


def document_with(*texts: str) -> Any:
    """A 公文 document (page-number footers and all) with one paragraph per text."""
    document = new_document()
    for text in texts:
        document.add_paragraph(text)
    return document


def xml(document: Any) -> bytes:
    return etree.tostring(document.element)


def body_kinds(document: Any) -> list[str]:
    """The body's children as 'p:<text>', 'p|sect' (a section break paragraph), 'tbl', 'sectPr'."""
    out = []
    for child in document.element.body.iterchildren():
        tag = etree.QName(child).localname
        if tag == "p":
            text = "".join(t.text or "" for t in child.iter(qn("w:t")))
            out.append(
                "p|sect"
                if child.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None
                else f"p:{text}"
            )
        else:
            out.append(tag)
    return out


def test_table_and_sections_replace_their_markers() -> None:
    marks = Placeholders()
    document = document_with(
        "前文",
        marks.table(small_grid()),
        marks.section(landscape=True),
        "横向",
        marks.section(landscape=False),
        "后文",
    )
    marks.apply(document)
    assert body_kinds(document) == [
        "p:前文",
        "tbl",
        "p|sect",
        "p:横向",
        "p|sect",
        "p:后文",
        "sectPr",
    ]
    sections = document.sections
    assert [s.orientation for s in sections] == [
        WD_ORIENT.PORTRAIT,
        WD_ORIENT.LANDSCAPE,
        WD_ORIENT.PORTRAIT,
    ]
    for section in sections:
        kinds = [ref.get(qn("w:type")) for ref in section._sectPr.iter(qn("w:footerReference"))]
        assert kinds == ["default", "even"]
        assert section._sectPr.find(qn("w:type")).get(qn("w:val")) == "nextPage"
    assert "⟦" not in "".join(document.element.body.itertext())
    width = document.element.body.find(qn("w:tbl")).tblPr.find(qn("w:tblW"))
    assert width.get(qn("w:w")) == str(PORTRAIT_TEXT_TWIPS)


def test_landscape_section_is_the_gbt9704_page_turned() -> None:
    marks = Placeholders()
    document = document_with("前文", marks.section(landscape=True), "横向")
    marks.apply(document)
    expected = Section(Document().sections[0]._sectPr.clone(), None)
    wordml.setup_gbt9704_page(expected, landscape=True)
    got = document.sections[1]
    for name in ("page_width", "page_height", "orientation"):
        assert getattr(got, name) == getattr(expected, name), name
    for name in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        assert getattr(got, name).twips == getattr(expected, name).twips, name
    # the footer keeps its distance below the text area, as setup_gbt9704_page sets it
    assert got.footer_distance.twips == expected.footer_distance.twips
    first = document.sections[0]
    assert (first.page_width.twips, first.page_height.twips) == (11906, 16838)


def test_a_table_in_a_landscape_section_fills_its_wider_text_area() -> None:
    marks = Placeholders()
    document = document_with(marks.section(landscape=True), marks.table(small_grid()), "完")
    marks.apply(document)
    tbl = document.element.body.find(qn("w:tbl"))
    assert tbl.tblPr.find(qn("w:tblW")).get(qn("w:w")) == str(LANDSCAPE_TEXT_TWIPS)
    columns = [int(c.get(qn("w:w"))) for c in tbl.tblGrid.gridCol_lst]
    assert sum(columns) == LANDSCAPE_TEXT_TWIPS


def test_page_numbers_run_on_through_later_sections() -> None:
    marks = Placeholders()
    document = document_with("正文", marks.section(landscape=True), "附件")
    numbering = etree.SubElement(document.sections[0]._sectPr, qn("w:pgNumType"))
    numbering.set(qn("w:start"), "1")
    marks.apply(document)
    starts = [s._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) for s in document.sections]
    assert starts == ["1", None]


def test_adjacent_tables_are_kept_apart_and_the_body_ends_with_a_paragraph() -> None:
    marks = Placeholders()
    document = document_with(marks.table(small_grid()), marks.table(small_grid()))
    marks.apply(document)
    assert body_kinds(document) == ["tbl", "p:", "tbl", "p:", "sectPr"]


@pytest.mark.parametrize(
    "texts",
    [
        ("⟦jixiao:table:2⟧",),  # only one table registered
        ("⟦jixiao:table:1⟧ 说明",),  # not alone in its paragraph
        ("⟦jixiao:figure:1⟧",),
        ("⟦jixiao:section:sideways⟧",),
    ],
)
def test_bad_markers_raise_and_change_nothing(texts: tuple[str, ...]) -> None:
    marks = Placeholders()
    marks.table(small_grid())
    document = document_with("前文", marks.section(landscape=True), *texts)
    before = xml(document)
    with pytest.raises(PlaceholderError):
        marks.apply(document)
    assert xml(document) == before


def test_a_marker_inside_a_table_cell_is_an_error() -> None:
    marks = Placeholders()
    document = new_document()
    document.add_table(rows=1, cols=1).cell(0, 0).text = marks.table(small_grid())
    with pytest.raises(PlaceholderError, match="not directly in the document body"):
        marks.apply(document)


def test_without_markers_apply_changes_nothing() -> None:
    marks = Placeholders()
    assert marks.empty
    document = document_with("前文", "后文")
    before = xml(document)
    marks.apply(document)
    assert xml(document) == before


def template(tmp_path: Path, *texts: str) -> Path:
    path = tmp_path / "template.docx"
    document_with(*texts).save(path)
    return path


def test_render_docx_applies_the_placeholders_given(tmp_path: Path) -> None:
    path = template(tmp_path, "前文", "{{ forms.table }}", "{{ forms.landscape }}", "附件")
    marks = Placeholders()
    context: dict[str, Any] = {
        "forms": {"table": marks.table(small_grid()), "landscape": marks.section(True)}
    }
    data = render_docx(path, context, "标题", "单位", placeholders=marks)
    document = Document(io.BytesIO(data))
    assert [t.rows[1].cells[0].text for t in document.tables] == ["甲"]
    assert [s.orientation for s in document.sections] == [0, 1]
    assert data == render_docx(path, context, "标题", "单位", placeholders=marks)


def test_render_docx_rejects_a_marker_of_other_placeholders(tmp_path: Path) -> None:
    path = template(tmp_path, "前文", "{{ stray }}")
    with pytest.raises(PlaceholderError):
        stray = {"stray": Placeholders().table(small_grid())}
        render_docx(path, stray, "标题", "单位", Placeholders())


def require(*tools: str) -> None:
    """Skip when LibreOffice or poppler is missing; in CI (CI=true), fail instead."""
    missing = [] if soffice() else ["soffice"]
    missing += [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        skip_or_fail(f"missing {', '.join(missing)}")


@pytest.mark.office
def test_libreoffice_prints_a_landscape_attachment_with_repeated_header(tmp_path: Path) -> None:
    require("pdfinfo", "pdftotext", "pdftoppm")
    marks = Placeholders()
    document = document_with(
        "正文第一页。",
        marks.section(landscape=True),
        "附件1",
        marks.table(indicator_grid(groups=4, per_group=9)),
        marks.section(landscape=False),
        "正文之后。",
    )
    marks.apply(document)
    docx = tmp_path / "attachments.docx"
    document.save(docx)
    pdf = to_pdf(docx, tmp_path)
    sizes = re.findall(
        r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", run_tool("pdfinfo", "-f", 1, "-l", 9, pdf)
    )
    pages = [(round(float(w)), round(float(h))) for w, h in sizes]
    assert pages[0] == (595, 842) and pages[1] == (842, 595) and pages[2] == (842, 595)
    assert pages[-1] == (595, 842) and len(pages) >= 4
    for page in range(2, len(pages)):  # every landscape page: header row, page number
        text = re.sub(
            r"\s+", "", run_tool("pdftotext", "-f", page, "-l", page, "-layout", pdf, "-")
        )
        assert "一级指标" in text and "三级指标" in text, f"page {page}: no header row"
        assert re.search(rf"—{page}—", text), f"page {page}: page number"
    PAGES_DIR.mkdir(parents=True, exist_ok=True)
    run_tool("pdftoppm", "-r", 60, "-png", "-f", 1, "-l", 4, pdf, PAGES_DIR / "page")
