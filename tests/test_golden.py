"""Each sample renders to exactly the text a person reviewed (tests/golden/<unit>-<year>.txt).

Regenerate on purpose only, then read the diff:
    JIXIAO_REGEN_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import REPO, render
from tests.docx_text import text_lines

SAMPLES = [
    ("lukou-zzb", 2023, "hunan-overall"),
    ("kaifu-zzb", 2022, "hunan-overall"),
    ("kaifu-zzb", 2022, "key-project"),
    ("yunxi-zzb", 2022, "yueyang-form"),
    ("conghua-zzb", 2022, "guangzhou-overall"),
]
MAIN_KINDS = {"hunan-overall", "yueyang-form", "guangzhou-overall"}
"""A unit's main report is golden/<unit>-<year>.txt; other kinds add -<kind>."""


@pytest.mark.parametrize(("unit", "year", "kind"), SAMPLES)
def test_sample_matches_reviewed_text(repo_project, unit: str, year: int, kind: str) -> None:
    suffix = "" if kind in MAIN_KINDS else f"-{kind}"
    golden = REPO / "tests" / "golden" / f"{unit}-{year}{suffix}.txt"
    got = "\n".join(text_lines(render(repo_project, unit, year, kind).data)) + "\n"
    if os.environ.get("JIXIAO_REGEN_GOLDEN") == "1":
        golden.write_text(got, encoding="utf-8")
    assert got == golden.read_text(encoding="utf-8")
