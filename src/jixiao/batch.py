"""Render the units of a year: one process per core, a progress bar, and a summary table.

Each unit is all or nothing: its documents (and PDFs) are written into a staging folder in
the unit's output folder and moved into place together, so a unit with errors, a full
disk, a failed conversion, Ctrl-C or a kill leaves no half set of files behind. A unit that
takes longer than its time limit is stopped and reported; the others are still written.
Ctrl-C stops every worker at once and says which units were finished. With PDFs, the workers
hand their checked documents back, one LibreOffice converts them all (`convert_and_write`),
and each unit is then written with its PDFs.
"""

from __future__ import annotations

import errno
import math
import os
import shutil
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import typer

from jixiao import messages
from jixiao.checks import review
from jixiao.errors import ContentError, Finding, Severity, Terminated, error
from jixiao.formatting import num
from jixiao.frozen import frozen
from jixiao.messages import listing, say
from jixiao.output import (
    clean_leftovers,
    hold_signals,
    inside,
    place,
    release_signals,
    shown,
    staging,
    write_failed,
    write_new,
)
from jixiao.pdf import CONVERSION_FAILURES, conversion_failure, soffice, to_pdf, to_pdfs
from jixiao.project import (
    Document,
    Project,
    build,
    build_workbook,
    load_unit_year,
    prepare_all,
)

if TYPE_CHECKING:
    from multiprocessing import connection

UNIT_TIMEOUT = 60.0
"""Seconds one unit may take to render (--unit-timeout, JIXIAO_UNIT_TIMEOUT)."""
PDF_TIMEOUT = 120.0
"""Seconds LibreOffice may take over one document (--pdf-timeout, JIXIAO_PDF_TIMEOUT)."""
GRACE = 2.0
"""Seconds past its limit before a worker that does not stop by itself is killed."""
STOP_WAIT = 0.5
"""Seconds a stopped worker has to remove its staging folder before it is killed."""


@frozen
class Job:
    """One unit to render: the project, the year, the unit's output folder, PDF or not,
    the message language, the seconds it may take (None: no limit), a workbook or not, and
    whether to keep the documents unwritten."""

    root: Path
    unit: str
    year: int
    out: Path
    pdf: bool = False
    lang: str = "zh"
    timeout: float | None = None
    xlsx: bool = False
    keep: bool = False
    """Hand the documents back unwritten (in UnitResult.rendered), for a PDF batch."""


@frozen
class UnitResult:
    """What rendering one unit gave: files written, 总分, findings, seconds taken."""

    unit: str
    written: list[Path] = field(default_factory=list)
    score: Decimal | None = None
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    rendered: list[Document] = field(default_factory=list)
    """The documents of a job that keeps them: checked and built, not yet written."""

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def documents(self) -> int:
        return sum(1 for p in self.written if p.suffix == ".docx")


class UnitTimeout(BaseException):
    """A unit ran past its time limit (a BaseException: no `except Exception` swallows it)."""


class Stopped(BaseException):
    """A worker was told to stop (Ctrl-C in the main process, or its parent died)."""


@dataclass
class Interrupted(Exception):
    """Ctrl-C stopped the batch: the units finished before it, and those not rendered."""

    finished: list[UnitResult]
    unfinished: list[str]
    terminated: bool = False  # by SIGTERM, not Ctrl-C


def render_unit(job: Job, hold: bool = False) -> UnitResult:
    """Check and build every document of one unit, then write them all (with PDFs) or none.

    With `hold`, signals held while the files were placed stay held, for the caller to
    record the result before it releases them (output.release_signals)."""
    try:
        return _render_unit(job)
    finally:
        if not hold:
            release_signals()


def _render_unit(job: Job) -> UnitResult:
    messages.set_language(job.lang)
    start = time.perf_counter()
    project = Project(job.root)
    try:  # as checks.build_checked, keeping the figures for the summary's 总分
        with _time_limit(job.timeout):
            unit_year = load_unit_year(project, job.unit, job.year)
            prepared = prepare_all(unit_year)  # the contexts, built once for checks and render
            findings = review(project, unit_year, prepared)
            if any(f.severity is Severity.ERROR for f in findings):
                raise ContentError(findings)
            documents = build(unit_year, prepared)
            workbook = build_workbook(unit_year, prepared) if job.xlsx else None
            documents += [workbook] if workbook is not None else []
            score = unit_year.figures.self_score
            written = [] if job.keep else write_unit(job.out, documents, job.pdf)
    except ContentError as exc:
        return UnitResult(job.unit, findings=exc.findings, seconds=time.perf_counter() - start)
    except UnitTimeout:
        return _timed_out(job, time.perf_counter() - start)
    kept = documents if job.keep else []
    return UnitResult(job.unit, written, score, findings, time.perf_counter() - start, kept)


