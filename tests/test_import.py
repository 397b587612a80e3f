"""`jixiao import`: a Word report back to content YAML that renders the same text again."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao import formatting
from jixiao.docxtext import text
from jixiao.importing import budget
from jixiao.importing.outline import Paragraph, Table, read_outline
from jixiao.importing.run import import_report
from jixiao.kinds import load_kind
from jixiao.project import Project, build, build_kind, load_unit_year
from tests.conftest import REPO, SHARED, run_jixiao
from tests.make_word_reports import SEEDS, build_all
from tests.make_word_reports import build as build_word

SAMPLES = {
    "lukou-zzb": 2023,
    "conghua-zzb": 2022,
    "maoming-fgj": 2021,
    "kaifu-zzb": 2022,
    "yunxi-zzb": 2022,
    "kexuecheng-rmt": 2021,
}
FORMS_NOT_LIFTED: set[str] = set()
"""Documents made mostly of attached forms import does not read in full yet (none now)."""
NOT_EXACT: dict[str, str] = {}
"""Documents whose round trip is not exact yet, and why."""


def _documents() -> list[object]:
    """(unit, year, kind) of every document the shipped samples render."""
    cases = []
    for unit, year in SAMPLES.items():
        for kind in load_unit_year(Project(REPO), unit, year).kinds:
            marks = []
            if f"{unit}:{kind.name}" in FORMS_NOT_LIFTED:
                marks.append(pytest.mark.xfail(reason="attached forms not lifted", strict=True))
            if (reason := NOT_EXACT.get(f"{unit}:{kind.name}")) is not None:
                marks.append(pytest.mark.xfail(reason=reason, strict=True))
            cases.append(pytest.param(unit, year, kind.name, marks=marks, id=f"{unit}-{kind.name}"))
    return cases


SEED_FIDELITY = {
    "000_5cf7b8404a976659": 0.985,
    "001_bc248be2135334e4": 0.96,
    "002_fd1e12f585c45b10": 0.97,
    "003_6a5162211be4bb34": 0.99,
    "004_985977561d84f4a6": 0.995,
}
"""Seeds import reproduces at the measured level (0.991, 0.973, 0.971, 0.998, 1.000; the issue
asks 0.90). Seed 001 (mostly the 岳阳 forms, all read) differs where its own 评分表 and 定量目标
totals disagree with its rows; docs/import.md says so."""


def _empty_project(root: Path) -> Project:
    """A project with the shipped templates and no content."""
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "schema", root / "schema")
    (root / "content").mkdir()
    return Project(root)


def _squeeze(value: str) -> str:
    return re.sub(r"\s+", "", value)


@pytest.mark.parametrize(("unit", "year", "kind"), _documents())
def test_render_import_render_gives_the_same_text(
    tmp_path: Path, unit: str, year: int, kind: str
) -> None:
    """Each rendered sample document imported into an empty project renders the same text."""
    unit_year = load_unit_year(Project(REPO), unit, year)
    chosen = next(k for k in unit_year.kinds if k.name == kind)
    (document,) = build_kind(unit_year, chosen)
    source = tmp_path / document.filename
    source.write_bytes(document.data)
    project = _empty_project(tmp_path / "p")
    summary = import_report(project, source, unit, year)
    assert summary.kind == kind  # picked from the headings alone, or a form-only kind's forms
    assert summary.by_forms == (not chosen.settings.sections)
    again = build(load_unit_year(project, unit, year))
    assert [text(d.data) for d in again] == [text(document.data)]


EACH_SAMPLES = {"tianchang-slj": 2022}
"""Units whose kind renders one document per key project (project-self-evaluation)."""


def _each_documents() -> list[object]:
    """(unit, year, kind, index) of every per-item document the samples render."""
    cases = []
    for unit, year in EACH_SAMPLES.items():
        unit_year = load_unit_year(Project(REPO), unit, year)
        for kind in unit_year.kinds:
            for index, document in enumerate(build_kind(unit_year, kind)):
                name = f"{unit}-{kind.name}-{index}"
                cases.append(pytest.param(unit, year, kind.name, index, document.filename, id=name))
    return cases


@pytest.mark.parametrize(("unit", "year", "kind", "index", "filename"), _each_documents())
def test_one_project_document_imports_as_that_project(
    tmp_path: Path, unit: str, year: int, kind: str, index: int, filename: str
) -> None:
    """A document of one key project, imported into an empty project, is a year file with that
    project alone, and renders that document's text again; its kind is told by its forms."""
    unit_year = load_unit_year(Project(REPO), unit, year)
    chosen = next(k for k in unit_year.kinds if k.name == kind)
    documents = build_kind(unit_year, chosen)
    assert len(documents) > 1  # one document a project: the case this test is about
    document = documents[index]
    source = tmp_path / filename
    source.write_bytes(document.data)
    project = _empty_project(tmp_path / "p")
    summary = import_report(project, source, unit, year)
    assert (summary.kind, summary.by_forms) == (kind, True)
    imported = load_unit_year(project, unit, year)
    names = [p.name for p in imported.year.key_projects]
    assert names == [unit_year.year.key_projects[index].name]
    again = build(imported)
    assert [text(d.data) for d in again] == [text(document.data)]
    written = project.year_file(unit, year).read_text(encoding="utf-8")
    assert summary.errors == []  # and `check` finds nothing wrong with what was written
    assert "未读入字段" not in written  # each of its tables was read into the project
    assert written.count(f"已读入（{kind.replace('-', '_')}），原文文字保留如下供核对") >= 2


