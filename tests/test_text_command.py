"""`jixiao text FILE.docx`: a report's text for `git diff`, and git using it as textconv."""

from __future__ import annotations

import io
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from jixiao.docxtext import text_lines
from jixiao.project import Project
from tests.conftest import cli_env, render

ENV = cli_env()
COMMAND = [sys.executable, "-m", "jixiao"]


def text_command(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*COMMAND, *args], capture_output=True, env=ENV, timeout=120, check=False)


def test_prints_every_paragraph_and_cell_in_order(repo_project: Project, tmp_path: Path) -> None:
    data = render(repo_project, "kaifu-zzb", 2022).data
    docx = tmp_path / "报告.docx"
    docx.write_bytes(data)
    run = text_command("text", str(docx))
    assert run.returncode == 0, run.stderr.decode()
    printed = run.stdout.decode("utf-8")
    assert printed == "".join(line + "\n" for line in text_lines(data))
    lines = printed.splitlines()
    assert "整体支出绩效自评报告" in "".join(lines[:3])  # the title first
    assert "部门整体支出绩效自评表" in lines  # an attached form's title …
    assert any(line.startswith("一、") for line in lines)
    assert "一级指标" in lines  # … and the cells of its table


def test_a_vertically_merged_cell_is_printed_once(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("表前")
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).merge(table.cell(2, 0)).text = "产出指标"
    for row, name in enumerate(("数量指标", "质量指标", "时效指标")):
        table.cell(row, 1).text = name
    document.add_paragraph("表后")
    buffer = io.BytesIO()
    document.save(buffer)
    assert text_lines(buffer.getvalue()) == [
        "表前",
        "产出指标",
        "数量指标",
        "质量指标",
        "时效指标",
        "表后",
    ]


@pytest.mark.parametrize("lang", [None, "en"])
def test_a_file_that_is_not_docx_is_named(tmp_path: Path, lang: str | None) -> None:
    bogus = tmp_path / "旧报告.doc"
    bogus.write_bytes(b"\xd0\xcf\x11\xe0 not a zip")
    options = ["--lang", lang] if lang else []
    run = text_command(*options, "text", str(bogus))
    stderr = run.stderr.decode("utf-8")
    assert run.returncode == 1 and run.stdout == b""
    assert "Traceback" not in stderr and "旧报告.doc" in stderr
    assert ("Not a Word document" if lang else "不是 Word 文档") in stderr


@pytest.mark.parametrize(
    ("lang", "said"),
    [(None, "错误: 这是一个文件夹，不是文件。"), ("en", "error: This is a folder, not a file.")],
)
def test_a_folder_is_named_a_folder(tmp_path: Path, lang: str | None, said: str) -> None:
    """Was "不是 Word 文档（.docx）：Is a directory", the system's English."""
    options = ["--lang", lang] if lang else []
    run = text_command(*options, "text", str(tmp_path))
    stderr = run.stderr.decode("utf-8")
    assert run.returncode == 1 and run.stdout == b""
    assert stderr.splitlines()[0] == f"{tmp_path}: {said}"
    assert "Is a directory" not in stderr


def test_git_diff_shows_the_changed_sentence(project_copy: Project, tmp_path: Path) -> None:
    """The README's set-up: `*.docx diff=jixiao` and diff.jixiao.textconv."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True, env=ENV)
    textconv = " ".join(shlex.quote(part) for part in [*COMMAND, "text"])
    subprocess.run([*git, "config", "diff.jixiao.textconv", textconv], check=True, env=ENV)
    (repo / ".gitattributes").write_text("*.docx diff=jixiao\n", encoding="utf-8")
    report = repo / "report.docx"
    report.write_bytes(render(project_copy, "lukou-zzb", 2023).data)
    subprocess.run([*git, "add", "."], check=True, env=ENV)
    subprocess.run([*git, "commit", "-q", "-m", "2023"], check=True, env=ENV)
    year_file = project_copy.year_file("lukou-zzb", 2023)
    text = year_file.read_text(encoding="utf-8")
    year_file.write_text(text.replace("in_service: 33", "in_service: 34"), encoding="utf-8")
    report.write_bytes(render(project_copy, "lukou-zzb", 2023).data)
    diff = subprocess.run(
        [*git, "diff", "--no-color"], capture_output=True, check=True, env=ENV
    ).stdout.decode("utf-8")
    removed = [line for line in diff.splitlines() if line.startswith("-") and "在职" in line]
    added = [line for line in diff.splitlines() if line.startswith("+") and "在职" in line]
    assert removed and "现有在职人员33人" in removed[0]
    assert added and "现有在职人员34人" in added[0]
    assert "Binary files" not in diff
