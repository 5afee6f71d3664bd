"""The near-duplicate bar on real templated notices (tests/nlp/dedup/, see dedup_quality.py)."""

import pytest

from tests.nlp.dedup_quality import evaluate


@pytest.fixture(scope="module")
def report(monkeypatch_module):
    monkeypatch_module.setenv("OBSERVATORIO_EMBEDDING_MODEL", "none")
    return evaluate()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_the_pair_set_is_large_enough(report):
    assert report.pairs >= 200 and report.copies >= 50


def test_precision_and_recall(report):
    assert report.precision >= 0.99, report.false_pos
    assert report.recall >= 0.8, report.false_neg


def test_no_distinct_notice_is_filed_as_a_copy(report):
    assert report.hidden_distinct == []
