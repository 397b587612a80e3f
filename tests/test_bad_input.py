"""Bad content through the real command: a clear message at the right place, and no harm done.

Each case copies the lukou-zzb sample and the templates into a temporary project, changes
one line of the copy, and runs `python -m jixiao` in a subprocess, so the exit code and
stderr are what a writer sees. The expected line is found in the changed text, never
hard-coded. Every failure must exit 1 without a traceback, name the file and line, write
nothing under the output folder, and leave the writer's files byte for byte as they were.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import copy_samples, run_jixiao

UNIT = "lukou-zzb"
YEAR = 2023
YEAR_FILE = f"content/{UNIT}/{YEAR}.yaml"
UNIT_FILE = f"content/{UNIT}/unit.yaml"

ZH_LABELS = ("错误", "处理办法")
_QUOTED = re.compile(r"'[^']*'|“[^”]*”")
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@dataclass
class Sample:
    """A throw-away project holding one unit, and where its reports go."""

    root: Path
    out: Path

    def path(self, name: str) -> Path:
        return self.root / name

    def text(self, name: str) -> str:
        return self.path(name).read_text(encoding="utf-8")

    def replace(self, name: str, old: str, new: str) -> str:
        """Replace the one occurrence of `old` in file `name` by `new`; the new text."""
        text = self.text(name)
        assert text.count(old) == 1, f"{old!r} should occur once in {name}"
        changed = text.replace(old, new)
        self.path(name).write_bytes(changed.encode("utf-8"))
        return changed

    def snapshot(self) -> dict[Path, bytes]:
        """Every file the writer keeps (content/ and templates/), as bytes."""
        return {
            p: p.read_bytes()
            for folder in ("content", "templates")
            for p in sorted((self.root / folder).rglob("*"))
            if p.is_file()
        }

    def written(self) -> list[Path]:
        """Every file under the output folder."""
        return sorted(p for p in self.out.rglob("*") if p.is_file()) if self.out.exists() else []


Run = subprocess.CompletedProcess[str]
"""One run of the command: exit code and both streams."""


@pytest.fixture
def sample(tmp_path: Path) -> Sample:
    root = copy_samples(tmp_path / "project", "templates", f"content/{UNIT}")
    return Sample(root, tmp_path / "out")


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the one line of `text` containing `needle`."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) == 1, f"{needle!r} should be on exactly one line, found {hits}"
    return hits[0]


def jixiao(sample: Sample, *args: str, lang: str | None = None) -> Run:
    """Run `python -m jixiao --root <sample> [--lang] …` in a C.UTF-8 locale."""
    options = ["--lang", lang] if lang else []
    return run_jixiao(sample.root, *options, *args)


def render(sample: Sample, *extra: str, lang: str | None = None) -> Run:
    return jixiao(sample, "render", str(YEAR), "--out", str(sample.out), *extra, lang=lang)


def assert_language(run: Run, lang: str | None) -> None:
    """Chinese labels by default; with --lang en, no Chinese outside quoted values."""
    if lang == "en":
        assert "what to do" in run.stderr
        outside_quotes = _QUOTED.sub("", run.stderr).replace("万元", "")  # the unit is a term
        assert not _CJK.search(outside_quotes), f"Chinese text in English output:\n{run.stderr}"
    else:
        for label in ZH_LABELS:
            assert label in run.stderr


def assert_refused(
    sample: Sample,
    before: dict[Path, bytes],
    run: Run,
    where: str | None,
    *says: str,
    lang: str | None = None,
) -> None:
    """Exit 1, no traceback, `where` and `says` in stderr; nothing written, nothing changed."""
    shown = f"exit {run.returncode}\n--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}"
    assert run.returncode == 1, shown
    assert "Traceback" not in run.stdout + run.stderr, shown
    if where is not None:
        assert re.search(rf"(^|\s){re.escape(where)}: ", run.stderr, re.MULTILINE), shown
    for text in says:
        assert text in run.stderr, f"{text!r} missing\n{shown}"
    assert_language(run, lang)
    assert sample.written() == [], shown
    assert sample.snapshot() == before, "the writer's files were changed"


def test_the_unchanged_sample_renders(sample: Sample) -> None:
    """The baseline: without a change the copy renders, so each failure below is the change's."""
    before = sample.snapshot()
    run = render(sample)
    assert run.returncode == 0, run.stderr
    assert [p.suffix for p in sample.written()] == [".docx"]
    assert sample.snapshot() == before


