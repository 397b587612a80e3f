"""`jixiao new` and `jixiao diff`: carry, roll and clear by rule; markers listed; years compared.

The rolled files are compared with the shipped samples themselves: every comment kept,
each prior-year figure equal to the source's actual, everything else to fill. Expected
figures in the `diff` tests are recomputed here with Decimal from the YAML.
"""

from __future__ import annotations

import difflib
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from jixiao.errors import ContentError
from jixiao.loading import load
from jixiao.model import Amounts, Indicator, IndicatorGroup, KeyProject, Section, Staffing
from jixiao.model.common import TO_FILL
from jixiao.model.indicators import Target
from jixiao.model.scores import ScoreItem
from jixiao.model.year import Income, ProjectGroup, Year
from jixiao.project import Project, load_unit_year
from jixiao.rollover import Action, action, roll_text, rules_table
from jixiao.to_fill import to_fill_paths
from tests.conftest import REPO, copy_samples, exact_yaml, half_up, run_jixiao
from tests.docx_text import text_lines

LUKOU = REPO / "content" / "lukou-zzb" / "2023.yaml"
KAIFU = REPO / "content" / "kaifu-zzb" / "2022.yaml"
COMMENT = re.compile(r"(?:^|\s)(#.*)$")


def leaves(data: Any, path: tuple = ()) -> dict[tuple, Any]:
    """Every scalar of `data` by its path."""
    if isinstance(data, dict):
        return {p: v for k, item in data.items() for p, v in leaves(item, (*path, k)).items()}
    if isinstance(data, list):
        return {p: v for i, item in enumerate(data) for p, v in leaves(item, (*path, i)).items()}
    return {path: data}


def comments(text: str) -> set[str]:
    """Every comment of a YAML text (whole-line and end-of-line), as written."""
    return {m.group(1).strip() for line in text.splitlines() if (m := COMMENT.search(line))}


# The rules ---------------------------------------------------------------------------------


def test_rules_follow_the_model() -> None:
    assert action(Amounts, "prior") is Action.ROLL
    for column in ("initial", "budget", "actual"):
        assert action(Amounts, column) is Action.CLEAR
    assert action(Amounts, "prior", rolling=False) is Action.CLEAR  # inside a 重点项目
    for name in ("actual", "score", "grade", "reason"):
        assert action(Indicator, name) is Action.CLEAR
    for name in ("name", "target", "points", "rule", "formula"):
        assert action(Indicator, name) is Action.CARRY
    assert action(IndicatorGroup, "points") is Action.CARRY
    assert action(Staffing, "in_service") is Action.CLEAR
    assert action(Income, "general_budget") is Action.CLEAR
    assert action(ProjectGroup, "income") is Action.CLEAR
    assert action(ProjectGroup, "name") is Action.CARRY
    assert action(Year, "results") is Action.CLEAR
    assert action(Year, "goals") is Action.REVIEW
    assert action(Section, "text") is Action.REVIEW
    assert action(Section, "title") is Action.CARRY
    assert action(ScoreItem, "points") is Action.CARRY  # 分值 of the 评分表
    assert action(ScoreItem, "score") is Action.CLEAR
    assert action(Target, "actual") is Action.CLEAR
    table = rules_table()
    assert ("KeyProject", "results", Action.CLEAR) in table
    assert len({(m, f) for m, f, _a in table}) == len(table)
    assert KeyProject.__name__ in {m for m, _f, _a in table}


def test_the_marker_validates_to_none_where_it_may_stand() -> None:
    indicator = Indicator.model_validate(
        {"name": "x", "target": "≥5个", "actual": TO_FILL, "points": 3, "score": TO_FILL}
        | {"grade": TO_FILL, "reason": TO_FILL}
    )
    assert (indicator.actual, indicator.score, indicator.grade, indicator.reason) == (None,) * 4
    assert Staffing.model_validate({"authorized": TO_FILL, "in_service": 3}).authorized is None
    assert Amounts.model_validate({"prior": 1, "actual": " 待填 "}).actual is None
    year = Year.model_validate({"year": 2024, "results": [TO_FILL, "做了", TO_FILL]})
    assert year.results == ["做了"]
    with pytest.raises(ValidationError):
        Amounts.model_validate({"actual": "待填写"})  # only the marker itself


# Rolling the shipped samples ---------------------------------------------------------------


