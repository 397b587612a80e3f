"""The sandbox holds: writer text and templates see plain data only, and every limit answers.

The attacks of issue 12 run through the real command on a copy of the lukou sample (no
shell command runs, no file outside is read, nothing is written); the context of every
sample report is walked as a template would reach it; each limit answers within seconds
with a finding at the text's line.
"""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from jixiao import sandbox as sandbox_module
from jixiao.formatting import FILTERS
from jixiao.model.unit import Contact
from jixiao.narrative import Narrative
from jixiao.numbering import Numberer
from jixiao.plain import SCALARS, Record, Table, plain
from jixiao.project import Project, load_unit_year, prepare_all
from jixiao.sandbox import JINJA_FILTERS, Sandbox, plain_names, sandbox
from tests.conftest import REPO, copy_samples
from tests.docx_text import headings
from tests.test_bad_input import UNIT, YEAR_FILE, Sample, assert_refused, jixiao, line_of, render

SAMPLES = [
    ("lukou-zzb", 2023),
    ("kaifu-zzb", 2022),
    ("yunxi-zzb", 2022),
    ("conghua-zzb", 2022),
    ("maoming-fgj", 2021),
]
TEXT = "{{ year }}年度基本支出"
"""A piece of the lukou sample's budget.basic.text, to put an attack beside."""

PICKLE = '{{ unit.parse_raw("cos\\nsystem\\n(S\'id > PWNED\'\\ntR.", proto="pickle", allow_pickle=True) }}'  # noqa: E501


@pytest.fixture
def sample(tmp_path: Path) -> Sample:
    """A throw-away project with the lukou sample (as tests/test_bad_input.py's)."""
    return Sample(copy_samples(tmp_path / "p", "templates", f"content/{UNIT}"), tmp_path / "out")


def attack(sample: Sample, expression: str) -> int:
    """Put `expression` into lukou's budget.basic.text; the line it is on."""
    changed = sample.replace(YEAR_FILE, TEXT, expression.replace("\\", "\\\\") + TEXT)
    return line_of(changed, expression.split("(")[0][:20])


@pytest.mark.parametrize(
    "expression",
    [PICKLE, "{{ unit.parse_file('/etc/passwd') }}", "{{ unit.model_dump() }}"],
    ids=["parse_raw-pickle", "parse_file", "model_dump"],
)
def test_writer_text_cannot_call_model_methods(sample: Sample, expression: str) -> None:
    line = attack(sample, expression)
    before = sample.snapshot()
    for command in ("check", "render"):
        run = render(sample) if command == "render" else jixiao(sample, "check", "2023")
        if command == "check":  # check reports on stdout
            run.stderr, run.stdout = run.stdout, ""
        assert_refused(sample, before, run, f"{YEAR_FILE}:{line}", "不存在的名字")
        assert "root:" not in run.stdout + run.stderr
    assert not (sample.root / "PWNED").exists()
    assert not list(sample.root.rglob("PWNED"))


