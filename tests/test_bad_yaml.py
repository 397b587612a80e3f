"""Broken and hostile YAML through the real command: a Chinese finding at its line, quickly.

Each case copies the lukou-zzb sample into a temporary project, changes one of its files,
and runs `jixiao check 2023` and `jixiao render 2023` (in-process through typer's runner, to
keep the file fast; the cases that used to crash, hang or eat memory also through
`python -m jixiao` in a subprocess). Each must exit 1 within a few seconds, with no
traceback and no "内部错误", name the file and line (found in the changed text, never
hard-coded), say what is wrong in Chinese with no English parser or pydantic text, and
render must write nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao import loading
from jixiao.cli import app
from jixiao.errors import ContentError
from jixiao.loading import ALIAS_FLOOR, MAX_DEPTH, load
from tests.conftest import cli_env, copy_samples, skip_or_fail

UNIT = "lukou-zzb"
YEAR_FILE = f"content/{UNIT}/2023.yaml"
UNIT_FILE = f"content/{UNIT}/unit.yaml"

SECONDS = 5
"""Each command must answer within this; a subprocess may take SECONDS more to start."""

ENGLISH = re.compile(
    r"Input should|did not find|not allowed|cannot start|could not|expected|found |"
    r"position \d|Traceback|Error\b|unacceptable|valid (integer|string|list|dict)",
)


@dataclass
class Project:
    """A throw-away copy of the sample unit, and where its reports would go."""

    root: Path
    out: Path
    prefix: tuple[str, ...] = ()
    """What the command runs under, with `cli` (the test of a file root may not read)."""

    def text(self, name: str) -> str:
        return (self.root / name).read_text(encoding="utf-8")

    def write(self, name: str, text: str | bytes) -> str | bytes:
        data = text.encode("utf-8") if isinstance(text, str) else text
        (self.root / name).write_bytes(data)
        return text

    def replace(self, name: str, old: str, new: str) -> str:
        """Replace the one occurrence of `old` in file `name` by `new`; the new text."""
        text = self.text(name)
        assert text.count(old) == 1, f"{old!r} should occur once in {name}"
        return str(self.write(name, text.replace(old, new)))

    def run(self, *args: str, cli: bool) -> tuple[int, str, float]:
        """`jixiao --root <copy> ARGS`: exit code, stdout and stderr, and the seconds taken.

        With `cli`, as `python -m jixiao` in a subprocess; else through typer's runner."""
        start = time.monotonic()
        if cli:
            run = subprocess.run(
                [*self.prefix, sys.executable, "-m", "jixiao", "--root", str(self.root), *args],
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                env=cli_env(),
                cwd=self.root,
                timeout=60,
                check=False,
            )
            return run.returncode, run.stdout + run.stderr, time.monotonic() - start - SECONDS
        result = CliRunner().invoke(app, ["--root", str(self.root), *args], env=cli_env())
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.stdout + result.stderr, time.monotonic() - start


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(copy_samples(tmp_path / "p", "templates", f"content/{UNIT}"), tmp_path / "out")


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the one line of `text` containing `needle`."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) == 1, f"{needle!r} should be on exactly one line, found {hits}"
    return hits[0]


def assert_refused(project: Project, where: str, *says: str, cli: bool = False) -> None:
    """check and render: exit 1 quickly, `where` and `says` in Chinese, nothing written."""
    for args in (("check", "2023"), ("render", "2023", "--out", str(project.out))):
        code, output, seconds = project.run(*args, cli=cli)
        shown = f"{args[0]}: exit {code}, {seconds:.1f} s\n{output}"
        assert code == 1, shown
        assert seconds < SECONDS, shown
        assert "内部错误" not in output and "Traceback" not in output, shown
        assert re.search(rf"(^|\s){re.escape(where)}: 错误", output, re.MULTILINE), shown
        for words in says:
            assert words in output, f"{words!r} missing\n{shown}"
        findings = "\n".join(line for line in output.splitlines() if "错误" in line)
        assert not ENGLISH.search(findings), f"English in the finding\n{shown}"
        assert "处理办法" in output, shown
    written = (
        sorted(p for p in project.out.rglob("*") if p.is_file()) if project.out.exists() else []
    )
    assert written == [], written


