"""A new unit can use any report kind by writing only YAML.

Each kind is rendered for a unit written here (not a shipped sample), in a small and a
larger variant with different numbers of institutions, projects and indicators. The
rendered tables are read back: their row counts grow and shrink with the content, the
一级 / 二级 columns are merged over exactly their rows (w:vMerge restart / continue), and
every total is recomputed here with Decimal, half up, from the YAML written.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn

from jixiao.project import Project
from tests.conftest import copy_samples, half_up, render, run_jixiao, spans
from tests.docx_text import text_lines

D = Decimal


def shown(value: Decimal) -> str:
    """As forms print a figure: rounded, no trailing zeros."""
    text = f"{half_up(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def new_unit(tmp_path: Path, unit: dict[str, Any], year: dict[str, Any]) -> Project:
    """A project with the shipped templates and one unit, `xin`, written as YAML (JSON)."""
    copy_samples(tmp_path, "templates")
    folder = tmp_path / "content" / "xin"
    folder.mkdir(parents=True)
    (folder / "unit.yaml").write_text(json.dumps(unit, ensure_ascii=False), "utf-8")
    (folder / f"{year['year']}.yaml").write_text(json.dumps(year, ensure_ascii=False), "utf-8")
    return Project(tmp_path)


def tables(data: bytes) -> list[Any]:
    return list(Document(io.BytesIO(data)).element.body.iter(qn("w:tbl")))


def rows(tbl: Any) -> list[Any]:
    return tbl.findall(qn("w:tr"))


def cell_at(tr: Any, column: int) -> Any:
    """The w:tc of `tr` that covers grid column `column`."""
    col = 0
    for tc in tr.findall(qn("w:tc")):
        span = tc.find(qn("w:tcPr") + "/" + qn("w:gridSpan"))
        width = int(span.get(qn("w:val"))) if span is not None else 1
        if col <= column < col + width:
            return tc
        col += width
    raise AssertionError(f"no cell at column {column}")


def merges(tbl: Any, column: int, first: int, last: int) -> list[str]:
    """'restart', 'continue' or '-' (not merged) for `column` in rows first … last-1."""
    out = []
    for tr in rows(tbl)[first:last]:
        merge = cell_at(tr, column).find(qn("w:tcPr") + "/" + qn("w:vMerge"))
        out.append("-" if merge is None else merge.get(qn("w:val"), "continue"))
    return out


def cell_text(tr: Any, column: int) -> str:
    return "".join(t.text or "" for t in cell_at(tr, column).iter(qn("w:t")))


def row_texts(tr: Any) -> list[str]:
    return ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.findall(qn("w:tc"))]


# 湖南 部门整体支出绩效自评报告 (hunan-overall) ------------------------------------------


@dataclass(frozen=True)
class Size:
    """How big a variant is: category sizes per group, projects, institutions, evaluators."""

    groups: list[list[int]]
    projects: int
    institutions: int
    evaluators: int


SMALL = Size(groups=[[2], [1]], projects=1, institutions=1, evaluators=1)
LARGE = Size(groups=[[3, 1, 2], [2, 2], [1]], projects=3, institutions=3, evaluators=4)
SIZES = [pytest.param(SMALL, id="small"), pytest.param(LARGE, id="large")]


def indicator_groups(size: Size) -> list[dict[str, Any]]:
    """Indicators of 4 points each; the last of each category falls short (8 of ≥10)."""
    return [
        {
            "name": f"一级{g}",
            "categories": [
                {
                    "name": f"二级{g}-{c}",
                    "indicators": [
                        {
                            "name": f"指标{g}-{c}-{i}",
                            "target": "≥10",
                            "actual": "8" if i == count - 1 else "12",
                            "points": 4,
                            **({"reason": "未达目标"} if i == count - 1 else {}),
                        }
                        for i in range(count)
                    ],
                }
                for c, count in enumerate(categories)
            ],
        }
        for g, categories in enumerate(size.groups)
    ]


def expected_indicator_total(size: Size, execution: Decimal) -> tuple[Decimal, Decimal]:
    points = D(10) + D(4) * sum(sum(c) for c in size.groups)
    score = half_up(D(10) * min(execution, D(1)))
    for categories in size.groups:
        for count in categories:
            score += D(4) * (count - 1) + half_up(D(8) / D(10) * D(4))
    return points, score


@pytest.mark.parametrize("size", SIZES)
def test_hunan_overall_for_a_new_unit(tmp_path: Path, size: Size) -> None:
    projects = [
        {
            "name": f"项目{i}",
            "initial": f"{10 + i}.5",
            "budget": f"{20 + i}.25",
            "actual": f"{18 + i}.1",
        }
        for i in range(size.projects)
    ]
    year = {
        "year": 2024,
        "budget": {
            "basic": {
                "personnel": {"budget": "100", "actual": "98.76"},
                "public": {"budget": "20", "actual": "19.5"},
            },
            "projects": {"groups": [{"name": "业务工作经费", "projects": projects}]},
        },
        "evaluation": {"indicators": indicator_groups(size)},
    }
    project = new_unit(
        tmp_path, {"full_name": "新单位", "short_name": "新", "kinds": ["hunan-overall"]}, year
    )
    data = render(project, "xin", 2024, "hunan-overall").data
    funds, indicators = tables(data)
    count = sum(sum(c) for c in size.groups)
    assert len(rows(indicators)) == 1 + count + 1  # header, one row per indicator, 总分
    assert merges(indicators, 0, 0, 1 + count) == spans([1 + count])  # “绩效指标”
    assert merges(indicators, 1, 1, 1 + count) == spans([sum(c) for c in size.groups])
    assert merges(indicators, 2, 1, 1 + count) == spans([n for c in size.groups for n in c])
    actual = D("98.76") + D("19.5") + sum(D(f"{18 + i}.1") for i in range(size.projects))
    budget = D(120) + sum(D(f"{20 + i}.25") for i in range(size.projects))
    points, score = expected_indicator_total(size, actual / budget)
    assert row_texts(rows(indicators)[-1]) == ["总分", shown(points), shown(score), ""]
    assert shown(actual) in [cell_text(tr, 5) for tr in rows(funds)]


# 重点项目绩效自评结果情况说明 (key-project) ---------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_key_project_for_a_new_unit(tmp_path: Path, size: Size) -> None:
    key_projects = [
        {
            "name": f"重点项目{i}",
            "type": "专项工作",
            "funds": {"current": {"initial": f"{100 + i}.3", "actual": f"{90 + i}.45"}},
            "district": {"initial": f"{50 + i}", "actual": f"{40 + i}.05"},
        }
        for i in range(size.projects)
    ]
    unit = {"full_name": "新单位", "short_name": "新", "kinds": ["key-project"]}
    project = new_unit(tmp_path, unit, {"year": 2024, "key_projects": key_projects})
    (table,) = tables(render(project, "xin", 2024, "key-project").data)
    assert len(rows(table)) == 2 + size.projects + 1
    assert merges(table, 0, 0, 2) == ["restart", "continue"]  # 项目名称 over both header rows
    total = [
        sum(D(f"{100 + i}.3") for i in range(size.projects)),
        sum(D(f"{50 + i}") for i in range(size.projects)),
        sum(D(f"{90 + i}.45") for i in range(size.projects)),
        sum(D(f"{40 + i}.05") for i in range(size.projects)),
    ]
    assert row_texts(rows(table)[-1]) == ["合计", *map(shown, total)]


# 岳阳 部门整体支出绩效自评表 (yueyang-form) ----------------------------------------------


def institutions(size: Size) -> list[dict[str, Any]]:
    return [
        {
            "name": "局机关" if i == 0 else f"二级机构{i}",
            "income": {"carryover": f"{i}.5", "general_budget": f"{300 + 10 * i}.25"},
            "spending": {
                "personnel": f"{150 + i}.1",
                "public": f"{100 + i}.2",
                "projects": f"{i * 3}",
            },
            "three_public": {
                "reception": {"prior": "2", "budget": "2", "actual": f"1.{i + 1}"},
                "vehicle_operation": {"prior": "1", "budget": "1", "actual": "0.5"},
                "vehicle_purchase": {"prior": "0", "budget": "0", "actual": "0"},
                "overseas": {"prior": "0", "budget": "0", "actual": "0"},
            },
            "assets": {"in_use": f"{30 + i}.4", "other": f"{i}"},
        }
        for i in range(size.institutions)
    ]


def score_groups(size: Size, measured: bool = True) -> list[dict[str, Any]]:
    """A 评分表 shaped like `size.groups`, each item 4 of 5; if `measured`, the first item
    is scored from 财政供养人员控制率 by the kind's rule instead."""
    groups = []
    for g, categories in enumerate(size.groups):
        cats = []
        for c, count in enumerate(categories):
            items: list[dict[str, Any]] = [
                {
                    "name": f"三级{g}-{c}-{i}",
                    "standard": "标准",
                    "points": 5,
                    "score": 4,
                    "reason": "扣1分",
                }
                for i in range(count)
            ]
            if measured and g == 0 and c == 0:
                items[0] = {
                    "name": "财政供养人员控制率",
                    "standard": "以100%为标准",
                    "points": 5,
                    "measure": "staff_control",
                }
            cats.append({"name": f"二级{g}-{c}", "items": items})
        groups.append({"name": f"一级{g}", "categories": cats})
    return groups


