"""`jixiao render --xlsx`: each sample unit's forms as a workbook, read back with openpyxl.

Every ruled table of a sheet is compared with the .docx table it was rendered beside
(merged ranges from w:gridSpan / w:vMerge, cell texts against the stored numbers), every
total and rate is recomputed here with Decimal from the sheet's own rows, and the print
setup and frozen header rows are checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.project import Project, document_name, load_unit_year, workbook_name
from tests.conftest import REPO, copy_samples, half_up, run_jixiao

SAMPLES = [
    ("lukou-zzb", 2023),
    ("kaifu-zzb", 2022),
    ("yunxi-zzb", 2022),
    ("conghua-zzb", 2022),
    ("maoming-fgj", 2021),
]
Span = tuple[int, int, int, int]  # row, column (from 0 in its table), rows, columns
Table = tuple[list[Span], dict[tuple[int, int], str]]  # merges; origin cell texts
ZERO = Decimal(0)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every sample unit rendered with --xlsx into one output folder."""
    out = tmp_path_factory.mktemp("xlsx")
    for unit, year in SAMPLES:
        result = run_jixiao(REPO, "render", str(year), "--unit", unit, "--xlsx", "--out", str(out))
        assert result.returncode == 0, result.stderr
    return out


def docx_tables(path: Path) -> list[Table]:
    """Each table of a .docx: its merged ranges (gridSpan, vMerge) and origin cell texts."""
    tables = []
    for tbl in Document(str(path)).element.body.iter(qn("w:tbl")):
        origins: dict[tuple[int, int], list[int]] = {}  # (row, col) → [rows, cols]
        texts: dict[tuple[int, int], str] = {}
        above: dict[int, tuple[int, int]] = {}  # column → origin of the span running down it
        for r, tr in enumerate(tbl.findall(qn("w:tr"))):
            c = 0
            for tc in tr.findall(qn("w:tc")):
                pr = tc.find(qn("w:tcPr"))
                span_el = pr.find(qn("w:gridSpan")) if pr is not None else None
                merge_el = pr.find(qn("w:vMerge")) if pr is not None else None
                cols = int(span_el.get(qn("w:val"))) if span_el is not None else 1
                merge = None if merge_el is None else merge_el.get(qn("w:val")) or "continue"
                if merge == "continue":
                    origins[above[c]][0] += 1
                else:
                    origins[(r, c)] = [1, cols]
                    above[c] = (r, c)
                    paragraphs = tc.findall(qn("w:p"))
                    texts[(r, c)] = "\n".join(
                        "".join(t.text or "" for t in p.iter(qn("w:t"))) for p in paragraphs
                    )
                c += cols
        merges = [(r, c, h, w) for (r, c), (h, w) in origins.items() if h > 1 or w > 1]
        tables.append((sorted(merges), texts))
    return tables


def ruled_blocks(ws: Worksheet) -> list[tuple[int, int]]:
    """The (first, last) sheet rows of each ruled table: consecutive rows with bordered cells."""
    ruled = [
        any(cell.border.left.style == "thin" for cell in row)
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row)
    ]
    blocks, start = [], None
    for index, flag in enumerate([*ruled, False], start=1):
        if flag and start is None:
            start = index
        if not flag and start is not None:
            blocks.append((start, index - 1))
            start = None
    return blocks


def sheet_merges(ws: Worksheet, first: int, last: int) -> list[Span]:
    """The merged ranges of sheet rows first…last, relative to the block's first cell."""
    return sorted(
        (m.min_row - first, m.min_col - 1, m.max_row - m.min_row + 1, m.max_col - m.min_col + 1)
        for m in ws.merged_cells.ranges
        if first <= m.min_row <= last
    )


def unit_files(out: Path, unit: str, year: int) -> tuple[list[Path], Path]:
    """The unit's .docx files in the order of its kinds, and where its workbook would be."""
    unit_year = load_unit_year(Project(REPO), unit, year)
    folder = out / str(year) / unit
    docs = [folder / document_name(unit_year.unit, k, year) for k in unit_year.kinds]
    return docs, folder / workbook_name(unit_year)


