"""One year of a unit: facts, figures and narrative (content/<unit>/<year>.yaml)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from jixiao.model.common import (
    Amount,
    Count,
    Model,
    Paragraphs,
    Texts,
    ToFill,
    YearNumber,
    empty_dict,
    empty_list,
)
from jixiao.model.indicators import Evaluation, Target, TargetGroup
from jixiao.model.scores import ScoreTable


class Staffing(Model):
    """人员情况: authorised posts and people on the payroll at year end."""

    authorized: Count = Field(title="编制数")
    in_service: Count = Field(title="在职人数")
    retired_cadres: Count = Field(0, title="离休人数")
    retired: Count = Field(0, title="退休人数")


class Amounts(Model):
    """One line of figures across the year: 上年决算, 年初预算, 全年预算, 执行（决算）, in 万元."""

    prior: Amount | None = Field(None, title="上年决算数")
    initial: Amount | None = Field(None, title="年初预算数")
    budget: Amount | None = Field(None, title="全年预算数", description="含年中调整")
    actual: Amount | None = Field(None, title="执行数（决算数）")
    over_reason: Annotated[str, ToFill()] | None = Field(
        None, title="超预算原因", description="执行数超过全年预算数（执行率超过100%）时写明原因"
    )


class NamedAmounts(Amounts):
    """A named line of figures, such as 办公费 within 公用经费."""

    name: str = Field(title="名称")


class ExpenseLine(Amounts):
    """A part of 基本支出 (人员经费 or 公用经费): amounts, what it covers, notable items."""

    covers: list[str] = Field(default_factory=empty_list, title="主要包括")
    parts: list[NamedAmounts] = Field(
        default_factory=empty_list, title="其中", description="基础数据表列示的明细，如办公费"
    )


class BasicExpenditure(Amounts):
    """基本支出 = 人员经费 + 公用经费; totals are computed when both parts are given."""

    personnel: ExpenseLine | None = Field(None, title="人员经费")
    public: ExpenseLine | None = Field(None, title="公用经费")
    text: Paragraphs = Field(default_factory=empty_list, title="正文")


class Project(Amounts):
    """One project or 专项资金 item of a project group."""

    name: str = Field(title="项目名称")
    purpose: str | None = Field(None, title="主要用途")


class ProjectKind(StrEnum):
    """The kinds of 项目支出 the 基础数据表 lists, one row each."""

    BUSINESS = "业务工作经费"
    OPERATION = "运行维护经费"
    SPECIAL = "专项资金"
    OTHER = "其他事业类发展资金"


class ProjectGroup(Amounts):
    """A group of 项目支出 (业务工作经费, 专项资金 …); its totals are the sum of its projects."""

    name: str = Field(title="类别名称")
    kind: ProjectKind | None = Field(None, title="基础数据表中的类别")
    income: Amount | None = Field(None, title="收入（万元）")
    text: Paragraphs = Field(
        default_factory=empty_list, title="正文", description="可用 group 引用本类数据"
    )
    numbered_list: bool = Field(
        True, title="逐项列出", description="是否在正文后把各项目按序号逐段列出"
    )
    projects: list[Project] = Field(default_factory=empty_list, title="项目")


class ProjectExpenditure(Model):
    """项目支出: an optional introduction and the groups of projects."""

    text: Paragraphs = Field(default_factory=empty_list, title="正文")
    groups: list[ProjectGroup] = Field(default_factory=empty_list, title="项目类别")


class GeneralBudget(Model):
    """一般公共预算支出: 基本支出 and 项目支出."""

    basic: BasicExpenditure = Field(title="基本支出")
    projects: ProjectExpenditure = Field(default_factory=ProjectExpenditure, title="项目支出")


class Income(Model):
    """年初预算 by source of funds (按收入性质分)."""

    general_budget: Amount = Field(Decimal(0), title="一般公共预算")
    government_fund: Amount = Field(Decimal(0), title="政府性基金拨款")
    non_tax: Amount = Field(Decimal(0), title="纳入专户管理的非税收入拨款")
    other: Amount = Field(Decimal(0), title="其他资金")


class ThreePublic(Model):
    """三公经费 by part; 公务用车 = 购置 + 运行维护, the total is computed."""

    vehicle_purchase: Amounts = Field(default_factory=Amounts, title="公务用车购置")
    vehicle_operation: Amounts = Field(default_factory=Amounts, title="公务用车运行维护")
    overseas: Amounts = Field(default_factory=Amounts, title="因公出国（境）费")
    reception: Amounts = Field(default_factory=Amounts, title="公务接待费")


class Buildings(Model):
    """楼堂馆所 completed this year: approved and actual floor area and investment."""

    approved_area: Amount = Field(Decimal(0), title="批复规模（㎡）")
    actual_area: Amount = Field(Decimal(0), title="实际规模（㎡）")
    budget: Amount = Field(Decimal(0), title="预算投资（万元）")
    actual: Amount = Field(Decimal(0), title="实际投资（万元）")


class BasicData(Model):
    """What only the 基础数据表 asks for: 三公经费, 政府采购, 楼堂馆所, 厉行节约."""

    three_public: ThreePublic = Field(default_factory=ThreePublic, title="三公经费")
    procurement: Amounts = Field(default_factory=Amounts, title="政府采购金额")
    buildings: Buildings = Field(default_factory=Buildings, title="楼堂馆所")
    frugality: Paragraphs = Field(default_factory=empty_list, title="厉行节约保障措施")


class InstitutionIncome(Model):
    """An institution's 年度收入 by source (万元); 收入合计 is their sum."""

    carryover: Amount | None = Field(None, title="上年结转")
    general_budget: Amount | None = Field(None, title="公共财政拨款")
    government_fund: Amount | None = Field(None, title="政府基金拨款")
    non_tax: Amount | None = Field(None, title="纳入专户管理的非税收入拨款")
    other: Amount | None = Field(None, title="其他收入")


