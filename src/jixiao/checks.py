"""What a careful reviewer checks before a report goes out, as findings (never exceptions).

Input problems come from loading and validation; then, for each report kind, the writer
text is rendered (its problems found at their lines), declared figures are tied out
against computed ones, indicators and scores are checked, narrative is checked for stale
years, placeholders, text carried over unchanged and figures typed by hand, and the
template for names it lacks and tags Word broke.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Undefined, nodes
from pydantic import BaseModel

from jixiao import formtypes, patterns, prose_figures
from jixiao.compute import COLUMNS, EvaluationFigures, Figures, Line, sum_lines
from jixiao.consistency import indicator_consistency
from jixiao.errors import ContentError, Finding, Severity, error, warning
from jixiao.formatting import num
from jixiao.kinds import Kind
from jixiao.loading import FieldPath, Source, leaves, load, path_text
from jixiao.messages import listing, say
from jixiao.model import Amounts, BasicExpenditure, Evaluation, GeneralBudget, KeyProject, Year
from jixiao.narrative import NAME_FIELDS, Text
from jixiao.plain import Record, Table
from jixiao.project import (
    Document,
    Prepared,
    Project,
    UnitYear,
    build,
    load_unit_year,
    prepare_all,
)
from jixiao.prose_figures import EXPRESSION, literal
from jixiao.render.context import writer_names
from jixiao.render.document import TemplateFile, open_template
from jixiao.reviewer import review_findings
from jixiao.sandbox import Sandbox, plain_names, sandbox, written_iterable
from jixiao.score_review import typed_score_finding, typed_score_findings
from jixiao.scoring import Scored, ScoringRules, in_band, qualitative_grade, rule_of
from jixiao.to_fill import to_fill_findings
from jixiao.typed_numbering import typed_numbering

PLACEHOLDERS = re.compile(r"XX+|xx+|×××+|TODO|待补充|某某|指标\d+：|……")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=年)")


@dataclass
class Report:
    """The findings for one unit-year, and what they were about."""

    unit: str
    year: int
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]


def check_unit_year(project: Project, unit_id: str, year: int, *, strict: bool = False) -> Report:
    """Every finding for one unit-year: input, writer text, tie-outs, staleness, template;
    with `strict`, also notes on typed numbers whose words name no figure."""
    try:  # fields still to fill are listed, and the other checks run all the same
        unit_year = load_unit_year(project, unit_id, year, to_fill=True)
    except ContentError as exc:
        return Report(unit_id, year, exc.findings)
    markers = to_fill_findings(unit_year.source)
    prepared = prepare_all(unit_year)
    findings = unique(markers + review(project, unit_year, prepared, strict=strict))
    if not any(f.severity is Severity.ERROR for f in findings):
        findings += render_findings(unit_year, prepared)
    return Report(unit_id, year, findings)


def render_findings(unit_year: UnitYear, prepared: list[Prepared]) -> list[Finding]:
    """What rendering the documents in memory finds that no check did: so a unit that
    `check` passes also renders (a template expression failing on this content …)."""
    try:
        build(unit_year, prepared)
    except ContentError as exc:
        return exc.findings
    return []


def build_checked(
    project: Project, unit_id: str, year: int
) -> tuple[list[Document], list[Finding]]:
    """The unit-year's documents and warnings, after the checks; ContentError on any error."""
    unit_year = load_unit_year(project, unit_id, year)
    prepared = prepare_all(unit_year)
    findings = review(project, unit_year, prepared)
    if any(f.severity is Severity.ERROR for f in findings):
        raise ContentError(findings)
    return build(unit_year, prepared), findings


