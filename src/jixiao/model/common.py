"""Value types shared by the content models: amounts, counts, paragraphs."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from jixiao.frozen import frozen
from jixiao.years import FIRST_YEAR, LAST_YEAR

TO_FILL = "待填"
"""What `jixiao new` writes where next year's value is still to be filled in."""


def is_to_fill(value: object) -> bool:
    """Whether `value` is the to-fill marker."""
    return isinstance(value, str) and value.strip() == TO_FILL


@frozen
class ToFill:
    """Annotated metadata: the field may hold `TO_FILL`, read as None (or as `empty()`)."""

    empty: Callable[[], Any] | None = None

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        def check(value: Any, inner: core_schema.ValidatorFunctionWrapHandler) -> Any:
            if is_to_fill(value):
                return self.empty() if self.empty else None
            if isinstance(value, list):
                value = [item for item in value if not is_to_fill(item)]
            return inner(value)

        return core_schema.no_info_wrap_validator_function(check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"anyOf": [handler(schema), {"const": TO_FILL}]}


MAX_AMOUNT = Decimal(10) ** 12
"""Amounts are below 10¹² (万元); a larger number is a slip, and would make figures explode."""

MAX_DECIMALS = 6
"""The most decimal places an amount may have (after trailing zeros are dropped)."""

COUNT_DIGITS = 9
MAX_COUNT = 10**COUNT_DIGITS
"""Counts (head counts, project numbers) are below this."""


def _bounded(result: Decimal, value: Any) -> Decimal:
    """`result` if it is a sane amount: below MAX_AMOUNT, at most MAX_DECIMALS places.

    Only context-free operations here: `1E+100000000` overflows any Decimal arithmetic."""
    if result and result.adjusted() >= MAX_AMOUNT.adjusted():
        raise PydanticCustomError("amount_too_large", "too large", {"value": value})
    _, digits, exponent = result.as_tuple()
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if isinstance(exponent, int) and result and exponent + zeros < -MAX_DECIMALS:
        raise PydanticCustomError("too_many_decimals", "too many decimals", {"value": value})
    return result


_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[,，]\d{3})+(?:\.\d*)?")
"""A number written with thousands separators: a comma before every three digits."""


def _ungrouped(text: str, value: Any, code: str) -> str:
    """`text` without its thousands separators; a comma anywhere else (3373,37 for 3373.37,
    1,5 for 1.5) is not read as a separator: dropping it would make the number 100 times larger.
    """
    text = text.strip()
    if "," not in text and "，" not in text:
        return text
    if not _GROUPED.fullmatch(text):
        raise PydanticCustomError(code, "misplaced comma", {"value": value})
    return text.replace(",", "").replace("，", "")


def _amount(value: Any) -> Decimal:
    """An amount as typed (number or text, with or without thousands commas), exactly."""
    if isinstance(value, bool):
        raise PydanticCustomError("not_amount", "not an amount", {"value": value})
    if isinstance(value, Decimal | int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        text = _ungrouped(value, value, "amount_comma")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise PydanticCustomError("not_amount", "not an amount", {"value": value}) from None
    else:
        raise PydanticCustomError("not_amount", "not an amount", {"value": value})
    if not result.is_finite():
        raise PydanticCustomError("not_amount", "not an amount", {"value": value})
    if result < 0:
        raise PydanticCustomError("negative_amount", "negative", {"value": value})
    return _bounded(result, value)


def _points(value: Any) -> Decimal:
    """A 分值 as typed: a number as for amounts; 待填 or anything else is not a 分值."""
    try:
        return _amount(value)
    except PydanticCustomError as exc:
        if exc.type == "amount_comma":
            raise
        raise PydanticCustomError("not_points", "not points", {"value": value}) from None


def _count(value: Any) -> int:
    """A whole number as typed (33 or '33'), never negative."""
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise PydanticCustomError("not_integer", "not a whole number", {"value": value})
    text = _ungrouped(str(value), value, "count_comma")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise PydanticCustomError("not_integer", "not a whole number", {"value": value}) from None
    if not number.is_finite() or number < 0:
        raise PydanticCustomError("not_integer", "not a whole number", {"value": value})
    if number and number.adjusted() >= COUNT_DIGITS:
        raise PydanticCustomError("count_too_large", "too large", {"value": value})
    if number.adjusted() < -MAX_DECIMALS or number != number.to_integral_value():
        raise PydanticCustomError("not_integer", "not a whole number", {"value": value})
    return int(number)


def _year(value: Any) -> int:
    """A year as typed (2023 or '2023'): four digits."""
    try:
        number = _count(value)
    except PydanticCustomError:
        number = 0
    if not FIRST_YEAR <= number <= LAST_YEAR:
        raise PydanticCustomError("not_year", "not a year", {"value": value})
    return number


def _paragraphs(value: Any) -> Any:
    """Writer text as paragraphs: one per non-blank line of a text, or the list as given."""
    if value is None:
        return []
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    return value


Amount = Annotated[Decimal, BeforeValidator(_amount), ToFill()]
"""An amount in 万元: digits only, never negative, kept exact as Decimal (None while 待填)."""

Points = Annotated[Decimal, BeforeValidator(_points)]
"""分值 (a weight): like an amount, but carried from year to year, so never 待填."""

YearNumber = Annotated[int, BeforeValidator(_year)]
"""A year, such as 2023."""

Count = Annotated[int, BeforeValidator(_count), ToFill()]
"""A head count or other whole number, never negative (None while 待填)."""

Texts = Annotated[list[str], ToFill(list)]
"""Items of one year's text, such as 实际完成情况; items still 待填 are left out."""

Paragraphs = Annotated[
    list[str], BeforeValidator(_paragraphs, json_schema_input_type=str | list[str] | None)
]
"""Writer text: one paragraph per line; may contain {{ … }} expressions over the figures."""


def empty_list() -> list[Any]:
    """A new empty list: a field's default_factory. A Python function, not `list`: pydantic
    asks each factory's signature whether it takes the validated data, and a builtin's it
    parses from its text signature (~0.15 ms a field when a model's validator is built)."""
    return []


def empty_dict() -> dict[Any, Any]:
    """A new empty dict: a field's default_factory (see `empty_list`)."""
    return {}


class Model(BaseModel):
    """Base of every content model: unknown fields are errors, values are not coerced oddly."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def models_in(annotation: Any) -> list[type[BaseModel]]:
    """The content models a field holds (through Optional, list and dict values), in order.

    An `Annotated` type is a value type written as one scalar (such as a 年度指标值), even
    when it validates into a model, so it holds none.
    """
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, dict):
        args = typing.get_args(annotation)[1:] if origin is dict else typing.get_args(annotation)
        return [m for arg in args for m in models_in(arg)]
    return []
