"""`jixiao check`: each finding from a minimal content file, at the exact line it names."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest
from docx import Document

from jixiao.checks import check_unit_year
from jixiao.project import Project
from tests.conftest import copy_samples, run_jixiao

UNIT = """\
full_name: 中共某县委组织部
short_name: 某县委组织部
kinds: [hunan-overall]
"""

BASE = """\
year: 2023
budget:
  basic:
    personnel: {actual: 60}
    public: {actual: 40}
    text: 基本支出{{ basic.actual | wan }}万元。
"""


def project_with(tmp_path: Path, year_text: str, prior_text: str | None = None) -> Project:
    """A project with one unit `mou` whose 2023.yaml is `year_text` (and 2022.yaml if given)."""
    copy_samples(tmp_path, "templates")
    unit = tmp_path / "content" / "mou"
    unit.mkdir(parents=True)
    (unit / "unit.yaml").write_text(UNIT, encoding="utf-8")
    (unit / "2023.yaml").write_text(textwrap.dedent(year_text), encoding="utf-8")
    if prior_text is not None:
        (unit / "2022.yaml").write_text(textwrap.dedent(prior_text), encoding="utf-8")
    return Project(tmp_path)


def line_of(project: Project, needle: str, year: int = 2023) -> int:
    """The 1-based line of `needle` in the unit's year file (it must occur once)."""
    lines = project.year_file("mou", year).read_text(encoding="utf-8").splitlines()
    hits = [n for n, line in enumerate(lines, start=1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def findings(project: Project) -> list:
    return check_unit_year(project, "mou", 2023).findings


def only(project: Project, words: str) -> object:
    """The one finding whose message contains `words`."""
    hits = [f for f in findings(project) if words in f.message]
    assert len(hits) == 1, [f.message for f in findings(project)]
    return hits[0]


def test_minimal_content_is_clean(tmp_path: Path) -> None:
    assert findings(project_with(tmp_path, BASE)) == []


def test_declared_total_against_its_parts(tmp_path: Path) -> None:
    project = project_with(tmp_path, BASE.replace("  basic:\n", "  basic:\n    actual: 110\n"))
    found = only(project, "不一致")
    assert (found.severity.value, found.line) == ("error", line_of(project, "actual: 110"))
    assert (
        found.field == "budget.basic.actual" and "110" in found.message and "100" in found.message
    )


def test_project_group_declared_against_projects(tmp_path: Path) -> None:
    text = (
        BASE
        + """\
  projects:
    groups:
      - name: 专项资金
        actual: 30
        projects:
          - {name: 甲, actual: 10}
          - {name: 乙, actual: 15}
"""
    )
    project = project_with(tmp_path, text)
    found = only(project, "不一致")
    assert found.line == line_of(project, "actual: 30")


GROUP = """\
  projects:
    groups:
      - name: 专项资金{declared}
        projects:
          - {{name: 甲, initial: 10, actual: 10}}
          - {{name: 乙, initial: 20}}
"""


def test_a_part_without_a_figure_blanks_the_total(tmp_path: Path) -> None:
    """乙 has no 执行数 while 甲 has: the group's total 执行数 is blank, and check says why."""
    project = project_with(tmp_path, BASE + GROUP.format(declared=""))
    found = only(project, "合计无法计算")
    assert (found.severity.value, found.line) == ("warning", line_of(project, "name: 乙"))
    assert "乙" in found.message and "执行数" in found.message and "专项资金" in found.message
    assert found.field == "budget.projects.groups[0].projects[1]"


def test_a_declared_total_fills_the_gap(tmp_path: Path) -> None:
    project = project_with(tmp_path, BASE + GROUP.format(declared="\n        actual: 30"))
    assert findings(project) == []


def test_a_key_project_without_district_funds(tmp_path: Path) -> None:
    """Two 重点项目, one without 区级资金: the 区级资金 合计 of the table is blank."""
    text = (
        BASE
        + """\
key_projects:
  - name: 项目甲
    funds:
      current: {initial: 100, actual: 90}
    district: {initial: 100, actual: 90}
  - name: 项目乙
    funds:
      current: {initial: 50, actual: 50}
"""
    )
    project = project_with(tmp_path, text)
    hits = [f for f in findings(project) if "合计无法计算" in f.message]
    assert [(f.line, f.field) for f in hits] == [
        (line_of(project, "name: 项目乙"), "key_projects[1].district")
    ] * 2
    columns = sorted(f.message.split("没有")[1].split("，")[0] for f in hits)
    assert columns == ["年初预算数", "执行数（决算数）"]
    assert all("项目乙" in f.message and "区级资金合计" in f.message for f in hits)


def test_income_against_initial_budget(tmp_path: Path) -> None:
    text = """\
year: 2023
income: {general_budget: 90}
budget:
  basic: {initial: 100, actual: 100}
"""
    project = project_with(tmp_path, text)
    found = only(project, "按收入性质分")
    assert found.line == line_of(project, "income:")


EVALUATION = (
    BASE
    + """\
evaluation:
  budget_points: 10
  indicators:
    - name: 产出指标
      points: 50
      categories:
        - name: 数量指标
          indicators:
            - {name: 培训人数, target: 100, actual: 100, points: 50}
    - name: 效益指标
      points: 40
      categories:
        - name: 社会效益指标
          indicators:
            - {name: 运转情况, target: 运转正常, actual: 运转正常, points: 40}
"""
)


def test_a_consistent_evaluation_is_clean(tmp_path: Path) -> None:
    assert findings(project_with(tmp_path, EVALUATION)) == []


def test_group_weight_and_total_of_100(tmp_path: Path) -> None:
    text = EVALUATION.replace("actual: 100, points: 50}", "actual: 100, points: 45}")
    project = project_with(tmp_path, text)
    group = only(project, "产出指标")
    assert group.line == line_of(project, "points: 50")
    total = only(project, "应为 100 分")
    assert "95" in total.message and total.line == line_of(project, "budget_points: 10") + 1


def test_score_below_points_needs_a_reason(tmp_path: Path) -> None:
    text = EVALUATION.replace(
        "target: 100, actual: 100, points: 50", "target: 100, actual: 80, points: 50"
    )
    project = project_with(tmp_path, text)
    found = only(project, "没有填写偏差原因")
    assert "40" in found.message  # 80 ÷ 100 × 50, recomputed here
    assert found.line == line_of(project, "培训人数")
    with_reason = text.replace("points: 50}", "points: 50, reason: 受疫情影响}")
    assert findings(project_with(tmp_path / "b", with_reason)) == []


def test_score_above_points(tmp_path: Path) -> None:
    text = EVALUATION.replace("points: 40}", "points: 40, score: 45}")
    found = only(project_with(tmp_path, text), "高于分值")
    assert "45" in found.message


def test_qualitative_needs_grade_and_band(tmp_path: Path) -> None:
    text = EVALUATION.replace("actual: 运转正常, points: 40}", "actual: 基本正常, points: 40}")
    project = project_with(tmp_path, text)
    assert only(project, "无法按规则计分").line == line_of(project, "运转情况")
    graded = text.replace(
        "points: 40}", "points: 40, grade: 部分达成, score: 35, reason: 偶有中断}"
    )
    found = only(project_with(tmp_path / "b", graded), "不在该等级")
    assert "24" in found.message and "32" in found.message  # 60–80 % of 40


def test_an_indicator_named_twice(tmp_path: Path) -> None:
    text = EVALUATION.replace(
        "            - {name: 培训人数, target: 100, actual: 100, points: 50}\n",
        "            - {name: 培训人数, target: 100, actual: 100, points: 25}\n"
        "            - {name: 培训人数, target: 100, actual: 100, points: 25}\n",
    )
    project = project_with(tmp_path, text)
    found = only(project, "出现了两次")
    lines = project.year_file("mou", 2023).read_text(encoding="utf-8").splitlines()
    second = [n for n, line in enumerate(lines, start=1) if "培训人数" in line][1]
    assert found.line == second and str(second - 1) in found.hint


def test_stale_and_literal_years_and_placeholders(tmp_path: Path) -> None:
    text = (
        BASE
        + """\
sections:
  performance: |
    {{ year }}年工作总体平稳。
    2020年以来持续推进。
    2022年完成了换届。
    本年度完成XX项任务。
"""
    )
    project = project_with(tmp_path, text)
    stale = only(project, "2020年")
    assert (stale.severity.value, stale.line) == ("warning", line_of(project, "2020年以来"))
    prior = only(project, "上年“2022年”")
    assert prior.line == line_of(project, "2022年完成")
    placeholder = only(project, "占位")
    assert (placeholder.severity.value, placeholder.line) == ("error", line_of(project, "XX项"))


def test_a_typed_figure_that_is_computed(tmp_path: Path) -> None:
    text = BASE.replace(
        "text: 基本支出{{ basic.actual | wan }}万元。", "text: 基本支出100.00万元。"
    )
    project = project_with(tmp_path, text)
    found = only(project, "手工录入")
    assert "basic.actual | wan" in found.hint and found.line == line_of(project, "100.00万元")


def test_narrative_carried_over_unchanged(tmp_path: Path) -> None:
    performance = "sections:\n  performance: 全年围绕中心工作，认真履行职责，圆满完成各项任务。\n"
    prior = BASE.replace("year: 2023", "year: 2022") + performance
    project = project_with(tmp_path, BASE + performance, prior_text=prior)
    found = only(project, "完全相同")
    assert found.line == line_of(project, "全年围绕中心工作")


def edited_template(tmp_path: Path, text: str) -> Project:
    project = project_with(tmp_path, BASE)
    path = project.templates / "hunan-overall" / "report.docx"
    document = Document(str(path))
    document.add_paragraph(text)
    document.save(str(path))
    return project


@pytest.mark.parametrize("tag", ["｛｛ year ｝｝", "{{ year "])
def test_template_tag_broken(tmp_path: Path, tag: str) -> None:
    found = only(edited_template(tmp_path, tag), "标签")
    assert found.file.name == "report.docx"


def test_template_name_the_content_lacks(tmp_path: Path) -> None:
    found = only(edited_template(tmp_path, "{{ unit.missing_name }}{{ nothing_here }}"), "不存在")
    assert "nothing_here" in found.message


def run(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    """`jixiao ARGS` on `project`, through the real command."""
    return run_jixiao(project.root, *args)


def test_cli_exit_codes_strict_and_json(tmp_path: Path) -> None:
    clean = run(project_with(tmp_path / "a", BASE), "check", "2023")
    assert clean.returncode == 0 and "未发现问题" in clean.stdout
    warned = project_with(tmp_path / "b", BASE + "sections:\n  other: 2020年以来无变化。\n")
    assert run(warned, "check", "2023").returncode == 0
    assert run(warned, "check", "2023", "--strict").returncode == 1
    payload = json.loads(run(warned, "check", "2023", "--format", "json").stdout)
    assert payload[0]["findings"][0]["severity"] == "warning"
    assert payload[0]["findings"][0]["line"] == line_of(warned, "2020年以来无变化")
    broken = project_with(tmp_path / "c", BASE.replace("  basic:\n", "  basic:\n    actual: 1\n"))
    result = run(broken, "--lang", "en", "check", "2023")
    assert result.returncode == 1 and "differs from the computed" in result.stdout


@pytest.mark.parametrize(("unit", "year"), [("lukou-zzb", 2023), ("kaifu-zzb", 2022)])
def test_shipped_samples_are_clean(repo_project: Project, unit: str, year: int) -> None:
    assert check_unit_year(repo_project, unit, year).findings == []


def test_points_are_never_to_fill(tmp_path: Path) -> None:
    """分值 is carried from year to year: 待填 there is an input error at its line, not a crash."""
    text = EVALUATION.replace("actual: 100, points: 50}", "actual: 100, points: 待填}")
    project = project_with(tmp_path, text)
    found = only(project, "待填")
    assert (found.severity.value, found.line) == ("error", line_of(project, "points: 待填"))
    assert found.field.endswith("indicators[0].points")
    assert "不是分值" in found.message and "不能写“待填”" in found.hint


@pytest.mark.parametrize("damage", ["not a zip", None])
def test_unreadable_template_is_a_finding(tmp_path: Path, damage: str | None) -> None:
    """A template saved as something else, or deleted, is named; no internal error."""
    project = project_with(tmp_path, BASE)
    path = project.templates / "hunan-overall" / "report.docx"
    if damage is None:
        path.unlink()
    else:
        path.write_text(damage, encoding="utf-8")
    found = only(project, ".docx")
    assert found.file == path and found.severity.value == "error"
    result = run(project, "render", "2023", "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "内部错误" not in result.stderr + result.stdout
    assert "report.docx" in result.stderr and not (tmp_path / "out").exists()
