"""The direct path for writer text of the common shapes, without Jinja.

Most writer text is plain text with a few `{{ name.field }}`, `{{ name['key'].field }}` or
`{{ name.field | wan }}` (a filter of jixiao's own, perhaps with literal arguments, or
`length`, or `join` with a separator). `plan` reads such a text once a process into its
parts; `render` evaluates them by the sandbox's rules (sandbox.py): a field of a Record, a
key of a Table, an item of a tuple; the filters the sandbox has; only text, numbers, dates
and none written out; the output budget.

It never decides a failure itself. Whatever Jinja would answer with an error or with
something other than plain text — a name not given, a field not declared, `_private`, a
Record written out, a filter that raises, any other syntax — makes `plan` or `render` give
None, and the caller renders the text with Jinja as before, which gives the same text and
the same error; tests/test_direct.py runs both paths over a corpus and compares them.
"""

from __future__ import annotations

import functools
import keyword
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jinja2.filters import FILTERS as JINJA_BUILTIN_FILTERS
from jinja2.nodes import EvalContext

from jixiao.formatting import FILTERS
from jixiao.plain import SCALARS, Record, Table, plain
from jixiao.sandbox import MAX_OUTPUT, _strict_filters, sandbox
from jixiao.sandbox import _join as sandbox_join

_NEWLINE = re.compile(r"(\r\n|\r|\n)")
"""Jinja's newline sequences (its lexer makes each a '\\n' and drops one at the end)."""
_OUTPUT = re.compile(r"{{(.*?)}}", re.S)
_TOKEN = re.compile(
    r"""(?P<space>\s+)|(?P<float>[0-9]+\.[0-9]+(?![\w.]))|(?P<int>(?:0|[1-9][0-9]*)(?![\w.]))"""
    r"""|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?!\w))"""
    r"""|(?P<string>'[^'\\\r\n]*'|"[^"\\\r\n]*")|(?P<op>[.|()\[\],=])"""
)
"""The tokens the direct path reads, each as Jinja's lexer reads it; a name running on into
a non-ASCII letter, a number into a letter, `_` or a dot, or any other character (non-ASCII
outside quotes, a backslash in them) is not one: Jinja reads such text."""
_CONSTANTS = {
    "true": True, "false": False, "none": None, "True": True, "False": False, "None": None,
}  # fmt: skip
"""Jinja's names for constants."""
_SPECIAL = frozenset(
    (*_CONSTANTS, "self", "not", "and", "or", "in", "is", "if", "else", "loop", "caller")
)
"""Names Jinja reads as something other than a name of the context (left to Jinja)."""


@functools.cache
def _eval_context() -> EvalContext:
    """What Jinja gives a filter that asks for it, in a render without autoescape."""
    return EvalContext(sandbox())


def _join(value: Any, d: str = "") -> str:
    """The sandbox's `join`, given the context Jinja gives it (no `attribute`: left to Jinja)."""
    return sandbox_join(_eval_context(), value, d)


_FILTERS: dict[str, Callable[..., Any]] = {
    name: function
    for name, function in _strict_filters().items()
    if name in FILTERS and not hasattr(FILTERS[name], "jinja_pass_arg")
}
_FILTERS["length"] = JINJA_BUILTIN_FILTERS["length"]
_FILTERS["join"] = _join
"""The filters the direct path calls: jixiao's own as the sandbox has them, `length`, and
`join` with at most a separator."""
PLANS_KEPT = 4096
"""Writer texts whose plan is kept; the oldest is dropped first."""


@dataclass(frozen=True, slots=True)
class Expression:
    """One `{{ … }}`: a name, then fields and items, then filters."""

    root: str
    steps: tuple[tuple[bool, Any], ...]  # (is a field, name or key)
    filters: tuple[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]], ...]


Plan = tuple[str | Expression, ...]

_PLANS: dict[str, Plan | None] = {}


def plan(source: str) -> Plan | None:
    """The parts of `source` if the direct path can render it, else None (kept a process)."""
    try:
        return _PLANS[source]
    except KeyError:
        pass
    made = _plan(source)
    if len(_PLANS) >= PLANS_KEPT:
        del _PLANS[next(iter(_PLANS))]
    _PLANS[source] = made
    return made


def _plan(source: str) -> Plan | None:
    lines = _NEWLINE.split(source)[::2]
    if lines[-1] == "":
        del lines[-1]
    text = "\n".join(lines)
    if "{%" in text or "{#" in text:
        return None
    parts: list[str | Expression] = []
    end = 0
    for match in _OUTPUT.finditer(text):
        if match.start() > end:
            parts.append(text[end : match.start()])
        expression = _expression(match.group(1))
        if expression is None:
            return None
        parts.append(expression)
        end = match.end()
    if "{{" in text[end:]:  # an expression not closed: Jinja's syntax error
        return None
    if end < len(text):
        parts.append(text[end:])
    return tuple(parts)


