"""`jixiao render YEAR --pdf` through the real command: a PDF beside every .docx, or a clear no.

The conversion test needs LibreOffice (soffice) and pdfinfo: it skips when they are missing,
and fails instead in CI (CI=true), which installs them. The other tests fake or hide soffice.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pytest

from jixiao.pdf import soffice
from tests.conftest import copy_samples, run_jixiao, skip_or_fail

A4_PT = (595.3, 841.9)


def require_office() -> None:
    """Skip without soffice and pdfinfo; in CI (CI=true), fail instead."""
    missing = [] if soffice() else ["soffice (LibreOffice)"]
    missing += [] if shutil.which("pdfinfo") else ["pdfinfo (poppler-utils)"]
    if missing:
        skip_or_fail("missing " + ", ".join(missing) + "; .ci/run installs them with apt-get")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the shipped samples (content and templates) in tmp_path/project."""
    return copy_samples(tmp_path / "project")


def written(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file()) if out.exists() else []


def test_render_pdf_writes_an_a4_pdf_beside_every_docx(project: Path) -> None:
    require_office()
    out = project / "out"
    run = run_jixiao(project, "render", "2022", "--unit", "kaifu-zzb", "--out", str(out), "--pdf")
    assert run.returncode == 0, run.stderr
    docx = [p for p in written(out) if p.suffix == ".docx"]
    pdfs = [p for p in written(out) if p.suffix == ".pdf"]
    assert len(docx) == 2  # kaifu-zzb: the overall report and the key-project report
    assert sorted(p.with_suffix(".pdf") for p in docx) == sorted(pdfs)
    assert not [p for p in out.rglob(".~*")], "the staging folder is removed"
    for pdf in pdfs:
        assert pdf.read_bytes().startswith(b"%PDF-")
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout, re.MULTILINE)
        assert size, info.stdout
        assert abs(float(size[1]) - A4_PT[0]) < 2 and abs(float(size[2]) - A4_PT[1]) < 2
        assert f"已生成 out/2022/kaifu-zzb/{pdf.name}" in run.stdout


@pytest.mark.parametrize("lang", [None, "en"])
def test_without_soffice_pdf_is_refused_and_nothing_is_written(
    project: Path, tmp_path: Path, lang: str | None
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    out = project / "out"
    options = ["--lang", lang] if lang else []
    run = run_jixiao(
        project, *options, "render", "2023", "--out", str(out), "--pdf", path=str(empty)
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    if lang == "en":
        assert "LibreOffice (soffice) is not installed" in run.stderr
        assert "leave out --pdf" in run.stderr
    else:
        assert "未找到 LibreOffice（soffice），无法生成 PDF。" in run.stderr
        assert "apt-get install libreoffice-writer-nogui" in run.stderr
    assert written(out) == []


def test_a_failed_conversion_writes_nothing_for_that_unit(project: Path, tmp_path: Path) -> None:
    """A LibreOffice that fails: the unit gets neither .docx nor PDF, and the command says so."""
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'conversion broke' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    out = project / "out"
    path = f"{fake.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    run = run_jixiao(project, "render", "2023", "--out", str(out), "--pdf", path=path)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "LibreOffice 未能把" in run.stderr
    assert "PDF：soffice 以代码 3 结束：conversion broke" in run.stderr, run.stderr
    assert written(out) == []
    assert not list(out.rglob(".~*")), "the staging folder is removed"


def fake_soffice(tmp_path: Path, script: str) -> str:
    """A PATH on which `soffice` is the shell `script`; the PATH."""
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir(exist_ok=True)
    fake.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    return f"{fake.parent}{os.pathsep}{os.environ.get('PATH', '')}"


def alive(pid: int) -> bool:
    """Whether process `pid` runs (a zombie waiting to be reaped does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in "ZX"


def test_a_hung_libreoffice_is_stopped_with_the_processes_it_started(
    project: Path, tmp_path: Path
) -> None:
    """A LibreOffice that never finishes and has started a child: at the conversion's time
    limit both are gone, the unit is reported, and nothing is written."""
    pids = tmp_path / "pids"
    script = f"sleep 300 &\necho $! >> {pids}\necho $$ >> {pids}\nsleep 300\n"
    out = project / "out"
    run = run_jixiao(
        project,
        *("render", "2023", "--unit", "lukou-zzb", "--out", str(out), "--pdf"),
        *("--pdf-timeout", "3"),
        path=fake_soffice(tmp_path, script),
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert (
        "LibreOffice 未能把 2023年度渌口区委组织部部门整体支出绩效自评报告.docx 转换为 PDF："
        "超过 3 秒仍未完成，已停止 LibreOffice 及其启动的进程"
    ) in run.stderr
    started = [int(pid) for pid in pids.read_text().split()]
    assert len(started) == 2
    deadline = time.monotonic() + 2
    while any(alive(pid) for pid in started) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in started if alive(pid)], "LibreOffice's child outlived it"
    assert written(out) == []
    assert not list(out.rglob(".~*"))


def test_a_pdf_that_is_not_a_pdf_is_not_placed(project: Path, tmp_path: Path) -> None:
    """A LibreOffice that exits 0 having written garbage: the unit is refused, nothing placed."""
    script = (
        'while [ $# -gt 0 ]; do [ "$1" = --outdir ] && { shift; dir="$1"; }; last="$1"; shift; '
        'done\necho "not a pdf" > "$dir/$(basename "$last" .docx).pdf"\n'
    )
    out = project / "out"
    run = run_jixiao(
        project,
        *("render", "2023", "--unit", "lukou-zzb", "--out", str(out), "--pdf"),
        path=fake_soffice(tmp_path, script),
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "LibreOffice 未能把 2023年度渌口区委组织部部门整体支出绩效自评报告.docx 转换为 PDF" in (
        run.stderr
    )
    assert "生成的文件不是有效的 PDF（10 字节，缺少 %PDF- 开头或 %%EOF 结尾）" in run.stderr
    assert written(out) == []
    assert not list(out.rglob(".~*"))
