"""Precomputed matches (firms/matchstore.py): a refresh after a crawl scores only the new or
changed opportunities, one after a profile change scores that profile against every open
opportunity, and what is read equals what scoring from scratch gives."""

import io
from datetime import timedelta

import pytest

import nlp
from core import clock
from firms.matching import Matcher
from firms.matchstore import Work
from firms.reasons import Explainer
from firms.service import Matching
from firms.store import FirmStore
from firms.suggest import with_suggested_topics
from nlp.taxonomy import load_taxonomy
from search.backend import get_backend
from tests.firms import cluster
from web.commands import refresh_matches

FIRMS, OPPORTUNITIES = len(cluster.FIRMS), len(cluster.OPPORTUNITIES)


@pytest.fixture
def seeded(data_dir):
    documents = cluster.documents(nlp.enrich(cluster.opportunity_records()))
    backend = get_backend("sqlite", path=data_dir / "observatorio.db")
    backend.upsert(documents)
    firms = with_suggested_topics(cluster.firms())
    FirmStore().save(firms)
    yield backend, documents, firms
    backend.close()


def fresh_matcher(firms):
    """Scoring from scratch, firms in the store's order (by id): ties rank alike."""
    return Matcher(sorted(firms, key=lambda f: f.id), Explainer(load_taxonomy()))


def test_after_a_crawl_only_the_new_opportunities_are_scored(seeded):
    backend, documents, firms = seeded
    matching = Matching(FirmStore(), backend, private=True)
    assert matching.refresh() == Work(opportunities=OPPORTUNITIES, firms=FIRMS, pairs=FIRMS * OPPORTUNITIES)
    assert matching.refresh() == Work(0, 0, 0)
    new = [documents[i].model_copy(update={"id": f"new-{i}"}) for i in (0, 16)]  # o01 and o17 again
    backend.upsert(new)
    assert matching.refresh() == Work(opportunities=2, firms=0, pairs=FIRMS * 2)
    for doc in new:
        expected = fresh_matcher(firms).for_document(doc, 5)
        assert [(m.firm.id, m.score, m.reasons) for m in matching.for_item(doc.id, 5)] == [
            (m.firm.id, m.score, m.reasons) for m in expected]


def test_without_profiles_a_read_scores_nothing_and_deleted_firms_are_not_shown(seeded):
    backend, documents, firms = seeded
    store = FirmStore()
    matching = Matching(store, backend, private=True)
    matching.refresh()
    for firm in firms:
        store.delete(firm.id)
    backend.upsert([documents[0].model_copy(update={"id": "new-0"})])  # the index moved too
    assert matching.for_item("new-0", 5) == [] and matching.for_item(documents[0].id, 5) == []
    assert matching.matches.fresh([], backend) is False  # no refresh ran: nothing to score against


def test_a_changed_profile_is_scored_against_every_opportunity(seeded):
    backend, documents, firms = seeded
    matching = Matching(FirmStore(), backend, private=True)
    matching.refresh()
    ciber = next(f for f in firms if f.id == "brunca-ciber")
    changed = ciber.model_copy(update={"topics": ("cybersecurity", "cloud")})
    FirmStore().save([changed])
    assert matching.refresh() == Work(opportunities=0, firms=1, pairs=OPPORTUNITIES)
    expected = fresh_matcher([changed]).for_firm(changed.id, documents, 10)
    assert [(m.document.id, m.score) for m in matching.for_firm(changed.id, 10)] == [
        (m.document.id, m.score) for m in expected]


def test_closed_and_changed_opportunities_leave_the_matches(seeded):
    backend, documents, _ = seeded
    matching = Matching(FirmStore(), backend, private=True)
    matching.refresh()
    assert "o05" in [m.document.id for m in matching.for_firm("brunca-ciber", 10)]
    o05 = next(d for d in documents if d.id == "o05")
    backend.upsert([o05.model_copy(update={"deadline": clock.today() - timedelta(days=1)})])
    assert matching.refresh().opportunities == 0
    assert "o05" not in [m.document.id for m in matching.for_firm("brunca-ciber", 10)]


def test_a_read_brings_the_matches_up_to_date_and_private_profiles_stay_hidden(seeded):
    backend, documents, _ = seeded
    FirmStore().save([f.model_copy(update={"public": f.id != "sensores-cafe"}) for f in FirmStore().all()])
    public = Matching(FirmStore(), backend)
    assert "sensores-cafe" not in [m.firm.id for m in public.for_item("o02", 10)]  # computed on first read
    admin = Matching(FirmStore(), backend, private=True)
    assert [m.firm.id for m in admin.for_item("o02", 1)] == ["sensores-cafe"]
    backend.upsert([documents[16].model_copy(update={"id": "late"})])
    assert public.for_item("late", 1)[0].firm.id == "sur-telecom"  # the index moved: refreshed before reading


def test_the_crawl_and_import_commands_report_the_work(seeded):
    out = io.StringIO()
    refresh_matches(out)
    assert out.getvalue() == (f"matches: {OPPORTUNITIES} new or changed opportunit(ies) and {FIRMS} new or "
                              f"changed profile(s) scored, {FIRMS * OPPORTUNITIES} pair(s)\n")
