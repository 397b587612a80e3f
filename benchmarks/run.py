"""Benchmark jixiao against pandoc on the same text, and against itself at a git revision.

    python benchmarks/run.py [--units 100] [--repeat 5] [--against REV]   # all but --pdf
    python benchmarks/run.py --mix-only      # only: 100 units of every sample against pandoc
    python benchmarks/run.py --thousand [N]  # only: N (1000) units against --units, memory
    python benchmarks/run.py --check-only [--against REV]   # only: `check` of --units units
    python benchmarks/run.py --cold-only [--repeat 11]     # only: one unit in a fresh process
    python benchmarks/run.py --pdf 20 [--against REV]   # only: --pdf, LibreOffice per file
    python benchmarks/run.py --warm-only [--against REV]    # only: warm ms per kind
    python benchmarks/run.py --watch-only    # only: save to written .docx under watch

Builds throw-away projects of clones of the samples (unit0001 …, every one with a 2023
file), then measures in one run, side by side on this machine:

- one report, cold: `jixiao render --unit` in a fresh process, against pandoc converting
  its text, the bare import of the chosen libraries, and `--help`;
- the batch: `jixiao render 2023` over 100 lukou clones, against pandoc run once per report;
  the mix: the same over 100 clones of every sample in turn (every kind);
- peak memory of the process tree: PSS summed over the parent and its workers (judged), and
  RSS (which counts the pages the forked workers share with the parent once per process);
- 1,000 units against 100: ms a unit at the margin, peak memory, its growth over the run;
- where the time goes: per-stage ms a unit and a cProfile of the pipeline in this process;
- warm ms per report of each sample's kinds in one worker;
- with `--against REV`, the same jixiao figures of that git revision (its src/, templates/
  and content/ exported to a scratch folder) as ratios: warm ms, `check`, `render --pdf`.

Prints the figures, then one table of the issue's targets; not a test, not run in CI.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import json
import os
import pstats
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
YEAR = 2023
SAMPLES = (("lukou-zzb", 2023),)
"""The batch, the 1,000 units and `check` are clones of lukou, as the issue asks."""
MIX = (
    ("lukou-zzb", 2023),
    ("kaifu-zzb", 2022),
    ("conghua-zzb", 2022),
    ("maoming-fgj", 2021),
    ("yunxi-zzb", 2022),
    ("tianchang-slj", 2022),
    ("kexuecheng-rmt", 2021),
)
"""The mix: every sample in turn (so every kind), each year file moved to 2023 as it stands."""
TARGETS = {
    "batch_vs_pandoc": 0.25,
    "mix_vs_pandoc": 0.30,
    "peak_mb": 200,
    "linear": 1.10,
    "cold_vs_libraries": 1.5,
    "help_vs_pandoc": 2.5,
    "warm_ms": 12,
    "kind_vs_before": 1.10,
    "check_vs_before": 1.10,
    "pdf_vs_before": 1.10,
    "pdf_speed_up": 2,
}
"""Issue 15's targets (ratios of the same run); issue 13's 10 % for each kind, and the same
10 % of noise for "not slower than --against REV" (check, render --pdf); issue 17's --pdf."""
WARM_SAMPLES = (
    ("lukou-zzb", 2023),
    ("kaifu-zzb", 2022),
    ("conghua-zzb", 2022),
    ("maoming-fgj", 2021),
    ("yunxi-zzb", 2022),
)
"""The shipped samples timed warm, report by report (together they cover every kind)."""
LIBRARIES = "import pydantic, jinja2, ruamel.yaml, typer, docxtpl, babel.numbers"
"""What any render must import: the project's chosen libraries, before a line of jixiao runs."""
IN_USE = """
import gc
gc.disable()
from decimal import Decimal
from pathlib import Path
from typing import Annotated
import pydantic, jinja2, ruamel.yaml, typer, docxtpl, babel.numbers
from pydantic import BaseModel, Field

app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)

@app.callback()
def options(root: Annotated[Path, typer.Option()] = Path("."), lang: str | None = None) -> None:
    pass

@app.command()
def render(
    year: Annotated[int, typer.Argument()],
    unit: str | None = None,
    out: Path | None = None,
    pdf: bool = False,
    timeout: Annotated[float | None, typer.Option(min=0.001)] = None,
) -> None:
    class Money(BaseModel):
        budget: Decimal = Field(ge=0)
        spent: Decimal | None = None
    class Row(BaseModel):
        name: str
        score: Decimal | None = None
    class Year(BaseModel):
        year: int
        money: Money
        rows: list[Row] = []
    Year.model_validate({"year": year, "money": {"budget": 1}, "rows": [{"name": unit}]})

app(["render", "2023", "--unit", "u"], standalone_mode=False)
"""
"""The libraries used as jixiao uses them, doing nothing else: typer parses a command (its
pydantic-based conversion of each option), pydantic builds and runs the validator of a
three-model schema. Not judged: it shows how much of a cold render the libraries take."""


