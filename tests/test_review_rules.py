"""`jixiao check` on the shipped samples with a writer's mistakes typed in: typed section
numbers, hand-typed scores, one indicator stated twice with different figures, and the
reviewer rules (执行率 over 100 %, 其中 ≤ 总额, 三公 控制率, national weights).

Each test changes one shipped sample as a writer would, runs the command, and checks the
Chinese finding (its catalog message, file and line), that check fails and render refuses.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jixiao.messages import say, set_language
from tests.conftest import copy_samples, run_jixiao


@pytest.fixture(autouse=True)
def _chinese() -> None:
    set_language("zh")


def _mutated(tmp_path: Path, file: str, old: str, new: str) -> tuple[Path, int]:
    """A copy of the samples with `old` replaced by `new` in `file`; the root and the line."""
    root = copy_samples(tmp_path)
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    return root, line


def _check(root: Path, year: int, unit: str) -> tuple[int, list[dict[str, Any]]]:
    result = run_jixiao(root, "check", str(year), "--unit", unit, "--format", "json")
    reports = json.loads(result.stdout)
    return result.returncode, [f for report in reports for f in report["findings"]]


def _found(root: Path, year: int, unit: str, message: str, line: int, file: str) -> dict[str, Any]:
    """The one error with `message` at `file`:`line`; check failed and render refuses."""
    code, findings = _check(root, year, unit)
    hits = [f for f in findings if f["message"] == message]
    assert len(hits) == 1, [f["message"] for f in findings]
    hit = hits[0]
    assert (hit["severity"], hit["line"]) == ("error", line)
    assert Path(hit["file"]).resolve() == (root / file).resolve()
    assert code == 1
    out = root / "out"
    rendered = run_jixiao(root, "render", str(year), "--unit", unit, "--out", str(out))
    assert rendered.returncode == 1
    assert message in rendered.stderr + rendered.stdout
    assert not list(out.rglob("*.docx"))
    return hit


KAIFU, LUKOU, MAOMING = (
    "content/kaifu-zzb/2022.yaml",
    "content/lukou-zzb/2023.yaml",
    "content/maoming-fgj/2021.yaml",
)


# Typed numbering ---------------------------------------------------------------------------


def test_typed_number_in_a_title(tmp_path: Path) -> None:
    root, line = _mutated(tmp_path, KAIFU, "title: 绩效考核精准有效", "title: 4.4.绩效考核精准有效")
    message = say("typed_numbering", found="4.4.", where=say("typed_numbering_title"))
    _found(root, 2022, "kaifu-zzb", message, line, KAIFU)


def test_typed_number_in_a_list_item_in_the_kinds_own_style(tmp_path: Path) -> None:
    """广东's third level is “1、”: typed in front of a numbered item it would print twice."""
    old = "- 强化经济综合管理"
    root, line = _mutated(tmp_path, MAOMING, old, "- 1、强化经济综合管理")
    message = say("typed_numbering", found="1、", where=say("typed_numbering_item"))
    _found(root, 2021, "maoming-fgj", message, line, MAOMING)


def test_typed_number_in_a_paragraph_at_its_line_inside_the_block(tmp_path: Path) -> None:
    root, line = _mutated(tmp_path, LUKOU, "      党建工作。按照", "      （二）党建工作。按照")
    message = say("typed_numbering", found="（二）", where=say("typed_numbering_paragraph"))
    _found(root, 2023, "lukou-zzb", message, line, LUKOU)


def test_years_and_figures_at_the_start_are_not_numbers(tmp_path: Path) -> None:
    """“2023年…” opening a paragraph, a heading “1958年以来”, “3.5万元…”: no finding."""
    root = copy_samples(tmp_path)
    path = root / LUKOU
    text = path.read_text(encoding="utf-8")
    text = text.replace("      党建工作。按照", "      2023年党建工作。按照", 1)
    text = text.replace("      人才工作。深化", "      3.5万元人才经费。深化", 1)
    text = text.replace("    title: 预算单位基本情况", "    title: 1958年以来的基本情况", 1)
    path.write_text(text, encoding="utf-8")
    code, findings = _check(root, 2023, "lukou-zzb")
    assert code == 0 and not [f for f in findings if f["severity"] == "error"], findings


# Scores -------------------------------------------------------------------------------------

COST = (
    "{name: 成本节约率, target: 100%, actual: 80%, points: 5, "
    "reason: 未有效节约实施成本，部门项目超出年初预算}"
)


def test_typed_score_that_the_rule_does_not_give(tmp_path: Path) -> None:
    """70 % achieved of a 90 % target, 5 points: the proportional rule gives 3.89, not 3.5."""
    new = "{name: 成本节约率, target: 90%, actual: 70%, points: 5, score: 3.5}"
    root, line = _mutated(tmp_path, KAIFU, COST, new)
    message = say(
        "score_differs_from_rule",
        name="成本节约率",
        score="3.5",
        rule_score="3.89",
        points="5",
        target="90%",
        actual="70%",
    )
    _found(root, 2022, "kaifu-zzb", message, line, KAIFU)
    _code, findings = _check(root, 2022, "kaifu-zzb")
    assert [f["line"] for f in findings if f["severity"] == "error"] == [line], "said once"


