"""`jixiao import`: a .docx in, <unit>/<year>.yaml (and unit.yaml) out, never overwriting."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from jixiao.errors import ContentError, error, os_reason
from jixiao.importing.attachments import drop_printed, drop_printed_lines, printed_texts
from jixiao.importing.budget import budget_section
from jixiao.importing.cells import Shown, form_score, form_tables, lift_cells
from jixiao.importing.choose import Match, choose_kind, match_sections, similarity
from jixiao.importing.columns import column_tables, lift_columns
from jixiao.importing.each_forms import each_forms, lift_each
from jixiao.importing.figures import Lifted, escape, lift_staffing, link
from jixiao.importing.forms import lift_rows, list_tables
from jixiao.importing.headings import Levels
from jixiao.importing.laid_budget import fill_budget
from jixiao.importing.money import BUDGET, OVERALL, Money, lift_money, link_money
from jixiao.importing.outline import NotReadable, Paragraph, Table, read_outline
from jixiao.importing.recheck import differences, recheck_errors
from jixiao.importing.scores import item_differences, keep_scores
from jixiao.importing.structure import TITLE_WORDS, Node, Outline, read_structure
from jixiao.importing.table_headings import split_heading_rows
from jixiao.importing.validity import locate, screen
from jixiao.importing.writing import (
    CHECK,
    Writer,
    document,
    dump,
    note_field,
    table_comments,
    unit_map,
    year_map,
)
from jixiao.kinds import FORM_LAYOUTS, LAYOUT_READS, Kind, available, load_kind
from jixiao.messages import say
from jixiao.output import write_atomic
from jixiao.project import Project
from jixiao.scaffold import check_unit_name

NOT_A_REPORT = 0.2
"""Below this kind score a document is taken as no report at all."""
PROMOTE = 0.9
"""Title similarity at which a lower heading is taken as one of the kind's level-1 sections."""
_YEAR_PREFIX = re.compile(r"^\s*20\d{2}\s*年度?")
_YEAR = re.compile(r"(20\d{2})\s*年度?")


@dataclass
class Summary:
    """What an import did, for the printed summary."""

    kind: str
    score: float
    written: list[Path]
    matched: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    lifted: int = 0
    links: int = 0
    checks: list[str] = field(default_factory=list)
    others: list[tuple[str, float]] = field(default_factory=list)
    """The other kinds and their scores, best first."""
    by_forms: bool = False
    """The kind was chosen by its forms (the share of their fixed texts the tables hold),
    no heading matching any kind's sections."""
    refused: list[str] = field(default_factory=list)
    """Values read that their fields do not take: where, the value, why, what was written."""
    errors: list[str] = field(default_factory=list)
    """What `jixiao check` finds wrong with the files written (none announced above)."""
    year: int = 0
    """The year of the year file written."""


def _fail(path: Path, code: str, **fields: object) -> ContentError:
    """A ContentError naming the input file, with the message and hint of `code`."""
    hint = f"{code}_hint"
    return ContentError([error(path, None, "", say(code, **fields), say(hint))])


def _texts(node: Node) -> list[str]:
    """Every paragraph under `node`, titles included, in order."""
    out = [node.title, *node.text] if node.title else list(node.text)
    for child in node.children:
        out.extend(_texts(child))
    return out


def _unit_kinds(path: Path) -> list[str]:
    """The kinds an existing unit.yaml names (none when it cannot be read: check will say why)."""
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except Exception:  # a broken unit.yaml is check's to report, not import's
        return []
    kinds = data.get("kinds") if isinstance(data, dict) else None
    return [str(k) for k in kinds] if isinstance(kinds, list) else []


def _tables(node: Node) -> list[Table]:
    """Every table under `node`, in document order."""
    return [*node.tables, *(t for child in node.children for t in _tables(child))]


_UNIT_NOTE = re.compile(r"^\s*(?:金额)?单位[:：]\s*\S{1,4}\s*$")
"""A table's unit line (金额单位：万元), printed by the template with the table."""


def _give_to_layout(section: Node, table: Table) -> None:
    """Leave to the section's layout what it prints once its table's figures are read.

    The sub-section holding the table is the layout's own: its paragraphs become the
    section's lead text; its heading and the table's unit line are the template's."""
    holder = next((c for c in section.children if any(t is table for t in c.tables)), section)
    printed = [t for t in holder.text if _UNIT_NOTE.match(t)]
    kept = [t for t in holder.text if not _UNIT_NOTE.match(t)]
    if holder is not section:
        section.text = [*section.text, *kept]
        section.children.remove(holder)
        section.tables.append(table)
        printed.insert(0, holder.title)
    else:
        section.text = kept
    if printed:
        section.notes.append(say("import_note_layout", printed=say("list_separator").join(printed)))


