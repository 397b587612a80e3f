"""Single-token mutations of every sample file: findings only, never a crash, a hang or a lie.

Each case replaces one token (a number, a word, a run of Chinese, a punctuation mark) of one
shipped file — a year file, a unit.yaml or a kind.yaml — by a token a clumsy writer or an
attacker would type, then checks and renders the unit as `jixiao render` does. Whatever the
input: no exception but ContentError, each case answers within seconds, a unit that `check`
passes renders, and a unit that fails leaves nothing at its output folder. The cases are
drawn from a fixed seed, so a failure names a case that can be run again.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from jixiao.batch import write_unit
from jixiao.checks import build_checked, check_unit_year
from jixiao.errors import ContentError
from jixiao.project import Project
from tests.conftest import REPO, copy_samples

CASES = int(
    os.environ.get("JIXIAO_FUZZ_CASES") or (2000 if os.environ.get("CI") == "true" else 300)
)
"""Mutations in all, spread over the sample files (CI runs 2,000; JIXIAO_FUZZ_CASES sets it)."""
SEED = int(os.environ.get("JIXIAO_FUZZ_SEED") or 12)
SECONDS = 10
"""The longest one case may take before it counts as a hang."""

SAMPLES = {
    "lukou-zzb": 2023,
    "kaifu-zzb": 2022,
    "yunxi-zzb": 2022,
    "conghua-zzb": 2022,
    "maoming-fgj": 2021,
}
TOKEN = re.compile(r"\d+(?:\.\d+)?|[A-Za-z_]+|[\u4e00-\u9fff]+|\S")
NASTY = [
    "", "-", "0", "-1", "1e999999", "1E+100000000", "9" * 400, "0.0000001", "!!int", "!!float",
    "~", "null", "true", "[", "]", "{", "}", "'", '"', ":", "：", "，", "1,008.5", "&a", "*a",
    "<<: *a", "待填", "{{ x }}", "{{ unit }}", "{{ 'a'*10**9 }}", "{% for i in range(9999) %}",
    "{n.__class__}", "{chinese}", "{n:>999999999}", "\x0c", "\x00", "\x1b", "\t", "\u3000",
    "/../../x", "..", "CON", "#", "|", ">", "- ", "?", "%", "\\", "！！", "2023-13-45",
]  # fmt: skip


def targets() -> list[Path]:
    """Every file a writer edits in the samples, relative to the repository."""
    files = [Path("content", unit, f"{year}.yaml") for unit, year in SAMPLES.items()]
    files += [Path("content", unit, "unit.yaml") for unit in SAMPLES]
    files += sorted(p.relative_to(REPO) for p in (REPO / "templates").glob("*/kind.yaml"))
    return files


def mutations() -> list[tuple[str, int, str]]:
    """(file, token index, replacement) for every case, drawn from a fixed seed."""
    chooser = random.Random(SEED)
    files = targets()
    counts = {f: len(TOKEN.findall((REPO / f).read_text(encoding="utf-8"))) for f in files}
    return [
        (str(f), chooser.randrange(counts[f]), chooser.choice(NASTY))
        for f in (files[i % len(files)] for i in range(CASES))
    ]


def mutate(text: str, index: int, replacement: str) -> str:
    """`text` with its `index`-th token replaced."""
    match = list(TOKEN.finditer(text))[index]
    return text[: match.start()] + replacement + text[match.end() :]


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail the case if it takes longer than `seconds` (a hang)."""

    def hung(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_samples(tmp_path_factory.mktemp("fuzz"))


def units_of(file: str) -> list[str]:
    """The sample units a changed file affects."""
    parts = Path(file).parts
    if parts[0] == "content":
        return [parts[1]]
    kind = parts[1]
    return [u for u in SAMPLES if kind in (REPO / "content" / u / "unit.yaml").read_text()]


def test_single_token_mutations_never_crash_hang_or_lie(workspace: Path) -> None:
    project = Project(workspace)
    failures: list[str] = []
    for number, (file, index, replacement) in enumerate(mutations()):
        original = (REPO / file).read_text(encoding="utf-8")
        (workspace / file).write_text(mutate(original, index, replacement), encoding="utf-8")
        case = f"case {number}: {file} token {index} → {replacement!r}"
        try:
            with deadline(SECONDS):
                for unit in units_of(file):
                    failures += exercise(project, unit, SAMPLES[unit], case)
        except Exception as exc:  # anything but findings is a crash
            failures.append(f"{case}: {type(exc).__name__}: {exc}"[:300])
        finally:
            (workspace / file).write_text(original, encoding="utf-8")
    assert failures == [], f"{len(failures)} of {CASES} cases failed:\n" + "\n".join(failures[:30])


def exercise(project: Project, unit: str, year: int, case: str) -> list[str]:
    """Check then render one unit as `jixiao render` does; what went wrong, if anything."""
    out = project.root / "out" / unit
    shutil.rmtree(out, ignore_errors=True)
    report = check_unit_year(project, unit, year)
    try:
        documents, _ = build_checked(project, unit, year)
        write_unit(out, documents, pdf=False)
    except ContentError as exc:
        problems = []
        if not report.errors:
            problems.append(f"{case}: check passed, render refused: {exc.findings[0].message}")
        if out.exists() and any(out.iterdir()):
            problems.append(f"{case}: files left in {out} for a unit that failed")
        return problems
    if report.errors:
        return [f"{case}: check found errors, render wrote: {report.errors[0].message}"]
    return []
