"""Benchmark jixiao against pandoc on the same text: one report cold, and 100 units.

    python benchmarks/run.py [--units 100] [--repeat 5] [--against REV] [--warm-only]
    python benchmarks/run.py --pdf 20   # only: --pdf, one LibreOffice against one per file
    python benchmarks/run.py --watch-only   # only: save to written .docx under watch

Builds a throw-away project of clones of the samples (unit001 …, every unit with a 2023
file), then measures in one run, side by side on this machine:

- one report, cold: `jixiao render` in a fresh process, against one `pandoc x.md -o x.docx`;
- the batch: `jixiao render 2023` over every unit, against pandoc run once per report;
- peak memory of the batch (largest process, and the whole process tree sampled);
- where the time goes: per-stage timers and a cProfile of the pipeline in this process;
- warm ms per report of each sample's kinds in one worker, and with `--against REV` the
  same figures of that git revision (its src/ exported to a scratch folder) as ratios.

Prints figures and the issue's targets; not a test, not run in CI.
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
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
YEAR = 2023
SAMPLES = (("lukou-zzb", 2023), ("kaifu-zzb", 2022))
"""Clones alternate between the samples; kaifu's 2022 file is moved to 2023 as it stands."""
TARGETS = {
    "batch_vs_pandoc": 0.25,
    "peak_mb": 200,
    "cold_vs_libraries": 1.5,
    "help_vs_pandoc": 2.5,
    "warm_ms": 12,
    "kind_vs_before": 1.10,
}
"""Issue 15's targets (ratios of the same run), and issue 13's 10 % for each kind."""
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


def make_project(root: Path, units: int) -> list[str]:
    """A project at `root` with `units` clones of the samples, all with a 2023 file."""
    shutil.copytree(REPO / "templates", root / "templates")
    names = []
    for number in range(1, units + 1):
        sample, year = SAMPLES[(number - 1) % len(SAMPLES)]
        name = f"unit{number:03d}"
        folder = root / "content" / name
        folder.mkdir(parents=True)
        shutil.copy(REPO / "content" / sample / "unit.yaml", folder / "unit.yaml")
        text = (REPO / "content" / sample / f"{year}.yaml").read_text(encoding="utf-8")
        text = re.sub(rf"^year: {year}$", f"year: {YEAR}", text, count=1, flags=re.MULTILINE)
        (folder / f"{YEAR}.yaml").write_text(text, encoding="utf-8")
        names.append(name)
    return names


def jixiao_command(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "jixiao", "--root", str(root), *args]


def run_measured(command: list[str]) -> tuple[float, int, int]:
    """Run `command`: wall seconds, its largest process's max RSS and the tree's peak (KiB)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_tree = [0]
    stop = threading.Event()
    sampler = threading.Thread(target=_sample_tree, args=(process.pid, peak_tree, stop))
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        stderr = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr}")
    return seconds, usage.ru_maxrss, peak_tree[0]


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


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _sample_tree(pid: int, peak: list[int], stop: threading.Event) -> None:
    """Keep the largest sum of RSS over the process tree of `pid`, every 20 ms."""
    while not stop.is_set():
        peak[0] = max(peak[0], sum(_rss_kib(p) for p in _tree(pid)))
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


def warm_of_revision(revision: str, scratch: Path) -> dict[str, float]:
    """`warm_per_kind` of the jixiao at git `revision`: its src/ exported, timed by a child."""
    target = scratch / f"src-{revision}"
    target.mkdir(parents=True)
    parts = ["src", "templates", "content"]  # its code with its own kinds and samples
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", revision, *parts], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    env = {**os.environ, "PYTHONPATH": str(target / "src"), "JIXIAO_BENCH_ROOT": str(target)}
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
            shown += f"   {judged(ratio, TARGETS['kind_vs_before'])}"
        line(name, shown)
    lukou = next((ms for name, ms in figures.items() if name.startswith("lukou")), None)
    if lukou is not None:
        line("warm lukou report (ms)", f"{lukou:6.1f}   {judged(lukou, TARGETS['warm_ms'])}")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def child_environment(cache: Path) -> dict[str, str]:
    """The environment for measured commands: bytecode cached, as after a normal install.

    Some machines set PYTHONDONTWRITEBYTECODE, which makes every fresh process compile
    jixiao's modules again; a private PYTHONPYCACHEPREFIX keeps the repository clean.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(cache), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}