def make_project(
    root: Path, units: int, samples: tuple[tuple[str, int], ...] = SAMPLES, source: Path = REPO
) -> list[str]:
    """A project at `root` with `units` clones of `samples` in turn, all with a 2023 file.

    `source` is the tree the templates and samples come from (a revision's, exported)."""
    shutil.copytree(source / "templates", root / "templates")
    names = []
    for number in range(1, units + 1):
        sample, year = samples[(number - 1) % len(samples)]
        name = f"unit{number:04d}"
        folder = root / "content" / name
        folder.mkdir(parents=True)
        shutil.copy(source / "content" / sample / "unit.yaml", folder / "unit.yaml")
        text = (source / "content" / sample / f"{year}.yaml").read_text(encoding="utf-8")
        text = re.sub(rf"^year: {year}$", f"year: {YEAR}", text, count=1, flags=re.MULTILINE)
        (folder / f"{YEAR}.yaml").write_text(text, encoding="utf-8")
        names.append(name)
    return names


def jixiao_command(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "jixiao", "--root", str(root), *args]


def warm_up(root: Path, env: dict[str, str] | None = None) -> None:
    """Render the first unit of `root` once, not counted: every module the pipeline imports
    compiled into the bytecode cache (--help imports no pipeline), the files read once."""
    first = min(p.name for p in (root / "content").iterdir())
    out = root.parent / f"{root.name}-warm-up"
    run_measured(jixiao_command(root, "render", str(YEAR), "--unit", first, "--out", str(out)), env)


@dataclass
class Measured:
    """One command's wall seconds and memory (KiB): its largest process's max RSS
    and the process tree's peak RSS and PSS, sampled every 20 ms.

    Not getrusage's maxrss: the child is forked from this process, and its RSS before the
    exec counts, so after the in-process stages it gave this process's size (166 MB)."""

    seconds: float
    max_rss: int
    tree_rss: int
    tree_pss: int
    series: list[tuple[float, int, int]] = field(default_factory=list)
    """(seconds since start, PSS of the first process, PSS of its descendants) each sample."""

    def mb(self, kib: int) -> float:
        return kib / 1024


def run_measured(command: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run `command`, sampling the memory of its process tree; exit if it fails."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    measured = Measured(0.0, 0, 0, 0)
    stop = threading.Event()
    sampler = threading.Thread(target=_sample_tree, args=(process.pid, measured, start, stop))
    sampler.start()
    _, status, _ = os.wait4(process.pid, 0)
    measured.seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        stderr = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr}")
    return measured


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants, from /proc."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        with suppress(OSError):  # a process that ends while it is read
            for task in list(Path(f"/proc/{current}/task").glob("*/children")):
                with suppress(OSError):
                    queue += [int(child) for child in task.read_text().split()]
    return found


def _memory_kib(pid: int) -> tuple[int, int]:
    """RSS and PSS of `pid` (KiB), from /proc/PID/smaps_rollup; 0, 0 once it has ended.

    RSS counts every page the process maps, PSS each page divided by the number of
    processes sharing it: summed over forked workers, RSS counts the pages they share with
    the parent (copy-on-write) once per process, PSS once in all."""
    rss = pss = 0
    with suppress(OSError, ValueError):
        for row in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if row.startswith("Rss:"):
                rss = int(row.split()[1])
            elif row.startswith("Pss:"):
                pss = int(row.split()[1])
    return rss, pss


def _sample_tree(pid: int, into: Measured, start: float, stop: threading.Event) -> None:
    """Keep the largest sums of RSS and of PSS over the process tree of `pid`, every 20 ms."""
    while not stop.is_set():
        sizes = [_memory_kib(p) for p in _tree(pid)]
        rss, pss = sum(r for r, _ in sizes), sum(p for _, p in sizes)
        into.tree_rss, into.tree_pss = max(into.tree_rss, rss), max(into.tree_pss, pss)
        into.max_rss = max([into.max_rss, *(r for r, _ in sizes)])
        into.series.append((time.perf_counter() - start, sizes[0][1], pss - sizes[0][1]))
        stop.wait(0.02)


def markdown_of(docx: Path) -> str:
    """The report's text as markdown: headings with #, paragraphs, tables as pipe tables."""
    from docx import Document

    document = Document(str(docx))
    out: list[str] = []
    body = document.element.body
    tables = iter(document.tables)
    paragraphs = iter(document.paragraphs)
    for block in body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = next(paragraphs)
            style = paragraph.style.name if paragraph.style is not None else ""
            level = style.removeprefix("Heading ") if style.startswith("Heading ") else ""
            text = paragraph.text.strip()
            if text:
                out.append(("#" * int(level) + " " if level.isdigit() else "") + text + "\n")
        elif tag == "tbl":
            rows = [
                [c.text.replace("|", "\\|").replace("\n", " ") for c in r.cells]
                for r in next(tables).rows
            ]
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]
            out.append("| " + " | ".join(rows[0]) + " |")
            out.append("|" + "---|" * width)
            out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
            out.append("")
    return "\n".join(out) + "\n"


