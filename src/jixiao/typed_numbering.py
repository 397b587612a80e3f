"""Section numbers typed by hand at the start of a title, a list item or a paragraph.

Numbers are generated (numbering.py); one typed in front prints beside the generated one
("四、4、 下一步改进措施"). The patterns are the numbering styles themselves — GB/T 9704,
the styles writers commonly type, and the unit's kinds' own — read as regular expressions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from jixiao import patterns
from jixiao.errors import Finding, error
from jixiao.kinds import Kind
from jixiao.loading import path_text
from jixiao.messages import say
from jixiao.model import Unit
from jixiao.narrative import Text
from jixiao.numbering import GBT9704

TYPED_STYLES = ("{n}、", "{n}．", "{n}）", "({n})", "{circled}", "{cn}．")
"""Styles writers type besides the kinds' own (1、 as in 广东, 1） ①)."""

_PLACEHOLDERS = {"n": r"\d{1,2}", "cn": "[一二三四五六七八九十]{1,3}", "circled": "[①-⑳]"}
"""What each numbering placeholder stands for in typed text."""

_FIGURE_AFTER = "万元%％亿千百个人家项次期名分倍年月日天岁台辆户件所条篇场"
"""What follows a number that is a figure, not a section number (3.5万元, 2.5%)."""

_NOT_A_FIGURE = rf"(?![\d.．{_FIGURE_AFTER}])"
"""After a number ending in a digit: not a figure's decimals or unit."""

_MULTILEVEL = rf"\d{{1,2}}(?:[.．]\d{{1,2}})+(?:[.．、](?!\d)|{_NOT_A_FIGURE})"
"""Numbers of several levels: 4.4. or 2.1.3"""


_ITEMS = {"numbered", "goals", "results", "tasks", "achievements", "projects"}
"""Fields whose entries are numbered list items."""

_NOT_NUMBERED = {"scores", "standard"}
"""Fields printed as written, whose own ①② are the writer's (评分标准)."""


def styles(kinds: Iterable[Kind], unit: Unit) -> list[str]:
    """Every numbering style a typed number may be in: defaults, typed variants, the kinds'."""
    found = [*GBT9704.values(), *TYPED_STYLES]
    for kind in kinds:
        found += kind.settings.numbering.values()
        found += (unit.numbering or {}).get(kind.name, {}).values()
        choices = unit.kinds_settings.get(kind.name)
        found += (choices.numbering or {}).values() if choices else []
    return list(dict.fromkeys(s for s in found if _valid(s)))


def _valid(style: str) -> bool:
    """Whether `style` is a numbering pattern with a number in it (bad ones are reported
    where they are written)."""
    try:
        patterns.check(style, patterns.NUMBERING)
    except patterns.PatternError:
        return False
    return bool(patterns.placeholders(style))


def numbering_regex(styles: Iterable[str]) -> re.Pattern[str]:
    """A regex matching a typed number at the start of a text in any of `styles`."""
    options = [_guarded(s) for s in styles] + [_MULTILEVEL]
    options.sort(key=len, reverse=True)
    return re.compile(rf"^[ \t\u3000]*(?P<number>{'|'.join(options)})[ \t\u3000]*(?=\S)")


def _guarded(style: str) -> str:
    """The style as a regex that does not take a figure for a number: “3.” not in “3.5”."""
    regex = patterns.to_regex(style, _PLACEHOLDERS)
    if style.endswith((".", "．")):
        return regex + r"(?!\d)"
    if style.endswith("}"):
        return regex + _NOT_A_FIGURE
    return regex


def _where(text: Text) -> str:
    """What kind of text it is, for the message: a title, a list item or a paragraph."""
    names = {part for part in text.path if isinstance(part, str)}
    if text.path and text.path[-1] == "title":
        return say("typed_numbering_title")
    if names & _ITEMS:
        return say("typed_numbering_item")
    return say("typed_numbering_paragraph")


def typed_numbering(texts: Iterable[Text], kinds: Iterable[Kind], unit: Unit) -> list[Finding]:
    """An error for each writer text that starts with a typed section number."""
    regex = numbering_regex(styles(kinds, unit))
    findings = []
    for text in texts:
        if _NOT_NUMBERED & {p for p in text.path if isinstance(p, str)}:
            continue
        match = regex.match(text.raw)
        if match is None:
            continue
        found = match.group("number")
        findings.append(
            error(
                text.file,
                text.line,
                path_text(text.path),
                say("typed_numbering", found=found, where=_where(text)),
                say("typed_numbering_hint", found=found),
            )
        )
    return findings