def test_a_score_reason_accepts_a_full_score_on_a_missed_target(tmp_path: Path) -> None:
    """A full score needs no 偏差原因, so `score_reason` alone is what explains it."""
    new = (
        "{name: 成本节约率, target: 100%, actual: 80%, points: 5, score: 5, "
        "score_reason: 按考核办法，节约率80%视为完成}"
    )
    root, _ = _mutated(tmp_path, KAIFU, COST, new)
    code, findings = _check(root, 2022, "kaifu-zzb")
    assert code == 0, findings


def test_full_score_on_a_missed_target(tmp_path: Path) -> None:
    new = "{name: 成本节约率, target: 100%, actual: 80%, points: 5, score: 5}"
    root, line = _mutated(tmp_path, KAIFU, COST, new)
    message = say(
        "full_score_missed",
        name="成本节约率",
        score="5",
        rule_score="4",
        points="5",
        target="100%",
        actual="80%",
    )
    _found(root, 2022, "kaifu-zzb", message, line, KAIFU)


# The same indicator in two documents ----------------------------------------------------------


def test_one_count_stated_differently_in_two_forms(tmp_path: Path) -> None:
    """附件3 says 新建45家, 附件4 says 100家: the later one is an error naming the first."""
    root = copy_samples(tmp_path)
    path = root / KAIFU
    text = path.read_text(encoding="utf-8")
    first = "{name: 青少年扶助人数, target: 30, actual: 54, points: 3}"
    second = "{name: 新建党组织个数, target: 20, actual: 45, points: 5}"
    text = text.replace(first, "{name: 新建党组织个数, target: 45家, actual: 45家, points: 3}")
    text = text.replace(second, "{name: 新建党组织个数, target: 45家, actual: 100家, points: 5}")
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    first_line = next(n for n, t in enumerate(lines, 1) if "actual: 45家" in t)
    line = next(n for n, t in enumerate(lines, 1) if "actual: 100家" in t)
    message = say(
        "indicator_differs",
        name="新建党组织个数",
        what=say("consistency_actual"),
        value="100家",
        document="基层党建经费·绩效自评",
        other="45家",
        other_document="部门整体支出绩效自评",
        other_line=first_line,
        number="45",
    )
    _found(root, 2022, "kaifu-zzb", message, line, KAIFU)


def test_a_project_form_against_its_statement(tmp_path: Path) -> None:
    """A project's 说明 lists a target its 自评表 states otherwise (same project: rates too)."""
    conghua = "content/conghua-zzb/2022.yaml"
    old = (
        "      - name: 村党员培训覆盖率\n"
        "        formula: 实际参加培训教育的村党员数量/应参加培训的村党员数量*100%\n"
        "        target: ≥95%\n        actual: 95%"
    )
    new = old.replace("actual: 95%", "actual: 98%")
    root = copy_samples(tmp_path)
    path = root / conghua
    text = path.read_text(encoding="utf-8")
    assert old in text
    evaluation = (
        "    evaluation:\n      indicators:\n        - name: 产出指标\n          categories:\n"
        "            - name: 质量指标\n              indicators:\n"
        "                - {name: 村党员培训覆盖率, target: ≥95%, actual: 95%, points: 90}\n"
    )
    text = text.replace(old, new).replace("    targets:\n", evaluation + "    targets:\n", 1)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    line = next(n for n, t in enumerate(lines, 1) if "actual: 98%" in t)
    first_line = next(n for n, t in enumerate(lines, 1) if "村党员培训覆盖率, target" in t)
    message = say(
        "indicator_differs",
        name="村党员培训覆盖率",
        what=say("consistency_actual"),
        value="98%",
        document="村办公经费项目·绩效目标完成情况（逐项指标）",
        other="95%",
        other_document="村办公经费项目·绩效自评",
        other_line=first_line,
        number="95",
    )
    _found(root, 2022, "conghua-zzb", message, line, conghua)


# Reviewer rules -------------------------------------------------------------------------------

FUNDS = "current: {initial: 1900, budget: 2000, actual: 1909.3}"


def test_execution_over_100_percent_needs_a_reason(tmp_path: Path) -> None:
    root, line = _mutated(tmp_path, KAIFU, FUNDS, FUNDS.replace("1909.3", "2100"))
    message = say(
        "over_budget",
        what="基层党建经费·项目资金·当年财政拨款",
        actual="2100",
        budget="2000",
        rate="105.00%",
    )
    _found(root, 2022, "kaifu-zzb", message, line, KAIFU)


def test_a_part_larger_than_its_total(tmp_path: Path) -> None:
    old = "district: {initial: 1900, actual: 1909.3}"
    root, line = _mutated(tmp_path, KAIFU, old, "district: {initial: 1900, actual: 1999.3}")
    message = say(
        "part_over_total",
        part="区级资金",
        value="1999.3",
        whole="基层党建经费·项目资金",
        total="1909.3",
    )
    _found(root, 2022, "kaifu-zzb", message, line, KAIFU)