@pytest.mark.parametrize(("unit", "year"), SAMPLES)
def test_sheets_are_the_docx_tables(rendered: Path, unit: str, year: int) -> None:
    """Each ruled table of the workbook has the merges and figures of its .docx table."""
    docs, book_path = unit_files(rendered, unit, year)
    tables = [t for doc in docs for t in docx_tables(doc)]
    if not tables:  # a report with no form: no workbook
        assert not book_path.exists()
        return
    book = load_workbook(book_path)
    blocks = [(ws, first, last) for ws in book for first, last in ruled_blocks(ws)]
    assert len(blocks) == len(tables)
    for (ws, first, last), (merges, texts) in zip(blocks, tables, strict=True):
        assert sheet_merges(ws, first, last) == merges, ws.title
        for (r, c), text in texts.items():
            cell = ws.cell(first + r, 1 + c)
            if isinstance(cell.value, int | float):
                stored = Decimal(str(cell.value))
                if cell.number_format == "0.00%":
                    assert stored * 100 == Decimal(text.removesuffix("%")), (ws.title, text)
                else:
                    assert cell.number_format == "0.00", (ws.title, text)
                    assert stored == Decimal(text), (ws.title, text)
            else:
                assert (cell.value or "") == text, (ws.title, r, c)


def test_figures_are_numbers(rendered: Path) -> None:
    """Amounts and scores are numbers with two decimals shown, rates percents (not text)."""
    _, book_path = unit_files(rendered, "kaifu-zzb", 2022)
    ws = load_workbook(book_path)["重点项目支出基本情况"]
    total = row_of(rows(ws), "合计")
    assert [type(v) for v in total[3:]] == [int, int, float, float]
    assert ws.cell(5, 4).number_format == "0.00"


def test_print_setup_and_frozen_header(rendered: Path) -> None:
    """A4 landscape fitted to the page width, header rows frozen and printed on each page."""
    headers = 0
    for unit, year in (("kaifu-zzb", 2022), ("yunxi-zzb", 2022)):
        _, book_path = unit_files(rendered, unit, year)
        for ws in load_workbook(book_path):
            assert ws.page_setup.orientation == "landscape"
            assert ws.page_setup.paperSize == 9  # A4 in SpreadsheetML's paper sizes
            assert ws.sheet_properties.pageSetUpPr.fitToPage
            assert ws.page_setup.fitToWidth == 1
            first, _ = ruled_blocks(ws)[0]
            frozen = int(re.sub(r"\D", "", ws.freeze_panes))
            if ws.print_title_rows:  # the table's header rows: frozen, printed on each page
                start, end = (int(n) for n in re.findall(r"\d+", ws.print_title_rows))
                assert start == first and frozen == end + 1
                headers += 1
            else:  # a table without header rows: its title stays in view
                assert frozen == first
            widths = [ws.column_dimensions[c].width for c in "AB"]
            assert all(w and w > 1 for w in widths)
    assert headers >= 3


# Totals, recomputed from the sheet's rows ----------------------------------------------------


def rows(ws: Worksheet, first: int = 1, last: int | None = None) -> list[list[Any]]:
    return [list(r) for r in ws.iter_rows(min_row=first, max_row=last, values_only=True)]


def row_of(table: list[list[Any]], label: str) -> list[Any]:
    """The first row whose first cell is `label`."""
    return next(r for r in table if r[0] == label)


def dec(value: Any) -> Decimal:
    """A stored number as its exact decimal (an empty cell is 0, as the forms leave it)."""
    return ZERO if value in (None, "——") else Decimal(str(value))


def add(*values: Any) -> Decimal:
    return sum((dec(v) for v in values), ZERO)


