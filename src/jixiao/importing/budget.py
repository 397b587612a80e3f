"""The 一般公共预算支出 section a kind lays out from `budget`: the imported sub-sections it prints.

The layout prints its own headings 基本支出情况 and 项目支出情况, then `budget.basic.text` and
`budget.projects.text` under them. When the document's section begins with those two
sub-sections, their paragraphs move into those fields and the sub-sections leave the prose;
otherwise the kind would print them twice, and budget is not lifted at all.
"""

from __future__ import annotations

from jixiao.frozen import frozen
from jixiao.importing.choose import Match, similarity
from jixiao.importing.structure import Node, flattened
from jixiao.kinds import Kind, Layout

HEADINGS = ("基本支出情况", "项目支出情况")
"""The layout's own sub-headings, in its order."""
SAME = 0.9
"""Title similarity at which a sub-section is the layout's own."""


@frozen
class BudgetSection:
    """The section laid out from budget, and its two sub-sections the layout prints."""

    section: Node
    basic: Node
    projects: Node

    def texts(self, part: Node) -> list[str]:
        """A sub-section's paragraphs, its own sub-headings as written."""
        return [line for line in flattened(part)[1:] if line]

    def give_to_layout(self) -> None:
        """Take the two sub-sections out of the prose: the layout prints them from budget."""
        self.section.children.remove(self.basic)
        self.section.children.remove(self.projects)


def budget_section(kind: Kind, matches: list[Match]) -> BudgetSection | None:
    """The document's section the kind lays out from budget, when the layout can print it as is.

    That is: its first two sub-sections are 基本支出情况 and 项目支出情况, plain, without tables."""
    layouts = {spec.key: spec.layout for spec in kind.settings.sections}
    for match in matches:
        if match.key is None or layouts[match.key] is not Layout.GENERAL_BUDGET:
            continue
        first = match.node.children[:2]
        if len(first) < 2 or any(child.run_in or _has_tables(child) for child in first):
            return None
        if all(
            similarity(c.title, h, loose=False) >= SAME
            for c, h in zip(first, HEADINGS, strict=True)
        ):
            return BudgetSection(match.node, first[0], first[1])
        return None
    return None


def _has_tables(node: Node) -> bool:
    return bool(node.tables) or any(_has_tables(child) for child in node.children)