def _each_sources(tmp_path: Path) -> tuple[Project, list[Path], list[object]]:
    """天长's project documents written as .docx files, with the unit-year they came from."""
    unit, year = next(iter(EACH_SAMPLES.items()))
    unit_year = load_unit_year(Project(REPO), unit, year)
    documents = build_kind(unit_year, unit_year.kinds[0])
    sources = []
    for document in documents:
        sources.append(tmp_path / document.filename)
        sources[-1].write_bytes(document.data)
    return Project(REPO), sources, documents


def test_the_documents_of_every_key_project_import_as_one_year_file(tmp_path: Path) -> None:
    """天长's two 项目支出绩效自评表 given together: one year file with both projects, in the
    order given, that renders both documents again and that `check` passes."""
    _, sources, documents = _each_sources(tmp_path)
    unit, year = next(iter(EACH_SAMPLES.items()))
    project = _empty_project(tmp_path / "p")
    run = run_jixiao(project.root, "import", *map(str, reversed(sources)), "--unit", unit)
    assert run.returncode == 0, run.stderr
    assert "jixiao check：写出的文件没有错误" in run.stdout
    assert "待核对 0 处" in run.stdout  # the forms' own title and 主管部门 are no guesses
    imported = load_unit_year(project, unit, year)
    original = load_unit_year(Project(REPO), unit, year)
    names = [p.name for p in imported.year.key_projects]
    assert names == [p.name for p in reversed(original.year.key_projects)]
    again = {d.filename: text(d.data) for d in build(imported)}
    assert again == {d.filename: text(d.data) for d in documents}
    written = project.year_file(unit, year).read_text(encoding="utf-8")
    assert all(source.name in written.splitlines()[1] for source in sources)  # the header
    assert not list(project.year_file(unit, year).parent.glob(".*"))  # no staging left


def test_documents_that_cannot_make_one_year_file_write_nothing(tmp_path: Path) -> None:
    """The same project twice, documents of a kind made once a year, an existing file: each
    a message naming the documents, and no file written."""
    _, sources, _ = _each_sources(tmp_path)
    unit = next(iter(EACH_SAMPLES))
    project = _empty_project(tmp_path / "p")
    twice = run_jixiao(project.root, "import", str(sources[0]), str(sources[0]), "--unit", unit)
    assert twice.returncode == 1
    assert f"在 {sources[0].name} 和 {sources[0].name} 中都有" in twice.stderr
    lukou = tmp_path / "lukou.docx"
    unit_year = load_unit_year(Project(REPO), "lukou-zzb", 2023)
    lukou.write_bytes(build(unit_year)[0].data)
    copy = tmp_path / "lukou-copy.docx"
    shutil.copy(lukou, copy)
    yearly = run_jixiao(project.root, "import", str(lukou), str(copy), "--unit", "lukou-zzb")
    assert yearly.returncode == 1
    assert "每个单位每年只有一份文档，不能一次导入 2 份" in yearly.stderr
    mixed = run_jixiao(project.root, "import", str(lukou), str(sources[0]), "--unit", unit)
    assert mixed.returncode == 1 and "不是同一种报告" in mixed.stderr
    assert list((project.root / "content").rglob("*")) == []
    done = run_jixiao(project.root, "import", *map(str, sources), "--unit", unit)
    assert done.returncode == 0, done.stderr
    before = {p: p.read_bytes() for p in (project.root / "content").rglob("*.yaml")}
    again = run_jixiao(project.root, "import", *map(str, sources), "--unit", unit)
    assert again.returncode == 1 and "已经存在" in again.stderr
    assert {p: p.read_bytes() for p in (project.root / "content").rglob("*.yaml")} == before


def _made(tmp_path: Path) -> list[tuple[Path, Path]]:
    return build_all(tmp_path / "word")