class InstitutionSpending(Model):
    """An institution's 年度支出 (万元): 基本 = 人员 + 公用; 合计 = 基本 + 项目."""

    personnel: Amount | None = Field(None, title="人员支出")
    public: Amount | None = Field(None, title="公用支出")
    projects: Amount | None = Field(None, title="项目支出")


class FixedAssets(Model):
    """固定资产 at year end (万元); 合计 is their sum, 利用率 = 在用 ÷ 合计."""

    in_use: Amount | None = Field(None, title="在用固定资产")
    leased: Amount | None = Field(None, title="出租固定资产")
    other: Amount | None = Field(None, title="其他（含闲置）")


class InstitutionYear(Model):
    """One institution (局机关 or a 二级机构) in the year: income, spending, 三公经费, 固定资产."""

    name: str = Field(title="机构名称", description="如：局机关，或二级机构的名称")
    income: InstitutionIncome = Field(default_factory=InstitutionIncome, title="年度收入")
    spending: InstitutionSpending = Field(default_factory=InstitutionSpending, title="年度支出")
    three_public: ThreePublic = Field(
        default_factory=ThreePublic,
        title="三公经费",
        description="执行数（actual）列入表格；上年决算（prior）、预算（budget）用于变动率、控制率",
    )
    assets: FixedAssets = Field(default_factory=FixedAssets, title="固定资产")


class OfficialCard(Model):
    """公务卡结算: what had to be paid by card, and what was."""

    eligible: Amount = Field(title="公务卡强制结算范围内支出（万元）")
    paid: Amount = Field(title="其中用公务卡结算（万元）")


class Coverage(Model):
    """项目支出绩效自评的覆盖面: projects and funds evaluated, of all."""

    projects: Count = Field(title="应开展自评的项目数")
    evaluated: Count | None = Field(None, title="已开展自评的项目数", description="省略时为全部")
    amount: Amount = Field(title="自评涉及资金（万元）")
    base: Amount = Field(title="项目支出总额（万元）", description="自评涉及资金占它的比例")


class Profile(Model):
    """部门（单位）基本概况 as a form asks for it: duties, the year's tasks, what was achieved."""

    duties: Paragraphs = Field(default_factory=empty_list, title="职能职责概述")
    tasks: list[str] = Field(
        default_factory=empty_list, title="年度主要工作内容", description="自动编号"
    )
    achievements: list[str] = Field(
        default_factory=empty_list, title="年度总体运行情况及取得的成绩", description="自动编号"
    )


class Evaluator(Model):
    """A member of the evaluation group (评价人员)."""

    name: str = Field(title="姓名")
    title: str = Field(title="职务/职称")
    unit: str | None = Field(None, title="单位", description="省略时为本单位全称")


class ProjectFunds(Model):
    """A project's funds by source: 当年财政拨款, 上年结转资金, 其他资金."""

    current: Amounts = Field(default_factory=Amounts, title="当年财政拨款")
    carryover: Amounts = Field(default_factory=Amounts, title="上年结转资金")
    other: Amounts = Field(default_factory=Amounts, title="其他资金")


class KeyProject(Model):
    """A 重点项目 evaluated on its own (项目支出绩效自评表, 重点项目情况说明)."""

    name: str = Field(title="项目名称")
    type: str | None = Field(None, title="项目类型", description="如：专项工作")
    purpose: str | None = Field(None, title="资金用途、使用方向")
    department: str | None = Field(None, title="主管部门", description="省略时为本单位简称")
    implementer: str | None = Field(None, title="实施单位", description="省略时为本单位简称")
    funds: ProjectFunds = Field(default_factory=ProjectFunds, title="项目资金")
    district: Amounts = Field(default_factory=Amounts, title="其中：区级资金")
    goals: list[str] = Field(default_factory=empty_list, title="预期目标")
    results: Texts = Field(default_factory=empty_list, title="实际完成情况")
    evaluation: Evaluation = Field(default_factory=Evaluation, title="绩效自评")
    overview: Paragraphs = Field(
        default_factory=empty_list, title="项目概况", description="可用 project 引用本项目数据"
    )
    targets: list[Target] = Field(
        default_factory=empty_list,
        title="绩效目标完成情况（逐项指标）",
        description="省略时取绩效自评中的各项指标",
    )
    problems: Paragraphs = Field(default_factory=empty_list, title="主要存在问题")
    measures: Paragraphs = Field(default_factory=empty_list, title="下一步改进措施")


