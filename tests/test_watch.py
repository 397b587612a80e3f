"""`jixiao watch`: a real process on a temp project copy, edited as a writer edits it.

A save re-renders the .docx with the new text; a save that introduces an error prints the
finding and leaves the last good .docx as it was; Ctrl-C (SIGINT) ends it with code 130
and a short line, no traceback.
"""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jixiao.docxtext import read_text
from jixiao.project import Project
from jixiao.watch import relevant
from tests.conftest import REPO, cli_env, copy_samples

UNIT, YEAR = "lukou-zzb", 2023
REPORT = "2023年度渌口区委组织部部门整体支出绩效自评报告.docx"
COMMAND = ("watch", str(YEAR), "--unit", UNIT)
WAIT = 60.0


class Watcher:
    """A `jixiao watch` process and the lines it prints (stdout and stderr together)."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen(
            [*(sys.executable, "-m", "jixiao", "--root", str(root)), *COMMAND],
            cwd=root,
            env=cli_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def until(self, text: str, timeout: float = WAIT) -> list[str]:
        """The lines printed up to and including the first one containing `text`."""
        end = time.monotonic() + timeout
        got: list[str] = []
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            got.append(line)
            self.seen.append(line)
            if text in line:
                return got
        raise AssertionError(f"no line with {text!r} within {timeout}s; printed: {self.seen}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def watcher(tmp_path: Path) -> Iterator[tuple[Watcher, Path]]:
    root = copy_samples(tmp_path)
    w = Watcher(root)
    try:
        yield w, root
    finally:
        w.stop()


def save(path: Path, old: str, new: str) -> None:
    """Replace `old` by `new` in the file, as an editor saves it (whole file rewritten)."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_watch_renders_each_save_and_keeps_the_last_good_docx(
    watcher: tuple[Watcher, Path],
) -> None:
    w, root = watcher
    year_file = root / "content" / UNIT / f"{YEAR}.yaml"
    report = root / "output" / str(YEAR) / UNIT / REPORT
    w.until("已生成")  # the first render, before any save
    assert report.is_file()
    before = read_text(report)
    assert "人员经费761.25万元" in before

    save(year_file, "    personnel:\n      actual: 761.25", "    personnel:\n      actual: 761.35")
    lines = w.until("毫秒")
    assert any("已保存" in line and f"{YEAR}.yaml" in line for line in lines)
    good = report.read_bytes()
    after = read_text(report)
    assert "人员经费761.35万元" in after and "人员经费761.25万元" not in after

    save(year_file, "    personnel:\n      actual: 761.35", "    personnel:\n      actual: 七百万")
    lines = w.until("保持不变")
    assert any(f"{YEAR}.yaml:" in line and "“七百万”不是金额" in line for line in lines)
    assert report.read_bytes() == good  # the last good report, untouched
    assert not [p.name for p in report.parent.iterdir() if p.name.startswith(".~jixiao")]

    w.process.send_signal(signal.SIGINT)
    assert w.process.wait(WAIT) == 130
    w.lines.put("")  # the reader may still be draining
    rest = w.until("已停止监视", 5)
    assert not any("Traceback" in line for line in w.seen + rest)


def test_watch_reads_the_kind_and_template_again(watcher: tuple[Watcher, Path]) -> None:
    """A save of the kind's kind.yaml renders with the new setting; a save of its Word
    template renders again too (both read anew by the process that stays up)."""
    w, root = watcher
    kind = root / "templates" / "hunan-overall"
    report = root / "output" / str(YEAR) / UNIT / REPORT
    w.until("已生成")
    assert "一般公共预算支出情况" in read_text(report)
    save(kind / "kind.yaml", "title: 一般公共预算支出情况", "title: 一般公共预算支出的情况")
    lines = w.until("毫秒")
    assert any("kind.yaml" in line and "已保存" in line for line in lines)
    assert "一般公共预算支出的情况" in read_text(report)
    template = kind / "report.docx"
    template.write_bytes(template.read_bytes())
    lines = w.until("毫秒")
    assert any("report.docx" in line and "已保存" in line for line in lines)


def test_which_saves_render_again() -> None:
    """The unit's files and its kinds' files count; other units, kinds, years, lock files
    and the output do not."""
    project = Project(REPO)
    wanted = relevant(project, "kaifu-zzb", 2022)  # kinds: hunan-overall, key-project
    yes = [
        "content/kaifu-zzb/2022.yaml",
        "content/kaifu-zzb/unit.yaml",
        "templates/hunan-overall/kind.yaml",
        "templates/hunan-overall/report.docx",
        "templates/hunan-overall/forms/basic_data.yaml",
        "templates/key-project/forms/key_overview.yaml",
        "templates/_forms/indicators.yaml",
    ]
    no = [
        "content/kaifu-zzb/2023.yaml",
        "content/lukou-zzb/2023.yaml",
        "templates/hunan-overall/~$port.docx",
        "templates/hunan-overall/.~lock.report.docx#",
        "templates/yueyang-form/kind.yaml",
        "templates/yueyang-form/forms/profile.yaml",
        "templates/_forms/README.txt",
        "output/2022/kaifu-zzb/report.docx",
    ]
    assert [p for p in yes if not wanted(REPO / p)] == []
    assert [p for p in no if wanted(REPO / p)] == []