@pytest.mark.parametrize("size", SIZES)
def test_yueyang_form_for_a_new_unit(tmp_path: Path, size: Size) -> None:
    year = {
        "year": 2024,
        "staffing": {"authorized": 30, "in_service": 31},  # 控制率 103.33%
        "profile": {"duties": "职能", "tasks": ["任务甲", "任务乙"], "achievements": ["成绩"]},
        "institutions": institutions(size),
        "goals": ["目标一", "目标二"],
        "results": ["完成"],
        "targets": [
            {
                "name": f"目标{g}",
                "categories": [
                    {
                        "name": f"类{g}-{c}",
                        "targets": [{"name": f"指标{k}", "actual": "完成"} for k in range(n)],
                    }
                    for c, n in enumerate(cats)
                ],
            }
            for g, cats in enumerate(size.groups)
        ],
        "evaluators": [{"name": f"评价人{i}", "title": "科员"} for i in range(size.evaluators)],
        "scores": {"groups": score_groups(size)},
    }
    unit = {
        "full_name": "新单位",
        "short_name": "新",
        "kinds": ["yueyang-form"],
        "contact": {"name": "甲", "phone": 123},
    }
    project = new_unit(tmp_path, unit, year)
    data = render(project, "xin", 2024, "yueyang-form").data
    profile, income, spending, three, assets, goals, evaluators, score = tables(data)
    n = size.institutions
    assert row_texts(rows(profile)[0]) == ["联系人", "甲", "联络电话", "123"]
    assert row_texts(rows(profile)[1]) == ["人员编制", "30", "实有人数", "31"]

    # 收支 tables: caption, heading rows, 汇总, one row per institution; 汇总 = column sums
    assert [len(rows(t)) for t in (income, spending, three, assets)] == [
        3 + 1 + n,
        4 + 1 + n,
        3 + 1 + n,
        3 + 1 + n,
    ]
    inst = institutions(size)
    income_total = sum(D(i["income"]["carryover"]) + D(i["income"]["general_budget"]) for i in inst)
    personnel = sum(D(i["spending"]["personnel"]) for i in inst)
    public = sum(D(i["spending"]["public"]) for i in inst)
    project_spending = sum(D(i["spending"]["projects"]) for i in inst)
    spent = personnel + public + project_spending
    carryover = sum(D(i["income"]["carryover"]) for i in inst)
    assert row_texts(rows(income)[3])[:4] == [
        "局机关及二级机构汇总",
        shown(income_total),
        shown(carryover),
        shown(income_total - carryover),
    ]
    assert row_texts(rows(spending)[4]) == [
        "局机关及二级机构汇总",
        shown(spent),
        shown(personnel + public),
        shown(personnel),
        shown(public),
        shown(project_spending),
        shown(income_total - carryover - spent),
        shown(income_total - spent),
    ]
    assert [cell_text(tr, 0) for tr in rows(spending)[5:]] == [
        f"{k + 1}、{i['name']}" for k, i in enumerate(inst)
    ]
    reception = sum(D(f"1.{k + 1}") for k in range(n))
    assert row_texts(rows(three)[3])[:3] == [
        "局机关及二级机构汇总",
        shown(reception + D("0.5") * n),
        shown(reception),
    ]

    # 定量目标: 一级 / 二级 merged over their rows; 综合得分 and 等次 from the 评分表
    count = sum(sum(c) for c in size.groups)
    assert len(rows(goals)) == 2 + 1 + count + 2
    assert merges(goals, 1, 3, 3 + count) == spans([sum(c) for c in size.groups])
    assert merges(goals, 2, 3, 3 + count) == spans([k for c in size.groups for k in c])

    # 评分表: merges, each score, the total; the measured item by the kind's rule
    assert len(rows(score)) == 1 + count + 1
    assert merges(score, 0, 1, 1 + count) == spans([sum(c) for c in size.groups])
    assert merges(score, 1, 1, 1 + count) == spans([k for c in size.groups for k in c])
    staff = half_up(D(5) - (D(31) / D(30) - 1) * 100 * D("0.5"))
    assert cell_text(rows(score)[1], 5) == shown(staff)
    assert cell_text(rows(score)[1], 6) == "财政供养人员控制率103.33%"
    total = staff + D(4) * (count - 1)
    assert row_texts(rows(score)[-1]) == ["总分", shown(D(5) * count), shown(total), ""]
    assert cell_text(rows(goals)[-2], 3) == shown(total)
    grade = "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"
    assert cell_text(rows(goals)[-1], 3) == grade

    # 评价人员: heading, one row each, three signature blocks
    assert len(rows(evaluators)) == 1 + size.evaluators + 3
    assert cell_text(rows(evaluators)[1], 2) == "新单位"
    assert "任务2：任务乙" in "".join(text_lines(data))