def review(
    project: Project,
    unit_year: UnitYear,
    prepared: list[Prepared] | None = None,
    *,
    strict: bool = False,
) -> list[Finding]:
    """The findings for a unit-year that loaded and validated.

    `prepared` are the kinds' render contexts (`prepare_all`), if the caller has them: the
    checks read them, and the caller can render them afterwards. `strict` adds notes
    (`check --strict`).
    """
    findings: list[Finding] = []
    texts: dict[tuple[FieldPath, str, int | None, str], Text] = {}
    for one in prepare_all(unit_year) if prepared is None else prepared:
        findings += one.findings
        for text in one.builder.narrative.texts:
            texts.setdefault((text.path, str(text.file), text.line, text.raw), text)
        findings += template_findings(one.kind, one.context)
        findings += formtypes.kind_findings(one.kind)
    figures = unit_year.figures
    findings += tie_outs(unit_year.year, figures, unit_year.source)
    findings += blank_totals(unit_year.year, figures, unit_year.source)
    rules = unit_year.kinds[0].settings.scoring
    for path, evaluation in scored_evaluations(figures):
        findings += indicator_findings(evaluation, path, unit_year.source, rules)
        findings += typed_score_findings(evaluation, path, unit_year.source, rules)
    findings += indicator_consistency(unit_year.year, unit_year.source)
    for kind in unit_year.kinds:
        findings += review_findings(unit_year.year, figures, unit_year.source, kind.review)
    findings += duplicate_names(unit_year.year, unit_year.source)
    writer_texts = [t for t in texts.values() if t.file == unit_year.source.file]
    findings += unread_content(unit_year, writer_texts)
    findings += kind_choices(unit_year)
    findings += unrendered_expressions(unit_year.source, {t.path for t in writer_texts})
    findings += unrendered_expressions(unit_year.unit_source, set())
    findings += staleness(writer_texts, unit_year.year.year)
    findings += typed_numbering(writer_texts, unit_year.kinds, unit_year.unit)
    findings += typed_figures(writer_texts, unit_year, strict=strict)
    findings += carried_over(writer_texts, project, unit_year)
    return unique(findings)


UNIT_READS: dict[str, tuple[str, ...]] = {
    "contact": ("contact",),
    "finance_office": ("finance_office",),
    "offices": ("offices",),
    "institutions": ("institution_types", "institutions"),
}
"""unit.yaml fields only some reports print, and the writer-text names that print them."""

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _expression_names(texts: list[Text]) -> set[str]:
    """Every identifier inside a {{ … }} or {% … %} of the writer's texts."""
    return {
        name for t in texts for expr in EXPRESSION.findall(t.raw) for name in _WORD.findall(expr)
    }


def _section_reads(sections: dict[str, Any]) -> set[str]:
    """Year-file fields that sections pull in by `numbered_from` or `include`."""
    found: set[str] = set()
    stack = list(sections.values())
    while stack:
        section = stack.pop()
        found.update(f for f in (section.numbered_from, section.include) if f)
        stack.extend(section.sections)
    return found


def unread_content(unit_year: UnitYear, texts: list[Text]) -> list[Finding]:
    """Content no report of the unit prints: a section key its kinds lack (an error, at its
    line, with the closest section key), a year or unit field no kind renders (a warning)."""
    year, source, kinds = unit_year.year, unit_year.source, unit_year.kinds
    findings: list[Finding] = []
    names = ", ".join(k.name for k in kinds)
    for field in ("sections", "key_sections"):
        keys = [
            s.key for k in kinds if k.settings.sections_field == field for s in k.settings.sections
        ]
        for key in getattr(year, field):
            if key in keys:
                continue
            close = difflib.get_close_matches(key, keys, n=1, cutoff=0.5)
            hint = (
                say("unread_section_hint_close", close=close[0], keys=listing(keys))
                if close
                else say("unread_section_hint", keys=listing(keys) if keys else "—")
            )
            findings.append(
                source.error((field, key), say("unread_section", key=key, kinds=names), hint)
            )
    used = set().union(*(k.reads for k in kinds))
    used |= _section_reads(year.sections) | _section_reads(year.key_sections)
    written = _expression_names(texts)
    for name in written & set(NAME_FIELDS):
        used.update(NAME_FIELDS[name])
    data = source.data if isinstance(source.data, dict) else {}
    for key in data:
        if key in Year.model_fields and key not in used:
            findings.append(
                source.warning(
                    (key,), say("unread_field", key=key, kinds=names), say("unread_field_hint")
                )
            )
    unit_data = unit_year.unit_source.data
    layouts = {s.layout.value for k in kinds for s in k.settings.sections}
    for key, shown_by in UNIT_READS.items():
        if not isinstance(unit_data, dict) or not unit_data.get(key):
            continue
        if (key == "contact" and "profile" in layouts) or written & set(shown_by):
            continue
        if any(k.prints(key) for k in kinds):
            continue
        findings.append(
            unit_year.unit_source.warning(
                (key,), say("unread_field", key=key, kinds=names), say("unread_field_hint")
            )
        )
    return findings


