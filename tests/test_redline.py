"""`jixiao diff A B --docx`: the newer report with the changes tracked (w:ins/w:del), for
Word's and WPS's 审阅 pane. Two versions of the 开福 sample are built in a temp project: a
changed figure (在职人数), a changed sentence (问题) and an added key project. Accepting
every change (by XML, here, independently of jixiao) must give the new report's text, and
rejecting every change the old one; LibreOffice must show both in its PDF."""

from __future__ import annotations

import copy
import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from jixiao.project import Project
from jixiao.redline import changes
from tests.conftest import (
    copy_samples,
    render,
    render_all,
    run_jixiao,
    run_tool,
    skip_or_fail,
    year_data,
)
from tests.docx_text import text_lines

UNIT = "kaifu-zzb"
ADDED = "人才发展专项经费"
SENTENCE = "今年另需加强项目资金的全过程监管。"
REVISIONS = ("w:ins", "w:del", "w:moveFrom", "w:moveTo")


def second_version(root: Path) -> None:
    """Write 开福's 2023.yaml: the 2022 file with 在职人数 one more, a sentence added to
    问题, and its key project again under another name."""
    text = (root / "content" / UNIT / "2022.yaml").read_text(encoding="utf-8")
    text = text.replace("year: 2022", "year: 2023", 1)
    text = re.sub(r"in_service: (\d+)", lambda m: f"in_service: {int(m[1]) + 1}", text, count=1)
    text = text.replace("  problems: >-\n", f"  problems: >-\n    {SENTENCE}\n", 1)
    start = text.index("key_projects:\n") + len("key_projects:\n")
    end = text.index("\n# 重点项目绩效自评结果情况说明的正文")
    added = text[start:end].replace("基层党建经费", ADDED, 1).rstrip("\n")
    text = text[:end] + "\n" + added + text[end:]
    (root / "content" / UNIT / "2023.yaml").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_samples(tmp_path_factory.mktemp("redline"))
    second_version(root)
    return root


@pytest.fixture(scope="module")
def redlined(project: Path) -> bytes:
    out = project / "redline.docx"
    run = run_jixiao(project, "diff", "2022", "2023", "--unit", UNIT, "--docx", str(out))
    assert run.returncode == 0, run.stderr
    assert "已生成 redline.docx" in run.stdout
    return out.read_bytes()


def body(data: bytes) -> etree._Element:
    return Document(io.BytesIO(data)).element.body


def marked(element: etree._Element, tag: str) -> list[str]:
    """Texts inside the revision elements `tag` (w:ins …) under `element`."""
    texts = []
    for mark in element.iter(qn(tag)):
        names = (qn("w:t"), qn("w:delText"))
        texts.append("".join(t.text or "" for t in mark.iter() if t.tag in names))
    return texts


def test_the_redline_marks_the_changed_figure_sentence_and_project(
    project: Path, redlined: bytes
) -> None:
    old = year_data(Project(project), UNIT, 2022)["staffing"]["in_service"]
    new = year_data(Project(project), UNIT, 2023)["staffing"]["in_service"]
    assert new == old + 1
    tree = body(redlined)
    figure = [
        p
        for p in tree.iter(qn("w:p"))
        if marked(p, "w:del") == [str(old)] and marked(p, "w:ins") == [str(new)]
    ]
    in_cells = [p for p in figure if any(a.tag == qn("w:tc") for a in p.iterancestors())]
    assert figure and in_cells, "the figure is changed in the text and in the table"
    assert any(SENTENCE in text for text in marked(tree, "w:ins"))
    inserted_rows = [
        row
        for row in tree.iter(qn("w:tr"))
        if row.find(f"{qn('w:trPr')}/{qn('w:ins')}") is not None
    ]
    assert any(ADDED in "".join(marked(row, "w:ins")) for row in inserted_rows)
    assert not marked(tree, "w:moveFrom"), "nothing moved"
    unit = (project / "content" / UNIT / "unit.yaml").read_text(encoding="utf-8")
    full_name = re.search(r"^full_name: (.+)$", unit, re.MULTILINE)
    assert full_name
    for tag in REVISIONS:
        for mark in tree.iter(qn(tag)):
            assert mark.get(qn("w:author")) == full_name[1].strip()
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", mark.get(qn("w:date")) or "")
    ids = [m.get(qn("w:id")) for tag in REVISIONS for m in tree.iter(qn(tag))]
    assert len(ids) == len(set(ids)), "revision ids are unique"


def test_accepting_all_gives_the_new_text_and_rejecting_all_the_old(
    project: Path, redlined: bytes
) -> None:
    new = render(Project(project), UNIT, 2023).data
    old = render(Project(project), UNIT, 2022).data
    assert text_lines(settled(redlined, accept=True)) == text_lines(new)
    assert text_lines(settled(redlined, accept=False)) == text_lines(old)