def test_lukou_2023_to_2024_keeps_comments_rolls_actuals_clears_the_rest() -> None:
    source = LUKOU.read_text(encoding="utf-8")
    rolled = roll_text(source, 2024)
    assert comments(rolled.text) == comments(source)
    assert rolled.text.splitlines()[0] == source.splitlines()[0]  # the editor modeline
    before, after = leaves(exact_yaml(source)), leaves(exact_yaml(rolled.text))
    assert after[("year",)] == 2024
    rolled_from = {(*p[:-1], "prior"): v for p, v in before.items() if p[-1] == "actual"}
    expected_to_fill = {p for p in before if p[-1] in ("actual", "income") or p[0] == "staffing"}
    for path, value in after.items():
        if path in rolled_from:
            assert value == rolled_from[path], path
        elif path in expected_to_fill:
            assert value == TO_FILL, path
        elif path != ("year",):
            assert value == before[path], path
    assert set(rolled_from) <= set(after)
    assert {p for p, v in after.items() if v == TO_FILL} == expected_to_fill
    summary = rolled.summary
    assert len(summary.rolled) == len(rolled_from) == 9
    assert len(summary.cleared) == len(expected_to_fill)
    texts = {p for p in before if p[-1] == "text" or p[:2] == ("sections", "problems")}
    assert texts <= set(summary.review)


def test_only_the_rolled_and_cleared_lines_change() -> None:
    for path, year in ((LUKOU, 2024), (KAIFU, 2023)):
        source = path.read_text(encoding="utf-8")
        rolled = roll_text(source, year).text
        matcher = difflib.SequenceMatcher(a=source.splitlines(), b=rolled.splitlines())
        for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            for line in rolled.splitlines()[j1:j2]:
                assert TO_FILL in line or "prior:" in line or line == f"year: {year}", line


def test_kaifu_anchors_flow_style_and_key_projects() -> None:
    rolled = roll_text(KAIFU.read_text(encoding="utf-8"), 2023)
    text = rolled.text
    assert "- &party" in text and "sections: [*party, *cadre, *talent]" in text
    data = exact_yaml(text)
    assert (
        data["key_sections"]["results"]["sections"][0]
        is data["sections"]["performance"]["sections"][0]
    )
    key = data["key_projects"][0]
    assert key["funds"]["current"] == {"initial": TO_FILL, "budget": TO_FILL, "actual": TO_FILL}
    assert key["results"] == [TO_FILL] * 3
    assert key["goals"][0] == "加强全区党组织建设和党员队伍建设工作。"
    three = data["basic_data"]["three_public"]["vehicle_operation"]
    assert three == {"prior": Decimal("3.4"), "budget": TO_FILL, "actual": TO_FILL}
    scored = data["key_projects"][0]["evaluation"]["indicators"][1]["categories"][1]
    assert scored["indicators"][1] == {
        "name": "党员教育宣传片成片及时率",
        "target": 90,
        "actual": TO_FILL,
        "points": 5,
        "score": TO_FILL,
        "reason": TO_FILL,
    }
    basic = data["budget"]["basic"]
    assert list(basic)[:4] == ["prior", "initial", "budget", "actual"]
    assert basic["prior"] == Decimal("3277.15")


def test_another_indentation_style_round_trips() -> None:
    source = (
        "# yaml-language-server: $schema=../../schema/year.schema.json\n"
        "year: 2023\n"
        "goals:\n"
        "- 甲\n"
        "- '乙'   # 引号保留\n"
        "budget:\n"
        "    basic:\n"
        "        personnel: {actual: 1.50}\n"
        "        public:\n"
        "            budget: 2\n"
        "            actual: 3\n"
    )
    rolled = roll_text(source, 2024).text
    assert rolled == (
        "# yaml-language-server: $schema=../../schema/year.schema.json\n"
        "year: 2024\n"
        "goals:\n"
        "- 甲\n"
        "- '乙'   # 引号保留\n"
        "budget:\n"
        "    basic:\n"
        "        personnel: {prior: 1.50, actual: 待填}\n"
        "        public:\n"
        "            prior: 3\n"
        "            budget: 待填\n"
        "            actual: 待填\n"
    )


# Markers: listed by line, refused by render -------------------------------------------------


