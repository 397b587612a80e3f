"""The project-self-evaluation kind: the 财预〔2020〕10号 项目支出绩效自评表, one .docx per key
project, rendered from the 天长市水利局 sample through the command and read back; 执行率,
each 三级指标's score and 总分 recomputed here from the YAML values with Decimal."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jixiao.project import Project
from tests.conftest import REPO, copy_samples, half_up, run_jixiao, spans, year_data
from tests.docx_text import paragraphs
from tests.test_any_kind import cell_text, merges, rows, tables

UNIT, YEAR, KIND = "tianchang-slj", 2022, "project-self-evaluation"
NOTE = (
    "注：1.一级指标分值统一设置为：产出指标50分、效益指标30分、"
    "服务对象满意度指标10分、预算资金执行率10分。"
)
SOURCES = ("current", "carryover", "other")
FUNDS_ROWS = {"current": 4, "carryover": 5, "other": 6}
"""The 10号 form's rows of 本年财政拨款, 上年结转资金 and 其他资金 (年度资金总额 is row 3)."""


def filename(project: dict[str, Any]) -> str:
    return f"{YEAR}年度{project['name']}项目支出绩效自评表.docx"


def percent(part: Decimal, whole: Decimal) -> str:
    return f"{half_up(part / whole * 100)}%"


def number(value: str) -> Decimal:
    """The number at the start of a 指标值 such as ≥12座, 6.75万元, 92%."""
    digits = "".join(c for c in value.lstrip("≥≤=") if c.isdigit() or c == ".")
    return Decimal(digits)


def expected_score(indicator: dict[str, Any]) -> Decimal:
    """A 三级指标's score by the 10号 rules, recomputed: 定性 met in full, 正向 actual ÷ target,
    反向 (≤) linear down from the target; rounded half up to two places."""
    points = indicator["points"]
    target, actual = str(indicator["target"]), str(indicator["actual"])
    if not any(c.isdigit() for c in target):
        assert actual == target  # the sample's 定性 indicators are all met
        return points
    goal, got = number(target), number(actual)
    if target.startswith("≤"):
        score = points if got <= goal else (1 - (got - goal) / goal) * points
    else:
        score = points if got >= goal else got / goal * points
    return half_up(score)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample rendered by `jixiao render`: the unit's output folder."""
    root = copy_samples(tmp_path_factory.mktemp("psr"))
    run = run_jixiao(root, "render", str(YEAR), "--unit", UNIT, "--out", "out")
    assert run.returncode == 0, run.stdout + run.stderr
    return root / "out" / str(YEAR) / UNIT


def projects() -> list[dict[str, Any]]:
    """The sample's key projects as written, numbers as exact Decimals."""
    return year_data(Project(REPO), UNIT, YEAR)["key_projects"]


def test_one_document_per_key_project(rendered: Path) -> None:
    assert len(projects()) >= 2
    assert sorted(p.name for p in rendered.iterdir()) == sorted(filename(p) for p in projects())


@pytest.mark.parametrize("index", range(len(projects())))
def test_funds_rate_and_execution_score_recomputed(rendered: Path, index: int) -> None:
    project = projects()[index]
    funds_table, _ = tables((rendered / filename(project)).read_bytes())
    lines = rows(funds_table)
    assert cell_text(lines[0], 2) == project["name"]
    assert cell_text(lines[1], 2) == project["department"]
    assert cell_text(lines[1], 6) == project["implementer"]
    given = [project["funds"][s] for s in SOURCES if s in project["funds"]]
    initial, budget, actual = (sum(f[k] for f in given) for k in ("initial", "budget", "actual"))
    points = project["evaluation"]["budget_points"]
    total = lines[3]
    assert cell_text(total, 1) == "年度资金总额"
    assert [Decimal(cell_text(total, c)) for c in (3, 4, 5, 6)] == [initial, budget, actual, points]
    assert cell_text(total, 7) == percent(actual, budget)
    assert Decimal(cell_text(total, 8)) == half_up(points * min(actual / budget, Decimal(1)))
    for source, row in FUNDS_ROWS.items():
        line = project["funds"].get(source)
        rate = percent(line["actual"], line["budget"]) if line else ""
        assert cell_text(lines[row], 7) == rate, source
        assert (cell_text(lines[row], 6), cell_text(lines[row], 8)) == ("—", "—")
    assert merges(funds_table, 0, 2, 7) == spans([5])  # 项目资金（万元）


