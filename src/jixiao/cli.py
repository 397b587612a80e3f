"""The `jixiao` command: typer commands that call the pipeline, and nothing else."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer

from jixiao import messages
from jixiao.errors import ContentError, Finding
from jixiao.messages import say
from jixiao.output import write_atomic
from jixiao.project import Project, build, load_unit_year

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
                        say("unit_missing_hint", units=say("list_separator").join(available) or "—"),
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
) -> None:
    """生成报告：content/<单位>/<年度>.yaml → output/<年度>/<单位>/….docx。"""
    project = Project(State.root)
    out_root = out or State.root / "output"
    failed = 0
    ready = []
    for unit_id in _units(project, year, unit):
        try:
            documents = build(load_unit_year(project, unit_id, year))
        except ContentError as exc:
            _report(exc.findings)
            failed += len([f for f in exc.findings if f.severity.value == "error"])
            continue
        ready += [(out_root / str(year) / unit_id / d.filename, d) for d in documents]
    if failed:  # errors in any unit: write nothing at all, as the message says
        typer.echo(say("aborted", count=failed), err=True)
        raise typer.Exit(1)
    for target, document in ready:
        write_atomic(target, document.data)
        typer.echo(say("wrote", path=_shown(target)))


def _shown(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


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
