"""Commands that render nothing import nothing that renders: --help, text, schema, init.

Each command runs as `python -m jixiao` in a fresh process that lists, at exit, every module
it imported; render is the control that the listing sees the pipeline when it is used.
"""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from tests.conftest import REPO, cli_env

PIPELINE = (
    "docxtpl",
    "jinja2",
    "jixiao.project",
    "jixiao.compute",
    "jixiao.render.document",
    "jixiao.render.context",
    "jixiao.sandbox",
    "jixiao.checks",
    "jixiao.batch",
)
"""What renders: the template libraries and the pipeline's own modules."""

LISTING = """\
import atexit, json, runpy, sys
listing = sys.argv.pop(1)
atexit.register(lambda: open(listing, "w").write(json.dumps(sorted(sys.modules))))
sys.argv[0] = "jixiao"
runpy.run_module("jixiao", run_name="__main__", alter_sys=True)
"""


def imported(root: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run `jixiao --root ROOT ARGS` in a fresh process: its result and the modules it imported."""
    listing = root / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", LISTING, str(listing), "--root", str(root), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=cli_env(),
        cwd=root,
        timeout=300,
        check=False,
    )
    return done, set(json.loads(listing.read_text(encoding="utf-8")))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "content" / "lukou-zzb", tmp_path / "content" / "lukou-zzb")
    return tmp_path


def pipeline_in(modules: set[str]) -> list[str]:
    return [name for name in PIPELINE if name in modules]


@pytest.mark.parametrize("args", [["--help"], ["init", "--help"], ["render", "--help"]])
def test_help_imports_no_pipeline(project: Path, args: list[str]) -> None:
    done, modules = imported(project, *args)
    assert done.returncode == 0, done.stderr
    assert "Usage" in done.stdout
    assert pipeline_in(modules) == []


def test_text_imports_no_pipeline(project: Path) -> None:
    document = Document()
    document.add_paragraph("部门整体支出绩效自评报告")
    document.save(str(project / "report.docx"))
    done, modules = imported(project, "text", "report.docx")
    assert done.returncode == 0, done.stderr
    assert "部门整体支出绩效自评报告" in done.stdout
    assert pipeline_in(modules) == []


def test_schema_imports_no_pipeline(project: Path) -> None:
    done, modules = imported(project, "schema", "--out", "schema")
    assert done.returncode == 0, done.stderr
    assert json.loads((project / "schema" / "year.schema.json").read_text(encoding="utf-8"))
    assert pipeline_in(modules) == []


def test_init_imports_no_pipeline(project: Path) -> None:
    done, modules = imported(project, "init", "new-unit", "--kind", "guangdong-overall")
    assert done.returncode == 0, done.stderr
    assert (project / "content" / "new-unit" / "unit.yaml").is_file()
    assert pipeline_in(modules) == []


def test_render_imports_the_pipeline(project: Path) -> None:
    """The control: the listing does see the pipeline where it runs."""
    done, modules = imported(project, "render", "2023", "--unit", "lukou-zzb")
    assert done.returncode == 0, done.stderr
    assert list((project / "output" / "2023" / "lukou-zzb").glob("*.docx"))
    assert pipeline_in(modules) == list(PIPELINE)


def test_collector_resumes_once_the_pipeline_starts() -> None:
    """`main` pauses the collector for the start-up; the first command that loads the project
    resumes it, so a batch's workers (forked after) collect their garbage. A process that
    imports the commands with its collector running (these tests) keeps it as it was."""
    from jixiao import cli

    frozen = gc.get_freeze_count()
    try:
        cli._started()  # collector running: nothing changes
        assert gc.isenabled()
        assert gc.get_freeze_count() == frozen
        gc.disable()
        cli._started()
        assert gc.isenabled()
        assert gc.get_freeze_count() > frozen
    finally:
        gc.enable()
        if frozen == 0:
            gc.unfreeze()