def pandoc_all(sources: list[Path], out: Path, workers: int = 1) -> float:
    """Wall seconds for pandoc converting every source, one process per report."""
    out.mkdir(parents=True, exist_ok=True)

    def convert(source: Path) -> None:
        subprocess.run(
            ["pandoc", str(source), "-o", str(out / (source.stem + ".docx"))], check=True
        )

    start = time.perf_counter()
    if workers == 1:
        for source in sources:
            convert(source)
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(convert, sources))
    return time.perf_counter() - start


def median_of(repeat: int, action: Callable[[], float]) -> float:
    action()  # warm the file cache; not counted
    return statistics.median(action() for _ in range(repeat))


class Stages:
    """Exclusive wall time per pipeline stage: nested stages are not counted twice."""

    NAMES = (
        "load",
        "validate",
        "compute",
        "check",
        "context",
        "  context: forms",
        "render",
        "  render: tables",
        "  render: save + zip",
        "write",
    )

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self._stack: list[list[float]] = []

    def wrap(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self._stack.append([time.perf_counter(), 0.0])
            try:
                return function(*args, **kwargs)
            finally:
                started, nested = self._stack.pop()
                spent = time.perf_counter() - started
                self.totals[stage] += spent - nested
                if self._stack:
                    self._stack[-1][1] += spent

        return timed

    @contextmanager
    def installed(self) -> Iterator[None]:
        """Wrap the pipeline's functions where the pipeline looks them up.

        Only those that exist are wrapped, so older versions of jixiao can be measured too.
        """
        from docxtpl import DocxTemplate

        from jixiao import batch, forms, kinds, project
        from jixiao.render import context, wordml
        from jixiao.render.placeholders import Placeholders

        places: list[tuple[Any, str, str]] = [
            (project, "load", "load"),
            (kinds, "load", "load"),
            (project, "validate", "validate"),
            (kinds, "validate", "validate"),
            (project, "compute", "compute"),
            (batch, "review", "check"),
            (project, "prepare", "context"),
            (context.ContextBuilder, "build", "context"),
            (forms, "declared", "  context: forms"),
            (project, "render_docx", "render"),
            (Placeholders, "apply", "  render: tables"),
            (DocxTemplate, "save", "  render: save + zip"),
            (wordml, "deterministic_zip", "  render: save + zip"),
            (wordml, "docx_bytes", "  render: save + zip"),
            (batch, "write_unit", "write"),
        ]
        missing = [
            f"{owner.__name__}.{name}" for owner, name, _ in places if not hasattr(owner, name)
        ]
        if missing:  # an older jixiao, or a stage renamed: say so rather than time it as 0
            print(f"(not timed, not in this jixiao: {', '.join(missing)})", file=sys.stderr)
        places = [(owner, name, stage) for owner, name, stage in places if hasattr(owner, name)]
        saved = [(owner, name, getattr(owner, name)) for owner, name, _ in places]
        for owner, name, stage in places:
            setattr(owner, name, self.wrap(stage, getattr(owner, name)))
        try:
            yield
        finally:
            for owner, name, original in saved:
                setattr(owner, name, original)


def profile_in_process(root: Path, units: list[str], out: Path) -> tuple[Stages, float, str]:
    """Render every unit in this process, one after another: stage times and a cProfile."""
    from jixiao import messages
    from jixiao.batch import Job, render_unit

    messages.set_language("zh")
    jobs = [Job(root, unit, YEAR, out / unit) for unit in units]
    stages = Stages()
    profiler = cProfile.Profile()
    with stages.installed():
        start = time.perf_counter()
        for job in jobs:
            result = render_unit(job)
            if result.errors:
                raise SystemExit(f"{job.unit} failed: {result.findings[0].render()}")
        total = time.perf_counter() - start
    profiler.enable()
    for job in jobs[:10]:
        render_unit(job)
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(15)
    return stages, total, text.getvalue()


def peak_python_memory(root: Path, unit: str, out: Path) -> float:
    """tracemalloc's peak (MB) while rendering one unit in this process, warm."""
    from jixiao.batch import Job, render_unit

    job = Job(root, unit, YEAR, out / unit)
    render_unit(job)
    tracemalloc.start()
    render_unit(job)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def import_times() -> list[tuple[str, float]]:
    """Own import seconds by top-level package for `jixiao render` (python -X importtime)."""
    code = "import jixiao.cli, jixiao.batch, jixiao.checks"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True
    )
    totals: dict[str, float] = defaultdict(float)
    for row in done.stderr.splitlines():
        parts = row.split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        own = parts[0].split(":")[-1].strip()
        if own.isdigit():  # each module's own time, summed by its top-level package
            totals[parts[2].strip().split(".")[0]] += int(own) / 1e6
    return sorted(totals.items(), key=lambda item: -item[1])


def warm_per_kind(repeat: int = 15) -> dict[str, float]:
    """Median ms of one report (context and render) for each sample's kinds, warm, here."""
    from jixiao import messages
    from jixiao.project import Project, build_kind, load_unit_year, prepare

    messages.set_language("zh")
    project = Project(Path(os.environ.get("JIXIAO_BENCH_ROOT", REPO)))
    figures: dict[str, float] = {}
    for unit, year in WARM_SAMPLES:
        if not project.year_file(unit, year).is_file():
            continue  # a sample the revision timed has not got yet
        unit_year = load_unit_year(project, unit, year)
        for kind in unit_year.kinds:

            def once(kind: Any = kind, unit_year: Any = unit_year) -> float:
                start = time.process_time()
                build_kind(unit_year, kind, prepare(unit_year, kind))
                return (time.process_time() - start) * 1000

            once()
            figures[f"{unit} {kind.name}"] = statistics.median(once() for _ in range(repeat))
    return figures


