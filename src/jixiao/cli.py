"""The `jixiao` command: typer commands that call the pipeline, and nothing else."""

from __future__ import annotations

import json
import sys
import traceback
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from jixiao import messages
from jixiao.errors import ContentError, Finding
from jixiao.messages import listing, say
from jixiao.project import Project

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="jixiao（绩效）：由 YAML 内容生成部门整体支出绩效自评报告。",
)


class State:
    root: Path = Path.cwd()
    debug: bool = False


@app.callback()
def options(
    root: Annotated[Path, typer.Option(help="项目目录（含 content/ 和 templates/）")] = Path("."),
    lang: Annotated[str | None, typer.Option(help="提示语言：zh 或 en（默认随系统）")] = None,
    debug: Annotated[bool, typer.Option(help="内部错误时显示完整的调用栈")] = False,
) -> None:
    """Options every command shares."""
    messages.set_language(lang if lang in messages.LANGS else None)
    State.root = root
    State.debug = debug


def _report(findings: list[Finding]) -> None:
    for finding in findings:
        typer.echo(finding.render(State.root), err=True)


def _units(project: Project, year: int, unit: str | None) -> list[str]:
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
    year: Annotated[int, typer.Argument(help="报告年度，如 2023")],
    unit: Annotated[str | None, typer.Option(help="只生成这个单位（content/ 下的目录名）")] = None,
    out: Annotated[Path | None, typer.Option(help="输出目录（默认 output/）")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="同时用 LibreOffice 生成 PDF")] = False,
) -> None:
    """生成报告：content/<单位>/<年度>.yaml → output/<年度>/<单位>/….docx（各单位并行）。"""
    from jixiao.batch import render_year

    project = Project(State.root)
    units = _units(project, year, unit)
    code = render_year(project, year, units, out or State.root / "output", pdf=pdf)
    if code:
        raise typer.Exit(code)


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"


@app.command()
def check(
    year: Annotated[int, typer.Argument(help="报告年度，如 2023")],
    unit: Annotated[str | None, typer.Option(help="只检查这个单位")] = None,
    strict: Annotated[bool, typer.Option(help="警告也按错误处理（退出码 1）")] = False,
    output: Annotated[Format, typer.Option("--format", help="输出：text 或 json")] = Format.TEXT,
) -> None:
    """检查内容：缺漏、前后不一致、过时的年份和文字、模板问题。"""
    from jixiao.checks import check_unit_year

    project = Project(State.root)
    reports = [check_unit_year(project, u, year) for u in _units(project, year, unit)]
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
        if errors or warnings:
            typer.echo(say("check_summary", units=len(reports), errors=errors, warnings=warnings))
        else:
            typer.echo(say("check_clean", units=len(reports)))
    if errors or (strict and warnings):
        raise typer.Exit(1)


def main() -> None:
    """Entry point: content mistakes print findings, exit 1; bugs say so (traceback: --debug)."""
    try:
        code = app(standalone_mode=False)  # returns the code of a `typer.Exit` raised inside
    except ContentError as exc:
        _report(exc.findings)
        typer.echo(say("aborted", count=len(exc.findings)), err=True)
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        sys.exit(130)
    except Exception as exc:  # a click usage error, or a bug
        if _usage_error(exc):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        if State.debug:
            traceback.print_exc()
        typer.echo(say("bug", detail=f"{type(exc).__name__}: {exc}"), err=True)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


def _usage_error(exc: Exception) -> bool:
    """Whether `exc` is a command-line mistake (click's, or the copy of click in newer typer)."""
    return any(kind.__name__ == "ClickException" for kind in type(exc).__mro__)