def _timed_out(job: Job, seconds: float) -> UnitResult:
    """The result of a unit stopped at its time limit: one finding, nothing written."""
    file = Project(job.root).year_file(job.unit, job.year)
    message = say("unit_timeout", unit=job.unit, seconds=f"{job.timeout:g}")
    finding = error(file, None, "", message, say("unit_timeout_hint"))
    return UnitResult(job.unit, findings=[finding], seconds=seconds)


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise UnitTimeout in this (main) thread once `seconds` have passed; no limit if None."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not seconds or not usable:
        yield
        return

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise UnitTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def write_unit(
    out: Path, documents: list[Document], pdf: bool, pdfs: Mapping[str, Path] | None = None
) -> list[Path]:
    """Write `documents` into `out` all together or not at all; with `pdf`, their PDFs beside
    them (an .xlsx workbook among them gets none): the one `pdfs` gives for a document's file
    name (converted already), else one converted here. Every file is first written (and
    converted) in a staging folder in `out`."""
    targets = [inside(out, document.filename) for document in documents]
    with staging(out) as stage:
        files: dict[Path, Path] = {}
        for document, target in zip(documents, targets, strict=True):
            staged = stage / document.filename
            try:
                write_new(staged, document.data)
            except OSError as exc:
                raise write_failed(target, exc) from None
            files[target] = staged
            given = (pdfs or {}).get(document.filename)
            if given is not None:
                files[target.with_suffix(".pdf")] = _staged_copy(stage, given, target)
            elif pdf and target.suffix == ".docx":
                files[target.with_suffix(".pdf")] = _convert(stage, target, staged)
        return place(files, stage)


def _staged_copy(stage: Path, pdf: Path, target: Path) -> Path:
    """A copy in `stage` of the converted `pdf` to be placed beside `target`."""
    staged = stage / target.with_suffix(".pdf").name
    try:
        shutil.copyfile(pdf, staged)
    except OSError as exc:
        raise write_failed(target.with_suffix(".pdf"), exc) from None
    return staged


def _convert(stage: Path, target: Path, docx: Path) -> Path:
    """Convert the staged `docx` to PDF inside `stage`; ContentError naming it on failure."""
    try:
        return to_pdf(docx, stage / "pdf")
    except CONVERSION_FAILURES as exc:
        raise ContentError([_pdf_failed(target, conversion_failure(exc))]) from None


def _pdf_failed(target: Path, detail: str) -> Finding:
    """The finding for the document `target` whose PDF could not be made, saying why."""
    failure = say("pdf_failed", name=target.name, detail=detail.strip() or "?")
    return error(target, None, "", failure, say("pdf_failed_hint"))


def convert_and_write(
    jobs: list[Job], results: list[UnitResult], timeout: float
) -> list[UnitResult]:
    """Convert the documents every unit of `results` kept through one LibreOffice (pdf.to_pdfs,
    `timeout` seconds per document), then write each unit whose documents all converted,
    PDFs beside; a unit with a failed conversion writes nothing and says why. Each unit's
    time gains an equal share of the conversion per document.

    Interrupted (Ctrl-C) carries the units written or reported before it."""
    todo = [i for i, result in enumerate(results) if result.rendered]
    final = {i: result for i, result in enumerate(results) if not result.rendered}
    try:
        if todo:
            with staging(jobs[todo[0]].out.parent) as stage:
                final.update(_convert_all(stage, jobs, results, todo, timeout))
    except KeyboardInterrupt:
        finished = [final[i] for i in sorted(final)]
        raise Interrupted(finished, [jobs[i].unit for i in todo if i not in final]) from None
    return [final[i] for i in range(len(results))]


