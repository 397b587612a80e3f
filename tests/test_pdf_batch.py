"""`render --pdf` on a batch: one LibreOffice converts every document; a hung or crashed one
is stopped, never leaves a PDF at a final path, and the documents it missed get a LibreOffice
each. The fakes stand in for soffice on PATH; the crash test hands the real one its work."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jixiao.pdf import pdf_problem, soffice
from tests.conftest import cli_env, copy_samples, run_jixiao
from tests.test_cli_pdf import alive, require_office, written

UNITS_2022 = ("conghua-zzb", "kaifu-zzb", "yunxi-zzb")


def fake_soffice(tmp_path: Path, body: str) -> str:
    """A PATH on which `soffice` is a Python script: `body` after `args` (the command line)
    and `docs` (its .docx files) are set and the number of documents is logged; the PATH."""
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir(exist_ok=True)
    head = (
        f"#!{sys.executable}\nimport os, subprocess, sys, time\n"
        "args = sys.argv[1:]\ndocs = [a for a in args if a.endswith('.docx')]\n"
        f"with open({str(tmp_path / 'calls')!r}, 'a') as log:\n"
        "    log.write(f'{os.getpid()} {len(docs)}\\n')\n"
    )
    fake.write_text(head + body, encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    return f"{fake.parent}{os.pathsep}{os.environ.get('PATH', '')}"


def calls(tmp_path: Path) -> list[tuple[int, int]]:
    """Each start of the fake soffice: its process id and how many documents it was given."""
    lines = (tmp_path / "calls").read_text().split("\n")
    return [(int(pid), int(count)) for pid, count in (line.split() for line in lines if line)]


def test_a_hung_libreoffice_in_a_batch_is_stopped_and_nothing_is_placed(tmp_path: Path) -> None:
    """LibreOffice hangs on every document: the batch and each retry stop at the time limit,
    every document is reported in Chinese, no file reaches the output and no process is left."""
    project = copy_samples(tmp_path / "project")
    out = project / "out"
    path = fake_soffice(tmp_path, "time.sleep(300)\n")
    run = run_jixiao(
        project, "render", "2022", "--out", str(out), "--pdf", "--pdf-timeout", "1.5", path=path
    )
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    started = calls(tmp_path)
    documents = sum(count for _, count in started if count > 1)
    assert documents >= 4 and started[0][1] == documents, "one LibreOffice for the whole batch"
    assert [count for _, count in started[1:]] == [1] * documents, "then one per document"
    timeouts = run.stderr.count("超过 2 秒仍未完成，已停止 LibreOffice 及其启动的进程")
    assert timeouts == documents, run.stderr
    for unit in UNITS_2022:
        assert f"{unit}：共 " in run.stderr, run.stderr  # each unit says it was not written
    assert written(out) == []
    assert not list(out.rglob(".~*")), "staging folders are removed"
    deadline = time.monotonic() + 2
    while any(alive(pid) for pid, _ in started) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid, _ in started if alive(pid)]


@pytest.mark.office
def test_a_libreoffice_that_crashes_mid_batch_leaves_the_rest_to_one_each(tmp_path: Path) -> None:
    """LibreOffice converts the batch's first document, then aborts: that PDF is kept, the
    others are converted one LibreOffice each, and every unit gets valid PDFs."""
    require_office()
    real = soffice()
    project = copy_samples(tmp_path / "project")
    out = project / "out"
    body = (
        "if len(docs) > 1:\n"
        f"    subprocess.run([{real!r}, *[a for a in args if a not in docs], docs[0]])\n"
        "    os.abort()\n"
        f"os.execv({real!r}, [{real!r}, *args])\n"
    )
    run = run_jixiao(
        project, "render", "2022", "--out", str(out), "--pdf", path=fake_soffice(tmp_path, body)
    )
    assert run.returncode == 0, run.stderr
    started = [count for _, count in calls(tmp_path)]
    assert started[0] >= 4 and started[1:] == [1] * (started[0] - 1), started
    docx = [p for p in written(out) if p.suffix == ".docx"]
    pdfs = [p for p in written(out) if p.suffix == ".pdf"]
    assert len(docx) == started[0]
    assert sorted(p.with_suffix(".pdf") for p in docx) == sorted(pdfs)
    assert [pdf_problem(pdf) for pdf in pdfs] == [None] * len(pdfs)
    assert not list(out.rglob(".~*"))


def test_ctrl_c_while_libreoffice_converts_stops_it_and_writes_nothing(tmp_path: Path) -> None:
    """Ctrl-C while the batch's LibreOffice runs: it is stopped with the command, within a
    second or two; no unit is written and nothing is left behind."""
    project = copy_samples(tmp_path / "project")
    out = project / "out"
    command = ["render", "2022", "--pdf", "--out", str(out)]
    process = subprocess.Popen(
        [sys.executable, "-m", "jixiao", "--root", str(project), *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=cli_env(PATH=fake_soffice(tmp_path, "time.sleep(300)\n")),
        cwd=project,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "calls").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (tmp_path / "calls").exists(), "LibreOffice was started"
        stopped = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)  # a terminal's Ctrl-C: jixiao's process group
        _, stderr = process.communicate(timeout=10)
        seconds = time.monotonic() - stopped
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130, stderr
    assert seconds < 2, f"took {seconds:.1f} s to stop"
    assert "Traceback" not in stderr and "已中断（Ctrl-C）：0 个单位已生成" in stderr
    assert written(out) == []
    assert not list(out.rglob(".~*"))
    assert not [pid for pid, _ in calls(tmp_path) if alive(pid)], "LibreOffice is stopped"


def test_the_time_limit_is_per_document_not_for_the_whole_batch(tmp_path: Path) -> None:
    """A LibreOffice that takes 0.6 s over each document, limit 1.5 s: the batch takes longer
    than the limit, yet no document does, so it is not stopped and nothing is converted again.
    (The fake writes files that pass the PDF check, as LibreOffice prints a line for each.)"""
    project = copy_samples(tmp_path / "project")
    out = project / "out"
    body = (
        "out = args[args.index('--outdir') + 1]\n"
        "for doc in docs:\n"
        "    time.sleep(0.6)\n"
        "    pdf = os.path.join(out, os.path.basename(doc)[:-5] + '.pdf')\n"
        "    open(pdf, 'wb').write(b'%PDF-1.7\\n' + b'0' * 600 + b'\\n%%EOF\\n')\n"
        "    print('convert', doc, '->', pdf, flush=True)\n"
    )
    path = fake_soffice(tmp_path, body)
    run = run_jixiao(
        project, "render", "2022", "--out", str(out), "--pdf", "--pdf-timeout", "1.5", path=path
    )
    assert run.returncode == 0, run.stderr
    started = [count for _, count in calls(tmp_path)]
    assert len(started) == 1 and started[0] * 0.6 > 1.5, started
    assert len([p for p in written(out) if p.suffix == ".pdf"]) == started[0]
