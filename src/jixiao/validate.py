"""Turn loaded YAML into content models, every problem a finding at its file and line."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from jixiao.errors import ContentError, Finding, error
from jixiao.loading import FieldPath, Source, path_text
from jixiao.messages import listing, say

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
    ctx = err.get("ctx") or {}
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
    if kind in ("not_amount", "negative_amount", "not_integer", "not_points"):
        value = ctx.get("value", err.get("input"))
        return error(source.file, line, field, say(kind, value=value), say(f"{kind}_hint"))
    return error(
        source.file, line, field, say("bad_value", detail=err["msg"]), say("bad_value_hint")
    )


def validate(source: Source, model: type[M]) -> M:
    """`source` as a `model`, or ContentError with a finding for every problem."""
    try:
        return model.model_validate(source.data)
    except ValidationError as exc:
        findings = [_finding(source, model, err) for err in exc.errors()]
        raise ContentError(findings) from None
