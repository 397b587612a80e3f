"""Editor support: the committed JSON Schemas, the samples' modelines, and `jixiao init`."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pydantic
import pytest
from ruamel.yaml import YAML

from jixiao.kinds import available, load_kind
from jixiao.model import Unit
from jixiao.model.common import TO_FILL
from jixiao.project import Project, load_unit_year
from jixiao.schema import SCHEMAS, file_name, modeline, schema, schema_text
from tests.conftest import REPO, copy_samples, run_jixiao

SAMPLES = sorted((REPO / "content").glob("*/*.yaml"))
KEY = re.compile(r"^\s*(?:# )?\s*(?:- )?([A-Za-z_]\w*):")
"""A key line, also inside a commented-out example."""


def kind_of(path: Path) -> str:
    return "unit" if path.name == "unit.yaml" else "year"


def plain(path: Path) -> Any:
    """A content file as plain data, as the editor's YAML server sees it."""
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def validator(name: str, root: Path = REPO) -> jsonschema.Draft202012Validator:
    body = json.loads((root / "schema" / file_name(name)).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(body)
    return jsonschema.Draft202012Validator(body)


PROBES: list[Any] = [
    *(None, True, 0, 3, 761.25, -1, 2023, "761.25", "1,008.5", "-5", "七百万", TO_FILL, ""),
    *("text", "2023-12-31", [], ["一段"], [1], {}, {"no_such_field": 1}, {"name": "x"}),
]
"""Values tried against every field: what a writer may type, right or wrong."""


def fields_of(body: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Every field's schema by (definition, field); the root's definition is ''."""
    nodes = {"": body, **body["$defs"]}
    return {
        (where, key): prop
        for where, node in nodes.items()
        for key, prop in node.get("properties", {}).items()
    }


def verdicts(body: dict[str, Any]) -> dict[tuple[str, str], list[bool]]:
    """Which PROBES each field accepts, and each definition as a whole ('*'), under `body`."""
    base = jsonschema.Draft202012Validator({"$defs": body["$defs"]})
    parts = {**fields_of(body), **{(d, "*"): node for d, node in body["$defs"].items()}}
    parts[("", "*")] = {k: v for k, v in body.items() if k != "$defs"}
    return {
        where: [base.evolve(schema={"$defs": body["$defs"], **part}).is_valid(p) for p in PROBES]
        for where, part in parts.items()
    }


def annotations(body: dict[str, Any]) -> dict[tuple[str, str], tuple[Any, ...]]:
    """What an editor shows on hover and completes for each field: title, description, default."""
    return {
        where: (prop.get("title"), prop.get("description"), prop.get("default"))
        for where, prop in fields_of(body).items()
    }


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_means_what_the_model_says(name: str) -> None:
    """The committed schema accepts and rejects what a fresh one (this pydantic) does.

    Compared by meaning, not bytes: a newer pydantic may nest or order the same rules
    differently; a changed model (a field added, renamed, retyped or retitled) fails here.
    """
    committed = json.loads((REPO / "schema" / file_name(name)).read_text(encoding="utf-8"))
    fresh = schema(name)
    hint = "the model changed: run `jixiao schema` and commit"
    assert committed["title"] == fresh["title"] and committed["$schema"] == fresh["$schema"]
    assert annotations(committed) == annotations(fresh), hint
    before, after = verdicts(committed), verdicts(fresh)
    changed = {
        where: [p for p, a, b in zip(PROBES, was, now, strict=True) if a != b]
        for where, was in before.items()
        if was != (now := after[where])
    }
    assert changed == {}, hint
    for path in (p for p in SAMPLES if kind_of(p) == name):
        found = [
            sorted(e.json_path for e in jsonschema.Draft202012Validator(b).iter_errors(plain(path)))
            for b in (committed, fresh)
        ]
        assert found[0] == found[1], path


def test_the_committed_schema_is_the_one_the_pinned_releases_write() -> None:
    """With the releases in constraints.txt installed, `jixiao schema` rewrites the same bytes."""
    pins = dict(
        line.split("==")
        for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    )
    if pins["pydantic"] != pydantic.VERSION:
        pytest.skip(f"pydantic {pydantic.VERSION} installed, {pins['pydantic']} pinned")
    for name in SCHEMAS:
        text = (REPO / "schema" / file_name(name)).read_text(encoding="utf-8")
        assert text == schema_text(name), "run `jixiao schema` and commit"


def test_amount_text_is_checked_whichever_pydantic_writes_the_schema() -> None:
    """The editor flags "七百万" as an amount: the pattern is jixiao's, not pydantic's default."""
    amount = fields_of(schema("year"))[("Amounts", "actual")]
    check = jsonschema.Draft202012Validator(amount)
    assert [check.is_valid(v) for v in ("761.25", 761.25, TO_FILL, None)] == [True] * 4
    assert [check.is_valid(v) for v in ("七百万", "12万", True)] == [False] * 3


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_field_has_a_chinese_title(name: str) -> None:
    body = json.loads(schema_text(name))
    objects = [body, *body["$defs"].values()]
    for node in objects:
        for field, prop in node.get("properties", {}).items():
            assert re.search(r"[\u4e00-\u9fff]", prop.get("title", "")), field


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_samples_start_with_the_modeline_and_validate(path: Path) -> None:
    name = kind_of(path)
    assert path.read_text(encoding="utf-8").splitlines()[0] == modeline(name)
    target = (path.parent / "../../schema" / file_name(name)).resolve()
    assert target == (REPO / "schema" / file_name(name)).resolve() and target.is_file()
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator(name).iter_errors(plain(path))
    ]
    assert errors == []


def test_the_schema_catches_a_typo_and_a_word_for_an_amount() -> None:
    data = plain(REPO / "content" / "lukou-zzb" / "2023.yaml")
    data["staffing"]["in_servce"] = data["staffing"].pop("in_service")
    data["budget"]["basic"]["personnel"]["actual"] = "七百万"
    errors = list(validator("year").iter_errors(data))
    paths = set()
    while errors:  # through anyOf (a field that may be left empty) to the deepest reasons
        error = errors.pop()
        paths.add(tuple(error.absolute_path))
        errors += error.context or []
    assert ("staffing",) in paths
    assert ("budget", "basic", "personnel", "actual") in paths


def test_schema_command_writes_both_files(tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    run = run_jixiao(REPO, "schema", "--out", str(out))
    assert run.returncode == 0, run.stderr
    for name in SCHEMAS:
        assert (out / file_name(name)).read_text(encoding="utf-8") == schema_text(name)


# ---- jixiao init -------------------------------------------------------------------------


@pytest.fixture
def empty_project(tmp_path: Path) -> Path:
    """A project with the shipped templates and schemas, and no content yet."""
    return copy_samples(tmp_path / "project", "templates", "schema")


def property_names(name: str) -> set[str]:
    """Every field name the schema knows, at any depth."""
    body = json.loads(schema_text(name))
    return {key for node in (body, *body["$defs"].values()) for key in node.get("properties", {})}


def test_init_scaffolds_a_unit_that_loads(empty_project: Path) -> None:
    run = run_jixiao(empty_project, "init", "new-unit", "--kind", "hunan-overall", "--year", "2024")
    assert run.returncode == 0, run.stderr
    unit_file = empty_project / "content" / "new-unit" / "unit.yaml"
    year_file = empty_project / "content" / "new-unit" / "2024.yaml"
    assert "已生成 content/new-unit/unit.yaml" in run.stdout
    assert f"标有“{TO_FILL}”的字段" in run.stdout
    unit_year = load_unit_year(Project(empty_project), "new-unit", 2024, to_fill=True)
    assert [k.name for k in unit_year.kinds] == ["hunan-overall"]
    kind = load_kind(empty_project / "templates", "hunan-overall")
    printed_by_other_kinds = {"contact", "finance_office"}  # 岳阳, 重庆 forms print them
    read = {
        "unit": set(Unit.model_fields) - printed_by_other_kinds,
        "year": kind.reads - {"closing"},
    }
    for path in (unit_file, year_file):
        text = path.read_text(encoding="utf-8")
        assert text.splitlines()[0] == modeline(kind_of(path))
        top = {m[1] for line in text.splitlines() if (m := re.match(r"([A-Za-z_]\w*):", line))}
        assert top == read[kind_of(path)], "exactly the fields the kind reads"
        for line in text.splitlines():
            if KEY.match(line):
                assert "  # " in line, f"no comment: {line}"
        assert list(validator(kind_of(path), empty_project).iter_errors(plain(path))) == []
    text = year_file.read_text(encoding="utf-8")
    sections = text[text.index("\nsections:") :]
    found = [re.search(rf"^  (?:# )?{s.key}:", sections, re.M) for s in kind.settings.sections]
    positions = [match.start() if match else -1 for match in found]
    assert -1 not in positions
    assert positions == sorted(positions), "the kind's sections, in its order"
    assert "  # government_fund:" in text, "a section left out when empty is commented out"


def test_init_with_two_kinds_fills_both_section_lists(empty_project: Path) -> None:
    run = run_jixiao(
        empty_project, "init", "u2", "--kind", "hunan-overall", "--kind", "key-project"
    )
    assert run.returncode == 0, run.stderr
    year = dt.date.today().year
    data = plain(empty_project / "content" / "u2" / f"{year}.yaml")
    assert "overview" in data["key_sections"] and "performance" in data["sections"]
    unit_year = load_unit_year(Project(empty_project), "u2", year, to_fill=True)
    assert [k.name for k in unit_year.kinds] == ["hunan-overall", "key-project"]


def test_init_never_overwrites(empty_project: Path) -> None:
    args = ("init", "u3", "--kind", "hunan-overall", "--year", "2024")
    assert run_jixiao(empty_project, *args).returncode == 0
    unit_file = empty_project / "content" / "u3" / "unit.yaml"
    unit_file.write_text("full_name: 已填写\nshort_name: 已填写\n", encoding="utf-8")
    before = unit_file.read_bytes()
    run = run_jixiao(empty_project, *args)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "已存在，未覆盖" in run.stderr
    assert unit_file.read_bytes() == before


@pytest.mark.parametrize("kind", available(REPO / "templates"))
def test_init_loads_for_every_kind(empty_project: Path, kind: str) -> None:
    run = run_jixiao(empty_project, "init", "u-" + kind, "--kind", kind, "--year", "2024")
    assert run.returncode == 0, run.stderr
    unit_year = load_unit_year(Project(empty_project), "u-" + kind, 2024, to_fill=True)
    assert [k.name for k in unit_year.kinds] == [kind]


@pytest.mark.parametrize(
    ("unit", "kind", "says"),
    [
        ("../escape", "hunan-overall", "不能用作单位名"),
        (".hidden", "hunan-overall", "不能用作单位名"),
        ("ok-unit", "no-such-kind", "没有名为“no-such-kind”的报告类型"),
    ],
)
def test_init_refuses_bad_names(empty_project: Path, unit: str, kind: str, says: str) -> None:
    run = run_jixiao(empty_project, "init", unit, "--kind", kind)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert says in run.stderr
    assert not (empty_project / "content").exists()
