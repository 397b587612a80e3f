"""`jixiao import` of a report with a value its field cannot take: never a silent bad file.

Each test alters one cell of a rendered sample (or of a seed report built by
tests/make_word_reports.py), imports it and runs `check` on what was written."""

from __future__ import annotations

import io
import random
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.checks import check_unit_year
from jixiao.errors import ContentError
from jixiao.formspec import Format
from jixiao.importing.cells import Shown
from jixiao.importing.recheck import differences
from jixiao.importing.run import Summary, import_report
from jixiao.kinds import available, load_kind
from jixiao.messages import say
from jixiao.project import Project, build_kind, load_unit_year
from tests.conftest import REPO
from tests.make_word_reports import SEEDS
from tests.make_word_reports import build as build_word


def _project(root: Path) -> Project:
    """A project with the shipped templates and no content."""
    for name in ("templates", "schema"):
        shutil.copytree(REPO / name, root / name)
    (root / "content").mkdir()
    return Project(root)


def _document(unit: str, year: int, kind: str) -> bytes:
    unit_year = load_unit_year(Project(REPO), unit, year)
    documents = build_kind(unit_year, next(k for k in unit_year.kinds if k.name == kind))
    return documents[0].data  # a kind made per project: the first project's


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zipped(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    return buffer.getvalue()


def _altered(data: bytes, old: str, new: str) -> bytes:
    """The .docx `data` with the first run text `old` replaced by `new`."""
    parts = _parts(data)
    body = parts["word/document.xml"].decode("utf-8")
    assert f">{old}<" in body
    parts["word/document.xml"] = body.replace(f">{old}<", f">{new}<", 1).encode("utf-8")
    return _zipped(parts)


def _import(tmp_path: Path, data: bytes, **options: object) -> tuple[Project, Summary]:
    project = _project(tmp_path / "p")
    source = tmp_path / "in.docx"
    source.write_bytes(data)
    return project, import_report(project, source, "u", **options)  # type: ignore[arg-type]


def _year(summary: Summary) -> int:
    (year_file,) = [p for p in summary.written if p.name != "unit.yaml"]
    return int(year_file.stem)


def _to_fill(finding: object, year: int) -> bool:
    return finding.hint == say("to_fill_hint", year=year)  # type: ignore[attr-defined]


@pytest.mark.parametrize("bad", ["-1", "1E+999", "10000000000000", "0.0000001"])
def test_a_money_cell_its_field_does_not_take_is_left_to_fill_and_named(
    tmp_path: Path, bad: str
) -> None:
    """kaifu's 重点项目 table with one amount negative, past 10¹² or with too many places:
    the year file holds 待填 there and check finds nothing else; the summary names the
    table, the row and the value read."""
    data = _altered(_document("kaifu-zzb", 2022, "key-project"), "1909.3", bad)
    project, summary = _import(tmp_path, data, year=2022)
    report = check_unit_year(project, "u", 2022)
    assert report.errors and all(_to_fill(f, 2022) for f in report.errors), report.errors
    assert summary.errors == []
    (refused,) = summary.refused
    assert "第 1 个表格第 3 行（基层党建经费）" in refused, refused
    shown = str(Decimal(bad))
    assert f"读到“{shown}”" in refused
    (to_fill,) = report.errors
    assert to_fill.field in refused  # the field check lists is the one the summary named
    written = project.year_file("u", 2022).read_text(encoding="utf-8")
    assert any(line.startswith("# 待核对：") and shown in line for line in written.splitlines())


def test_a_chinese_numeral_in_a_points_cell_is_named_not_dropped(tmp_path: Path) -> None:
    """五 for a 分值 in kaifu's 绩效指标 tree: nothing is stored for it, the summary names the
    row and the text, and the sums check then finds wrong are printed as check errors."""
    data = _document("kaifu-zzb", 2022, "hunan-overall")
    body = _parts(data)["word/document.xml"].decode("utf-8")
    at = body.index(">老年活动开展及时性<")
    cell = re.search(r">(\d+)<", body[at:])
    assert cell is not None
    start = at + cell.start(1)
    parts = _parts(data)
    parts["word/document.xml"] = (body[:start] + "五" + body[at + cell.end(1) :]).encode("utf-8")
    project, summary = _import(tmp_path, _zipped(parts), year=2022)
    named = [r for r in summary.refused if "老年活动开展及时性" in r and "读到“五”" in r]
    assert len(named) == 1, summary.refused
    report = check_unit_year(project, "u", 2022)
    assert len(summary.errors) == len(report.errors)  # every error check finds is printed


def test_a_per_project_kind_that_reads_no_project_is_refused(tmp_path: Path) -> None:
    """lukou's report has no key project: asked for as project-self-evaluation it gives
    a message and writes nothing, rather than a year file check rejects."""
    data = _document("lukou-zzb", 2023, "hunan-overall")
    with pytest.raises(ContentError) as caught:
        _import(tmp_path, data, year=2023, kind_name="project-self-evaluation")
    (finding,) = caught.value.findings
    assert finding.message == say("import_no_project", kind="project-self-evaluation")
    assert not (tmp_path / "p" / "content" / "u").exists()


def test_a_per_project_form_without_its_project_is_imported_as_the_next_best_kind(
    tmp_path: Path,
) -> None:
    """天长's form with its project's name blanked: the import, left to choose, does not
    write a year file of a per-project kind that would make no document; it takes the best
    kind made once per unit instead and says so first, naming both."""
    form = _document("tianchang-slj", 2022, "project-self-evaluation")
    data = _altered(form, "水旱灾害防御经费", "")
    project, summary = _import(tmp_path, data)
    notes = {
        say("import_note_no_project", kind="project-self-evaluation", chosen=name): name
        for name in available(project.templates)
    }
    chosen = notes[summary.checks[0]]
    assert load_kind(project.templates, chosen).settings.each is None
    unit_year = load_unit_year(project, "u", 2022, to_fill=True)
    assert [k.name for k in unit_year.kinds] == [chosen]


def test_the_chongqing_forms_unprinted_group_names_are_marked_to_check(tmp_path: Path) -> None:
    """The 重庆 form prints no 一级 names: the placeholder written for them is a 待核对 item in
    the file and in the summary."""
    data = _document("kexuecheng-rmt", 2021, "chongqing-overall-form")
    project, summary = _import(tmp_path, data, year=2021)
    placeholder = say("import_unprinted_name")
    noted = [c for c in summary.checks if placeholder in c]
    assert noted, summary.checks
    written = project.year_file("u", 2021).read_text(encoding="utf-8")
    assert placeholder in written.split("# 待核对：", 1)[0]  # the name is written, and noted
    assert any(
        line.startswith("# 待核对：") and placeholder in line for line in written.splitlines()
    )


def test_a_year_file_that_does_not_load_is_not_a_clean_round_trip(tmp_path: Path) -> None:
    """differences() on a year file that does not load says so (it used to return [])."""
    project = _project(tmp_path / "p")
    (project.content / "u").mkdir()
    (project.content / "u" / "unit.yaml").write_text("full_name: 甲\nshort_name: 甲\n")
    project.year_file("u", 2022).write_text("year: 2022\nstaffing: {authorized: -1}\n")
    kind = load_kind(project.templates, "hunan-overall")
    shown = [Shown("basic_data", "staffing.control_rate", Format.PERCENT, "100%")]
    assert differences(project, "u", 2022, kind, shown) == [say("import_note_not_loaded")]


_BAD = ["1E+999", "10000000000000", "-1", "五", "abc", "12.5.3", "", "0.0000001"]


def _sources(tmp_path: Path) -> list[bytes]:
    """Seed 000 as a unit would type it (make_word_reports) and three rendered samples."""
    seed = next(SEEDS.glob("000_*.txt"))
    built = tmp_path / "seed.docx"
    build_word(seed.read_text(encoding="utf-8"), "typed", built)
    return [
        built.read_bytes(),
        _document("kaifu-zzb", 2022, "key-project"),
        _document("kexuecheng-rmt", 2021, "chongqing-overall-form"),
        _document("tianchang-slj", 2022, "project-self-evaluation"),
    ]


def _corrupted(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """`data` with one table cell's text holding a digit replaced by a bad value."""
    parts = _parts(data)
    body = parts["word/document.xml"].decode("utf-8")
    cells = [
        m
        for m in re.finditer(r"<w:t(?: [^>]*)?>([^<]*\d[^<]*)</w:t>", body)
        if body.rfind("<w:tc>", 0, m.start()) > body.rfind("</w:tbl>", 0, m.start())
    ]
    chosen = rng.choice(cells)
    bad = rng.choice(_BAD)
    body = body[: chosen.start(1)] + bad + body[chosen.end(1) :]
    parts["word/document.xml"] = body.encode("utf-8")
    return _zipped(parts), bad


def test_random_bad_cells_give_a_file_whose_errors_the_import_announced(tmp_path: Path) -> None:
    """20 single-cell corruptions (fixed seed): each import either refuses with a message or
    writes files whose check errors are all in its summary: the 待填 it wrote for a value
    named there, or printed as check's own errors. Never a crash, never a silent bad file."""
    sources = _sources(tmp_path)
    rng = random.Random(20261202)
    outcomes = {"refused": 0, "clean": 0, "announced": 0}
    for number in range(20):
        data, bad = _corrupted(rng.choice(sources), rng)
        case = tmp_path / f"case{number}"
        try:
            project, summary = _import(case, data)
        except ContentError as exc:
            assert exc.findings and all(f.message for f in exc.findings)
            outcomes["refused"] += 1
            continue
        year = _year(summary)
        errors = check_unit_year(project, "u", year).errors
        said = "\n".join([*summary.refused, *summary.errors])
        for finding in errors:
            if _to_fill(finding, year):
                assert finding.field in said, (bad, finding)
            else:
                assert finding.render(project.root) in summary.errors, (bad, finding)
        outcomes["announced" if errors else "clean"] += 1
    assert sum(outcomes.values()) == 20 and outcomes["announced"], outcomes
