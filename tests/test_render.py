"""Render the samples, read the .docx back, and check order, numbering and every figure.

Expected figures are recomputed here from the YAML with plain Decimal arithmetic, not
taken from jixiao, so a wrong total or rounding in jixiao fails these tests.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

from docx import Document

from jixiao.project import Project
from tests.conftest import half_up, render, year_data
from tests.docx_text import headings, paragraphs, text_lines

CN = "一二三四五六七八九十"


def body_with(data: bytes, start: str) -> str:
    return next(p.text for p in paragraphs(data) if p.text.startswith(start))


def test_lukou_basic_expenditure_figures_are_computed(repo_project: Project) -> None:
    content = year_data(repo_project, "lukou-zzb", 2023)["budget"]["basic"]
    personnel = Decimal(content["personnel"]["actual"])
    public = Decimal(content["public"]["actual"])
    basic = personnel + public
    text = body_with(render(repo_project, "lukou-zzb", 2023).data, "2023年度基本支出")
    assert f"基本支出{half_up(basic)}万元" in text
    assert (
        f"人员经费{half_up(personnel)}万元，占基本支出的{half_up(personnel / basic * 100)}%" in text
    )
    assert f"公用经费{half_up(public)}万元，占基本支出的{half_up(public / basic * 100)}%" in text


def test_lukou_special_funds_listed_and_totalled(repo_project: Project) -> None:
    group = year_data(repo_project, "lukou-zzb", 2023)["budget"]["projects"]["groups"][0]
    amounts = [Decimal(str(p["actual"])) for p in group["projects"]]
    text = body_with(render(repo_project, "lukou-zzb", 2023).data, "一是")
    assert f"支出{half_up(sum(amounts))}万元" in text
    listed = re.search(r"分配安排如下：(.*?)。", text).group(1).split("，")
    assert len(listed) == len(amounts)
    for shown, amount in zip(listed, amounts, strict=True):
        assert shown.endswith(f"{amount.normalize():f}万元")
    assert "2022年工作经费" in text  # {{ prior_year }} in a project name


def test_lukou_headings_are_numbered_in_order(repo_project: Project) -> None:
    data = render(repo_project, "lukou-zzb", 2023).data
    level1 = headings(data, 1)
    assert [h[: h.index("、") + 1] for h in level1] == [f"{CN[i]}、" for i in range(len(level1))]
    assert level1[0] == "一、预算单位基本情况"  # the content's own title for this section
    assert not any("政府性基金" in h for h in level1)  # absent fund sections are left out
    assert headings(data, 2) == ["（一）基本支出情况", "（二）项目支出情况"]


def test_kaifu_unit_numbering_style_and_lists(repo_project: Project) -> None:
    data = render(repo_project, "kaifu-zzb", 2022).data
    content = year_data(repo_project, "kaifu-zzb", 2022)
    projects = content["budget"]["projects"]["groups"][0]["projects"]
    lines = text_lines(data)
    first = lines.index(f"1、{projects[0]['name']}，主要用于{projects[0]['purpose']}。")
    for index, project in enumerate(projects, start=1):
        assert (
            lines[first + index - 1]
            == f"{index}、{project['name']}，主要用于{project['purpose']}。"
        )
    assert headings(data, 1)[-1] == "十、其他需要说明的情况"
    assert [h for h in headings(data, 1) if h.endswith("基金预算支出情况") or "国有" in h] == [
        "三、政府性基金预算支出情况",
        "四、国有资本经营预算支出情况",
        "五、社会保险基金预算支出情况",
    ]
    performance = lines[
        lines.index("六、部门整体支出绩效情况") + 1 : lines.index("七、存在的问题及原因分析")
    ]
    assert [p[:3] for p in performance] == [f"（{CN[i]}）" for i in range(6)]
    assert performance[0].startswith("（一）基层党建推陈出新。深入推进")


def test_removing_a_section_renumbers_the_rest(project_copy: Project) -> None:
    path = project_copy.year_file("kaifu-zzb", 2022)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  government_fund: 无\n", ""), encoding="utf-8")
    level1 = headings(render(project_copy, "kaifu-zzb", 2022).data, 1)
    assert "三、国有资本经营预算支出情况" in level1
    assert level1[-1] == "九、其他需要说明的情况"
    assert not any("政府性基金" in h for h in level1)


def test_removing_a_subsection_renumbers_siblings(project_copy: Project) -> None:
    path = project_copy.year_file("kaifu-zzb", 2022)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "          - {title: 职能职责, text: 此项内容涉密，根据要求不予以公开。}\n", ""
        ),
        encoding="utf-8",
    )
    lines = text_lines(render(project_copy, "kaifu-zzb", 2022).data)
    assert "1、机构设置" in lines and "2、人员情况" in lines
    assert not any("职能职责" in line for line in lines)


def test_changing_an_amount_moves_every_derived_figure(project_copy: Project) -> None:
    path = project_copy.year_file("lukou-zzb", 2023)
    text = path.read_text(encoding="utf-8")
    assert "actual: 761.25" in text
    before = year_data(project_copy, "lukou-zzb", 2023)["budget"]["basic"]
    old = before["personnel"]["actual"]
    old_share = f"{half_up(old / (old + before['public']['actual']) * 100)}%"
    assert old_share in body_with(render(project_copy, "lukou-zzb", 2023).data, "2023年度基本支出")
    path.write_text(text.replace("actual: 761.25", "actual: 800.10"), encoding="utf-8")
    after = year_data(project_copy, "lukou-zzb", 2023)["budget"]["basic"]
    personnel, public = after["personnel"]["actual"], after["public"]["actual"]
    assert personnel == Decimal("800.10")
    basic = personnel + public
    body = body_with(render(project_copy, "lukou-zzb", 2023).data, "2023年度基本支出")
    assert f"基本支出{half_up(basic)}万元" in body
    assert f"占基本支出的{half_up(personnel / basic * 100)}%" in body
    assert f"占基本支出的{half_up(public / basic * 100)}%" in body
    assert old_share not in body


def test_changing_the_year_changes_every_year_in_the_text(project_copy: Project) -> None:
    old = project_copy.year_file("lukou-zzb", 2023)
    new = project_copy.year_file("lukou-zzb", 2024)
    new.write_text(old.read_text(encoding="utf-8").replace("year: 2023", "year: 2024"), "utf-8")
    document = render(project_copy, "lukou-zzb", 2024)
    joined = "".join(text_lines(document.data))
    years = set(re.findall(r"(20\d\d)年", joined))
    assert years == {"2024", "2023"}  # the report year, and the prior year where content says so
    assert "2024年度基本支出" in joined and "科技服务专家团队2023年工作经费" in joined
    assert document.filename.startswith("2024年度")


def test_writer_text_with_markup_characters_survives(project_copy: Project) -> None:
    path = project_copy.year_file("lukou-zzb", 2023)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("  results_use: >-\n", "  results_use: >-\n    A & B <c> 'q' \"d\"。\n"),
        encoding="utf-8",
    )
    lines = text_lines(render(project_copy, "lukou-zzb", 2023).data)
    assert any(line.startswith("A & B <c> 'q' \"d\"。") for line in lines)


def test_renders_are_byte_identical_and_properties_come_from_content(repo_project: Project) -> None:
    first = render(repo_project, "lukou-zzb", 2023)
    second = render(repo_project, "lukou-zzb", 2023)
    assert first.data == second.data
    props = Document(io.BytesIO(first.data)).core_properties
    assert props.title == "2023年度渌口区委组织部部门整体支出绩效自评报告"
    assert props.author == "中共株洲市渌口区委组织部"
    assert first.filename == "2023年度渌口区委组织部部门整体支出绩效自评报告.docx"