def test_three_public_over_budget_contradicts_a_100_percent_control_rate(tmp_path: Path) -> None:
    old = "vehicle_operation: {prior: 2.9, budget: 3.4, actual: 3.4}"
    root, _ = _mutated(
        tmp_path, KAIFU, old, old.replace("actual: 3.4", "actual: 4.4, over_reason: 车辆维修")
    )
    text = (root / KAIFU).read_text(encoding="utf-8").splitlines()
    line = next(n for n, t in enumerate(text, 1) if "“三公经费”控制率, target: 100%" in t)
    message = say(
        "three_public_contradiction",
        name="“三公经费”控制率",
        value="100%",
        actual="4.4",
        budget="3.4",
        rate="129.41%",
    )
    _found(root, 2022, "kaifu-zzb", message, line, KAIFU)


def test_national_weights_where_the_kind_says_they_apply(tmp_path: Path) -> None:
    """The key-project kind adopting the national weights: 开福's project form has 40/40."""
    root = copy_samples(tmp_path)
    kind = root / "templates/key-project/kind.yaml"
    kind.write_text(
        kind.read_text(encoding="utf-8") + "review:\n  weights_apply_to: [key_projects]\n",
        encoding="utf-8",
    )
    text = (root / KAIFU).read_text(encoding="utf-8").splitlines()
    start = next(n for n, t in enumerate(text, 1) if t.startswith("key_projects:"))
    line = next(n for n, t in enumerate(text, 1) if n > start and "- name: 效益指标" in t)
    message = say("group_weight_national", name="效益指标", points="40", required="30")
    _found(root, 2022, "kaifu-zzb", message, line, KAIFU)


def test_a_missing_satisfaction_group(tmp_path: Path) -> None:
    root = copy_samples(tmp_path)
    kind = root / "templates/hunan-overall/kind.yaml"
    kind.write_text(
        kind.read_text(encoding="utf-8") + "review:\n  weights_apply_to: [evaluation]\n",
        encoding="utf-8",
    )
    path = root / KAIFU
    text = path.read_text(encoding="utf-8")
    group = (
        "    - name: 满意度指标\n      points: 10\n      categories:\n"
        "        - name: 服务对象满意度指标\n          indicators:\n"
        "            - {name: 服务对象满意度, target: 90%, actual: 92%, points: 10}\n"
    )
    assert group in text
    path.write_text(text.replace(group, ""), encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("  indicators:"))
    message = say("group_missing", name="满意度指标", points="10")
    _found(root, 2022, "kaifu-zzb", message, line, KAIFU)


# The shipped samples ---------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2021, 2022, 2023])
def test_shipped_samples_stay_clean(year: int) -> None:
    """--strict passes, but for 茂名's founding year 1958 (a history year, a warning)."""
    from tests.conftest import REPO

    result = run_jixiao(REPO, "check", str(year), "--strict", "--format", "json")
    findings = [f for r in json.loads(result.stdout) for f in r["findings"]]
    shown = [f for f in findings if f["severity"] != "note"]  # unchecked numbers, listed only
    assert [f["severity"] for f in shown if "1958年" not in f["message"]] == []
    assert result.returncode == (1 if year == 2021 else 0)


# Severity ---------------------------------------------------------------------------------------


def test_text_carried_over_with_last_years_own_year_is_an_error(tmp_path: Path) -> None:
    """A paragraph copied unchanged from the 2022 file that says “2022年”: last year's fact."""
    root = copy_samples(tmp_path)
    path = root / LUKOU
    text = path.read_text(encoding="utf-8").replace(
        "      党建工作。按照", "      2022年党建工作。按照"
    )
    path.write_text(text, encoding="utf-8")
    prior = text.replace("year: 2023", "year: 2022", 1)
    (root / "content/lukou-zzb/2022.yaml").write_text(prior, encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "2022年党建工作" in t)
    message = say("carried_stale_year", prior=2022, found="2022年")
    _found(root, 2023, "lukou-zzb", message, line, LUKOU)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("四、4、 下一步改进措施", "四、"),
        ("（二）（二）各项工作任务", "（二）"),
        ("(2)半角括号", "(2)"),
        ("4.4.绩效管理", "4.4."),
        ("3. 加强管理", "3."),
        ("①资产保存完整", "①"),
        ("2023年全区……", None),
        ("1958年以来", None),
        ("3.5万元用于……", None),
        ("2.5%的增幅", None),
        ("一是加强学习", None),
        ("十九大以来", None),
    ],
)
def test_what_counts_as_a_typed_number(text: str, number: str | None) -> None:
    """GB/T 9704 and the typed styles, in either width; years and figures are not numbers."""
    from jixiao.numbering import GBT9704
    from jixiao.typed_numbering import TYPED_STYLES, numbering_regex

    match = numbering_regex([*GBT9704.values(), *TYPED_STYLES]).match(text)
    assert (match.group("number") if match else None) == number
