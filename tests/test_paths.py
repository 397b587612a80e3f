"""File names made from content stay plain names inside --out, through the real command.

A short_name or a kind's filename with a separator, a control character, a leading dot or
too many bytes is an error at its file:line in `check` and in `render`, and nothing is
written anywhere; two kinds giving one file name are an error, not an overwrite; --out
that cannot be written and an unusable `init` name are a clear message, exit 1.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.errors import ContentError
from jixiao.project import Document
from tests.conftest import cli_env, copy_samples, run_jixiao

UNIT, YEAR = "lukou-zzb", "2023"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The samples, copied to tmp_path/a/b/project, so that ../../ would land in tmp_path."""
    return copy_samples(tmp_path / "a" / "b" / "project")


def files(folder: Path) -> set[Path]:
    """Every file under `folder`."""
    return {p for p in folder.rglob("*") if p.is_file()}


def set_line(path: Path, start: str, line: str) -> int:
    """Replace the line of `path` that starts with `start` by `line`; its line number."""
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, text in enumerate(lines) if text.startswith(start))
    lines[number] = line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return number + 1


def check_and_render(project: Path, *options: str) -> tuple[str, str]:
    """`check` and `render` of the sample unit: both must refuse; their error output, and
    nothing may be written anywhere under the test's folder."""
    before = files(project.parent.parent)
    check = run_jixiao(project, *options, "check", YEAR, "--unit", UNIT)
    render = run_jixiao(project, *options, "render", YEAR, "--unit", UNIT)
    for run in (check, render):
        assert run.returncode == 1, run.stdout + run.stderr
        assert "Traceback" not in run.stderr and "内部错误" not in run.stderr
    assert files(project.parent.parent) == before, "nothing written, inside or outside"
    return check.stdout, render.stderr


def test_a_short_name_with_separators_is_an_error_at_its_line(project: Path) -> None:
    unit_file = project / "content" / UNIT / "unit.yaml"
    line = set_line(unit_file, "short_name:", 'short_name: "/../../ESC/x"')
    checked, rendered = check_and_render(project)
    where = f"content/{UNIT}/unit.yaml:{line}: 错误 [short_name]: "
    message = "“/../../ESC/x”要用在报告类型 hunan-overall 的文件名中，但含有路径分隔符（/ 或 \\）。"
    for shown in (checked, rendered):
        assert where + message in shown
        assert "处理办法：单位简称、全称只写名称本身：不含 / \\ 和控制字符" in shown
    assert not list(project.parent.parent.rglob("ESC"))


def test_a_kind_filename_leading_out_is_an_error_at_its_line(project: Path) -> None:
    kind_file = project / "templates" / "hunan-overall" / "kind.yaml"
    line = set_line(kind_file, "filename:", 'filename: "../../{short_name}.docx"')
    checked, rendered = check_and_render(project)
    where = f"templates/hunan-overall/kind.yaml:{line}: 错误 [filename]: "
    message = "输出文件名“../../{short_name}.docx”不可用：含有路径分隔符（/ 或 \\）。"
    for shown in (checked, rendered):
        assert where + message in shown
        assert "只用 {year} {short_name} {full_name}，以 .docx 结尾" in shown


@pytest.mark.parametrize(
    ("filename", "problem"),
    [
        ('"{short_name.__class__}.docx"', "{short_name.__class__} 不是可用的占位符"),
        ('"{year:>999999999}.docx"', "{year:>999999999} 不是可用的占位符"),
        ('"{year}{short_name}.doc"', "不以 .docx 结尾"),
        ('".{year}.docx"', "以点开头"),
        ('"{year}{short_name.docx"', "花括号不成对"),
    ],
)
def test_a_kind_filename_with_other_placeholders_is_an_error(
    project: Path, filename: str, problem: str
) -> None:
    kind_file = project / "templates" / "hunan-overall" / "kind.yaml"
    line = set_line(kind_file, "filename:", f"filename: {filename}")
    checked, _rendered = check_and_render(project)
    assert f"templates/hunan-overall/kind.yaml:{line}: 错误 [filename]: 输出文件名“" in checked
    assert problem in checked


@pytest.mark.parametrize(
    ("short_name", "problem"),
    [
        ('"渌口区委\\f组织部"', "文字中有控制字符 U+000C（换页符）"),
        ('"渌口区委\\x00组织部"', "文字中有控制字符 U+0000"),
        ('"渌口区委\\\\组织部"', "含有路径分隔符"),
    ],
)
def test_a_short_name_with_control_characters_is_an_error(
    project: Path, short_name: str, problem: str
) -> None:
    unit_file = project / "content" / UNIT / "unit.yaml"
    line = set_line(unit_file, "short_name:", f"short_name: {short_name}")
    checked, rendered = check_and_render(project)
    for shown in (checked, rendered):
        assert f"content/{UNIT}/unit.yaml:{line}: 错误 [short_name]: " in shown
        assert problem in shown


