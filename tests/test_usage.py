"""A mistake on the command line is said in the user's language: what is wrong, the
parameter's help, the usage line, where the help is (exit 2, nothing written)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import cli_env

_CJK = re.compile(r"[\u4e00-\u9fff]")


def run(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m jixiao ARGS` in an empty folder (a usage error needs no project)."""
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=cli_env(**env),
        cwd=root,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["render", "20x3"], "命令行有误：参数 year 的值不对，应为整数，在 1000 到 9999 之间。"),
        (["render"], "命令行有误：缺少参数 year。"),
        (
            ["render", "2023", "--unit-timeout", "0"],
            "命令行有误：选项 --unit-timeout 的值不对，应为数字，在 0.001 到 86400 之间。",
        ),
        (["rendr", "2023"], "命令行有误：没有命令 rendr，是不是 render？"),
        (["chk", "2023"], "命令行有误：没有命令 chk，是不是 check？"),
        (  # nothing close: every command, no guess ("是不是 schema？" for nosuch)
            ["nosuch"],
            "命令行有误：没有命令 nosuch；"
            "可用的命令：render、watch、check、text、schema、init、import、new、diff。",
        ),
        (
            ["list"],
            "命令行有误：没有命令 list；"
            "可用的命令：render、watch、check、text、schema、init、import、new、diff。",
        ),
        (  # inf and 1e300 overflowed the timers: an internal error after the units had loaded
            ["render", "2023", "--unit-timeout", "inf"],
            "命令行有误：选项 --unit-timeout 的值不对，应为数字，在 0.001 到 86400 之间。",
        ),
        (
            ["render", "2023", "--pdf", "--pdf-timeout", "1e300"],
            "命令行有误：选项 --pdf-timeout 的值不对，应为数字，在 0.001 到 86400 之间。",
        ),
        (["render", "0"], "命令行有误：参数 year 的值不对，应为整数，在 1000 到 9999 之间。"),
        (
            ["new", "2024", "--from", "23"],
            "命令行有误：选项 --from 的值不对，应为整数，在 1000 到 9999 之间。",
        ),
        (
            ["init", "x", "--year", "99999"],
            "命令行有误：选项 --year 的值不对，应为整数，在 1000 到 9999 之间。",
        ),
        (["render", "2023", "--nosuch"], "命令行有误：没有选项 --nosuch。"),
        (  # click quotes a name holding ' with "…": its English sentence was kept
            ["ren'der", "2023"],
            "命令行有误：没有命令 ren'der，是不是 render？",
        ),
        (  # a control character is written out, never sent to the terminal
            ["render", "2023", "--x\x1b[2Jy"],
            "命令行有误：没有选项 --x\\x1b[2Jy。",
        ),
        (
            ["render", "-2023"],
            "命令行有误：以“-”开头的数会被当作选项（-2）：这里的年度和数字都不能是负数。",
        ),
        (["new", "1000"], "命令行有误：参数 year 的值不对，应为整数，在 1001 到 9999 之间。"),
        (["render", "2023", "--unit"], "命令行有误：选项 --unit 后面要写一个值。"),
        (
            ["render", "2023", "--lang", "en"],
            "命令行有误：--lang 是 jixiao 本身的选项，要写在命令 render 的前面。",
        ),
        (
            ["check", "2023", "--root=x"],
            "命令行有误：--root 是 jixiao 本身的选项，要写在命令 check 的前面。",
        ),
        (["render", "2023", "--pdf=yes"], "命令行有误：选项 --pdf 不带值：只写 --pdf 即可。"),
        (["render", "2023", "x", "y"], "命令行有误：多写了：x y。"),
        (  # was taken as no --lang at all: the locale's language, silently
            ["--lang", "fr", "render", "2023"],
            "命令行有误：选项 --lang 的值不对，应为以下之一：zh、en。",
        ),
        (
            ["check", "2023", "--format", "xml"],
            "命令行有误：选项 --format 的值不对，应为以下之一：text、json。",
        ),
    ],
)
def test_a_mistake_is_said_in_chinese(tmp_path: Path, args: list[str], said: str) -> None:
    done = run(tmp_path, *args)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines()[0] == said
    assert "Traceback" not in done.stderr and "Error:" not in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written, no output folder made


def test_the_parameter_its_usage_and_the_help_are_named(tmp_path: Path) -> None:
    lines = run(tmp_path, "render", "20x3").stderr.splitlines()
    assert lines[1] == "说明：报告年度，如 2023"
    assert lines[2].startswith("用法：") and "render [OPTIONS] {year}" in lines[2]
    assert lines[3].startswith("全部参数和选项：") and lines[3].endswith("render --help")


def test_an_option_close_to_the_one_typed_is_offered(tmp_path: Path) -> None:
    said = run(tmp_path, "render", "2023", "--ot", "x").stderr.splitlines()[0]
    assert said == "命令行有误：没有选项 --ot，是不是 --out？"


def test_a_bad_value_from_the_environment_names_the_variable(tmp_path: Path) -> None:
    done = run(tmp_path, "render", "2023", JIXIAO_UNIT_TIMEOUT="0")
    assert done.returncode == 2
    assert "（这个值取自环境变量 JIXIAO_UNIT_TIMEOUT）。" in done.stderr.splitlines()[0]
    typed = run(tmp_path, "render", "2023", "--unit-timeout", "1x", JIXIAO_UNIT_TIMEOUT="0")
    assert typed.returncode == 2
    assert "--unit-timeout" in typed.stderr and "环境变量" not in typed.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["--lang", "en", "render", "20x3"],
            "Command line: the argument year has an invalid value:"
            " expected a whole number from 1000 to 9999.",
        ),
        (  # the unknown command is met before --lang is applied: it is honoured all the same
            ["--lang", "en", "rendr", "2023"],
            "Command line: there is no command rendr; did you mean render?",
        ),
    ],
)
def test_in_english_with_lang_en(tmp_path: Path, args: list[str], said: str) -> None:
    done = run(tmp_path, *args)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == said
    assert not _CJK.search(done.stderr), done.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["rendr", "2023"],
            "Command line: there is no command rendr; did you mean render?",
        ),
        (["--root"], "Command line: the option --root needs a value after it."),
        (["--nosuch", "render"], "Command line: there is no option --nosuch."),
    ],
)
def test_in_english_with_an_english_locale(tmp_path: Path, args: list[str], said: str) -> None:
    """A mistake met before the options are read (an unknown command, a bad option of
    jixiao's own) follows the locale too (was Chinese whatever the locale)."""
    done = run(tmp_path, *args, LC_ALL="en_US.UTF-8")
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == said
    assert not _CJK.search(done.stderr), done.stderr


def test_no_arguments_still_shows_the_help(tmp_path: Path) -> None:
    done = run(tmp_path)
    assert done.returncode == 2
    assert "jixiao（绩效）" in done.stdout + done.stderr
    assert "命令行有误" not in done.stderr
