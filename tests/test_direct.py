"""Writer text rendered directly (direct.py) reads exactly as through Jinja.

Every sample report's writer text, every text of the sample YAML files and a list of tricky
expressions go through both paths: the text made and every finding (file, line, field,
message, hint) must be the same. The shapes the direct path claims must take it, so the
comparison is not of Jinja with itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jixiao import direct
from jixiao.formatting import prose
from jixiao.loading import load
from jixiao.narrative import Narrative
from jixiao.project import Project, UnitYear, load_unit_year, prepare
from tests.conftest import REPO

PROJECT = Project(REPO)
SAMPLES = sorted(
    (folder.name, int(file.stem))
    for folder in (REPO / "content").iterdir()
    for file in folder.glob("[0-9][0-9][0-9][0-9].yaml")
)


def jinja_only(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A context in which every writer text goes through Jinja, as before the direct path."""
    patched = monkeypatch.context()
    context = patched.__enter__()
    context.setattr(direct, "plan", lambda source: None)
    return patched


def both(
    monkeypatch: pytest.MonkeyPatch, names: dict[str, Any], unit_year: UnitYear, text: str, **extra
) -> tuple[tuple[str, list[Any]], tuple[str, list[Any]]]:
    """(text, findings) of `text` by the direct path where it can, and by Jinja only."""
    results = []
    for force in (False, True):
        patched = jinja_only(monkeypatch) if force else None
        try:
            narrative = Narrative(names)
            shown = narrative.render(text, unit_year.source, ("opening", 0), **extra)
            results.append((shown, narrative.findings))
        finally:
            if patched is not None:
                patched.__exit__(None, None, None)
    return results[0], results[1]


def took_direct(names: dict[str, Any], text: str, **extra: Any) -> bool:
    """Whether the direct path rendered `text` itself (rather than leaving it to Jinja)."""
    parts = direct.plan(text)
    narrative = Narrative(names)
    scope = {**narrative.plain, **Narrative(extra).plain}
    with prose():
        return parts is not None and direct.render(parts, scope) is not None


@pytest.fixture(scope="module")
def lukou() -> tuple[UnitYear, dict[str, Any], dict[str, Any]]:
    """The lukou sample, its writer names and the extra names a group's text has."""
    unit_year = load_unit_year(PROJECT, "lukou-zzb", 2023)
    prepared = prepare(unit_year, unit_year.kinds[0])
    figures = unit_year.figures_for(unit_year.kinds[0])
    extra = {"group": figures.projects.groups[0]}
    return unit_year, dict(prepared.builder.narrative.names), extra


@pytest.mark.parametrize("unit, year", SAMPLES)
def test_every_sample_report_reads_alike_by_both_paths(
    monkeypatch: pytest.MonkeyPatch, unit: str, year: int
) -> None:
    unit_year = load_unit_year(PROJECT, unit, year)
    for kind in unit_year.kinds:
        fast = prepare(unit_year, kind).builder.narrative
        patched = jinja_only(monkeypatch)
        slow = prepare(unit_year, kind).builder.narrative
        patched.__exit__(None, None, None)
        assert fast.texts == slow.texts
        assert fast.findings == slow.findings
        assert fast.findings == []


def texts_of(files: list[Path]) -> list[str]:
    """Every text of the YAML `files` that has a brace, once each."""

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, str):
            if "{" in node:
                yield node
        elif isinstance(node, dict):
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    return sorted({text for file in files for text in walk(load(file).data)})