# 广州 部门整体支出绩效自评报告 (guangzhou-overall) ---------------------------------------


OVERVIEW = (
    "预算{{ project.funds.initial | num }}万元，执行率{{ project.funds.execution_rate | pct }}。"
)
OFFICES = "共{{ unit.offices | length }}个科室，下属{{ unit.institutions | series }}。"
CONCLUSION = (
    "综合得分{{ scores.score | num }}分，扣分的项目是：{{ scores.deductions | deductions }}。"
)


@pytest.mark.parametrize("size", SIZES)
def test_guangzhou_overall_for_a_new_unit(tmp_path: Path, size: Size) -> None:
    key_projects = [
        {
            "name": f"项目{p}",
            "funds": {
                "current": {
                    "initial": f"{200 + p}",
                    "budget": f"{200 + p}",
                    "actual": f"{190 + p}.5",
                }
            },
            "overview": [OVERVIEW],
            "goals": ["目标"],
            "targets": [
                {"name": f"指标{k}", "formula": "甲/乙*100%", "target": "≥90%", "actual": "95%"}
                for k in range(p + 1)
            ],
            "problems": "问题",
            "measures": "措施",
        }
        for p in range(size.projects)
    ]
    year = {
        "year": 2024,
        "overall": {"budget": "1000", "actual": "987.65"},
        "scores": {"groups": score_groups(size, measured=False)},
        "key_projects": key_projects,
        "sections": {
            "basic_info": {"text": OFFICES},
            "self_evaluation": {
                "sections": [
                    {
                        "title": "自评结论",
                        "text": CONCLUSION,
                    },
                    {"title": "重点项目", "include": "key_projects"},
                ]
            },
        },
    }
    unit = {
        "full_name": "新单位",
        "short_name": "新",
        "kinds": ["guangzhou-overall"],
        "offices": ["甲科", "乙科"],
        "institutions": [
            {"name": "中心甲", "type": "事业单位"},
            {"name": "中心乙", "type": "事业单位"},
        ],
    }
    project = new_unit(tmp_path, unit, year)
    data = render(project, "xin", 2024, "guangzhou-overall").data
    lines = text_lines(data)
    assert "共2个科室，下属中心甲和中心乙。" in lines

    # one analysis per project, numbered 1. 2. …, each indicator 一是 二是 …
    headings = [line for line in lines if line.startswith(tuple(f"{p + 1}.项目" for p in range(9)))]
    assert headings == [f"{p + 1}.项目{p}" for p in range(size.projects)]
    for p in range(size.projects):
        budget, actual = D(200 + p), D(f"{190 + p}.5")
        assert f"预算{200 + p}万元，执行率{half_up(actual / budget * 100)}%。" in lines
    listed = [line for line in lines if "年初指标值为90%或以上，实际完成指标值为95%" in line]
    assert len(listed) == sum(p + 1 for p in range(size.projects))
    assert lines.count("（1）项目概况") == size.projects

    # the 评分表 lists every item, so it is attached, merged as the 岳阳 one is
    (score,) = tables(data)
    count = sum(sum(c) for c in size.groups)
    assert len(rows(score)) == 1 + count + 1
    assert merges(score, 0, 1, 1 + count) == spans([sum(c) for c in size.groups])
    assert merges(score, 1, 1, 1 + count) == spans([k for c in size.groups for k in c])
    total = D(4) * count
    assert row_texts(rows(score)[-1]) == ["总分", shown(D(5) * count), shown(total), ""]
    assert (
        f"综合得分{shown(total)}分，扣分的项目是：1.三级0-0-0，自评分数为4分，扣减1分"
        in "".join(lines)
    )


