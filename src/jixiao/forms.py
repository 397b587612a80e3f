"""The attached forms as Grids, computed from the figures: 基础数据表, 自评表, 重点项目表.

Pure functions: figures in, `Grid` out. Every amount, rate, total and score in a cell
comes from `compute`/`scoring`; this module only lays them out and formats them. The
budget block, the goals block and the indicator table are shared by every form that
shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from jixiao.compute import (
    BasicDataFigures,
    EvaluationFigures,
    Figures,
    InstitutionFigures,
    InstitutionsFigures,
    KeyProjectFigures,
    Line,
    ScoredItem,
    ScoreFigures,
    StaffFigures,
)
from jixiao.formatting import num, pct
from jixiao.model.indicators import TargetGroup
from jixiao.model.unit import Contact
from jixiao.model.year import Evaluator, ProjectKind
from jixiao.render.grid import Align, Cell, Grid, GridBuilder
from jixiao.scoring import Scored

NA = "——"
EVALUATION_WIDTHS = (0.9, 1.2, 1.3, 2.4, 1.3, 1.3, 0.9, 1.1, 2.0)


def amount(value: Decimal | None, blank: str = "") -> str:
    """An amount in a form cell: no trailing zeros; `blank` when there is none."""
    return blank if value is None else num(value)


def rate(value: Decimal | None, blank: str = "") -> str:
    """A ratio in a form cell as a percent; `blank` when there is none."""
    return blank if value is None else pct(value)


def numbered(items: list[str]) -> tuple[str, ...]:
    """Items as numbered paragraphs of one cell: 1.… 2.…"""
    return tuple(f"{i}.{text}" for i, text in enumerate(items, start=1))


def left(text: str | tuple[str, ...], cols: int = 1, rows: int = 1) -> Cell:
    """A left-aligned cell (text that reads as prose, not a figure or a heading)."""
    return Cell(text, cols=cols, rows=rows, align=Align.LEFT)


# 附件2 部门整体支出绩效评价基础数据表 -------------------------------------------------------


def basic_data_grid(figures: Figures, data: BasicDataFigures) -> Grid:
    """The 基础数据表: staffing, 三公经费, 项目支出 by kind, 公用经费, 采购, 楼堂馆所, 节约."""
    year, prior = figures.year, figures.prior_year
    g = GridBuilder(widths=(2.6, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0))

    def three(label: str | Cell, line: Line, blank_prior: bool = False) -> None:
        """A row of 上年决算, 本年预算 and 本年决算, two grid columns each."""
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
    for number, kind in enumerate(ProjectKind, start=1):
        label = f"{number}、{kind.value}"
        shown = (label, "（一个专项一行）") if kind is ProjectKind.SPECIAL else label
        three(left(shown), projects.by_kind[kind] if projects else Line())
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
    """The heading row of the funds block, `label` spanning its `rows` rows."""
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
    """年度资金总额: initial, full-year budget, spending, 执行率 and its score."""
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
    """年度总体目标: the 预期目标 and the 实际完成情况, numbered, side by side."""
    g.row(Cell("年度总体目标", rows=2), Cell("预期目标", cols=4), Cell("实际完成情况", cols=4))
    g.row(left(numbered(goals) or ("",), cols=4), left(numbered(results) or ("",), cols=4))


Row = list[Cell | str]
Branch = tuple[Cell, list[tuple[Cell, list[Row]]]]
"""A 一级 cell and its 二级 cells, each with the rows (the further cells) under it."""


def tree_rows(g: GridBuilder, branches: list[Branch]) -> None:
    """Rows of a 一级 / 二级 / 三级 table: each 一级 and 二级 cell merged over its own rows."""
    for group_cell, categories in branches:
        height = sum(len(rows) for _cell, rows in categories)
        first = True
        for category_cell, rows in categories:
            for index, cells in enumerate(rows):
                lead: Row = []
                if first:
                    lead.append(replace(group_cell, rows=height))
                    first = False
                if index == 0:
                    lead.append(replace(category_cell, rows=len(rows)))
                g.row(*lead, *cells)


def _indicator_cells(scored: Scored) -> Row:
    """A 三级指标's cells: name, 指标值, 完成值, 分值, 得分, 偏差原因."""
    indicator = scored.indicator
    return [
        left(indicator.name),
        str(indicator.target),
        str(indicator.actual) if indicator.actual is not None else "",
        amount(indicator.points),
        amount(scored.score),
        left(indicator.reason or ""),
    ]


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
    tree_rows(
        g,
        [
            (
                Cell((group.name, f"（{num(group.shown_points)}分）")),
                [(Cell(c.name), [_indicator_cells(s) for s in c.rows]) for c in group.categories],
            )
            for group in evaluation.groups
        ],
    )
    g.row(
        Cell("总分", cols=6),
        amount(evaluation.points_total),
        amount(evaluation.score_total),
        "",
    )
    return g.build()