def _escaped(value: object) -> object:
    """A lifted value with its texts made literal for the sandbox, items and lists within."""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, dict):
        return CommentedMap((key, _escaped(inner)) for key, inner in value.items())
    if isinstance(value, list):
        return [_escaped(inner) for inner in value]
    return value


def _names(title: list[str]) -> tuple[str, str]:
    """Guessed full and short unit names: the title line that is no more than a name."""
    lines = [_YEAR_PREFIX.sub("", line).strip() for line in title]
    named = [line for line in lines if line and not any(w in line for w in TITLE_WORDS)]
    full = named[0] if named else re.split(r"20\d{2}", title[0] if title else "")[0].strip()
    short = full.removeprefix("中共").replace("委员会", "委")
    return full, short.strip()


def _department(items: object) -> str:
    """The 主管部门 of the first key project read, where the document shows no unit name."""
    if isinstance(items, list) and items and isinstance(items[0], dict):
        return str(items[0].get("department") or "").strip()
    return ""


def _sender_in_title(outline: Outline) -> None:
    """The line under the title that repeats the unit's name the title gives (the sender,
    开福区委组织部 under 2022年度开福区委组织部 / 整体支出绩效自评报告) is the title's last line."""
    lines = [_YEAR_PREFIX.sub("", line).strip() for line in outline.title]
    names = {line for line in lines if line and not any(w in line for w in TITLE_WORDS)}
    if outline.root.text and outline.root.text[0].strip() in names:
        outline.title.append(outline.root.text.pop(0))


def _numbering(outline: Outline, kind: Kind) -> dict[int, str]:
    """Levels whose typed numbers differ from the kind's style: the style the document used."""
    styles = Levels(kind.settings.numbering).styles
    found = {}
    for level, seen in outline.patterns.items():
        pattern = Counter(seen).most_common(1)[0][0].replace("．", ".").replace("(", "（")
        if not pattern:
            continue  # mostly numbered by Word, not typed
        pattern = pattern.replace(")", "）")
        if level in styles and pattern != styles[level]:
            found[level] = pattern
    return found


def _money(kind: Kind, matches: list[Match], texts: list[str]) -> Money:
    """The money figures prose states that the kind can print from a field: 基本支出 where
    the kind lays out budget (and the document's section fits the layout), else 全年预算."""
    if "budget" in kind.reads and budget_section(kind, matches) is not None:
        return lift_money(texts, BUDGET)
    if "overall" in kind.reads:
        return lift_money(texts, OVERALL)
    return Money([])


def _money_fields(
    kind: Kind,
    matches: list[Match],
    money: Money,
    text: Callable[[str], str],
    fields: CommentedMap,
    shown: list[Shown],
) -> tuple[CommentedMap, list[str]]:
    """The year-file fields the money gives, and what to check; budget, where the layout
    prints it, completed in `fields` from the forms' cells, the prose and the section's text."""
    data = CommentedMap(_commented(money.fields()))
    section = budget_section(kind, matches)
    if section is None or ("budget" not in data and "budget" not in fields):
        return data, []
    budget = fields.setdefault("budget", CommentedMap())
    notes = fill_budget(budget, data.pop("budget", {}), section, shown, text)
    section.give_to_layout()
    return data, notes


def _commented(value: object) -> object:
    """Nested dicts as CommentedMaps (written in block style)."""
    if isinstance(value, dict):
        return CommentedMap((k, _commented(v)) for k, v in value.items())
    return value


def _laid_out(kind: Kind) -> set[str]:
    """Year-file fields a section of the kind lays out as prose (not as a form): figures
    read into them from a form would print in place of the text the import kept."""
    return {
        name
        for spec in kind.settings.sections
        if spec.layout not in FORM_LAYOUTS
        for name in LAYOUT_READS[spec.layout]
    }


def _put_cells(
    fields: CommentedMap, values: dict[tuple[str, ...], object], lists: dict[tuple[str, ...], list]
) -> list[tuple[str, str, str]]:
    """Store the values read from form cells; (field, kept, other) where one was there."""
    twice = []
    for path, value in [*values.items(), *lists.items()]:
        target = fields
        for part in path[:-1]:
            target = target.setdefault(part, CommentedMap())
        value = _escaped(
            value
            if not isinstance(value, list)
            else [i if isinstance(i, dict) else str(i) for i in value]
        )
        kept = target.setdefault(path[-1], value)
        if kept != value:
            twice.append((".".join(path), str(kept), str(value)))
    return twice


def _put_items(fields: CommentedMap, name: str, items: list[dict]) -> None:
    """Items read from per-item forms: into the listed item of the same name, else added."""
    listed = fields.setdefault(name, [])
    for item in items:
        same = next((i for i in listed if i.get("name") == item.get("name")), None)
        if same is None:
            listed.append(_escaped(item))
            continue
        for key, value in _escaped(item).items():
            same.setdefault(key, value)