def export_revision(revision: str, scratch: Path) -> Path:
    """The src/, templates/ and content/ of git `revision` exported under `scratch` (once)."""
    target = scratch / f"src-{revision.replace('/', '_')}"
    if target.is_dir():
        return target
    target.mkdir(parents=True)
    parts = ["src", "templates", "content"]  # its code with its own kinds and samples
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", revision, *parts], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def revision_environment(tree: Path) -> dict[str, str]:
    """The environment of a child that runs the jixiao exported at `tree`."""
    return {**os.environ, "PYTHONPATH": str(tree / "src"), "JIXIAO_BENCH_ROOT": str(tree)}


def warm_of_revision(revision: str, scratch: Path) -> dict[str, float]:
    """`warm_per_kind` of the jixiao at git `revision`: its src/ exported, timed by a child."""
    env = revision_environment(export_revision(revision, scratch))
    done = subprocess.run(
        [sys.executable, __file__, "--warm-only", "--json"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(done.stdout)


def print_warm(figures: dict[str, float], before: dict[str, float], revision: str) -> None:
    """Warm ms per report and kind; against `revision`'s figures as ratios, with the 10 %."""
    title = f"; {revision} alongside (CPU ms, median)" if before else " (CPU ms, median)"
    print(f"\nwarm, one report in one worker{title}")
    for name, ms in figures.items():
        shown = f"{ms:6.1f} ms"
        if name in before:
            ratio = ms / before[name]
            shown += f"   {revision} {before[name]:6.1f} ms   ratio {ratio:.2f}"
            shown += f"   {judged(ratio, 'kind_vs_before', f'warm {name} / {revision}')}"
        line(name, shown)
    lukou = next((ms for name, ms in figures.items() if name.startswith("lukou")), None)
    if lukou is not None:
        shown = judged(lukou, "warm_ms", "warm lukou report (ms)", f"{lukou:.1f}")
        line("warm lukou report (ms)", f"{lukou:6.1f}   {shown}")


def use_child_environment(cache: Path) -> None:
    """Set this process's environment for the measured commands: bytecode cached, as after a
    normal install.

    Some machines set PYTHONDONTWRITEBYTECODE, which makes every fresh process compile every
    module again (the libraries too: with a private PYTHONPYCACHEPREFIX, which keeps the
    repository clean, the installed bytecode is not read), so it is removed, not kept."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.update(PYTHONPYCACHEPREFIX=str(cache), LC_ALL="C.UTF-8", LANG="C.UTF-8")


def line(label: str, value: str, target: str = "") -> None:
    print(f"  {label:<34} {value}{'   ' + target if target else ''}")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


TABLE: list[tuple[str, str, str, str]] = []
"""The targets met or missed in this run: figure, measured, target, PASS or MISS."""


def judged(value: float, key: str, label: str, shown: str = "", at_least: bool = False) -> str:
    """Judge `value` against TARGETS[key], record it in the table under `label`, and say
    the verdict for the line that prints the figure."""
    limit = TARGETS[key]
    ok = value >= limit if at_least else value <= limit
    sign = "≥" if at_least else "≤"
    TABLE.append((label, shown or f"{value:.2f}", f"{sign} {limit:g}", verdict(ok)))
    return f"(target {sign} {limit:g}: {verdict(ok)})"


def print_table() -> None:
    """The one table of targets: every figure judged in this run, in the order measured."""
    if not TABLE:
        return
    print(
        f"\ntargets, measured in this run (load average now {os.getloadavg()[0]:.2f}; "
        "on a shared machine every figure is noisy):"
    )
    width = max(len(label) for label, *_ in TABLE)
    for label, shown, target, result in TABLE:
        print(f"  {label:<{width}}  {shown:>9}  {target:<7}  {result}")


def pandoc_reports(sources: list[Path], out: Path) -> float:
    """Wall seconds for pandoc converting `sources` one after another, a process each."""
    start = time.perf_counter()
    for index, source in enumerate(sources):
        subprocess.run(["pandoc", str(source), "-o", str(out / f"{index}.docx")], check=True)
    return time.perf_counter() - start


def markdown_sources(reports: list[Path], folder: Path) -> list[Path]:
    """Each report's text as a markdown file in `folder`: pandoc's input for the same text."""
    folder.mkdir(parents=True)
    sources = []
    for index, report in enumerate(reports):
        sources.append(folder / f"{index:04d}.md")
        sources[-1].write_text(markdown_of(report), encoding="utf-8")
    return sources


@dataclass
class Batch:
    """`jixiao render` over a project of clones, and pandoc over the same reports' text."""

    root: Path
    out: Path
    units: list[str]
    reports: list[Path]
    jixiao: Measured
    sources: list[Path]
    pandoc: float
    """Seconds for pandoc, one process a report, one after another (0: no pandoc)."""


def batch_against_pandoc(
    scratch: Path, name: str, units: int, samples: tuple[tuple[str, int], ...]
) -> Batch:
    """Render a project of `units` clones of `samples` in one `jixiao render`, then convert
    the text of every report it wrote with pandoc, a process each."""
    root, out = scratch / name, scratch / f"{name}-out"
    names = make_project(root, units, samples)
    warm_up(root)
    measured = run_measured(jixiao_command(root, "render", str(YEAR), "--out", str(out)))
    reports = sorted(out.rglob("*.docx"))
    sources = markdown_sources(reports, scratch / f"{name}-md")
    pandoc = pandoc_all(sources, scratch / f"{name}-pandoc") if shutil.which("pandoc") else 0.0
    return Batch(root, out, names, reports, measured, sources, pandoc)


def print_memory(measured: Measured, label: str) -> float:
    """Print a run's peak memory three ways; judge the tree's PSS (returned, MB)."""
    pss = measured.mb(measured.tree_pss)
    line("peak, largest process (RSS)", f"{measured.mb(measured.max_rss):7.0f} MB (sampled)")
    line(
        "peak, process tree, sum of RSS",
        f"{measured.mb(measured.tree_rss):7.0f} MB (counts pages shared after fork per process)",
    )
    shown = judged(pss, "peak_mb", f"{label}: peak memory of the tree, PSS (MB)", f"{pss:.0f}")
    line("peak, process tree, sum of PSS", f"{pss:7.0f} MB     {shown}")
    return pss


def print_batch(batch: Batch, title: str, key: str, label: str) -> None:
    """The batch's seconds against pandoc's, judged against TARGETS[key], and its memory."""
    print(f"\n{title}: {len(batch.units)} units, {len(batch.reports)} reports")
    line(f"jixiao render ({os.cpu_count()} cores)", f"{batch.jixiao.seconds:7.2f} s")
    if batch.pandoc:
        ratio = batch.jixiao.seconds / batch.pandoc
        line("pandoc, one process a report", f"{batch.pandoc:7.2f} s")
        line("ratio jixiao / pandoc", f"{ratio:7.2f}     {judged(ratio, key, label)}")
    print_memory(batch.jixiao, label.split(":")[0])
    print(
        "  (PSS, the proportional set size of /proc/PID/smaps_rollup, is the memory the tree "
        "takes: RSS summed over\n   the parent and its forked workers counts the pages they "
        "share copy-on-write once per process)"
    )


def cold_figures(batch: Batch, repeat: int) -> None:
    """One unit in a fresh process against pandoc on its reports, the bare imports and
    `--help`; judged against the issue's targets."""
    root, out = batch.root, batch.out

    def cold_median(command: list[str]) -> float:
        return median_of(repeat, lambda: run_measured(command).seconds)

    unit = batch.units[0]
    interpreter = cold_median([sys.executable, "-c", "pass"])
    libraries = cold_median([sys.executable, "-c", LIBRARIES])
    in_use = cold_median([sys.executable, "-c", IN_USE])
    imported = cold_median([sys.executable, "-c", "import jixiao.cli, jixiao.batch"])
    startup = cold_median(jixiao_command(root, "--help"))
    cold = cold_median(jixiao_command(root, "render", str(YEAR), "--unit", unit, "--out", str(out)))
    own = [
        batch.sources[batch.reports.index(r)]
        for r in sorted((out / str(YEAR) / unit).glob("*.docx"))
    ]
    print(f"\none unit, cold (median of {repeat} fresh processes)")
    line("python -c pass (interpreter)", f"{interpreter:6.3f} s")
    line("python -c 'import <libraries>'", f"{libraries:6.3f} s   ({LIBRARIES[7:]})")
    line("python -c 'import jixiao.cli…'", f"{imported:6.3f} s")
    line("the libraries in use, nothing else", f"{in_use:6.3f} s   (IN_USE: typer, pydantic)")
    line("python -m jixiao --help (start-up)", f"{startup:6.3f} s")
    shown = f"{cold:6.3f} s"
    if batch.pandoc:
        (root.parent / "one").mkdir(exist_ok=True)
        pandoc_one = median_of(repeat, functools.partial(pandoc_reports, own, root.parent / "one"))
        shown += f"   pandoc {pandoc_one:.3f} s ({len(own)} report, a process each)"
        shown += f"   ratio {cold / pandoc_one:.2f}"
    line(f"jixiao render --unit ({SAMPLES[0][0]})", shown)
    print(
        f"  where the {cold * 1000:.0f} ms go: interpreter {interpreter * 1000:.0f} ms, imports "
        f"{(imported - interpreter) * 1000:.0f} ms, the rest (arguments, load … write, exit) "
        f"{(cold - imported) * 1000:.0f} ms"
    )
    imports = import_times()
    shown = ", ".join(f"{name} {seconds * 1000:.0f}" for name, seconds in imports[:8])
    line(
        "imports (ms, own time by package)", f"{sum(s for _, s in imports) * 1000:.0f} ms: {shown}"
    )
    ratio = cold / libraries
    shown = judged(ratio, "cold_vs_libraries", "cold render / bare import of the libraries")
    line("cold render / import of libraries", f"{ratio:6.2f}   {shown}")
    left = TARGETS["cold_vs_libraries"] * libraries - in_use
    line(
        "libraries in use / their import",
        f"{in_use / libraries:6.2f}   (left for jixiao's own work under the target "
        f"{left * 1000:.0f} ms; it takes {(cold - in_use) * 1000:.0f} ms)",
    )
    if batch.pandoc:
        one = pandoc_one / len(own)
        line("floor: libraries' imports / pandoc", f"{libraries / one:6.2f}   (one conversion)")
        ratio = startup / one
        shown = judged(ratio, "help_vs_pandoc", "--help / one pandoc conversion")
        line("--help / one pandoc conversion", f"{ratio:6.2f}   {shown}")


def stage_figures(batch: Batch, scratch: Path) -> None:
    """Exclusive time per stage over the batch's units in this process, ms a unit; a cProfile."""
    units = batch.units
    stages, in_process, profile = profile_in_process(batch.root, units, scratch / "prof")
    print(
        f"\nwhere the time goes: {len(units)} units in one process, {in_process:.2f} s, "
        f"{in_process / len(units) * 1000:.0f} ms a unit (exclusive time per stage)"
    )
    accounted = 0.0
    for stage in (*Stages.NAMES, "other"):
        seconds = stages.totals.get(stage, 0.0) if stage != "other" else in_process - accounted
        accounted += seconds
        label = "render: docxtpl, the rest" if stage == "render" else stage
        each = seconds / len(units) * 1000
        line(label, f"{seconds:7.2f} s  {seconds / in_process:6.1%}  {each:6.1f} ms a unit")
    memory = peak_python_memory(batch.root, units[0], scratch / "mem")
    line("tracemalloc peak, one unit", f"{memory:7.1f} MB ({SAMPLES[0][0]})")
    print("\ncProfile of 10 units, by own time:")
    print("\n".join(profile.strip().splitlines()[:40]))


def window_peak(series: list[tuple[float, int, int]], at: float, width: float = 0.1) -> list[int]:
    """The largest PSS of the parent and of its workers (KiB) in samples of `series` within
    `width` of the run around fraction `at` of it."""
    end = series[-1][0] if series else 0.0
    inside = [row for row in series if abs(row[0] / end - at) <= width / 2] if end else []
    return [max((row[1] for row in inside), default=0), max((row[2] for row in inside), default=0)]


def thousand(scratch: Path, units: int, base: int = 100) -> None:
    """`jixiao render` of `base`, twice `base` and `units` lukou clones: ms a unit at the
    margin of the large batch against that of the small one (linear: the same), the tree's
    peak memory, and whether the parent's or the workers' memory grows with units."""
    runs = {}
    for count in (base, 2 * base, units):
        root = scratch / f"linear-{count}"
        make_project(root, count)
        warm_up(root)
        command = jixiao_command(root, "render", str(YEAR), "--out", str(scratch / f"out-{count}"))
        runs[count] = run_measured(command)
    print(f"\n{units} units against {base} (one `jixiao render` each, {os.cpu_count()} cores)")
    for count, run in runs.items():
        each = run.seconds / count * 1000
        line(f"{count} units", f"{run.seconds:7.2f} s  {each:6.1f} ms a unit")
    seconds = {count: run.seconds for count, run in runs.items()}
    small = (seconds[2 * base] - seconds[base]) / base * 1000
    large = (seconds[units] - seconds[2 * base]) / (units - 2 * base) * 1000
    line(f"at the margin, {base} → {2 * base}", f"{small:15.1f} ms a unit")
    if small > 0:
        ratio = large / small
        label = f"{units} units: ms a unit at the margin, large / small"
        shown = f"ratio {ratio:.2f} {judged(ratio, 'linear', label)}"
    else:  # the two small batches differ by less than their noise
        shown = f"not judged: {base} → {2 * base} took no time (try more --units)"
    line(f"at the margin, {2 * base} → {units}", f"{large:15.1f} ms a unit   {shown}")
    print("  (linear: a unit costs as much late in the batch as in its second stretch)")
    large_run = runs[units]
    print_memory(large_run, f"{units} units")
    early, middle, late = (sum(window_peak(large_run.series, at)) for at in (0.25, 0.55, 0.85))
    first, second = ((b - a) / (0.3 * units) for a, b in ((early, middle), (middle, late)))
    shown = f"{early / 1024:6.1f} → {middle / 1024:.1f} → {late / 1024:.1f} MB: "
    line("PSS of the tree at 25/55/85 %", shown + f"{first:+.1f}, {second:+.1f} KiB a unit")
    print(
        "  (growth that falls from the first stretch to the second is the allocator and the "
        "pages\n   shared with the parent settling; a leak keeps its KiB a unit)"
    )
    line(f"{base} units: peak of the tree (PSS)", f"{runs[base].mb(runs[base].tree_pss):7.0f} MB")


def check_figures(scratch: Path, units: int, repeat: int, revision: str | None) -> None:
    """`jixiao check` of `units` lukou clones in a fresh process; with `revision`, the same
    with that revision's jixiao, templates and sample, judged: not slower."""
    here = scratch / "check-here"
    make_project(here, units)
    command = jixiao_command(here, "check", str(YEAR))
    seconds = median_of(repeat, lambda: run_measured(command).seconds)
    print(f"\njixiao check of {units} units (median of {repeat} fresh processes)")
    line("this jixiao", f"{seconds:7.2f} s  {seconds / units * 1000:6.1f} ms a unit")
    if not revision:
        return
    tree = export_revision(revision, scratch)
    env = revision_environment(tree)
    there = scratch / f"check-{tree.name}"
    make_project(there, units, source=tree)
    command = jixiao_command(there, "check", str(YEAR))
    before = median_of(repeat, lambda: run_measured(command, env).seconds)
    ratio = seconds / before
    shown = judged(ratio, "check_vs_before", f"check of {units} units / {revision}")
    line(revision, f"{before:7.2f} s  ratio {ratio:.2f}   {shown}")


PER_FILE_PDFS = """
import sys
from pathlib import Path
from jixiao.batch import Job, run_jobs
root, out = Path(sys.argv[1]), Path(sys.argv[2])
units = sorted(p.name for p in (root / "content").iterdir())
jobs = [Job(root, u, {year}, out / str({year}) / u, pdf=True, timeout=600) for u in units]
assert not any(r.errors for r in run_jobs(jobs))
"""
"""Before issue 17: the same pool of workers, each converting its unit's documents with a
LibreOffice started for each one (write_unit with pdf=True, as `render --pdf` did)."""


def pdf_batch(units: int, revision: str | None, repeat: int) -> None:
    """`render --pdf` over `units` clones (one LibreOffice for the batch) against the same
    batch converted one LibreOffice per document, as before; with `revision`, the median of
    `repeat` runs of this `render --pdf` and of that revision's on its own clones, taken in
    turn so that both see the same load."""
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-pdf-") as temporary:
        scratch = Path(temporary)
        root = scratch / "project"
        make_project(root, units)
        use_child_environment(scratch / "pycache")
        warm_up(root)
        render = ("render", str(YEAR), "--pdf", "--out")
        here = [run_measured(jixiao_command(root, *render, temporary + "/one")).seconds]
        script = PER_FILE_PDFS.format(year=YEAR)
        each = run_measured([sys.executable, "-c", script, str(root), temporary + "/each"])
        pdfs = len(list(Path(temporary, "one").rglob("*.pdf")))
        assert pdfs == len(list(Path(temporary, "each").rglob("*.pdf"))) > 0
        before = []
        if revision:
            tree = export_revision(revision, scratch)
            env = revision_environment(tree)
            there = scratch / f"project-{tree.name}"
            make_project(there, units, source=tree)
            warm_up(there, env)
            rev_render = jixiao_command(there, *render, temporary + "/rev")
            for turn in range(repeat):
                before.append(run_measured(rev_render, env).seconds)
                if turn:  # the first of this jixiao's is the run above
                    here.append(
                        run_measured(jixiao_command(root, *render, temporary + "/one")).seconds
                    )
    one = statistics.median(here)
    print(f"--pdf for {units} units ({pdfs} documents), {os.cpu_count()} cores:")
    line("one LibreOffice per document (old)", f"{each.seconds:6.1f} s")
    line("one LibreOffice for the batch", f"{one:6.1f} s   (median of {len(here)})")
    speed_up = each.seconds / one
    shown = judged(speed_up, "pdf_speed_up", "--pdf: per document / one LibreOffice", at_least=True)
    line("speed-up", f"{speed_up:6.2f}×   {shown}")
    if revision:
        ratio = one / statistics.median(before)
        shown = judged(ratio, "pdf_vs_before", f"render --pdf of {units} units / {revision}")
        line(
            f"render --pdf at {revision}",
            f"{statistics.median(before):6.1f} s   ratio {ratio:.2f}   {shown}",
        )


def main() -> None:
    """Run the measurements asked for (all but --pdf by default), then the table of targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100, help="units of a batch (100)")
    parser.add_argument("--repeat", type=int, default=5, help="runs for each cold median")
    parser.add_argument("--against", metavar="REV", help="git revision to compare with")
    parser.add_argument("--pdf", type=int, metavar="UNITS", help="only --pdf, UNITS units")
    parser.add_argument("--watch-only", action="store_true", help="only the watch measurement")
    parser.add_argument("--warm-only", action="store_true", help="only the warm ms per kind")
    parser.add_argument("--json", action="store_true", help="with --warm-only: print JSON")
    parser.add_argument("--mix-only", action="store_true", help="only the batch of every kind")
    parser.add_argument("--check-only", action="store_true", help="only `check` of --units")
    parser.add_argument("--cold-only", action="store_true", help="only one unit, cold")
    parser.add_argument(
        "--thousand",
        type=int,
        nargs="?",
        const=1000,
        metavar="UNITS",
        help="only UNITS units (1000) against --units: time a unit and memory",
    )
    args = parser.parse_args()
    if args.warm_only and args.json:
        print(json.dumps(warm_per_kind()))
        return
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average "
        f"{os.getloadavg()[0]:.2f} at start"
    )
    if args.pdf:
        pdf_batch(args.pdf, args.against, min(args.repeat, 3))
    elif args.watch_only:
        report_watch()
    elif args.warm_only:
        with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as temporary:
            before = warm_of_revision(args.against, Path(temporary)) if args.against else {}
        print_warm(warm_per_kind(), before, args.against or "")
    else:
        measure(args)
    print_table()


def measure(args: argparse.Namespace) -> None:
    """The figures of a run in a throw-away folder: every one, or the part asked for."""
    everything = not (args.mix_only or args.check_only or args.thousand or args.cold_only)
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        print("pandoc is NOT installed: no baseline (install it: apt-get install -y pandoc).")
    else:
        version = subprocess.run([pandoc, "--version"], capture_output=True, text=True)
        print(f"baseline: {version.stdout.splitlines()[0]}")
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as temporary:
        scratch = Path(temporary)
        use_child_environment(scratch / "pycache")
        if everything:
            batch = batch_against_pandoc(scratch, "project", args.units, SAMPLES)
            cold_figures(batch, args.repeat)
            print_batch(
                batch, f"batch of {SAMPLES[0][0]}", "batch_vs_pandoc", "batch: jixiao / pandoc"
            )
            stage_figures(batch, scratch)
            before = warm_of_revision(args.against, scratch) if args.against else {}
            print_warm(warm_per_kind(), before, args.against or "")
        if args.cold_only:
            cold_figures(batch_against_pandoc(scratch, "project", 2, SAMPLES), args.repeat)
        if everything or args.mix_only:
            mix = batch_against_pandoc(scratch, "mix", args.units, MIX)
            kinds = len({kind for sample, _ in MIX for kind in kinds_of(sample)})
            title = f"mix of all {len(MIX)} samples ({kinds} kinds)"
            print_batch(mix, title, "mix_vs_pandoc", "mix: jixiao / pandoc")
        if everything or args.check_only:
            check_figures(scratch, args.units, min(args.repeat, 3), args.against)
        if everything or args.thousand:
            thousand(scratch, args.thousand or 1000, args.units)
    if everything:
        report_watch()


def kinds_of(sample: str) -> list[str]:
    """The report kinds of a sample unit, from its unit.yaml."""
    text = (REPO / "content" / sample / "unit.yaml").read_text(encoding="utf-8")
    found = re.search(r"^kinds: \[(.*)\]", text, flags=re.MULTILINE)
    return [k.strip() for k in found.group(1).split(",")] if found else []


WATCH_TARGET_MS = 150
"""Issue 17: a warm `jixiao watch` writes the .docx within this long after a save."""


def watch_save_to_written(saves: int = 15) -> list[float]:
    """Milliseconds from each save of lukou-zzb's 2023.yaml to its new .docx in place, with
    one `jixiao watch` process running on a copy of the samples (the first render not
    counted). The .docx counts as written when its inode changes (it is renamed in)."""
    with tempfile.TemporaryDirectory(prefix="jixiao-watch-") as temporary:
        root = Path(temporary)
        for name in ("content", "templates"):
            shutil.copytree(REPO / name, root / name)
        year_file = root / "content" / "lukou-zzb" / "2023.yaml"
        report = root / "output" / "2023" / "lukou-zzb"
        command = jixiao_command(root, "watch", "2023", "--unit", "lukou-zzb")
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times = []
        try:
            docx = _changed(report, None, 60)
            text = year_file.read_text(encoding="utf-8")
            for index in range(saves):
                time.sleep(0.3)  # apart, as a writer saves
                before = docx.stat().st_ino
                year_file.write_text(text.replace("761.25", f"761.{index + 30}"), "utf-8")
                saved = time.perf_counter()
                _changed(report, before, 10)
                times.append((time.perf_counter() - saved) * 1000)
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(10)
    return times


def _changed(folder: Path, inode: int | None, timeout: float) -> Path:
    """The .docx in `folder` once its inode is not `inode` (polled every millisecond)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for docx in folder.glob("*.docx") if folder.is_dir() else ():
            with suppress(OSError):
                if docx.stat().st_ino != inode:
                    return docx
        time.sleep(0.001)
    raise TimeoutError(f"no new .docx in {folder} within {timeout} s")


def report_watch() -> None:
    """Print the median save-to-written time of `jixiao watch` against its target."""
    times = watch_save_to_written()
    median = statistics.median(times)
    ok = verdict(median < WATCH_TARGET_MS)
    TABLE.append(("watch: save → .docx written (ms)", f"{median:.0f}", f"< {WATCH_TARGET_MS}", ok))
    print(f"\nlive preview (issue 17): jixiao watch, {len(times)} saves of lukou-zzb")
    line(
        "save → .docx written, median",
        f"{median:6.0f} ms  < {WATCH_TARGET_MS} {ok}   "
        f"(min {min(times):.0f}, max {max(times):.0f})",
    )


if __name__ == "__main__":
    main()
