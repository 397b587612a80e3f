"""docs/kinds.md's worked example, followed as a user would: copy a shipped kind's folder,
write the YAML files the page shows, render, and read back exactly the text the page shows."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document as WordDocument
from docx.shared import Cm, Pt

from jixiao.pdf import soffice
from tests.conftest import REPO, run_jixiao, saved_by_libreoffice, skip_or_fail
from tests.docx_text import text_lines

DOC = REPO / "docs" / "kinds.md"
BLOCK = re.compile(r"<!-- (file|text): (\S+) -->\n```\w*\n(.*?)```", re.S)


def blocks() -> dict[tuple[str, str], str]:
    """The page's marked code blocks: ('file', path) → contents, ('text', 'output') → text."""
    return {(m[1], m[2]): m[3] for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))}


def test_the_page_shows_the_copy_command_and_every_file() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "cp -r templates/guangdong-overall templates/shiyan-overall" in text
    assert set(blocks()) == {
        ("file", "templates/shiyan-overall/kind.yaml"),
        ("file", "content/shiyan/unit.yaml"),
        ("file", "content/shiyan/2021.yaml"),
        ("text", "output"),
    }


def follow_the_page(root: Path) -> None:
    """What the page's steps 1–3 have a user do: copy the folder, write the three files."""
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(root / "templates/guangdong-overall", root / "templates/shiyan-overall")
    for (what, path), body in blocks().items():
        if what == "file":
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")


def test_worked_example_renders_the_text_the_page_shows(tmp_path: Path) -> None:
    follow_the_page(tmp_path)
    check = run_jixiao(tmp_path, "check", "2021", "--unit", "shiyan", "--strict")
    assert check.returncode == 0, check.stdout
    run = run_jixiao(tmp_path, "render", "2021", "--unit", "shiyan", "--out", "out")
    assert run.returncode == 0, run.stdout + run.stderr
    document = tmp_path / "out" / "2021" / "shiyan" / "2021年度示例局绩效自评报告.docx"
    got = "\n".join(text_lines(document.read_bytes())) + "\n"
    assert got == blocks()[("text", "output")]


def test_a_section_the_example_kind_lacks_is_an_error(tmp_path: Path) -> None:
    """The page's promise: a section the kind does not have is reported, not dropped."""
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(tmp_path / "templates/guangdong-overall", tmp_path / "templates/shiyan-overall")
    for (what, path), body in blocks().items():
        if what == "file":
            target = tmp_path / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body.replace("  conclusion:", "  conclusoin:"), encoding="utf-8")
    run = run_jixiao(tmp_path, "check", "2021", "--unit", "shiyan")
    assert run.returncode == 1
    assert "content/shiyan/2021.yaml:13: 错误 [sections.conclusoin]" in run.stdout
    assert "可能想写“conclusion”" in run.stdout


@pytest.mark.office
def test_step_four_a_template_edited_and_saved_in_libreoffice_renders(tmp_path: Path) -> None:
    """Step 4: the writer edits report.docx (a fixed line under the title, wider margins, a
    bigger 正文) and saves it in LibreOffice; the report has the edits and the page's text."""
    office = soffice()
    if office is None:
        skip_or_fail("missing soffice")
    follow_the_page(tmp_path)
    template = tmp_path / "templates/shiyan-overall/report.docx"
    word = WordDocument(str(template))
    blank = next(p for p in word.paragraphs if p.text == "")  # the line after the title
    blank.insert_paragraph_before("（公开版）", style="Normal")
    word.sections[0].left_margin = Cm(3)
    word.styles["Normal"].font.size = Pt(15)
    word.save(str(template))
    saved_by_libreoffice(office, template, tmp_path)

    check = run_jixiao(tmp_path, "check", "2021", "--unit", "shiyan", "--strict")
    assert check.returncode == 0, check.stdout
    run = run_jixiao(tmp_path, "render", "2021", "--unit", "shiyan", "--out", "out")
    assert run.returncode == 0, run.stdout + run.stderr
    data = (tmp_path / "out/2021/shiyan/2021年度示例局绩效自评报告.docx").read_bytes()
    expected = blocks()[("text", "output")].splitlines()
    titles = expected.index("")  # the title lines end at the template's blank line
    assert text_lines(data) == [*expected[:titles], "（公开版）", *expected[titles:]]
    report = WordDocument(io.BytesIO(data))
    assert abs(report.sections[0].left_margin - Cm(3)) < Cm(0.05)
    assert report.styles["Normal"].font.size == Pt(15)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert len(names) == len(set(names))