def test_a_moved_paragraph_is_a_move_not_a_deletion_and_insertion(tmp_path: Path) -> None:
    """Two paragraphs of 问题 and 改进 swap places in the new version: the one that moved
    is marked w:moveFrom / w:moveTo, and accepting or rejecting still gives each text."""
    root = copy_samples(tmp_path)
    second_version(root)
    path = root / "content" / UNIT / "2023.yaml"
    text = path.read_text(encoding="utf-8")
    problems = re.search(r"  problems: >-\n(?:    .*\n)+", text)
    improvements = re.search(r"  improvements: >-\n(?:    .*\n)+", text)
    assert problems and improvements and problems.end() < improvements.start()
    swapped = improvements[0].replace("improvements", "problems", 1)
    swapped += text[problems.end() : improvements.start()]
    swapped += problems[0].replace("problems", "improvements", 1)
    path.write_text(text[: problems.start()] + swapped + text[improvements.end() :], "utf-8")
    out = root / "moved.docx"
    run = run_jixiao(root, "diff", "2022", "2023", "--unit", UNIT, "--docx", str(out))
    assert run.returncode == 0, run.stderr
    data = out.read_bytes()
    moved_from, moved_to = marked(body(data), "w:moveFrom"), marked(body(data), "w:moveTo")
    assert moved_from and moved_from == moved_to
    new, old = render(Project(root), UNIT, 2023).data, render(Project(root), UNIT, 2022).data
    assert text_lines(settled(data, accept=True)) == text_lines(new)
    assert text_lines(settled(data, accept=False)) == text_lines(old)


@pytest.mark.office
def test_libreoffice_shows_the_changes_in_its_pdf(project: Path, redlined: bytes) -> None:
    from jixiao.pdf import soffice, to_pdf

    if soffice() is None:
        skip_or_fail("missing soffice (LibreOffice); .ci/run installs it")
    docx = project / "shown.docx"
    docx.write_bytes(redlined)
    pdf = to_pdf(docx, project / "pdf")
    shown = re.sub(r"\s+", "", run_tool("pdftotext", pdf, "-"))
    staffing = year_data(Project(project), UNIT, 2022)["staffing"]
    old, authorized = staffing["in_service"], staffing["authorized"]
    assert SENTENCE in shown and ADDED in shown
    assert "20222023年度" in shown, "the old year (struck through) before the new one"
    assert f"实际在职人数{authorized}{old}{old + 1}" in shown, "the table's old and new figure"


def test_changes_within_a_paragraph_keep_figures_whole() -> None:
    """A changed figure is one deletion and one insertion, not digits here and there."""
    assert changes("人员经费761.25万元，占59.81%", "人员经费780.15万元，占61.02%") == [
        ("人员经费", "人员经费"),
        ("761.25", "780.15"),
        ("万元，占", "万元，占"),
        ("59.81%", "61.02%"),
    ]
    assert changes("加强党建工作", "加强干部工作") == [
        ("加强", "加强"),
        ("党建", "干部"),
        ("工作", "工作"),
    ]


def test_a_bad_revision_range_is_a_chinese_finding(project: Path) -> None:
    run = run_jixiao(project, "diff", "2023", "--rev", "HEAD", "--docx", "x.docx")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "--rev 写作“HEAD”，无法识别" in run.stderr
    assert not (project / "x.docx").exists()


def test_git_that_is_not_installed_is_said_so(project: Path, tmp_path: Path) -> None:
    empty = tmp_path / "no-git"  # a PATH with no git on it
    empty.mkdir()
    run = run_jixiao(project, "diff", "2023", "--rev", "HEAD~1..HEAD", path=str(empty))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "无法从 git 取出版本 HEAD~1：没有找到 git 命令：请先安装 git" in run.stderr, run.stderr
    assert "No such file" not in run.stderr