def test_to_fill_paths_lists_every_cleared_field_at_its_line(tmp_path: Path) -> None:
    rolled = roll_text(LUKOU.read_text(encoding="utf-8"), 2024)
    file = tmp_path / "2024.yaml"
    file.write_text(rolled.text, encoding="utf-8")
    found = to_fill_paths(load(file))
    lines = rolled.text.splitlines()
    expected = {p for p, v in leaves(exact_yaml(rolled.text)).items() if v == TO_FILL}
    assert {path for path, _line in found} == expected
    assert len(found) == len(expected) == 14
    for path, line in found:
        assert line is not None
        assert f"{path[-1]}: {TO_FILL}" in lines[line - 1], (path, line)


def test_render_refuses_a_file_with_markers(project_copy: Project) -> None:
    rolled = roll_text(project_copy.year_file("lukou-zzb", 2023).read_text("utf-8"), 2024)
    project_copy.year_file("lukou-zzb", 2024).write_text(rolled.text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_unit_year(project_copy, "lukou-zzb", 2024)
    findings = caught.value.findings
    assert len(findings) == 14
    assert all(f.message.startswith("待填：") and f.line and f.hint for f in findings)
    assert "budget.projects.groups[0].projects[3].actual" in {f.field for f in findings}
    assert any("人才慰问经费" in f.message for f in findings)
    unit_year = load_unit_year(project_copy, "lukou-zzb", 2024, to_fill=True)
    basic = exact_yaml(LUKOU.read_text(encoding="utf-8"))["budget"]["basic"]
    assert unit_year.figures.basic.prior == basic["personnel"]["actual"] + basic["public"]["actual"]
    assert unit_year.figures.basic.actual is None


# Through the command -----------------------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the shipped samples (content and templates)."""
    return copy_samples(tmp_path)


FILLED = {
    ("staffing", "authorized"): "40",
    ("staffing", "in_service"): "35",
    ("staffing", "retired_cadres"): "0",
    ("staffing", "retired"): "18",
    ("budget", "basic", "personnel", "actual"): "800.10",
    ("budget", "basic", "public", "actual"): "498.37",
}


def fill(file: Path) -> dict[tuple, Decimal]:
    """Replace every 待填 of `file` by a number (amounts: prior + 10%; income: their sum)."""
    text = file.read_text(encoding="utf-8")
    figures = leaves(exact_yaml(text))
    found = to_fill_paths(load(file))
    values: dict[tuple, Decimal] = {}
    for path, _line in found:
        if path in FILLED:
            values[path] = Decimal(FILLED[path])
        elif path[-1] == "actual":
            values[path] = (figures[(*path[:-1], "prior")] * Decimal("1.1")).quantize(
                Decimal("0.01")
            )
    for path, _line in found:
        if path[-1] == "income":
            group = path[:-1]
            values[path] = sum(
                (v for p, v in values.items() if p[: len(group)] == group), Decimal(0)
            )
    lines = text.splitlines()
    for path, line in found:
        assert line is not None
        field = f"{path[-1]}: {TO_FILL}"
        lines[line - 1] = lines[line - 1].replace(field, f"{path[-1]}: {values[path]}")
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return values


def test_new_check_fill_render_diff(root: Path) -> None:
    source = exact_yaml(LUKOU.read_text(encoding="utf-8"))["budget"]["basic"]
    old_personnel = source["personnel"]["actual"]
    old_basic = old_personnel + source["public"]["actual"]
    run = run_jixiao(root, "new", "2024", "--unit", "lukou-zzb")
    assert run.returncode == 0, run.stderr
    target = root / "content" / "lukou-zzb" / "2024.yaml"
    assert "沿用" in run.stdout and "结转 9 项" in run.stdout and "清空待填 14 项" in run.stdout
    assert "sections.performance.text" in run.stdout  # a narrative block to review

    check = run_jixiao(root, "check", "2024", "--unit", "lukou-zzb")
    assert check.returncode == 1
    marked = re.compile(r"2024\.yaml:(\d+): 错误 \[\S+\]: 待填")
    listed = {int(m.group(1)) for m in marked.finditer(check.stdout)}
    assert listed == {line for _p, line in to_fill_paths(load(target))}

    early = run_jixiao(root, "diff", "2023", "2024", "--unit", "lukou-zzb")  # markers left
    assert early.returncode == 0, early.stderr
    shown = re.escape(str(half_up(old_personnel)))
    assert re.search(rf"人员经费 · 执行数\s+{shown}\s+——\s+——\s+——", early.stdout)

    values = fill(target)
    check = run_jixiao(root, "check", "2024", "--unit", "lukou-zzb")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "待填" not in check.stdout

    out = root / "out"
    render = run_jixiao(root, "render", "2024", "--unit", "lukou-zzb", "--out", str(out))
    assert render.returncode == 0, render.stderr
    (docx,) = (out / "2024" / "lukou-zzb").glob("*.docx")
    lines = text_lines(docx.read_bytes())
    assert any("2024年度" in line for line in lines[:5])
    personnel = values[("budget", "basic", "personnel", "actual")]
    public = values[("budget", "basic", "public", "actual")]
    basic = personnel + public
    body = next(line for line in lines if line.startswith("2024年度基本支出"))
    assert f"基本支出{half_up(basic)}万元" in body

    diff = run_jixiao(root, "diff", "2023", "2024", "--unit", "lukou-zzb")
    assert diff.returncode == 0, diff.stderr
    for label, old, new in (
        ("人员经费 · 执行数", old_personnel, personnel),
        ("基本支出 · 执行数", old_basic, basic),
    ):
        change = new - old
        rate = change / old * 100
        words = ("增长" if rate > 0 else "下降") + str(half_up(abs(rate))) + "%"
        sign = "+" if change > 0 else "-"
        pattern = rf"{label}\s+{half_up(old)}\s+{half_up(new)}\s+\{sign}?{half_up(abs(change))}"
        assert re.search(pattern + rf"\s+{words}", diff.stdout), (pattern, diff.stdout)


def test_new_refuses_an_existing_file_and_force_keeps_what_was_filled(root: Path) -> None:
    source = root / "content" / "kaifu-zzb" / "2022.yaml"
    target = root / "content" / "kaifu-zzb" / "2023.yaml"
    # the writer copied last year's file by hand, changed the year and one figure
    copied = source.read_text(encoding="utf-8").replace("year: 2022", "year: 2023")
    copied = copied.replace("in_service: 30 ", "in_service: 31 ")
    target.write_text(copied, encoding="utf-8")
    before = target.read_bytes()

    run = run_jixiao(root, "new", "2023", "--unit", "kaifu-zzb")
    assert run.returncode == 1
    assert "2023.yaml" in run.stderr and "已存在" in run.stderr and "--force" in run.stderr
    assert target.read_bytes() == before
    english = run_jixiao(root, "--lang", "en", "new", "2023", "--unit", "kaifu-zzb")
    assert english.returncode == 1 and "already exists" in english.stderr
    assert target.read_bytes() == before

    forced = run_jixiao(root, "new", "2023", "--unit", "kaifu-zzb", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "保留原 2023.yaml 中已填写或改过的 1 项" in forced.stdout
    data = exact_yaml(target.read_text(encoding="utf-8"))
    assert data["staffing"] == {"authorized": TO_FILL, "in_service": 31}  # the writer's figure
    assert data["budget"]["basic"]["prior"] == Decimal("3277.15")  # rolled from 2022
    assert data["budget"]["basic"]["actual"] == TO_FILL  # the copied 2022 figure was stale
    assert data["income"]["general_budget"] == TO_FILL
    assert comments(target.read_text(encoding="utf-8")) == comments(
        source.read_text(encoding="utf-8")
    )


def test_new_english_summary_and_bad_from(root: Path) -> None:
    run = run_jixiao(root, "--lang", "en", "new", "2024", "--unit", "lukou-zzb")
    assert run.returncode == 0, run.stderr
    assert (
        "carried" in run.stdout and "rolled 9" in run.stdout and "cleared to fill 14" in run.stdout
    )
    backwards = run_jixiao(root, "new", "2022", "--from", "2023")
    assert backwards.returncode == 1 and "--from 2023" in backwards.stderr
    missing = run_jixiao(root, "diff", "2023", "2025", "--unit", "lukou-zzb")
    assert missing.returncode == 1 and "2025" in missing.stderr


def test_roll_text_is_pure_and_repeatable() -> None:
    source = LUKOU.read_text(encoding="utf-8")
    first, second = roll_text(source, 2024), roll_text(source, 2024)
    assert first.text == second.text
    again = roll_text(first.text, 2025)  # rolling a file still to fill keeps it to fill
    data = exact_yaml(again.text)
    assert data["budget"]["basic"]["personnel"] == {
        "prior": TO_FILL,
        "actual": TO_FILL,
        "covers": exact_yaml(source)["budget"]["basic"]["personnel"]["covers"],
    }
