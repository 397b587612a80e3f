"""One year of a unit: facts, figures and narrative (content/<unit>/<year>.yaml)."""

from __future__ import annotations

from pydantic import Field, field_validator

from jixiao.model.common import Amount, Count, Model, Paragraphs


class Staffing(Model):
    """人员情况: authorised posts and people on the payroll at year end."""

    authorized: Count = Field(title="编制数")
    in_service: Count = Field(title="在职人数")
    retired_cadres: Count = Field(0, title="离休人数")
    retired: Count = Field(0, title="退休人数")


class ExpenseLine(Model):
    """A part of 基本支出 (人员经费 or 公用经费): amounts and what it mainly covers."""

    budget: Amount | None = Field(None, title="预算数（万元）")
    actual: Amount | None = Field(None, title="执行数（万元）")
    covers: list[str] = Field(default_factory=list, title="主要包括")


class BasicExpenditure(Model):
    """基本支出 = 人员经费 + 公用经费; totals are computed when both parts are given."""

    budget: Amount | None = Field(None, title="预算数（万元）")
    actual: Amount | None = Field(
        None, title="执行数（万元）", description="给出人员经费和公用经费时由二者相加得出"
    )
    personnel: ExpenseLine | None = Field(None, title="人员经费")
    public: ExpenseLine | None = Field(None, title="公用经费")
    text: Paragraphs = Field(default_factory=list, title="正文")


class Project(Model):
    """One project or 专项资金 item of a project group."""

    name: str = Field(title="项目名称")
    purpose: str | None = Field(None, title="主要用途")
    budget: Amount | None = Field(None, title="预算数（万元）")
    actual: Amount | None = Field(None, title="执行数（万元）")


class ProjectGroup(Model):
    """A group of 项目支出 (业务工作经费, 专项资金 …); its totals are the sum of its projects."""

    name: str = Field(title="类别名称")
    income: Amount | None = Field(None, title="收入（万元）")
    budget: Amount | None = Field(
        None, title="预算数（万元）", description="项目都有预算数时由其相加"
    )
    actual: Amount | None = Field(
        None, title="执行数（万元）", description="项目都有执行数时由其相加"
    )
    text: Paragraphs = Field(
        default_factory=list, title="正文", description="可用 group 引用本类数据"
    )
    numbered_list: bool = Field(
        True, title="逐项列出", description="是否在正文后把各项目按序号逐段列出"
    )
    projects: list[Project] = Field(default_factory=list, title="项目")


class ProjectExpenditure(Model):
    """项目支出: an optional introduction and the groups of projects."""

    text: Paragraphs = Field(default_factory=list, title="正文")
    groups: list[ProjectGroup] = Field(default_factory=list, title="项目类别")


class GeneralBudget(Model):
    """一般公共预算支出: 基本支出 and 项目支出."""

    basic: BasicExpenditure = Field(title="基本支出")
    projects: ProjectExpenditure = Field(default_factory=ProjectExpenditure, title="项目支出")


class Section(Model):
    """A titled part of the narrative; sub-sections and list items are numbered one level down."""

    title: str | None = Field(
        None, title="标题", description="顶层章节可省略，使用报告类型的默认标题"
    )
    run_in: bool = Field(
        False, title="标题与正文同段", description="如“（一）基层党建推陈出新。深入推进……”"
    )
    text: Paragraphs = Field(default_factory=list, title="正文")
    numbered: list[str] = Field(
        default_factory=list, title="编号条目", description="每项一段，自动编号"
    )
    sections: list[Section] = Field(default_factory=list, title="下级章节")

    @field_validator("numbered", mode="before")
    @classmethod
    def _one_item(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


def _section_shorthand(value: object) -> object:
    """A section written as plain text means a section with only that text."""
    return {"text": value} if isinstance(value, str) else value


class Year(Model):
    """Everything a unit reports for one year."""

    year: int = Field(title="年度")
    kind: str | None = Field(None, title="报告类型", description="省略时用 unit.yaml 的 kind")
    title: list[str] | None = Field(
        None, title="报告标题", description="每项一行；省略时用报告类型的默认标题"
    )
    staffing: Staffing | None = Field(None, title="人员情况")
    budget: GeneralBudget | None = Field(None, title="一般公共预算支出")
    sections: dict[str, Section] = Field(default_factory=dict, title="章节正文")

    @field_validator("sections", mode="before")
    @classmethod
    def _shorthand(cls, value: object) -> object:
        if isinstance(value, dict):
            return {key: _section_shorthand(item) for key, item in value.items()}
        return value