def test_basic_data_totals(rendered: Path) -> None:
    """附件2 基础数据表: 三公经费, 公务用车 and 项目支出 add up; 控制率 = 在职 / 编制."""
    _, book_path = unit_files(rendered, "kaifu-zzb", 2022)
    ws = next(ws for ws in load_workbook(book_path) if ws.title.endswith("基础数据表"))
    table = rows(ws)
    cars, abroad, hosting = (
        row_of(table, t) for t in ("1、公务用车购置和维护经费", "2、出国经费", "3、公务接待")
    )
    projects = [
        r for r in table if isinstance(r[0], str) and r[0][:2] in ("1、", "2、", "3、", "4、")
    ]
    projects = projects[projects.index(row_of(table, "1、业务工作经费")) :]
    for column in (1, 3, 5):
        assert dec(row_of(table, "三公经费")[column]) == add(
            cars[column], abroad[column], hosting[column]
        )
        parts = row_of(table, "其中：公车购置")[column], row_of(table, "公车运行维护")[column]
        assert dec(cars[column]) == add(*parts)
        assert dec(row_of(table, "项目支出：")[column]) == add(*(r[column] for r in projects))
    staff = table[table.index(row_of(table, "财政供养人员情况")) + 1]
    assert dec(staff[5]) == half_up(Decimal(staff[3]) / Decimal(staff[1]), 4)


def self_evaluation_checks(table: list[list[Any]]) -> Iterator[tuple[Decimal, Decimal]]:
    """For each 自评表 in `table`: (stated, recomputed) pairs of its 执行率, funds 得分, and
    总分's 分值 and 得分 (the funds row and every indicator row added up)."""
    starts = [i for i, r in enumerate(table) if r[1] == "年度资金总额"]
    for start in starts:
        funds = table[start]
        end = next(i for i in range(start, len(table)) if table[i][0] == "总分")
        head = next(i for i in range(start, end) if table[i][6] == "分值")
        indicators = table[head + 1 : end]
        ratio = dec(funds[5]) / dec(funds[4])
        yield dec(funds[7]), half_up(ratio, 4)
        yield dec(funds[8]), half_up(dec(funds[6]) * ratio)
        yield dec(table[end][6]), add(funds[6], *(r[6] for r in indicators))
        yield dec(table[end][7]), add(funds[8], *(r[7] for r in indicators))


def level_checks(ws: Worksheet, points_column: int) -> Iterator[tuple[Decimal, Decimal]]:
    """For each merged label saying its points, e.g. '产出指标（50分）': (stated, the 分值 of
    its rows added up)."""
    for merged in ws.merged_cells.ranges:
        label = ws.cell(merged.min_row, merged.min_col).value
        found = re.search(r"（(\d+)分）", label) if isinstance(label, str) else None
        if found and merged.min_col <= points_column:
            column = [
                ws.cell(r, points_column).value for r in range(merged.min_row, merged.max_row + 1)
            ]
            yield Decimal(found[1]), add(*column)


def test_self_evaluation_totals(rendered: Path) -> None:
    """附件3 and 附件4: 执行率, the funds' 得分, 总分 and each level's points recomputed."""
    _, book_path = unit_files(rendered, "kaifu-zzb", 2022)
    sheets = [ws for ws in load_workbook(book_path) if ws.title.endswith("自评表")]
    assert len(sheets) == 2
    for ws in sheets:
        checks = [*self_evaluation_checks(rows(ws)), *level_checks(ws, 7)]
        assert len(checks) >= 6
        for stated, recomputed in checks:
            assert stated == recomputed, ws.title


def test_key_projects_total(rendered: Path) -> None:
    """重点项目支出基本情况: 合计 is the project rows added up, column by column."""
    _, book_path = unit_files(rendered, "kaifu-zzb", 2022)
    table = rows(load_workbook(book_path)["重点项目支出基本情况"])
    total = row_of(table, "合计")
    projects = table[3 : table.index(total)]
    assert projects
    for column in range(3, 7):
        assert dec(total[column]) == add(*(r[column] for r in projects))