def kind_choices(unit_year: UnitYear) -> list[Finding]:
    """unit.yaml `kinds_settings` for kinds the unit does not have, bad numbering styles in
    them, a 落款 a kind asks for that the year file lacks, and a 落款 dated in neither the
    report year nor the next (copied from another year's report)."""
    unit, source = unit_year.unit, unit_year.unit_source
    names = [k.name for k in unit_year.kinds]
    findings: list[Finding] = []
    for name in unit.kinds_settings:
        if name not in names:
            close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
            hint = (
                say("unknown_kind_choice_hint_close", close=close[0], kinds=listing(names))
                if close
                else say("unknown_kind_choice_hint", kinds=listing(names))
            )
            findings.append(
                source.error(("kinds_settings", name), say("unknown_kind_choice", kind=name), hint)
            )
        findings += patterns.mapping_findings(
            source, ("kinds_settings", name, "numbering"), patterns.NUMBERING
        )
    for kind in unit_year.kinds:
        if kind.settings.closing and unit_year.year.closing is None:
            findings.append(
                unit_year.source.error(
                    ("year",),
                    say("closing_missing", kind=kind.settings.name),
                    say("closing_missing_hint"),
                )
            )
    closing = unit_year.year.closing
    year = unit_year.year.year
    if (
        closing is not None
        and closing.date is not None
        and closing.date.year not in (year, year + 1)
    ):
        findings.append(
            unit_year.source.warning(
                ("closing", "date"),
                say("closing_date_stale", date=closing.date.isoformat(), year=year),
                say("closing_date_stale_hint", year=year, next=year + 1),
            )
        )
    return findings


def unrendered_expressions(source: Source, rendered: set[FieldPath]) -> list[Finding]:
    """`{{ … }}` in a field no report evaluates (a name, a cover line): it would print as typed."""
    return [
        source.error(path, say("expression_not_rendered"), say("expression_not_rendered_hint"))
        for path, value in leaves(source.data)
        if isinstance(value, str)
        and EXPRESSION.search(value)
        and path not in rendered
        and path[:-1] not in rendered  # a section written as plain text is rendered whole
    ]


def unique(findings: list[Finding]) -> list[Finding]:
    """Findings without repeats (two kinds render the same text), sorted by file and line."""
    seen: dict[tuple, Finding] = {}
    for finding in findings:
        key = (finding.file, finding.line, finding.field, finding.message)
        seen.setdefault(key, finding)
    return sorted(seen.values(), key=lambda f: (str(f.file), f.line or 0, f.field))


# Tie-outs: a figure the writer declared against the one computed from its parts ---------


def _declared_differs(
    source: Source, path: FieldPath, what: str, declared: Decimal | None, computed: Decimal | None
) -> list[Finding]:
    if declared is None or computed is None or declared == computed:
        return []
    return [
        source.error(
            path,
            say("declared_differs", what=what, declared=num(declared), computed=num(computed)),
            say("declared_differs_hint"),
        )
    ]


def _columns(
    source: Source, path: FieldPath, declared: Any, parts: list[Any], what: str
) -> list[Finding]:
    """Each column (prior … actual) the writer declared, against the sum of the parts."""
    if not parts:
        return []
    summed = sum_lines([Line.of(part) for part in parts])  # compute's sum, without declared
    findings = []
    for column in COLUMNS:
        findings += _declared_differs(
            source, (*path, column), what, getattr(declared, column), getattr(summed, column)
        )
    return findings