# 附件3 部门整体支出绩效自评表 --------------------------------------------------------------


def overall_evaluation_grids(figures: Figures, unit_name: str, level: str) -> list[Grid]:
    """The 部门整体支出绩效自评表: funds and goals, then the indicator table."""
    evaluation = figures.evaluation
    assert evaluation is not None
    income = figures.income
    basic, projects = figures.basic, figures.projects
    g = GridBuilder(widths=EVALUATION_WIDTHS)
    g.row(Cell(f"{level}预算部门名称", cols=2), left(unit_name, cols=7))
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


def key_projects_grid(figures: Figures, level: str) -> Grid:
    """The 重点项目 table: each project's budget and spending, with the 合计 row computed."""
    g = GridBuilder(widths=(1.4, 0.9, 2.8, 1.2, 1.2, 1.2, 1.2), header_rows=2)
    g.row(
        Cell("项目名称", rows=2),
        Cell("项目类型", rows=2),
        Cell("资金用途、使用方向", rows=2),
        Cell("预算金额", cols=2),
        Cell("支出金额", cols=2),
    )
    share = f"其中：{level}资金"
    g.row(Cell(("指标", "总额")), share, "支出总额", share)
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


# 收支情况 by institution (岳阳 评价表) ------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column heading, and either the columns under it or how a row's figure is read."""

    label: str | tuple[str, ...]
    children: tuple[Column, ...] = ()
    value: Callable[[InstitutionFigures], Decimal | None] | None = None

    @property
    def depth(self) -> int:
        """How many heading rows this column takes, its own and those under it."""
        return 1 + max((c.depth for c in self.children), default=0)

    @property
    def leaves(self) -> list[Column]:
        """The columns without children under it (itself if it has none), left to right."""
        return [leaf for c in self.children for leaf in c.leaves] if self.children else [self]


def header_rows(g: GridBuilder, columns: tuple[Column, ...]) -> None:
    """Heading rows for a tree of columns: a parent spans its leaves, a leaf spans down."""
    depth = max(c.depth for c in columns)
    level = list(columns)
    for row in range(depth):
        g.row(
            *(
                Cell(c.label, cols=len(c.leaves), rows=1 if c.children else depth - row)
                for c in level
            )
        )
        level = [child for c in level for child in c.children]


def _of(*children: Column) -> Column:
    """A “其中：” heading over `children`."""
    return Column("其中：", children)


def _col(
    label: str | tuple[str, ...], value: Callable[[InstitutionFigures], Decimal | None]
) -> Column:
    """A column of figures: its heading and how a row's figure is read."""
    return Column(label, value=value)


