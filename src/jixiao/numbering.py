"""Section numbers (结构层次序数) given out in document order: 一、 （一） 1. （1）.

A template writes `{{ num(1) }}基本情况`; each call takes the next number at that level
and restarts every deeper level, so leaving a section out renumbers the rest. The style
of each level is a setting of the report kind (GB/T 9704-2012 by default), a pattern of
the placeholders {n} {cn} {circled} (see `jixiao.patterns`).
"""

from __future__ import annotations

from collections.abc import Mapping

from jixiao import patterns
from jixiao.formatting import circled, cn
from jixiao.sandbox import Guarded

GBT9704 = {1: "{cn}、", 2: "（{cn}）", 3: "{n}.", 4: "（{n}）"}
"""GB/T 9704-2012 §7.3.3: 一、 → （一） → 1. → （1）."""


class Numberer(Guarded):
    """Hands out section numbers in order, one counter per level."""

    def __init__(self, styles: Mapping[int, str] | None = None) -> None:
        self.styles = {**GBT9704, **(styles or {})}
        self.counts: dict[int, int] = {}

    def __call__(self, level: int) -> str:
        """The next number at `level`, formatted, e.g. num(2) → '（三）'."""
        if level not in self.styles:
            raise ValueError(f"no numbering style for level {level}")
        value = self.counts.get(level, 0) + 1
        self.counts = {lv: n for lv, n in self.counts.items() if lv < level}
        self.counts[level] = value
        values = {"n": str(value), "cn": cn(value), "circled": circled(value)}
        return patterns.fill(self.styles[level], values)
