"""Matching quality on a constructed cluster (tests/firms/cluster.py), with the bundled
embedding model and without one: the best firm ranks first, confidently, for at least 80 % of
the opportunities that have one, and the traps and misfits get no confident match.

    .venv/bin/pytest -q -s tests/firms/test_matching.py   # prints the figures
"""

import numpy as np
import pytest

import nlp
from firms.matching import THRESHOLD, Matcher
from firms.reasons import Explainer
from firms.suggest import with_suggested_topics
from nlp.taxonomy import load_taxonomy
from tests.firms import cluster

QUALITY_BAR = 0.80


@pytest.fixture(params=["embeddings", "keywords"])
def mode(request, monkeypatch):
    # "" is the bundled all-MiniLM-L6-v2 (nlp.embeddings.model_name); the suite's default is none.
    monkeypatch.setenv("OBSERVATORIO_EMBEDDING_MODEL", "" if request.param == "embeddings" else "none")
    return request.param


@pytest.fixture
def matched(mode):
    firms = with_suggested_topics(cluster.firms())
    documents = cluster.documents(nlp.enrich(cluster.opportunity_records()))
    matcher = Matcher(firms, Explainer(load_taxonomy()))
    [(block, scores)] = list(matcher.scores(documents))
    return [f.id for f in firms], block.documents, scores.total, matcher


def test_the_best_firm_ranks_first_and_misfits_get_no_match(matched, mode):
    firm_ids, documents, total, _ = matched
    assert len(firm_ids) >= 20 and len(documents) >= 50
    assert {d.lang for d in documents} >= {"es", "en"}
    first, misses, false_matches = 0, [], []
    for row, document in enumerate(documents):
        best, column = cluster.BEST[document.id], int(np.argmax(total[row]))
        if best is None:
            if total[row, column] >= THRESHOLD:
                false_matches.append(f"{document.id} → {firm_ids[column]} {total[row, column]:.2f}")
        elif firm_ids[column] == best and total[row, column] >= THRESHOLD:
            first += 1
        else:
            misses.append(f"{document.id} → {firm_ids[column]} {total[row, column]:.2f} (expected {best})")
    fitting = sum(best is not None for best in cluster.BEST.values())
    print(f"\n[{mode}] best firm first for {first}/{fitting} = {first / fitting:.1%} of the opportunities "
          f"that have one; {len(false_matches)} confident match(es) among {len(documents) - fitting} "
          f"misfits; misses: {misses or 'none'}")
    assert first / fitting >= QUALITY_BAR, misses
    assert not false_matches


def test_the_guards_trap_is_recognised_as_such(matched):
    firm_ids, documents, total, _ = matched
    guards = next(i for i, d in enumerate(documents) if d.id == "t01")
    assert total[guards, firm_ids.index("brunca-ciber")] < THRESHOLD


def test_reasons_name_topics_the_closest_sentence_and_the_place(matched, mode):
    _, documents, _, matcher = matched
    document = next(d for d in documents if d.id == "o02")
    [best, *_] = matcher.for_document(document, 3)
    assert best.firm.id == "sensores-cafe"
    assert best.reasons[0] == "coincide con sus temas internet de las cosas y agrotecnología"
    assert "menciona su cantón, Pérez Zeledón" in best.reasons
    assert best.reasons[-1] == "le interesan las licitaciones"
    closest = "se parece a su proyecto: «Diseñamos redes de sensores"
    quoted = [r for r in best.reasons if r.startswith(closest)]
    assert len(quoted) == (1 if mode == "embeddings" else 0)


def test_a_firm_sees_its_opportunities_best_first(matched):
    _, documents, _, matcher = matched
    found = matcher.for_firm("brunca-ciber", documents, 10)
    assert [m.document.id for m in found][:2] in (["o05", "o06"], ["o06", "o05"])
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    assert all(m.score >= THRESHOLD for m in found) and "t01" not in {m.document.id for m in found}


def test_every_firms_best_agree_with_its_own_matches(matched):
    firm_ids, documents, _, matcher = matched
    best = matcher.best_per_firm(documents, 3)
    assert set(best) == set(firm_ids)
    for firm_id in firm_ids:
        own = matcher.for_firm(firm_id, documents, 3)
        assert [(m.document.id, m.score, m.reasons) for m in best[firm_id]] == \
            [(m.document.id, m.score, m.reasons) for m in own]
