"""Render the units of a year: one process per core, a progress bar, and a summary table.

Each unit is all or nothing: a unit with errors writes nothing, the others are still
written. With PDFs, every document of a unit is converted in a staging folder first, so a
failed conversion leaves no half set of files behind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import typer

from jixiao import messages
from jixiao.checks import review
from jixiao.errors import ContentError, Finding, Severity, error
from jixiao.formatting import num
from jixiao.messages import listing, say
from jixiao.output import write_atomic
from jixiao.pdf import soffice, to_pdf
from jixiao.project import Document, Project, build, load_unit_year, prepare_all


@dataclass(frozen=True)
class Job:
    """One unit to render: the project, the year, the unit's output folder, PDF or not."""

    root: Path
    unit: str
    year: int
    out: Path
    pdf: bool = False
    lang: str = "zh"


@dataclass(frozen=True)
class UnitResult:
    """What rendering one unit gave: files written, 总分, findings, seconds taken."""

    unit: str
    written: list[Path] = field(default_factory=list)
    score: Decimal | None = None
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def documents(self) -> int:
        return sum(1 for p in self.written if p.suffix == ".docx")


def render_unit(job: Job) -> UnitResult:
    """Check and build every document of one unit, then write them all (with PDFs) or none."""
    messages.set_language(job.lang)
    start = time.perf_counter()
    project = Project(job.root)
    try:  # as checks.build_checked, keeping the figures for the summary's 总分
        unit_year = load_unit_year(project, job.unit, job.year)
        prepared = prepare_all(unit_year)  # the contexts, built once for checks and render
        findings = review(project, unit_year, prepared)
        if any(f.severity is Severity.ERROR for f in findings):
            raise ContentError(findings)
        documents = build(unit_year, prepared)
        score = unit_year.figures.self_score
        written = write_unit(job.out, documents, job.pdf)
    except ContentError as exc:
        return UnitResult(job.unit, findings=exc.findings, seconds=time.perf_counter() - start)
    return UnitResult(job.unit, written, score, findings, time.perf_counter() - start)


def write_unit(out: Path, documents: list[Document], pdf: bool) -> list[Path]:
    """Write `documents` into `out`, each atomically; with `pdf`, their PDFs beside them."""
    if not pdf:
        for document in documents:
            write_atomic(out / document.filename, document.data)
        return [out / d.filename for d in documents]
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".~jixiao-", dir=out))
    except OSError as exc:
        failure = say("write_failed", path=out, detail=exc.strerror or exc)
        raise ContentError([error(out, None, "", failure, say("write_failed_hint"))]) from None
    try:
        pdfs = [_convert(staging, out, document) for document in documents]
        written = []
        for document, converted in zip(documents, pdfs, strict=True):
            target = out / document.filename
            write_atomic(target, document.data)
            os.replace(converted, target.with_suffix(".pdf"))
            written += [target, target.with_suffix(".pdf")]
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _convert(staging: Path, out: Path, document: Document) -> Path:
    """Convert one document to PDF inside `staging`; ContentError naming it on failure."""
    docx = staging / document.filename
    try:
        docx.write_bytes(document.data)
        return to_pdf(docx, staging / "pdf")
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        detail = str(exc).strip() or type(exc).__name__
        failure = say("pdf_failed", name=document.filename, detail=detail)
        target = out / document.filename
        raise ContentError([error(target, None, "", failure, say("pdf_failed_hint"))]) from None


def run_jobs(
    jobs: list[Job], done: Callable[[UnitResult], None] = lambda _result: None
) -> list[UnitResult]:
    """Render `jobs` on up to every core (in this process when one suffices), in job order."""
    workers = min(os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        results = []
        for job in jobs:
            results.append(render_unit(job))
            done(results[-1])
        return results
    from concurrent.futures import ProcessPoolExecutor, as_completed

    by_unit: dict[str, UnitResult] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(render_unit, job) for job in jobs]  # fork before any thread
        for future in as_completed(futures):
            result = future.result()
            by_unit[result.unit] = result
            done(result)
    return [by_unit[job.unit] for job in jobs]


def render_year(
    project: Project, year: int, units: list[str], out_root: Path, pdf: bool = False
) -> int:
    """Render `units` for `year` under out_root/<year>/<unit>/; print what happened; exit code."""
    if pdf and soffice() is None:
        raise ContentError([error(None, None, "", say("no_soffice"), say("no_soffice_hint"))])
    jobs = [
        Job(project.root, unit, year, out_root / str(year) / unit, pdf, messages.language())
        for unit in units
    ]
    started = time.perf_counter()
    if sys.stdout.isatty() and len(jobs) > 1:
        results = _with_progress(jobs, say("progress", year=year))
    else:
        results = run_jobs(jobs)
    _print(results, project.root, time.perf_counter() - started)
    return 1 if any(r.errors for r in results) else 0


