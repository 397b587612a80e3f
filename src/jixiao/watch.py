"""Live preview: re-check and re-render one unit-year every time one of its files is saved.

The files are the unit's unit.yaml and <year>.yaml, and for each of its kinds kind.yaml,
forms/*.yaml and its Word template (and the shared declarations in templates/_forms/). One process
stays up, so templates, kinds and declarations are read once and again only when they
change (their caches are keyed by the file's version). Each render is `batch.render_unit`:
checked first, written all together or not at all, so content with errors leaves the last
good files in place; the findings are printed. Ctrl-C ends it (exit 130).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import typer

from jixiao import messages
from jixiao.batch import UNIT_TIMEOUT, Job, UnitResult, render_unit, shown
from jixiao.errors import ContentError
from jixiao.formspec import FORMS_DIR, SHARED_DIR
from jixiao.kinds import KIND_FILE
from jixiao.loading import load
from jixiao.messages import listing, say
from jixiao.project import Project

STEP_MS = 30
"""How long (ms) after the last file event a save counts as finished (watchfiles' step)."""
DEBOUNCE_MS = 1000
"""The longest (ms) a burst of events is gathered before it is rendered anyway."""
IDLE_MS = 200
"""How often (ms) the watcher wakes while nothing changes (it starts watching by then)."""
_LOCKS = ("~$", ".~lock.", ".~jixiao-")
"""Names of the lock files Word and LibreOffice keep beside an open file, and jixiao's own."""


def kind_names(project: Project, unit: str, year: int) -> list[str]:
    """The kinds the unit-year is rendered as, read from its files as they are now (the year
    file's `kinds` before unit.yaml's); none where the files cannot be read."""
    for file in (project.year_file(unit, year), project.unit_file(unit)):
        try:
            kinds = load(file).data.get("kinds")
        except (ContentError, AttributeError):
            continue
        if isinstance(kinds, list) and kinds:
            return [str(k) for k in kinds]
    return []


def relevant(project: Project, unit: str, year: int) -> Callable[[Path], bool]:
    """Whether a changed path is one of the files the unit-year is rendered from: its own
    two files, or in one of its kinds' folders kind.yaml, a Word template (.docx) or a form
    declaration, or a shared declaration. The kinds are read only when a template folder's
    file changed (reading the content costs time a save of it should not wait for)."""
    own = {project.unit_file(unit).resolve(), project.year_file(unit, year).resolve()}
    templates = project.templates.resolve()
    folders: list[set[Path]] = []

    def kind_folders() -> set[Path]:
        if not folders:
            kinds = kind_names(project, unit, year)
            folders.append({templates / k for k in kinds} | {templates / SHARED_DIR})
        return folders[0]

    def wanted(path: Path) -> bool:
        path = path.resolve()
        if path in own:
            return True
        if path.name.startswith(_LOCKS) or templates not in path.parents:
            return False
        if path.parent.name == SHARED_DIR or path.parent.name == FORMS_DIR:
            return path.suffix == ".yaml" and (
                path.parent in kind_folders() or path.parent.parent in kind_folders()
            )
        if path.name == KIND_FILE or path.suffix == ".docx":
            return path.parent in kind_folders()
        return False

    return wanted


def saves(project: Project, unit: str, year: int) -> Iterator[list[Path]]:
    """The relevant files of each save (a burst of file events), as they happen; first an
    empty list as soon as the files are watched, then one now and then while nothing
    changes. Saves made while the caller renders are kept for the next step."""
    from watchfiles import watch as file_events  # only this command needs it

    folders = [project.content / unit, project.templates]
    changes_seen = file_events(
        *folders, step=STEP_MS, debounce=DEBOUNCE_MS, rust_timeout=IDLE_MS, yield_on_timeout=True
    )
    for changes in changes_seen:
        wanted = relevant(project, unit, year)
        yield sorted({Path(p) for _change, p in changes if wanted(Path(p))})


def saved_at(paths: list[Path]) -> float:
    """When the latest of `paths` was written (time.time() clock); now if none is there."""
    stamps = []
    for path in paths:
        try:
            stamps.append(path.stat().st_mtime)
        except OSError:
            continue
    return max(stamps, default=time.time())


def report(result: UnitResult, root: Path, since: float | None = None) -> None:
    """The findings of one render, then what it wrote (with the time since the save)."""
    for finding in result.findings:
        typer.echo(finding.render(root), err=True)
    if result.errors:
        typer.echo(say("watch_kept", unit=result.unit, count=result.errors), err=True)
        return
    for path in result.written:
        if since is None:
            typer.echo(say("wrote", path=shown(path)))
        else:
            ms = max(0, round((time.time() - since) * 1000))
            typer.echo(say("watch_wrote", path=shown(path), ms=ms))


def watch_unit(
    project: Project, unit: str, year: int, out: Path, pdf: bool = False, xlsx: bool = False
) -> int:
    """Render the unit-year now and after every save of its files, until Ctrl-C (130)."""
    job = Job(project.root, unit, year, out, pdf, messages.language(), UNIT_TIMEOUT, xlsx)
    root = project.root
    try:
        typer.echo(say("watch_start", unit=unit, year=year))
        steps = saves(project, unit, year)
        next(steps)  # watching from here: a save during the first render is not missed
        report(render_unit(job), root)
        for paths in steps:
            if not paths:
                continue
            typer.echo(say("watch_changed", files=listing(str(shown(p)) for p in paths)))
            since = saved_at(paths)
            report(render_unit(job), root, since)
    except KeyboardInterrupt:
        typer.echo(say("watch_stopped"), err=True)
        return 130
    return 0
