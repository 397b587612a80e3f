"""绩效指标: the three-level indicator tree, and targets kept as direction + number + unit.

A 年度指标值 such as `≥50个`, `≤90万元`, `=100%`, `90%` or `运转正常，无负面影响` is parsed
into a `Measure` that keeps the writer's own text (printed back as written) beside the
direction, number and unit that scoring needs.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer, model_validator
from pydantic_core import PydanticCustomError

from jixiao.messages import say
from jixiao.model.common import Amount, Model, Points, ToFill, empty_list


class Direction(StrEnum):
    """How a quantitative target is meant: at least, at most, exactly."""

    AT_LEAST = "≥"
    AT_MOST = "≤"
    EXACTLY = "="


class Rule(StrEnum):
    """How an indicator is scored: 正向 (more is better), 反向 (less is better), 定性."""

    POSITIVE = "正向"
    NEGATIVE = "反向"
    QUALITATIVE = "定性"


class Nature(StrEnum):
    """An indicator's 指标性质 as forms print it: 定量 (a number) or 定性 (a judgement)."""

    QUANTITATIVE = "定量"
    QUALITATIVE = "定性"


class Grade(StrEnum):
    """A qualitative indicator's outcome, each with its band of the points."""

    MET = "达成"
    PARTLY = "部分达成"
    NOT_MET = "未达成"


_DIRECTIONS = {
    "≥": Direction.AT_LEAST,
    ">=": Direction.AT_LEAST,
    "＞": Direction.AT_LEAST,
    ">": Direction.AT_LEAST,
    "≤": Direction.AT_MOST,
    "<=": Direction.AT_MOST,
    "＜": Direction.AT_MOST,
    "<": Direction.AT_MOST,
    "=": Direction.EXACTLY,
    "＝": Direction.EXACTLY,
}
_MEASURE = re.compile(
    r"^\s*(?P<dir>>=|<=|[≥≤=＝><＞＜])?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s]{0,6})\s*$"
)


class Measure(Model):
    """A target or an outcome: the text as written, and its number, unit and direction if any."""

    text: str
    number: Decimal | None = None
    unit: str = ""
    direction: Direction | None = None

    @property
    def quantitative(self) -> bool:
        """Whether it states a number (otherwise it is qualitative text)."""
        return self.number is not None

    def __str__(self) -> str:
        """The text as the writer wrote it."""
        return self.text


def parse_measure(value: Any) -> Any:
    """Parse `≥50个`, `90%`, `30`, or qualitative text into a Measure."""
    if isinstance(value, Measure | dict):
        return value
    if isinstance(value, bool) or value is None:
        raise PydanticCustomError("not_measure", "not a target", {"value": value})
    if isinstance(value, int | Decimal | float):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise PydanticCustomError("not_measure", "not a target", {"value": value})
    if not text:
        raise PydanticCustomError("not_measure", "empty target", {"value": value})
    match = _MEASURE.match(text)
    if match is None:
        return Measure(text=text)
    return Measure(
        text=text,
        number=Decimal(match["num"]),
        unit=match["unit"] or "",
        direction=_DIRECTIONS.get(match["dir"] or ""),
    )