def tie_outs(year: Year, figures: Figures, source: Source) -> list[Finding]:
    """Declared totals against computed ones; income by source against the initial budget."""
    findings: list[Finding] = []
    budget = year.budget
    if budget is not None:
        basic = budget.basic
        if basic.personnel is not None and basic.public is not None:
            findings += _columns(
                source, ("budget", "basic"), basic, [basic.personnel, basic.public], "基本支出"
            )
        for index, group in enumerate(budget.projects.groups):
            findings += _columns(
                source, ("budget", "projects", "groups", index), group, group.projects, group.name
            )
    income, initial = figures.income, figures.overall.initial
    if income is not None and initial is not None and income.total != initial:
        findings.append(
            source.error(
                ("income",),
                say(
                    "income_differs",
                    income=num(figures.income.total),
                    initial=num(figures.overall.initial),
                ),
                say("income_differs_hint"),
            )
        )
    return findings


def _gaps(
    source: Source,
    parts: list[tuple[FieldPath, str, Line]],
    total: str,
    declared: Amounts | None = None,
) -> list[Finding]:
    """Parts that leave a column blank while the others give it: the total stays blank.

    A sum is only printed when every part gives the column (or the writer declared the
    total), so one missing figure blanks the 合计; this says which part lacks what.
    """
    findings = []
    for column in COLUMNS:
        given = [getattr(line, column) is not None for _, _, line in parts]
        if not any(given) or all(given) or getattr(declared, column, None) is not None:
            continue
        label = Amounts.model_fields[column].title
        for (path, name, _), has in zip(parts, given, strict=True):
            if not has:
                message = say("part_missing", name=name, column=label, total=total)
                hint = say("part_missing_hint", column=label)
                findings.append(source.warning(path, message, hint))
    return findings


def _title(model: type[BaseModel], field: str) -> str:
    """A field's title as writers know it (the schema's), without a leading “其中：”."""
    return str(model.model_fields[field].title).removeprefix("其中：")


def blank_totals(year: Year, figures: Figures, source: Source) -> list[Finding]:
    """Totals left blank by one missing part: 基本支出, each project group, 重点项目 合计."""
    findings: list[Finding] = []
    budget = year.budget
    if budget is not None:
        basic = budget.basic
        parts = [
            (("budget", "basic", key), _title(BasicExpenditure, key), Line.of(part))
            for key, part in (("personnel", basic.personnel), ("public", basic.public))
            if part is not None
        ]
        findings += _gaps(source, parts, _title(GeneralBudget, "basic"), basic)
        for g, group in enumerate(budget.projects.groups):
            path = ("budget", "projects", "groups", g, "projects")
            parts = [((*path, i), p.name, Line.of(p)) for i, p in enumerate(group.projects)]
            findings += _gaps(source, parts, group.name, group)
    for what in ("funds", "district"):
        parts = [
            (("key_projects", i, what), p.name, getattr(p, what))
            for i, p in enumerate(figures.key_projects)
        ]
        findings += _gaps(source, parts, _title(KeyProject, what))
    return findings


# Indicators and scores ---------------------------------------------------------------------


def evaluations(year: Year) -> Iterator[tuple[FieldPath, Evaluation]]:
    """Every self-evaluation in the year, with its field path."""
    if year.evaluation is not None:
        yield ("evaluation",), year.evaluation
    for index, project in enumerate(year.key_projects):
        yield ("key_projects", index, "evaluation"), project.evaluation


def scored_evaluations(figures: Figures) -> Iterator[tuple[FieldPath, EvaluationFigures]]:
    """Every computed self-evaluation, with the field path of its content."""
    if figures.evaluation is not None:
        yield ("evaluation",), figures.evaluation
    for index, project in enumerate(figures.key_projects):
        yield ("key_projects", index, "evaluation"), project.evaluation