def _with_progress(jobs: list[Job], label: str) -> list[UnitResult]:
    """`run_jobs` with a progress bar on the terminal (gone when done)."""
    from rich import progress as bar

    columns = (bar.TextColumn("{task.description}"), bar.BarColumn(), bar.MofNCompleteColumn())
    with bar.Progress(*columns, bar.TimeElapsedColumn(), transient=True) as progress:
        task = progress.add_task(label, total=len(jobs))
        return run_jobs(jobs, lambda _result: progress.advance(task))


def _print(results: list[UnitResult], root: Path, seconds: float) -> None:
    """Findings (stderr), files written and the summary table (stdout), then any failures."""
    for result in results:
        for finding in result.findings:
            typer.echo(finding.render(root), err=True)
        if result.errors:
            typer.echo(say("unit_aborted", unit=result.unit, count=result.errors), err=True)
        for path in result.written:
            typer.echo(say("wrote", path=shown(path)))
    documents = sum(r.documents for r in results)
    caption = say("summary_total", units=len(results), documents=documents, seconds=seconds)
    columns = ("summary_unit", "summary_documents", "summary_score", "summary_findings")
    header = [say(column) for column in (*columns, "summary_time")]
    rows = [
        [
            r.unit,
            say("summary_failed") if r.errors else str(r.documents),
            num(r.score),
            str(len(r.findings)),
            say("summary_seconds", seconds=r.seconds),
        ]
        for r in results
    ]
    plain = _plain_table(header, rows, caption)
    if plain is not None:
        sys.stdout.write(plain)
        sys.stdout.flush()
    else:
        _rich_table(header, rows, caption)
    failed = [r.unit for r in results if r.errors]
    if failed:
        typer.echo(say("units_failed", failed=len(failed), units=listing(failed)), err=True)


def _rich_table(header: list[str], rows: list[list[str]], caption: str) -> None:
    """The summary table drawn by rich: first column left, the others right."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, caption=caption, caption_justify="left")
    table.add_column(header[0])
    for column in header[1:]:
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(*row)
    Console(highlight=False).print(table)


_MARKUP = set("[:")  # rich markup, emoji codes
_RICH_ENVIRONMENT = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS")


def _plain_table(header: list[str], rows: list[list[str]], caption: str) -> str | None:
    """The summary table as `_rich_table` draws it into a pipe or file, without importing
    rich's console (a noticeable part of a one-report run); None where only rich can draw
    it: on a terminal (styles), too wide for the width rich would use, text that rich
    would read as markup or emoji codes, or space at either end of a cell (rich trims it)."""
    from rich.cells import cell_len  # small; rich.console is not

    cells = [*header, *(cell for row in rows for cell in row), caption]
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    if (
        sys.stdout.isatty()
        or not encoding.startswith("utf")
        or any(name in os.environ for name in _RICH_ENVIRONMENT)
        or any(not _plain_cell(cell) for cell in cells)
    ):
        return None
    widths = [max(cell_len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    width = sum(widths) + 3 * len(widths) + 1  # a space either side of each cell, edges
    if width > _console_width() or cell_len(caption) > width:
        return None

    def line(row: list[str]) -> str:
        first = row[0] + " " * (widths[0] - cell_len(row[0]))
        rest = [
            " " * (w - cell_len(cell)) + cell for cell, w in zip(row[1:], widths[1:], strict=True)
        ]
        return "  " + "   ".join([first, *rest]) + "  "

    lines = [" " * width, line(header), " " + "─" * (width - 2) + " "]
    lines += [line(row) for row in rows]
    lines += [" " * width, caption + " " * (width - cell_len(caption))]
    return "\n".join(lines) + "\n"


def _plain_cell(text: str) -> bool:
    """Whether rich draws `text` as it is: printable, no space at the ends, no markup."""
    return text == text.strip() and text.isprintable() and not _MARKUP & set(text)


def _console_width() -> int:
    """The width rich's console would take: COLUMNS, else a terminal on 0, 1 or 2, else 80."""
    width = 0
    for descriptor in (0, 1, 2):
        try:
            width = os.get_terminal_size(descriptor).columns
            break
        except (AttributeError, ValueError, OSError):
            continue
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        width = int(columns)
    return width or 80


def shown(path: Path) -> Path:
    """`path` relative to the working folder when it is inside it, as users typed it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path