def parse_percent(value: Any) -> Any:
    """A percent as typed, `85`, `85.5` or `85%`, into the Decimal 85 (0 to 100)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise PydanticCustomError("not_percent", "not a percent", {"value": value})
    text = str(value).strip().removesuffix("%").removesuffix("％").strip()
    try:
        number = Decimal(text) if not isinstance(value, float) else Decimal(repr(value))
    except ArithmeticError:
        raise PydanticCustomError("not_percent", "not a percent", {"value": value}) from None
    if not number.is_finite() or not 0 <= number <= 100 or number.as_tuple().exponent < -6:
        raise PydanticCustomError("not_percent", "not a percent", {"value": value})
    return number


Percent = Annotated[
    Decimal, BeforeValidator(parse_percent, json_schema_input_type=str | float), ToFill()
]
"""A percent from 0 to 100, typed `85` or `85%` (None while 待填)."""

FORM_COLUMNS = ("measure_unit", "nature", "adjusted", "coefficient", "core")
"""Indicator fields only some forms print (重庆's 整体自评表): `jixiao init` writes them for
a kind whose form declarations read them, and for no other."""

MeasureField = Annotated[
    Measure,
    BeforeValidator(parse_measure, json_schema_input_type=str | float),  # as the writer types it
    PlainSerializer(lambda m: m.text, return_type=str),
]


class Indicator(Model):
    """A 三级指标: target and outcome, points (分值), and the writer's score or reason if any."""

    name: str = Field(title="三级指标")
    target: MeasureField = Field(title="年度指标值", description="如 ≥50个、≤90万元、90%、运转正常")
    actual: Annotated[MeasureField, ToFill()] | None = Field(None, title="实际完成值")
    points: Points = Field(title="分值")
    score: Amount | None = Field(
        None, title="得分", description="省略时按规则计算；填写则以此为准（低于分值须写偏差原因）"
    )
    rule: Rule | None = Field(
        None, title="评分规则", description="正向/反向/定性；省略时按指标值判断"
    )
    grade: Annotated[Grade, ToFill()] | None = Field(
        None, title="定性等级", description="达成/部分达成/未达成"
    )
    reason: Annotated[str, ToFill()] | None = Field(None, title="偏差原因分析及改进措施")
    formula: str | None = Field(None, title="计算公式")
    score_reason: Annotated[str, ToFill()] | None = Field(
        None,
        title="得分说明",
        description="手填得分与按规则计算的不同，或未达指标值仍给满分时，写明理由（不印出）",
    )
    measure_unit: str | None = Field(
        None, title="计量单位", description="如 %、次、篇；省略时取年度指标值的单位"
    )
    nature: Nature | None = Field(
        None, title="指标性质", description="定量/定性；省略时按年度指标值判断"
    )
    adjusted: Annotated[MeasureField, ToFill()] | None = Field(
        None, title="调整指标值", description="年中调整后的指标值；未调整的省略"
    )
    coefficient: Percent | None = Field(
        None,
        title="得分系数（%）",
        description="如 100 或 85%；填写时指标得分 = 分值 × 得分系数，不再填 score",
    )
    core: bool = Field(False, title="是否核心指标", description="true：核心指标")

    @model_validator(mode="after")
    def _coefficient_or_score(self) -> Indicator:
        """A score is either typed or follows from the 得分系数, not both."""
        if self.coefficient is not None and self.score is not None:
            raise PydanticCustomError("coefficient_and_score", say("coefficient_and_score"))
        return self


class IndicatorCategory(Model):
    """A 二级指标 (数量指标, 质量指标 …) and its 三级 indicators."""

    name: str = Field(title="二级指标")
    indicators: list[Indicator] = Field(title="三级指标")


class IndicatorGroup(Model):
    """A 一级指标 (产出, 效益, 满意度) with the weight the form declares for it, if any."""

    name: str = Field(title="一级指标")
    points: Points | None = Field(None, title="分值", description="如 50；省略时为下级分值之和")
    categories: list[IndicatorCategory] = Field(title="二级指标")


class Evaluation(Model):
    """A self-evaluation form's scored part: 预算执行率 points and the indicators.

    Its goals and results are the year's (or the key project's) `goals` and `results`.
    """

    budget_points: Points = Field(Decimal(10), title="预算执行率分值")
    indicators: list[IndicatorGroup] = Field(default_factory=empty_list, title="绩效指标")


class Target(Model):
    """A 绩效指标 stated as a goal and its outcome, unscored (目标完成情况)."""

    name: str = Field(title="指标")
    target: MeasureField | None = Field(None, title="年度指标值", description="如 ≥95%、100%")
    actual: MeasureField | None = Field(
        None, title="实际完成值", description="或完成情况，如“完成”"
    )
    formula: str | None = Field(None, title="计算公式")
    note: str | None = Field(None, title="说明", description="如：划拨全区221条行政村办公经费")


class TargetCategory(Model):
    """A 二级指标 (数量指标, 社会效益 …) of unscored targets."""

    name: str = Field(title="二级指标")
    targets: list[Target] = Field(title="三级指标")


class TargetGroup(Model):
    """A 一级 goal (产出目标, 效益目标) of unscored targets, with the form's note on it."""

    name: str = Field(title="一级指标")
    note: str | None = Field(None, title="说明", description="如：（预期实现的效益）")
    categories: list[TargetCategory] = Field(title="二级指标")
