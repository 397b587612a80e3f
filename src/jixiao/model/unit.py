"""Who the unit is: what rarely changes from year to year (content/<unit>/unit.yaml)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from jixiao.model.common import Model, empty_dict, empty_list

LEVELS = "省市州盟县区旗"
"""Last characters of a region name that name a budget level (湖南省长沙市开福区 → 区级)."""


class Institution(Model):
    """A 二级机构 under the unit."""

    name: str | None = Field(None, title="机构名称")
    type: str = Field(title="机构性质", description="如：参照公务员法管理、全额拨款事业单位")
    rank: str | None = Field(None, title="机构级别", description="如：副科级")


class Contact(Model):
    """The unit's contact person for the report."""

    name: str = Field(title="联系人")
    phone: str | None = Field(None, title="联络电话")

    @field_validator("phone", mode="before")
    @classmethod
    def _digits_as_text(cls, value: object) -> object:
        """A phone number YAML read as a number, kept as the digits written."""
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class KindChoices(Model):
    """A unit's own house choices for one of its report kinds, over the kind's settings."""

    attachment_start: int | None = Field(
        None, title="第一个附件的编号", description="如报告本身不是附件，写 1"
    )
    notes: bool | None = Field(None, title="印出表后说明", description="false：不印附表的说明")
    numbering: dict[int, str] | None = Field(
        None, title="序号样式", description="按层级，可用 {n} {cn} {circled}"
    )
    when_empty: Literal["omit", "none"] | None = Field(
        None, title="无内容的章节", description="omit 省略；none 写“无”（对各章节）"
    )
    none_text: str | None = Field(None, title="无内容时的文字")


class Unit(Model):
    """A budget unit (预算单位): names, offices and 二级机构, and its report kind."""

    full_name: str = Field(title="单位全称", description="如：中共株洲市渌口区委组织部")
    short_name: str = Field(title="单位简称", description="用于文件名和正文，如：渌口区委组织部")
    region: str | None = Field(None, title="所属地区", description="如：湖南省长沙市开福区")
    level: str | None = Field(
        None,
        title="预算级次",
        description="表中“区级预算部门名称”“其中：区级资金”的“区级”；省略时由所属地区末字推断"
        "（…区 → 区级，…县 → 县级），推断不出为“本级”",
    )
    kinds: list[str] = Field(
        ["hunan-overall"], title="报告类型", description="每年生成的报告，templates/ 下的目录名"
    )
    contact: Contact | None = Field(None, title="联系人")

    @field_validator("kinds")
    @classmethod
    def _some_kind(cls, value: list[str]) -> list[str]:
        """At least one report kind: with none there is nothing to check or render."""
        if not value:
            raise PydanticCustomError("no_kinds", "no report kinds", {"value": value})
        return value

    finance_office: str | None = Field(
        None, title="财政处室", description="归口管理本单位的财政部门处（科）室，如：行政政法处"
    )
    offices: list[str] = Field(default_factory=empty_list, title="内设机构（组室）")
    institutions: list[Institution] = Field(default_factory=empty_list, title="二级机构")

    @property
    def budget_level(self) -> str:
        """The unit's budget level as forms name it (区级 …): as written, else the region's."""
        if self.level:
            return self.level
        last = (self.region or "").strip()[-1:]
        return f"{last}级" if last and last in LEVELS else "本级"

    numbering: dict[str, dict[int, str]] | None = Field(
        None,
        title="序号样式",
        description="按报告类型、层级覆盖序号样式，如 {hunan-overall: {3: '{n}、'}}",
    )
    kinds_settings: dict[str, KindChoices] = Field(
        default_factory=empty_dict,
        title="报告类型的本单位设置",
        description="按报告类型改写其设置，"
        "如 {hunan-overall: {attachment_start: 1, when_empty: omit}}",
    )
