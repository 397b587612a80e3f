"""Value types shared by the content models: amounts, counts, paragraphs."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError


def _amount(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise PydanticCustomError("not_amount", "not an amount", {"value": value})
    if isinstance(value, Decimal | int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
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
    return result


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise PydanticCustomError("not_integer", "not a whole number", {"value": value})
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise PydanticCustomError("not_integer", "not a whole number", {"value": value}) from None
    if number != number.to_integral_value() or number < 0:
        raise PydanticCustomError("not_integer", "not a whole number", {"value": value})
    return int(number)


def _paragraphs(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    return value


Amount = Annotated[Decimal, BeforeValidator(_amount)]
"""An amount in 万元: digits only, never negative, kept exact as Decimal."""

Count = Annotated[int, BeforeValidator(_count)]
"""A head count or other whole number, never negative."""

Paragraphs = Annotated[list[str], BeforeValidator(_paragraphs)]
"""Writer text: one paragraph per line; may contain {{ … }} expressions over the figures."""


class Model(BaseModel):
    """Base of every content model: unknown fields are errors, values are not coerced oddly."""

    model_config = ConfigDict(extra="forbid", frozen=True)