def indicator_findings(
    evaluation: EvaluationFigures, path: FieldPath, source: Source, rules: ScoringRules
) -> list[Finding]:
    """Weights against declared weights and 100; each score against its points and reason."""
    findings: list[Finding] = []
    for g, group in enumerate(evaluation.groups):
        group_path = (*path, "indicators", g)
        if group.declared_points is not None and group.declared_points != group.points:
            findings.append(
                source.error(
                    (*group_path, "points"),
                    say(
                        "group_points_differ",
                        name=group.name,
                        declared=num(group.declared_points),
                        computed=num(group.points),
                    ),
                    say("group_points_differ_hint"),
                )
            )
        for c, category in enumerate(group.categories):
            for i, scored in enumerate(category.rows):
                where = (*group_path, "categories", c, "indicators", i)
                findings += _score_findings(scored, where, source, rules)
    if evaluation.groups and evaluation.points_total != 100:
        findings.append(
            source.error(
                (*path, "indicators"),
                say(
                    "total_points_not_100",
                    total=num(evaluation.points_total),
                    budget=num(evaluation.budget_points),
                ),
                say("total_points_not_100_hint"),
            )
        )
    return findings


def _score_findings(
    scored: Scored, path: FieldPath, source: Source, rules: ScoringRules
) -> list[Finding]:
    indicator = scored.indicator
    line = source.line_of(path)
    field = path_text(path)
    names = {"name": indicator.name, "points": num(indicator.points)}
    if scored.score is None:
        if indicator.actual is None:
            why = say("why_no_actual")
        elif rule_of(indicator).value == "定性":
            why = say("why_qualitative")
        else:
            why = say("why_units")
        return [
            error(
                source.file,
                line,
                field,
                say("score_undecidable", name=indicator.name, why=why),
                say("score_undecidable_hint"),
            )
        ]
    score = scored.score
    if score > indicator.points:
        return [
            error(
                source.file,
                line,
                field,
                say("score_above_points", score=num(score), **names),
                say("score_above_points_hint"),
            )
        ]
    findings = []
    unreasoned = score < indicator.points and not (indicator.reason or "").strip()
    if unreasoned and typed_score_finding(scored, path, source, rules) is None:  # else said there
        findings.append(
            error(
                source.file,
                line,
                field,
                say("score_without_reason", score=num(score), **names),
                say("score_without_reason_hint"),
            )
        )
    grade = qualitative_grade(indicator)
    qualitative = rule_of(indicator).value == "定性"
    if qualitative and grade is not None and not in_band(indicator, score, rules):
        low, high = rules.bands[grade]
        findings.append(
            error(
                source.file,
                line,
                field,
                say(
                    "score_out_of_band",
                    name=indicator.name,
                    grade=grade.value,
                    score=num(score),
                    low=num(low * indicator.points),
                    high=num(high * indicator.points),
                ),
                say("score_out_of_band_hint"),
            )
        )
    return findings


def duplicate_names(year: Year, source: Source) -> list[Finding]:
    """The same indicator within one evaluation, or the same project within one group."""
    listings: list[tuple[str, list[tuple[str, FieldPath]]]] = []
    for path, evaluation in evaluations(year):
        names = [
            (indicator.name, (*path, "indicators", g, "categories", c, "indicators", i))
            for g, group in enumerate(evaluation.indicators)
            for c, category in enumerate(group.categories)
            for i, indicator in enumerate(category.indicators)
        ]
        listings.append(("绩效指标", names))
    if year.budget is not None:
        for g, group in enumerate(year.budget.projects.groups):
            names = [
                (p.name, ("budget", "projects", "groups", g, "projects", i))
                for i, p in enumerate(group.projects)
            ]
            listings.append((group.name, names))
    listings.append(
        ("重点项目", [(p.name, ("key_projects", i)) for i, p in enumerate(year.key_projects)])
    )
    findings = []
    for where, names in listings:
        first: dict[str, FieldPath] = {}
        for name, path in names:
            if name in first:
                findings.append(
                    source.error(
                        path,
                        say("named_twice", name=name, where=where),
                        say("named_twice_hint", first=source.line_of(first[name])),
                    )
                )
            else:
                first[name] = path
    return findings


# Narrative -------------------------------------------------------------------------------------


