"""Shared fixtures and helpers: the sample project and copies of it, the command, the tools."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, NoReturn

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor

from jixiao import diskcache
from jixiao.project import Document, Project, build_kind, load_unit_year

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def _own_disk_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The session's own template cache (diskcache), for its commands too: never the user's."""
    os.environ[diskcache.ENV_FOLDER] = str(tmp_path_factory.mktemp("diskcache"))
    diskcache.folder.cache_clear()


@pytest.fixture
def repo_project() -> Project:
    """The shipped samples: content/ and templates/ of this repository."""
    return Project(REPO)


@pytest.fixture
def project_copy(tmp_path: Path) -> Project:
    """A copy of the shipped samples that a test may change."""
    return Project(copy_samples(tmp_path))


def copy_samples(root: Path, *names: str) -> Path:
    """Copy `names` (default: content and templates) of this repository into `root`; `root`."""
    for name in names or ("content", "templates"):
        shutil.copytree(REPO / name, root / name)
    return root


def render(project: Project, unit: str, year: int, kind: str = "hunan-overall") -> Document:
    """Render one unit-year through the whole pipeline; the one document of `kind`."""
    (document,) = render_all(project, unit, year, kind)
    return document


def render_all(project: Project, unit: str, year: int, kind: str) -> list[Document]:
    """Render one unit-year through the whole pipeline; every document of `kind` (one per
    key project for a kind made `each` project)."""
    unit_year = load_unit_year(project, unit, year)
    chosen = next(k for k in unit_year.kinds if k.name == kind)
    return build_kind(unit_year, chosen)


# Expected figures, recomputed here without jixiao ------------------------------------------


class _Exact(SafeConstructor):
    """A safe constructor reading every number as the exact Decimal of its text."""


for _tag in ("tag:yaml.org,2002:float", "tag:yaml.org,2002:int"):
    _Exact.add_constructor(_tag, lambda _loader, node: Decimal(node.value))


def exact_yaml(text: str) -> Any:
    """YAML text as plain data, every number the exact Decimal of its written text."""
    yaml = YAML(typ="safe")
    yaml.Constructor = _Exact
    return yaml.load(text)


def year_data(project: Project, unit: str, year: int) -> Any:
    """A unit's year file as plain data, numbers as exact Decimals."""
    return exact_yaml(project.year_file(unit, year).read_text(encoding="utf-8"))


def half_up(value: Decimal, places: int = 2) -> Decimal:
    """`value` rounded half up (四舍五入) to `places` decimals, as reports print figures."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def spans(heights: list[int]) -> list[str]:
    """The w:vMerge marks of cells `heights` rows tall, one after another ('-': not merged)."""
    marks: list[str] = []
    for height in heights:
        marks += ["restart", *["continue"] * (height - 1)] if height > 1 else ["-"]
    return marks


# The command, as a writer runs it ---------------------------------------------------------


def cli_env(**extra: str) -> dict[str, str]:
    """The command's environment: a C.UTF-8 locale, no terminal width, `extra` on top."""
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}
    env.pop("LC_MESSAGES", None)
    env.pop("COLUMNS", None)
    return {**env, **extra}


def run_jixiao(root: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m jixiao --root ROOT ARGS`, run from ROOT (with PATH = `path` if given)."""
    return subprocess.run(
        [sys.executable, "-m", "jixiao", "--root", str(root), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=cli_env() if path is None else cli_env(PATH=path),
        cwd=root,
        timeout=600,
        check=False,
    )


# Outside tools (LibreOffice, poppler) ------------------------------------------------------


def skip_or_fail(reason: str) -> NoReturn:
    """Skip a test this machine cannot run; in CI (CI=true), which must run it, fail instead."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run this test, but: {reason}", pytrace=False)
    pytest.skip(reason)


def run_tool(*command: str | Path) -> str:
    """Run a command line tool and return its standard output; fail loudly on error."""
    result = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, f"{command[0]} failed: {result.stderr.strip()}"
    return result.stdout


def saved_by_libreoffice(office: str, template: Path, work: Path) -> str:
    """Save `template` again as LibreOffice's "save as .docx" does, in place; its package
    relationships (_rels/.rels) as LibreOffice wrote them."""
    saved = work / "saved"
    profile = (work / "profile").as_uri()
    subprocess.run(
        [
            *(office, f"-env:UserInstallation={profile}", "--headless"),
            *("--convert-to", "docx", "--outdir", str(saved), str(template)),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    shutil.copy(saved / template.name, template)
    return zipfile.ZipFile(template).read("_rels/.rels").decode()