def test_two_git_revisions_of_one_year(tmp_path: Path) -> None:
    """--rev A..B compares one year as committed at A and at B; the marks carry B's author."""
    root = copy_samples(tmp_path)
    second_version(root)
    git = ["git", "-C", str(root), "-c", "user.email=x@example.org"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run([*git, "-c", "user.name=甲", "add", "-A"], check=True)
    subprocess.run([*git, "-c", "user.name=甲", "commit", "-qm", "a"], check=True)
    path = root / "content" / UNIT / "2023.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(SENTENCE, "另一句。"), "utf-8")
    subprocess.run([*git, "-c", "user.name=乙", "commit", "-qam", "b"], check=True)
    out = root / "rev.docx"
    run = run_jixiao(
        root, "diff", "2023", "--rev", "HEAD~1..HEAD", "--unit", UNIT, "--docx", str(out)
    )
    assert run.returncode == 0, run.stderr
    tree = body(out.read_bytes())
    assert marked(tree, "w:ins") == ["另一句"] and marked(tree, "w:del") == [SENTENCE[:-1]]
    assert {m.get(qn("w:author")) for m in tree.iter(qn("w:ins"))} == {"乙"}


# Accepting and rejecting, by XML -------------------------------------------------------


def settled(data: bytes, accept: bool) -> bytes:
    """The .docx `data` with every tracked change accepted (or rejected), as Word does."""
    source = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(source.read("word/document.xml"))
    gone, kept = (("del", "moveFrom"), ("ins", "moveTo"))[:: 1 if accept else -1]
    for row in list(root.iter(qn("w:tr"))):
        if any(row.find(f"{qn('w:trPr')}/{qn('w:' + g)}") is not None for g in gone):
            row.getparent().remove(row)
    for paragraph in list(root.iter(qn("w:p"))):
        mark = paragraph.find(f"{qn('w:pPr')}/{qn('w:rPr')}")
        if mark is not None and any(mark.find(qn("w:" + g)) is not None for g in gone):
            paragraph.getparent().remove(paragraph)
    for element in list(root.iter()):
        name = etree.QName(element).localname
        if name in gone or name.endswith(("RangeStart", "RangeEnd")):
            if element.getparent() is not None:
                element.getparent().remove(element)
        elif name in kept:
            parent = element.getparent()
            if parent.tag in (qn("w:rPr"), qn("w:trPr")):
                parent.remove(element)
                continue
            index = parent.index(element)
            for offset, child in enumerate(list(element)):
                parent.insert(index + offset, child)
            parent.remove(element)
        elif name == "delText":
            element.tag = qn("w:t")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                content = etree.tostring(root)
            target.writestr(info, content)
    return copy.copy(out.getvalue())


def test_docx_without_unit_names_the_units_to_choose_from(tmp_path: Path) -> None:
    """Two units have both years: --docx asks for --unit, listing them, and writes nothing."""
    root = copy_samples(tmp_path)
    second_version(root)
    yunxi = (root / "content" / "yunxi-zzb" / "2022.yaml").read_text(encoding="utf-8")
    (root / "content" / "yunxi-zzb" / "2023.yaml").write_text(
        yunxi.replace("year: 2022", "year: 2023", 1), encoding="utf-8"
    )
    run = run_jixiao(root, "diff", "2022", "2023", "--docx", "x.docx")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "--docx 一次只比较一个单位，两个版本都有的单位：kaifu-zzb、yunxi-zzb" in run.stderr
    assert "用 --unit 指定单位" in run.stderr
    assert not (root / "x.docx").exists()


# A kind made once per key project ------------------------------------------------------

EACH_UNIT = "tianchang-slj"
KEPT, REMOVED, NEW_PROJECT = "水旱灾害防御经费", "小型水库运行管护经费", "农村饮水安全维修养护经费"
EACH_KIND = "project-self-evaluation"


def each_versions(root: Path) -> None:
    """Write 天长's 2023.yaml from 2022's: 水旱灾害防御经费's result reworded, 小型水库运行
    管护经费 removed, and 农村饮水安全维修养护经费 added (小型水库's figures, renamed)."""
    text = (root / "content" / EACH_UNIT / "2022.yaml").read_text(encoding="utf-8")
    text = text.replace("year: 2022", "year: 2023", 1)
    assert text.count("      - 完成年度目标。\n") == 1
    text = text.replace("      - 完成年度目标。\n", "      - 全面完成年度目标。\n")
    start = text.index(f"  - name: {REMOVED}\n")
    text = text[:start] + text[start:].replace(REMOVED, NEW_PROJECT, 1)
    (root / "content" / EACH_UNIT / "2023.yaml").write_text(text, encoding="utf-8")


def all_text(tree: etree._Element) -> str:
    names = (qn("w:t"), qn("w:delText"))
    return "".join(t.text or "" for t in tree.iter() if t.tag in names)


def test_a_kind_made_per_project_gets_one_redline_per_project(tmp_path: Path) -> None:
    """Projects are paired by name: the kept one has its reworded result marked, the new one
    is all inserted, the removed one is named in the output; each in its own file."""
    root = copy_samples(tmp_path)
    each_versions(root)
    out = root / "修订.docx"
    run = run_jixiao(
        root, "diff", "2022", "2023", "--unit", EACH_UNIT, "--docx", str(out), "--kind", EACH_KIND
    )
    assert run.returncode == 0, run.stderr
    kept, added = root / f"修订-{KEPT}.docx", root / f"修订-{NEW_PROJECT}.docx"
    assert sorted(p.name for p in root.glob("*.docx")) == sorted([kept.name, added.name])
    assert f"已生成 {kept.name}" in run.stdout and f"已生成 {added.name}" in run.stdout
    assert f"{NEW_PROJECT} 是新增的项目，上一版本没有：全文标为插入。" in run.stdout
    assert f"这一版本已删去的 1 个项目（没有修订稿）：{REMOVED}" in run.stdout

    tree = body(kept.read_bytes())
    inserted, deleted = marked(tree, "w:ins"), marked(tree, "w:del")
    assert "全面" in inserted and "2023" in inserted and "2022" in deleted
    assert KEPT in all_text(tree) and NEW_PROJECT not in all_text(tree)
    assert REMOVED not in all_text(tree)
    old_docs = render_all(Project(root), EACH_UNIT, 2022, EACH_KIND)
    new_docs = render_all(Project(root), EACH_UNIT, 2023, EACH_KIND)
    assert [KEPT in d.filename for d in old_docs] == [True, False]
    assert [KEPT in d.filename for d in new_docs] == [True, False]
    assert text_lines(settled(kept.read_bytes(), accept=True)) == text_lines(new_docs[0].data)
    assert text_lines(settled(kept.read_bytes(), accept=False)) == text_lines(old_docs[0].data)

    tree = body(added.read_bytes())
    assert not marked(tree, "w:del") and NEW_PROJECT in "".join(marked(tree, "w:ins"))
    outside = [
        t.text
        for t in tree.iter(qn("w:t"))
        if t.text and not any(a.tag == qn("w:ins") for a in t.iterancestors())
    ]
    assert not outside, "every character of the new project's document is inserted"
    assert text_lines(settled(added.read_bytes(), accept=True)) == text_lines(new_docs[1].data)
    assert not "".join(text_lines(settled(added.read_bytes(), accept=False))).strip()


def test_a_redline_of_one_document_is_still_written_at_the_path_given(tmp_path: Path) -> None:
    """A kind made once per unit writes one file at --docx, with no project in its name."""
    root = copy_samples(tmp_path)
    second_version(root)
    out = root / "one.docx"
    run = run_jixiao(
        root, "diff", "2022", "2023", "--unit", UNIT, "--docx", str(out), "--kind", "key-project"
    )
    assert run.returncode == 0, run.stderr
    assert [p.name for p in root.glob("*.docx")] == ["one.docx"]
    assert ADDED in "".join(marked(body(out.read_bytes()), "w:ins"))


def test_the_redlines_of_a_per_project_kind_are_written_all_or_none(tmp_path: Path) -> None:
    """One file that cannot be placed (a folder stands at its name): none is written, the
    message names it, and the earlier file at the other name is left as it was."""
    root = copy_samples(tmp_path)
    each_versions(root)
    out = root / "修订.docx"
    kept, added = root / f"修订-{KEPT}.docx", root / f"修订-{NEW_PROJECT}.docx"
    kept.write_bytes(b"earlier")
    added.mkdir()
    run = run_jixiao(
        root, "diff", "2022", "2023", "--unit", EACH_UNIT, "--docx", str(out), "--kind", EACH_KIND
    )
    assert run.returncode == 1, run.stderr
    assert added.name in run.stderr and "Traceback" not in run.stderr
    assert kept.read_bytes() == b"earlier"
    assert added.is_dir() and not any(added.iterdir())
    assert "已生成" not in run.stdout
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".")) == []


def test_a_per_project_redline_name_too_long_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    """--docx itself fits in 255 bytes, but with a project's name added it does not: the
    message names the file and the limit, and nothing is written."""
    root = copy_samples(tmp_path)
    each_versions(root)
    out = root / ("修" * 80 + ".docx")  # 245 bytes; with "-水旱灾害防御经费" 270
    assert len(out.name.encode()) <= 255 < len(f"{out.stem}-{KEPT}.docx".encode())
    run = run_jixiao(
        root, "diff", "2022", "2023", "--unit", EACH_UNIT, "--docx", str(out), "--kind", EACH_KIND
    )
    assert run.returncode == 1, run.stderr
    size = len(f"{out.stem}-{KEPT}.docx".encode())
    assert f"修订稿的文件名 {out.stem}-{KEPT}.docx 不可用" in run.stderr
    assert f"{size} 字节，超过文件系统允许的 255 字节" in run.stderr
    assert "请给 --docx 一个较短的文件名" in run.stderr and "Traceback" not in run.stderr
    assert not list(root.glob("*.docx")) and "已生成" not in run.stdout