def staleness(texts: list[Text], year: int) -> list[Finding]:
    """Years that are neither this year nor the prior one written as such; placeholders."""
    findings = []
    for text in texts:
        plain_text = literal(text.raw)
        field = path_text(text.path)
        for match in YEAR.finditer(plain_text):
            found = int(match.group(1))
            if found == year:
                continue
            code = "literal_prior_year" if found == year - 1 else "stale_year"
            findings.append(
                warning(
                    text.file,
                    text.line,
                    field,
                    say(code, found=f"{found}年", year=year),
                    say(f"{code}_hint"),
                )
            )
        for match in PLACEHOLDERS.finditer(plain_text):
            findings.append(
                error(
                    text.file,
                    text.line,
                    field,
                    say("placeholder", found=match.group()),
                    say("placeholder_hint"),
                )
            )
    return findings


def _file_lines(file: Path) -> list[str]:
    """The lines of a content file, as written (to find a number inside a folded block)."""
    try:
        return file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeError):
        return []


def _exact_line(text: Text, snippet: str, lines: list[str]) -> int | None:
    """The line of `snippet` in the file, at or after the text's first line (a `>` block
    folds several lines into one paragraph), else the text's own line."""
    if text.line is None:
        return None
    for number in range(text.line, min(len(lines), text.line + 200) + 1):
        if snippet in lines[number - 1]:
            return number
    return text.line


def typed_figures(texts: list[Text], unit_year: UnitYear, *, strict: bool = False) -> list[Finding]:
    """Numbers typed in narrative, read with the words naming them (see prose_figures): one
    that disagrees with the figure they name is an error, one that agrees a warning that
    suggests the reference; with `strict`, numbers whose words name no figure are noted."""
    try:
        table = prose_figures.label_table(k.folder for k in unit_year.kinds)
    except ContentError as exc:
        return exc.findings
    figures = unit_year.figures
    reader = prose_figures.Reader(table, figures, writer_names(unit_year.unit, figures))
    files: dict[Path, list[str]] = {}
    findings = []
    for text in texts:
        for reading in reader.read(text.raw, text.path):
            typed = reading.typed
            if not reading.figures and not strict:
                continue
            lines = files.setdefault(text.file, _file_lines(text.file)) if text.file else []
            start = max(typed.start - 4, 0)
            expressions = [m.end() for m in EXPRESSION.finditer(text.raw) if m.end() <= typed.start]
            snippet = text.raw[max([start, *expressions]) : typed.end]
            where = (text.file, _exact_line(text, snippet, lines), path_text(text.path))
            if reading.agreed is not None:
                figure = reading.agreed
                reference = figure.reference(typed)
                message = say("typed_figure_agrees", found=typed.written, what=figure.name)
                findings.append(
                    warning(*where, message, say("typed_figure_agrees_hint", reference=reference))
                )
            elif reading.figures:
                figure = reading.figures[0]
                message = say(
                    "typed_figure_differs",
                    found=typed.written,
                    what=figure.name,
                    computed=figure.shown(),
                )
                hint = say(
                    "typed_figure_differs_hint", reference=figure.reference(), what=figure.name
                )
                findings.append(error(*where, message, hint))
            else:
                label = reading.label.strip() or "—"
                message = say("typed_figure_unknown", found=typed.written, label=label)
                findings.append(
                    Finding(Severity.NOTE, *where, message, say("typed_figure_unknown_hint"))
                )
    return findings


def carried_over(texts: list[Text], project: Project, unit_year: UnitYear) -> list[Finding]:
    """Narrative identical to the same field of last year's file (carried, not reviewed)."""
    prior = unit_year.year.year - 1
    path = project.year_file(unit_year.id, prior)
    if not path.is_file():
        return []
    try:
        previous = load(path)
    except ContentError:
        return []
    findings = []
    for text in texts:
        old: Any = previous.data
        for part in text.path:
            try:
                old = old[part]
            except (KeyError, IndexError, TypeError):
                old = None
                break
        own_words = literal(text.raw).replace(" ", "")
        if isinstance(old, str) and len(own_words) >= 20 and text.raw.strip() in old:
            findings.append(_carried_finding(text, prior))
    return findings


def _carried_finding(text: Text, prior: int) -> Finding:
    """Text carried over unchanged: advice, unless it names last year's own report year as
    written there — then it states last year's facts as this year's (an error)."""
    field = path_text(text.path)
    years = {int(m.group(1)) for m in YEAR.finditer(literal(text.raw))}
    if prior in years:
        message = say("carried_stale_year", prior=prior, found=f"{prior}年")
        return error(text.file, text.line, field, message, say("carried_stale_year_hint"))
    message = say("same_as_last_year", prior=prior)
    return warning(text.file, text.line, field, message, say("same_as_last_year_hint"))


