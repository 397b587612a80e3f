"""Grids as Word tables: merges, text only in origin cells, schema order, widths, header rows."""

from __future__ import annotations

from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Twips

from jixiao.render import gongwen
from jixiao.render.gongwen import new_document
from jixiao.render.grid import Align, Cell, Grid
from jixiao.render.tables import column_twips, grid_table


def schema_order(*names: str) -> list[str]:
    """Qualified w: tag names in the order ECMA-376 gives them (CT_TcPr, CT_TrPr, CT_TblPr)."""
    return [qn(f"w:{name}") for name in names]


TC_PR_ORDER = schema_order(
    "cnfStyle",
    "tcW",
    "gridSpan",
    "hMerge",
    "vMerge",
    "tcBorders",
    "shd",
    "noWrap",
    "tcMar",
    "textDirection",
    "tcFitText",
    "vAlign",
    "hideMark",
    "headers",
    "cellIns",
    "cellDel",
    "cellMerge",
    "tcPrChange",
)
TR_PR_ORDER = schema_order(
    "cnfStyle",
    "divId",
    "gridBefore",
    "gridAfter",
    "wBefore",
    "wAfter",
    "cantSplit",
    "trHeight",
    "tblHeader",
    "tblCellSpacing",
    "jc",
    "hidden",
    "ins",
    "del",
    "trPrChange",
)
TBL_PR_ORDER = schema_order(
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
    "tblPrChange",
)
TEXT_WIDTH = Twips(8845)  # A4 less GB/T 9704 left and right margins, as the template has


def indicator_grid() -> Grid:
    """An indicator table: 一级 spans 6 rows, 二级 4 and 2, 三级 1, 3 and 2; a total row."""
    return Grid(
        widths=(1, 1, 2, 1),
        header_rows=2,
        rows=(
            (Cell("部门整体支出绩效评价指标", cols=4, bold=True),),
            (Cell("一级指标"), Cell("二级指标"), Cell("三级指标"), Cell("分值")),
            (Cell("产出", rows=6), Cell("数量", rows=4), Cell("指标甲"), Cell("10")),
            (Cell("指标乙", rows=3), Cell("11")),
            (Cell("12"),),
            (Cell("13"),),
            (Cell("质量", rows=2), Cell("指标丙", rows=2), Cell("14")),
            (Cell("15"),),
            (Cell("合计", cols=3, bold=True), Cell("75")),
        ),
    )


def cell_map(tbl: Any) -> dict[tuple[int, int], Any]:
    """Each w:tc by (row, first grid column)."""
    out = {}
    for r, tr in enumerate(tbl.tr_lst):
        col = 0
        for tc in tr.tc_lst:
            out[(r, col)] = tc
            col += tc.grid_span
    return out


def vmerge(tc: Any) -> str | None:
    """'restart', 'continue' or None (w:vMerge without w:val means continue)."""
    merge = tc.tcPr.find(qn("w:vMerge"))
    if merge is None:
        return None
    return merge.get(qn("w:val"), "continue")


def text(tc: Any) -> str:
    return "".join(t.text or "" for t in tc.iter(qn("w:t")))


def in_schema_order(element: Any, order: list[str]) -> bool:
    positions = [order.index(child.tag) for child in element]
    return positions == sorted(positions)


def test_three_level_vertical_merge_and_colspans() -> None:
    tbl = grid_table(new_document(), indicator_grid(), TEXT_WIDTH)._tbl
    cells = cell_map(tbl)
    column = {c: [vmerge(cells[(r, c)]) for r in range(2, 8)] for c in range(3)}
    restart, cont = "restart", "continue"
    assert column[0] == [restart, cont, cont, cont, cont, cont]
    assert column[1] == [restart, cont, cont, cont, restart, cont]
    assert column[2] == [None, restart, cont, cont, restart, cont]
    assert [tc.grid_span for tc in tbl.tr_lst[0].tc_lst] == [4]
    assert [tc.grid_span for tc in tbl.tr_lst[8].tc_lst] == [3, 1]
    assert all(len(tr.tc_lst) == 4 for tr in tbl.tr_lst[1:8])


def test_text_only_in_origin_cells() -> None:
    tbl = grid_table(new_document(), indicator_grid(), TEXT_WIDTH)._tbl
    cells = cell_map(tbl)
    assert text(cells[(2, 0)]) == "产出" and text(cells[(2, 1)]) == "数量"
    assert text(cells[(3, 2)]) == "指标乙" and text(cells[(8, 0)]) == "合计"
    for tc in cells.values():
        if vmerge(tc) == "continue":
            assert text(tc) == ""
    every = [text(tc) for tc in cells.values() if text(tc)]
    assert len(every) == len(set(every)) == len(indicator_grid().placed())