def test_income_and_spending_totals(rendered: Path) -> None:
    """云溪 收支情况: each 合计 is its parts, each 汇总 row the institutions added up."""
    _, book_path = unit_files(rendered, "yunxi-zzb", 2022)
    ws = load_workbook(book_path)["部门（单位）收支情况"]
    parts = {  # the caption of each table: which columns its 合计 (column 1) adds up
        "年度收入情况（万元）": (2, 3, 4, 5, 6),
        "部门（单位）年度支出和结余情况（万元）": (2, 5),
        "“三公”经费支出情况（万元）": (2, 3, 4, 5),
        "固定资产情况（万元）": (2, 3, 4),
    }
    seen = []
    for first, last in ruled_blocks(ws):
        table = rows(ws, first, last)
        summed = parts[table[0][0]]
        seen.append(table[0][0])
        at = table.index(row_of(table, "局机关及二级机构汇总"))
        institutions = table[at + 1 :]
        assert institutions
        for row in table[at:]:
            assert dec(row[1]) == add(*(row[c] for c in summed)), (table[0][0], row[0])
            if table[0][0].startswith("部门（单位）年度支出"):
                assert dec(row[2]) == add(row[3], row[4])  # 基本 = 人员 + 公用
        for column in range(1, len(table[at])):
            if isinstance(table[at][column], int | float):
                assert dec(table[at][column]) == add(*(r[column] for r in institutions))
    assert seen == list(parts)


def test_score_table_totals(rendered: Path) -> None:
    """云溪 评分表: 总分's 分值 and 自评得分 are the rows added up; each level's points too."""
    _, book_path = unit_files(rendered, "yunxi-zzb", 2022)
    ws = load_workbook(book_path)["部门整体支出绩效评价评分表"]
    first, last = ruled_blocks(ws)[0]
    table = rows(ws, first, last)
    total = row_of(table, "总分")
    items = table[1 : table.index(total)]
    assert dec(total[4]) == add(*(r[4] for r in items)) == 100
    assert dec(total[5]) == add(*(r[5] for r in items))
    levels = list(level_checks(ws, 5))
    assert len(levels) >= 8
    for stated, recomputed in levels:
        assert stated == recomputed


def test_sheet_names() -> None:
    """Names Excel accepts: forbidden characters replaced, 31 characters, unique."""
    from jixiao.render.workbook import sheet_names

    long = "附件3 " + "部门整体支出绩效自评表" * 4
    names = sheet_names(["附件1 收支/结余[万元]:*?", long, long, "'", "Sheet", "sheet"])
    assert names[0] == "附件1 收支_结余_万元____"
    assert names[1] == long[:31] and len(names[2]) == 31 and names[2].endswith(" (2)")
    assert names[3] == "4"
    assert names[4:] == ["Sheet", "sheet (2)"]


def test_workbook_is_all_or_nothing_with_the_reports(tmp_path: Path) -> None:
    """Rendering again gives the same bytes; content with an error writes no workbook and
    leaves the one written before as it was (it is placed together with the .docx)."""
    root = copy_samples(tmp_path)
    args = ("render", "2022", "--unit", "kaifu-zzb", "--xlsx")
    assert run_jixiao(root, *args).returncode == 0
    _, book_path = unit_files(root / "output", "kaifu-zzb", 2022)
    first = book_path.read_bytes()
    assert run_jixiao(root, *args).returncode == 0
    assert book_path.read_bytes() == first
    year_file = root / "content" / "kaifu-zzb" / "2022.yaml"
    text = year_file.read_text(encoding="utf-8")
    year_file.write_text(text.replace("year: 2022", "year: 二〇二二", 1), encoding="utf-8")
    result = run_jixiao(root, *args)
    assert result.returncode == 1 and "2022.yaml" in result.stderr
    assert book_path.read_bytes() == first
    assert sorted(p.suffix for p in book_path.parent.iterdir()) == [".docx", ".docx", ".xlsx"]
