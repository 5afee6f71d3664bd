"""Statistics of trends at small counts: is a topic's recent volume a real rise or noise, and
which keyphrases emerge. Pure functions over weekly counts; the web layer fetches the counts.

Topics: the documents of the last `recent` weeks against the trailing baseline weeks before them,
by the conditional binomial test (given the total over recent + baseline weeks, under a constant
Poisson rate the recent share is Binomial(total, recent / all weeks)), exact at any count. The
p-values of all topics tested together are adjusted by Benjamini–Hochberg (scipy's
`false_discovery_control`); a topic rises or falls only when its adjusted p-value is below ALPHA.

Terms: Dunning's log-likelihood G² of a keyphrase's count in the recent weeks against the
baseline weeks, relative to all keyphrase occurrences of each period, for phrases seen at least
`min_count` times recently and relatively more often than in the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy.special import xlogy
from scipy.stats import binomtest, false_discovery_control

ALPHA = 0.05
MIN_TERM_COUNT = 3


@dataclass(frozen=True)
class TopicTrend:
    """A topic's recent count, the count its baseline predicts for the same span, and the verdict."""

    slug: str
    count: int
    baseline_mean: float
    trend: str  # rising | steady | falling
    p_value: float  # adjusted for the topics tested together


@dataclass(frozen=True)
class EmergingTerm:
    """A keyphrase: occurrences in the recent weeks, in the baseline weeks, and its G² score."""

    term: str
    count: int
    baseline: int
    score: float


def topic_trends(counts: dict[str, list[int]], recent: int, alpha: float = ALPHA) -> list[TopicTrend]:
    """Test each topic's last `recent` weeks against the weeks before; most significant first."""
    if not counts:
        return []
    weeks = {len(values) for values in counts.values()}
    if len(weeks) != 1 or (span := weeks.pop()) <= recent or recent < 1:
        raise ValueError(f"every series needs the same length, longer than {recent} recent weeks")
    share = recent / span
    tests = []
    for slug, values in counts.items():
        count, total = sum(values[-recent:]), sum(values)
        p_value = binomtest(count, total, share).pvalue if total else 1.0
        tests.append((slug, count, (total - count) * recent / (span - recent), p_value))
    adjusted = false_discovery_control([p for *_, p in tests], method="bh")
    trends = [TopicTrend(slug, count, round(expected, 2), _verdict(count, expected, p, alpha), float(p))
              for (slug, count, expected, _), p in zip(tests, adjusted, strict=True)]
    return sorted(trends, key=lambda t: (t.p_value, t.slug))


def _verdict(count: int, expected: float, p_value: float, alpha: float) -> str:
    if p_value >= alpha or count == expected:
        return "steady"
    return "rising" if count > expected else "falling"


def g_squared(count: int, total: int, baseline: int, baseline_total: int) -> float:
    """Dunning's log-likelihood ratio G² of a 2×2 table: the term against all other terms, in
    the recent period (count of total) against the baseline (baseline of baseline_total)."""
    observed = np.array([[count, total - count], [baseline, baseline_total - baseline]], dtype=float)
    expected = observed.sum(axis=1, keepdims=True) * observed.sum(axis=0, keepdims=True) / observed.sum()
    return float(2 * np.sum(xlogy(observed, observed) - xlogy(observed, expected)))


def emerging_terms(weekly: dict[date, dict[str, int]], recent_from: date,
                   min_count: int = MIN_TERM_COUNT, limit: int = 10) -> list[EmergingTerm]:
    """Keyphrases relatively more frequent from `recent_from` on than before, highest G² first.
    Without baseline weeks nothing can be said to emerge, and the answer is empty."""
    recent: dict[str, int] = {}
    baseline: dict[str, int] = {}
    for week, terms in weekly.items():
        bucket = recent if week >= recent_from else baseline
        for term, n in terms.items():
            bucket[term] = bucket.get(term, 0) + n
    total, baseline_total = sum(recent.values()), sum(baseline.values())
    if not baseline_total:
        return []
    terms = [EmergingTerm(term, n, baseline.get(term, 0),
                          round(g_squared(n, total, baseline.get(term, 0), baseline_total), 2))
             for term, n in recent.items()
             if n >= min_count and n / total > baseline.get(term, 0) / baseline_total]
    return sorted(terms, key=lambda t: (-t.score, t.term))[:limit]
