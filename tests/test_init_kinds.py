"""`jixiao init --kind K` writes the fields kind K reads; filling its 待填 gives a clean check.

For each shipped kind: init a unit, replace every 待填 the way a writer would (a number for
a figure, a sentence for a text, a date for a date), then `check --strict` finds nothing.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from jixiao.kinds import available
from jixiao.model.common import TO_FILL
from tests.conftest import REPO, run_jixiao

KINDS = available(REPO / "templates")
VALUES = {
    "date": "2025-03-15",
    "full_name": "长沙市示例区示例局",
    "short_name": "示例局",
    "phone": "0731-12345678",
}
"""Plausible values by field name; any other text field gets a sentence, a figure 10."""
TEXTS = {"text", "title", "name", "type", "purpose", "reason", "standard", "formula", "note"}
TEXTS |= {"duties", "tasks", "achievements", "goals", "results", "overview", "problems"}
TEXTS |= {"measures", "rank", "target_text"}
MARKED = re.compile(rf"^(\s*(?:- )?)([A-Za-z_]+):\s*{TO_FILL}(.*)$")


def filled(text: str) -> str:
    """`text` with each 待填 replaced by a plausible value for its field (texts numbered, as
    two indicators of one name are an error)."""
    lines = []
    for n, line in enumerate(text.splitlines(), start=1):
        match = MARKED.match(line)
        example = f"示例文字{n}。"
        if match:
            key = match[2]
            value = VALUES.get(key) or (example if key in TEXTS else "10")
            line = f"{match[1]}{key}: {value}{match[3]}"
        lines.append(line.replace(TO_FILL, example))
    return "\n".join(lines) + "\n"


def test_every_shipped_kind_is_covered() -> None:
    assert {"hunan-overall", "key-project", "yueyang-form", "guangzhou-overall"} <= set(KINDS)
    assert "guangdong-overall" in KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_init_then_fill_gives_a_clean_check(tmp_path: Path, kind: str) -> None:
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    (tmp_path / "content").mkdir()
    run = run_jixiao(tmp_path, "init", "u", "--kind", kind, "--year", "2024")
    assert run.returncode == 0, run.stdout + run.stderr
    folder = tmp_path / "content" / "u"
    before = run_jixiao(tmp_path, "check", "2024", "--unit", "u")
    assert before.returncode == 1 and "待填" in before.stdout  # the markers are listed
    for path in folder.glob("*.yaml"):
        path.write_text(filled(path.read_text(encoding="utf-8")), encoding="utf-8")
    after = run_jixiao(tmp_path, "check", "2024", "--unit", "u", "--strict")
    assert after.returncode == 0, after.stdout
    assert "未发现问题" in after.stdout
    render = run_jixiao(tmp_path, "render", "2024", "--unit", "u", "--out", "out")
    assert render.returncode == 0, render.stdout + render.stderr
    assert list((tmp_path / "out").rglob("*.docx"))


def test_init_writes_only_the_fields_the_kind_reads(tmp_path: Path) -> None:
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    (tmp_path / "content").mkdir()
    run = run_jixiao(tmp_path, "init", "u", "--kind", "hunan-overall", "--year", "2024")
    assert run.returncode == 0, run.stderr
    text = (tmp_path / "content" / "u" / "2024.yaml").read_text(encoding="utf-8")
    top = {m[1] for line in text.splitlines() if (m := re.match(r"([a-z_]+):", line))}
    for other in ("official_card", "coverage", "scores", "evaluators", "profile", "targets"):
        assert other not in top, other  # read by other kinds only
    assert {"budget", "basic_data", "evaluation", "key_projects", "sections"} <= top
    unit = (tmp_path / "content" / "u" / "unit.yaml").read_text(encoding="utf-8")
    assert "\ncontact:" not in unit  # only the 岳阳 基本概况表 prints the contact


def test_init_for_the_project_form_writes_only_what_the_form_reads(tmp_path: Path) -> None:
    """The 项目支出绩效自评表 kind has no text: a year file of projects, each with the fields
    the form prints (no 项目概况, 问题, 措施 or 区级资金 that only other kinds print)."""
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    (tmp_path / "content").mkdir()
    run = run_jixiao(tmp_path, "init", "u", "--kind", "project-self-evaluation", "--year", "2024")
    assert run.returncode == 0, run.stderr
    text = (tmp_path / "content" / "u" / "2024.yaml").read_text(encoding="utf-8")
    top = {m[1] for line in text.splitlines() if (m := re.match(r"([a-z_]+):", line))}
    assert top == {"year", "kinds", "key_projects"}
    project = {
        m[1] for line in text.splitlines() if (m := re.match(r"  (?:- |  )([a-z_]+):", line))
    }
    assert project == {
        "name",
        "department",
        "implementer",
        "funds",
        "goals",
        "results",
        "evaluation",
    }


def test_form_columns_are_written_only_for_the_kind_that_prints_them(tmp_path: Path) -> None:
    """重庆's 得分系数, 计量单位 … and 财政处室 are written for its kind, not for 湖南's."""
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    (tmp_path / "content").mkdir()
    for unit, kind in (("cq", "chongqing-overall-form"), ("hn", "hunan-overall")):
        run = run_jixiao(tmp_path, "init", unit, "--kind", kind, "--year", "2024")
        assert run.returncode == 0, run.stderr
    folder = tmp_path / "content"
    columns = {"measure_unit", "nature", "adjusted", "coefficient", "core", "adjusted_goals"}

    def keys(path: Path) -> set[str]:
        lines = path.read_text(encoding="utf-8").splitlines()
        return {m[1] for line in lines if (m := re.match(r"\s*(?:- )?([a-z_]+):", line))}

    assert columns <= keys(folder / "cq" / "2024.yaml")
    assert not columns & keys(folder / "hn" / "2024.yaml")
    cq_unit = (folder / "cq" / "unit.yaml").read_text(encoding="utf-8")
    hn_unit = (folder / "hn" / "unit.yaml").read_text(encoding="utf-8")
    assert "\nfinance_office:" in cq_unit and "\ncontact:" in cq_unit
    assert "finance_office" not in hn_unit