def line(label: str, value: str, target: str = "") -> None:
    print(f"  {label:<34} {value}{'   ' + target if target else ''}")


def judged(ratio: float, limit: float) -> str:
    return f"(target ≤ {limit}: {verdict(ratio <= limit)})"


def pandoc_reports(sources: list[Path], out: Path) -> float:
    """Wall seconds for pandoc converting `sources` one after another, a process each."""
    start = time.perf_counter()
    for index, source in enumerate(sources):
        subprocess.run(["pandoc", str(source), "-o", str(out / f"{index}.docx")], check=True)
    return time.perf_counter() - start


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


def pdf_batch(units: int) -> None:
    """`render --pdf` over `units` clones (one LibreOffice for the batch) against the same
    batch converted one LibreOffice per document, as before; prints both and the ratio."""
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-pdf-") as temporary:
        root = Path(temporary) / "project"
        make_project(root, units)
        os.environ.update(child_environment(Path(temporary) / "pycache"))
        run_measured(jixiao_command(root, "--help"))  # fills the bytecode cache
        one, _, _ = run_measured(
            jixiao_command(root, "render", str(YEAR), "--pdf", "--out", temporary + "/one")
        )
        script = PER_FILE_PDFS.format(year=YEAR)
        each, _, _ = run_measured([sys.executable, "-c", script, str(root), temporary + "/each"])
        pdfs = len(list(Path(temporary, "one").rglob("*.pdf")))
        assert pdfs == len(list(Path(temporary, "each").rglob("*.pdf"))) > 0
    print(f"--pdf for {units} units ({pdfs} documents), {os.cpu_count()} cores:")
    line("one LibreOffice per document (old)", f"{each:6.1f} s")
    line("one LibreOffice for the batch", f"{one:6.1f} s")
    line("speed-up", f"{each / one:6.2f}×   (target ≥ 2: {verdict(each / one >= 2)})")


