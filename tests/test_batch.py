"""`jixiao render` over many units, through the real command in a subprocess.

Units render in a process pool; each unit is all or nothing; the summary table names every
unit; a terminal gets a progress bar and a pipe does not; two runs a second apart write
byte-identical files.
"""

from __future__ import annotations

import io
import os
import pty
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO, cli_env, copy_samples, run_jixiao

SAMPLE = "lukou-zzb"
YEAR = 2023


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with the templates and three clones of the lukou-zzb sample."""
    root = copy_samples(tmp_path / "project", "templates")
    for unit in ("unit001", "unit002", "unit003"):
        shutil.copytree(REPO / "content" / SAMPLE, root / "content" / unit)
    return root


def files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative path."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_every_unit_is_written_and_summarised(project: Path) -> None:
    out = project / "out"
    run = run_jixiao(project, "render", str(YEAR), "--out", str(out))
    assert run.returncode == 0, run.stderr
    written = files(out)
    assert sorted({Path(name).parts[1] for name in written}) == ["unit001", "unit002", "unit003"]
    assert all(name.endswith(".docx") for name in written)
    table = run.stdout[run.stdout.index("单位") :]
    for unit in ("unit001", "unit002", "unit003"):
        assert unit in table
    for column in ("文档", "总分", "问题", "用时"):
        assert column in table
    assert "共 3 个单位、3 份文档" in run.stdout
    assert "━" not in run.stdout and "\x1b[" not in run.stdout, "no progress bar into a pipe"


def test_a_bad_unit_writes_nothing_and_the_others_are_written(project: Path) -> None:
    bad = project / "content" / "unit002" / f"{YEAR}.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("actual: 761.25", "actual: -1"))
    out = project / "out"
    run = run_jixiao(project, "render", str(YEAR), "--out", str(out))
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    units = {Path(name).parts[1] for name in files(out)}
    assert units == {"unit001", "unit003"}
    assert f"content/unit002/{YEAR}.yaml:" in run.stderr
    assert "unit002：共 1 个错误，未生成该单位的报告。" in run.stderr
    assert "1 个单位有错误，未生成其报告：unit002。" in run.stderr
    row = next(line for line in run.stdout.splitlines() if line.strip().startswith("unit002"))
    assert row.split()[1] == "未生成"


def test_summary_in_english(project: Path) -> None:
    run = run_jixiao(project, "--lang", "en", "render", str(YEAR), "--out", str(project / "out"))
    assert run.returncode == 0, run.stderr
    assert "total score" in run.stdout and "3 unit(s), 3 document(s)" in run.stdout


def test_the_summary_shows_the_total_score(tmp_path: Path) -> None:
    root = copy_samples(tmp_path / "project", "templates", "content/kaifu-zzb")
    run = run_jixiao(root, "render", "2022", "--out", str(root / "out"))
    assert run.returncode == 0, run.stderr
    line = next(line for line in run.stdout.splitlines() if line.strip().startswith("kaifu-zzb"))
    row = line.split()
    assert row[1] == "2"  # two report kinds
    score = float(row[2])
    assert 0 < score <= 100


def test_a_terminal_gets_a_progress_bar(project: Path) -> None:
    """Under a pseudo-terminal the progress label is drawn; the table follows."""
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "jixiao", "--root", str(project), "render", str(YEAR)]
    command += ["--out", str(project / "out")]
    process = subprocess.Popen(
        command, stdout=follower, stderr=subprocess.PIPE, env=cli_env(), cwd=project
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=300) == 0
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "生成 2023 年度报告" in shown
    assert "共 3 个单位" in shown


def test_two_renders_a_second_apart_are_byte_identical(tmp_path: Path) -> None:
    """The same content gives the same bytes: no clock in zip entries or core properties."""
    root = copy_samples(tmp_path / "project")
    outputs = []
    for run_number in (1, 2):
        out = tmp_path / f"out{run_number}"
        for year in (2022, 2023):
            run = run_jixiao(root, "render", str(year), "--out", str(out))
            assert run.returncode == 0, run.stderr
        outputs.append(files(out))
        time.sleep(1.1)
    first, second = outputs
    assert len(first) >= 3
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], f"{name} differs between runs"
        with zipfile.ZipFile(io.BytesIO(first[name])) as archive:
            assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
            core = archive.read("docProps/core.xml").decode("utf-8")
        assert time.strftime("%Y-%m-%dT", time.gmtime()) not in core, "a time from the clock"