Change = Callable[[Project], tuple[str, int | None]]
"""Changes the copy; returns the file changed and the line the finding must name."""


def changed(name: str, old: str, new: str, at: str | None = None) -> Change:
    """Replace `old` by `new` in `name`; the finding is at the line holding `at` (or `new`)."""

    def change(project: Project) -> tuple[str, int | None]:
        text = project.replace(name, old, new)
        needle = at if at is not None else new.strip().splitlines()[0]
        return name, line_of(text, needle)

    return change


def appended(name: str, extra: str, at: str) -> Change:
    def change(project: Project) -> tuple[str, int | None]:
        text = str(project.write(name, project.text(name) + extra))
        return name, line_of(text, at)

    return change


def raw(old: str, new: bytes, at: str) -> Change:
    """Replace `old` in the year file by the bytes `new`; the finding is at `at`'s line."""

    def change(project: Project) -> tuple[str, int | None]:
        text = project.text(YEAR_FILE)
        assert text.count(old) == 1
        project.write(YEAR_FILE, text.encode("utf-8").replace(old.encode("utf-8"), new))
        return YEAR_FILE, line_of(text, at)

    return change


BOMB = "".join(
    f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)

CASES: dict[str, tuple[Change, tuple[str, ...]]] = {
    # ---- limits (item 3) ----
    "alias-bomb": (
        appended(UNIT_FILE, "a: &a [x, x, x, x, x, x, x, x, x]\n" + BOMB, "d: &d"),
        ("别名", "展开后的内容太多"),
    ),
    "deep-flow-nesting": (
        appended(YEAR_FILE, "deep: " + "[" * 100_000 + "]" * 100_000 + "\n", "deep: [[["),
        (f"嵌套超过 {MAX_DEPTH} 层",),
    ),
    "deep-block-nesting": (
        appended(YEAR_FILE, "deep:\n" + "- " * 100_000 + "x\n", "- - - -"),
        (f"嵌套超过 {MAX_DEPTH} 层",),
    ),
    # ---- control characters (item 4) ----
    "short-name-form-feed": (
        changed(UNIT_FILE, "short_name: 渌口区委组织部", 'short_name: "渌口区委\\x0c组织部"'),
        ("[short_name]", "控制字符 U+000C", "删除"),
    ),
    "full-name-nul": (
        changed(
            UNIT_FILE,
            "full_name: 中共株洲市渌口区委组织部",
            'full_name: "中共株洲市\\x00渌口区委组织部"',
        ),
        ("[full_name]", "控制字符 U+0000", "删除"),
    ),
    "project-name-escape": (
        changed(YEAR_FILE, "{name: 人才慰问经费,", '{name: "人才\\x1b慰问经费",'),
        ("[budget.projects.groups[0].projects[3].name]", "控制字符 U+001B", "删除"),
    ),
    "raw-nul-byte": (
        raw("人才工作。深化", "人才工作。\x00深化".encode(), "人才工作。深化"),
        ("控制字符 U+0000",),
    ),
    "raw-page-break": (
        raw("人才工作。深化", "人才工作。\x0c深化".encode(), "人才工作。深化"),
        ("控制字符 U+000C", "删除"),
    ),
    "right-to-left-override": (
        raw("人才工作。深化", "人才工作。\u202e化深\u202c".encode(), "人才工作。"),
        ("改变文字方向的不可见字符 U+202E", "删除"),
    ),
    "right-to-left-isolate-escaped": (
        changed(UNIT_FILE, "short_name: 渌口区委组织部", 'short_name: "渌口\\u2067区委组织部"'),
        ("[short_name]", "改变文字方向的不可见字符 U+2067"),
    ),
    # ---- a bracket left open at the very end of the file ----
    "open-bracket-at-the-end": (
        appended(YEAR_FILE, "extra: [\n", "extra: ["),
        ("从这里开始的括号没有闭合", "第 8 列"),
    ),
    "open-brace-at-the-end-without-newline": (
        appended(YEAR_FILE, "extra: {", "extra: {"),
        ("从这里开始的括号没有闭合", "第 8 列"),
    ),
    # ---- numbers ----
    "empty-int": (
        changed(YEAR_FILE, "authorized: 40", "authorized: !!int"),
        ("“!!int”后面缺少值",),
    ),
    "empty-float": (
        changed(YEAR_FILE, "actual: 761.25", "actual: !!float"),
        ("“!!float”后面缺少值",),
    ),
    "huge-exponent": (
        changed(YEAR_FILE, "actual: 761.25", "actual: 1e999999"),
        ("[budget.basic.personnel.actual]", "太大", "万元"),
    ),
    "huge-exponent-text": (
        changed(YEAR_FILE, "actual: 761.25", 'actual: "1E+100000000"'),
        ("[budget.basic.personnel.actual]", "“1E+100000000”太大"),
    ),
    "tiny-exponent": (
        changed(YEAR_FILE, "actual: 761.25", 'actual: "1E-100000000"'),
        ("[budget.basic.personnel.actual]", "小数位太多"),
    ),
    "head-count-exponent": (
        changed(YEAR_FILE, "authorized: 40", 'authorized: "4E+100000000"'),
        ("[staffing.authorized]", "太大"),
    ),
    "ten-thousand-digits": (
        changed(YEAR_FILE, "authorized: 40", "authorized: " + "9" * 10_000),
        ("无法读取的数字", "9999…"),
    ),
    "hexadecimal-amount": (  # YAML reads it as 31: said, not taken
        changed(YEAR_FILE, "actual: 761.25", "actual: 0x1F"),
        ("“0x1F”会按十六进制读成一个数", "如 31；", '如 "0x1F"'),
    ),
    "octal-head-count": (
        changed(YEAR_FILE, "authorized: 40", "authorized: 0o50"),
        ("“0o50”会按八进制读成一个数", "如 40；"),
    ),
    "binary-in-a-list": (
        changed(YEAR_FILE, "人才慰问经费, actual: 8.5}", "人才慰问经费, actual: 0b1000}"),
        ("“0b1000”会按二进制读成一个数", "如 8；"),
    ),
    "hexadecimal-of-ten-thousand-digits": (  # was "write it as 31": not its value
        changed(YEAR_FILE, "authorized: 40", "authorized: 0x" + "f" * 10_000),
        ("无法读取的数字“0xffff", "数字不能太长"),
    ),
    "tagged-hexadecimal-without-digits": (  # was "read as a hexadecimal number … 31"
        changed(YEAR_FILE, "authorized: 40", "authorized: !!int 0x"),
        ("无法读取的数字“0x”",),
    ),
    "tagged-binary-with-a-digit-2": (
        changed(YEAR_FILE, "authorized: 40", "authorized: !!int 0b102"),
        ("无法读取的数字“0b102”",),
    ),
    # ---- libyaml's words ----
    "missing-comma-in-braces": (
        changed(YEAR_FILE, "{name: 人才慰问经费, actual: 8.5}", "{name: 人才慰问经费 actual: 8.5}"),
        ("花括号", "缺少逗号"),
    ),
    "colon-in-value": (
        changed(YEAR_FILE, "  in_service: 33 ", "  in_service: 33: 34 "),
        ("这里不能再出现“名称: 值”", "第 17 列", "引号"),
    ),
    "tab-after-dash": (
        changed(UNIT_FILE, "  - {type: 参照公务员法管理", "  -\t{type: 参照公务员法管理"),
        ("值不能以“Tab”开头",),
    ),
    "unclosed-quote": (
        changed(UNIT_FILE, "short_name: 渌口区委组织部", 'short_name: "渌口区委组织部'),
        ("引号没有闭合",),
    ),
    "bad-indent": (
        changed(YEAR_FILE, "  in_service: 33", " in_service: 33"),
        ("缩进没有对齐",),
    ),
    # ---- the writer's slips ----
    "fullwidth-colon": (
        changed(YEAR_FILE, "  in_service: 33", "  in_service： 33"),
        ("[in_service]", "中文冒号“：”", "in_service: …"),
    ),
    "fullwidth-colon-top-level": (
        changed(UNIT_FILE, "region: 湖南省株洲市渌口区", "region： 湖南省株洲市渌口区"),
        ("[region]", "中文冒号“：”"),
    ),
    "thousands-separator-in-braces": (
        changed(
            YEAR_FILE, "{name: 人才慰问经费, actual: 8.5}", "{name: 人才慰问经费, actual: 1,008.5}"
        ),
        ("“1,008.5”被读成了两项", "1008.5"),
    ),
    # ---- pydantic's words ----
    "valid-integer": (
        changed(
            UNIT_FILE,
            "kinds: [hunan-overall]",
            "kinds: [hunan-overall]\nnumbering: {hunan-overall: {三: x}}",
            at="numbering",
        ),
        ("“三”不是整数",),
    ),
    "valid-string": (
        changed(UNIT_FILE, "short_name: 渌口区委组织部", "short_name: 2023"),
        ("应是文字", "数字“2023”"),
    ),
    "valid-list": (
        changed(
            UNIT_FILE, "offices: [办公室, 研究室,", "offices: 办公室\nxx: [研究室,", at="offices"
        ),
        ("应是列表",),
    ),
    "valid-dict": (
        changed(
            UNIT_FILE,
            "kinds: [hunan-overall]",
            "kinds: [hunan-overall]\nnumbering: 5",
            at="numbering",
        ),
        ("应是“字段: 值”的映射", "数字“5”"),
    ),
    "valid-mapping": (
        changed(
            UNIT_FILE,
            "kinds: [hunan-overall]",
            "kinds: [hunan-overall]\ncontact: 张三",
            at="contact",
        ),
        ("应是“字段: 值”的映射", "文字“张三”"),
    ),
    "enum": (
        changed(
            YEAR_FILE,
            "      - name: 专项资金\n",
            "      - name: 专项资金\n        kind: 专项经费\n",
            at="kind: 专项经费",
        ),
        ("“专项经费”不是这里可选的值", "专项资金"),
    ),
    "year-not-a-year": (changed(YEAR_FILE, "year: 2023", "year: 1e999999"), ("不是年份",)),
    # ---- unreadable files ----
    "invalid-utf8": (raw("人才工作。深化", b"\xff\xfe\xfa", "人才工作。深化"), ("不是 UTF-8",)),
}