# ---- loading: syntax, duplicate keys, tabs, encoding ---------------------------------------

LANGS = [None, "en"]


@pytest.mark.parametrize("lang", LANGS)
def test_yaml_syntax_error_names_file_and_line(sample: Sample, lang: str | None) -> None:
    text = sample.replace(YEAR_FILE, "  in_service: 33 ", "  in_service: 33: 34 ")
    line = line_of(text, "in_service: 33: 34")
    column = text.splitlines()[line - 1].index(": 34") + 1  # the second colon, 1-based
    before = sample.snapshot()
    says = (
        ("YAML 语法错误", f"第 {column} 列")
        if lang is None
        else ("YAML syntax error", f"column {column}")
    )
    assert_refused(
        sample, before, render(sample, lang=lang), f"{YEAR_FILE}:{line}", *says, lang=lang
    )


@pytest.mark.parametrize("lang", LANGS)
def test_duplicate_key_is_reported_at_its_second_occurrence(
    sample: Sample, lang: str | None
) -> None:
    first = line_of(sample.text(YEAR_FILE), "in_service: 33")
    text = sample.replace(YEAR_FILE, "  retired: 17 ", "  in_service: 34\n  retired: 17 ")
    line = line_of(text, "in_service: 34")
    before = sample.snapshot()
    says = (
        ("“in_service”重复出现", f"首次出现在第 {first} 行")
        if lang is None
        else ("'in_service' appears twice", f"first seen on line {first}")
    )
    run = render(sample, lang=lang)
    assert_refused(sample, before, run, f"{YEAR_FILE}:{line}", *says, lang=lang)


@pytest.mark.parametrize("lang", LANGS)
def test_tab_in_indentation(sample: Sample, lang: str | None) -> None:
    text = sample.replace(YEAR_FILE, "  in_service: 33", "\tin_service: 33")
    line = line_of(text, "\tin_service")
    before = sample.snapshot()
    says = ("制表符",) if lang is None else ("tab",)
    assert_refused(
        sample, before, render(sample, lang=lang), f"{YEAR_FILE}:{line}", *says, lang=lang
    )


@pytest.mark.parametrize("lang", LANGS)
def test_file_saved_in_gbk(sample: Sample, lang: str | None) -> None:
    text = sample.text(YEAR_FILE)
    sample.path(YEAR_FILE).write_bytes(text.encode("gbk"))
    line = next(n for n, s in enumerate(text.splitlines(), start=1) if not s.isascii())
    before = sample.snapshot()
    says = (
        ("不是 UTF-8", "GBK", "UTF-8 另存", "iconv")
        if lang is None
        else ("not UTF-8", "GBK", "Resave as UTF-8", "iconv")
    )
    assert_refused(
        sample, before, render(sample, lang=lang), f"{YEAR_FILE}:{line}", *says, lang=lang
    )


def test_one_line_pasted_in_gbk(sample: Sample) -> None:
    """A UTF-8 file with one GBK line: that line is named, and the guess is GBK."""
    text = sample.text(YEAR_FILE)
    line = line_of(text, "总体绩效目标和绩效指标能按时完成")
    lines = text.splitlines(keepends=True)
    raw = b"".join(s.encode("gbk" if n == line else "utf-8") for n, s in enumerate(lines, start=1))
    sample.path(YEAR_FILE).write_bytes(raw)
    before = sample.snapshot()
    run = render(sample)
    assert_refused(sample, before, run, f"{YEAR_FILE}:{line}", "不是 UTF-8", "GBK")
    assert "UTF-16" not in run.stderr


# ---- validation: unknown fields, amounts, counts ---------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_unknown_field_suggests_the_near_miss(sample: Sample, lang: str | None) -> None:
    text = sample.replace(YEAR_FILE, "  in_service: 33", "  in_servce: 33")
    line = line_of(text, "in_servce")
    before = sample.snapshot()
    says = (
        ("未知字段“in_servce”", "可能想写“in_service”")
        if lang is None
        else ("Unknown field 'in_servce'", "Did you mean 'in_service'?")
    )
    run = render(sample, lang=lang)
    assert_refused(
        sample, before, run, f"{YEAR_FILE}:{line}", "[staffing.in_servce]", *says, lang=lang
    )