class Section(Model):
    """A titled part of the narrative; sub-sections and list items are numbered one level down."""

    title: str | None = Field(
        None, title="标题", description="顶层章节可省略，使用报告类型的默认标题"
    )
    run_in: bool = Field(
        False, title="标题与正文同段", description="如“（一）基层党建推陈出新。深入推进……”"
    )
    text: Paragraphs = Field(default_factory=empty_list, title="正文")
    numbered: list[str] = Field(
        default_factory=empty_list, title="编号条目", description="每项一段，自动编号"
    )
    numbered_from: Literal["goals", "results"] | None = Field(
        None, title="编号条目取自", description="goals（年度绩效目标）或 results（实际完成情况）"
    )
    include: Literal["key_projects"] | None = Field(
        None,
        title="插入",
        description="key_projects：在正文后逐个写出重点项目（概况、绩效目标完成情况、问题、措施）",
    )
    sections: list[Section] = Field(default_factory=empty_list, title="下级章节")

    @field_validator("numbered", mode="before", json_schema_input_type=str | list[str])
    @classmethod
    def _one_item(cls, value: object) -> object:
        """One item written as plain text is a list of that one item."""
        return [value] if isinstance(value, str) else value


class Closing(Model):
    """The 落款 at the end of a report: the signing unit and the date."""

    unit: str | None = Field(None, title="落款单位", description="省略时用单位全称")
    date: Annotated[dt.date, ToFill()] = Field(
        title="落款日期", description="如 2022-03-15，印作“2022年3月15日”"
    )


def _section_shorthand(value: object) -> object:
    """A section written as plain text means a section with only that text."""
    return {"text": value} if isinstance(value, str) else value


class Year(Model):
    """Everything a unit reports for one year."""

    year: YearNumber = Field(title="年度")
    kinds: list[str] | None = Field(
        None, title="报告类型", description="省略时用 unit.yaml 的 kinds"
    )

    @field_validator("kinds")
    @classmethod
    def _some_kind(cls, value: list[str] | None) -> list[str] | None:
        """`kinds: []` is no kind at all, not a silent fall back to unit.yaml's kinds."""
        if value is not None and not value:
            raise PydanticCustomError("no_kinds", "no report kinds", {"value": value})
        return value

    title: list[str] | None = Field(
        None, title="报告标题", description="每项一行；省略时用报告类型的默认标题"
    )
    opening: Paragraphs = Field(
        default_factory=empty_list,
        title="开头段落",
        description="“一、”之前的引言，如“根据……现将……报告如下：”；可用 {{ … }} 表达式",
    )
    closing: Closing | None = Field(None, title="落款", description="报告末尾的单位名称和日期")
    staffing: Staffing | None = Field(None, title="人员情况")
    budget: GeneralBudget | None = Field(None, title="一般公共预算支出")
    goals: list[str] = Field(default_factory=empty_list, title="年度绩效目标（预期目标）")
    adjusted_goals: Texts = Field(
        default_factory=empty_list,
        title="全年（调整）绩效目标",
        description="年中调整后的绩效目标；未调整的省略",
    )
    results: Texts = Field(default_factory=empty_list, title="实际完成情况")
    income: Income | None = Field(None, title="按收入性质分")
    basic_data: BasicData | None = Field(None, title="基础数据表")
    evaluation: Evaluation | None = Field(None, title="部门整体支出绩效自评")
    key_projects: list[KeyProject] = Field(default_factory=empty_list, title="重点项目")
    sections: dict[str, Section] = Field(default_factory=empty_dict, title="章节正文")
    key_sections: dict[str, Section] = Field(
        default_factory=empty_dict, title="重点项目情况说明的章节正文"
    )
    overall: Amounts | None = Field(
        None,
        title="部门整体收支",
        description="全年预算数、执行数等；有支出明细（budget 或 institutions）时执行数由明细相加",
    )
    institutions: list[InstitutionYear] = Field(
        default_factory=empty_list,
        title="各机构收支（局机关及二级机构）",
        description="汇总行由程序计算",
    )
    profile: Profile | None = Field(None, title="部门（单位）基本概况")
    targets: list[TargetGroup] = Field(
        default_factory=empty_list, title="绩效定量目标及完成情况", description="不计分的指标"
    )
    evaluators: list[Evaluator] = Field(default_factory=empty_list, title="评价人员")
    scores: ScoreTable | None = Field(None, title="评分表")
    official_card: OfficialCard | None = Field(None, title="公务卡结算")
    coverage: Coverage | None = Field(None, title="项目支出绩效自评覆盖面")

    @field_validator(
        "sections", "key_sections", mode="before", json_schema_input_type=dict[str, Section | str]
    )
    @classmethod
    def _shorthand(cls, value: object) -> object:
        """Sections written as plain text are sections with only that text."""
        if isinstance(value, dict):
            return {key: _section_shorthand(item) for key, item in value.items()}
        return value