INSTITUTION_SUMMARY = "局机关及二级机构汇总"
INSTITUTION_TABLES: tuple[tuple[str, tuple[Column, ...]], ...] = (
    (
        "年度收入情况（万元）",
        (
            _col("收入合计", lambda f: f.income),
            _of(
                _col("上年结转", lambda f: f.carryover),
                _col("公共财政拨款", lambda f: f.general_budget),
                _col("政府基金拨款", lambda f: f.government_fund),
                _col("纳入专户管理的非税收入拨款", lambda f: f.non_tax),
                _col("其他收入", lambda f: f.other_income),
            ),
        ),
    ),
    (
        "部门（单位）年度支出和结余情况（万元）",
        (
            _col("支出合计", lambda f: f.spending),
            _of(
                _col("基本支出", lambda f: f.basic),
                _of(_col("人员支出", lambda f: f.personnel), _col("公用支出", lambda f: f.public)),
                _col("项目支出", lambda f: f.projects),
            ),
            Column(
                "结余",
                (
                    _col("当年结余", lambda f: f.balance),
                    _col("累计结余", lambda f: f.accumulated),
                ),
            ),
        ),
    ),
    (
        "“三公”经费支出情况（万元）",
        (
            _col("三公经费合计", lambda f: f.three_public.total.actual),
            _of(
                _col("公务接待费", lambda f: f.three_public.reception.actual),
                _col("公务用车运维费", lambda f: f.three_public.vehicle_operation.actual),
                _col("公务用车购置费", lambda f: f.three_public.vehicle_purchase.actual),
                _col("因公出国费", lambda f: f.three_public.overseas.actual),
            ),
        ),
    ),
    (
        "固定资产情况（万元）",
        (
            _col("固定资产合计", lambda f: f.assets),
            _of(
                _col("在用固定资产", lambda f: f.assets_in_use),
                _col("出租固定资产", lambda f: f.assets_leased),
            ),
            _col("其他", lambda f: f.assets_other),
        ),
    ),
)
"""The four 收支 tables: caption, and the columns after 机构名称."""


def institution_grid(
    caption: str, columns: tuple[Column, ...], institutions: InstitutionsFigures
) -> Grid:
    """One 收支 table: the 汇总 row computed from the institutions, then each institution."""
    columns = (Column("机构名称"), *columns)
    leaves = [leaf for c in columns for leaf in c.leaves]
    depth = max(c.depth for c in columns)
    g = GridBuilder(widths=(2.2, *(1.0,) * (len(leaves) - 1)), header_rows=1 + depth)
    g.row(left(caption, cols=len(leaves)))
    header_rows(g, columns)
    rows = [(INSTITUTION_SUMMARY, institutions.total)]
    rows += [(f"{i}、{f.name}", f) for i, f in enumerate(institutions.rows, start=1)]
    for label, figures in rows:
        g.row(left(label), *(amount(leaf.value(figures)) for leaf in leaves[1:] if leaf.value))
    return g.build()


def institution_grids(institutions: InstitutionsFigures) -> list[Grid]:
    """收入, 支出和结余, 三公经费 and 固定资产 by institution, each with its 汇总 row."""
    return [institution_grid(c, cols, institutions) for c, cols in INSTITUTION_TABLES]


# 基本概况, 目标完成情况, 评价人员 (岳阳 评价表) --------------------------------------------


def profile_grid(
    contact: Contact | None,
    staff: StaffFigures | None,
    duties: list[str],
    tasks: list[str],
    achievements: list[str],
) -> Grid:
    """部门（单位）基本概况: contact, 编制 and 实有人数, duties, the year's tasks and results."""
    g = GridBuilder(widths=(1.6, 2.4, 1.6, 2.4))
    g.row("联系人", contact.name if contact else "", "联络电话", (contact and contact.phone) or "")
    g.row(
        "人员编制",
        str(staff.authorized) if staff else "",
        "实有人数",
        str(staff.in_service) if staff else "",
    )
    g.row("职能职责概述", left(tuple(duties) or ("",), cols=3))
    tasks_shown = tuple(f"任务{i}：{t}" for i, t in enumerate(tasks, start=1))
    g.row("年度主要工作内容", left(tasks_shown or ("",), cols=3))
    g.row("年度部门（单位）总体运行情况及取得的成绩", left(numbered(achievements) or ("",), cols=3))
    return g.build()


