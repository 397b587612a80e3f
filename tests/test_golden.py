"""Each sample renders to exactly the text a person reviewed (tests/golden/<unit>-<year>.txt).

Regenerate on purpose only, then read the diff:
    JIXIAO_REGEN_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os

import pytest

from jixiao.project import Project
from tests.conftest import REPO, render_all
from tests.docx_text import text_lines

SAMPLES = [
    ("lukou-zzb", 2023, "hunan-overall"),
    ("kaifu-zzb", 2022, "hunan-overall"),
    ("kaifu-zzb", 2022, "key-project"),
    ("yunxi-zzb", 2022, "yueyang-form"),
    ("conghua-zzb", 2022, "guangzhou-overall"),
    ("tianchang-slj", 2022, "project-self-evaluation"),
]
MAIN_KINDS = {"hunan-overall", "yueyang-form", "guangzhou-overall"}
"""A unit's main report is golden/<unit>-<year>.txt; other kinds add -<kind>. A kind made
once per key project gives several documents: each follows a line `# <file name>`."""


def golden_text(project: Project, unit: str, year: int, kind: str) -> str:
    """The text of `kind`'s document(s) for the unit-year, as the golden file holds it."""
    documents = render_all(project, unit, year, kind)
    if len(documents) == 1:
        return "\n".join(text_lines(documents[0].data)) + "\n"
    return "".join(f"# {d.filename}\n" + "\n".join(text_lines(d.data)) + "\n" for d in documents)


@pytest.mark.parametrize(("unit", "year", "kind"), SAMPLES)
def test_sample_matches_reviewed_text(repo_project, unit: str, year: int, kind: str) -> None:
    suffix = "" if kind in MAIN_KINDS else f"-{kind}"
    golden = REPO / "tests" / "golden" / f"{unit}-{year}{suffix}.txt"
    got = golden_text(repo_project, unit, year, kind)
    if os.environ.get("JIXIAO_REGEN_GOLDEN") == "1":
        golden.write_text(got, encoding="utf-8")
    assert got == golden.read_text(encoding="utf-8")