def template_with(sample: Sample, tag: str) -> None:
    """Put `tag` into the hunan-overall template, in place of its `{{ s.title }}`."""
    path = sample.path("templates/hunan-overall/report.docx")
    with zipfile.ZipFile(path) as source:
        entries = {info: source.read(info) for info in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries.items():
            if info.filename == "word/document.xml":
                xml = data.decode("utf-8")
                assert "{{ s.title }}" in xml
                data = xml.replace("{{ s.title }}", tag, 1).encode("utf-8")
            target.writestr(info, data)


@pytest.mark.parametrize(
    "tag",
    ["{{ unit.parse_file('/etc/passwd') }}", "{{ s.__class__.__mro__ }}", "{{ num.styles }}"],
    ids=["parse_file", "mro", "function-attribute"],
)
def test_a_template_cannot_reach_beyond_plain_data(sample: Sample, tag: str) -> None:
    template_with(sample, tag)
    before = sample.snapshot()
    run = render(sample)
    assert_refused(sample, before, run, None, "report.docx")
    assert "root:" not in run.stdout + run.stderr


# ---- everything reachable from a context is plain data ------------------------------------


def reachable(env: Sandbox, value: Any, seen: set[int], path: str) -> list[tuple[str, Any]]:
    """Every value a template reaches from `value` through the sandbox, with its path."""
    if id(value) in seen:
        return []
    seen.add(id(value))
    found = [(path, value)]
    if isinstance(value, Record):
        for name in sorted(value.fields()):
            found += reachable(env, env.getattr(value, name), seen, f"{path}.{name}")
    elif isinstance(value, Table):
        for key in value:
            found += reachable(env, env.getitem(value, key), seen, f"{path}[{key!r}]")
    elif isinstance(value, tuple):
        for index in range(len(value)):
            found += reachable(env, env.getitem(value, index), seen, f"{path}[{index}]")
    return found


def contexts() -> list[tuple[str, dict[str, Any]]]:
    """The writer names and the template context of every sample report kind."""
    project = Project(REPO)
    found = []
    for unit, year in SAMPLES:
        for prepared in prepare_all(load_unit_year(project, unit, year)):
            name = f"{unit}/{prepared.kind.name}"
            found.append((f"{name} writer text", prepared.builder.narrative.plain))
            found.append((f"{name} template", plain_names(prepared.context)))
    return found


@pytest.mark.parametrize("name, context", contexts(), ids=lambda v: v if isinstance(v, str) else "")
def test_everything_reachable_from_a_context_is_plain_data(
    name: str, context: dict[str, Any]
) -> None:
    env = sandbox()
    reached = [r for key, v in context.items() for r in reachable(env, v, set(), key)]
    assert len(reached) > 30, "the walk reached too little to mean anything"
    functions = [p for p, v in reached if isinstance(v, Numberer)]
    assert functions in ([], ["num"]), "num is the only function a template may call"
    kinds = (*SCALARS, Record, Table, tuple, Numberer)
    not_plain = [(p, type(v).__name__) for p, v in reached if not isinstance(v, kinds)]
    assert not_plain == []
    callables = [p for p, v in reached if callable(v) and not isinstance(v, Numberer)]
    assert callables == []


def test_nothing_of_a_scalar_or_record_is_reachable_but_its_fields() -> None:
    env = sandbox()
    for value in ("文字", 12, plain([1, 2]), Numberer()):
        for name in ("upper", "count", "styles", "real", "format"):
            assert env.getattr(value, name).__class__.__name__ == "StrictUndefined"
    record = plain(load_unit_year(Project(REPO), "lukou-zzb", 2023).unit)
    assert "full_name" in record.fields()
    assert not {"parse_raw", "parse_file", "model_dump", "dict", "json"} & record.fields()


def test_only_the_documented_filters_and_functions_exist() -> None:
    env = sandbox()
    assert set(env.globals) == {"range"}
    assert set(env.filters) == set(FILTERS) | set(JINJA_FILTERS)
    documented = (REPO / "docs" / "security.md").read_text(encoding="utf-8")
    missing = [f for f in env.filters if not re.search(rf"`{f}`", documented)]
    assert missing == []


# ---- limits instead of hangs ---------------------------------------------------------------


def evaluate(text: str) -> tuple[str, list[str], float]:
    """`text` rendered as writer text over the lukou figures: output, messages, seconds."""
    narrative = Narrative(dict(prepare_all(lukou())[0].builder.narrative.names))
    start = time.perf_counter()
    shown = narrative.render(text, None, ("text",))
    return shown, [f.message for f in narrative.findings], time.perf_counter() - start


def lukou() -> Any:
    return load_unit_year(Project(REPO), "lukou-zzb", 2023)


@pytest.mark.parametrize(
    "text, says",
    [
        ("{{ 'a'*10**9 }}", "超过上限"),
        ("{{ 'a' * 999999 * 2 }}", "超过上限"),
        ("{% for i in range(99999) %}{% endfor %}", "range 超过上限"),
        (
            "{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}",
            "循环次数超过上限",
        ),
        ("{{ (['a'*999999]*999) | join }}", "超过上限"),
        ("{{ 9 ** 999999 }}", "数字过大"),
        ("{{ '%0999999999d' % 1 }}", "不能用“%”"),
        ("{{ '%0999999999d' | format(1) }}", "format"),
        ("{{ 'x' | center(999999999) }}", "center"),
        ("{{ unit.short_name | safe }}", "safe"),
        ("{{ lipsum(999999) }}", "lipsum"),
        ("{{ cycler }}{{ joiner }}{{ namespace }}{{ dict }}", "cycler"),
        ("{{ unit }}", "不是文字"),
        ("{{ range }}", "不是文字"),
        ("{{ self }}", "不是文字"),
        ("{% for c in unit %}{% endfor %}", "只能对一组数据"),
        ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "不能调用其他函数或宏"),
        ("{{ unit.offices.__class__ }}", "下划线"),
        ("{{ unit|attr('parse_raw') }}", "attr"),
    ],
)
def test_each_limit_is_a_finding_within_seconds(text: str, says: str) -> None:
    shown, messages, seconds = evaluate(text)
    assert shown == text, "a failed text is left as written, never half evaluated"
    assert len(messages) == 1 and says in messages[0], messages
    assert seconds < 5


