"""Convert a rendered .docx to PDF with LibreOffice (`soffice --headless`).

LibreOffice runs in a session of its own, so a conversion that hangs or is stopped is ended
with every process it started; what it writes is accepted only if it reads as a PDF.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from contextlib import suppress
from importlib import resources
from pathlib import Path

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
    executable = soffice()
    if executable is None:
        raise FileNotFoundError("soffice")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as profile:
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)}
        command = [
            executable,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(docx),
        ]
        code, errors = _run(command, env, timeout)
    pdf = out_dir / (docx.stem + ".pdf")
    if code != 0 or not pdf.is_file():
        raise RuntimeError(f"soffice failed ({code}): {errors}")
    problem = pdf_problem(pdf)
    if problem:
        raise RuntimeError(problem)
    return pdf


def _run(command: list[str], env: dict[str, str], timeout: float) -> tuple[int, str]:
    """Run `command` in a new session; its exit code and error output. On a timeout or any
    exception (Ctrl-C, the unit's time limit), the whole session is killed first."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    try:
        _, errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_session(process)
        raise RuntimeError(say("pdf_timeout", seconds=round(timeout))) from None
    except BaseException:
        _kill_session(process)
        raise
    _kill_session(process)  # anything LibreOffice left running in the background
    return process.returncode, errors.decode("utf-8", "replace").strip()


def _kill_session(process: subprocess.Popen[bytes]) -> None:
    """Kill every process in `process`'s session (its process group), then reap it."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)
    if process.stderr is not None:
        process.stderr.close()


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
        return str(exc.strerror or exc)
    if head != b"%PDF-" or b"%%EOF" not in tail or size < SMALLEST_PDF:
        return say("pdf_invalid", size=size)
    return None