def _no_line(name: str, make: Callable[[Project], None]) -> Change:
    def change(project: Project) -> tuple[str, int | None]:
        make(project)
        return name, None

    return change


def _huge(project: Project) -> None:
    padding = ("# " + "填充" * 40 + "\n") * 500_000  # about 60 MB of comments
    project.write(YEAR_FILE, project.text(YEAR_FILE) + padding)


CASES["50-mb-file"] = (_no_line(YEAR_FILE, _huge), ("文件太大（超过 5 MB）",))


@pytest.mark.parametrize("case", list(CASES))
def test_bad_yaml_is_a_chinese_finding_at_its_line(project: Project, case: str) -> None:
    change, says = CASES[case]
    name, line = change(project)
    assert_refused(project, f"{name}:{line}" if line is not None else name, *says)


@pytest.mark.parametrize("case", ["alias-bomb", "deep-flow-nesting", "50-mb-file", "raw-nul-byte"])
def test_what_crashed_or_hung_the_command_is_a_finding(project: Project, case: str) -> None:
    """The same through `python -m jixiao`: no segfault (libyaml's stack), no hang."""
    change, says = CASES[case]
    name, line = change(project)
    assert_refused(project, f"{name}:{line}" if line is not None else name, *says, cli=True)


WITHOUT_ROOT_READS = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search")
"""A root process that obeys files' permissions: without the capabilities to read and
search past them (setpriv, util-linux), a file of mode 000 is unreadable to root too."""


