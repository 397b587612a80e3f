"""Shared fixtures: the repository's own sample project, and throw-away copies of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jixiao.project import Document, Project, build_kind, load_unit_year

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture
def repo_project() -> Project:
    """The shipped samples: content/ and templates/ of this repository."""
    return Project(REPO)


@pytest.fixture
def project_copy(tmp_path: Path) -> Project:
    """A copy of the shipped samples that a test may change."""
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, tmp_path / name)
    return Project(tmp_path)


def render(project: Project, unit: str, year: int, kind: str = "hunan-overall") -> Document:
    """Render one unit-year through the whole pipeline; the document of `kind`."""
    unit_year = load_unit_year(project, unit, year)
    chosen = next(k for k in unit_year.kinds if k.name == kind)
    return build_kind(unit_year, chosen)