AMOUNTS = {
    "一百二十万": ("“一百二十万”不是金额", "'一百二十万' is not an amount"),
    "-5": ("金额不能为负数：-5", "Amount cannot be negative: -5"),
    "761.25万": ("“761.25万”不是金额", "'761.25万' is not an amount"),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("written", list(AMOUNTS))
def test_bad_amount_names_field_path_and_line(
    sample: Sample, written: str, lang: str | None
) -> None:
    text = sample.replace(YEAR_FILE, "actual: 761.25", f"actual: {written}")
    line = line_of(text, f"actual: {written}")
    before = sample.snapshot()
    zh, en = AMOUNTS[written]
    says = (zh, "阿拉伯数字" if written != "-5" else "正负号") if lang is None else (en,)
    run = render(sample, lang=lang)
    field = "[budget.basic.personnel.actual]"
    assert_refused(sample, before, run, f"{YEAR_FILE}:{line}", field, *says, lang=lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("written", ["761,25", "7,61.25", '"761，25"'])
def test_decimal_comma_in_an_amount_is_not_a_thousands_separator(
    sample: Sample, written: str, lang: str | None
) -> None:
    """761,25 (a decimal comma) is refused, not read as 76125 by dropping the comma."""
    text = sample.replace(YEAR_FILE, "actual: 761.25", f"actual: {written}")
    line = line_of(text, f"actual: {written}")
    before = sample.snapshot()
    says = ("逗号不是千位分隔符",) if lang is None else ("not a thousands separator",)
    run = render(sample, lang=lang)
    field = "[budget.basic.personnel.actual]"
    assert_refused(sample, before, run, f"{YEAR_FILE}:{line}", field, *says, lang=lang)


def test_thousands_separators_still_read(sample: Sample) -> None:
    sample.replace(YEAR_FILE, "actual: 761.25", 'actual: "0,761.25"')
    assert render(sample).returncode == 0


def test_head_count_with_a_stray_comma(sample: Sample) -> None:
    text = sample.replace(YEAR_FILE, "authorized: 40", "authorized: 4,0")
    line = line_of(text, "authorized: 4,0")
    before = sample.snapshot()
    says = ("[staffing.authorized]", "“4,0”中的逗号不是千位分隔符")
    assert_refused(sample, before, render(sample), f"{YEAR_FILE}:{line}", *says)


@pytest.mark.parametrize("lang", LANGS)
def test_count_left_empty_says_so_not_none(sample: Sample, lang: str | None) -> None:
    """`authorized:` with nothing after it: said in words, never as Python's None."""
    text = sample.replace(YEAR_FILE, "authorized: 40", "authorized:")
    line = line_of(text, "authorized:")
    before = sample.snapshot()
    run = render(sample, lang=lang)
    says = ("没有填写任何值",) if lang is None else ("Nothing is written here",)
    field = "[staffing.authorized]"
    assert_refused(sample, before, run, f"{YEAR_FILE}:{line}", field, *says, lang=lang)
    assert "None" not in run.stderr


def test_true_as_an_amount_is_shown_as_typed(sample: Sample) -> None:
    text = sample.replace(YEAR_FILE, "actual: 761.25", "actual: true")
    line = line_of(text, "actual: true")
    before = sample.snapshot()
    run = render(sample)
    assert_refused(sample, before, run, f"{YEAR_FILE}:{line}", "“true”不是金额")


def test_text_field_left_empty_says_so(sample: Sample) -> None:
    text = sample.replace(UNIT_FILE, "short_name: 渌口区委组织部", "short_name:")
    line = line_of(text, "short_name:")
    before = sample.snapshot()
    run = render(sample)
    says = ("[short_name]", "没有填写任何值", "在冒号后写上文字")
    assert_refused(sample, before, run, f"{UNIT_FILE}:{line}", *says)
    assert "None" not in run.stderr and "空值“" not in run.stderr


def test_head_count_in_words(sample: Sample) -> None:
    text = sample.replace(YEAR_FILE, "authorized: 40", "authorized: 四十")
    line = line_of(text, "authorized: 四十")
    before = sample.snapshot()
    run = render(sample)
    says = ("[staffing.authorized]", "“四十”不是整数")
    assert_refused(sample, before, run, f"{YEAR_FILE}:{line}", *says)


# ---- writer Jinja in text fields ---------------------------------------------------------

BASIC = "{{ basic.actual | wan }}"

JINJA = {
    "undefined_through_filter": (
        "{{ basic.actuall | wan }}",
        ("不存在的名字：actuall", "可能想写“actual”"),
        ("unknown name: actuall", "Did you mean 'actual'?"),
    ),
    "undefined_plain": (
        "{{ basic.actuall }}",
        ("不存在的名字：actuall", "可能想写“actual”"),
        ("unknown name: actuall", "Did you mean 'actual'?"),
    ),
    "undefined_top_level": (
        "{{ basci.actual | wan }}",
        ("不存在的名字：basci", "可能想写“basic”"),
        ("unknown name: basci", "Did you mean 'basic'?"),
    ),
    "syntax": (
        "{{ basic.actual | }}",
        ("语法错误",),
        ("syntax error",),
    ),
    "unclosed": (
        "{{ basic.actual | wan ",
        ("语法错误",),
        ("syntax error",),
    ),
    "sandbox": (
        "{{ ''.__class__ }}",
        ("不允许的操作", "__class__"),
        ("not allowed", "__class__"),
    ),
    "sandbox_mro": (
        "{{ basic.__class__.__mro__ }}",
        ("不允许的操作", "__class__"),
        ("not allowed", "__class__"),
    ),
    "include": (
        "{% include 'report.docx' %}",
        ("不允许的操作", "不能用 include、import、extends 引用其他模板"),
        ("not allowed", "include, import, extends"),
    ),
    "import": (
        "{% from 'kind.yaml' import x %}",
        ("不允许的操作", "include、import、extends"),
        ("not allowed", "include, import, extends"),
    ),
    "zero_division": (
        "{{ basic.actual / 0 }}",
        ("除数为零",),
        ("division by zero",),
    ),
    "number_and_text": (
        "{{ year + '年' }}",
        ("数字和文字不能直接运算",),
        ("a number and a text cannot be combined",),
    ),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", list(JINJA))
def test_writer_jinja_error_at_the_line_of_the_text(
    sample: Sample, case: str, lang: str | None
) -> None:
    """In a one-line folded block (`text: >-`): the line of the text, not of the key."""
    expression, zh, en = JINJA[case]
    text = sample.replace(YEAR_FILE, BASIC, expression)
    line = line_of(text, expression)
    before = sample.snapshot()
    run = render(sample, lang=lang)
    says = zh if lang is None else en
    assert_refused(
        sample, before, run, f"{YEAR_FILE}:{line}", "[budget.basic.text]", *says, lang=lang
    )


def test_writer_jinja_error_in_a_literal_block_paragraph(sample: Sample) -> None:
    """In a `|` block each line is a paragraph; the error is at that paragraph's line."""
    text = sample.replace(YEAR_FILE, "人才工作。深化", "人才工作。{{ staffing.in_servic }}深化")
    line = line_of(text, "staffing.in_servic }}")
    before = sample.snapshot()
    run = render(sample)
    says = ("[sections.performance.text]", "in_servic", "可能想写“in_service”")
    assert_refused(sample, before, run, f"{YEAR_FILE}:{line}", *says)


def test_writer_jinja_error_in_a_flow_mapping(sample: Sample) -> None:
    text = sample.replace(YEAR_FILE, "{name: 人才慰问经费,", '{name: "人才慰问{{ yeer }}经费",')
    line = line_of(text, "{{ yeer }}")
    before = sample.snapshot()
    run = render(sample)
    field = "[budget.projects.groups[0].projects[3].name]"
    assert_refused(sample, before, run, f"{YEAR_FILE}:{line}", field, "可能想写“year”")


def test_every_jinja_error_is_reported_in_one_run(sample: Sample) -> None:
    """Two broken texts in different places: both are listed, each at its own line."""
    sample.replace(YEAR_FILE, BASIC, "{{ basic.actuall | wan }}")
    text = sample.replace(YEAR_FILE, "人才工作。深化", "人才工作。{{ ''.__class__ }}深化")
    before = sample.snapshot()
    run = render(sample)
    first, second = line_of(text, "basic.actuall"), line_of(text, "''.__class__")
    assert_refused(sample, before, run, f"{YEAR_FILE}:{first}", f"{YEAR_FILE}:{second}:")
    assert "共 2 个错误" in run.stderr


# ---- unit.yaml, the command line ----------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_unknown_report_kind(sample: Sample, lang: str | None) -> None:
    text = sample.replace(UNIT_FILE, "hunan-overall", "hunan-overal")
    line = line_of(text, "hunan-overal")
    before = sample.snapshot()
    says = (
        ("“hunan-overal”", "hunan-overall")
        if lang is None
        else ("no report kind 'hunan-overal'", "Available kinds: ", "hunan-overall")
    )
    run = render(sample, lang=lang)
    assert_refused(sample, before, run, f"{UNIT_FILE}:{line}", "[kind", *says, lang=lang)


def test_errors_in_unit_and_year_files_are_listed_together(sample: Sample) -> None:
    unit_text = sample.replace(UNIT_FILE, "short_name: 渌口区委组织部", "short_nam: 渌口区委组织部")
    year_text = sample.replace(YEAR_FILE, "actual: 511.50", "actual: 五百")
    before = sample.snapshot()
    run = render(sample)
    unit_line, year_line = line_of(unit_text, "short_nam:"), line_of(year_text, "actual: 五百")
    assert_refused(
        sample, before, run, f"{UNIT_FILE}:{unit_line}", f"{YEAR_FILE}:{year_line}:", "short_name"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_unit_that_does_not_exist(sample: Sample, lang: str | None) -> None:
    before = sample.snapshot()
    run = render(sample, "--unit", "lukou-zbz", lang=lang)
    says = ("lukou-zbz", UNIT) + (("没有单位",) if lang is None else ("has no",))
    assert_refused(sample, before, run, None, *says, lang=lang)


@pytest.mark.parametrize("lang", LANGS)
def test_year_with_no_content(sample: Sample, lang: str | None) -> None:
    before = sample.snapshot()
    run = jixiao(sample, "render", "2019", "--out", str(sample.out), lang=lang)
    says = ("2019", "content/<单位>/2019.yaml") if lang is None else ("2019", "2019.yaml")
    assert_refused(sample, before, run, None, *says, lang=lang)


def test_known_unit_without_that_year(sample: Sample) -> None:
    before = sample.snapshot()
    run = jixiao(sample, "render", "2019", "--unit", UNIT, "--out", str(sample.out))
    assert_refused(sample, before, run, None, UNIT, "2019")


@pytest.mark.parametrize("command", ["render", "check"])
def test_unit_folder_without_unit_yaml_is_reported_not_skipped(
    sample: Sample, command: str
) -> None:
    """A unit folder whose year file is there but whose unit.yaml is missing (deleted,
    misnamed) is an error naming the missing file, not a unit left out of the batch unsaid."""
    shutil.copytree(sample.path(f"content/{UNIT}"), sample.path("content/aaa-orphan"))
    sample.path("content/aaa-orphan/unit.yaml").unlink()
    before = sample.snapshot()
    args = ["--out", str(sample.out)] if command == "render" else []
    run = jixiao(sample, command, str(YEAR), *args)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert re.search(r"content/aaa-orphan/unit\.yaml: 错误: 找不到文件", run.stdout + run.stderr)
    assert sample.snapshot() == before
    if command == "render":  # the other unit is still rendered, the orphan is not
        assert {p.relative_to(sample.out).parts[1] for p in sample.written()} == {UNIT}


@pytest.mark.parametrize("name", [f"{YEAR}.yml", f"{YEAR}.yaml.txt", f"{YEAR}.YAML", "Unit.yaml"])
@pytest.mark.parametrize("command", ["render", "check"])
def test_a_misnamed_content_file_is_reported_not_skipped(
    sample: Sample, name: str, command: str
) -> None:
    """2023.yml, 2023.yaml.txt (an extension Windows hides), Unit.yaml: the unit is not
    left out of `check 2023` / `render 2023` unsaid, and the message names the right name."""
    wrong = sample.path(f"content/{UNIT}/{name}")
    right = UNIT_FILE if name.startswith("Unit") else YEAR_FILE
    sample.path(right).rename(wrong)
    before = sample.snapshot()
    args = ["--out", str(sample.out)] if command == "render" else []
    run = jixiao(sample, command, str(YEAR), *args)
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "Traceback" not in output
    expected = Path(right).name
    assert f"content/{UNIT}/{name}: 错误: 文件名应为 {expected}" in output, output
    assert sample.snapshot() == before
    assert sample.written() == []


def test_year_file_that_is_a_folder_is_reported_not_skipped(sample: Sample) -> None:
    year_file = sample.path(YEAR_FILE)
    year_file.unlink()
    year_file.mkdir()
    before = sample.snapshot()
    run = jixiao(sample, "check", str(YEAR))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert f"{YEAR_FILE}: 错误: 这是一个文件夹" in run.stdout + run.stderr
    assert sample.snapshot() == before


@pytest.mark.parametrize("command", ["render", "check"])
@pytest.mark.parametrize("where", ["unit", "year"])
def test_empty_kinds_is_an_error_not_a_crash(sample: Sample, command: str, where: str) -> None:
    """`kinds: []` leaves nothing to make: an error at its line, not an internal error."""
    if where == "unit":
        text = sample.replace(UNIT_FILE, "kinds: [hunan-overall]", "kinds: []")
        name = UNIT_FILE
    else:
        text = sample.text(YEAR_FILE) + "kinds: []\n"
        sample.path(YEAR_FILE).write_text(text, encoding="utf-8")
        name = YEAR_FILE
    line = line_of(text, "kinds: []")
    before = sample.snapshot()
    args = ["--out", str(sample.out)] if command == "render" else []
    run = jixiao(sample, command, str(YEAR), *args)
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "Traceback" not in output and "内部错误" not in output
    assert f"{name}:{line}: 错误 [kinds]: kinds 是空的" in output, output
    assert sample.snapshot() == before
    assert sample.written() == []


def test_year_that_is_not_a_number_is_a_usage_error(sample: Sample) -> None:
    before = sample.snapshot()
    run = jixiao(sample, "render", "20x3", "--out", str(sample.out))
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert "内部错误" not in run.stderr and "Internal error" not in run.stderr
    assert run.stderr.startswith("命令行有误：参数 year 的值不对，应为整数，在 1000 到 9999 之间。")
    assert sample.written() == []
    assert sample.snapshot() == before


# ---- nothing half-written ------------------------------------------------------------------


def test_failed_render_leaves_the_previous_report_untouched(sample: Sample) -> None:
    assert render(sample).returncode == 0
    [report] = sample.written()
    data, stat = report.read_bytes(), report.stat()
    text = sample.replace(YEAR_FILE, "actual: 761.25", "actual: 七百万")
    before = sample.snapshot()
    run = render(sample)
    line = line_of(text, "actual: 七百万")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert f"{YEAR_FILE}:{line}: " in run.stderr
    assert sample.written() == [report], "no other file (no temporary left behind)"
    assert report.read_bytes() == data
    assert report.stat().st_mtime_ns == stat.st_mtime_ns
    assert sample.snapshot() == before


def test_a_bad_unit_is_not_written_and_the_good_one_is(sample: Sample) -> None:
    """A unit with errors gets no document; the other unit's reports are still written; exit 1."""
    shutil.copytree(sample.path(f"content/{UNIT}"), sample.path("content/aaa-good"))
    shutil.copytree(sample.path(f"content/{UNIT}"), sample.path("content/zzz-bad"))
    bad = "content/zzz-bad/2023.yaml"
    text = sample.replace(bad, "actual: 761.25", "actual: -1")
    before = sample.snapshot()
    run = render(sample)
    assert run.returncode == 1 and "Traceback" not in run.stdout + run.stderr, run.stderr
    assert f"{bad}:{line_of(text, 'actual: -1')}: " in run.stderr
    assert "共 1 个错误" in run.stderr
    written = {p.relative_to(sample.out).parts[1] for p in sample.written()}
    assert written == {"aaa-good", UNIT}  # never zzz-bad, never a temporary file
    assert all(p.suffix == ".docx" for p in sample.written())
    assert sample.snapshot() == before, "the writer's files were changed"