def _convert_all(
    stage: Path, jobs: list[Job], results: list[UnitResult], todo: list[int], timeout: float
) -> Iterator[tuple[int, UnitResult]]:
    """`convert_and_write` in the staging folder `stage`: each unit's index and result, as
    it is written (a Ctrl-C held while it was placed comes after it is yielded)."""
    started = time.perf_counter()
    staged: dict[tuple[int, str], Path] = {}
    for i in todo:
        for number, document in enumerate(results[i].rendered):
            if not document.filename.endswith(".docx"):
                continue  # a workbook: written as it is, no PDF
            path = stage / f"{i:05d}-{number:02d}.docx"
            try:
                write_new(path, document.data)
            except OSError as exc:
                raise write_failed(jobs[i].out / document.filename, exc) from None
            staged[i, document.filename] = path
    if sys.stderr.isatty():
        typer.echo(say("pdf_converting", documents=len(staged)), err=True)
    converted = to_pdfs(list(staged.values()), stage / "pdf", timeout)
    share = (time.perf_counter() - started) / len(staged)
    for i in todo:
        result, job = results[i], jobs[i]
        seconds = result.seconds + share * sum(index == i for index, _name in staged)
        pdfs = {name: converted[path] for (index, name), path in staged.items() if index == i}
        failed = [_pdf_failed(job.out / n, pdf) for n, pdf in pdfs.items() if isinstance(pdf, str)]
        ready = {name: pdf for name, pdf in pdfs.items() if isinstance(pdf, Path)}
        try:
            if failed:
                raise ContentError(failed)
            written = write_unit(job.out, result.rendered, True, ready)
        except ContentError as exc:
            yield i, UnitResult(job.unit, findings=result.findings + exc.findings, seconds=seconds)
            continue
        yield i, UnitResult(job.unit, written, result.score, result.findings, seconds)
        release_signals()


def run_jobs(
    jobs: list[Job], done: Callable[[UnitResult], None] = lambda _result: None
) -> list[UnitResult]:
    """Render `jobs` on up to every core (in this process when one suffices), in job order.

    Interrupted (Ctrl-C) carries the units finished before it; nothing else is left written.
    """
    workers = min(os.cpu_count() or 1, len(jobs))
    if workers <= 1 or "fork" not in _start_methods():
        results: list[UnitResult] = []
        try:
            for job in jobs:
                results.append(render_unit(job, hold=True))
                done(results[-1])
                release_signals()  # a Ctrl-C while the unit was placed comes here
        except KeyboardInterrupt as exc:
            unfinished = [job.unit for job in jobs[len(results) :]]
            raise Interrupted(results, unfinished, isinstance(exc, Terminated)) from None
        return results
    return _Pool(workers).run(jobs, done)


def _start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()


class _Worker:
    """A forked process that renders the jobs it is sent, one at a time, over a pipe."""

    def __init__(self) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, self.conn, os.getpid()), daemon=True
        )
        self.process.start()
        child.close()
        self.job: tuple[int, Job] | None = None
        self.started = 0.0

    def give(self, index: int, job: Job) -> None:
        self.job, self.started = (index, job), time.monotonic()
        self.conn.send(job)

    @property
    def deadline(self) -> float:
        """When the running job is overdue even counting the grace; infinity without a limit."""
        if self.job is None or not self.job[1].timeout:
            return math.inf
        return self.started + self.job[1].timeout + GRACE

    def stop(self) -> None:
        """End the process: asked first (it removes its staging folder), then killed."""
        if self.process.is_alive() and self.process.pid:
            with suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGTERM)

    def reap(self, until: float) -> UnitResult | None:
        """Wait for the process to end until `until` (monotonic), then kill it; the result
        of its job if it sent one before it ended."""
        self.process.join(max(0.0, until - time.monotonic()))
        if self.process.is_alive():
            self.process.kill()
            self.process.join(1)
        answer = None
        with suppress(EOFError, OSError):
            if self.job is not None and self.conn.poll(0):
                answer = self.conn.recv()
        self.conn.close()
        if self.job is not None:
            clean_leftovers(self.job[1].out)  # a killed worker's staging folder
        return answer if isinstance(answer, UnitResult) else None


