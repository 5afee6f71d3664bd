"""Matches as the CLI and the API ask for them: a firm's open opportunities, an item's firms."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import EXIT_USAGE, ObservatorioError
from nlp.taxonomy import load_taxonomy
from search.backend import SearchBackend
from search.query import SearchQuery

from .matching import Match, Matcher
from .profiles import Firm
from .reasons import Explainer
from .store import FirmStore
from .vectors import KINDS

OPEN_OPPORTUNITIES = SearchQuery(kind=KINDS, open=True, sort="deadline")


class NotFound(ObservatorioError):
    """No such firm (or a private one the caller may not see), or no such open opportunity."""

    exit_code = EXIT_USAGE


@dataclass
class Matching:
    """The profiles one caller may see (`private`: the operator or the admin) and the index."""

    store: FirmStore
    backend: SearchBackend
    private: bool = False

    def for_firm(self, firm_id: str, size: int) -> list[Match]:
        firm = self.store.get(firm_id, private=self.private)
        if firm is None:
            raise NotFound(f"no firm with id {firm_id[:64]!r}")
        documents = list(self.backend.iter_documents(OPEN_OPPORTUNITIES))
        return _matcher([firm]).for_firm(firm.id, documents, size)

    def for_item(self, doc_id: str, size: int) -> list[Match]:
        document = self.backend.get(doc_id)
        if document is None or document.kind.value not in KINDS or not document.is_open():
            raise NotFound(f"no open funding call or tender with id {doc_id[:256]!r}")
        return _matcher(self.store.all(private=self.private)).for_document(document, size)


def _matcher(firms: list[Firm]) -> Matcher:
    return Matcher(firms, Explainer(load_taxonomy()))


def firm_match_json(match: Match) -> dict:
    """An opportunity that fits a firm, as `match --firm` and /api/firms/<id>/matches give it."""
    return {"id": match.document.id, "title": match.document.title, "score": match.score,
            "reasons": match.reasons}


def item_match_json(match: Match) -> dict:
    """A firm that fits an opportunity, as `match --item` and /api/items/<id>/firms give it."""
    return {"id": match.firm.id, "name": match.firm.name, "score": match.score, "reasons": match.reasons}

