"""Turn loaded YAML into content models, every problem a finding at its file and line."""

from __future__ import annotations

import difflib
import re
import types
import typing
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from jixiao.errors import ContentError, Finding, error
from jixiao.loading import FieldPath, Source, brief, path_text
from jixiao.messages import listing, say
from jixiao.model.common import MAX_COUNT, MAX_DECIMALS

M = TypeVar("M", bound=BaseModel)


def _inner_types(annotation: Any) -> list[Any]:
    """The model classes an annotation can hold (through Optional, list and dict)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, dict, typing.Annotated):
        args = typing.get_args(annotation)
        if origin is dict:
            args = args[1:]
        if origin is typing.Annotated:
            args = args[:1]
        return [t for arg in args for t in _inner_types(arg)]
    return [annotation]


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that validates the mapping at `loc`, if there is one."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        field = current.model_fields.get(str(part))
        if field is None:
            # a dict value (sections: {name: Section}) keeps the current candidate
            continue
        candidates = [
            t
            for t in _inner_types(field.annotation)
            if isinstance(t, type) and issubclass(t, BaseModel)
        ]
        current = candidates[0] if candidates else None
    return current


def _finding(source: Source, model: type[BaseModel], err: Any) -> Finding:
    loc: FieldPath = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
    field = path_text(loc)
    line = source.line_of(loc)
    kind = err["type"]
    name = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        known = list(parent.model_fields) if parent else []
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
        hint = (
            say("field_unknown_hint", close=close[0]) if close else say("field_unknown_hint_none")
        )
        if known and not close:
            hint += " " + listing(known)
        return error(source.file, line, field, say("field_unknown", name=name), hint)
    if kind == "missing":
        return error(
            source.file, line, field, say("field_missing", name=name), say("field_missing_hint")
        )
    message, hint = value_words(err)
    return error(source.file, line, field, message, hint)


def value_words(err: Any) -> tuple[str, str]:
    """A pydantic error of one value as a message and hint in the writer's language."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind in _OURS:
        if ctx.get("value", err.get("input")) is None:  # `actual:` with nothing after it
            return say("value_empty"), say(f"{kind}_hint", **_LIMITS)
        value = brief(ctx.get("value", err.get("input")))
        return say(kind, value=value, **_LIMITS), say(f"{kind}_hint")
    if kind in _SAID:
        return say("bad_value", detail=err["msg"]), say("bad_value_hint")
    return _pydantic_words(kind, err.get("input"), ctx)


_OURS = (
    *("not_amount", "negative_amount", "not_integer", "not_points", "not_measure", "not_percent"),
    *("amount_too_large", "too_many_decimals", "count_too_large", "not_year"),
    *("amount_comma", "count_comma", "no_kinds"),
)
"""The error types jixiao's own validators raise: each a message code with a `_hint`."""

_SAID = ("score_item_shape", "coefficient_and_score", "form_reads_unknown")
"""Error types whose message a model validator wrote itself, in the user's language."""

_LIMITS = {"limit": "10¹²", "places": MAX_DECIMALS, "count": f"{MAX_COUNT:,}"}

_TYPES: dict[str, str] = {
    **dict.fromkeys(("int_type", "int_parsing", "int_from_float", "int_parsing_size"), "int"),
    **dict.fromkeys(
        ("float_type", "float_parsing", "decimal_type", "decimal_parsing", "finite_number"),
        "number",
    ),
    **dict.fromkeys(("decimal_max_digits", "decimal_max_places"), "number"),
    "string_type": "text",
    **dict.fromkeys(("list_type", "tuple_type", "set_type"), "list"),
    **dict.fromkeys(("dict_type", "model_type", "model_attributes_type"), "mapping"),
    **dict.fromkeys(("bool_type", "bool_parsing"), "bool"),
    **dict.fromkeys(("enum", "literal_error"), "choice"),
    **dict.fromkeys(
        ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"),
        "date",
    ),
}
"""pydantic's error types, by what the field wanted: each has a Chinese message."""


def _written(value: Any) -> str:
    """What kind of value the writer wrote, in words: 数字, 文字, 列表 …"""
    if value is None:
        kind = "empty"
    elif isinstance(value, bool):
        kind = "bool"
    elif isinstance(value, int | float | Decimal):
        kind = "number"
    elif isinstance(value, str):
        kind = "text"
    elif isinstance(value, list):
        kind = "list"
    elif isinstance(value, dict):
        kind = "mapping"
    else:
        kind = "other"
    return say(f"written_{kind}")


def _pydantic_words(kind: str, value: Any, ctx: dict[str, Any]) -> tuple[str, str]:
    """pydantic's error `kind` for `value` as a message and hint in the writer's language."""
    wanted = _TYPES.get(kind)
    shown = brief(value) if isinstance(value, str | int | Decimal) else _written(value)
    if wanted == "int":
        return say("not_integer", value=shown), say("not_integer_hint")
    if wanted == "date":
        shown = brief(str(value)) if value is not None else _written(value)
        return say("not_date", value=shown), say("not_date_hint")
    if wanted == "choice":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return say("not_choice", value=shown), say("not_choice_hint", choices=listing(choices))
    if wanted == "mapping" and isinstance(value, str):
        colon = re.match(r"\s*([A-Za-z_][\w.-]*)\s*：", value)
        if colon:
            key = colon.group(1)
            return say("yaml_fullwidth_colon", key=key), say("yaml_fullwidth_colon_hint", key=key)
    bound = next((ctx[k] for k in ("le", "lt", "ge", "gt") if k in ctx), None)
    if kind in ("less_than_equal", "less_than", "greater_than_equal", "greater_than"):
        return say(f"out_of_range_{kind}", value=shown, bound=bound), say("out_of_range_hint")
    if wanted is not None and value is None:  # `full_name:` with nothing after it
        hint = "value_empty_text_hint" if wanted == "text" else f"want_{wanted}_hint"
        return say("value_empty"), say(hint)
    if wanted is not None:
        return say(f"want_{wanted}", written=_written(value), value=shown), say(
            f"want_{wanted}_hint"
        )
    return say("bad_value_other", value=shown), say("bad_value_hint")


def validate(source: Source, model: type[M]) -> M:
    """`source` as a `model`, or ContentError with a finding for every problem."""
    try:
        return model.model_validate(source.data)
    except ValidationError as exc:
        findings = [_finding(source, model, err) for err in exc.errors()]
        raise ContentError(findings) from None
