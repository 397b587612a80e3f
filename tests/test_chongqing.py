"""The 重庆 部门整体绩效自评表 kind: the 科学城融媒体中心 2021 sample as one landscape table.

The sample renders to its reviewed text; the table read back has each 指标得分, the 执行率得分
and the 自评总分 recomputed here with Decimal from the YAML, 是/否 in 是否核心指标, the
绩效指标 cell merged over every indicator row and 指标性质 merged over runs of equal text.
Regenerate on purpose only: JIXIAO_REGEN_GOLDEN=1 python -m pytest tests/test_chongqing.py
"""

from __future__ import annotations

import io
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml.ns import qn

from jixiao.project import Project
from tests.conftest import REPO, copy_samples, half_up, render, run_jixiao, spans, year_data
from tests.docx_text import text_lines
from tests.test_any_kind import cell_text, merges, rows

UNIT, YEAR, KIND = "kexuecheng-rmt", 2021, "chongqing-overall-form"
GOLDEN = REPO / "tests" / "golden" / f"{UNIT}-{YEAR}.txt"
HEADER = ["绩效指标", "指标名称", "计量单位", "指标性质", "年初指标值", "调整指标值"]
HEADER += ["全年完成值", "得分系数（%）", "指标权重（分）", "指标得分（分）", "是否核心指标"]
FIRST_INDICATOR_ROW = 1  # in the indicator table, below its header row


def shown(value: Decimal) -> str:
    """As the form prints a score: two places half up, no trailing zeros."""
    text = f"{half_up(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def table(project: Project) -> tuple[Any, Any]:
    """The form's two tables: its head (funds, goals) and the indicators (header repeated)."""
    data = render(project, UNIT, YEAR, KIND).data
    tables = list(Document(io.BytesIO(data)).element.body.iter(qn("w:tbl")))
    assert len(tables) == 2  # the whole document is the one form
    return tables[0], tables[1]


def indicators(project: Project) -> list[dict[str, Any]]:
    """The YAML's indicators in table order, numbers as exact Decimals."""
    evaluation = year_data(project, UNIT, YEAR)["evaluation"]
    return [
        row
        for group in evaluation["indicators"]
        for category in group["categories"]
        for row in category["indicators"]
    ]


def expected_scores(project: Project) -> tuple[list[Decimal], Decimal, Decimal]:
    """Each 指标得分, the 执行率得分 and the 自评总分, recomputed from the YAML."""
    data = year_data(project, UNIT, YEAR)
    scores = [half_up(r["points"] * r["coefficient"] / 100) for r in indicators(project)]
    rate = data["overall"]["actual"] / data["overall"]["budget"]
    weight = data["evaluation"]["budget_points"]
    execution = half_up(min(rate, Decimal(1)) * weight)
    return scores, execution, execution + sum(scores)


def test_sample_matches_reviewed_text(repo_project: Project) -> None:
    got = "\n".join(text_lines(render(repo_project, UNIT, YEAR, KIND).data)) + "\n"
    if os.environ.get("JIXIAO_REGEN_GOLDEN") == "1":
        GOLDEN.write_text(got, encoding="utf-8")
    assert got == GOLDEN.read_text(encoding="utf-8")


def test_scores_are_recomputed_from_the_yaml(repo_project: Project) -> None:
    top, indicator_table = table(repo_project)
    trs = rows(top)
    scores, execution, total = expected_scores(repo_project)
    assert (shown(execution), shown(total)) == ("7.6", "97.6")  # as the published form
    assert cell_text(trs[0], 10) == shown(total)  # 自评总分（分）
    assert cell_text(trs[3], 10) == shown(execution)  # 执行率得分（分）
    assert [cell_text(trs[3], c) for c in (2, 4, 6, 8, 9)] == ["0", "2350", "1786", "76.00%", "10"]
    assert [cell_text(rows(indicator_table)[0], c) for c in range(11)] == HEADER
    body = rows(indicator_table)[FIRST_INDICATOR_ROW:]
    rows_yaml = indicators(repo_project)
    assert len(body) == len(rows_yaml)
    for tr, row, score in zip(body, rows_yaml, scores, strict=True):
        assert cell_text(tr, 1) == row["name"]
        assert cell_text(tr, 7) == f"{row['coefficient']}%"
        assert cell_text(tr, 8) == shown(row["points"])
        assert cell_text(tr, 9) == shown(score)
        assert cell_text(tr, 10) == ("是" if row.get("core") else "否")


