"""The `jixiao` command: typer commands that call the pipeline, and nothing else."""

import atexit
import gc
import json
import os
import signal
import sys
import threading
import traceback
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jixiao import messages, usage
from jixiao.errors import ContentError, Finding, Severity, Terminated
from jixiao.messages import listing, say
from jixiao.years import FIRST_YEAR, LAST_YEAR

if TYPE_CHECKING:  # the pipeline is imported by the commands that run it, not for --help
    from jixiao.folder import Project

if TYPE_CHECKING:
    from jixiao.versions import Version

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,  # click's plain help: rich alone costs more than the rest of --help
    pretty_exceptions_enable=False,
    help="jixiao（绩效）：由 YAML 内容生成部门整体支出绩效自评报告。",
)


_YEAR = {"min": FIRST_YEAR, "max": LAST_YEAR}
"""A year parameter's limits: a mistaken year is a usage error, not a search for 0.yaml."""

_SECONDS = {"min": 0.001, "max": 86400}
"""A time limit's limits: at most a day (inf or 1e300 overflowed the timers: an internal error)."""


class Lang(StrEnum):
    """The languages of the messages (messages.LANGS)."""

    ZH = "zh"
    EN = "en"


class State:
    root: Path = Path.cwd()
    debug: bool = False


@app.callback()
def options(
    root: Annotated[Path, typer.Option(help="项目目录（含 content/ 和 templates/）")] = Path("."),
    lang: Annotated[Lang | None, typer.Option(help="提示语言：zh 或 en（默认随系统）")] = None,
    debug: Annotated[bool, typer.Option(help="内部错误时显示完整的调用栈")] = False,
) -> None:
    """Options every command shares."""
    messages.set_language(None if lang is None else lang.value)  # --lang fr: a usage error
    State.root = root
    State.debug = debug


def _project() -> "Project":
    """The project at --root (imported here: --help, text and schema never load it)."""
    from jixiao.folder import Project

    _started()
    return Project(State.root)


