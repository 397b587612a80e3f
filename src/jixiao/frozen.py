"""`@frozen`: a frozen dataclass whose `__eq__`, `__hash__` and `__repr__` are shared.

Python 3.11 compiles every method a dataclass generates with an `exec` of its own, and a
frozen one gets six. jixiao defines about a hundred frozen dataclasses (figures, forms,
findings, template parts), and compiling their methods was a tenth of a cold render. With
`@frozen` only `__init__` and the frozen `__setattr__`/`__delattr__` are generated; the
other three are the functions below, which behave as the generated ones do: the fields
compared in order as one tuple (those with `compare=False` left out), the hash of that
tuple, `Name(field=value, …)` with the fields whose `repr` is true. A method the class
defines itself is kept, as `dataclass` keeps it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T", bound=type)

_COMPARED = "_frozen_compared"
_SHOWN = "_frozen_shown"


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: T) -> T:
    """`cls` as `dataclass(frozen=True)` makes it, with the shared methods of this module."""
    own = set(vars(cls))
    made = dataclasses.dataclass(cls, frozen=True, eq=False, repr=False)
    fields = dataclasses.fields(made)
    compared = _getter(tuple(f.name for f in fields if f.compare))
    setattr(made, _COMPARED, staticmethod(compared))  # not bound: called with the object
    setattr(made, _SHOWN, tuple(f.name for f in fields if f.repr))
    if "__eq__" not in own:
        made.__eq__ = _eq  # type: ignore[method-assign,assignment]
    if "__hash__" not in own or vars(cls).get("__hash__") is None:
        made.__hash__ = _hash  # type: ignore[method-assign,assignment]
    if "__repr__" not in own:
        made.__repr__ = _repr  # type: ignore[method-assign,assignment]
    return made


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving the values of `names` of an object, always as a tuple."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda _obj: ()


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    compared = getattr(self, _COMPARED)
    return compared(self) == compared(other)


def _hash(self: Any) -> int:
    return hash(getattr(self, _COMPARED)(self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in getattr(self, _SHOWN))
    return f"{type(self).__qualname__}({shown})"