def _tokens(inside: str) -> list[tuple[str, str]] | None:
    tokens, at = [], 0
    while at < len(inside):
        match = _TOKEN.match(inside, at)
        if match is None:
            return None
        kind = match.lastgroup
        assert kind is not None
        if kind != "space":
            tokens.append((kind, match.group()))
        at = match.end()
    return tokens


def _literal(kind: str, text: str) -> tuple[bool, Any]:
    """(whether it is a literal, its value)."""
    if kind == "string":
        return True, text[1:-1]
    if kind == "int":
        return True, int(text)
    if kind == "float":
        return True, float(text)
    if kind == "name" and text in _CONSTANTS:
        return True, _CONSTANTS[text]
    return False, None


def _expression(inside: str) -> Expression | None:
    tokens = _tokens(inside)
    if not tokens or tokens[0][0] != "name" or tokens[0][1] in _SPECIAL:
        return None
    tokens += [("end", "")] * 3  # room to look ahead past the end
    root, at = tokens[0][1], 1
    steps: list[tuple[bool, Any]] = []
    while tokens[at][1] in (".", "["):
        if tokens[at][1] == ".":
            kind, name = tokens[at + 1]
            if kind != "name" or name.startswith("_"):
                return None
            steps.append((True, name))
            at += 2
        else:
            is_literal, key = _literal(*tokens[at + 1])
            if not is_literal or tokens[at + 2][1] != "]" or isinstance(key, float):
                return None
            steps.append((False, key))
            at += 3
    filters = []
    while tokens[at][1] == "|":
        kind, name = tokens[at + 1]
        if kind != "name" or name not in _FILTERS:
            return None
        at += 2
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        if tokens[at][1] == "(":
            at += 1
            while tokens[at][1] != ")":
                if tokens[at][0] == "name" and tokens[at + 1][1] == "=":
                    word = tokens[at][1]
                    is_literal, value = _literal(*tokens[at + 2])
                    if not is_literal or word in kwargs or not _keyword_ok(word):
                        return None
                    kwargs[word] = value
                    at += 3
                else:
                    is_literal, value = _literal(*tokens[at])
                    if not is_literal or kwargs:
                        return None
                    args.append(value)
                    at += 1
                if tokens[at][1] == ",":
                    at += 1
                elif tokens[at][1] != ")":
                    return None
            at += 1
        if name == "join" and (kwargs or len(args) > 1):
            return None  # `attribute` reads through the environment: left to Jinja
        filters.append((_FILTERS[name], tuple(args), kwargs))
    if tokens[at][0] != "end":
        return None
    return Expression(root, tuple(steps), tuple(filters))


def _keyword_ok(name: str) -> bool:
    """A keyword argument Jinja's generated Python accepts as it is."""
    return not name.startswith("_") and not keyword.iskeyword(name)


def render(parts: Plan, names: Mapping[str, Any]) -> str | None:
    """The text of `parts` over `names`, or None where Jinja is to answer (see the docstring)."""
    out: list[str] = []
    spent = 0
    try:
        for part in parts:
            if part.__class__ is str:
                out.append(part)  # type: ignore[arg-type]
                continue
            assert isinstance(part, Expression)
            if part.root not in names:
                return None
            value = names[part.root]
            for is_field, key in part.steps:
                value = _field(value, key) if is_field else _item(value, key)
                if value is _NONE:
                    return None
            for function, args, kwargs in part.filters:
                value = function(value, *args, **kwargs)
            if not isinstance(value, SCALARS):
                return None
            if isinstance(value, str):
                spent += len(value)
                if spent > MAX_OUTPUT:
                    return None
            out.append(str(value))
    except Exception:  # Jinja raises it again, as the finding the writer is to see
        return None
    return "".join(out)


_NONE = object()
"""What a field or an item is where the sandbox would give an undefined value."""


def _field(value: Any, name: str) -> Any:
    """Sandbox.getattr where it finds something."""
    if isinstance(value, Record) and name in value.fields():
        return getattr(value, name)
    if isinstance(value, Table) and name in value:
        return value[name]
    return _NONE


def _item(value: Any, key: Any) -> Any:
    """Sandbox.getitem where it finds something."""
    try:
        if isinstance(value, Record):
            return value.item(key)
        if isinstance(value, Table):
            return value[key]
        if isinstance(value, tuple | list | str) and isinstance(key, int):
            return plain(value[key])
    except (KeyError, IndexError, TypeError):
        pass
    return _NONE