class _Pool:
    """Worker processes that render jobs with a time limit each, replaced when one is killed."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.workers: list[_Worker] = []

    def run(self, jobs: list[Job], done: Callable[[UnitResult], None]) -> list[UnitResult]:
        results: dict[int, UnitResult] = {}
        pending = deque(enumerate(jobs))
        try:
            self.workers = [_Worker() for _ in range(self.size)]
            while pending or any(w.job for w in self.workers):
                for worker in self.workers:
                    if worker.job is None and pending:
                        worker.give(*pending.popleft())
                self._collect(results, done)
        except KeyboardInterrupt as exc:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C: let this finish
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            results.update(self._close())
            finished = [results[i] for i in sorted(results)]
            unfinished = [job.unit for i, job in enumerate(jobs) if i not in results]
            raise Interrupted(finished, unfinished, isinstance(exc, Terminated)) from None
        self._close()
        return [results[i] for i in range(len(jobs))]

    def _collect(self, results: dict[int, UnitResult], done: Callable[[UnitResult], None]) -> None:
        """Record (by job index) the results of jobs that finished, died or ran out of time,
        their workers replaced. Ctrl-C is held while a result is read and recorded."""
        from multiprocessing import connection

        busy = [w for w in self.workers if w.job is not None]
        wait = min(w.deadline for w in busy) - time.monotonic()
        ready = connection.wait([w.conn for w in busy], None if wait == math.inf else max(wait, 0))
        now = time.monotonic()
        for worker in busy:
            assert worker.job is not None
            index, job = worker.job
            if worker.conn in ready:
                answer: Any = None
                hold_signals()
                try:
                    with suppress(EOFError, OSError):
                        answer = worker.conn.recv()
                    if isinstance(answer, UnitResult):
                        results[index], worker.job = answer, None
                finally:
                    release_signals()
                if isinstance(answer, BaseException):
                    raise answer  # a bug in jixiao: as when rendering in this process
                if answer is None:  # the worker ended without answering
                    worker.process.join(1)
                    results[index] = self._died(worker, now)
            elif now >= worker.deadline:
                results[index] = self._replace(worker, _timed_out(job, now - worker.started))
            else:
                continue
            done(results[index])

    def _died(self, worker: _Worker, now: float) -> UnitResult:
        """The result of a unit whose worker ended without answering (killed, crashed)."""
        assert worker.job is not None
        _, job = worker.job
        file = Project(job.root).year_file(job.unit, job.year)
        code = worker.process.exitcode
        message = say("worker_died", unit=job.unit, code=code)
        result = UnitResult(
            job.unit,
            findings=[error(file, None, "", message, say("worker_died_hint"))],
            seconds=now - worker.started,
        )
        return self._replace(worker, result)

    def _replace(self, worker: _Worker, result: UnitResult) -> UnitResult:
        """Stop `worker` (its leftovers removed), start a fresh one in its place; `result`,
        unless the worker sent its own as it was stopped."""
        worker.stop()
        late = worker.reap(time.monotonic() + STOP_WAIT)  # it finished as it was stopped
        worker.job = None
        self.workers[self.workers.index(worker)] = _Worker()
        return late or result

    def _close(self) -> dict[int, UnitResult]:
        """End every worker: idle ones are told to exit, busy ones stopped, all reaped; the
        results busy ones sent as they were stopped, by job index."""
        for worker in self.workers:
            if worker.job is None:
                try:
                    worker.conn.send(None)
                except OSError:
                    worker.stop()
            else:
                worker.stop()
        until = time.monotonic() + STOP_WAIT
        late = {}
        for worker in self.workers:
            index = worker.job[0] if worker.job else -1
            result = worker.reap(until)
            if result is not None:
                late[index] = result
        self.workers = []
        return late


_busy = False
"""In a worker: whether a job is being rendered (a stop then unwinds it, removing its files)."""


def _serve(conn: connection.Connection, parent_end: connection.Connection, parent: int) -> None:
    """A worker's life: render each job received and send back its result, until told to stop,
    the pipe closes or the parent dies."""
    global _busy
    release_signals()  # forked while the parent held them
    parent_end.close()
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, _on_stop)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        if job is None:
            os._exit(0)
        _busy = True
        try:
            answer: object = render_unit(job, hold=True)
        except Stopped:
            os._exit(0)
        except Exception as exc:
            answer = _sendable(exc)
        try:
            conn.send(answer)
        except (OSError, ValueError):
            os._exit(0)
        _busy = False
        release_signals()  # a stop while the unit was placed: now that its result is sent


def _on_stop(_signum: int, _frame: FrameType | None) -> None:
    """SIGTERM in a worker: unwind the job (its staging folder removed), or exit if idle."""
    if _busy:
        raise Stopped
    os._exit(0)


def _sendable(exc: Exception) -> Exception:
    """`exc`, or a RuntimeError saying what it was if it cannot be sent through a pipe."""
    import pickle

    try:
        pickle.dumps(exc)
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def _die_with_parent(parent: int) -> None:
    """Have the kernel stop this worker (SIGTERM) when its parent dies (Linux); exit now if
    the parent is already gone."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(0)