@pytest.mark.parametrize("index", range(len(projects())))
def test_indicator_scores_and_total_recomputed(rendered: Path, index: int) -> None:
    project = projects()[index]
    funds_table, table = tables((rendered / filename(project)).read_bytes())
    lines = rows(table)
    groups = project["evaluation"]["indicators"]
    leaves = [
        (group, category, indicator)
        for group in groups
        for category in group["categories"]
        for indicator in category["indicators"]
    ]
    assert [g["name"] for g in groups] == ["产出指标", "效益指标", "满意度指标"]
    assert [g["points"] for g in groups] == [50, 30, 10]
    assert [c["name"] for c in groups[0]["categories"]] == [
        *("数量指标", "质量指标", "时效指标", "成本指标"),
    ]
    assert [c["name"] for c in groups[1]["categories"]] == [
        *("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    ]
    scores = []
    for line, (_group, _category, indicator) in zip(lines[1:-1], leaves, strict=True):
        score = expected_score(indicator)
        scores.append(score)
        assert cell_text(line, 3) == indicator["name"]
        assert (cell_text(line, 4), cell_text(line, 5)) == (
            str(indicator["target"]),
            str(indicator["actual"]),
        )
        assert Decimal(cell_text(line, 6)) == indicator["points"]
        assert Decimal(cell_text(line, 7)) == score
        assert cell_text(line, 8) == indicator.get("reason", "")
        if score < indicator["points"]:
            assert indicator.get("reason"), indicator["name"]  # a shortfall says why
    for group in groups:  # each 一级 weighs what its indicators add up to
        weights = [i["points"] for c in group["categories"] for i in c["indicators"]]
        assert sum(weights) == group["points"]
    budget_score = Decimal(cell_text(rows(funds_table)[3], 8))  # 年度资金总额's 得分
    last = lines[-1]
    assert cell_text(last, 0) == "总分"
    assert Decimal(cell_text(last, 6)) == 100
    assert Decimal(cell_text(last, 7)) == budget_score + sum(scores)
    count = len(leaves)
    heights = [[len(c["indicators"]) for c in g["categories"]] for g in groups]
    assert merges(table, 0, 0, 1 + count) == spans([1 + count])  # 年度绩效指标完成情况
    assert merges(table, 1, 1, 1 + count) == spans([sum(h) for h in heights])  # 一级
    assert merges(table, 2, 1, 1 + count) == spans([n for h in heights for n in h])  # 二级
    at = 1
    for group, height in zip(groups, heights, strict=True):
        assert cell_text(lines[at], 1) == f"{group['name']}（{group['points']}分）"
        at += sum(height)


def test_title_block_and_the_anhui_note(rendered: Path) -> None:
    for project in projects():
        texts = [p.text for p in paragraphs((rendered / filename(project)).read_bytes())]
        shown = [t for t in texts if t]
        assert shown[:2] == ["项目支出绩效自评表", f"（{YEAR}年度）"]
        assert shown[-1] == NOTE


def test_check_is_clean() -> None:
    run = run_jixiao(REPO, "check", str(YEAR), "--unit", UNIT, "--strict")
    assert run.returncode == 0, run.stdout
    assert "未发现问题" in run.stdout


def sample_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the samples and its 天长 year file."""
    root = copy_samples(tmp_path)
    return root, root / "content" / UNIT / f"{YEAR}.yaml"


def line_of(path: Path, needle: str) -> int:
    """The number of the first line of `path` holding `needle`."""
    return next(
        n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in line
    )


def test_a_separator_in_a_project_name_is_a_finding_at_its_line(tmp_path: Path) -> None:
    root, year_file = sample_copy(tmp_path)
    text = year_file.read_text("utf-8")
    year_file.write_text(
        text.replace("name: 小型水库运行管护经费", "name: 小型水库/管护经费"), "utf-8"
    )
    line = line_of(year_file, "name: 小型水库/管护经费")
    for command in (("check",), ("render", "--out", "out")):
        run = run_jixiao(root, *command, str(YEAR), "--unit", UNIT)
        assert run.returncode == 1
        said = run.stdout + run.stderr  # render lists the findings on stderr
        assert f"content/{UNIT}/{YEAR}.yaml:{line}: 错误 [key_projects[1].name]" in said
        assert "路径分隔符" in said
    assert not (root / "out").exists()


def test_two_projects_of_one_name_are_a_finding(tmp_path: Path) -> None:
    root, year_file = sample_copy(tmp_path)
    text = year_file.read_text("utf-8")
    year_file.write_text(
        text.replace("name: 小型水库运行管护经费", "name: 水旱灾害防御经费"), "utf-8"
    )
    run = run_jixiao(root, "check", str(YEAR), "--unit", UNIT)
    assert run.returncode == 1
    first = line_of(year_file, "name: 水旱灾害防御经费")
    assert f"与第 {first} 行的项目相同" in run.stdout


def test_no_key_project_is_a_finding(tmp_path: Path) -> None:
    root, year_file = sample_copy(tmp_path)
    year_file.write_text(f"year: {YEAR}\n", "utf-8")
    run = run_jixiao(root, "check", str(YEAR), "--unit", UNIT)
    assert run.returncode == 1
    assert "每个重点项目生成一份" in run.stdout


def test_a_file_name_without_the_project_is_a_finding_in_kind_yaml(tmp_path: Path) -> None:
    root, _ = sample_copy(tmp_path)
    settings = root / "templates" / KIND / "kind.yaml"
    text = settings.read_text("utf-8")
    settings.write_text(text.replace("{year}年度{project}项目", "{year}年度项目"), "utf-8")
    run = run_jixiao(root, "check", str(YEAR), "--unit", UNIT)
    assert run.returncode == 1
    line = line_of(settings, "filename:")
    assert f"templates/{KIND}/kind.yaml:{line}" in run.stdout
    assert "{project}" in run.stdout


def test_a_unit_switches_the_note_off(tmp_path: Path) -> None:
    root, _ = sample_copy(tmp_path)
    unit_file = root / "content" / UNIT / "unit.yaml"
    with unit_file.open("a", encoding="utf-8") as out:
        out.write(f"kinds_settings:\n  {KIND}:\n    notes: false\n")
    run = run_jixiao(root, "render", str(YEAR), "--unit", UNIT, "--out", "out")
    assert run.returncode == 0, run.stdout + run.stderr
    for document in (root / "out" / str(YEAR) / UNIT).glob("*.docx"):
        assert NOTE not in [p.text for p in paragraphs(document.read_bytes())]


def test_the_national_weights_are_checked(tmp_path: Path) -> None:
    """财预〔2020〕10号: 预算执行率 10 分 (产出 50、效益 30、满意度 10); another is an error."""
    root, year_file = sample_copy(tmp_path)
    text = year_file.read_text("utf-8")
    year_file.write_text(text.replace("budget_points: 10", "budget_points: 5", 1), "utf-8")
    line = line_of(year_file, "budget_points: 5")
    run = run_jixiao(root, "check", str(YEAR), "--unit", UNIT)
    assert run.returncode == 1
    assert f"content/{UNIT}/{YEAR}.yaml:{line}: 错误" in run.stdout, run.stdout
    assert "预算执行率分值为 5 分，本报告类型要求 10 分。" in run.stdout
