"""Convert a rendered .docx to PDF with LibreOffice (`soffice --headless`).

LibreOffice runs in a session of its own, so a conversion that hangs or is stopped is ended
with every process it started; what it writes is accepted only if it reads as a PDF. A batch
of documents goes through one LibreOffice (`to_pdfs`): starting it costs more than converting
a report, so one process for all is several times faster than one per file.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from contextlib import suppress
from importlib import resources
from pathlib import Path

from jixiao.errors import os_reason
from jixiao.messages import say

FONTS_CONF = resources.files("jixiao") / "fonts.conf"
SMALLEST_PDF = 512
"""Fewer bytes than this cannot be a page of a report."""


def soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: Path, out_dir: Path, timeout: float = 180) -> Path:
    """Write `docx` as PDF into `out_dir`; returns the PDF path. Raises RuntimeError on failure.

    A private LibreOffice profile keeps parallel conversions apart, and jixiao's fontconfig
    aliases map the 公文 font names to installed free faces.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as profile:
        code, errors = _run(_command(Path(profile), out_dir, [docx]), _env(), timeout)
    pdf = out_dir / (docx.stem + ".pdf")
    if code != 0 or not pdf.is_file():
        said = errors.strip() or say("pdf_no_output")
        raise RuntimeError(say("pdf_soffice_exit", status=code, errors=said))
    problem = pdf_problem(pdf)
    if problem:
        raise RuntimeError(problem)
    return pdf


def to_pdfs(documents: list[Path], out_dir: Path, timeout: float = 180) -> dict[Path, Path | str]:
    """Convert `documents` (distinct file names) through one LibreOffice; each one's PDF in
    `out_dir`, or why it failed (a message).

    One `soffice --convert-to pdf` is given every file. It may go `timeout` seconds without
    finishing a document before it is stopped with every process it started. Each PDF is
    checked; a document whose PDF is missing or broken (LibreOffice hung, crashed or wrote
    garbage) is converted again by a LibreOffice of its own with the same time limit.
    """
    if len(documents) <= 1:
        return {docx: _one(docx, out_dir / "single", timeout) for docx in documents}
    batch = out_dir / "batch"
    batch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as profile:
        _run(_command(Path(profile), batch, documents), _env(), timeout, idle=batch)
    results: dict[Path, Path | str] = {}
    for docx in documents:
        pdf = batch / (docx.stem + ".pdf")
        ok = pdf.is_file() and pdf_problem(pdf) is None
        results[docx] = pdf if ok else _one(docx, out_dir / "single", timeout)
    return results


def _one(docx: Path, out_dir: Path, timeout: float) -> Path | str:
    """`to_pdf`, a failure as its message."""
    try:
        return to_pdf(docx, out_dir, timeout)
    except CONVERSION_FAILURES as exc:
        return conversion_failure(exc)


CONVERSION_FAILURES = (OSError, RuntimeError, subprocess.SubprocessError)
"""What a conversion raises when it fails (as opposed to a bug in jixiao)."""


def conversion_failure(exc: BaseException) -> str:
    """Why a conversion failed, in the user's language: an OS error said by `os_reason`,
    else the message `to_pdf` raised (already in the user's language)."""
    if isinstance(exc, OSError):
        return os_reason(exc)
    return str(exc).strip() or type(exc).__name__


def _command(profile: Path, out_dir: Path, documents: list[Path]) -> list[str]:
    """The soffice command line converting `documents` to PDF in `out_dir`, with `profile`."""
    executable = soffice()
    if executable is None:
        raise FileNotFoundError("soffice")
    return [
        executable,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out_dir),
        *(str(docx) for docx in documents),
    ]


def _env() -> dict[str, str]:
    """LibreOffice's environment: jixiao's fontconfig aliases on top of ours."""
    return {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)}


def _run(
    command: list[str], env: dict[str, str], timeout: float, idle: Path | None = None
) -> tuple[int, str]:
    """Run `command` in a new session: its exit code (-9 if it was stopped) and error output.
    Without `idle`, a run past `timeout` raises RuntimeError (pdf_timeout); with it
    (the folder the PDFs go to), the run is stopped (not raised) once `timeout` seconds pass
    without progress (see _watch). On any exception (Ctrl-C, the unit's time limit) the
    whole session is killed first, as it is after a normal end."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if idle is not None else subprocess.DEVNULL,
            stderr=errors,
            env=env,
            start_new_session=True,
        )
        try:
            if idle is not None:
                _watch(process, timeout, idle)
            else:
                process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_session(process)
            raise RuntimeError(say("pdf_timeout", seconds=round(timeout))) from None
        except BaseException:
            _kill_session(process)
            raise
        _kill_session(process)  # anything LibreOffice left running in the background
        errors.seek(0)
        text = errors.read().decode("utf-8", "replace").strip()
    return process.returncode if process.returncode is not None else -9, text


def _watch(process: subprocess.Popen[bytes], idle: float, out_dir: Path) -> None:
    """Wait for `process` to end while it shows progress at least every `idle` seconds: a
    line of output (LibreOffice prints one as it finishes each document, unbuffered) or a
    new file in `out_dir`; return early, the process left running, when it shows none."""
    lines: queue.Queue[bytes | None] = queue.Queue()
    stream = process.stdout
    assert stream is not None

    def read() -> None:
        with suppress(OSError, ValueError):  # the stream closed as the session is killed
            for line in stream:
                lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    last, files = time.monotonic(), _count(out_dir)
    while True:
        try:
            if lines.get(timeout=min(idle, 1.0)) is None:
                break
            last = time.monotonic()
        except queue.Empty:
            now = _count(out_dir)
            if now != files:
                last, files = time.monotonic(), now
            elif time.monotonic() - last >= idle:
                return
    process.wait()


def _count(folder: Path) -> int:
    """How many entries `folder` holds (0 if it cannot be read)."""
    try:
        return sum(1 for _ in folder.iterdir())
    except OSError:
        return 0


def _kill_session(process: subprocess.Popen[bytes]) -> None:
    """Kill every process in `process`'s session (its process group), then reap it."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)
    if process.stdout is not None:
        process.stdout.close()


def pdf_problem(path: Path) -> str | None:
    """Why the file at `path` is not a usable PDF (a message), or None if it looks like one:
    it starts with %PDF-, ends with %%EOF, and is not too small to hold a page."""
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(5)
            stream.seek(max(0, size - 1024))
            tail = stream.read()
    except OSError as exc:
        return os_reason(exc)
    if head != b"%PDF-" or b"%%EOF" not in tail or size < SMALLEST_PDF:
        return say("pdf_invalid", size=size)
    return None