def test_guangzhou_scores_total_and_deductions_follow(tmp_path: Path) -> None:
    groups = score_groups(LARGE, measured=False)
    groups[0]["categories"][0]["items"][0] = {
        "name": "控制率",
        "points": 5,
        "score": "3.5",
        "reason": "超编",
    }
    year = {
        "year": 2024,
        "scores": {"groups": groups},
        "sections": {
            "self_evaluation": {
                "text": "得分{{ scores.score | num }}：{{ scores.deductions | deductions }}。"
            }
        },
    }
    unit = {"full_name": "新单位", "short_name": "新", "kinds": ["guangzhou-overall"]}
    data = render(new_unit(tmp_path, unit, year), "xin", 2024, "guangzhou-overall").data
    count = sum(sum(c) for c in LARGE.groups)
    total = D("3.5") + D(4) * (count - 1)
    (score,) = tables(data)
    assert row_texts(rows(score)[-1]) == ["总分", shown(D(5) * count), shown(total), ""]
    line = next(x for x in text_lines(data) if x.startswith("得分"))
    assert line.startswith(
        f"得分{shown(total)}：1.控制率，自评分数为3.5分，扣减1.5分，主要原因是超编；2."
    )
    assert line.count("扣减") == count


# The shipped samples: `jixiao render 2022` -------------------------------------------------

