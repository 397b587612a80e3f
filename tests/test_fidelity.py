"""The samples reproduce the published seed reports (shared/seeds) by the shared measure.

Runs ../shared/tools/fidelity.py, the measure the issues name, on each rendered sample;
what differs is only each seed's own errors, listed in the content files' comments.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED, render

CASES = [
    # unit, year, seed, cut the seed before, minimum
    ("lukou-zzb", 2023, "004_985977561d84f4a6.txt", None, 0.97),
    ("kaifu-zzb", 2022, "000_5cf7b8404a976659.txt", "附件2", 0.97),
]


def fidelity(docx: Path, seed: Path, until: str | None) -> float:
    tool = SHARED / "tools" / "fidelity.py"
    if not tool.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} is missing; CI must have shared/ beside the clone")
        pytest.skip("shared/tools/fidelity.py not beside this checkout")
    args = [sys.executable, str(tool), str(docx), str(seed)]
    if until:
        args += ["--until", until]
    result = subprocess.run(args, capture_output=True, text=True, check=True)
    return float(re.search(r"fidelity ([0-9.]+)", result.stdout).group(1))


@pytest.mark.parametrize(("unit", "year", "seed", "until", "minimum"), CASES)
def test_sample_reproduces_its_seed(
    repo_project,
    tmp_path: Path,
    unit: str,
    year: int,
    seed: str,
    until: str | None,
    minimum: float,
) -> None:
    docx = tmp_path / "report.docx"
    docx.write_bytes(render(repo_project, unit, year).data)
    assert fidelity(docx, SHARED / "seeds" / seed, until) >= minimum