def _form_scores(
    project: Project, kinds: list[Kind], blocks: list[Paragraph | Table]
) -> dict[str, float]:
    """Each kind's share of its declared forms' fixed texts found in the document's tables."""
    tables = [block for block in blocks if isinstance(block, Table)]
    if not tables:
        return {}
    found = _YEAR.search(" ".join(b.text for b in blocks if not isinstance(b, Table)))
    year = int(found[1]) if found else 2000  # a year in a fixed text: only that text differs
    scores = {}
    for kind in kinds:
        declared = form_tables(project.templates, kind, year)
        declared += [t for each in each_forms(project.templates, kind, year) for t in each.tables]
        scores[kind.name] = form_score(declared, tables)
    return scores


def _no_project(
    project: Project,
    source: Path,
    unit: str,
    year: int,
    kind: Kind,
    asked: str | None,
    force: bool,
    others: list[tuple[str, float]],
) -> Summary:
    """A kind made once per key project, chosen for a document that gives no project: the
    year file would make no document, and check would reject it. Asked for by --kind, a
    message and nothing written; chosen by the import, the best other kind instead."""
    fallback = next(
        (
            name
            for name, score in others
            if score >= NOT_A_REPORT and load_kind(project.templates, name).settings.each is None
        ),
        None,
    )
    if asked is not None or fallback is None:
        raise _fail(source, "import_no_project", kind=kind.name)
    summary = import_report(project, source, unit, year, fallback, force)
    summary.checks.insert(0, say("import_note_no_project", kind=kind.name, chosen=fallback))
    return summary


