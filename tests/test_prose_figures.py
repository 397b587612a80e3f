"""Figures typed in prose: each a writer's slip in a shipped sample, found at its exact line.

Every test copies the samples, types a figure into one narrative text as a writer would
(the published originals' own mistakes), and reads what `jixiao check` says about it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.checks import check_unit_year
from jixiao.errors import Severity
from jixiao.formatting import pct, wan
from jixiao.project import Project
from jixiao.prose_figures import Figure, Typed, agrees
from tests.conftest import copy_samples, run_jixiao

KAIFU, LUKOU, YUNXI = ("kaifu-zzb", 2022), ("lukou-zzb", 2023), ("yunxi-zzb", 2022)


def typed(tmp_path: Path, unit_year: tuple[str, int], old: str, new: str) -> Project:
    """The samples, with `old` (written once in the unit's year file) replaced by `new`."""
    copy_samples(tmp_path)
    project = Project(tmp_path)
    path = project.year_file(*unit_year)
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return project


def line_of(project: Project, unit_year: tuple[str, int], needle: str) -> int:
    """The 1-based line of `needle` (written once) in the unit's year file."""
    lines = project.year_file(*unit_year).read_text(encoding="utf-8").splitlines()
    hits = [n for n, line in enumerate(lines, start=1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def about(project: Project, unit_year: tuple[str, int], found: str, strict: bool = False):
    """The findings whose message quotes the typed `found`."""
    report = check_unit_year(project, *unit_year, strict=strict)
    return [f for f in report.findings if f"“{found}”" in f.message]


def the_error(project: Project, unit_year: tuple[str, int], found: str):
    hits = about(project, unit_year, found)
    assert len(hits) == 1, [f.message for f in check_unit_year(project, *unit_year).findings]
    assert hits[0].severity is Severity.ERROR
    assert hits[0].file == project.year_file(*unit_year)
    assert "与计算结果不符" in hits[0].message
    return hits[0]


def test_public_spending_typed_as_the_personnel_figure(tmp_path: Path) -> None:
    """云溪: “公用支出334.41万元” where the 收支表 gives 公用支出 320.33."""
    project = typed(
        tmp_path, YUNXI, "公用支出{{ institutions.total.public | num }}万元", "公用支出334.41万元"
    )
    found = the_error(project, YUNXI, "334.41万元")
    assert found.line == line_of(project, YUNXI, "personnel | num }}万，公用支出334.41")
    assert "320.33" in found.message and "{{ institutions.total.public | wan }}" in found.hint


def test_group_spending_typed_against_the_form(tmp_path: Path) -> None:
    """开福: “实际执行524.78万” in 业务工作经费's text, while 附件2 shows 525.01."""
    project = typed(
        tmp_path,
        KAIFU,
        "实际执行{{ group.actual | wan }}万。用于下列",
        "实际执行524.78万。用于下列",
    )
    found = the_error(project, KAIFU, "524.78万")
    assert found.line == line_of(project, KAIFU, "实际执行524.78万")
    assert "525.01" in found.message and "projects.groups[0].actual | wan" in found.hint
    assert found.field == "budget.projects.groups[0].text"


def test_share_of_basic_spending_digits_swapped(tmp_path: Path) -> None:
    """渌口: “占基本支出的59.18%” when 人员经费's share is 59.81%."""
    project = typed(
        tmp_path,
        LUKOU,
        "，占基本支出的{{ basic.personnel.share | pct }}，",
        "，占基本支出的59.18%，",
    )
    found = the_error(project, LUKOU, "59.18%")
    share = Decimal("761.25") / (Decimal("761.25") + Decimal("511.50"))
    assert pct(share) in found.message and pct(share) == "59.81%"
    assert "basic.personnel.share | pct" in found.hint
    assert found.line == line_of(project, LUKOU, "占基本支出的59.18%")


def test_staff_control_rate_typed_from_the_original(tmp_path: Path) -> None:
    """开福: “财政供养人员控制率85.7%” when 在职 30 ÷ 编制 29 is 103.45%, in a block scalar."""
    project = typed(
        tmp_path, KAIFU, "积极对接市绩效办，", "积极对接市绩效办，财政供养人员控制率85.7%，"
    )
    found = the_error(project, KAIFU, "85.7%")
    assert pct(Decimal(30) / Decimal(29)) == "103.45%" and "103.45%" in found.message
    key = line_of(project, KAIFU, "title: 绩效考核精准有效")
    assert found.line == line_of(project, KAIFU, "控制率85.7%") and found.line > key
    assert "staffing.control_rate" in found.hint


def test_staff_count_typed_in_the_basic_information(tmp_path: Path) -> None:
    """渌口: “现有在职人员35人” when staffing says 33."""
    project = typed(tmp_path, LUKOU, "现有在职人员{{ staffing.in_service }}人", "现有在职人员35人")
    found = the_error(project, LUKOU, "35人")
    assert "33" in found.message and "{{ staffing.in_service }}" in found.hint
    assert found.line == line_of(project, LUKOU, "现有在职人员35人")


def test_a_number_on_a_later_line_of_a_folded_block_is_found_at_its_line(tmp_path: Path) -> None:
    """A `>-` text folded over lines: the finding names the line the number is on."""
    project = typed(
        tmp_path,
        LUKOU,
        "万元，其中：人员经费{{ basic.personnel.actual | wan }}万元",
        "万元，其中：\n      人员经费760.25万元",
    )
    found = the_error(project, LUKOU, "760.25万元")
    assert found.line == line_of(project, LUKOU, "人员经费760.25万元")
    assert found.line == line_of(project, LUKOU, "基本支出{{ basic.actual | wan }}") + 1
    assert wan(Decimal("761.25")) in found.message


def test_a_typed_figure_that_agrees_is_a_warning_naming_its_own_figure(tmp_path: Path) -> None:
    """Agreement goes through the words: the hint names 公用经费, not another 511.50."""
    project = typed(
        tmp_path,
        LUKOU,
        "公用经费{{ basic.public.actual | wan }}万元",
        "公用经费511.50万元",
    )
    (found,) = about(project, LUKOU, "511.50万元")
    assert found.severity is Severity.WARNING
    assert "{{ basic.public.actual | wan }}" in found.hint
    assert found.line == line_of(project, LUKOU, "公用经费511.50万元")


@pytest.mark.parametrize(
    ("written", "severity"),
    [("525万", Severity.WARNING), ("526万", Severity.ERROR), ("525.0万", Severity.WARNING)],
)
def test_fewer_decimals_compare_at_the_typed_precision(
    tmp_path: Path, written: str, severity: Severity
) -> None:
    """525 for 525.01 agrees (rounded to whole 万元); 526 does not."""
    project = typed(
        tmp_path,
        KAIFU,
        "实际执行{{ group.actual | wan }}万。用于下列",
        f"实际执行{written}。用于下列",
    )
    (found,) = about(project, KAIFU, written)
    assert found.severity is severity


def test_an_amount_in_yuan_is_compared_in_wan(tmp_path: Path) -> None:
    project = typed(
        tmp_path, LUKOU, "公用经费{{ basic.public.actual | wan }}万元", "公用经费5115000元"
    )
    (found,) = about(project, LUKOU, "5115000元")
    assert found.severity is Severity.WARNING


def test_a_number_whose_words_name_no_figure_is_left_alone(tmp_path: Path) -> None:
    """“奖补资金511.50万元” equals 公用经费 but is not it: no finding; --strict notes it."""
    project = typed(tmp_path, LUKOU, "人才工作。", "人才工作。兑现奖补资金511.50万元。")
    assert about(project, LUKOU, "511.50万元") == []
    (note,) = about(project, LUKOU, "511.50万元", strict=True)
    assert note.severity is Severity.NOTE and "兑现奖补资金" in note.message
    report = check_unit_year(project, *LUKOU, strict=True)
    assert report.errors == [] and note not in report.warnings


def test_a_difference_is_not_read_as_the_figure(tmp_path: Path) -> None:
    """“比上年减少200万元” after 基本支出 is a change, not 基本支出 itself."""
    project = typed(tmp_path, LUKOU, "人才工作。", "人才工作。基本支出比上年减少200万元。")
    assert about(project, LUKOU, "200万元") == []


def test_a_kind_adds_words_to_the_label_table(tmp_path: Path) -> None:
    project = typed(tmp_path, LUKOU, "人才工作。", "人才工作。全部门人头数35人。")
    assert about(project, LUKOU, "35人") == []
    (project.templates / "hunan-overall" / "figures.yaml").write_text(
        "figures:\n  - {figure: staffing.in_service, name: 在职人员, unit: 人, labels: [人头数]}\n",
        encoding="utf-8",
    )
    found = the_error(project, LUKOU, "35人")
    assert "33" in found.message


def test_a_broken_kind_label_table_is_an_error_at_its_line(tmp_path: Path) -> None:
    copy_samples(tmp_path)
    project = Project(tmp_path)
    path = project.templates / "hunan-overall" / "figures.yaml"
    path.write_text("figures:\n  - {figure: staffing.in_service, lables: [人头数]}\n", "utf-8")
    report = check_unit_year(project, *LUKOU)
    hits = [f for f in report.errors if f.file == path]
    assert hits and hits[0].line == 2


def test_render_refuses_a_unit_with_a_wrong_typed_figure(tmp_path: Path) -> None:
    """`jixiao render` writes nothing for the unit and exits 1, naming the line."""
    project = typed(tmp_path, LUKOU, "现有在职人员{{ staffing.in_service }}人", "现有在职人员35人")
    out = tmp_path / "out"
    result = run_jixiao(tmp_path, "render", "2023", "--unit", "lukou-zzb", "--out", str(out))
    assert result.returncode == 1, result.stdout + result.stderr
    line = line_of(project, LUKOU, "现有在职人员35人")
    assert f"2023.yaml:{line}" in result.stdout + result.stderr
    assert not out.exists() or not list(out.rglob("*.docx"))


def test_check_strict_lists_unchecked_numbers_as_notes_and_stays_clean(tmp_path: Path) -> None:
    """The clean sample under --strict: notes for 选派161名干部 and the like, exit 0."""
    copy_samples(tmp_path)
    result = run_jixiao(tmp_path, "check", "2023", "--unit", "lukou-zzb", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "提示" in result.stdout and "“161名”" in result.stdout
    notes = result.stdout.count(": 提示 [")
    summary = f"未发现问题；另有 {notes} 处手写数字的名称不在名称表中，未核对"
    assert notes and summary in result.stdout


@pytest.mark.parametrize(
    ("value", "written", "places", "agree"),
    [
        ("525.01", "525", 0, True),  # fewer decimals: compared rounded to the typed places
        ("525.01", "524.78", 2, False),
        ("525.005", "525.01", 2, True),  # half up, as the reference would print it
        ("525.004", "525.01", 2, False),
        ("103.448275862", "85.7", 1, False),
        ("59.8114", "59.81", 2, True),
    ],
)
def test_the_precision_rule(value: str, written: str, places: int, agree: bool) -> None:
    figure = Figure("basic.actual", Decimal(value), "amount", "基本支出执行数")
    number = Typed(written + "万元", Decimal(written), places, "amount", "万元", 0, 0)
    assert agrees(number, figure) is agree


def test_key_project_overview_reads_its_own_totals(tmp_path: Path) -> None:
    """开福 重点项目说明: “预算共1900万元” agrees with the key projects' total (a warning);
    the original's “实际支出2000万元” (the 全年预算) is an error naming 1909.3."""
    project = typed(
        tmp_path,
        KAIFU,
        "项目支出预算共{{ key_total.initial | num }}万元，包含项目{{ key_projects | length }}个，"
        "实际支出{{ key_total.actual | num }}万元",
        "项目支出预算共1900万元，包含项目{{ key_projects | length }}个，实际支出2000万元",
    )
    (agreed,) = about(project, KAIFU, "1900万元")
    assert agreed.severity is Severity.WARNING and "key_total.initial" in agreed.hint
    found = the_error(project, KAIFU, "2000万元")
    assert found.line == line_of(project, KAIFU, "length }}个，实际支出2000万元")
    assert found.field.startswith("key_sections.overview") and "1909.30" in found.message
    assert "key_total.actual" in found.hint
