"""The cluster's capability map: per topic of the taxonomy, the firms that claim it, the open
funding calls and tenders published about it in the last WEEKS weeks (how many, how much), the
gaps where calls arrive and few firms can answer, and who won the awarded contracts about it.

Amounts are summed per currency, never converted (as everywhere in the observatory). A supplier
is a member when its name, folded and without its legal form, is a firm's; an outside supplier
winning in a topic where the cluster has firms is a lead. Only the profiles given are used, so
a map built from public profiles says nothing about private ones (not even that a supplier is
one of them).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from core.text import fold
from nlp.taxonomy import Topic
from search.backend import SearchBackend
from search.document import Amount, Document
from search.query import SearchQuery

from .profiles import Firm
from .vectors import KINDS

WEEKS = 12
GAP_CALLS = 3  # a gap: at least this many calls in the window …
GAP_FIRMS = 1  # … and at most this many firms claiming the topic
LEGAL_FORM = re.compile(r"\b(s ?a|s ?r ?l|ltda|limitada|sociedad anonima|inc|llc|corp|ltd)\b")


@dataclass
class SupplierWins:
    name: str
    contracts: int = 0
    amounts: dict[str, float] = field(default_factory=dict)  # currency -> total
    member: bool = False  # one of the cluster's firms (among the profiles the map was built from)


@dataclass
class TopicRow:
    slug: str
    firms: list[Firm] = field(default_factory=list)
    calls: int = 0
    amounts: dict[str, float] = field(default_factory=dict)
    suppliers: list[SupplierWins] = field(default_factory=list)  # most contracts first

    @property
    def gap(self) -> bool:
        """Calls arrive and few firms can answer them."""
        return self.calls >= GAP_CALLS and len(self.firms) <= GAP_FIRMS

    @property
    def leads(self) -> list[SupplierWins]:
        """Outside suppliers winning where the cluster has firms."""
        return [s for s in self.suppliers if not s.member] if self.firms else []


@dataclass
class CapabilityMap:
    since: date
    until: date
    rows: list[TopicRow]

    @property
    def gaps(self) -> list[TopicRow]:
        """The gaps, the most calls per firm first."""
        return sorted((r for r in self.rows if r.gap), key=lambda r: (-r.calls, len(r.firms), r.slug))

    @property
    def currencies(self) -> list[str]:
        return sorted({c for r in self.rows for c in r.amounts}
                      | {c for r in self.rows for s in r.suppliers for c in s.amounts})


def capability_map(backend: SearchBackend, firms: list[Firm], topics: list[Topic],
                   today: date) -> CapabilityMap:
    """The map over the WEEKS weeks ending `today`, from `firms` (the profiles the reader may see)."""
    since = today - timedelta(weeks=WEEKS)
    rows = {t.slug: TopicRow(t.slug) for t in topics}
    for firm in firms:
        for slug in firm.topics:
            if slug in rows:
                rows[slug].firms.append(firm)
    window = dict(published_from=since, published_to=today)
    for doc in backend.iter_documents(SearchQuery(kind=KINDS, **window)):
        for slug in doc.topics:
            if slug in rows:
                rows[slug].calls += 1
                _add(rows[slug].amounts, doc.amount)
    members = {_name_key(f.name) for f in firms}
    wins: dict[str, dict[str, SupplierWins]] = defaultdict(dict)
    for doc in backend.iter_documents(SearchQuery(kind=("award",), **window)):
        for name, amount in _wins(doc):
            for slug in doc.topics:
                if slug in rows:
                    entry = wins[slug].setdefault(name, SupplierWins(name, member=_name_key(name) in members))
                    entry.contracts += 1
                    _add(entry.amounts, amount)
    for slug, by_name in wins.items():
        rows[slug].suppliers = sorted(by_name.values(), key=lambda s: (-s.contracts, s.name))
    return CapabilityMap(since, today, list(rows.values()))


def _wins(doc: Document) -> list[tuple[str, Amount | None]]:
    """Each award of a process and supplier, with the award's amount (a joint award's goes whole
    to each of its suppliers); without awards, the process's suppliers and amount."""
    if not doc.awards:
        return [(s.name, doc.amount) for s in doc.suppliers]
    return [(s.name, award.amount) for award in doc.awards for s in award.suppliers]


def _add(totals: dict[str, float], amount: Amount | None) -> None:
    if amount is not None:
        totals[amount.currency] = totals.get(amount.currency, 0.0) + amount.value


def _name_key(name: str) -> str:
    """"Sur Telecom S.A." and "SUR TELECOM, SOCIEDAD ANÓNIMA" are one supplier."""
    words = re.sub(r"[^a-z0-9]+", " ", fold(name)).strip()
    return " ".join(LEGAL_FORM.sub(" ", words).split())

