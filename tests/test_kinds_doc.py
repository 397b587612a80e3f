"""docs/kinds.md's worked example, followed as a user would: copy a shipped kind's folder,
write the YAML files the page shows, render, and read back exactly the text the page shows."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.conftest import REPO, run_jixiao
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


def test_worked_example_renders_the_text_the_page_shows(tmp_path: Path) -> None:
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(tmp_path / "templates/guangdong-overall", tmp_path / "templates/shiyan-overall")
    for (what, path), body in blocks().items():
        if what == "file":
            target = tmp_path / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
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