def test_file_without_read_permission(project: Project) -> None:
    if os.geteuid() == 0:  # CI runs as root, who reads any file: drop that power
        if shutil.which("setpriv") is None:
            skip_or_fail("setpriv (util-linux) is needed to test an unreadable file as root")
        project.prefix = WITHOUT_ROOT_READS
    (project.root / UNIT_FILE).chmod(0)
    assert_refused(project, UNIT_FILE, "没有读取这个文件的权限", cli=True)


def test_permission_denied_is_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root no file is unreadable, so the OS refusal is simulated where load opens it."""
    file = tmp_path / "unit.yaml"
    file.write_text("full_name: x\n", encoding="utf-8")

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(ContentError) as caught:
        load(file)
    (finding,) = caught.value.findings
    assert (finding.file, finding.line) == (file, None)
    assert finding.message == "没有读取这个文件的权限。"


def test_a_folder_where_a_file_should_be(tmp_path: Path) -> None:
    """(The command lists only units whose unit.yaml is a file; a kind.yaml is loaded as named.)"""
    folder = tmp_path / "kind.yaml"
    folder.mkdir()
    with pytest.raises(ContentError) as caught:
        load(folder)
    (finding,) = caught.value.findings
    assert (finding.file, finding.line) == (folder, None)
    assert finding.message == "这是一个文件夹，不是文件。"


def test_reuse_through_aliases_is_not_a_bomb(tmp_path: Path) -> None:
    """Aliases adding up to ALIAS_FLOOR nodes are fine; the limit is for multiplication."""
    file = tmp_path / "2023.yaml"
    items = ", ".join(["x"] * 9)
    file.write_text(f"a: &a [{items}]\nb: [" + ", ".join(["*a"] * 99) + "]\n", encoding="utf-8")
    assert ALIAS_FLOOR >= 99 * 10
    assert len(load(file).data["b"]) == 99


def _load_seconds(folder: Path, megabytes: float) -> float:
    """CPU seconds to load a generated file of `megabytes`: many keys and list items."""
    file = folder / f"big-{megabytes}.yaml"
    size = int(megabytes * 1024 * 1024)
    keys = "".join(f"  key{i}: value {i}\n" for i in range(size // 40))
    items = "".join(f"  - 第{i}项\n" for i in range(size // 30))
    file.write_text(f"numbering:\n{keys}goals:\n{items}", encoding="utf-8")
    start = time.process_time()
    source = load(file)
    seconds = time.process_time() - start
    assert len(source.data["goals"]) == size // 30
    return seconds


def test_loading_is_linear(tmp_path: Path) -> None:
    """Four times the size takes about four times as long, and 2 MB well under 4 s (before
    the garbage collector paused and the resolver was fixed: 4.0 s, 4 MB 9 s of CPU)."""
    small, large = _load_seconds(tmp_path, 0.5), _load_seconds(tmp_path, 2)
    assert large < 3.5, f"2 MB loaded in {large:.1f} s"
    assert large < 6 * small, f"0.5 MB: {small:.2f} s, 2 MB: {large:.2f} s"


def test_the_pure_parser_meets_the_same_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without libyaml, deep nesting is refused before ruamel's recursive composer sees it."""
    from ruamel.yaml import YAML

    monkeypatch.setattr(loading, "_yaml", lambda: YAML(typ="safe", pure=True))
    file = tmp_path / "2023.yaml"
    file.write_text("a: " + "{b: " * 5000 + "1" + "}" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load(file)
    (finding,) = caught.value.findings
    assert finding.line == 1 and f"嵌套超过 {MAX_DEPTH} 层" in finding.message
