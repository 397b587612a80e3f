"""The 广东 narrative kind: the 茂名市发展和改革局 2021 sample renders to its reviewed text.

Opening paragraph before 一、, （一） second level, 1、 third level, and the 落款 at the end.
Regenerate on purpose only: JIXIAO_REGEN_GOLDEN=1 python -m pytest tests/test_guangdong.py
"""

from __future__ import annotations

import os
from pathlib import Path

from jixiao.project import Project
from tests.conftest import REPO, copy_samples, render, run_jixiao
from tests.docx_text import headings, paragraphs, text_lines

GOLDEN = REPO / "tests" / "golden" / "maoming-fgj-2021.txt"


def test_sample_matches_reviewed_text(repo_project: Project) -> None:
    got = "\n".join(text_lines(render(repo_project, "maoming-fgj", 2021, "guangdong-overall").data))
    if os.environ.get("JIXIAO_REGEN_GOLDEN") == "1":
        GOLDEN.write_text(got + "\n", encoding="utf-8")
    assert got + "\n" == GOLDEN.read_text(encoding="utf-8")


def test_structure_opening_levels_and_closing(repo_project: Project) -> None:
    data = render(repo_project, "maoming-fgj", 2021, "guangdong-overall").data
    body = [p for p in paragraphs(data) if p.text]
    assert [p.text for p in body[:2]] == ["2021年茂名市发展和改革局整体支出", "绩效自评报告"]
    opening = body[2]
    assert opening.style == "Normal"
    assert opening.text.startswith("根据《关于开展2022年市级财政资金绩效自评工作的通知》")
    assert opening.text.endswith("现将2021年茂名市发展和改革局整体支出绩效自评报告如下：")
    assert body[3].text == "一、部门基本情况" and body[3].style == "Heading 1"
    assert headings(data, 1) == [
        "一、部门基本情况",
        "二、绩效自评工作情况",
        "三、部门整体支出绩效情况",
        "四、存在问题及改进措施",
        "五、其他需要说明的问题",
    ]
    assert "（三）年度总体工作和重点工作任务" in headings(data, 2)
    texts = [p.text for p in body]
    tasks = texts.index("（三）年度总体工作和重点工作任务")
    assert texts[tasks + 1] == "1、强化经济综合管理，积极发挥党委政府的参谋助手作用。"
    assert texts[tasks + 9].startswith("9、坚持旗帜鲜明讲政治抓政治")
    assert "我局实有编制数63人，2021年末在职人数57人、离退休人数94人。" in texts[tasks - 1]
    assert texts[texts.index("五、其他需要说明的问题") + 1] == "无"
    assert [(p.style, p.text) for p in body[-2:]] == [
        ("Closing", "茂名市发展和改革局"),
        ("Closing", "2022年3月15日"),
    ]


def test_kind_asking_for_a_closing_needs_its_date(tmp_path: Path) -> None:
    root = copy_samples(tmp_path)
    year = root / "content" / "maoming-fgj" / "2021.yaml"
    text = year.read_text(encoding="utf-8")
    year.write_text(text[: text.index("# 落款")], encoding="utf-8")
    run = run_jixiao(root, "check", "2021", "--unit", "maoming-fgj")
    assert run.returncode == 1
    assert (
        "content/maoming-fgj/2021.yaml:5: 错误 [year]: 报告类型“广东部门整体支出绩效自评报告”"
        "在报告末尾印落款，但内容文件没有写 closing（落款日期）。"
    ) in run.stdout


def _with_closing_date(tmp_path: Path, written: str) -> tuple[Path, int]:
    root = copy_samples(tmp_path)
    year = root / "content" / "maoming-fgj" / "2021.yaml"
    text = year.read_text(encoding="utf-8")
    assert text.count('  date: "2022-03-15"') == 1
    text = text.replace('  date: "2022-03-15"', f"  date: {written}")
    year.write_text(text, encoding="utf-8")
    line = next(n for n, s in enumerate(text.splitlines(), 1) if s == f"  date: {written}")
    return root, line


def test_closing_date_copied_from_another_year_is_a_warning(tmp_path: Path) -> None:
    root, line = _with_closing_date(tmp_path, "2019-03-15")
    run = run_jixiao(root, "check", "2021", "--unit", "maoming-fgj")
    assert (
        f"content/maoming-fgj/2021.yaml:{line}: 警告 [closing.date]: 落款日期 2019-03-15 "
        "既不在报告年度 2021 年，也不在次年。"
    ) in run.stdout
    assert run_jixiao(root, "check", "2021", "--unit", "maoming-fgj", "--strict").returncode == 1


def test_closing_date_in_the_report_year_or_the_next_is_fine(tmp_path: Path) -> None:
    root, _ = _with_closing_date(tmp_path, "2021-12-30")
    run = run_jixiao(root, "check", "2021", "--unit", "maoming-fgj")
    assert "落款日期" not in run.stdout + run.stderr


def test_closing_date_that_does_not_exist_says_so(tmp_path: Path) -> None:
    root, line = _with_closing_date(tmp_path, '"2022-02-30"')
    for command in ("check", "render"):
        run = run_jixiao(root, command, "2021", "--unit", "maoming-fgj")
        assert run.returncode == 1
        assert "Traceback" not in run.stdout + run.stderr
        assert (
            f"content/maoming-fgj/2021.yaml:{line}: 错误 [closing.date]: “2022-02-30”不是日期。"
        ) in run.stdout + run.stderr
        assert "2 月没有 30 日" in run.stdout + run.stderr
    assert not (root / "output").exists()
