"""Sections as data, the writer in charge: what the writer wrote is printed or is an error.

Each test edits a copy of the samples as a writer would, runs the command or renders, and
reads back what a person sees: the report's text, or the finding at its file:line.
"""

from __future__ import annotations

from pathlib import Path

from jixiao.project import Project
from tests.conftest import copy_samples, render, run_jixiao
from tests.docx_text import text_lines


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in the file at `path` by `new`."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(path: Path, text: str) -> None:
    """Add `text` at the end of the file at `path`."""
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of `path` that holds `needle`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def lukou(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the samples and the path of lukou-zzb's 2023.yaml in it."""
    root = copy_samples(tmp_path)
    return root, root / "content" / "lukou-zzb" / "2023.yaml"


def test_general_budget_layout_keeps_the_writers_own_text_and_subsections(tmp_path: Path) -> None:
    root, year = lukou(tmp_path)
    edit(
        year,
        "\nsections:\n",
        "\nsections:\n  general_budget:\n    text: 本年一般公共预算支出总体平稳。\n"
        "    sections:\n      - title: 资金管理情况\n        text: 严格执行财务制度。\n",
    )
    lines = text_lines(render(Project(root), "lukou-zzb", 2023).data)
    start = lines.index("二、一般公共预算支出情况")
    assert lines[start + 1] == "本年一般公共预算支出总体平稳。"
    assert lines[start + 2] == "（一）基本支出情况"
    assert "（三）资金管理情况" in lines[start:]
    heading = lines.index("（三）资金管理情况")
    assert lines[heading + 1] == "严格执行财务制度。"
    assert heading < lines.index("三、部门整体支出绩效情况")


def test_opening_paragraph_prints_before_the_first_section(tmp_path: Path) -> None:
    root, year = lukou(tmp_path)
    append(year, "\nopening: 根据区财政局通知要求，现将{{ year }}年度自评情况报告如下：\n")
    lines = text_lines(render(Project(root), "lukou-zzb", 2023).data)
    opening = lines.index("根据区财政局通知要求，现将2023年度自评情况报告如下：")
    assert opening < lines.index("一、预算单位基本情况")
    assert lines[:opening] == ["中共株洲市渌口区委组织部", "2023年度部门整体支出绩效自评报告", ""]


def test_unit_overrides_the_kinds_house_choices(tmp_path: Path) -> None:
    root = copy_samples(tmp_path)
    before = text_lines(render(Project(root), "kaifu-zzb", 2022).data)
    assert "附件2" in before and "三、政府性基金预算支出情况" in before
    assert any(line.startswith("说明：“项目支出”") for line in before)
    kaifu = root / "content" / "kaifu-zzb"
    year = kaifu / "2022.yaml"
    for key in ("government_fund", "state_capital", "social_insurance"):  # so they are empty
        text = year.read_text(encoding="utf-8")
        kept = [line for line in text.splitlines() if not line.startswith(f"  {key}:")]
        year.write_text("\n".join(kept) + "\n", encoding="utf-8")
    append(
        kaifu / "unit.yaml",
        "kinds_settings:\n  hunan-overall:\n    attachment_start: 1\n    when_empty: omit\n"
        "    notes: false\n    numbering: {1: '第{cn}部分 '}\n",
    )
    after = text_lines(render(Project(root), "kaifu-zzb", 2022).data)
    assert "附件1" in after and "附件2" in after and "附件4" not in after
    assert not any("政府性基金预算支出情况" in line for line in after)
    assert not any(line.startswith("说明：") for line in after)
    assert "一、基本情况" in before and "第一部分 基本情况" in after
    assert "无" not in after


def test_an_unknown_unit_setting_is_a_chinese_finding_at_its_line(tmp_path: Path) -> None:
    root = copy_samples(tmp_path)
    unit = root / "content" / "lukou-zzb" / "unit.yaml"
    append(unit, "kinds_settings:\n  hunan-overall:\n    attachment_strat: 1\n  hunan-overal: {}\n")
    run = run_jixiao(root, "check", "2023", "--unit", "lukou-zzb")
    assert run.returncode == 1
    assert f"content/lukou-zzb/unit.yaml:{line_of(unit, 'attachment_strat')}: 错误" in run.stdout
    assert "未知字段“attachment_strat”" in run.stdout
    assert "attachment_start" in run.stdout


def test_settings_for_a_kind_the_unit_lacks_are_an_error(tmp_path: Path) -> None:
    root = copy_samples(tmp_path)
    unit = root / "content" / "lukou-zzb" / "unit.yaml"
    append(unit, "kinds_settings:\n  hunan-overal:\n    attachment_start: 1\n")
    run = run_jixiao(root, "check", "2023", "--unit", "lukou-zzb")
    assert run.returncode == 1
    line = line_of(unit, "hunan-overal:")
    assert (
        f"content/lukou-zzb/unit.yaml:{line}: 错误 [kinds_settings.hunan-overal]: "
        "kinds_settings 中的“hunan-overal”不是本单位的报告类型，这些设置不起作用。"
    ) in run.stdout
    assert "可能想写“hunan-overall”" in run.stdout


def test_section_keys_no_kind_prints_are_errors_with_the_closest_name(tmp_path: Path) -> None:
    root, year = lukou(tmp_path)
    assert run_jixiao(root, "check", "2023", "--unit", "lukou-zzb", "--strict").returncode == 0
    edit(year, "\nsections:\n", "\nsections:\n  problemz: 有一处问题。\n  评价结论: 总体良好。\n")
    run = run_jixiao(root, "check", "2023", "--unit", "lukou-zzb", "--strict")
    assert run.returncode == 1
    assert (
        f"content/lukou-zzb/2023.yaml:{line_of(year, 'problemz')}: 错误 [sections.problemz]: "
        "章节“problemz”不是本单位报告类型（hunan-overall）的章节，不会印出。"
    ) in run.stdout
    assert "可能想写“problems”" in run.stdout
    assert f"2023.yaml:{line_of(year, '评价结论')}: 错误 [sections.评价结论]" in run.stdout
    render_run = run_jixiao(root, "render", "2023", "--unit", "lukou-zzb", "--out", "out")
    assert render_run.returncode == 1 and not list((root / "out").rglob("*.docx"))


def test_a_field_no_kind_prints_is_a_warning(tmp_path: Path) -> None:
    root, year = lukou(tmp_path)
    append(year, "\nevaluators:\n  - {name: 张三, title: 科员}\n")
    run = run_jixiao(root, "check", "2023", "--unit", "lukou-zzb")
    assert run.returncode == 0, run.stdout
    assert (
        f"content/lukou-zzb/2023.yaml:{line_of(year, 'evaluators:')}: 警告 [evaluators]: "
        "“evaluators”本单位的报告类型（hunan-overall）都不印出"
    ) in run.stdout
    assert run_jixiao(root, "check", "2023", "--unit", "lukou-zzb", "--strict").returncode == 1


def test_a_missing_figure_in_prose_is_an_error_at_its_line(tmp_path: Path) -> None:
    root, year = lukou(tmp_path)
    append(year, "\nopening: 上年决算{{ overall.prior | wan }}万元。\n")
    run = run_jixiao(root, "check", "2023", "--unit", "lukou-zzb")
    assert run.returncode == 1
    assert (
        f"content/lukou-zzb/2023.yaml:{line_of(year, 'opening:')}: 错误 [opening]: "
        "文字里的 overall.prior 没有数字，正文中会印成“——”。"
    ) in run.stdout
    assert "处理办法：在内容文件中填写 overall" in run.stdout
    render_run = run_jixiao(root, "render", "2023", "--unit", "lukou-zzb", "--out", "out")
    assert render_run.returncode == 1 and not list((root / "out").rglob("*.docx"))


def test_a_bare_missing_figure_in_prose_is_an_error_too(tmp_path: Path) -> None:
    root, year = lukou(tmp_path)
    append(year, "\nopening: 上年决算{{ overall.prior }}万元。\n")
    run = run_jixiao(root, "check", "2023", "--unit", "lukou-zzb")
    assert run.returncode == 1
    assert "文字里的 overall.prior 没有数字" in run.stdout
