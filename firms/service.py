"""Matches as the CLI and the API ask for them: a firm's open opportunities, an item's firms."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import EXIT_USAGE, ObservatorioError
from nlp.taxonomy import load_taxonomy
from search.backend import SearchBackend
from search.document import Document

from .matching import Match, Matcher
from .matchstore import MatchStore, Work
from .partners import Team, teams
from .profiles import Firm
from .reasons import Explainer
from .store import FirmStore
from .vectors import KINDS


class NotFound(ObservatorioError):
    """No such firm (or a private one the caller may not see), or no such open opportunity."""

    exit_code = EXIT_USAGE


@dataclass
class Matching:
    """The profiles one caller may see (`private`: the operator or the admin) and the index; the
    matches are read from the precomputed ones (`matches.db` beside `firms.db`), brought up to
    date first when the index or the profiles moved since they were computed."""

    store: FirmStore
    backend: SearchBackend
    private: bool = False
    matches: MatchStore | None = None

    def __post_init__(self):
        if self.matches is None:
            self.matches = MatchStore(self.store.path.parent / MatchStore.filename)

    def refresh(self) -> Work:
        """Score what changed since the last refresh: new opportunities, changed profiles."""
        return self.matches.refresh(self.store.all(private=True), self.backend, _explainer())

    def for_firm(self, firm_id: str, size: int) -> list[Match]:
        firm = self.store.get(firm_id, private=self.private)
        if firm is None:
            raise NotFound(f"no firm with id {firm_id[:64]!r}")
        self._up_to_date()
        found = [(self.backend.get(m.doc_id), m) for m in self.matches.for_firm(firm.id, size)]
        return [Match(firm, doc, m.score, m.reasons) for doc, m in found if doc is not None]

    def for_item(self, doc_id: str, size: int) -> list[Match]:
        document = self._open(doc_id)
        self._up_to_date()
        visible = {firm.id: firm for firm in self.store.all(private=self.private)}
        found = [m for m in self.matches.for_document(document.id) if m.firm_id in visible][:size]
        return [Match(visible[m.firm_id], document, m.score, m.reasons) for m in found]

    def _up_to_date(self) -> None:
        """Refresh when something moved; without profiles there is nothing to score (and reading
        every open opportunity back would cost the first page after each crawl for nothing)."""
        firms = self.store.all(private=True)
        if firms and not self.matches.fresh(firms, self.backend):
            self.refresh()

    def partners(self, doc_id: str) -> list[Team]:
        """Teams of firms that together cover the topics of an open opportunity no firm covers alone."""
        document, firms = self._open(doc_id), self.store.all(private=self.private)
        if not firms:
            return []
        matcher = _matcher(firms)
        [(_, scores)] = list(matcher.scores([document]))
        by_firm = {firm.id: float(score) for firm, score in zip(firms, scores.total[0], strict=True)}
        return teams(document, firms, by_firm, matcher.explainer.labels)

    def _open(self, doc_id: str) -> Document:
        document = self.backend.get(doc_id)
        if document is None or document.kind.value not in KINDS or not document.is_open():
            raise NotFound(f"no open funding call or tender with id {doc_id[:256]!r}")
        return document


def _matcher(firms: list[Firm]) -> Matcher:
    return Matcher(firms, _explainer())


def _explainer() -> Explainer:
    return Explainer(load_taxonomy())


def firm_match_json(match: Match) -> dict:
    """An opportunity that fits a firm, as `match --firm` and /api/firms/<id>/matches give it."""
    return {"id": match.document.id, "title": match.document.title, "score": match.score,
            "reasons": match.reasons}


def team_json(team: Team) -> dict:
    """A team of firms for an opportunity, as `match --item ID --partners` and
    /api/items/<id>/partners give it."""
    return {"firms": [{"id": m.firm.id, "name": m.firm.name, "score": m.score, "topics": list(m.brings)}
                      for m in team.members],
            "covers": list(team.covers), "missing": list(team.missing), "score": team.score,
            "reason": team.reason}


def item_match_json(match: Match) -> dict:
    """A firm that fits an opportunity, as `match --item` and /api/items/<id>/firms give it."""
    return {"id": match.firm.id, "name": match.firm.name, "score": match.score, "reasons": match.reasons}