def test_every_text_of_the_sample_files_reads_alike_by_both_paths(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each sample's own texts and every kind file's, over that sample's names."""
    kind_files = sorted(REPO.glob("templates/*/*.yaml"))
    compared = direct_ones = 0
    for unit, year in SAMPLES:
        unit_year = load_unit_year(PROJECT, unit, year)
        kind = unit_year.kinds[0]
        names = dict(prepare(unit_year, kind).builder.narrative.names)
        figures = unit_year.figures_for(kind)
        extra: dict[str, Any] = {}
        if figures.projects is not None and figures.projects.groups:
            extra["group"] = figures.projects.groups[0]
        if figures.key_projects:
            extra["project"] = figures.key_projects[0]
        for text in texts_of([*sorted((REPO / "content" / unit).glob("*.yaml")), *kind_files]):
            fast, slow = both(monkeypatch, names, unit_year, text, **extra)
            assert fast == slow, (unit, text)
            compared += 1
            direct_ones += took_direct(names, text, **extra)
    assert compared > 100, "the samples should hold many writer texts with braces"
    assert direct_ones > compared * 0.6, "most sample texts should take the direct path"


DIRECT = [
    "{{ year }}年度",
    "{{year}}年度",
    "{{  year  }}",
    "{{\n  staffing.in_service\n}}",
    "{{ staffing . in_service }}",
    "{{\u3000year\u3000}}",
    "前{{ unit.full_name }}中{{ unit.short_name }}后",
    "{{ basic.actual | wan }}万元",
    "{{ basic.actual|wan }}",
    "{{ basic.actual | wan() }}",
    "{{ basic.actual | wan(0) }}",
    "{{ basic.actual | wan(places=1) }}",
    "{{ basic.actual | wan(1,) }}",
    "{{ basic.actual | num(1) }}",
    "{{ staffing.in_service | cn }}",
    "{{ basic.actual | num | wan }}",
    "{{ projects.by_kind['专项资金'].actual | wan }}",
    "{{ budget_total }}",
    "{{ key_total.actual | num }}",
    "{{ unit.offices[0] }}",
    "{{ unit.offices | join('、') }}",
    '{{ unit.offices|join("，") }}',
    "{{ unit.offices | join }}",
    "{{ unit.offices | length }}个",
    "{{ unit.full_name | length | cn }}",
    "{{ group.actual | wan }}",
    "{{ year }}\n",
    "{{ year }}\n\n",
    "一\r\n二{{ year }}\r\n",
    "一\r二\n",
    "{ 不是表达式 }",
    "{{ year }}}",
    "}}{{ year }}",
    "{{ year }}{{ prior_year }}",
    "{{ staffing.retired }}人",
]
"""Shapes the direct path renders itself (each also through Jinja, to compare)."""

JINJA = [
    "{{ nosuch }}",
    "{{ true_figure }}",
    "{{ staffing.nosuch }}",
    "{{ stafing.total }}",
    "{{ staffing._target }}",
    "{{ staffing.__class__ }}",
    "{{ staffing }}",
    "{{ unit.offices }}",
    "{{ unit }}",
    "{{ self }}",
    "{{ range }}",
    "{{ none }}",
    "{{ true }}",
    "{{ loop }}",
    "{{ year | nosuch }}",
    "{{ year | upper }}",
    "{{ year | wan(1, 2, 3) }}",
    "{{ basic.actual | wan(unit=1) }}",
    "{{ basic.actual | wan(places=1, places=2) }}",
    "{{ basic.actual | wan(places=1, 2) }}",
    "{{ basic.actual | wan(if=1) }}",
    "{{ basic.actual | wan(1.) }}",
    "{{ basic.actual | wan(01) }}",
    "{{ basic.actual | wan(1_0) }}",
    "{{ basic.actual | wan('}}') }}",
    "{{ basic.actual | wan('a\\'b') }}",
    "{{ basic.actual | wan.x }}",
    "{{ basic.actual | wan(1)(2) }}",
    "{{ basic.actual | wan(k==1) }}",
    "{{ year", "{{ year }", "{{ }}", "{{ year, year }}",
    "{{- year }}", "{{ year -}}", "{{+ year }}",
    "{% if year %}有{% endif %}", "{# 注 #}{{ year }}",
    "{{ year + 1 }}", "{{ -year }}", "{{ year.real }}",
    "{{ unit.offices[-1] }}", "{{ budget_total | wan }}", "{{ overall.execution_rate | pct(1) }}",
    "{{ unit.offices[99] }}", "{{ unit.offices['x'] }}", "{{ unit.offices[0:1] }}",
    "{{ unit.offices | join('、', attribute='x') }}", "{{ unit.offices | join('、', 1) }}",
    "{{ staffing | join }}", "{{ staffing | length }}", "{{ unit.offices | count }}",
    "{{ unit.offices | join(1) }}", "{{ year年 }}", "{{ 年份 }}", "{{ year\u0301 }}",
    "{{ scores['没有'].points | num }}",
    "{{ staffing.total | wan }}{{ nosuch }}",
    "{{ unit.full_name * 3 }}",
    "{{ {'a': 1} }}",
    "{{ key_projects[0].name }}{{ key_projects[0] }}",
    "{{ basic.actual | date }}",
]  # fmt: skip
"""Texts the direct path leaves to Jinja: errors, findings, and every other shape."""


@pytest.mark.parametrize("text", DIRECT + JINJA)
def test_a_tricky_text_reads_alike_by_both_paths(
    monkeypatch: pytest.MonkeyPatch,
    lukou: tuple[UnitYear, dict[str, Any], dict[str, Any]],
    text: str,
) -> None:
    unit_year, names, extra = lukou
    fast, slow = both(monkeypatch, names, unit_year, text, **extra)
    assert fast == slow
    assert took_direct(names, text, **extra) == (text in DIRECT)


def test_direct_text_is_written_as_jinja_writes_it(
    lukou: tuple[UnitYear, dict[str, Any], dict[str, Any]],
) -> None:
    """The figures themselves, recomputed: not only the same as Jinja but right."""
    unit_year, names, _ = lukou
    narrative = Narrative(names)
    year = unit_year.year.year
    assert narrative.render("{{ year }}年\n", None, ("t",)) == f"{year}年"
    assert narrative.render("{{year}}{{ prior_year }}", None, ("t",)) == f"{year}{year - 1}"
    assert narrative.render("a\r\nb", None, ("t",)) == "a\r\nb"  # no brace: as written
    assert narrative.render("{a}\r\nb\r\n", None, ("t",)) == "{a}\nb"
    assert narrative.findings == []


def test_a_direct_text_with_an_error_is_a_finding_at_its_line(
    lukou: tuple[UnitYear, dict[str, Any], dict[str, Any]], tmp_path: Path
) -> None:
    unit_year, names, _ = lukou
    narrative = Narrative(names)
    shown = narrative.render("{{ stafing.total }}人", unit_year.source, ("opening", 0))
    assert shown == "{{ stafing.total }}人"
    (finding,) = narrative.findings
    assert finding.file == unit_year.source.file
    assert finding.line == unit_year.source.text_line(("opening", 0), 0)
    assert "stafing" in finding.message and "staffing" in finding.hint