def test_properties_keep_schema_order() -> None:
    tbl = grid_table(new_document(), indicator_grid(), TEXT_WIDTH)._tbl
    assert in_schema_order(tbl.tblPr, TBL_PR_ORDER)
    for tr in tbl.tr_lst:
        assert in_schema_order(tr.trPr, TR_PR_ORDER)
        for tc in tr.tc_lst:
            assert in_schema_order(tc.tcPr, TC_PR_ORDER)
            assert tc.tcPr.find(qn("w:vAlign")).get(qn("w:val")) == "center"


def test_header_rows_repeat_and_short_rows_do_not_split() -> None:
    tbl = grid_table(new_document(), indicator_grid(), TEXT_WIDTH)._tbl
    header = [tr.trPr.find(qn("w:tblHeader")) is not None for tr in tbl.tr_lst]
    assert header == [True, True] + [False] * 7
    assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in tbl.tr_lst)


def test_a_long_row_may_split() -> None:
    grid = Grid((1, 1), ((Cell("短"), Cell("很长的说明文字" * 60)), (Cell("a"), Cell("b"))))
    tbl = grid_table(new_document(), grid, TEXT_WIDTH)._tbl
    assert [tr.xpath("w:trPr/w:cantSplit") != [] for tr in tbl.tr_lst] == [False, True]


def test_widths_fill_the_text_width_in_proportion() -> None:
    tbl = grid_table(new_document(), indicator_grid(), TEXT_WIDTH)._tbl
    columns = [int(c.get(qn("w:w"))) for c in tbl.tblGrid.gridCol_lst]
    assert sum(columns) == 8845
    assert columns == [1769, 1769, 3538, 1769]
    assert tbl.tblPr.find(qn("w:tblW")).get(qn("w:w")) == "8845"
    assert tbl.tblPr.find(qn("w:tblW")).get(qn("w:type")) == "dxa"
    assert tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    for tr in tbl.tr_lst:
        cell_widths = [int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in tr.tc_lst]
        assert sum(cell_widths) == 8845
    total = cell_map(tbl)[(8, 0)]
    assert total.tcPr.find(qn("w:tcW")).get(qn("w:w")) == str(sum(columns[:3]))


def test_column_twips_are_whole_and_exact() -> None:
    assert column_twips((1, 1, 1), 100) == [34, 33, 33]
    assert sum(column_twips((0.7, 2.3, 1.1, 5), 12755)) == 12755


def test_cell_paragraphs_style_alignment_and_weight() -> None:
    grid = Grid(
        (1, 1),
        ((Cell(("第一段", "第二段"), align=Align.LEFT), Cell("粗", bold=True)),),
        font_pt=12,
    )
    document = new_document()
    tbl = grid_table(document, grid, TEXT_WIDTH)._tbl
    first, second = tbl.tr_lst[0].tc_lst
    assert [text(p) for p in first.p_lst] == ["第一段", "第二段"]
    assert {p.pPr.find(qn("w:jc")).get(qn("w:val")) for p in first.p_lst} == {"left"}
    style_id = document.styles[gongwen.TABLE_TEXT].style_id
    assert all(p.style == style_id for p in tbl.iter(qn("w:p")))
    run = second.p_lst[0].r_lst[0]
    assert run.rPr.b is not None and run.rPr.sz_val.pt == 12


def test_covered_cells_take_the_table_style_too() -> None:
    document = new_document()
    tbl = grid_table(document, indicator_grid(), TEXT_WIDTH)._tbl
    style_id = document.styles[gongwen.TABLE_TEXT].style_id
    covered = [tc for tc in tbl.iter_tcs() if vmerge(tc) == "continue"]
    assert covered and all(p.style == style_id for tc in covered for p in tc.p_lst)


def test_table_text_style_is_single_spaced_fangsong_not_indented() -> None:
    style = new_document().styles[gongwen.TABLE_TEXT]
    assert style.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert style.font.size.pt == gongwen.TABLE_PT
    spacing = style.element.pPr.find(qn("w:spacing"))
    assert spacing.get(qn("w:line")) == "240" and spacing.get(qn("w:lineRule")) == "auto"
    ind = style.element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "0" and ind.get(qn("w:firstLine")) == "0"
    assert style.paragraph_format.alignment == 1  # center


def test_without_table_grid_style_borders_are_written_and_style_added() -> None:
    document = Document()
    styles = document.styles.element
    styles.remove(document.styles["Table Grid"].element)
    tbl = grid_table(document, indicator_grid(), Mm(156))._tbl
    assert tbl.tblPr.find(qn("w:tblStyle")) is None
    edges = [e.tag for e in tbl.tblPr.find(qn("w:tblBorders"))]
    assert edges == [qn(f"w:{e}") for e in ("top", "left", "bottom", "right", "insideH", "insideV")]
    assert in_schema_order(tbl.tblPr, TBL_PR_ORDER)
    assert document.styles[gongwen.TABLE_TEXT].font.size.pt == gongwen.TABLE_PT


def test_table_grid_style_is_used_when_present() -> None:
    tbl = grid_table(new_document(), indicator_grid(), TEXT_WIDTH)._tbl
    assert tbl.tblPr.find(qn("w:tblStyle")).get(qn("w:val")) == "TableGrid"