def goals_grid(
    goals: list[str], results: list[str], targets: list[TargetGroup], scores: ScoreFigures | None
) -> Grid:
    """定性 and 定量目标完成情况, then 绩效自评综合得分 and 评价等次 from the 评分表."""
    g = GridBuilder(widths=(1.3, 1.7, 1.2, 3.6, 1.0))
    qualitative = Cell("整体支出绩效定性目标及实施计划完成情况", rows=2)
    g.row(qualitative, Cell("预期目标", cols=3), "实际完成")
    shown = results[0] if len(results) == 1 else numbered(results)
    g.row(left(numbered(goals) or ("",), cols=3), left(shown or ""))
    rows = sum(len(c.targets) for group in targets for c in group.categories)
    g.row(
        Cell("整体支出绩效定量目标及实施计划完成情况", rows=rows + 1),
        Cell("评价内容", cols=2),
        "绩效目标",
        "完成情况",
    )
    tree_rows(
        g,
        [
            (
                Cell((group.name, group.note) if group.note else group.name),
                [
                    (
                        Cell(c.name),
                        [
                            [left(f"指标{i}：{t.name}"), str(t.actual) if t.actual else ""]
                            for i, t in enumerate(c.targets, start=1)
                        ],
                    )
                    for c in group.categories
                ],
            )
            for group in targets
        ],
    )
    g.row(Cell("绩效自评综合得分", cols=3), Cell(amount(scores.score if scores else None), cols=2))
    g.row(Cell("评价等次", cols=3), Cell((scores and scores.grade) or "", cols=2))
    return g.build()


SIGNATURES = (
    (("评价组组长（签字）：", "", "", ""), "年    月    日"),
    (("部门（单位）意见：", "", ""), ("部门（单位）负责人（签章）：", "年    月    日")),
    (
        ("财政部门归口业务股室意见：", "", ""),
        ("财政部门归口业务股室负责人（签章）：", "年    月    日"),
    ),
)
"""The signature blocks after the 评价人员: what is written left, and right."""


def evaluators_grid(evaluators: list[Evaluator], unit_name: str) -> Grid:
    """评价人员 with a blank to sign each, then the signature blocks."""
    g = GridBuilder(widths=(1.4, 1.8, 3.4, 1.4), header_rows=1)
    g.row("姓名", "职务/职称", "单位", "签字")
    for person in evaluators:
        g.row(person.name, person.title, person.unit or unit_name, "")
    for lefts, right in SIGNATURES:
        rights = (right,) if isinstance(right, str) else right
        aligns = (Align.LEFT,) * len(lefts) + (Align.RIGHT,) * len(rights)
        g.row(Cell((*lefts, *rights), cols=4, align=Align.LEFT, aligns=aligns))
    return g.build()


# 评分表 (岳阳 评价表; 广州 自评表) ---------------------------------------------------------


def _basis(item: ScoredItem) -> str:
    """Why a rate-scored item lost points, when the writer gave no reason: '预算调整率5.60%'."""
    if item.rate is None or not item.lost or item.rate_label is None:
        return ""
    return item.rate_label + (pct(item.rate) if item.rate.is_finite() else "")


def _score_rows(item: ScoredItem) -> list[Row]:
    """An item's rows: 评分标准 and a shared 分值 merged over all of them."""
    rows: list[Row] = []
    height = len(item.rows)
    for index, row in enumerate(item.rows):
        cells: Row = [left(row.name)]
        if index == 0:
            cells.append(left(tuple(item.standard) or ("",), rows=height))
        if not item.shared_points:
            cells.append(amount(row.points))
        elif index == 0:
            cells.append(Cell(amount(item.points), rows=height))
        reason = row.reason or (_basis(item) if len(item.rows) == 1 else "")
        cells += [amount(row.score), left(reason)]
        rows.append(cells)
    return rows


def score_grid(scores: ScoreFigures) -> Grid:
    """The 评分表: 一级 / 二级 merged over their rows, 评分标准 over the rows it covers, 总分."""
    g = GridBuilder(widths=(0.8, 0.9, 1.6, 3.5, 0.75, 0.75, 1.2), header_rows=1)
    g.row("一级指标", "二级指标", "三级指标", "评分标准", "分值", "自评得分", "扣分原因和其他说明")

    def label(name: str, points: Decimal) -> Cell:
        return Cell((name, f"（{num(points)}分）") if name else "")

    tree_rows(
        g,
        [
            (
                label(group.name, group.points),
                [
                    (label(c.name, c.points), [r for i in c.items for r in _score_rows(i)])
                    for c in group.categories
                ],
            )
            for group in scores.groups
        ],
    )
    g.row(Cell("总分", cols=4), amount(scores.points), amount(scores.score), "")
    return g.build()
