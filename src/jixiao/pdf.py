"""Convert a rendered .docx to PDF with LibreOffice (`soffice --headless`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from importlib import resources
from pathlib import Path

FONTS_CONF = resources.files("jixiao") / "fonts.conf"


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
        result = subprocess.run(
            [
                executable,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                str(docx),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    pdf = out_dir / (docx.stem + ".pdf")
    if result.returncode != 0 or not pdf.is_file():
        raise RuntimeError(f"soffice failed ({result.returncode}): {result.stderr.strip()}")
    return pdf
