"""`jixiao import`: a .docx in, <unit>/<year>.yaml (and unit.yaml) out, never overwriting."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from jixiao.errors import ContentError, error
from jixiao.importing.choose import choose_kind, match_sections, similarity
from jixiao.importing.figures import Lifted, escape, lift_staffing, link
from jixiao.importing.headings import Levels
from jixiao.importing.outline import NotReadable, Paragraph, Table, read_outline
from jixiao.importing.structure import Node, Outline, read_structure
from jixiao.importing.writing import Writer, document, dump, table_comments, unit_map, year_map
from jixiao.kinds import Kind, available, load_kind
from jixiao.messages import say
from jixiao.output import write_atomic
from jixiao.project import Project

NOT_A_REPORT = 0.2
"""Below this kind score a document is taken as no report at all."""
PROMOTE = 0.9
"""Title similarity at which a lower heading is taken as one of the kind's level-1 sections."""
_YEAR = re.compile(r"(20\d{2})\s*年度?")


@dataclass
class Summary:
    """What an import did, for the printed summary."""

    kind: str
    score: float
    written: list[Path]
    matched: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    lifted: dict[str, int] = field(default_factory=dict)
    links: int = 0
    checks: list[str] = field(default_factory=list)


def _fail(path: Path, code: str, **fields: object) -> ContentError:
    """A ContentError naming the input file, with the message and hint of `code`."""
    return ContentError([error(path, None, "", say(code, **fields), say(code + "_hint"))])


def _texts(node: Node) -> list[str]:
    """Every paragraph under `node`, titles included, in order."""
    out = [node.title, *node.text] if node.title else list(node.text)
    for child in node.children:
        out.extend(_texts(child))
    return out


def _names(title: list[str], year: int) -> tuple[str, str]:
    """Guessed full and short unit names from the title block."""
    first = title[0] if title else ""
    if len(title) < 2:
        first = re.split(r"20\d{2}", first)[0] or first
    short = first.removeprefix("中共").replace("委员会", "委")
    return first.strip(), short.strip()


def _numbering(outline: Outline, kind: Kind) -> dict[int, str]:
    """Levels whose typed numbers differ from the kind's style: the style the document used."""
    styles = Levels(kind.settings.numbering).styles
    found = {}
    for level, seen in outline.patterns.items():
        pattern = Counter(seen).most_common(1)[0][0].replace("．", ".").replace("(", "（")
        pattern = pattern.replace(")", "）")
        if level in styles and pattern != styles[level]:
            found[level] = pattern
    return found


def import_report(
    project: Project,
    source: Path,
    unit: str,
    year: int | None = None,
    kind_name: str | None = None,
    force: bool = False,
) -> Summary:
    """Read `source` and write the unit's content files; ContentError, nothing written, if not."""
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise _fail(source, "import_missing") from None
    except OSError as exc:
        raise _fail(source, "import_unreadable", detail=exc.strerror or str(exc)) from None
    if source.suffix.lower() == ".doc":
        raise _fail(source, "import_legacy")
    try:
        blocks = read_outline(data)
    except NotReadable as problem:
        raise _fail(source, problem.code, **problem.fields) from None
    names = [kind_name] if kind_name else available(project.templates)
    kinds = [load_kind(project.templates, name) for name in names]
    rough = read_structure(blocks, Levels())
    kind, score = choose_kind(kinds, rough.root.children)
    if not kind_name and score < NOT_A_REPORT:
        raise _fail(source, "import_not_report")
    titles = [spec.title for spec in kind.settings.sections]

    def top(title: str) -> bool:
        return any(similarity(title, known) >= PROMOTE for known in titles)

    outline = read_structure(blocks, Levels(kind.settings.numbering), top)
    if year is None:
        found = _YEAR.search(" ".join(outline.title)) or _YEAR.search(
            " ".join(_texts(outline.root))
        )
        if found is None:
            raise _fail(source, "import_no_year")
        year = int(found[1])
    target = project.year_file(unit, year)
    if target.exists() and not force:
        raise _fail(target, "import_exists")
    lifted = Lifted()
    if "staffing" in kind.reads:  # a kind that does not print it cannot refer to it either
        lift_staffing(_texts(outline.root), lifted)

    def text(value: str) -> str:
        return link(escape(value), year, lifted)

    full, short = _names(outline.title, year)
    fields = CommentedMap(year=year)
    if lifted.staffing.keys() >= {"authorized", "in_service"}:
        fields["staffing"] = CommentedMap(lifted.staffing)
    how = Writer(text, max(Levels(kind.settings.numbering).styles))
    matches = match_sections(kind, outline.root.children)
    written = year_map(outline, kind, matches, how, fields)
    header = [say("import_header", file=source.name, kind=kind.name)]
    tail = "".join(f"# {line}\n" for shown in written.unprinted for line in shown.splitlines())
    year_text = document("year", header, dump(written.data), tail + table_comments(written.tables))
    files = {target: year_text}
    unit_file = project.unit_file(unit)
    if not unit_file.exists():
        unit_data = unit_map(full, short, kind.name, _numbering(outline, kind))
        files[unit_file] = document("unit", header, dump(unit_data))
    for path, content in files.items():
        write_atomic(path, content.encode("utf-8"))
    checks = written.checks + lifted.conflicts
    return Summary(
        kind.name,
        score,
        list(files),
        written.matched,
        written.kept,
        dict(lifted.staffing),
        lifted.links,
        checks,
    )


__all__ = ["Paragraph", "Summary", "Table", "import_report"]
