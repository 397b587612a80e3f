"""Fields still marked 待填 (`TO_FILL`): where they are, and what to tell the writer.

`jixiao new` writes the marker where next year's value belongs; `check` lists these
fields and `render` refuses a file that still has one.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel

from jixiao.errors import Finding, Severity
from jixiao.loading import FieldPath, Source, leaves, path_text
from jixiao.messages import say
from jixiao.model import Year
from jixiao.model.common import is_to_fill, models_in


def to_fill_paths(source: Source) -> list[tuple[FieldPath, int | None]]:
    """Every field of `source` holding the to-fill marker, with its line, in file order."""
    return [(path, source.line_of(path)) for path, v in leaves(source.data) if is_to_fill(v)]


def to_fill_findings(
    source: Source, model: type[BaseModel] = Year, severity: Severity = Severity.ERROR
) -> list[Finding]:
    """A finding for each field of `source` still to fill: file, line, field, what to do."""
    year = source.data.get("year", "") if isinstance(source.data, dict) else ""
    return [
        Finding(
            severity,
            source.file,
            line,
            path_text(path),
            say("to_fill", what=describe(source.data, model, path)),
            say("to_fill_hint", year=year),
        )
        for path, line in to_fill_paths(source)
    ]


def describe(data: Any, model: type[BaseModel], path: FieldPath) -> str:
    """A field as a writer knows it: `人才慰问经费 · 执行数（决算数）`, from names and titles."""
    labels: list[str] = []
    current: type[BaseModel] | None = model
    keyed = False  # the next key names an entry of a dict field (sections: {name: …})
    for part in path:
        data = _child(data, part)
        if isinstance(part, int):
            name = data.get("name") if isinstance(data, dict) else None
            if name:
                labels.append(str(name))
            elif labels:
                labels[-1] += say("to_fill_item", number=part + 1)
            continue
        if keyed or current is None:
            keyed = False
            labels.append(str(part))
            continue
        field = current.model_fields.get(str(part))
        if field is None:
            labels.append(str(part))
            current = None
            continue
        labels.append(field.title or str(part))
        keyed = typing.get_origin(field.annotation) is dict
        current = next(iter(models_in(field.annotation)), None)
    return " · ".join(labels[-2:])


def _child(data: Any, part: str | int) -> Any:
    if isinstance(part, int):
        return data[part] if isinstance(data, list) and part < len(data) else None
    return data.get(part) if isinstance(data, dict) else None