def import_report(
    project: Project,
    source: Path,
    unit: str,
    year: int | None = None,
    kind_name: str | None = None,
    force: bool = False,
) -> Summary:
    """Read `source` and write the unit's content files; ContentError, nothing written, if not."""
    check_unit_name(unit, project)  # the year is checked as the command line is read
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise _fail(source, "import_missing") from None
    except OSError as exc:
        raise _fail(source, "import_unreadable", detail=os_reason(exc)) from None
    if source.suffix.lower() == ".doc":
        raise _fail(source, "import_legacy")
    try:
        blocks = split_heading_rows(read_outline(data))
    except NotReadable as problem:
        raise _fail(source, problem.code, **problem.fields) from None
    names = [kind_name] if kind_name else available(project.templates)
    kinds = [load_kind(project.templates, name) for name in names]
    rough = read_structure(blocks, Levels())
    choice = choose_kind(kinds, rough.root.children, lambda: _form_scores(project, kinds, blocks))
    kind, score, others = choice.kind, choice.score, choice.others
    if not kind_name and score < NOT_A_REPORT:
        raise _fail(source, "import_not_report")
    titles = [spec.title for spec in kind.settings.sections]

    def top(title: str) -> bool:
        return any(similarity(title, known, loose=False) >= PROMOTE for known in titles)

    outline = read_structure(blocks, Levels(kind.settings.numbering), top)
    _sender_in_title(outline)
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
    texts = _texts(outline.root)
    if "staffing" in kind.reads:  # a kind that does not print it cannot refer to it either
        lift_staffing(texts, lifted)
    full, short = _names(outline.title)
    fields = CommentedMap(year=year)
    if lifted.staffing.keys() >= {"authorized", "in_service"}:
        fields["staffing"] = CommentedMap(lifted.staffing)
    tables = _tables(outline.root)
    declared = list_tables(kind)
    rows, used = lift_rows(tables, declared)
    for name, items in rows.items.items():
        fields[name] = [_escaped(item) for item in items]
    cells = lift_cells(tables, form_tables(project.templates, kind, year), set(used))
    columns = column_tables(kind)
    lift_columns(tables, columns, year, {*used, *cells.used}, cells)
    held = _laid_out(kind)  # stored, they would print in place of the writer's text
    if budget_section(kind, match_sections(kind, outline.root.children)) is not None:
        held.discard("budget")  # the section fits the layout: budget takes its text too
    values = {k: v for k, v in cells.values.items() if k[0] not in held}
    lists = {k: v for k, v in cells.lists.items() if k[0] not in held}
    kept_back = CommentedMap()
    _put_cells(
        kept_back,
        {k: v for k, v in cells.values.items() if k[0] in held},
        {k: v for k, v in cells.lists.items() if k[0] in held},
    )
    twice = _put_cells(fields, values, lists) + cells.twice
    items = lift_each(tables, each_forms(project.templates, kind, year), {*used, *cells.used})
    for name, listed in items.lists.items():
        _put_items(fields, name, listed)
    if kind.settings.each is not None and not fields.get(kind.settings.each):
        return _no_project(project, source, unit, year, kind, kind_name, force, others)
    read = {id(tables[index]): name for index, name in used.items()}
    read |= {id(tables[index]): name for index, name in cells.used.items()}
    read |= {id(tables[index]): name for index, name in items.used.items()}
    printed = printed_texts(project.templates, kind, year, fields)
    outline.title = drop_printed_lines(outline.title, printed)
    drop_printed(outline.root, printed)
    names_from = "import_note_names"
    if kind.settings.each is not None and not outline.title:  # the title was the form's
        department = _department(fields.get(kind.settings.each))
        if department:
            full = short = department
            names_from = "import_note_names_department"
    matches = match_sections(kind, outline.root.children)
    money = _money(kind, matches, texts)

    def text(value: str) -> str:
        return link_money(link(escape(value), year, lifted), money)

    lifted_money, budget_notes = _money_fields(kind, matches, money, text, fields, cells.shown)
    for key, value in lifted_money.items():
        fields.setdefault(key, value)  # a figure a form showed too: the form's stays
    how = Writer(text, max(Levels(kind.settings.numbering).styles), read)
    forms = {spec.field: spec.form for spec in declared}
    layouts = {spec.key: spec.layout.value for spec in kind.settings.sections}
    for match in matches:
        for index, name in used.items():
            if match.key is not None and layouts[match.key] == forms[name]:
                _give_to_layout(match.node, tables[index])
    written = year_map(outline, kind, matches, how, fields)
    refused = screen(written.data)
    note_field(written, "staffing", lifted.conflicts)
    note_field(written, next(iter(money.fields()), "year"), money.conflicts)
    header = [say("import_header", file=source.name, kind=kind.name)]
    unprinted = [*written.unprinted, *([dump(kept_back).rstrip("\n")] if kept_back else [])]
    if kept_back:
        written.checks.append(say("import_note_held", fields=", ".join(kept_back)))
    tail = "".join(f"# {line}\n" for shown in unprinted for line in shown.splitlines())
    first_body = dump(written.data)
    year_text = document("year", header, first_body, tail + table_comments(written.tables))
    files = {target: year_text}
    unit_file = project.unit_file(unit)
    if unit_file.exists() and kind.name not in _unit_kinds(unit_file):
        written.checks.append(say("import_note_unit_kinds", kind=kind.name, file=unit_file.name))
    if not unit_file.exists():
        more = {**cells.unit, **rows.unit}
        unit_data = unit_map(full, short, kind.name, _numbering(outline, kind), more, names_from)
        files[unit_file] = document("unit", header, dump(unit_data))
    for path, content in files.items():
        write_atomic(path, content.encode("utf-8"))
    scores = keep_scores(project, unit, year, kind, fields, cells.shown, items.shown)
    refused += screen(written.data)  # the document's own scores, stored, are values read too
    body = dump(written.data)
    if body != first_body:  # the document's own scores (and units), stored: the file again
        year_text = document("year", header, body, tail + table_comments(written.tables))
        write_atomic(target, year_text.encode("utf-8"))
    twice_notes = [say("import_note_twice", field=f, kept=k, other=o) for f, k, o in twice]
    unprinted = say("import_unprinted_name")
    twice_notes += [
        say("import_note_unprinted_names", form=f, field=p, level=n, name=unprinted)
        for f, p, n in dict.fromkeys([*cells.unshown, *items.unshown])
    ]
    unread = [
        say("import_note_unread", form=f, path=p, label=label, text=t)
        for f, p, label, t in dict.fromkeys([*cells.unread, *items.unread])
    ]
    read_back = [*budget_notes, *scores, *twice_notes]
    read_back += differences(project, unit, year, kind, cells.shown)
    read_back += item_differences(project, unit, year, kind, fields, items.shown)
    locate(refused, [b for b in blocks if isinstance(b, Table)], texts)
    refused_notes = [one.note() for one in refused] + unread
    read_back = [*refused_notes, *read_back]
    if read_back:  # the figures to check, at the end of the file with the tables' text
        lines = "".join(f"# {CHECK}{note}\n" for note in read_back)
        write_atomic(target, (year_text + "\n" + lines).encode("utf-8"))
    checks = list(written.checks)  # the staffing and money conflicts among them
    checks += [say("import_note_guessed_path", path=guess) for guess in rows.guessed]
    checks += read_back[len(refused_notes) :]
    lifted_count = len(lifted.staffing) + len(money.values) + len(values) + len(lists)
    lifted_count += sum(len(items) for items in rows.items.values())
    lifted_count += sum(len(listed) for listed in items.lists.values())
    return Summary(
        kind.name,
        score,
        list(files),
        written.matched,
        written.kept,
        lifted_count,
        lifted.links + money.links,
        checks,
        others,
        choice.by_forms,
        refused_notes,
        recheck_errors(project, unit, year, refused),
        year,
    )