def test_a_name_too_long_for_the_file_system_counts_bytes(project: Path) -> None:
    """80 汉字 fit in 255 characters but not in ext4's 255 bytes with the kind's words."""
    unit_file = project / "content" / UNIT / "unit.yaml"
    line = set_line(unit_file, "short_name:", "short_name: " + "组" * 70)
    checked, rendered = check_and_render(project)
    size = len(f"{YEAR}年度{'组' * 70}部门整体支出绩效自评报告.docx".encode())
    for shown in (checked, rendered):
        assert f"content/{UNIT}/unit.yaml:{line}: 错误 [short_name]: " in shown
        assert f"生成的文件名有 {size} 字节，超过文件系统允许的 255 字节" in shown
        assert "（一个汉字占 3 字节）" in shown


def test_a_long_name_that_fits_is_written(project: Path) -> None:
    unit_file = project / "content" / UNIT / "unit.yaml"
    set_line(unit_file, "short_name:", "short_name: " + "组" * 60)
    out = project / "out"
    run = run_jixiao(project, "render", YEAR, "--unit", UNIT, "--out", str(out))
    assert run.returncode == 0, run.stderr
    (written,) = files(out)
    assert len(written.name.encode()) <= 255 and "组" * 60 in written.name


def test_two_kinds_with_one_file_name_are_an_error_not_an_overwrite(project: Path) -> None:
    key = project / "templates" / "key-project" / "kind.yaml"
    set_line(key, "filename:", 'filename: "{year}年度{short_name}部门整体支出绩效自评报告.docx"')
    unit_file = project / "content" / "kaifu-zzb" / "unit.yaml"
    line = next(
        i + 1
        for i, text in enumerate(unit_file.read_text(encoding="utf-8").splitlines())
        if text.startswith("kinds:")
    )
    out = project / "out"
    check = run_jixiao(project, "check", "2022", "--unit", "kaifu-zzb")
    render = run_jixiao(project, "render", "2022", "--unit", "kaifu-zzb", "--out", str(out))
    message = (
        "报告类型 key-project 与 hunan-overall 的文件名都是"
        "“2022年度开福区委组织部部门整体支出绩效自评报告.docx”，后生成的会覆盖先生成的。"
    )
    for run, shown in ((check, check.stdout), (render, render.stderr)):
        assert run.returncode == 1
        assert f"content/kaifu-zzb/unit.yaml:{line}: 错误 [kinds[1]]: {message}" in shown
    assert not out.exists() or files(out) == set()


def test_a_document_name_leading_out_is_refused_when_written(tmp_path: Path) -> None:
    """The last guard: whatever made the name, write_unit writes only inside its folder."""
    from jixiao.batch import write_unit

    out = tmp_path / "out" / "unit"
    for name in ("../escape.docx", "..", "sub/x.docx", ".~hidden.docx"):
        with pytest.raises(ContentError) as caught:
            write_unit(out, [Document("ok.docx", b"a"), Document(name, b"b")], pdf=False)
        assert "不在输出目录" in caught.value.findings[0].message
    assert files(tmp_path) == set()


def test_out_as_a_symlink_loop_is_a_clear_message(project: Path) -> None:
    loop = project / "loop"
    os.symlink(loop, loop)
    run = run_jixiao(project, "render", YEAR, "--unit", UNIT, "--out", str(loop / "x"))
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and "内部错误" not in run.stderr
    assert "无法写入输出目录" in run.stderr and "符号链接循环（链接最终指回自己）" in run.stderr
    assert "处理办法：用 --out 指定一个可以写入的目录" in run.stderr
    run = run_jixiao(project, "render", YEAR, "--unit", UNIT, "--out", str(loop))
    assert run.returncode == 1 and "符号链接循环" in run.stderr, run.stderr


def test_out_that_is_a_file_is_a_clear_message(project: Path) -> None:
    taken = project / "taken"
    taken.write_text("not a folder", encoding="utf-8")
    for out in (taken, taken / "below"):
        run = run_jixiao(project, "render", YEAR, "--out", str(out))
        assert run.returncode == 1
        assert "Traceback" not in run.stderr
        assert f"无法写入输出目录 {out}：" in run.stderr, run.stderr
    assert taken.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_out_where_no_folder_can_be_made_is_said_in_chinese(project: Path) -> None:
    out = Path("/proc/jixiao-test-out")  # /proc takes no new folders: ENOENT
    run = run_jixiao(project, "render", YEAR, "--unit", UNIT, "--out", str(out))
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert (
        f"无法写入 {out / YEAR / UNIT}：文件或文件夹不存在（也可能是这里不能新建文件夹）"
        in run.stderr
    )
    assert "No such file" not in run.stderr, run.stderr


