"""`@frozen`: a frozen dataclass whose methods cost one small compile, not six.

Python 3.11 compiles every method a dataclass generates with an `exec` of its own, and a
frozen one gets six. jixiao defines about a hundred frozen dataclasses (figures, forms,
findings, template parts), and compiling their methods was a tenth of a cold render. With
`@frozen`, `dataclasses` only records the fields (it generates nothing), `__init__` is
compiled here in one go, and the other five are the shared functions below, which behave
as the generated ones do: nothing set or deleted (`FrozenInstanceError`), the fields
compared in order as one tuple (those with `compare=False` left out), the hash of that
tuple, `Name(field=value, …)` with the fields whose `repr` is true. A method the class
defines itself is kept, as `dataclass` keeps it. A class needing more than fields with
defaults and default factories (`__post_init__`, `InitVar`, `kw_only`, `init=False`, a
frozen dataclass for a base) is made by `dataclass(frozen=True)` itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T", bound=type)

_COMPARED = "_frozen_compared"
_SHOWN = "_frozen_shown"
_FACTORY = object()  # the default of a field with a default factory: "not given"


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: T) -> T:
    """`cls` as `dataclass(frozen=True)` makes it, with the shared methods of this module."""
    own = set(vars(cls))
    if "__setattr__" in own or "__delattr__" in own:
        raise TypeError(f"@frozen {cls.__qualname__} cannot define __setattr__ or __delattr__")
    if _needs_dataclass(cls):
        made = dataclasses.dataclass(cls, frozen=True, eq=False, repr=False)
    else:
        made = dataclasses.dataclass(cls, init=False, repr=False, eq=False)  # fields only
        if "__init__" not in own:
            made.__init__ = _init(made)  # type: ignore[misc]
        made.__setattr__ = _refuse_set  # type: ignore[method-assign,assignment]
        made.__delattr__ = _refuse_delete  # type: ignore[method-assign,assignment]
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


def _needs_dataclass(cls: type) -> bool:
    """Whether `cls` uses what only `dataclass` itself generates an `__init__` for, or has a
    frozen dataclass for a base (which `dataclass` checks by its own parameters)."""
    if (
        "__post_init__" in vars(cls)
        or any(
            getattr(base, "__dataclass_params__", None) is not None
            and base.__dataclass_params__.frozen  # type: ignore[attr-defined]
            for base in cls.__mro__[1:]
        )
    ):
        return True
    for value in vars(cls).values():
        if isinstance(value, dataclasses.Field) and (not value.init or value.kw_only is True):
            return True
    annotations = vars(cls).get("__annotations__", {})
    return any("InitVar" in str(a) or "KW_ONLY" in str(a) for a in annotations.values())


def _init(cls: type) -> Callable[..., None]:
    """`cls.__init__`: each field from its argument, its default or its default factory, in
    one compile (the source `dataclass` would generate, without the per-method `exec`)."""
    names: dict[str, Any] = {"__frozen_set__": object.__setattr__, "__frozen_factory__": _FACTORY}
    parameters, body = ["__frozen_self__"], []
    for f in dataclasses.fields(cls):
        value = f.name
        if f.default is not dataclasses.MISSING:
            names[f"__frozen_default_{f.name}"] = f.default
            parameters.append(f"{f.name}=__frozen_default_{f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            names[f"__frozen_make_{f.name}"] = f.default_factory
            parameters.append(f"{f.name}=__frozen_factory__")
            value = f"__frozen_make_{f.name}() if {f.name} is __frozen_factory__ else {f.name}"
        else:
            parameters.append(f.name)
        body.append(f"    __frozen_set__(__frozen_self__, {f.name!r}, {value})")
    source = f"def __init__({', '.join(parameters)}):\n" + ("\n".join(body) or "    pass")
    exec(source, names)  # the source is built above from field names only, never content
    made = names["__init__"]
    made.__qualname__ = f"{cls.__qualname__}.__init__"
    made.__module__ = cls.__module__
    return made  # type: ignore[no-any-return]


def _refuse_set(self: Any, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_delete(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


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
