"""Hand-typed scores against the kind's rule: a score the rule does not give needs a reason.

A typed `score` that differs from the rule's (scoring.py) at the precision shown, or a full
score on an indicator whose 实际值 falls short of its target, is an error unless the
indicator says why (its 偏差原因 `reason` or its `score_reason`).
"""

from __future__ import annotations

from jixiao.compute import EvaluationFigures
from jixiao.errors import Finding
from jixiao.formatting import num, round_half_up
from jixiao.loading import FieldPath, Source
from jixiao.messages import say
from jixiao.model.indicators import Rule
from jixiao.scoring import Scored, ScoringRules


def _reasoned(scored: Scored) -> bool:
    """Whether the indicator gives a written reason for its score."""
    indicator = scored.indicator
    return bool((indicator.reason or "").strip() or (indicator.score_reason or "").strip())


def typed_score_finding(
    scored: Scored, path: FieldPath, source: Source, rules: ScoringRules
) -> Finding | None:
    """The error for one typed score the rule does not give and no reason explains, or None."""
    indicator = scored.indicator
    if not scored.overridden or scored.by_rule is None or scored.rule is Rule.QUALITATIVE:
        return None
    typed = round_half_up(scored.score, rules.places) if scored.score is not None else None
    if typed is None or typed == scored.by_rule or _reasoned(scored):
        return None
    names = {
        "name": indicator.name,
        "score": num(typed),
        "rule_score": num(scored.by_rule),
        "points": num(indicator.points),
        "target": indicator.target.text,
        "actual": indicator.actual.text if indicator.actual else "",
    }
    if typed == indicator.points and scored.by_rule < indicator.points:
        code = "full_score_missed"
    elif rules.typed_scores == "free":
        return None
    else:
        code = "score_differs_from_rule"
    return source.error((*path, "score"), say(code, **names), say(f"{code}_hint", **names))


def typed_score_findings(
    evaluation: EvaluationFigures, path: FieldPath, source: Source, rules: ScoringRules
) -> list[Finding]:
    """Every typed score of a self-evaluation that its rule does not give, without a reason."""
    findings = []
    for g, group in enumerate(evaluation.groups):
        for c, category in enumerate(group.categories):
            for i, scored in enumerate(category.rows):
                where = (*path, "indicators", g, "categories", c, "indicators", i)
                finding = typed_score_finding(scored, where, source, rules)
                if finding is not None:
                    findings.append(finding)
    return findings