@pytest.mark.parametrize("out", ["content", f"content/{UNIT}", "templates/hunan-overall"])
@pytest.mark.parametrize("command", ["render", "watch"])
def test_out_inside_content_or_templates_is_refused(project: Path, out: str, command: str) -> None:
    """Reports written among the writers' files would be mixed with them (and, for watch,
    seen as changes): refused before anything is written."""
    before = files(project)
    args = [sys.executable, "-m", "jixiao", "--root", str(project), command, YEAR]
    try:  # watch, were it to start, would run until stopped
        run = subprocess.run(
            [*args, "--unit", UNIT, "--out", out],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=cli_env(),
            cwd=project,
            timeout=60,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{command} started instead of refusing --out {out}")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    folder = out.split("/")[0]
    assert f"不能把报告写到 {out}：它在项目的 {folder}/ 目录里" in run.stderr, run.stderr
    assert files(project) == before


def test_out_through_a_symlink_into_content_is_refused(project: Path) -> None:
    os.symlink(project / "content", project / "link")
    before = files(project)
    run = run_jixiao(project, "render", YEAR, "--unit", UNIT, "--out", "link/x")
    assert run.returncode == 1 and "它在项目的 content/ 目录里" in run.stderr, run.stderr
    assert files(project) == before


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("组" * 300, "单位名有 900 字节，超过 255 字节（一个汉字占 3 字节）：“组组组组组"),
        ("a" * 300, "单位名有 300 字节，超过 255 字节"),
        ("a/b", "“a/b”不能用作单位名"),
        ("a\\b", "“a\\b”不能用作单位名"),
        ("a\x01b", "“a\\x01b”不能用作单位名"),
        ("..", "“..”不能用作单位名"),
        ("con", "“con”不能用作单位名：Windows 不允许这样的目录名"),
        ("LPT1.zzb", "“LPT1.zzb”不能用作单位名：Windows 不允许"),
        ("zzb.", "“zzb.”不能用作单位名：Windows 不允许"),
        ("LUKOU-ZZB", "单位名“LUKOU-ZZB”与已有的单位“lukou-zzb”只差大小写"),
    ],
)
def test_init_refuses_an_unusable_unit_name(project: Path, name: str, shown: str) -> None:
    before = files(project)
    run = run_jixiao(project, "init", name, "--kind", "hunan-overall")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and "内部错误" not in run.stderr
    assert shown in run.stderr
    assert files(project) == before


def test_import_refuses_a_unit_name_differing_from_another_only_in_case(
    project: Path, tmp_path: Path
) -> None:
    assert (
        run_jixiao(project, "render", YEAR, "--unit", UNIT, "--out", str(tmp_path)).returncode == 0
    )
    [report] = (tmp_path / YEAR / UNIT).glob("*.docx")
    before = files(project)
    run = run_jixiao(project, "import", str(report), "--unit", "Lukou-Zzb")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "单位名“Lukou-Zzb”与已有的单位“lukou-zzb”只差大小写" in run.stderr
    assert "请写 lukou-zzb" in run.stderr
    assert files(project) == before


@pytest.mark.parametrize("year", ["0", "99999", "-1"])
def test_init_refuses_a_year_that_is_not_four_digits(project: Path, year: str) -> None:
    """--year 0 was taken as no year (this year's file written); 99999 made 99999.yaml,
    which fails its own check. -1 is an unknown option to the command line."""
    before = files(project)
    run = run_jixiao(project, "init", "newunit", "--kind", "hunan-overall", "--year", year)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert "选项 --year 的值不对，应为整数，在 1000 到 9999 之间。" in run.stderr
    assert files(project) == before


def test_import_refuses_a_year_that_is_not_four_digits(project: Path, tmp_path: Path) -> None:
    assert (
        run_jixiao(project, "render", YEAR, "--unit", UNIT, "--out", str(tmp_path)).returncode == 0
    )
    [report] = (tmp_path / YEAR / UNIT).glob("*.docx")
    before = files(project)
    run = run_jixiao(project, "import", str(report), "--unit", "newunit", "--year", "20233")
    assert run.returncode == 2, run.stdout + run.stderr
    assert "选项 --year 的值不对，应为整数，在 1000 到 9999 之间。" in run.stderr
    assert files(project) == before
