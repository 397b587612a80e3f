"""评分表: 一级 / 二级 / 三级指标 with 评分标准, 分值, 自评得分 and 扣分原因.

A 三级指标 is scored either by the writer (`score`, with a `reason` when below 分值) or,
when it names a `measure`, from the unit's own figures by the rule the report kind sets
(财政供养人员控制率, 三公经费变动率 …). A 评分标准 may cover several rows (`parts`), with
one 分值 for all of them or one each. Groups may list only the items that lost points
(管理效能 50 分, of which …): a group's score is its 分值 less what its items lost.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from jixiao.messages import say
from jixiao.model.common import Amount, Model, Paragraphs, Points, empty_list


class RateKey(StrEnum):
    """The rates jixiao computes from the figures, which a 三级指标 may be scored by."""

    STAFF_CONTROL = "staff_control"  # 财政供养人员控制率 = 在职人数 ÷ 编制数
    THREE_PUBLIC_CHANGE = "three_public_change"  # 三公经费变动率 = (本年 − 上年) ÷ 上年
    THREE_PUBLIC_CONTROL = "three_public_control"  # 三公经费控制率 = 决算 ÷ 预算
    KEY_SPENDING = "key_spending"  # 重点支出安排率 = 重点项目支出 ÷ 项目支出
    BUDGET_ADJUSTMENT = "budget_adjustment"  # 预算调整率 = |全年预算 − 年初预算| ÷ 年初预算
    BALANCE = "balance"  # 结余 ÷ 上年结转（无结余为 0）
    PROCUREMENT = "procurement"  # 政府采购执行率 = 实际采购 ÷ 采购预算
    OFFICIAL_CARD = "official_card"  # 公务卡刷卡率 = 公务卡结算 ÷ 应结算
    ASSET_USE = "asset_use"  # 固定资产利用率 = 在用 ÷ 合计


class ScorePart(Model):
    """One row under a shared 评分标准: its 三级指标, and its own 分值 unless the 标准 has one."""

    name: str = Field(title="三级指标")
    points: Points | None = Field(None, title="分值", description="各行分值不同时填写")
    score: Amount | None = Field(None, title="自评得分")
    reason: str | None = Field(None, title="扣分原因和其他说明")


class ScoreItem(Model):
    """A 三级指标 with its 评分标准, or a 评分标准 shared by several rows (parts)."""

    name: str | None = Field(None, title="三级指标", description="有 parts 时省略")
    standard: Paragraphs = Field(default_factory=empty_list, title="评分标准")
    points: Points | None = Field(
        None, title="分值", description="有 parts 且各行另有分值时省略；否则必填"
    )
    score: Amount | None = Field(
        None, title="自评得分", description="填写则以此为准；有 measure 时可省略，由程序计算"
    )
    measure: RateKey | None = Field(
        None,
        title="按数据计算",
        description="staff_control、three_public_change、budget_adjustment 等；规则见报告类型设置",
    )
    reason: str | None = Field(None, title="扣分原因和其他说明")
    parts: list[ScorePart] = Field(
        default_factory=empty_list, title="共用此评分标准的各行", description="如经济效益、社会效益"
    )

    @model_validator(mode="after")
    def _one_row_or_parts(self) -> ScoreItem:
        """A named row with its 分值, or parts whose 分值 are all shared or all their own."""
        if self.parts:
            shared = self.points is not None
            ok = self.measure is None and all((p.points is None) == shared for p in self.parts)
        else:
            ok = bool(self.name) and self.points is not None
        if not ok:
            raise PydanticCustomError("score_item_shape", say("score_item_shape"))
        return self


class ScoreCategory(Model):
    """A 二级指标 and its items."""

    name: str = Field(title="二级指标")
    points: Points | None = Field(None, title="分值", description="省略时为下级分值之和")
    items: list[ScoreItem] = Field(default_factory=empty_list, title="三级指标")


class ScoreGroup(Model):
    """A 一级指标 (投入, 过程 …; 管理效能, 履职效能) and its 二级指标."""

    name: str = Field(title="一级指标")
    points: Points | None = Field(
        None, title="分值", description="省略时为下级分值之和；只列扣分项时必填"
    )
    categories: list[ScoreCategory] = Field(default_factory=empty_list, title="二级指标")
    items: list[ScoreItem] = Field(
        default_factory=empty_list, title="三级指标", description="不分二级指标时直接列出"
    )


class ScoreTable(Model):
    """The 评分表 of the unit's overall spending: its groups in order."""

    groups: list[ScoreGroup] = Field(title="一级指标")
