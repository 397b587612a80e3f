"""`jixiao import A.docx B.docx …`: the documents of a kind made once per key project (a
项目支出绩效自评表 for each project) put together as the unit's one year file.

Each document is imported alone into a scratch project (the same templates, the unit's
unit.yaml), as `import_report` imports one; then their projects are put in one list, each
with the comments its import wrote (the 待核对 notes, the tables' text) after it. Nothing is
written unless every document imports, all as the same kind, for the same year, with no
project twice; then `jixiao check` runs on the file written.
"""

from __future__ import annotations

import shutil
import tempfile
import unicodedata
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from jixiao.errors import ContentError, error
from jixiao.folder import Project
from jixiao.importing.run import Summary, import_report
from jixiao.importing.writing import document, dump
from jixiao.kinds import load_kind
from jixiao.messages import listing, say
from jixiao.output import place, release_signals, staging, write_failed, write_new
from jixiao.scaffold import check_unit_name


def import_reports(
    project: Project,
    sources: list[Path],
    unit: str,
    year: int | None = None,
    kind_name: str | None = None,
    force: bool = False,
) -> Summary:
    """Import `sources` as the unit's year file (one source: `import_report`); ContentError,
    nothing written, if they cannot make one."""
    if len(sources) == 1:
        return import_report(project, sources[0], unit, year, kind_name, force)
    check_unit_name(unit, project)
    with tempfile.TemporaryDirectory(prefix="jixiao-import-") as folder:
        scratch = _scratch(project, unit, Path(folder))
        parts = []
        for source in sources:
            summary = import_report(scratch, source, unit, year, kind_name, force=True)
            texts = {path.name: path.read_text(encoding="utf-8") for path in summary.written}
            parts.append((source, summary, texts))
            for path in summary.written:
                if path.parent == scratch.content / unit and path.name != "unit.yaml":
                    path.unlink()  # the next document's import writes its own
    first = parts[0][1]
    _same(sources, [s.kind for _, s, _ in parts], "import_several_kinds")
    _same(sources, [str(s.year) for _, s, _ in parts], "import_several_years")
    kind = load_kind(project.templates, first.kind)
    each = kind.settings.each
    if each is None:
        message = say("import_several_not_each", kind=kind.name, count=len(sources))
        raise ContentError([error(sources[1], None, "", message, say("import_several_hint"))])
    target = project.year_file(unit, first.year)
    if target.exists() and not force:
        raise ContentError(
            [error(target, None, "", say("import_exists"), say("import_exists_hint"))]
        )
    merged, notes = _merged([(source, texts[target.name]) for source, _, texts in parts], each)
    header = [say("import_header", file=listing(s.name for s in sources), kind=kind.name)]
    files = {target: document("year", header, _body(dump(merged)))}
    unit_file = project.unit_file(unit)
    if not unit_file.exists() and "unit.yaml" in parts[0][2]:
        files[unit_file] = parts[0][2]["unit.yaml"]
    _write(files)
    return _summary(project, unit, parts, list(files), notes)


def _scratch(project: Project, unit: str, folder: Path) -> Project:
    """A project in `folder` with the templates of `project` and its unit's unit.yaml."""
    (folder / "content" / unit).mkdir(parents=True)
    (folder / "templates").symlink_to(project.templates.resolve(), target_is_directory=True)
    unit_file = project.unit_file(unit)
    if unit_file.is_file():
        shutil.copyfile(unit_file, folder / "content" / unit / "unit.yaml")
    return Project(folder)


def _same(sources: list[Path], values: list[str], code: str) -> None:
    """ContentError `code` naming each document with its value, unless all are one."""
    if len(set(values)) > 1:
        shown = listing(f"{s.name}（{v}）" for s, v in zip(sources, values, strict=True))
        raise ContentError(
            [error(sources[0], None, "", say(code, found=shown), say(f"{code}_hint"))]
        )


def _name(item: object) -> str:
    """A project's name as `check` compares names (NFC, case folded)."""
    name = item.get("name", "") if isinstance(item, dict) else ""
    return unicodedata.normalize("NFC", str(name)).casefold()


def _merged(parts: list[tuple[Path, str]], each: str) -> tuple[CommentedMap, list[str]]:
    """The first year file with the other files' `each` items after its own; any other
    field a later file gives otherwise is left as the first gave it and noted."""
    reader = YAML()
    merged: CommentedMap | None = None
    seen: dict[str, Path] = {}
    notes: list[str] = []
    for source, text in parts:
        data = reader.load(text)
        for item in data.get(each) or []:
            if _name(item) in seen:
                message = say(
                    "import_several_same_project",
                    project=item.get("name", ""),
                    first=seen[_name(item)].name,
                    second=source.name,
                )
                raise ContentError([error(source, None, each, message, say("import_several_hint"))])
            seen[_name(item)] = source
        if merged is None:
            merged = data
            continue
        merged.setdefault(each, []).extend(data.get(each) or [])
        for key, value in data.items():
            if key == each:
                continue
            if key not in merged:
                merged[key] = value
            elif merged[key] != value:
                notes.append(
                    say(
                        "import_several_differs",
                        field=key,
                        source=source.name,
                        first=parts[0][0].name,
                    )
                )
    assert merged is not None
    return merged, notes


def _body(text: str) -> str:
    """`text` without the comment lines it starts with (the first file's header)."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    return "".join(lines[start:])


def _write(files: dict[Path, str]) -> None:
    """Write `files` all together or none (staged beside the year file, then placed)."""
    folder = next(iter(files)).parent
    with staging(folder) as stage:
        staged = {}
        for index, (target, text) in enumerate(files.items()):
            staged[target] = stage / f"{index}{target.suffix}"
            try:
                write_new(staged[target], text.encode("utf-8"))
            except OSError as exc:
                raise write_failed(target, exc) from None
        place(staged, stage)
    release_signals()


def _summary(
    project: Project,
    unit: str,
    parts: list[tuple[Path, Summary, dict[str, str]]],
    written: list[Path],
    notes: list[str],
) -> Summary:
    """One summary of the documents' imports (each note naming its document) and what
    `jixiao check` finds wrong with the year file written."""
    from jixiao.checks import check_unit_year

    first = parts[0][1]

    def named(source: Path, items: list[str]) -> list[str]:
        return [say("import_several_from", source=source.name, note=item) for item in items]

    year = first.year
    marker = say("to_fill_hint", year=year)  # each 待填 the imports wrote is listed above
    errors = [f for f in check_unit_year(project, unit, year).errors if f.hint != marker]
    return Summary(
        first.kind,
        min(s.score for _, s, _ in parts),
        written,
        [m for source, s, _ in parts for m in named(source, s.matched)],
        [k for source, s, _ in parts for k in named(source, s.kept)],
        sum(s.lifted for _, s, _ in parts),
        sum(s.links for _, s, _ in parts),
        [*notes, *(c for source, s, _ in parts for c in named(source, s.checks))],
        first.others,
        all(s.by_forms for _, s, _ in parts),
        [r for source, s, _ in parts for r in named(source, s.refused)],
        [finding.render(project.root) for finding in errors],
        year,
    )