def main() -> None:
    """Run every measurement and print the figures, then the issue's three targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5, help="runs for each cold median")
    parser.add_argument("--pdf", type=int, metavar="UNITS", help="only --pdf, UNITS units")
    parser.add_argument("--watch-only", action="store_true", help="only the watch measurement")
    parser.add_argument("--against", metavar="REV", help="git revision to compare warm ms with")
    parser.add_argument("--warm-only", action="store_true", help="only the warm ms per kind")
    parser.add_argument("--json", action="store_true", help="with --warm-only: print JSON")
    args = parser.parse_args()
    if args.pdf:
        pdf_batch(args.pdf)
        return
    if args.watch_only:
        return report_watch()
    if args.warm_only:
        figures = warm_per_kind()
        if args.json:
            print(json.dumps(figures))
            return
        with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as temporary:
            before = warm_of_revision(args.against, Path(temporary)) if args.against else {}
        print_warm(figures, before, args.against or "")
        return
    pandoc = shutil.which("pandoc")
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average "
        f"{os.getloadavg()[0]:.2f} at start"
    )
    if pandoc is None:
        print("pandoc is NOT installed: no baseline (install it: apt-get install -y pandoc).")
    else:
        version = subprocess.run([pandoc, "--version"], capture_output=True, text=True)
        print(f"baseline: {version.stdout.splitlines()[0]}")
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as temporary:
        scratch = Path(temporary)
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ.update(child_environment(scratch / "pycache"))
        root = scratch / "project"
        units = make_project(root, args.units)
        out = scratch / "out"
        run_measured(jixiao_command(root, "--help"))  # fills the bytecode cache

        batch = jixiao_command(root, "render", str(YEAR), "--out", str(out))
        batch_s, batch_rss, batch_tree = run_measured(batch)
        reports = sorted(out.rglob("*.docx"))

        def cold_median(command: list[str]) -> float:
            return median_of(args.repeat, lambda: run_measured(command)[0])

        interpreter = cold_median([sys.executable, "-c", "pass"])
        libraries = cold_median([sys.executable, "-c", LIBRARIES])
        imported = cold_median([sys.executable, "-c", "import jixiao.cli, jixiao.batch"])
        startup = cold_median(jixiao_command(root, "--help"))
        samples = units[: len(SAMPLES)]
        cold = {
            unit: cold_median(
                jixiao_command(root, "render", str(YEAR), "--unit", unit, "--out", str(out))
            )
            for unit in samples
        }

        md_dir = scratch / "md"
        md_dir.mkdir()
        sources = []
        for index, report in enumerate(reports):
            sources.append(md_dir / f"{index:04d}.md")
            sources[-1].write_text(markdown_of(report), encoding="utf-8")
        pandoc_s = pandoc_2 = 0.0
        pandoc_one: dict[str, float] = {}
        documents: dict[str, int] = {}
        if pandoc:
            pandoc_s = pandoc_all(sources, scratch / "pandoc1")
            pandoc_2 = pandoc_all(sources, scratch / "pandoc2", workers=2)
            for unit in samples:  # the same work as `render --unit`: each of the unit's reports
                own = [
                    sources[reports.index(r)]
                    for r in sorted((out / str(YEAR) / unit).glob("*.docx"))
                ]
                documents[unit] = len(own)
                (scratch / "one").mkdir(exist_ok=True)
                convert = functools.partial(pandoc_reports, own, scratch / "one")
                pandoc_one[unit] = median_of(args.repeat, convert)

        print(f"\none unit, cold (median of {args.repeat} fresh processes)")
        line("python -c pass (interpreter)", f"{interpreter:6.3f} s")
        line("python -c 'import <libraries>'", f"{libraries:6.3f} s   ({LIBRARIES[7:]})")
        line("python -c 'import jixiao.cli…'", f"{imported:6.3f} s")
        line("python -m jixiao --help (start-up)", f"{startup:6.3f} s")
        cold_ratios: dict[str, float] = {}
        for unit, seconds in cold.items():
            sample = SAMPLES[units.index(unit) % len(SAMPLES)][0]
            shown = f"{seconds:6.3f} s"
            if unit in pandoc_one:
                cold_ratios[sample] = ratio = seconds / pandoc_one[unit]
                count = documents[unit]
                shown += f"   pandoc {pandoc_one[unit]:.3f} s ({count} report{'s' * (count > 1)}"
                shown += f", a process each)   ratio {ratio:.2f}"
            line(f"jixiao render --unit ({sample})", shown)
        first = cold[samples[0]]
        print(
            f"  where {SAMPLES[0][0]}'s {first * 1000:.0f} ms go: interpreter "
            f"{interpreter * 1000:.0f} ms, imports {(imported - interpreter) * 1000:.0f} ms, "
            f"the rest (arguments, load … write, exit) {(first - imported) * 1000:.0f} ms"
        )

        imports = import_times()
        shown = ", ".join(f"{name} {seconds * 1000:.0f}" for name, seconds in imports[:8])
        line(
            "imports (ms, own time by package)",
            f"{sum(s for _, s in imports) * 1000:.0f} ms: {shown}",
        )

        print(f"\nbatch of {len(units)} units, {len(reports)} reports")
        line(f"jixiao render ({os.cpu_count()} cores)", f"{batch_s:7.2f} s")
        batch_ratio = batch_s / pandoc_s if pandoc_s else float("nan")
        if pandoc:
            line(
                "pandoc, one process a report",
                f"{pandoc_s:7.2f} s   (2 at a time {pandoc_2:.2f} s)",
            )
            shown = f"{batch_ratio:7.2f}     {judged(batch_ratio, TARGETS['batch_vs_pandoc'])}"
            line("ratio jixiao / pandoc", shown + f"; vs 2 at a time {batch_s / pandoc_2:.2f}")
        peak = max(batch_rss, batch_tree) / 1024
        line("peak memory, largest process", f"{batch_rss / 1024:7.0f} MB (getrusage maxrss)")
        line("peak memory, process tree", f"{batch_tree / 1024:7.0f} MB (RSS sampled every 20 ms)")
        line("peak memory (the larger)", f"{peak:7.0f} MB     {judged(peak, TARGETS['peak_mb'])}")

        stages, in_process, profile = profile_in_process(root, units, scratch / "prof")
        print(
            f"\nwhere the time goes: {len(units)} units in one process, {in_process:.2f} s, "
            f"{in_process / len(units) * 1000:.0f} ms a unit (exclusive time per stage)"
        )
        accounted = 0.0
        for stage in Stages.NAMES:
            seconds = stages.totals.get(stage, 0.0)
            accounted += seconds
            label = "render: docxtpl, the rest" if stage == "render" else stage
            line(label, f"{seconds:7.2f} s  {seconds / in_process:6.1%}")
        line(
            "other",
            f"{in_process - accounted:7.2f} s  {(in_process - accounted) / in_process:6.1%}",
        )
        memory = peak_python_memory(root, units[1 % len(units)], scratch / "mem")
        line("tracemalloc peak, one unit", f"{memory:7.1f} MB ({SAMPLES[1 % len(SAMPLES)][0]})")
        print("\ncProfile of 10 units, by own time:")
        print("\n".join(profile.strip().splitlines()[:40]))

        warm = warm_per_kind()
        before = warm_of_revision(args.against, scratch) if args.against else {}
        print_warm(warm, before, args.against or "")

        print("\ntargets (issue 15), measured side by side in this run:")
        cold_ratio = first / libraries
        line(
            "cold render / import of libraries",
            f"{cold_ratio:6.2f}   {judged(cold_ratio, TARGETS['cold_vs_libraries'])}",
        )
        if pandoc:
            limit = TARGETS["batch_vs_pandoc"]
            line(
                f"batch of {len(units)}: jixiao / pandoc",
                f"{batch_ratio:6.2f}   ≤ {limit:<4} {verdict(batch_ratio <= limit)}",
            )
        limit = TARGETS["peak_mb"]
        line("batch peak memory (MB)", f"{peak:6.0f}   ≤ {limit:<4} {verdict(peak <= limit)}")
        if cold_ratios:
            worst = max(cold_ratios.values())
            each = ", ".join(f"{sample} {ratio:.2f}" for sample, ratio in cold_ratios.items())
            line("one unit cold: jixiao / pandoc", f"{worst:6.2f}   (worst of: {each})")
            one = pandoc_one[samples[0]] / documents[samples[0]]
            floor = libraries / one
            line("  floor: libraries' imports / pandoc", f"{floor:6.2f}   (one conversion)")
            help_ratio = startup / one
            line(
                "--help / one pandoc conversion",
                f"{help_ratio:6.2f}   {judged(help_ratio, TARGETS['help_vs_pandoc'])}",
            )
    report_watch()


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
    print(f"\nlive preview (issue 17): jixiao watch, {len(times)} saves of lukou-zzb")
    line(
        "save → .docx written, median",
        f"{median:6.0f} ms  < {WATCH_TARGET_MS} {verdict(median < WATCH_TARGET_MS)}"
        f"   (min {min(times):.0f}, max {max(times):.0f})",
    )


if __name__ == "__main__":
    main()