def test_seed_style_documents_render_back_to_the_seed(tmp_path: Path) -> None:
    """Typed, automatic and bold numbering of the text seeds: fidelity at the measured level."""
    for docx, seed in _made(tmp_path):
        if seed.stem not in SEED_FIDELITY:
            continue
        project = _empty_project(tmp_path / docx.stem)
        import_report(project, docx, "u")
        (year_file,) = (project.content / "u").glob("20*.yaml")
        (rendered,) = build(load_unit_year(project, "u", int(year_file.stem)))
        out = tmp_path / f"{docx.stem}-rendered.docx"
        out.write_bytes(rendered.data)
        measured = subprocess.run(
            [sys.executable, str(SHARED / "tools" / "fidelity.py"), str(out), str(seed)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        figure = float(re.match(r"fidelity (\d\.\d+)", measured)[1])  # type: ignore[index]
        assert figure >= SEED_FIDELITY[seed.stem], (docx.name, measured)


_FIGURE = re.compile(r"\{\{ ([\w.]+) \| (wan|num|pct) \}\}")


def _figures_shown(written: str, project: Project, year: int) -> str:
    """`written` with each money reference the import made printed as jixiao computes it."""
    if not _FIGURE.search(written):
        return written
    figures = load_unit_year(project, "u", year).figures

    def shown(match: re.Match[str], scope: object = figures) -> str:
        if scope is figures and match[1].startswith("group."):
            return match[0]  # a group's own: below
        value: object = scope
        for part in match[1].split("."):
            value = getattr(value, part)
        return str(getattr(formatting, match[2])(value))

    written = _FIGURE.sub(shown, written)
    groups = figures.projects.groups if figures.projects else []
    for number, group in enumerate(groups, 1):  # its text refers to its own figures; the
        texts = [re.sub(r"\{\{ group\.", "{{ ", t) for t in group.text]  # layout numbers it
        texts = [t.replace("{{ year }}", str(year)) for t in texts]
        texts = [t.replace("{{ prior_year }}", str(year - 1)) for t in texts]
        texts[:1] = [formatting.cn(number) + "是" + t for t in texts[:1]]
        written += "".join(_FIGURE.sub(lambda m, g=group: shown(m, g), t) for t in texts)
        written += "".join(
            p.name + (f"，主要用于{p.purpose}" if p.purpose else "") + "。" for p in group.projects
        )
    return written


def _pieces(block: Paragraph | Table) -> list[str]:
    """The texts of a block as the YAML must hold them: numbers before a heading left out."""
    texts = block.cells() if isinstance(block, Table) else [block.text]
    out = []
    for value in texts:
        value = re.sub(
            r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\d+[.、．]|[①-⑳])",
            "",
            value,
        )
        out.extend(piece for piece in _squeeze(value).split("。", 1) if piece)
    return out


def test_no_text_is_lost(tmp_path: Path) -> None:
    """Every paragraph and table cell of every seed-style document is in the written YAML."""
    counted = 0
    for docx, _seed in _made(tmp_path):
        project = _empty_project(tmp_path / docx.stem)
        import_report(project, docx, "u")
        written = "".join(p.read_text(encoding="utf-8") for p in (project.content / "u").iterdir())
        year = re.search(r"^year: (\d+)", written, re.MULTILINE)[1]  # type: ignore[index]
        plain = written.replace("{{ year }}", year).replace("{{ prior_year }}", str(int(year) - 1))
        for name, value in re.findall(r"^\s+(\w+): (\d+)$", written, re.MULTILINE):
            plain = plain.replace("{{ staffing." + name + " }}", value)
        plain = _squeeze(_figures_shown(plain, project, int(year)).replace("''", "'"))
        if re.search(r"^budget:", written, re.MULTILINE):
            plain += "".join(budget.HEADINGS)  # printed by the layout, not written in the file
        kind = load_kind(project.templates, re.search(r"（报告类型 ([\w-]+)）", written)[1])  # type: ignore[index]
        if "title" not in kind.reads:  # printed by the kind itself, not written in the file
            plain += _squeeze("".join(kind.settings.title).replace("{{ year }}", year))
        for block in read_outline(docx.read_bytes()):
            for piece in _pieces(block):
                assert piece in plain, (docx.name, piece)
                counted += 1
    assert counted > 1000


def _encrypted(path: Path) -> None:
    """A zip whose entries say they are encrypted."""
    good = REPO / "templates" / "guangdong-overall" / "report.docx"
    data = bytearray(good.read_bytes())
    for signature in (b"PK\x03\x04", b"PK\x01\x02"):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            offset = 6 if signature == b"PK\x03\x04" else 8
            data[at + offset] |= 1
            start = at + 4
    path.write_bytes(bytes(data))


def _not_a_report(path: Path) -> None:
    from docx import Document

    document = Document()
    document.add_paragraph("会议通知")
    document.add_paragraph("请各位同事周五下午三点到三楼会议室开会。")
    document.save(path)


def _bomb(path: Path) -> None:
    """A .docx whose document part inflates far beyond the limit."""
    good = REPO / "templates" / "guangdong-overall" / "report.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info.filename))
        out.writestr("word/media/huge.bin", b"\0" * (60 * 2**20))


BAD = {
    "bomb.docx": _bomb,
    "old.doc": lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512),
    "notice.docx": _not_a_report,
    "locked.docx": _encrypted,
    "broken.docx": lambda p: p.write_bytes(b"PK\x03\x04 this is not a zip"),
    "empty.docx": lambda p: p.write_bytes(b""),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_a_chinese_message_and_writes_nothing(tmp_path: Path, name: str) -> None:
    """Not-a-docx, not-a-report, encrypted, corrupt, empty: exit 1, a message, no files."""
    project = _empty_project(tmp_path)
    source = tmp_path / name
    BAD[name](source)
    result = run_jixiao(tmp_path, "import", str(source), "--unit", "u", "--year", "2022")
    assert result.returncode == 1, result.stderr
    assert name in result.stderr and re.search(r"[\u4e00-\u9fff]{4}", result.stderr)
    assert "Traceback" not in result.stderr
    assert not (project.content / "u").exists()


def test_an_existing_year_file_is_not_overwritten_without_force(tmp_path: Path) -> None:
    """A second import stops with a message; --force replaces the file."""
    (document,) = build(load_unit_year(Project(REPO), "lukou-zzb", 2023))
    source = tmp_path / "report.docx"
    source.write_bytes(document.data)
    project = _empty_project(tmp_path)
    target = project.content / "u" / "2023.yaml"
    args = ("import", str(source), "--unit", "u")
    assert run_jixiao(tmp_path, *args).returncode == 0
    target.write_text("# mine\n", encoding="utf-8")
    refused = run_jixiao(tmp_path, *args)
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert target.read_text(encoding="utf-8") == "# mine\n"
    forced = run_jixiao(tmp_path, *args, "--force")
    assert forced.returncode == 0 and "staffing:" in target.read_text(encoding="utf-8")
    assert "报告类型：hunan-overall" in forced.stdout and "其次：" in forced.stdout


def test_the_seeds_exist() -> None:
    """The builder reads the shared seeds; without them the fidelity tests would test nothing."""
    assert len(list(SEEDS.glob("*.txt"))) == 5
    assert zipfile.is_zipfile(REPO / "templates" / "hunan-overall" / "report.docx")


def test_a_unit_name_that_is_a_path_is_refused(tmp_path: Path) -> None:
    """--unit ../elsewhere writes nothing outside content/ (or anywhere)."""
    (document,) = build(load_unit_year(Project(REPO), "lukou-zzb", 2023))
    source = tmp_path / "report.docx"
    source.write_bytes(document.data)
    _empty_project(tmp_path / "p")
    result = run_jixiao(tmp_path / "p", "import", str(source), "--unit", "../elsewhere")
    assert result.returncode == 1 and "../elsewhere" in result.stderr
    assert not (tmp_path / "elsewhere").exists() and not list(
        (tmp_path / "p" / "content").iterdir()
    )


def test_every_package_problem_has_an_import_message() -> None:
    """Each reason read_package gives for a bad .docx has an import message and hint."""
    from jixiao import messages
    from jixiao.render import wordml

    source = Path(wordml.__file__).read_text(encoding="utf-8")
    codes = set(re.findall(r'PackageProblem\(\s*"template_(\w+)"', source))
    assert len(codes) >= 6
    for code in codes:
        assert messages.say(f"import_{code}", size=1, part="p", line=1, count=1)
        assert messages.say(f"import_{code}_hint")


def _imported(tmp_path: Path, project: Project, unit: str, year: int) -> tuple[str, str, object]:
    """Render `unit` of `project`, import it into an empty project: source text, YAML, Year."""
    (document,) = build(load_unit_year(project, unit, year))
    source = tmp_path / "source.docx"
    source.write_bytes(document.data)
    target = _empty_project(tmp_path / "imported")
    import_report(target, source, "u", year)
    written = (target.content / "u" / f"{year}.yaml").read_text(encoding="utf-8")
    again = load_unit_year(target, "u", year)
    (rendered,) = build(again)
    assert text(rendered.data) == text(document.data)
    return text(document.data), written, again.year


def test_money_in_prose_is_lifted_into_budget_and_referenced(tmp_path: Path) -> None:
    """lukou: 人员经费, 公用经费 read into budget; the prose refers to them and to the total
    and shares jixiao computes, and the layout's sub-sections are not kept as prose."""
    sample = load_unit_year(Project(REPO), "lukou-zzb", 2023).year.budget
    _source, written, year = _imported(tmp_path, Project(REPO), "lukou-zzb", 2023)
    basic = year.budget.basic  # type: ignore[attr-defined]
    assert basic.personnel.actual == sample.basic.personnel.actual == Decimal("761.25")
    assert basic.public.actual == sample.basic.public.actual == Decimal("511.50")
    assert basic.actual is None  # the total is computed from the two parts
    for reference in (
        "基本支出{{ basic.actual | wan }}万元",
        "人员经费{{ basic.personnel.actual | wan }}万元，",
        "占基本支出的{{ basic.personnel.share | pct }}",
        "公用经费{{ basic.public.actual | wan }}万元，",
        "占基本支出的{{ basic.public.share | pct }}",
    ):
        assert reference in basic.text[0]
    assert year.sections["general_budget"].sections == []  # type: ignore[attr-defined]
    assert written.count("基本支出情况") == 0  # the layout prints that heading itself


def test_the_whole_years_budget_is_lifted_where_the_kind_has_no_budget_detail(
    tmp_path: Path,
) -> None:
    """conghua: 全年预算, 全年执行数 into overall, 完成率 linked to the computed 执行率."""
    sample = load_unit_year(Project(REPO), "conghua-zzb", 2022).year.overall
    _source, written, year = _imported(tmp_path, Project(REPO), "conghua-zzb", 2022)
    assert year.overall.budget == sample.budget == Decimal("9123.6")  # type: ignore[attr-defined]
    assert year.overall.actual == sample.actual == Decimal("9834.13")  # type: ignore[attr-defined]
    assert "完成率{{ overall.execution_rate | pct }}" in written
    assert "全年预算{{ overall.budget | num }}万元" in written


def test_a_money_figure_stated_twice_differently_is_kept_and_listed(tmp_path: Path) -> None:
    """A second 人员经费 of another value, and a 基本支出 that is not 人员 + 公用: both stay as
    written and each is a 待核对 item."""
    project = tmp_path / "sample"
    for name in ("templates", "schema", "content"):
        shutil.copytree(REPO / name, project / name)
    path = project / "content" / "lukou-zzb" / "2023.yaml"
    yaml_text = path.read_text(encoding="utf-8")
    yaml_text = yaml_text.replace("基本支出{{ basic.actual | wan }}万元", "基本支出1272.00万元")
    yaml_text = yaml_text.replace(
        "为全区经济社会高质量发展提供了坚强有力组织保证。",
        "为全区经济社会高质量发展提供了坚强有力组织保证。全年人员经费761.52万元。",
    )
    path.write_text(yaml_text, encoding="utf-8")
    _source, written, year = _imported(tmp_path, Project(project), "lukou-zzb", 2023)
    assert year.budget.basic.personnel.actual == Decimal("761.25")  # type: ignore[attr-defined]
    assert "全年人员经费761.52万元" in written and "基本支出1272.00万元" in written
    checks = [line for line in written.splitlines() if line.startswith("# 待核对：")]
    assert any("budget.basic.personnel.actual" in c and "761.52" in c for c in checks), checks
    assert any("基本支出1272.00万元" in c and "1272.75" in c for c in checks), checks


def _rendered_kaifu(tmp_path: Path) -> tuple[bytes, Project]:
    unit_year = load_unit_year(Project(REPO), "kaifu-zzb", 2022)
    kind = next(k for k in unit_year.kinds if k.name == "hunan-overall")
    (document,) = build_kind(unit_year, kind)
    return document.data, _empty_project(tmp_path / "p")


def test_form_figures_are_read_back_into_the_year_file(tmp_path: Path) -> None:
    """The 基础数据表 and the 绩效指标 tree of the rendered kaifu report give back the
    sample's own figures."""
    data, project = _rendered_kaifu(tmp_path)
    source = tmp_path / "kaifu.docx"
    source.write_bytes(data)
    import_report(project, source, "kaifu-zzb", 2022)
    want = load_unit_year(Project(REPO), "kaifu-zzb", 2022).year
    got = load_unit_year(project, "kaifu-zzb", 2022).year
    assert got.basic_data is not None and want.basic_data is not None
    assert got.basic_data.three_public == want.basic_data.three_public
    assert got.basic_data.procurement == want.basic_data.procurement
    assert got.basic_data.buildings == want.basic_data.buildings
    assert got.staffing is not None and want.staffing is not None
    assert (got.staffing.authorized, got.staffing.in_service) == (29, 30)
    assert got.evaluation is not None and want.evaluation is not None
    assert got.evaluation.budget_points == want.evaluation.budget_points
    assert got.evaluation.indicators == want.evaluation.indicators  # the 绩效指标 tree
    written = [t.replace("{{ year }}", "2022") for t in [*want.goals, *want.results]]
    assert [*got.goals, *got.results] == written  # numbered items in one cell each
    assert len(got.goals) == 5
    unit = load_unit_year(project, "kaifu-zzb", 2022).unit  # {level}预算部门名称, {unit_name}
    assert (unit.budget_level, unit.full_name) == ("区级", "中共长沙市开福区委员会组织部")


def test_budget_is_read_from_the_forms_and_the_prose_together(tmp_path: Path) -> None:
    """The rendered kaifu report's 一般公共预算 section and 基础数据表 give back the sample's
    budget: 公用经费 and 基本支出 from the form, the 项目支出 groups (kind, amounts, listed
    projects) from the prose and the form's rows, the texts' amounts as the sample's
    references; the figures neither states (基本支出全年预算, 专项's 年初预算) worked out
    from the 自评表's 年度资金总额 and noted."""
    data, project = _rendered_kaifu(tmp_path)
    source = tmp_path / "kaifu.docx"
    source.write_bytes(data)
    summary = import_report(project, source, "kaifu-zzb", 2022)
    want = load_unit_year(Project(REPO), "kaifu-zzb", 2022)
    got = load_unit_year(project, "kaifu-zzb", 2022)
    assert got.year.budget is not None and want.year.budget is not None
    mine, theirs = got.year.budget, want.year.budget
    assert mine.basic.public == theirs.basic.public
    assert mine.basic.text == theirs.basic.text  # 预算数为{{ basic.initial | wan }}万元 …
    assert mine.projects.text == theirs.projects.text
    columns = ("prior", "initial", "budget", "actual")
    assert [getattr(mine.basic, c) for c in columns] == [getattr(theirs.basic, c) for c in columns]
    assert [(g.name, g.kind) for g in mine.projects.groups] == [
        (g.name, g.kind) for g in theirs.projects.groups
    ]
    for a, b in zip(mine.projects.groups, theirs.projects.groups, strict=True):
        assert [getattr(a, c) for c in columns] == [getattr(b, c) for c in columns], a.name
        assert [(p.name, p.purpose) for p in a.projects] == [
            (p.name, p.purpose) for p in b.projects
        ]
        assert a.text == b.text  # its amounts as references to its own figures
    assert got.figures.projects is not None and want.figures.projects is not None
    assert got.figures.projects.by_kind == want.figures.projects.by_kind
    derived = [c for c in summary.checks if "推算" in c]
    assert len(derived) == 2 and any("budget.basic.budget" in c for c in derived), derived


def test_each_key_projects_form_is_read_back_into_its_item(tmp_path: Path) -> None:
    """The 项目支出绩效自评表 (one per key project) gives back the sample's project: its name,
    funds (the form's 当年财政拨款 row is the item's funds.current), goals, results and the
    indicator tree; the 得分 the sample sets by hand are kept as its scores."""
    data, project = _rendered_kaifu(tmp_path)
    source = tmp_path / "kaifu.docx"
    source.write_bytes(data)
    import_report(project, source, "kaifu-zzb", 2022)
    (want,) = load_unit_year(Project(REPO), "kaifu-zzb", 2022).year.key_projects
    (got,) = load_unit_year(project, "kaifu-zzb", 2022).year.key_projects
    assert got.name == want.name
    assert got.funds == want.funds
    assert got.goals == want.goals
    assert got.results == [t.replace("{{ year }}", "2022") for t in want.results]
    assert got.evaluation.budget_points == want.evaluation.budget_points

    def leaves(evaluation: object) -> list[tuple[object, ...]]:
        return [
            (leaf.name, leaf.target, leaf.actual, leaf.points, leaf.score, leaf.reason)
            for group in evaluation.indicators  # type: ignore[attr-defined]
            for category in group.categories
            for leaf in category.indicators
        ]

    assert leaves(got.evaluation) == leaves(want.evaluation)


def test_a_computed_figure_of_a_key_projects_form_shown_otherwise_is_listed(
    tmp_path: Path,
) -> None:
    """The 执行率 of a key project's form typed otherwise than 执行数 ÷ 全年预算数
    (1909.3 ÷ 2000 = 95.47%) is not stored but listed as 待核对, with both figures."""
    data, project = _rendered_kaifu(tmp_path)
    source = tmp_path / "altered.docx"
    source.write_bytes(_altered(data, "95.47%", "96%"))
    summary = import_report(project, source, "kaifu-zzb", 2022)
    listed = [check for check in summary.checks if "execution_rate" in check]
    assert len(listed) == 1, listed
    assert "project_evaluation" in listed[0] and "96%" in listed[0] and "95.47%" in listed[0]
    (item,) = load_unit_year(project, "kaifu-zzb", 2022).figures.key_projects
    assert formatting.pct(item.funds.execution_rate) == "95.47%"


def _altered(data: bytes, old: str, new: str) -> bytes:
    """The .docx `data` with its one run text `old` replaced by `new`."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    body = parts["word/document.xml"].decode("utf-8")
    assert body.count(f">{old}<") == 1
    parts["word/document.xml"] = body.replace(f">{old}<", f">{new}<").encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    return buffer.getvalue()


def test_a_computed_figure_the_document_shows_otherwise_is_listed(tmp_path: Path) -> None:
    """A control rate typed differently from 在职 ÷ 编制 is not stored but listed as 待核对."""
    data, project = _rendered_kaifu(tmp_path)
    source = tmp_path / "altered.docx"
    source.write_bytes(_altered(data, "103.45%", "99.5%"))  # 30 ÷ 29, the 基础数据表's 控制率
    summary = import_report(project, source, "kaifu-zzb", 2022)
    written = project.year_file("kaifu-zzb", 2022).read_text(encoding="utf-8")
    listed = [line for line in written.splitlines() if "staffing.control_rate" in line]
    assert listed and "待核对" in listed[0] and "99.5%" in listed[0] and "103.45%" in listed[0]
    assert any("staffing.control_rate" in check for check in summary.checks)
    assert "control_rate" not in written.split("staffing:", 1)[1].split("\n\n", 1)[0]


def test_the_titles_a_kind_prints_with_its_forms_are_not_kept_as_text(tmp_path: Path) -> None:
    """附件2 and the 基础数据表's title and note, read as paragraphs, are the kind's to print:
    rendered again they appear once, as in the document; the year file says so."""
    data, project = _rendered_kaifu(tmp_path)
    source = tmp_path / "kaifu.docx"
    source.write_bytes(data)
    import_report(project, source, "kaifu-zzb", 2022)
    (again,) = build(load_unit_year(project, "kaifu-zzb", 2022))
    for printed in ("附件2", "2022年度部门整体支出绩效评价基础数据表", "说明：“项目支出”"):
        assert text(again.data).count(printed) == text(data).count(printed) == 1, printed
    written = project.year_file("kaifu-zzb", 2022).read_text(encoding="utf-8")
    assert any("附件2" in line and "待核对" in line for line in written.splitlines())


def test_an_indicator_score_the_document_shows_otherwise_is_kept_and_listed(
    tmp_path: Path,
) -> None:
    """A 得分 in the 绩效指标 tree typed differently from the rule's (70% of 90%, 3 points →
    2.33) is the unit's own score: stored as that indicator's `score` (so the report renders
    as written, the total with it) and listed as 待核对, naming the indicator."""
    data, project = _rendered_kaifu(tmp_path)
    source = tmp_path / "altered.docx"
    source.write_bytes(_altered(data, "2.33", "2.5"))
    summary = import_report(project, source, "kaifu-zzb", 2022)
    listed = [check for check in summary.checks if "row.score（老年活动开展及时性）" in check]
    assert len(listed) == 1, listed
    assert "2.5" in listed[0] and "2.33" in listed[0]
    evaluation = load_unit_year(project, "kaifu-zzb", 2022).year.evaluation
    assert evaluation is not None
    scored = {
        leaf.name: leaf.score
        for group in evaluation.indicators
        for category in group.categories
        for leaf in category.indicators
        if leaf.score is not None
    }
    assert scored == {"老年活动开展及时性": Decimal("2.5")}
    sample = load_unit_year(Project(REPO), "kaifu-zzb", 2022).figures.evaluation
    again = load_unit_year(project, "kaifu-zzb", 2022).figures.evaluation
    assert sample is not None and again is not None
    (ruled,) = [
        row.score
        for group in sample.groups
        for category in group.categories
        for row in category.rows
        if row.indicator.name == "老年活动开展及时性"
    ]
    assert again.score_total - sample.score_total == Decimal("2.5") - ruled


def test_a_score_table_read_wrong_is_kept_as_text_not_written_broken(tmp_path: Path) -> None:
    """A 评分表 whose 分值 cannot be read gives no invalid 三级指标: the year file loads, the
    table is not in it as data, and its text is kept at the end of the file."""
    unit_year = load_unit_year(Project(REPO), "yunxi-zzb", 2022)
    chosen = next(k for k in unit_year.kinds if k.name == "yueyang-form")
    (document,) = build_kind(unit_year, chosen)
    with zipfile.ZipFile(io.BytesIO(document.data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    body = parts["word/document.xml"].decode("utf-8")
    standard = ">以100%为标准。在职人员控制率≦100%，计5分；每超过一个百分点扣0.5分，扣完为止。<"
    at = body.index(">5<", body.index(standard))  # its 分值
    parts["word/document.xml"] = (body[:at] + ">五<" + body[at + 3 :]).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    source = tmp_path / "altered.docx"
    source.write_bytes(buffer.getvalue())
    project = _empty_project(tmp_path / "p")
    import_report(project, source, "yunxi-zzb", 2022)
    got = load_unit_year(project, "yunxi-zzb", 2022).year  # validates
    assert got.scores is None or not got.scores.groups
    written = project.year_file("yunxi-zzb", 2022).read_text(encoding="utf-8")
    kept = [line for line in written.splitlines() if line.startswith("#")]
    assert any("财政供养人员控制率" in line for line in kept)


def _rendered_yunxi() -> bytes:
    unit_year = load_unit_year(Project(REPO), "yunxi-zzb", 2022)
    chosen = next(k for k in unit_year.kinds if k.name == "yueyang-form")
    (document,) = build_kind(unit_year, chosen)
    return document.data


def test_a_target_group_and_its_note_are_told_apart_by_their_paragraphs(tmp_path: Path) -> None:
    """The 定量目标 tree's 产出目标 cell holds the group's name and, as a paragraph under it,
    its note: read back, they are the sample's name and note; the same text typed as one
    paragraph is read as the name alone, nothing lost."""
    data = _rendered_yunxi()
    want = load_unit_year(Project(REPO), "yunxi-zzb", 2022).year.targets
    source = tmp_path / "yunxi.docx"
    source.write_bytes(data)
    project = _empty_project(tmp_path / "p")
    import_report(project, source, "yunxi-zzb", 2022)
    got = load_unit_year(project, "yunxi-zzb", 2022).year.targets
    assert got == want
    assert (got[0].name, got[0].note) == ("产出目标", want[0].note)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    body = parts["word/document.xml"].decode("utf-8")
    two = r"产出目标</w:t></w:r></w:p><w:p>.*?<w:t>（"  # the name's paragraph, then the note's
    body, joined = re.subn(two, "产出目标（", body, count=1)
    assert joined == 1
    parts["word/document.xml"] = body.encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    source.write_bytes(buffer.getvalue())
    project = _empty_project(tmp_path / "q")
    import_report(project, source, "yunxi-zzb", 2022)
    got = load_unit_year(project, "yunxi-zzb", 2022).year.targets
    assert (got[0].name, got[0].note) == ("产出目标" + (want[0].note or ""), None)
    assert got[1:] == want[1:]


def test_a_score_table_typed_over_two_pages_with_empty_merged_cells_is_read(
    tmp_path: Path,
) -> None:
    """Seed 001's 评分表 writes each merged cell as empty cells and, after a page break, its
    header and 过程（40分）、资产管理（10分） again: read back, 过程 is one 一级指标 with its three
    二级指标, and the 15 分值 written once over 经济效益、社会效益、生态效益 is their shared one.
    Rows the seed breaks over two lines (推进全面小康…'s 分值 and 得分 on a row of their own, the
    定量目标 tree's 产出目标 row without its 指标1) are read as one row."""
    (seed,) = SEEDS.glob("001_*.txt")
    source = tmp_path / "001.docx"
    build_word(seed.read_text(encoding="utf-8"), "typed", source)
    project = _empty_project(tmp_path / "p")
    import_report(project, source, "u")
    (year_file,) = (project.content / "u").glob("20*.yaml")
    scores = load_unit_year(project, "u", int(year_file.stem)).year.scores
    assert scores is not None
    groups = {_squeeze(g.name): g for g in scores.groups}
    assert list(groups)[:2] == ["投入", "过程"] and "效果" in groups
    process = groups["过程"]
    assert [c.name for c in process.categories] == ["预算执行", "预算管理", "资产管理"]
    assets = process.categories[2].items
    assert [i.name for i in assets] == ["管理制度健全性", "资产管理安全性", "固定资产利用率"]
    shared = groups["效果"].categories[0].items[0]
    assert shared.points == 15
    assert [(p.name, p.points, p.score) for p in shared.parts] == [
        ("经济效益", None, 5),
        ("社会效益", None, 5),
        ("生态效益", None, 5),
    ]
    output = groups["产出"].categories[0].items[0]
    assert (output.parts[0].name, output.parts[0].points, output.parts[0].score) == (
        "推进全面小康建设指标任务完成情况",
        5,
        5,
    )
    assert [p.points for p in output.parts] == [5, 7, 5, 2, 2, 4]  # 25, as the 二级指标 says
    targets = load_unit_year(project, "u", int(year_file.stem)).year.targets
    assert [g.name for g in targets] == ["产出目标", "效益目标"]
    first = targets[0].categories[0]
    assert (first.name, [t.name for t in first.targets]) == ("质量指标", ["不断加强党的理论武装。"])


def test_a_score_tables_standards_are_read_a_paragraph_a_line(tmp_path: Path) -> None:
    """The 评分标准 of yunxi's 评分表, written a line a paragraph, is read back line by line:
    every item's standard is the sample's (a `measure` item's score is jixiao's, not read)."""
    source = tmp_path / "yunxi.docx"
    source.write_bytes(_rendered_yunxi())
    project = _empty_project(tmp_path / "p")
    import_report(project, source, "yunxi-zzb", 2022)

    def standards(unit_year: object) -> list[list[str]]:
        groups = unit_year.year.scores.groups  # type: ignore[attr-defined]
        return [i.standard for g in groups for c in g.categories for i in c.items]

    want = standards(load_unit_year(Project(REPO), "yunxi-zzb", 2022))
    assert standards(load_unit_year(project, "yunxi-zzb", 2022)) == want
    assert any(len(lines) > 1 for lines in want)


@pytest.mark.parametrize(
    ("cell", "items"),
    [
        ("1.甲。2.乙。", ["甲。", "乙。"]),
        ("1.25座水库。2.灌溉3.2万亩。", ["25座水库。", "灌溉3.2万亩。"]),  # 3.2 is a figure
        ("1.25万元", None),  # a figure, not a list of one
        ("12.5%", None),
        ("1.甲", ["甲"]),
    ],
)
def test_a_numbered_list_in_one_cell_is_split_at_its_numbers(
    cell: str, items: list[str] | None
) -> None:
    from jixiao.importing.cells import _numbered

    assert _numbered(cell, "{n}.{text}") == items
