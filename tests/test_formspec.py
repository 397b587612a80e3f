"""Form declarations (templates/<kind>/forms/*.yaml): mistakes are Chinese findings at their
line before anything renders, and no form label is left in Python."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

from docx import Document

from jixiao.formspec import ROOTS
from jixiao.project import Project, load_unit_year, prepare
from tests.conftest import REPO, copy_samples, half_up, render, run_jixiao

KEY_OVERVIEW = Path("templates/key-project/forms/key_overview.yaml")


def edited(root: Path, file: Path, old: str, new: str) -> Path:
    """The sample project copied to `root` with `old` replaced by `new` once in `file`."""
    copy_samples(root)
    for unit in (root / "content").iterdir():
        if unit.name != "kaifu-zzb":
            shutil.rmtree(unit)
    text = (root / file).read_text(encoding="utf-8")
    assert old in text
    (root / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def line_of(root: Path, file: Path, text: str) -> int:
    """The 1-based line of `file` where `text` is."""
    lines = (root / file).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if text in line)


def test_unknown_field_in_a_cell_names_the_closest_one(tmp_path: Path) -> None:
    root = edited(tmp_path, KEY_OVERVIEW, "{text: 项目名称, rows: 2}", "{text: 项目名称, rowz: 2}")
    result = run_jixiao(root, "check", "2022")
    assert result.returncode == 1
    line = line_of(root, KEY_OVERVIEW, "rowz")
    assert f"{KEY_OVERVIEW.as_posix()}:{line}: 错误" in result.stdout
    assert "未知字段“rowz”" in result.stdout and "可能想写“rows”" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_path_starting_with_an_unknown_name_is_an_error_with_the_closest(tmp_path: Path) -> None:
    old, new = "value: row.district.actual", "value: rwo.district.actual"
    root = edited(tmp_path, KEY_OVERVIEW, old, new)
    result = run_jixiao(root, "check", "2022")
    assert result.returncode == 1
    line = line_of(root, KEY_OVERVIEW, "rwo.district")
    assert f"{KEY_OVERVIEW.as_posix()}:{line}: 错误" in result.stdout
    assert "数据路径“rwo.district.actual”不以表格可用的名字开头" in result.stdout
    assert "是否想写“row”" in result.stdout


def test_a_field_that_does_not_exist_is_an_error_at_its_line(tmp_path: Path) -> None:
    root = edited(tmp_path, KEY_OVERVIEW, "value: row.district.actual", "value: row.distrct.actual")
    result = run_jixiao(root, "check", "2022")
    assert result.returncode == 1
    shown = result.stdout + result.stderr
    line = line_of(root, KEY_OVERVIEW, "row.distrct")
    assert f"{KEY_OVERVIEW.as_posix()}:{line}: 错误" in shown
    assert "数据路径“row.distrct.actual”不存在：没有“distrct”" in shown
    assert "内部错误" not in shown


def test_a_placeholder_cannot_reach_python_internals(tmp_path: Path) -> None:
    root = edited(tmp_path, KEY_OVERVIEW, '"其中：{level}资金"', '"其中：{level.__class__}资金"')
    result = run_jixiao(root, "check", "2022")
    assert result.returncode == 1
    shown = result.stdout + result.stderr
    assert "数据路径“level.__class__”不存在：没有“__class__”" in shown
    assert "内部错误" not in shown and "<class" not in shown


def test_a_bad_placeholder_in_a_label_is_an_error(tmp_path: Path) -> None:
    root = edited(tmp_path, KEY_OVERVIEW, '"其中：{level}资金"', '"其中：{level:>9}资金"')
    result = run_jixiao(root, "check", "2022")
    assert result.returncode == 1
    line = line_of(root, KEY_OVERVIEW, "{level:>9}")
    assert f"{KEY_OVERVIEW.as_posix()}:{line}: 错误" in result.stdout


def test_an_attachment_naming_no_declaration_is_an_error_in_kind_yaml(tmp_path: Path) -> None:
    kind = Path("templates/hunan-overall/kind.yaml")
    root = edited(tmp_path, kind, "form: basic_data", "form: basic_dta")
    result = run_jixiao(root, "check", "2022")
    assert result.returncode == 1
    line = line_of(root, kind, "form: basic_dta")
    assert f"{kind.as_posix()}:{line}: 错误" in result.stdout
    assert "没有名为“basic_dta”的表格声明" in result.stdout


def test_no_form_label_is_left_in_the_builder() -> None:
    builder = (REPO / "src/jixiao/forms.py").read_text(encoding="utf-8")
    assert not re.findall(r"[\u4e00-\u9fff]", builder)


def test_a_kind_gets_a_new_form_from_yaml_alone(project_copy: Project) -> None:
    """A declaration beside kind.yaml and one line in its attachments make a new attached form."""
    kind = project_copy.root / "templates/key-project"
    (kind / "forms/funds_by_project.yaml").write_text(
        "\n".join(
            [
                "name: 项目资金表",
                "when: key_projects",
                "tables:",
                "  - header_rows: 1",
                "    columns:",
                "      - {label: 序号, width: 0.6, text: '{n}'}",
                "      - {label: 项目, width: 3, value: row.name, align: left}",
                "      - {label: '{level}资金执行率', width: 1.2,"
                " value: row.funds.execution_rate, format: rate}",
                "    rows:",
                "      - labels: true",
                "      - each: key_projects",
                "      - cells: [{text: 合计, cols: 2}, {value: key_total.execution_rate,"
                " format: rate}]",
                "",
            ]
        ),
        encoding="utf-8",
    )
    settings = kind / "kind.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        + "attachments:\n  - form: funds_by_project\n    title: 项目资金执行情况\n",
        encoding="utf-8",
    )
    document = render(project_copy, "kaifu-zzb", 2022, kind="key-project")
    table = Document(io.BytesIO(document.data)).tables[-1]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    figures = load_unit_year(project_copy, "kaifu-zzb", 2022).figures
    assert rows[0] == ["序号", "项目", "区级资金执行率"]
    for number, (row, project) in enumerate(zip(rows[1:-1], figures.key_projects, strict=True), 1):
        share = project.funds.actual / project.funds.budget * 100
        assert row[:2] == [str(number), project.name]
        assert row[2] == f"{half_up(share)}%"
    total = figures.key_total
    assert total.budget
    assert rows[-1] == ["合计", "合计", f"{half_up(total.actual / total.budget * 100)}%"]


def test_the_names_a_path_may_start_with_are_the_names_a_form_gets(repo_project: Project) -> None:
    unit_year = load_unit_year(repo_project, "kaifu-zzb", 2022)
    kind = next(k for k in unit_year.kinds if k.name == "hunan-overall")
    assert set(prepare(unit_year, kind).builder._scope) == set(ROOTS)


STAFF_FORM = "\n".join(
    [
        "name: 人员情况表",
        "tables:",
        "  - widths: [2, 1]",
        "    rows:",
        "      - cells: [收入合计, '{income.total}']",
        "",
    ]
)


def test_the_fields_a_kind_reads_come_from_its_declarations(tmp_path: Path) -> None:
    """Content a kind never showed is a finding; once a declaration of the kind reads it (by a
    path in a cell text), the kind reads it: no finding, and the figure is in the form."""
    copy_samples(tmp_path)
    year = tmp_path / "content/maoming-fgj/2021.yaml"
    year.write_text(
        year.read_text(encoding="utf-8")
        + "income:\n  general_budget: 31.5\n  government_fund: 0\n  non_tax: 2\n  other: 0\n",
        encoding="utf-8",
    )
    before = run_jixiao(tmp_path, "check", "2021", "--unit", "maoming-fgj")
    assert "[income]" in before.stdout and "不会出现在报告中" in before.stdout

    kind = tmp_path / "templates/guangdong-overall"
    (kind / "forms").mkdir()
    (kind / "forms/staff.yaml").write_text(STAFF_FORM, encoding="utf-8")
    settings = kind / "kind.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + "attachments:\n  - form: staff\n    title: 人员\n",
        encoding="utf-8",
    )
    after = run_jixiao(tmp_path, "check", "2021", "--unit", "maoming-fgj")
    assert "[income]" not in after.stdout, after.stdout
    document = render(Project(tmp_path), "maoming-fgj", 2021, kind="guangdong-overall")
    rows = [[c.text for c in r.cells] for r in Document(io.BytesIO(document.data)).tables[-1].rows]
    assert rows == [["收入合计", "33.5"]]


def test_a_cell_text_path_with_an_unknown_head_is_an_error_before_render(tmp_path: Path) -> None:
    old, new = "value: row.district.actual", "text: '{rwo.district.actual}'"
    root = edited(tmp_path, KEY_OVERVIEW, old, new)
    result = run_jixiao(root, "check", "2022")
    assert result.returncode == 1
    line = line_of(root, KEY_OVERVIEW, "{rwo.district")
    assert f"{KEY_OVERVIEW.as_posix()}:{line}: 错误" in result.stdout
    assert "数据路径“rwo.district.actual”不以表格可用的名字开头" in result.stdout


def test_a_row_that_does_not_fit_the_columns_is_an_error_at_its_row(tmp_path: Path) -> None:
    old = "{text: 项目名称, rows: 2}"
    root = edited(tmp_path, KEY_OVERVIEW, old, "{text: 项目名称, rows: 2, cols: 9}")
    result = run_jixiao(root, "check", "2022")
    said = result.stdout + result.stderr
    assert result.returncode == 1
    row = line_of(root, KEY_OVERVIEW, "cols: 9") - 1  # the row's "- cells:" line
    assert f"{KEY_OVERVIEW.as_posix()}:{row}: 错误" in said, said
    assert "单元格“项目名称”超出表格：写到第 9 列" in said and "表格只有 7 列" in said
    assert "Traceback" not in said and "内部错误" not in said


def test_a_table_without_columns_is_an_error(tmp_path: Path) -> None:
    old = "  - widths: [1.4, 0.9, 2.8, 1.2, 1.2, 1.2, 1.2]\n    header_rows: 2"
    root = edited(tmp_path, KEY_OVERVIEW, old, "  - header_rows: 2")
    result = run_jixiao(root, "check", "2022")
    assert result.returncode == 1
    line = line_of(root, KEY_OVERVIEW, "- header_rows: 2")
    assert f"{KEY_OVERVIEW.as_posix()}:{line}: 错误" in result.stdout, result.stdout
    assert "表格没有列：须写 widths" in result.stdout


def test_a_field_misspelt_where_this_year_has_no_data_is_still_an_error(tmp_path: Path) -> None:
    """A path is checked against the figures' types, not only as far as the data reaches: a
    unit with no key project still hears of a typo in the key-project row."""
    root = edited(tmp_path, KEY_OVERVIEW, "value: row.purpose", "value: row.purpsoe")
    year = root / "content/kaifu-zzb/2022.yaml"
    text = year.read_text(encoding="utf-8")
    start = text.index("\nkey_projects:") + 1
    body = text.index("\n", start) + 1
    after = re.search(r"^[^\s#]", text[body:], re.M)  # the next top-level key
    end = body + after.start() if after else len(text)
    year.write_text(text[:start] + "key_projects: []\n" + text[end:], encoding="utf-8")
    result = run_jixiao(root, "check", "2022")
    said = result.stdout + result.stderr
    line = line_of(root, KEY_OVERVIEW, "row.purpsoe")
    assert f"{KEY_OVERVIEW.as_posix()}:{line}: 错误" in said, said
    assert "没有“purpsoe”" in said and "是否想写“purpose”" in said
    assert result.returncode == 1


def test_a_tree_level_naming_no_field_is_an_error_at_its_line(tmp_path: Path) -> None:
    indicators = Path("templates/_forms/indicators.yaml")
    root = edited(tmp_path, indicators, "each: categories}", "each: categorys}")
    result = run_jixiao(root, "check", "2022")
    said = result.stdout + result.stderr
    assert result.returncode == 1
    line = line_of(root, indicators, "categorys")
    assert f"{indicators.as_posix()}:{line}: 错误" in said, said
    assert "没有“categorys”" in said and "是否想写“categories”" in said
    assert "内部错误" not in said and "Traceback" not in said


def test_a_declaration_including_itself_is_an_error_not_a_crash(tmp_path: Path) -> None:
    indicators = Path("templates/_forms/indicators.yaml")
    copy_samples(tmp_path)
    (tmp_path / indicators).write_text("name: 循环\ntables:\n  - include: indicators\n", "utf-8")
    result = run_jixiao(tmp_path, "check", "2022")
    said = result.stdout + result.stderr
    assert result.returncode == 1
    assert f"{indicators.as_posix()}:3: 错误" in said, said
    assert "表格声明循环引用：indicators → indicators" in said
    assert "内部错误" not in said
