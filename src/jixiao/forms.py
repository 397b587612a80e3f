"""The attached forms as Grids, computed from the figures: 基础数据表, 自评表, 重点项目表.

Pure functions: figures in, `Grid` out. Every amount, rate, total and score in a cell
comes from `compute`/`scoring`; this module only lays them out and formats them. The
budget block, the goals block and the indicator table are shared by every form that
shows them.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.compute import (
    BasicDataFigures,
    EvaluationFigures,
    Figures,
    KeyProjectFigures,
    Line,
)
from jixiao.formatting import num, pct
from jixiao.model.year import ProjectKind
from jixiao.render.grid import Align, Cell, Grid, GridBuilder

NA = "——"
EVALUATION_WIDTHS = (0.9, 1.2, 1.3, 2.4, 1.3, 1.3, 0.9, 1.1, 2.0)


def amount(value: Decimal | None, blank: str = "") -> str:
    """An amount in a form cell: no trailing zeros; `blank` when there is none."""
    return blank if value is None else num(value)


def rate(value: Decimal | None, blank: str = "") -> str:
    return blank if value is None else pct(value)


def numbered(items: list[str]) -> tuple[str, ...]:
    """Items as numbered paragraphs of one cell: 1.… 2.…"""
    return tuple(f"{i}.{text}" for i, text in enumerate(items, start=1))


def left(text: str | tuple[str, ...], cols: int = 1, rows: int = 1) -> Cell:
    return Cell(text, cols=cols, rows=rows, align=Align.LEFT)


# 附件2 部门整体支出绩效评价基础数据表 -------------------------------------------------------


def basic_data_grid(figures: Figures, data: BasicDataFigures) -> Grid:
    """The 基础数据表: staffing, 三公经费, 项目支出 by kind, 公用经费, 采购, 楼堂馆所, 节约."""
    year, prior = figures.year, figures.prior_year
    g = GridBuilder(widths=(2.6, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0))

    def three(label: str | Cell, line: Line, blank_prior: bool = False) -> None:
        g.row(
            label if isinstance(label, Cell) else left(label),
            Cell(NA if blank_prior else amount(line.prior, NA), cols=2),
            Cell(amount(line.budget, NA), cols=2),
            Cell(amount(line.actual, NA), cols=2),
        )

    staff = figures.staffing
    g.row(
        Cell("财政供养人员情况", rows=2),
        Cell("编制数", cols=2),
        Cell(f"{year}年实际在职人数", cols=2),
        Cell(("控制率", "（理想值≤1）"), cols=2),
    )
    g.row(
        Cell(str(staff.authorized) if staff else NA, cols=2),
        Cell(str(staff.in_service) if staff else NA, cols=2),
        Cell(rate(staff.control_rate if staff else None, NA), cols=2),
    )
    g.row(
        Cell("经费控制情况"),
        Cell(f"{prior}年决算数", cols=2),
        Cell(f"{year}年预算数", cols=2),
        Cell(f"{year}年决算数", cols=2),
    )
    public = data.three_public
    three("三公经费", public.total)
    three("1、公务用车购置和维护经费", public.vehicle)
    three("其中：公车购置", public.vehicle_purchase)
    three("公车运行维护", public.vehicle_operation)
    three("2、出国经费", public.overseas)
    three("3、公务接待", public.reception)
    projects = figures.projects
    three("项目支出：", projects if projects else Line())
    labels = {
        ProjectKind.BUSINESS: "1、业务工作经费",
        ProjectKind.OPERATION: "2、运行维护经费",
        ProjectKind.SPECIAL: ("3、专项资金", "（一个专项一行）"),
        ProjectKind.OTHER: "4、其他事业类发展资金",
    }
    for kind, label in labels.items():
        three(left(label), projects.by_kind[kind] if projects else Line())
    basic = figures.basic
    public_line = basic.public if basic and basic.public else None
    three("公用经费", public_line or Line())
    for index, part in enumerate(public_line.parts if public_line else []):
        three(("其中：" if index == 0 else "") + part.name, part)
    three("政府采购金额", data.procurement, blank_prior=True)
    adjust = Line(budget=basic.initial, actual=basic.actual) if basic else Line()
    three("部门基本支出预算调整", adjust, blank_prior=True)
    b = data.buildings
    g.row(
        Cell(("楼堂馆所控制情况", f"（{year}年完工项目）"), rows=2),
        "批复规模（㎡）",
        "实际规模（㎡）",
        "规模控制率（理想值≤1）",
        "预算投资（万元）",
        "实际投资（万元）",
        "投资概算控制率（理想值≤1）",
    )
    g.row(
        amount(b.approved_area),
        amount(b.actual_area),
        rate(b.area_rate, "计算公式=实际规模/批复规模×100%"),
        amount(b.budget),
        amount(b.actual),
        rate(b.investment_rate, "计算公式=实际投资/预算投资×100%"),
    )
    g.row(Cell("厉行节约保障措施"), left(tuple(data.frugality) or ("",), cols=6))
    return g.build()


# Shared pieces of the self-evaluation forms ---------------------------------------------


def _funds_header(g: GridBuilder, label: str, rows: int) -> None:
    g.row(
        Cell(label, rows=rows),
        Cell("", cols=2),
        "年初预算数",
        "全年预算数（含当年预算调整数）",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
    )


def _funds_total(g: GridBuilder, evaluation: EvaluationFigures) -> None:
    funds = evaluation.funds
    g.row(
        Cell("年度资金总额", cols=2),
        amount(funds.initial),
        amount(funds.budget),
        amount(funds.actual),
        amount(evaluation.budget_points),
        rate(funds.execution_rate),
        amount(evaluation.budget_score),
    )


def _goals(g: GridBuilder, goals: list[str], results: list[str]) -> None:
    g.row(Cell("年度总体目标", rows=2), Cell("预期目标", cols=4), Cell("实际完成情况", cols=4))
    g.row(left(numbered(goals) or ("",), cols=4), left(numbered(results) or ("",), cols=4))


def indicator_grid(evaluation: EvaluationFigures) -> Grid:
    """The indicator table: 一级 and 二级 cells merged over their rows, and 总分."""
    g = GridBuilder(widths=EVALUATION_WIDTHS, header_rows=1)
    rows = len(evaluation.rows)
    g.row(
        Cell(tuple("绩效指标"), rows=rows + 1),
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    )
    for group in evaluation.groups:
        first_of_group = True
        for category in group.categories:
            for index, scored in enumerate(category.rows):
                cells: list[Cell | str] = []
                if first_of_group:
                    label = (group.name, f"（{num(group.shown_points)}分）")
                    cells.append(Cell(label, rows=group.row_count))
                    first_of_group = False
                if index == 0:
                    cells.append(Cell(category.name, rows=len(category.rows)))
                indicator = scored.indicator
                cells += [
                    left(indicator.name),
                    str(indicator.target),
                    str(indicator.actual) if indicator.actual is not None else "",
                    amount(indicator.points),
                    amount(scored.score),
                    left(indicator.reason or ""),
                ]
                g.row(*cells)
    g.row(
        Cell("总分", cols=6),
        amount(evaluation.points_total),
        amount(evaluation.score_total),
        "",
    )
    return g.build()


# 附件3 部门整体支出绩效自评表 --------------------------------------------------------------


def overall_evaluation_grids(figures: Figures, unit_name: str) -> list[Grid]:
    """The 部门整体支出绩效自评表: funds and goals, then the indicator table."""
    evaluation = figures.evaluation
    assert evaluation is not None
    income = figures.income
    basic, projects = figures.basic, figures.projects
    g = GridBuilder(widths=EVALUATION_WIDTHS)
    g.row(Cell("区级预算部门名称", cols=2), left(unit_name, cols=7))
    _funds_header(g, "年度预算申请（万元）", rows=7)
    _funds_total(g, evaluation)

    def pair(a: str, b: str) -> None:
        g.row(left(a, cols=4), left(b, cols=4))

    total_income = income.total if income else None
    pair(
        f"按收入性质分：{amount(total_income)}", f"按支出性质分：{amount(evaluation.funds.actual)}"
    )
    pair(
        f"其中：一般公共预算：{amount(income.general_budget if income else None)}",
        f"其中：基本支出：{amount(basic.actual if basic else None)}",
    )
    pair(
        f"政府性基金拨款：{amount(income.government_fund if income else None)}",
        f"项目支出：{amount(projects.actual if projects else None)}",
    )
    pair(f"纳入专户管理的非税收入拨款：{amount(income.non_tax if income else None)}", "")
    pair(f"其他资金：{amount(income.other if income else None)}", "")
    _goals(g, evaluation.goals, evaluation.results)
    return [g.build(), indicator_grid(evaluation)]


# 附件4 项目支出绩效自评表 -----------------------------------------------------------------


def project_evaluation_grids(project: KeyProjectFigures) -> list[Grid]:
    """A 项目支出绩效自评表: the project, its funds by source, goals, then the indicators."""
    evaluation = project.evaluation
    g = GridBuilder(widths=EVALUATION_WIDTHS)
    g.row(Cell("项目支出名称", cols=2), left(project.name, cols=7))
    g.row(
        Cell("主管部门", cols=2),
        left(project.department, cols=3),
        "实施单位",
        left(project.implementer, cols=3),
    )
    _funds_header(g, "项目资金（万元）", rows=5)
    _funds_total(g, evaluation)
    for label, line in (
        ("其中：当年财政拨款", project.current),
        ("上年结转资金", project.carryover),
        ("其他资金", project.other),
    ):
        g.row(
            left(label, cols=2),
            amount(line.initial),
            amount(line.budget),
            amount(line.actual),
            "",
            "",
            "",
        )
    _goals(g, evaluation.goals, evaluation.results)
    return [g.build(), indicator_grid(evaluation)]


# 重点项目情况说明的项目表 -----------------------------------------------------------------


def key_projects_grid(figures: Figures) -> Grid:
    """The 重点项目 table: each project's budget and spending, with the 合计 row computed."""
    g = GridBuilder(widths=(1.4, 0.9, 2.8, 1.2, 1.2, 1.2, 1.2), header_rows=2)
    g.row(
        Cell("项目名称", rows=2),
        Cell("项目类型", rows=2),
        Cell("资金用途、使用方向", rows=2),
        Cell("预算金额", cols=2),
        Cell("支出金额", cols=2),
    )
    g.row(("指标", "总额"), "其中：区级资金", "支出总额", "其中：区级资金")
    for project in figures.key_projects:
        g.row(
            project.name,
            project.type or "",
            left(project.purpose or ""),
            amount(project.funds.initial),
            amount(project.district.initial),
            amount(project.funds.actual),
            amount(project.district.actual),
        )
    district_total = figures.key_district
    g.row(
        Cell("合计", cols=3),
        amount(figures.key_total.initial),
        amount(district_total.initial),
        amount(figures.key_total.actual),
        amount(district_total.actual),
    )
    return g.build()