def _started() -> None:
    """The start-up is over (the pipeline is imported): collect garbage again from here on,
    leaving what the start-up made — modules, classes, models, which live as long as the
    process — out of every collection (in forked workers too, so their shared pages stay
    shared). Only if `main` paused the collector: a process that imports the commands (the
    tests) keeps its collector as it was."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _report(findings: list[Finding]) -> None:
    for finding in findings:
        typer.echo(finding.render(State.root), err=True)


def _units(project: "Project", year: int, unit: str | None) -> list[str]:
    available = project.units_with(year)
    if unit is not None:
        if unit not in available:
            raise ContentError(
                [
                    _plain_error(
                        say("unit_missing", unit=unit, year=year),
                        say("unit_missing_hint", units=listing(available)),
                    )
                ]
            )
        return [unit]
    if not available:
        raise ContentError(
            [_plain_error(say("no_units", year=year), say("no_units_hint", year=year))]
        )
    return available


def _plain_error(message: str, hint: str) -> Finding:
    from jixiao.errors import error

    return error(None, None, "", message, hint)


@app.command()
def render(
    year: Annotated[int, typer.Argument(help="报告年度，如 2023", **_YEAR)],
    unit: Annotated[str | None, typer.Option(help="只生成这个单位（content/ 下的目录名）")] = None,
    out: Annotated[Path | None, typer.Option(help="输出目录（默认 output/）")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="同时用 LibreOffice 生成 PDF")] = False,
    xlsx: Annotated[
        bool, typer.Option("--xlsx", help="同时把附表和表格章节写成 Excel 工作簿（.xlsx）")
    ] = False,
    unit_timeout: Annotated[
        float | None,
        typer.Option(
            envvar="JIXIAO_UNIT_TIMEOUT",
            **_SECONDS,
            help="每个单位最多用时（秒），超时即停止并报告；默认 60（不含转换 PDF）",
        ),
    ] = None,
    pdf_timeout: Annotated[
        float | None,
        typer.Option(
            envvar="JIXIAO_PDF_TIMEOUT",
            **_SECONDS,
            help="--pdf 时每份文档转换最多用时（秒），超时即停止 LibreOffice 并报告；默认 120",
        ),
    ] = None,
) -> None:
    """生成报告：content/<单位>/<年度>.yaml → output/<年度>/<单位>/….docx（各单位并行）。"""
    from jixiao.batch import render_year

    project = _project()
    units = _units(project, year, unit)
    target = out or State.root / "output"
    timeouts = {"timeout": unit_timeout, "pdf_timeout": pdf_timeout}
    code = render_year(project, year, units, target, pdf=pdf, xlsx=xlsx, **timeouts)
    if code:
        raise typer.Exit(code)


@app.command()
def watch(
    year: Annotated[int, typer.Argument(help="报告年度，如 2023", **_YEAR)],
    unit: Annotated[str, typer.Option(help="监视这个单位（content/ 下的目录名）")],
    out: Annotated[Path | None, typer.Option(help="输出目录（默认 output/）")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="同时用 LibreOffice 生成 PDF")] = False,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="同时写出附表的 Excel 工作簿")] = False,
) -> None:
    """边写边看：每次保存单位的内容、报告类型或模板，自动检查并重新生成报告（Ctrl-C 停止）。"""
    from jixiao.batch import usable_folder
    from jixiao.errors import error
    from jixiao.pdf import soffice
    from jixiao.watch import watch_unit

    project = _project()
    chosen = _units(project, year, unit)[0]
    if pdf and soffice() is None:
        raise ContentError([error(None, None, "", say("no_soffice"), say("no_soffice_hint"))])
    target = out or State.root / "output"
    usable_folder(target, project)
    code = watch_unit(project, chosen, year, target / str(year) / chosen, pdf=pdf, xlsx=xlsx)
    if code:
        raise typer.Exit(code)


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"


@app.command()
def check(
    year: Annotated[int, typer.Argument(help="报告年度，如 2023", **_YEAR)],
    unit: Annotated[str | None, typer.Option(help="只检查这个单位")] = None,
    strict: Annotated[bool, typer.Option(help="警告也按错误处理（退出码 1）")] = False,
    output: Annotated[Format, typer.Option("--format", help="输出：text 或 json")] = Format.TEXT,
) -> None:
    """检查内容：缺漏、前后不一致、过时的年份和文字、模板问题。"""
    from jixiao.checks import check_unit_year

    project = _project()
    reports = [
        check_unit_year(project, u, year, strict=strict) for u in _units(project, year, unit)
    ]
    errors = sum(len(r.errors) for r in reports)
    warnings = sum(len(r.warnings) for r in reports)
    if output is Format.JSON:
        payload = [
            {"unit": r.unit, "year": r.year, "findings": [f.as_dict() for f in r.findings]}
            for r in reports
        ]
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for report in reports:
            if report.findings:
                typer.echo(say("unit_heading", unit=report.unit, year=report.year))
                for finding in report.findings:
                    typer.echo(finding.render(State.root))
        notes = sum(f.severity is Severity.NOTE for r in reports for f in r.findings)
        if errors or warnings:
            typer.echo(say("check_summary", units=len(reports), errors=errors, warnings=warnings))
        elif notes:  # --strict lists the numbers no label names: not problems, but unchecked
            typer.echo(say("check_clean_notes", units=len(reports), notes=notes))
        else:
            typer.echo(say("check_clean", units=len(reports)))
    if errors or (strict and warnings):
        raise typer.Exit(1)


@app.command()
def text(file: Annotated[Path, typer.Argument(help="Word 文档（.docx）")]) -> None:
    """打印报告的文字（段落和表格单元格，每行一个），供 git diff 使用（textconv）。"""
    from jixiao.docxtext import read_text

    try:
        sys.stdout.buffer.write(read_text(file).encode("utf-8"))  # git compares bytes
    except ContentError as exc:
        _report(exc.findings)
        raise typer.Exit(1) from None


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option(help="写入的目录（默认 schema/）")] = None,
) -> None:
    """写出内容文件的 JSON Schema（year.schema.json、unit.schema.json），供编辑器补全和校验。"""
    from jixiao.output import shown
    from jixiao.schema import FOLDER, write_schemas

    for path in write_schemas(out or State.root / FOLDER):
        typer.echo(say("wrote", path=shown(path)))


@app.command()
def init(
    unit: Annotated[str, typer.Argument(help="单位名（content/ 下的目录名），如 lukou-zzb")],
    kind: Annotated[list[str], typer.Option(help="报告类型（templates/ 下的目录名），可多次给出")],
    year: Annotated[int | None, typer.Option(help="年度（默认今年）", **_YEAR)] = None,
) -> None:
    """新建单位：写出 content/<单位>/unit.yaml 和 <年度>.yaml，每个字段都有中文注释。"""
    from jixiao.output import shown
    from jixiao.scaffold import TO_FILL, init_unit, this_year

    chosen = this_year() if year is None else year  # --year 0 is a year asked for
    try:
        written = init_unit(_project(), unit, kind, chosen)
    except ContentError as exc:
        _report(exc.findings)
        raise typer.Exit(1) from None
    for path in written:
        typer.echo(say("wrote", path=shown(path)))
    files = messages.listing(str(shown(p)) for p in written)
    typer.echo(say("init_next", files=files, marker=TO_FILL, year=chosen, unit=unit))


@app.command("import")
def import_(
    sources: Annotated[
        list[Path],
        typer.Argument(
            help="单位已有的 Word 报告（.docx）；每个重点项目一份的报告类型可一次给出多份",
            show_default=False,
        ),
    ],
    unit: Annotated[str, typer.Option(help="单位名（content/ 下的目录名），如 lukou-zzb")],
    year: Annotated[int | None, typer.Option(help="年度（默认取自报告标题）", **_YEAR)] = None,
    kind: Annotated[str | None, typer.Option(help="报告类型（默认按章节标题判断）")] = None,
    force: Annotated[bool, typer.Option(help="覆盖已有的年度文件")] = False,
) -> None:
    """导入已有的 Word 报告：写出 content/<单位>/<年度>.yaml（及 unit.yaml），再次生成即得原文。"""
    from jixiao.batch import shown
    from jixiao.importing.several import import_reports

    summary = import_reports(_project(), sources, unit, year, kind, force)
    for path in summary.written:
        typer.echo(say("wrote", path=shown(path)))
    chosen = "import_kind_forms" if summary.by_forms else "import_kind"
    typer.echo(say(chosen, kind=summary.kind, score=f"{summary.score:.2f}"))
    if summary.others:
        shown = listing(f"{name} {score:.2f}" for name, score in summary.others[:2])
        typer.echo(say("import_kind_others", kinds=shown))
    typer.echo(say("import_matched", count=len(summary.matched), items=listing(summary.matched)))
    if summary.kept:
        typer.echo(say("import_kept", count=len(summary.kept), items=listing(summary.kept)))
    typer.echo(say("import_figures", count=summary.lifted, links=summary.links))
    if summary.refused:
        typer.echo(say("import_refused", count=len(summary.refused)))
        for item in summary.refused:
            typer.echo(f"  - {item}")
    typer.echo(say("import_checks", count=len(summary.checks)))
    for item in summary.checks:
        typer.echo(f"  - {item}")
    if summary.errors:
        typer.echo(say("import_check_errors", count=len(summary.errors)))
        for item in summary.errors:
            typer.echo("  - " + item.replace("\n", "\n    "))
    elif summary.refused:
        typer.echo(say("import_check_clean_to_fill", count=len(summary.refused)))
    else:
        typer.echo(say("import_check_clean"))


@app.command()
def new(
    year: Annotated[  # after a year to start from: new 1000 would look for 999.yaml
        int, typer.Argument(help="新的年度，如 2024", min=FIRST_YEAR + 1, max=LAST_YEAR)
    ],
    source: Annotated[
        int | None, typer.Option("--from", help="由哪一年结转（默认上一年）", **_YEAR)
    ] = None,
    unit: Annotated[str | None, typer.Option(help="只生成这个单位")] = None,
    force: Annotated[bool, typer.Option(help="覆盖已有文件（保留其中已填写的内容）")] = False,
) -> None:
    """生成下一年的内容文件：沿用结构和正文，本年执行数转为上年数，其余清空待填。"""
    from jixiao.loading import path_text
    from jixiao.output import shown, write_atomic
    from jixiao.rollover import plan_new

    project = _project()
    source_year = source if source is not None else year - 1
    if source_year >= year:
        raise ContentError(
            [
                _plain_error(
                    say("new_bad_from", source=source_year, year=year),
                    say("new_bad_from_hint", year=year, prior=year - 1),
                )
            ]
        )
    try:
        plans = plan_new(project, _units(project, source_year, unit), source_year, year, force)
    except ContentError as exc:
        _report(exc.findings)
        typer.echo(say("new_aborted", count=len(exc.findings)), err=True)
        raise typer.Exit(1) from None
    for plan in plans:
        write_atomic(plan.target, plan.rolled.text.encode("utf-8"))
        s = plan.rolled.summary
        typer.echo(say("new_wrote", path=shown(plan.target), source=plan.source.name))
        counts = {"carried": s.carried, "rolled": len(s.rolled), "cleared": len(s.cleared)}
        typer.echo(say("new_counts", source=source_year, year=year, **counts))
        if s.kept:
            typer.echo(say("new_kept", year=year, count=len(s.kept)))
        if s.review:
            typer.echo(say("new_review", count=len(s.review)))
        for path in s.review:
            years = s.old_years.get(path)
            note = say("new_old_years", years=listing(years)) if years else ""
            line = s.lines.get(path, "?")
            typer.echo(say("new_review_item", line=line, field=path_text(path)) + note)
    typer.echo(say("new_next", year=year))


@app.command()
def diff(
    first: Annotated[int, typer.Argument(help="前一年，如 2023（--rev 时为比较的年度）", **_YEAR)],
    second: Annotated[int | None, typer.Argument(help="后一年，如 2024", **_YEAR)] = None,
    unit: Annotated[str | None, typer.Option(help="只比较这个单位")] = None,
    docx: Annotated[
        Path | None, typer.Option("--docx", help="写出带修订标记的 Word 文档（在“审阅”中查看）")
    ] = None,
    rev: Annotated[
        str | None, typer.Option(help="比较同一年度的两个 git 版本：A..B，或 A..（与当前文件）")
    ] = None,
    kind: Annotated[str | None, typer.Option(help="--docx 时比较的报告类型（默认第一个）")] = None,
) -> None:
    """两个年度（或 --rev 两个版本）的数字并列：增减和同比；--docx 写出修订模式的 Word 文档。"""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="jixiao-diff-") as scratch:
        old, new, years = _versions(first, second, rev, Path(scratch))
        if docx is not None:
            _write_redline(old, new, years, unit, kind, docx)
        else:
            _figures_diff(old, new, years, unit)


def _versions(
    first: int, second: int | None, rev: str | None, scratch: Path
) -> "tuple[Version, Version, tuple[int, int]]":
    """The two versions `diff` compares and their years: two years of the project, or one
    year at two git revisions (taken out into `scratch`)."""
    from jixiao.versions import Version, checkout, parse_rev

    here = Version(_project())
    if rev is None:
        if second is None:
            raise ContentError(
                [_plain_error(say("diff_second_missing"), say("diff_rev_form_hint"))]
            )
        return here, here, (first, second)
    if second is not None:
        raise ContentError([_plain_error(say("diff_rev_year"), say("diff_rev_form_hint"))])
    a, b = parse_rev(rev)
    old = checkout(State.root, a, scratch / "a")
    new = checkout(State.root, b, scratch / "b") if b is not None else here
    return old, new, (first, first)


def _write_redline(
    old: "Version",
    new: "Version",
    years: tuple[int, int],
    unit: str | None,
    kind: str | None,
    out: Path,
) -> None:
    """Write the redline of one unit's report (`unit`, or the only unit both versions have):
    at `out`, or for a kind made once per key project one file per project beside `out`
    (`修订.docx` → `修订-<project>.docx`)."""
    from jixiao.batch import shown
    from jixiao.output import (
        name_problem,
        place,
        release_signals,
        staging,
        write_failed,
        write_new,
    )
    from jixiao.versions import redline_document

    both = [
        u for u in new.project.units_with(years[1]) if old.project.year_file(u, years[0]).is_file()
    ]
    if unit is None and len(both) != 1:
        message = say("diff_docx_one_unit", units=listing(both) or "——")
        raise ContentError([_plain_error(message, say("diff_docx_one_unit_hint"))])
    chosen = unit or both[0]
    if chosen not in both:
        message = say("diff_missing", unit=chosen, year=years[1])
        raise ContentError([_plain_error(message, say("diff_missing_hint", year=years[1]))])
    redlines = redline_document(old, new, years, chosen, kind)
    targets = [out] * len(redlines.documents)
    if redlines.each:
        names = [f"{out.stem}-{r.project}{out.suffix or '.docx'}" for r in redlines.documents]
        for name in names:
            if problem := name_problem(name):
                message = say("diff_docx_name_bad", name=name, problem=problem)
                raise ContentError([_plain_error(message, say("diff_docx_name_bad_hint"))])
        targets = [out.with_name(name) for name in names]
    with staging(out.parent) as stage:  # all of them or none
        files = {}
        for target, document in zip(targets, redlines.documents, strict=True):
            files[target] = stage / target.name
            try:
                write_new(files[target], document.data)
            except OSError as exc:
                raise write_failed(target, exc) from None
        place(files, stage)
    release_signals()  # held while placing: every file is in place now
    for target, document in zip(targets, redlines.documents, strict=True):
        typer.echo(say("wrote", path=shown(target)))
        if document.added:
            typer.echo(say("diff_redline_added", project=document.project))
    if redlines.removed:
        projects = listing(redlines.removed)
        typer.echo(say("diff_redline_removed", count=len(redlines.removed), projects=projects))
    typer.echo(say("diff_redline_next"))


def _figures_diff(old: "Version", new: "Version", years: tuple[int, int], unit: str | None) -> None:
    """Print the figures of each unit in both versions, side by side."""
    from jixiao.compare import rows, table
    from jixiao.project import load_unit_year

    first, second = years
    units = _units(old.project, first, unit)
    findings: list[Finding] = []
    loaded = []
    for unit_id in units:
        if not new.project.year_file(unit_id, second).is_file():
            if unit is not None:
                findings.append(
                    _plain_error(
                        say("diff_missing", unit=unit_id, year=second),
                        say("diff_missing_hint", year=second),
                    )
                )
            continue
        try:
            a = load_unit_year(old.project, unit_id, first, to_fill=True)
            b = load_unit_year(new.project, unit_id, second, to_fill=True)
        except ContentError as exc:
            findings += exc.findings
            continue
        loaded.append((unit_id, a, b))
    if findings:
        raise ContentError(findings)
    if not loaded:
        raise ContentError(
            [_plain_error(say("no_units", year=second), say("diff_missing_hint", year=second))]
        )
    for index, (unit_id, a, b) in enumerate(loaded):
        if index:
            typer.echo("")
        name = b.unit.short_name
        typer.echo(say("diff_head", name=name, unit=unit_id, a=first, b=second))
        typer.echo(table(first, second, rows(a.figures, b.figures)))


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def main() -> None:
    """Entry point: content mistakes print findings, exit 1; bugs say so (traceback: --debug).

    The garbage collector is paused while the command starts: importing the pipeline makes
    tens of thousands of objects that live as long as the process and hardly any garbage,
    so each collection only scanned them again (about a tenth of a cold render; `_started`
    resumes it). At exit what is left is frozen, so the interpreter's final collection
    skips it (another fifth): every file is written and closed by then, atexit still runs.
    Where nothing is left for the interpreter to do at exit, `_leave` skips its teardown."""
    gc.disable()
    try:
        _main()
    except SystemExit as exc:
        gc.freeze()
        _leave(exc.code)
        raise
    finally:
        gc.freeze()


def _leave(code: object) -> None:
    """Exit with `code` at once, without the interpreter tearing every module down (a
    twentieth of a cold render), if that skips nothing: the output flushed, no other thread,
    nothing registered with atexit. Else return, for the usual exit."""
    callbacks = getattr(atexit, "_ncallbacks", None)  # CPython's; elsewhere, the usual exit
    if code is None:
        code = 0
    if (
        not isinstance(code, int)
        or callbacks is None
        or callbacks()
        or threading.active_count() > 1
    ):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed or broken stream: the usual exit reports it
        return
    os._exit(code)


def _main() -> None:
    signal.signal(signal.SIGTERM, _terminate)  # unwind: staging removed, workers stopped
    messages.set_language(None)  # the locale's, for a mistake met before --lang is read
    try:
        code = app(standalone_mode=False)  # returns the code of a `typer.Exit` raised inside
    except ContentError as exc:
        _report(exc.findings)
        typer.echo(say("aborted", count=len(exc.findings)), err=True)
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt) as exc:
        typer.echo(say("stopped"), err=True)
        sys.exit(143 if isinstance(exc, Terminated) else 130)
    except Exception as exc:  # a click usage error, or a bug
        if usage.shows_help(exc):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        if usage.is_usage_error(exc):
            typer.echo(usage.explain(exc), err=True)
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        if State.debug:
            traceback.print_exc()
        typer.echo(say("bug", detail=f"{type(exc).__name__}: {exc}"), err=True)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
