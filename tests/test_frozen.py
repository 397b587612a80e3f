"""`@frozen` behaves as `dataclass(frozen=True)`: each check runs on both and compares."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from jixiao.frozen import frozen


def _pair(cls: type) -> tuple[type, type]:
    """`cls` made by the standard library and by jixiao (two copies of the same body)."""
    body = {k: v for k, v in vars(cls).items() if k not in ("__dict__", "__weakref__")}
    standard = dataclass(frozen=True)(type(cls.__name__, cls.__bases__, dict(body)))
    ours = frozen(type(cls.__name__, cls.__bases__, dict(body)))
    return standard, ours


class Figure:
    __annotations__ = {"name": "str", "value": "Decimal", "note": "str"}
    name: str
    value: Decimal
    note: str = field(default="", compare=False, repr=False)


class One:
    __annotations__ = {"only": "int"}
    only: int


class Empty:
    """No fields at all."""


@pytest.mark.parametrize("kind", [Figure, One, Empty])
def test_equality_hash_and_repr_are_the_standard_ones(kind: type) -> None:
    standard, ours = _pair(kind)
    names = [f.name for f in dataclasses.fields(standard)]
    samples = {
        "name": ["a", "b"],
        "value": [Decimal("1.0"), Decimal("2")],
        "note": ["x", "y"],
        "only": [1, 2],
    }
    made = []
    for i in range(2):
        for j in range(2):
            args = {n: samples[n][(i if k == 0 else j) % 2] for k, n in enumerate(names)}
            made.append(args)
    for left in made:
        for right in made:
            expected = standard(**left) == standard(**right)
            assert (ours(**left) == ours(**right)) is expected
            if expected:
                assert hash(ours(**left)) == hash(ours(**right))
        assert hash(ours(**left)) == hash(standard(**left))
        assert repr(ours(**left)) == repr(standard(**left))


def test_a_note_left_out_of_comparison_does_not_tell_two_apart() -> None:
    _, ours = _pair(Figure)
    a = ours("a", Decimal(1), note="x")
    b = ours("a", Decimal(1), note="y")
    assert a == b
    assert len({a, b}) == 1
    assert "note" not in repr(a)


def test_other_classes_with_the_same_fields_are_not_equal() -> None:
    standard, ours = _pair(One)
    _, other = _pair(One)
    assert ours(1) != other(1)
    assert ours(1) != standard(1)
    assert ours(1) != (1,)


@pytest.mark.parametrize("made", [_pair(One)[0](1), _pair(One)[1](1)], ids=["standard", "ours"])
def test_nothing_can_be_set_or_deleted(made: object) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.only = 2  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.other = 2  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del made.only  # type: ignore[attr-defined]
    assert made.only == 1  # type: ignore[attr-defined]
    assert dataclasses.replace(made, only=3).only == 3  # type: ignore[type-var]


def test_a_method_the_class_defines_is_kept() -> None:
    class Named:
        __annotations__ = {"name": "str"}

        def __repr__(self) -> str:
            return "mine"

        def __eq__(self, other: object) -> bool:
            return True

    made = frozen(Named)
    assert repr(made("a")) == "mine"
    assert made("a") == made("b")
    assert hash(made("a")) != hash(made("b"))  # hashed by its field, as dataclass does


class Listed:
    __annotations__ = {"name": "str", "items": "list[int]", "count": "int"}
    name: str
    items: list[int] = field(default_factory=list)
    count: int = 0


def test_defaults_and_default_factories_are_the_standard_ones() -> None:
    standard, ours = _pair(Listed)
    for args, kwargs in [(("a",), {}), (("a", [1]), {}), (("a",), {"count": 2, "items": [3]})]:
        assert repr(ours(*args, **kwargs)) == repr(standard(*args, **kwargs))
    first, second = ours("a"), ours("b")
    assert first.items == [] and first.items is not second.items  # a new list each time
    with pytest.raises(TypeError):
        ours()  # the field without a default must be given
    with pytest.raises(TypeError):
        ours("a", [], 1, 2)


def test_a_class_with_post_init_is_made_by_dataclass_itself() -> None:
    class Checked:
        __annotations__ = {"value": "int"}

        def __post_init__(self) -> None:
            if self.value < 0:  # type: ignore[attr-defined]
                raise ValueError("negative")

    made = frozen(Checked)
    assert made(1).value == 1  # type: ignore[call-arg,attr-defined]
    with pytest.raises(ValueError):
        made(-1)  # type: ignore[call-arg]
    with pytest.raises(dataclasses.FrozenInstanceError):
        made(1).value = 2  # type: ignore[call-arg,attr-defined]
