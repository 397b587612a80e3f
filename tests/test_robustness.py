"""Thousands of broken content files: check and render answer with findings, never a crash.

Mutations of the shipped sample (lines deleted, duplicated, re-indented, characters
replaced, numbers turned to words, truncation) and random YAML documents. Whatever the
input, `check` returns findings and rendering either succeeds or raises ContentError
with findings that name the file — and nothing is left at the output path on failure.
"""

from __future__ import annotations

import io
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from jixiao.checks import build_checked, check_unit_year
from jixiao.errors import ContentError
from jixiao.output import write_atomic
from jixiao.project import Project
from tests.conftest import REPO, copy_samples

SAMPLE = (REPO / "content" / "lukou-zzb" / "2023.yaml").read_text(encoding="utf-8")
LINES = SAMPLE.splitlines()
SCALE = 1 if os.environ.get("CI") == "true" else 10
"""CI runs every case (2,400 in all); a developer's run takes a tenth of them."""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("fuzz")
    return Project(copy_samples(root, "templates", "content/lukou-zzb"))


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """The sample with a few random edits."""
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        edit = draw(
            st.sampled_from(
                [
                    "delete",
                    "duplicate",
                    "indent",
                    "dedent",
                    "char",
                    "word",
                    "tab",
                    "truncate",
                    "colon",
                    "quote",
                ]
            )
        )
        line = lines[at]
        if edit == "delete":
            del lines[at]
        elif edit == "duplicate":
            lines.insert(at, line)
        elif edit == "indent":
            lines[at] = "  " + line
        elif edit == "dedent":
            lines[at] = line[2:] if line.startswith("  ") else line
        elif edit == "char" and line:
            pos = draw(st.integers(0, len(line) - 1))
            lines[at] = (
                line[:pos] + draw(st.characters(exclude_categories=("Cs",))) + line[pos + 1 :]
            )
        elif edit == "word":
            lines[at] = (
                line.replace("761.25", "七百六十一").replace("40", "-40").replace("{{ ", "{{ nope_")
            )
        elif edit == "tab":
            lines[at] = "\t" + line
        elif edit == "truncate":
            lines = lines[:at]
        elif edit == "colon":
            lines[at] = line.replace(":", "", 1)
        elif edit == "quote":
            lines[at] = line + ' "'
    return "\n".join(lines) + "\n"


yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "year",
                    "budget",
                    "basic",
                    "sections",
                    "staffing",
                    "text",
                    "title",
                    "projects",
                    "groups",
                    "evaluation",
                    "indicators",
                    "points",
                    "x",
                ]
            ),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)


def random_yaml(value: object) -> str:
    stream = io.StringIO()
    YAML(typ="safe").dump(value, stream)
    return stream.getvalue()


def exercise(project: Project, text: str) -> None:
    """Check and render one content file; only findings may come back, never a crash."""
    year_file = project.year_file("lukou-zzb", 2023)
    year_file.write_text(text, encoding="utf-8")
    report = check_unit_year(project, "lukou-zzb", 2023)
    assert all(f.message for f in report.findings)
    target = project.root / "out" / "report.docx"
    target.unlink(missing_ok=True)
    try:
        documents, _warnings = build_checked(project, "lukou-zzb", 2023)
    except ContentError as exc:
        assert exc.findings and all(f.message for f in exc.findings)
        assert report.errors, "render refused what check let through"
        assert not target.exists()
        return
    assert not report.errors
    write_atomic(target, documents[0].data)
    assert target.stat().st_size > 0


FUZZ = settings(
    max_examples=1500 // SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(mutated())
def test_mutated_samples_never_crash(workspace: Project, text: str) -> None:
    exercise(workspace, text)


@settings(
    max_examples=600 // SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(yaml_values)
def test_random_yaml_never_crashes(workspace: Project, value: object) -> None:
    exercise(workspace, random_yaml(value))


@settings(
    max_examples=300 // SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.binary(max_size=200))
def test_random_bytes_never_crash(workspace: Project, data: bytes) -> None:
    workspace.year_file("lukou-zzb", 2023).write_bytes(data)
    report = check_unit_year(workspace, "lukou-zzb", 2023)
    assert report.errors and report.errors[0].file is not None