KAIFU = "2022年度开福区委组织部"
DOCUMENTS_2022 = {
    # unit: {file name: first line of its text}
    "kaifu-zzb": {
        f"{KAIFU}部门整体支出绩效自评报告.docx": KAIFU,
        f"{KAIFU}重点项目绩效自评结果情况说明.docx": "2022年重点项目绩效自评结果情况说明",
    },
    "yunxi-zzb": {"2022年度云溪区委组织部部门整体支出绩效自评表.docx": "中共岳阳市云溪区委组织部"},
    "conghua-zzb": {
        "2022年度从化区委组织部部门整体支出绩效自评报告.docx": "中共广州市从化区委组织部2022年"
    },
    "tianchang-slj": {  # one 项目支出绩效自评表 per key project
        "2022年度水旱灾害防御经费项目支出绩效自评表.docx": "项目支出绩效自评表",
        "2022年度小型水库运行管护经费项目支出绩效自评表.docx": "项目支出绩效自评表",
    },
}


def test_render_2022_writes_every_document_of_every_unit(tmp_path: Path) -> None:
    """Every unit with a 2022 file (lukou-zzb has only 2023), each kind it names."""
    run = run_jixiao(copy_samples(tmp_path), "render", "2022")
    assert run.returncode == 0, run.stderr
    out = tmp_path / "output" / "2022"
    written = sorted(str(p.relative_to(out)) for p in out.glob("*/*.docx"))
    assert written == sorted(
        f"{unit}/{name}" for unit, docs in DOCUMENTS_2022.items() for name in docs
    )
    for unit, docs in DOCUMENTS_2022.items():
        for name, first in docs.items():
            lines = text_lines((out / unit / name).read_bytes())
            assert lines[0] == first
            assert len(lines) > 40