def test_a_render_that_takes_too_long_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox_module, "MAX_SECONDS", 0)
    _, messages, seconds = evaluate("{% for i in range(3) %}{{ i }}{% endfor %}")
    assert len(messages) == 1 and "计算时间超过上限（0 秒）" in messages[0]
    assert seconds < 5


def test_ordinary_expressions_still_work() -> None:
    shown, messages, _ = evaluate(
        "{{ unit.offices | length }}个：{{ unit.offices | join('、') }}；"
        "{% for o in unit.offices %}{{ loop.index }}{{ o }}{{ '。' if loop.last }}{% endfor %}"
        "{{ basic.personnel.share | pct }}{{ institution_types | tally }}"
        "{{ (unit.institutions | map(attribute='type') | unique | list) | length }}"
    )
    assert messages == []
    offices = lukou().unit.offices
    expected = f"{len(offices)}个：{'、'.join(offices)}；"
    expected += "".join(f"{i}{o}" for i, o in enumerate(offices, start=1)) + "。"
    assert shown.startswith(expected)
    assert "59.81%" in shown


# ---- {{ … }} where nothing evaluates it ----------------------------------------------------


@pytest.mark.parametrize(
    "file, old, new",
    [
        (YEAR_FILE, "covers: [基本工资,", "covers: ['{{ year }}年基本工资',"),
        (f"content/{UNIT}/unit.yaml", "short_name: 渌口区委组织部", "short_name: '{{ unit }}'"),
    ],
    ids=["list-printed-as-data", "unit-name"],
)
def test_an_expression_in_a_field_printed_as_written_is_an_error(
    sample: Sample, file: str, old: str, new: str
) -> None:
    line = line_of(sample.replace(file, old, new), new)
    before = sample.snapshot()
    check = jixiao(sample, "check", "2023")
    assert check.returncode == 1
    assert re.search(rf"{re.escape(file)}:{line}: 错误 .*不会被计算，会原样印进报告", check.stdout)
    assert_refused(sample, before, render(sample), f"{file}:{line}", "原样印进报告")


def test_a_section_title_may_use_expressions(sample: Sample) -> None:
    sample.replace(YEAR_FILE, "title: 预算单位基本情况", "title: '{{ year }}年预算单位基本情况'")
    run = render(sample)
    assert run.returncode == 0, run.stderr
    assert "2023年预算单位基本情况" in headings(sample.written()[0].read_bytes(), 1)[0]


def test_equal_records_hash_alike() -> None:
    """Jinja's `unique` and set lookups rely on equal values hashing alike."""
    one, same, other = (Contact(name=n, phone="1") for n in ("甲", "甲", "乙"))
    assert plain(one) == plain(same) and hash(plain(one)) == hash(plain(same))
    assert len({plain(one), plain(same), plain(other)}) == 2