def render_year(
    project: Project,
    year: int,
    units: list[str],
    out_root: Path,
    pdf: bool = False,
    timeout: float | None = None,
    pdf_timeout: float | None = None,
    xlsx: bool = False,
) -> int:
    """Render `units` for `year` under out_root/<year>/<unit>/; print what happened; exit code.
    With `xlsx`, each unit's forms also as a workbook beside its reports.

    Each unit may take `timeout` seconds to render (default UNIT_TIMEOUT). With `pdf`, the
    documents of every unit are then converted by one LibreOffice, each document within
    `pdf_timeout` seconds (default PDF_TIMEOUT), and each unit is written with its PDFs.
    """
    if pdf and soffice() is None:
        raise ContentError([error(None, None, "", say("no_soffice"), say("no_soffice_hint"))])
    usable_folder(out_root, project)
    limit = timeout or UNIT_TIMEOUT
    lang = messages.language()
    jobs = [
        Job(project.root, u, year, out_root / str(year) / u, False, lang, limit, xlsx, keep=pdf)
        for u in units
    ]
    started = time.perf_counter()
    try:
        if sys.stdout.isatty() and len(jobs) > 1:
            results = _with_progress(jobs, say("progress", year=year))
        else:
            results = run_jobs(jobs)
        if pdf:
            results = convert_and_write(jobs, results, pdf_timeout or PDF_TIMEOUT)
    except Interrupted as stop:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _print(stop.finished, project.root, time.perf_counter() - started)
        done, left = len(stop.finished), len(stop.unfinished)
        how = say("interrupted_term") if stop.terminated else say("interrupted_ctrl_c")
        typer.echo(say("interrupted", how=how, done=done, left=left), err=True)
        return 143 if stop.terminated else 130
    _print(results, project.root, time.perf_counter() - started)
    return 1 if any(r.errors for r in results) else 0


def usable_folder(folder: Path, project: Project | None = None) -> None:
    """Make sure files can be written in `folder` or the folder it would be made in (nothing
    is made here); else ContentError saying why: not a folder, a symlink loop, no permission,
    or (given the `project`) inside its content/ or templates/, the writer's own files."""
    if project is not None:
        inside = _inside_sources(folder, project)
        if inside is not None:
            message = say("out_in_sources", path=folder, folder=inside.name)
            raise ContentError(
                [error(None, None, "", message, say("out_in_sources_hint", folder=inside.name))]
            )
    existing = folder
    while not existing.exists() and not existing.is_symlink() and existing != existing.parent:
        existing = existing.parent
    try:
        os.stat(existing)  # a symlink loop, or a dangling link, says so here
        if not existing.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
        if not os.access(existing, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
    except OSError as exc:
        raise write_failed(folder, exc, "out_unusable") from None


def _inside_sources(folder: Path, project: Project) -> Path | None:
    """The project's content/ or templates/ folder that `folder` is (or is inside), if any."""
    try:
        where = folder.resolve()
        for sources in (project.content, project.templates):
            if where.is_relative_to(sources.resolve()):
                return sources
    except (OSError, RuntimeError):  # a symlink loop: usable_folder says so
        return None
    return None


def _with_progress(jobs: list[Job], label: str) -> list[UnitResult]:
    """`run_jobs` with a progress bar on the terminal (gone when done). The bar is redrawn
    as units finish, not by a thread: workers replaced later are forked from one thread."""
    from rich import progress as bar

    columns = (bar.TextColumn("{task.description}"), bar.BarColumn(), bar.MofNCompleteColumn())
    with bar.Progress(
        *columns, bar.TimeElapsedColumn(), transient=True, auto_refresh=False
    ) as progress:
        task = progress.add_task(label, total=len(jobs))
        return run_jobs(jobs, lambda _result: progress.update(task, advance=1, refresh=True))


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
