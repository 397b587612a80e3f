"""Lifted values checked against the content model before the year file is written.

A value read from a cell or a paragraph that its field does not take (an amount of 1E+999,
a negative amount, text in a count) is not written as a figure: the field is left 待填, or
left out where it takes no 待填, and the value read is listed with where it was and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from jixiao.importing.outline import Table
from jixiao.loading import FieldPath, brief, path_text
from jixiao.messages import say
from jixiao.model import Year
from jixiao.model.common import TO_FILL
from jixiao.validate import value_words


@dataclass
class Refused:
    """A value read that its field does not take, and what was written instead."""

    path: FieldPath
    value: Any
    reason: str
    outcome: str = "to_fill"
    """to_fill (the field holds 待填), dropped (left out) or kept (as read: check will say)."""
    where: str = ""

    @property
    def shown(self) -> str:
        return brief(str(self.value), 60)

    def note(self) -> str:
        """The 待核对 note for the year file and the summary."""
        return say(
            f"import_refused_{self.outcome}",
            where=self.where,
            field=path_text(self.path),
            value=self.shown,
            reason=self.reason,
        )


def _leaf_errors(data: Any, model: type[BaseModel]) -> dict[FieldPath, Any]:
    """The model's errors on `data` by the field path they are at (first error of each)."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        found: dict[FieldPath, Any] = {}
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
            found.setdefault(loc, err)
        return found
    return {}


def _holder(data: Any, path: FieldPath) -> tuple[Any, Any] | None:
    """The mapping or list holding the field at `path`, and its key; None if not there."""
    if not path:
        return None
    current = data
    for part in path[:-1]:
        try:
            current = current[part]
        except (KeyError, IndexError, TypeError):
            return None
    key = path[-1]
    if isinstance(current, dict) and key in current:
        return current, key
    if isinstance(current, list) and isinstance(key, int) and 0 <= key < len(current):
        return current, key
    return None


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | Decimal) and not isinstance(value, bool)


def screen(data: Any, model: type[BaseModel] = Year) -> list[Refused]:
    """Take out of `data` (in place) every scalar value its field does not take.

    Each is replaced by 待填; where the field takes no 待填 it is left out of its mapping;
    where it cannot be left out either it is kept as read (as text), for check to report.
    Errors of whole mappings or lists (a model's own rules) are left to the re-check."""
    refused: dict[FieldPath, Refused] = {}
    for path, err in _leaf_errors(data, model).items():
        held = _holder(data, path)
        if held is None or not _scalar(held[0][held[1]]):
            continue
        holder, key = held
        refused[path] = Refused(path, holder[key], value_words(err)[0])
        holder[key] = TO_FILL
    if not refused:
        return []
    still = _leaf_errors(data, model)
    for path, one in refused.items():
        if path not in still:
            continue
        holder, key = _holder(data, path)  # type: ignore[misc]
        if isinstance(holder, dict):
            del holder[key]
            one.outcome = "dropped"
        else:
            holder[key] = str(one.value)
            one.outcome = "kept"
    still = _leaf_errors(data, model)
    for path, one in refused.items():
        if one.outcome == "dropped" and path in still:  # required: kept as read
            holder, key = _holder(data, path[:-1]) or (None, None)
            if holder is not None:
                holder[key][path[-1]] = str(one.value)
            one.outcome = "kept"
    return list(refused.values())


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _same(cell: str, value: Any) -> bool:
    """Whether a cell's text is the value read from it (a figure as read: 1,000 is 1000)."""
    text = _squeeze(cell)
    if text == _squeeze(str(value)):
        return True
    if isinstance(value, Decimal):
        bare = text.removesuffix("%").replace(",", "").replace("，", "")
        try:
            return Decimal(bare) == value
        except ArithmeticError:  # not a number, or one past any context (1E+999999999)
            return False
    return False


def locate(refused: list[Refused], tables: list[Table], texts: list[str]) -> None:
    """Say where in the document each refused value was read: the table and row whose
    cell shows it, else the paragraph."""
    for one in refused:
        one.where = _table_cell(one.value, tables) or _paragraph(one.value, texts)


def _table_cell(value: Any, tables: list[Table]) -> str:
    for number, table in enumerate(tables, 1):
        for row_number, row in enumerate(table.rows, 1):
            for cell in row:
                if cell.strip() and _same(cell, value):
                    label = next((c for c in row if c.strip() and not _same(c, value)), "")
                    return say(
                        "import_refused_cell",
                        table=number,
                        row=row_number,
                        label=brief(_squeeze(label), 30),
                    )
    return ""


def _paragraph(value: Any, texts: list[str]) -> str:
    shown = str(value)
    for text in texts:
        if shown and shown in text:
            return say("import_refused_paragraph", text=brief(text, 30))
    return ""