def test_merges_of_the_indicator_rows(repo_project: Project) -> None:
    top, tbl = table(repo_project)
    count = len(indicators(repo_project))
    last = FIRST_INDICATOR_ROW + count
    assert merges(tbl, 0, FIRST_INDICATOR_ROW - 1, last) == spans([count + 1])  # 绩效指标
    # 指标性质: 9 定量 (预算编制, 预算执行), 4 定性, 固定资产利用率 and six 个性 定量, 1 定性
    assert merges(tbl, 3, FIRST_INDICATOR_ROW, last) == spans([9, 4, 7, 1])
    starts = [cell_text(rows(tbl)[FIRST_INDICATOR_ROW + i], 3) for i in (0, 9, 13, 20)]
    assert starts == ["定量指标", "定性指标", "定量指标", "定性指标"]
    assert merges(top, 0, 2, 4) == spans([2])  # 部门预算执行情况（万元）
    assert merges(top, 0, 4, 6) == spans([2])  # 当年绩效目标


def test_check_is_clean() -> None:
    run = run_jixiao(REPO, "check", str(YEAR), "--unit", UNIT, "--strict")
    assert run.returncode == 0, run.stdout
    assert "未发现问题" in run.stdout


def edit_year(root: Path, old: str, new: str) -> Path:
    path = root / "content" / UNIT / f"{YEAR}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_lower_coefficient_lowers_the_score_and_total(tmp_path: Path) -> None:
    root = copy_samples(tmp_path)
    old = "{name: 播发稿件数量, target: ≥2200篇, actual: 2859篇, coefficient: 100,"
    new = (
        "{name: 播发稿件数量, target: ≥2200篇, adjusted: ≥3000篇, actual: 2859篇,"
        " reason: 未达调整后指标值, coefficient: 85.5%,"
    )
    edit_year(root, old, new)
    project = Project(root)
    top, indicator_table = table(project)
    trs = rows(top)
    body = rows(indicator_table)[FIRST_INDICATOR_ROW:]
    tr = body[[cell_text(row, 1) for row in body].index("播发稿件数量")]
    score = half_up(Decimal(10) * Decimal("85.5") / 100)
    assert [cell_text(tr, c) for c in (5, 7, 9)] == ["≥3000篇", "85.5%", shown(score)]
    assert shown(score) == "8.55"
    total = Decimal("7.6") + Decimal(80) + score
    assert cell_text(trs[0], 10) == shown(total) == "96.15"
    run = run_jixiao(root, "check", str(YEAR), "--unit", UNIT, "--strict")
    assert run.returncode == 0, run.stdout


def test_coefficient_and_score_together_is_an_error(tmp_path: Path) -> None:
    root = copy_samples(tmp_path)
    old = "{name: 制作宣传品数量, target: ≥10份, actual: 20份, coefficient: 100, points: 5}"
    path = edit_year(root, old, old[:-1] + ", score: 5}")
    line = next(
        n for n, t in enumerate(path.read_text("utf-8").splitlines(), 1) if "制作宣传品" in t
    )
    run = run_jixiao(root, "check", str(YEAR), "--unit", UNIT)
    assert run.returncode == 1
    assert f"2021.yaml:{line}: 错误" in run.stdout
    assert "不能既写得分系数（coefficient）又写得分（score）" in run.stdout


def test_a_coefficient_above_100_is_refused(tmp_path: Path) -> None:
    root = copy_samples(tmp_path)
    old = "{name: 基础信息完善性, target: 100%, actual: 100%, coefficient: 100,"
    edit_year(root, old, old.replace("coefficient: 100", "coefficient: 120%"))
    run = run_jixiao(root, "check", str(YEAR), "--unit", UNIT)
    assert run.returncode == 1
    assert "“120%”不是得分系数" in run.stdout and "0 到 100" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr
