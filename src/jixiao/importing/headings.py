"""Which paragraphs are headings and at what level: typed numbers, Word's list numbering, styles.

A typed number (一、 （一） 1. 1、 （1） ①) is read as a numbering pattern of the placeholders
in `jixiao.patterns.NUMBERING`; its level is the level at which the kind's numbering styles
use a pattern of the same shape (same placeholder, bracketed or not), else GB/T 9704's order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from jixiao import patterns
from jixiao.frozen import frozen
from jixiao.numbering import GBT9704

_CN = "一二三四五六七八九十百"
_MARK = re.compile(
    rf"^\s*(?:(?P<open>[（(])\s*(?P<inner>[{_CN}]+|\d{{1,2}})\s*[）)]"
    rf"|(?P<cn>[{_CN}]+)(?P<cnsep>[、．.])"
    r"|(?P<n>\d{1,2})(?P<nsep>[、．.])(?!\d)"
    r"|(?P<circled>[①-⑳]))\s*"
)
SHAPE_RANK = {("cn", False): 1, ("cn", True): 2, ("n", False): 3, ("n", True): 4}
"""GB/T 9704 order of a number's shape (placeholder, bracketed) when the kind does not say."""
_TITLE_MAX = 40
"""Longest text taken as a heading's own title, in characters."""
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


@frozen
class Heading:
    """A paragraph read as a heading: level, the pattern its number was written in, its text."""

    level: int
    pattern: str | None
    text: str


def shape(pattern: str) -> tuple[str, bool] | None:
    """The shape of a numbering pattern: its placeholder and whether it is bracketed."""
    names = patterns.placeholders(pattern)
    if not names:
        return None
    if names[0] == "circled":
        return ("circled", False)
    return (names[0], "（" in pattern or "(" in pattern)


class Levels:
    """Levels of number shapes, taken from a kind's numbering styles (GB/T 9704 otherwise)."""

    def __init__(self, styles: Mapping[int, str] | None = None) -> None:
        merged = {**GBT9704, **(styles or {})}
        self.styles = merged
        self.by_shape: dict[tuple[str, bool], int] = dict(SHAPE_RANK)
        for level, pattern in sorted(merged.items(), reverse=True):
            found = shape(pattern)
            if found is not None:
                self.by_shape[found] = level
        self.by_shape.setdefault(("circled", False), max(merged) + 1)

    def typed(self, text: str) -> Heading | None:
        """The heading `text` is when it starts with a typed number, else None."""
        match = _MARK.match(text)
        if match is None or match.end() >= len(text.rstrip()):
            return None
        if match["open"]:
            inner = match["inner"]
            key = ("n", True) if inner.isdigit() else ("cn", True)
            marker = match.group(0).strip()
            pattern = marker.replace(inner, "{" + key[0] + "}", 1)
        elif match["cn"]:
            key, pattern = ("cn", False), "{cn}" + match["cnsep"]
        elif match["n"]:
            key, pattern = ("n", False), "{n}" + match["nsep"]
        else:
            key, pattern = ("circled", False), "{circled}"
        return Heading(self.by_shape[key], pattern, text[match.end() :].strip())


def styled_level(style: str) -> int | None:
    """The level of a Word heading style (Heading 2, 标题 2), or None."""
    match = _HEADING_STYLE.match(style.strip())
    return int(match[1]) if match else None


def looks_like_title(text: str) -> bool:
    """Whether `text` is short enough and unpunctuated enough to be a heading of its own."""
    stripped = text.strip()
    return 0 < len(stripped) <= _TITLE_MAX and stripped[-1] not in "。；;，,："


def split_run_in(text: str) -> tuple[str, str] | None:
    """A run-in heading's title and its text ("干部工作。坚持…"), or None when it is not one."""
    cut = text.find("。")
    if 0 < cut <= _TITLE_MAX and text[cut + 1 :].strip():
        title = text[:cut]
        if "，" not in title and "：" not in title:
            return title, text[cut + 1 :].strip()
    return None