# Templates -------------------------------------------------------------------------------------


def template_findings(kind: Kind, context: dict[str, Any]) -> list[Finding]:
    """Problems of the kind's template: what keeps it from opening or parsing (see
    `open_template`), names it uses that the context lacks, and members (`s.nosuch`) that
    the values it reaches lack, each naming the paragraph of the tag."""
    try:
        template = open_template(kind.template)
    except ContentError as exc:
        return exc.findings
    return [*_undeclared(template, frozenset(context)), *_members(template, plain_names(context))]


@functools.lru_cache(maxsize=32)
def _undeclared(template: TemplateFile, names: frozenset[str]) -> list[Finding]:
    """A finding listing the names the template uses that are not in `names` (cached)."""
    used: set[str] = set()
    for part in template.parts:
        used |= part.names
    missing = used - names
    if not missing:
        return []
    found = "、".join(sorted(missing))
    message = say("template_undeclared", found=found, names=found)
    return [error(template.path, None, "", message, say("template_undeclared_hint"))]


def _members(template: TemplateFile, context: dict[str, Any]) -> list[Finding]:
    """Findings for `a.b` / `a['b']` in the template where no value `a` stands for has `b`."""
    findings: dict[tuple[str, str], Finding] = {}
    for part in template.parts:
        walker = _MemberWalker(context)
        walker.walk(part.tree, {})
        for (owner, name), (lineno, known) in walker.missing.items():
            if (owner, name) in findings:
                continue
            close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.5)
            hint = (
                say("template_no_member_hint_close", close=close[0], owner=owner)
                if close
                else say("template_no_member_hint", owner=owner, names=listing(sorted(known)[:20]))
            )
            message = say(
                "template_no_member",
                template=template.path.name,
                paragraph=part.paragraph(lineno, f"{owner}.{name}"),
                owner=owner,
                name=name,
            )
            findings[(owner, name)] = error(template.path, None, "", message, hint)
    return list(findings.values())


_SAMPLES = 500
"""Values kept for one name while walking a template (the items of the lists it loops over)."""
_GUARDS = {"defined", "undefined"}
"""Tests that ask whether a member exists: `{% if s.x is defined %}` is not a use of s.x."""
_DEFAULTS = {"default", "d"}
"""Filters that stand in for a missing member: `{{ s.x | default('') }}`."""


@functools.cache
def _member_env() -> Sandbox:
    """The sandbox whose lookups the walker uses (only getattr/getitem: no state of a render)."""
    return sandbox(autoescape=True)


_MEMBER_NODES = (nodes.Getattr, nodes.Getitem, nodes.Assign, nodes.AssignBlock)
"""What the walker must visit: members read, and names bound for what comes after."""


def _reads_no_member(node: nodes.Node) -> bool:
    """Whether nothing in `node` reads a member or binds a name (most of a template's tree:
    its text and plain names), worked out once for each node of a (cached) template."""
    known = node.__dict__.get("_jixiao_no_member")
    if known is None:
        known = (
            not isinstance(node, _MEMBER_NODES) and next(node.find_all(_MEMBER_NODES), None) is None
        )
        node.__dict__["_jixiao_no_member"] = known
    return known


