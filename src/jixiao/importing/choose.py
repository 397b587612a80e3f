"""Which kind a document is, and which of the kind's sections each level-1 heading is."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from jixiao.frozen import frozen
from jixiao.importing.structure import Node
from jixiao.kinds import Kind

MATCH = 0.5
"""Least title similarity (difflib ratio) at which a heading is taken as a kind's section."""
_PUNCTUATION = re.compile(r"[\s、，,。.:：（）()“”\"]")
_COMMON = re.compile(r"部门|单位|情况")
"""Words nearly every section title has, which say nothing about which section it is."""


def _plain(title: str, loose: bool) -> str:
    """A title without blanks and punctuation (and, `loose`, the words every title has)."""
    plain = _PUNCTUATION.sub("", title)
    return _COMMON.sub("", plain) if loose else plain


def similarity(a: str, b: str, loose: bool = True) -> float:
    """How alike two section titles are, 0 to 1; `loose` ignores the words all titles share."""
    left, right = _plain(a, loose), _plain(b, loose)
    if not left or not right:
        return 1.0 if a.strip() == b.strip() else 0.0
    return difflib.SequenceMatcher(None, left, right, autojunk=False).ratio()


@frozen
class Match:
    """A level-1 heading and the kind's section key it was matched to (None: writer section)."""

    node: Node
    key: str | None
    score: float


def match_sections(kind: Kind, top: list[Node]) -> list[Match]:
    """Each heading's section, in document order and never going back in the kind's order."""
    specs = kind.settings.sections
    matches: list[Match] = []
    last = -1
    for node in top:
        scored = [(similarity(node.title, spec.title), i) for i, spec in enumerate(specs)]
        candidates = [(score, i) for score, i in scored if i > last and score >= MATCH]
        if candidates:
            score, index = max(candidates)
            matches.append(Match(node, specs[index].key, score))
            last = index
        else:
            matches.append(Match(node, None, max((s for s, _ in scored), default=0.0)))
    return matches


def kind_score(kind: Kind, top: list[Node]) -> float:
    """How well a kind's section titles cover the headings and the headings the kind: 0 to 1."""
    specs = kind.settings.sections
    if not top or not specs:
        return 0.0
    found = sum(m.score for m in match_sections(kind, top) if m.key is not None)
    return 2 * found / (len(top) + len(specs))


FORMS_ONLY = 0.2
"""Below this best section score the headings say nothing: the kinds are scored by forms."""


@frozen
class Choice:
    """The kind chosen, its score, the others' scores (best first), and whether the score is
    the share of the kind's form texts found in the tables (the headings matching no kind)."""

    kind: Kind
    score: float
    others: list[tuple[str, float]]
    by_forms: bool = False


def choose_kind(
    kinds: list[Kind], top: list[Node], forms: Callable[[], dict[str, float]] | None = None
) -> Choice:
    """The kind whose sections best match the headings; when no kind's do (a document of
    forms only), the kind whose declared forms' fixed texts the tables hold most of (`forms()`
    gives kind name → that share), a kind of forms only first when two hold as many."""
    scored = sorted(((kind_score(kind, top), kind.name) for kind in kinds), reverse=True)
    shares = forms() if forms is not None and scored[0][0] < FORMS_ONLY else {}
    by_forms = any(shares.values())
    if by_forms:
        plain = {kind.name: not kind.settings.sections for kind in kinds}
        ranked = sorted(
            ((shares.get(k.name, 0.0), plain[k.name], k.name) for k in kinds), reverse=True
        )
        scored = [(score, name) for score, _plain, name in ranked]
    best_score, name = scored[0]
    others = [(other, score) for score, other in scored[1:]]
    return Choice(next(k for k in kinds if k.name == name), best_score, others, by_forms)
