"""Figures lifted from the prose into model fields, and the prose linked back with `{{ … }}`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao.messages import say

_STAFFING = {
    "authorized": re.compile(r"编制(?:数)?(?:为|共)?(\d+)(?:人|名)"),
    "in_service": re.compile(r"在职(?:人员|人数)?(?:为|共)?(\d+)(?:人|名)"),
    "retired_cadres": re.compile(r"离休(?:人员|干部)?(?:为|共)?(\d+)(?:人|名)"),
    "retired": re.compile(r"(?<!离)退休(?:人员|干部)?(?:为|共)?(\d+)(?:人|名)"),
}
"""Where 人员情况 is stated in prose: the number is group 1."""
_JINJA = re.compile(r"\{[{%#]|[}%#]\}")


@dataclass
class Lifted:
    """What the prose gave: staffing figures, figures stated twice differently, links made."""

    staffing: dict[str, int] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    links: int = 0


def escape(text: str) -> str:
    """Writer text that prints `text` literally: any Jinja delimiter in it quoted."""
    return _JINJA.sub(lambda m: "{{ '" + m.group(0) + "' }}", text)


def lift_staffing(texts: list[str], lifted: Lifted) -> None:
    """Read 编制数、在职、离休、退休 from the first paragraphs that state them."""
    for name, pattern in _STAFFING.items():
        values = {int(m[1]) for text in texts for m in pattern.finditer(text)}
        if len(values) > 1:
            shown = "、".join(str(v) for v in sorted(values))
            lifted.conflicts.append(
                say("import_note_conflict", field=f"staffing.{name}", values=shown)
            )
        for text in texts:
            match = pattern.search(text)
            if match:
                lifted.staffing[name] = int(match[1])
                break


def link(text: str, year: int, lifted: Lifted) -> str:
    """`text` (already escaped) with the year, the prior year and lifted staffing as references."""

    def staffing(name: str, pattern: re.Pattern[str]) -> None:
        nonlocal text
        value = lifted.staffing.get(name)
        if value is None:
            return

        def swap(match: re.Match[str]) -> str:
            if int(match[1]) != value:
                return match.group(0)
            lifted.links += 1
            start, end = match.span(1)
            whole = match.group(0)
            offset = match.start()
            return whole[: start - offset] + "{{ staffing." + name + " }}" + whole[end - offset :]

        text = pattern.sub(swap, text)

    if lifted.staffing.keys() >= {"authorized", "in_service"}:
        for name, pattern in _STAFFING.items():
            staffing(name, pattern)
    for value, name in ((year, "year"), (year - 1, "prior_year")):
        text, count = re.subn(rf"(?<![\d.]){value}(?=\s*年)", "{{ " + name + " }}", text)
        lifted.links += count
    return text
