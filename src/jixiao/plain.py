"""Plain data for the sandbox: what writer text and templates may see of jixiao's objects.

`plain(value)` turns a model, a figures dataclass or a view into a `Record` that shows its
declared data fields and properties and nothing else (no methods, no class, no internals);
lists become tuples of plain values, mappings a `Table`. Numbers, text, dates and None pass
as they are: the sandbox gives them no attributes at all. This is the allow-list of the
sandbox: whatever a Record does not declare cannot be reached from a template.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

SCALARS = (str, int, float, Decimal, bool, dt.date, type(None))
"""Values that pass into the sandbox as they are (it allows no attribute of them)."""


class Record:
    """A read-only view of one object: its declared data fields, each value plain in turn.

    Python code (the formatting filters) reads fields as attributes, as of the object;
    a type that looks items up by name (`scores['管理效能']`) keeps that lookup.
    """

    __slots__ = ("_fields", "_target")

    def __init__(self, target: Any) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_fields", data_fields(type(target)))

    def __getattr__(self, name: str) -> Any:
        if name in self._fields:
            return plain(getattr(self._target, name))
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(name)

    def fields(self) -> frozenset[str]:
        """The names this record shows."""
        return self._fields

    def item(self, key: Any) -> Any:
        """`record[key]`: a field by name, else the object's own lookup by name; KeyError."""
        if isinstance(key, str) and key in self._fields:
            return plain(getattr(self._target, key))
        if keyed(type(self._target)):
            return plain(self._target[key])
        raise KeyError(key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and self._target == other._target

    def __hash__(self) -> int:  # equal records hash alike (`unique`, `in` on sets)
        try:
            return hash(self._target)
        except TypeError:  # a model that is not frozen: by its type, still consistent with ==
            return hash(type(self._target))

    def __str__(self) -> str:
        name = getattr(self._target, "name", None)
        return str(name) if isinstance(name, str) else ""

    def __repr__(self) -> str:
        return f"Record({type(self._target).__name__})"


class Table(Mapping[Any, Any]):
    """A read-only mapping whose values are plain; the sandbox reads it by key only."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[Any, Any]) -> None:
        self._items = items

    def __getitem__(self, key: Any) -> Any:
        return plain(self._items[key])

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


def plain(value: Any) -> Any:
    """`value` as the sandbox may see it (see the module docstring); TypeError for the rest."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (*SCALARS, Record, Table)):
        return value
    if isinstance(value, list | tuple):
        return tuple(plain(item) for item in value)
    if isinstance(value, Mapping):
        return Table(value)
    if isinstance(value, BaseModel) or dataclasses.is_dataclass(value):
        return Record(value)
    raise TypeError(f"{type(value).__name__} is not plain data")


@functools.cache
def data_fields(kind: type) -> frozenset[str]:
    """The public data of a model or dataclass type: its fields and its properties."""
    names: set[str] = set()
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        names.update(kind.model_fields)
    elif dataclasses.is_dataclass(kind):
        names.update(f.name for f in dataclasses.fields(kind))
    for klass in kind.__mro__:
        for name, member in vars(klass).items():
            if isinstance(member, property | functools.cached_property):
                names.add(name)
    return frozenset(n for n in names if not n.startswith("_") and not n.startswith("model_"))


@functools.cache
def keyed(kind: type) -> bool:
    """Whether a dataclass type looks its items up by name (defines its own __getitem__)."""
    return dataclasses.is_dataclass(kind) and any(
        "__getitem__" in vars(klass) for klass in kind.__mro__ if klass is not object
    )
