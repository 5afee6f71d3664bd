"""Partner suggestions: for an opportunity whose topics no single firm covers, teams of two or
three firms whose profiles cover them together, with the reason in Spanish.

A team is only worth naming when each member brings a topic of the opportunity the others lack
(so no team contains a smaller team covering as much), and teams are ranked by how much of the
opportunity they cover (all of it first), then by their members' mean match score, then by
size (smaller first).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from search.document import Document

from .profiles import Firm
from .reasons import join

TEAMS = 3
SIZES = (2, 3)
CANDIDATES = 24  # firms considered, the best scoring first: bounds the combinations (2,024 triples)


@dataclass(frozen=True)
class Member:
    firm: Firm
    score: float  # the firm's own match score for the opportunity
    brings: tuple[str, ...]  # the opportunity's topics it is credited with, in the document's order


@dataclass(frozen=True)
class Team:
    members: list[Member]
    covers: tuple[str, ...]
    missing: tuple[str, ...]
    score: float  # the members' mean match score
    reason: str


def teams(document: Document, firms: list[Firm], scores: dict[str, float],
          labels: dict[str, str], size: int = TEAMS) -> list[Team]:
    """Up to `size` teams for `document` among `firms` (interested in its kind), none when one
    firm covers every topic of it alone or it has fewer than two topics. `scores`: each firm's
    match score; `labels`: the topics' Spanish labels as they read in a sentence."""
    wanted = tuple(document.topics)
    able = [f for f in firms if document.kind.value in f.interests and set(wanted) & set(f.topics)]
    if len(wanted) < 2 or any(set(wanted) <= set(f.topics) for f in able):
        return []
    able.sort(key=lambda f: (-scores.get(f.id, 0.0), f.id))
    candidates = able[:CANDIDATES]
    found = []
    for n in SIZES:
        for group in combinations(candidates, n):
            covered = [set(wanted) & set(f.topics) for f in group]
            union = set().union(*covered)
            if any(set().union(*(c for k, c in enumerate(covered) if k != i)) >= union for i in range(n)):
                continue  # a member adds nothing: the smaller team covers as much
            found.append(_team(group, covered, wanted, scores, labels))
    found.sort(key=lambda t: (len(t.missing), -t.score, len(t.members), [m.firm.id for m in t.members]))
    return found[:size]


def _team(group: tuple[Firm, ...], covered: list[set[str]], wanted: tuple[str, ...],
          scores: dict[str, float], labels: dict[str, str]) -> Team:
    credited: dict[str, str] = {}  # topic -> the first member (best scoring) that has it
    for firm, topics in zip(group, covered, strict=True):
        for topic in wanted:
            if topic in topics:
                credited.setdefault(topic, firm.id)
    members = [Member(firm, round(scores.get(firm.id, 0.0), 4),
                      tuple(t for t in wanted if credited.get(t) == firm.id)) for firm in group]
    covers = tuple(t for t in wanted if t in credited)
    missing = tuple(t for t in wanted if t not in credited)
    in_order = sorted(members, key=lambda m: wanted.index(m.brings[0]))  # the document's topic order
    parts = [f"{join([labels[t] for t in m.brings])} ({m.firm.name})" for m in in_order]
    reason = f"juntas cubren {join(parts)}"
    if missing:
        reason += f"; falta {join([labels[t] for t in missing])}"
    return Team(members=members, covers=covers, missing=missing,
                score=round(sum(m.score for m in members) / len(members), 4), reason=reason)
