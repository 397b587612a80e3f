"""Setting strings with `{name}` placeholders: numbering styles, attachment labels, target styles.

A pattern is filled by substituting its allowed names and nothing else — never with
str.format, which would let a setting reach attributes (`{n.__class__}`), index (`{n[0]}`),
convert (`{n!r}`) or pad to any width (`{n:>999999999}`). `{{` and `}}` stand for braces.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterable, Mapping

from jixiao.errors import Finding
from jixiao.loading import FieldPath, Source
from jixiao.messages import say

NUMBERING = ("n", "cn", "circled")
"""Placeholders of a numbering style: 3, 三, ③."""
ATTACHMENT_LABEL = ("n",)
"""Placeholders of an attachment label (附件{n})."""
TARGET_STYLE = ("value",)
"""Placeholders of a target style ({value}或以上)."""

_SHOWN = 40
"""Characters of a pattern quoted in a message."""


class PatternError(ValueError):
    """A pattern that uses something other than its allowed placeholders."""


@functools.lru_cache(maxsize=4096)
def _parts(pattern: str) -> tuple[tuple[str, str | None], ...]:
    """The pattern as (literal text, placeholder or None) pairs; PatternError if malformed.
    Remembered: a form fills the same few patterns in every row."""
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError:
        raise PatternError(say("pattern_braces")) from None
    parts: list[tuple[str, str | None]] = []
    for literal, name, spec, conversion in parsed:
        if name is not None and (spec or conversion):
            written = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise PatternError(say("pattern_placeholder", found="{" + written + "}"))
        parts.append((literal, name))
    return tuple(parts)


def placeholders(pattern: str) -> list[str]:
    """The placeholder names `pattern` uses, in order; PatternError if malformed."""
    return [name for _literal, name in _parts(pattern) if name is not None]


def check(pattern: str, allowed: Iterable[str]) -> None:
    """Raise PatternError if `pattern` uses anything but the `allowed` placeholders."""
    names = set(allowed)
    for _literal, name in _parts(pattern):
        if name is not None and name not in names:
            raise PatternError(say("pattern_placeholder", found="{" + name + "}"))


def fill(pattern: str, values: Mapping[str, str]) -> str:
    """`pattern` with each `{name}` replaced by `values[name]`; PatternError for anything else."""
    check(pattern, values)
    return "".join(
        literal + (values[name] if name is not None else "") for literal, name in _parts(pattern)
    )


_VARIANTS = {"（": "[（(]", "(": "[（(]", "）": "[）)]", ")": "[）)]", ".": "[.．]", "．": "[.．]"}
"""Punctuation a writer may type either way (full or half width) in a typed number."""


def to_regex(pattern: str, values: Mapping[str, str]) -> str:
    """A regular expression matching `pattern` with each `{name}` standing for the regex
    `values[name]`, its parentheses and full stops in either width; PatternError if invalid."""
    check(pattern, values)
    parts = []
    for literal, name in _parts(pattern):
        parts += [_VARIANTS.get(char, re.escape(char)) for char in literal]
        if name is not None:
            parts.append(f"(?:{values[name]})")
    return "".join(parts)


def findings(
    source: Source, path: FieldPath, pattern: object, allowed: Iterable[str]
) -> list[Finding]:
    """An error at the line of `path` in `source` if the pattern there is not a valid one."""
    if not isinstance(pattern, str):
        return []  # validation has said what is wrong with it
    allowed = tuple(allowed)
    try:
        check(pattern, allowed)
    except PatternError as exc:
        shown = pattern if len(pattern) <= _SHOWN else pattern[:_SHOWN] + "…"
        names = say("list_separator").join("{" + name + "}" for name in allowed)
        example = "附件{n}" if allowed == ATTACHMENT_LABEL else "{" + allowed[0] + "}"
        return [
            source.error(
                path,
                say("pattern_invalid", pattern=shown, problem=str(exc)),
                say("pattern_invalid_hint", allowed=names, example=example),
            )
        ]
    return []


def mapping_findings(source: Source, path: FieldPath, allowed: Iterable[str]) -> list[Finding]:
    """Findings for every pattern in the mapping at `path` of `source` (numbering: {1: …})."""
    node: object = source.data
    for part in path:
        node = node.get(part) if isinstance(node, Mapping) else None
    if not isinstance(node, Mapping):
        return []
    allowed = tuple(allowed)
    return [
        f for key, value in node.items() for f in findings(source, (*path, key), value, allowed)
    ]
