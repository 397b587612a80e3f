"""The attached forms of the kaifu sample, read back from the .docx: merges and totals.

Expected totals are recomputed here from the YAML (正向 rule by hand), not taken from jixiao.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from docx import Document
from docx.oxml.ns import qn

from jixiao.project import Project
from tests.conftest import half_up, render, spans, year_data

D = Decimal


def tables(data: bytes) -> list:
    return Document(io.BytesIO(data)).tables


def merge_states(table, column: int) -> list[str]:
    """For each row, how the cell in grid column `column` takes part in a vertical merge."""
    states = []
    for row in table._tbl.tr_lst:
        at = 0
        for tc in row.tc_lst:
            if at == column:
                merge = tc.find(qn("w:tcPr") + "/" + qn("w:vMerge"))
                if merge is None:
                    states.append("-")
                else:
                    states.append(merge.get(qn("w:val")) or "continue")
                break
            at += tc.grid_span
    return states


def number(text: object) -> Decimal:
    return D(str(text).rstrip("%人场个"))


def expected_total(evaluation: dict, funds_actual: Decimal, funds_budget: Decimal) -> Decimal:
    total = half_up(D(evaluation["budget_points"]) * min(funds_actual / funds_budget, D(1)))
    for group in evaluation["indicators"]:
        for category in group["categories"]:
            for item in category["indicators"]:
                points = D(str(item["points"]))
                if "score" in item:
                    total += D(str(item["score"]))
                elif str(item["target"]) == str(item["actual"]):
                    total += points
                else:
                    target, actual = number(item["target"]), number(item["actual"])
                    total += points if actual >= target else half_up(actual / target * points)
    return total


def indicator_tables(data: bytes) -> list:
    return [t for t in tables(data) if "一级指标" in [c.text for c in t.rows[0].cells]]


def test_indicator_tables_merge_levels_one_and_two(repo_project: Project) -> None:
    content = year_data(repo_project, "kaifu-zzb", 2022)
    data = render(repo_project, "kaifu-zzb", 2022).data
    evaluations = [content["evaluation"], content["key_projects"][0]["evaluation"]]
    found = indicator_tables(data)
    assert len(found) == len(evaluations)
    for table, evaluation in zip(found, evaluations, strict=True):
        groups = evaluation["indicators"]
        rows = sum(len(c["indicators"]) for g in groups for c in g["categories"])
        sizes = [sum(len(c["indicators"]) for c in g["categories"]) for g in groups]
        assert merge_states(table, 1)[1 : 1 + rows] == spans(sizes)
        categories = [len(c["indicators"]) for g in groups for c in g["categories"]]
        assert merge_states(table, 2)[1 : 1 + rows] == spans(categories)
        label = merge_states(table, 0)  # 绩效指标 spans the header and every indicator row
        assert label[0] == "restart" and set(label[1 : 1 + rows]) == {"continue"}


def test_evaluation_totals_are_recomputed_sums(repo_project: Project) -> None:
    content = year_data(repo_project, "kaifu-zzb", 2022)
    basic = content["budget"]["basic"]
    groups = content["budget"]["projects"]["groups"]
    budget = D(str(basic["budget"])) + sum(D(str(g["budget"])) for g in groups)
    actual = D(str(basic["actual"])) + sum(D(str(g["actual"])) for g in groups)
    project = content["key_projects"][0]
    funds = project["funds"]["current"]
    expected = [
        expected_total(content["evaluation"], actual, budget),
        expected_total(project["evaluation"], D(str(funds["actual"])), D(str(funds["budget"]))),
    ]
    data = render(repo_project, "kaifu-zzb", 2022).data
    totals = []
    for table in indicator_tables(data):
        last = [c.text for c in table.rows[-1].cells]
        assert last[0] == "总分" and last[6] == "100"
        totals.append(D(last[7]))
    assert totals == expected


def test_basic_data_project_rows_add_up(repo_project: Project) -> None:
    data = render(repo_project, "kaifu-zzb", 2022).data
    table = next(t for t in tables(data) if t.rows[0].cells[0].text == "财政供养人员情况")
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows}
    total = rows["项目支出："]
    parts = [
        rows[name]
        for name in rows
        if name[:2] in ("1、", "2、", "3、", "4、")
        and ("经费" in name or "资金" in name)
        and not name.startswith(("1、公务", "2、出国", "3、公务"))
    ]
    assert len(parts) == 4
    for column in (1, 3, 5):  # 上年决算, 本年预算, 本年决算 (each spans two grid columns)
        assert D(total[column]) == sum(D(p[column]) for p in parts)
    staff = table.rows[1].cells
    assert staff[5].text == f"{half_up(D(staff[3].text) / D(staff[1].text) * 100)}%"


def _form_texts(project: Project) -> set[str]:
    """Every table cell's text in kaifu's two 2022 documents."""
    texts = set()
    for kind in ("hunan-overall", "key-project"):
        for table in tables(render(project, "kaifu-zzb", 2022, kind).data):
            texts |= {cell.text for row in table.rows for cell in row.cells}
    return texts


@pytest.mark.parametrize(
    ("unit_lines", "level"),
    [
        ("region: 湖南省长沙市开福区\n", "区级"),  # the sample as shipped
        ("region: 湖南省长沙县\n", "县级"),
        ("region: 湖南省长沙县\nlevel: 市级\n", "市级"),  # written wins over the region
        ("", "本级"),
    ],
    ids=["district", "county", "written", "no-region"],
)
def test_forms_name_the_units_budget_level(project_copy: Project, unit_lines: str, level: str):
    """“区级预算部门名称” and “其中：区级资金” follow the unit's level, not a fixed 区级."""
    unit_file = project_copy.root / "content" / "kaifu-zzb" / "unit.yaml"
    text = unit_file.read_text(encoding="utf-8")
    unit_file.write_text(text.replace("region: 湖南省长沙市开福区\n", unit_lines), "utf-8")
    texts = _form_texts(project_copy)
    assert {f"{level}预算部门名称", f"其中：{level}资金"} <= texts
    others = {t for t in texts if t.endswith(("预算部门名称", "资金")) and "级" in t}
    assert others == {f"{level}预算部门名称", f"其中：{level}资金"}