class _MemberWalker:
    """Walks a template's tree with the values each name can stand for (the context's, the
    items of what a `for` loops over, what `set` assigns), noting members none of them has.

    A name whose values are unknown (a call's result, a filter's, `loop`) is not checked.
    """

    def __init__(self, context: dict[str, Any]) -> None:
        self.context = context
        self.env = _member_env()
        self.missing: dict[tuple[str, str], tuple[int, set[str]]] = {}

    def walk(self, node: nodes.Node, scope: dict[str, tuple[Any, ...]]) -> None:
        """Visit `node` and what is below it; `scope` holds the names bound so far."""
        if _reads_no_member(node):
            return
        if isinstance(node, nodes.For):
            self._loop(node, scope)
        elif isinstance(node, nodes.Assign):
            self.walk(node.node, scope)
            self._bind(node.target, self.values(node.node, scope), scope)
        elif isinstance(node, (nodes.Macro, nodes.CallBlock)):
            inner = {**scope, **{arg.name: () for arg in getattr(node, "args", [])}}
            inner["caller"] = ()
            for child in node.iter_child_nodes():
                self.walk(child, inner)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values, strict=False):
                self._bind(target, self.values(value, scope), inner)
            for child in node.body:
                self.walk(child, inner)
        elif isinstance(node, nodes.Test) and node.name in _GUARDS:
            return
        elif isinstance(node, nodes.If) and any(
            test.name in _GUARDS
            for test in [node.test, *node.test.find_all(nodes.Test)]
            if isinstance(test, nodes.Test)
        ):
            return  # {% if s.x is defined %}…: what the block reads depends on what is there
        elif isinstance(node, nodes.Filter) and node.name in _DEFAULTS:
            for arg in [*node.args, *(kw.value for kw in node.kwargs)]:
                self.walk(arg, scope)
        elif isinstance(node, (nodes.Getattr, nodes.Getitem)):
            self.values(node, scope)
        else:
            for child in node.iter_child_nodes():
                self.walk(child, scope)

    def values(self, node: nodes.Node, scope: dict[str, tuple[Any, ...]]) -> tuple[Any, ...]:
        """The values `node` can stand for (empty: unknown), noting members found missing."""
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            return (self.context[node.name],) if node.name in self.context else ()
        if isinstance(node, nodes.Getattr):
            return self._member(node, self.values(node.node, scope), node.attr)
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            return self._member(node, self.values(node.node, scope), node.arg.value)
        if isinstance(node, nodes.Getitem):  # a[i] with i computed: what it reads is unknown
            for child in node.iter_child_nodes():
                self.walk(child, scope)
        else:
            self.walk(node, scope)
        return ()

    def _member(self, node: nodes.Node, owners: tuple[Any, ...], name: Any) -> tuple[Any, ...]:
        owners = tuple(o for o in owners if o is not None and not isinstance(o, Undefined))
        if not owners:
            return ()
        found = []
        for owner in owners:
            private = isinstance(name, str) and name.startswith("_")
            value = self.env.getattr(owner, name) if isinstance(name, str) and not private else None
            if value is None or isinstance(value, Undefined):
                value = self.env.getitem(owner, name)
            if not isinstance(value, Undefined):
                found.append(value)
        if not found and isinstance(name, str):
            key = (_expression(node.node), name)  # type: ignore[attr-defined]
            known = set().union(*(_member_names(o) for o in owners))
            self.missing.setdefault(key, (node.lineno, known))
        return tuple(found[:_SAMPLES])

    def _loop(self, node: nodes.For, scope: dict[str, tuple[Any, ...]]) -> None:
        iterables = self.values(written_iterable(node), scope)
        items = tuple(
            item
            for iterable in iterables
            if isinstance(iterable, (list, tuple))
            for item in iterable
        )[:_SAMPLES]
        inner = {**scope, "loop": ()}
        self._bind(node.target, items, inner)
        for child in [*node.body, *([node.test] if node.test else [])]:
            self.walk(child, inner)
        for child in node.else_:
            self.walk(child, scope)

    @staticmethod
    def _bind(target: nodes.Node, values: tuple[Any, ...], scope: dict) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = values
        else:  # a, b = …: not followed
            for name in target.find_all(nodes.Name):
                scope[name.name] = ()


def _expression(node: nodes.Node) -> str:
    """`node` written back as the template wrote it, for a message: s, s.title, a['b']."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_expression(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_expression(node.node)}[{node.arg.value!r}]"
    return "…"


def _member_names(value: Any) -> set[str]:
    """The members a template can name on `value`: a record's fields, a table's keys."""
    if isinstance(value, Record):
        return set(value.fields())
    if isinstance(value, Table):
        return {str(key) for key in value}
    return set()


__all__ = ["Report", "build_checked", "check_unit_year", "review", "writer_names"]
