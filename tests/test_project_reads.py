"""Which fields of each key project a form reads (formspec.project_reads, Kind.project_reads),
derived from the declarations' paths: `jixiao init` writes only those in its example project.
The derived sets are checked against what rendering shows: changing a field outside the set
leaves every document as it was, changing one inside it changes the document."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from jixiao import formspec
from jixiao.compute import EvaluationFigures, KeyProjectFigures
from jixiao.kinds import load_kind
from jixiao.model.year import KeyProject
from jixiao.project import Project, build_kind, load_unit_year
from tests.conftest import REPO, copy_samples

TEMPLATES = REPO / "templates"
FORM_FIELDS = frozenset(
    {"name", "department", "implementer", "funds", "goals", "results", "evaluation"}
)
"""What kinds.PROJECT_FIELDS, the hand-kept table these sets replace, said of
project_self_evaluation (the only form it listed)."""


def shipped_forms() -> list[tuple[str, str]]:
    """(kind, form) for every attachment of every shipped kind."""
    found = []
    for folder in sorted(TEMPLATES.iterdir()):
        if (folder / "kind.yaml").is_file():
            kind = load_kind(TEMPLATES, folder.name)
            found += [(folder.name, a.form) for a in kind.settings.attachments]
    return found


def test_the_fields_each_shipped_form_reads_are_derived_from_its_paths() -> None:
    derived = {
        form: formspec.project_reads(TEMPLATES, kind, form) for kind, form in shipped_forms()
    }
    assert derived == {
        "project_self_evaluation": FORM_FIELDS,  # as the table said
        # 湖南's form prints the same cells (its indicators through `include: indicators`);
        # the table did not list it, so it counted as reading every field
        "project_evaluation": FORM_FIELDS,
        "score_table": None,  # 评分表: scores computed from all projects
        "overall_self_evaluation": frozenset(),
        "basic_data": frozenset(),
        "overall_evaluation": frozenset(),
    }
    kind = load_kind(TEMPLATES, "project-self-evaluation")
    assert kind.project_reads == FORM_FIELDS
    for text in ("key-project", "hunan-overall"):  # a section may include key projects whole
        assert load_kind(TEMPLATES, text).project_reads is None


def test_every_figure_of_a_project_says_where_it_comes_from() -> None:
    """A figure added to KeyProjectFigures or EvaluationFigures fails here until it is listed;
    every field it names is a field of a key project in the year file."""
    project = {f.name for f in dataclasses.fields(KeyProjectFigures)}
    evaluation = {f.name for f in dataclasses.fields(EvaluationFigures)} | {"rows"}
    assert set(formspec.PROJECT_ROOTS) == project
    assert set(formspec.EVALUATION_ROOTS) == evaluation
    named = {
        f
        for roots in (formspec.PROJECT_ROOTS, formspec.EVALUATION_ROOTS)
        for f in roots.values()
        for f in f
    }
    assert named <= set(KeyProject.model_fields)


CHANGES: dict[str, Any] = {
    "name": lambda p: {**p, "name": p["name"] + "（改）"},
    "department": lambda p: {**p, "department": "天长市财政局"},
    "implementer": lambda p: {**p, "implementer": "天长市水务公司"},
    "funds": lambda p: {**p, "funds": {"current": {"initial": 880, "budget": 880, "actual": 870}}},
    "goals": lambda p: {**p, "goals": ["另一个目标。"]},
    "results": lambda p: {**p, "results": ["另一个结果。"]},
    "evaluation": lambda p: {**p, "evaluation": {**p["evaluation"], "budget_points": 20}},
    "type": lambda p: {**p, "type": "专项工作"},
    "purpose": lambda p: {**p, "purpose": "防汛。"},
    "district": lambda p: {**p, "district": {"initial": 100, "budget": 100, "actual": 90}},
    "overview": lambda p: {**p, "overview": ["项目概况。"]},
    "targets": lambda p: {**p, "targets": [{"name": "指标", "target": "1个", "actual": "1个"}]},
    "problems": lambda p: {**p, "problems": ["问题。"]},
    "measures": lambda p: {**p, "measures": ["措施。"]},
}


@pytest.fixture(scope="module")
def tianchang(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_samples(tmp_path_factory.mktemp("reads"))


def documents(root: Path, year: dict[str, Any]) -> list[bytes]:
    out = io.StringIO()
    YAML(typ="safe", pure=True).dump(year, out)
    (root / "content/tianchang-slj/2022.yaml").write_text(out.getvalue(), encoding="utf-8")
    unit_year = load_unit_year(Project(root), "tianchang-slj", 2022)
    return [d.data for d in build_kind(unit_year, unit_year.kinds[0])]


@pytest.mark.parametrize("field", sorted(CHANGES))
def test_a_field_changes_the_documents_exactly_when_the_form_reads_it(
    tianchang: Path, field: str
) -> None:
    assert set(CHANGES) == set(KeyProject.model_fields)
    original = (REPO / "content/tianchang-slj/2022.yaml").read_text(encoding="utf-8")
    year = YAML(typ="safe", pure=True).load(original)
    before = documents(tianchang, year)
    changed = {
        **year,
        "key_projects": [CHANGES[field](year["key_projects"][0]), *year["key_projects"][1:]],
    }
    after = documents(tianchang, changed)
    assert (before != after) == (field in FORM_FIELDS), field
