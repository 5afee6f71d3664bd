"""Near-duplicates during a crawl: a real gazette day and re-publications of its entries, served
over local HTTP as two feeds (tests/fixtures/feeds/boe_*.xml, built by tests.nlp.dedup.build)."""

from __future__ import annotations

import pytest
import yaml

from search.backend import get_backend
from tests.crawlers.conftest import catalogue, source
from tests.helpers import ROOT, run_cli

COPIES = yaml.safe_load((ROOT / "tests" / "nlp" / "dedup" / "copies.yaml").read_text(encoding="utf-8"))
COPIES = COPIES["copies"]


@pytest.fixture(scope="module")
def stored(tmp_path_factory, fixture_server):
    folder = tmp_path_factory.mktemp("dedup")
    sources = catalogue(
        folder / "sources.yaml",
        source("boe", "tender", "feed", f"{fixture_server}/feeds/boe_2024_01_17.xml"),
        source("republicados", "tender", "feed", f"{fixture_server}/feeds/boe_copies.xml"),
    )
    text = sources.read_text(encoding="utf-8")  # the gazette day is 60 KB, beyond the tests' cap
    sources.write_text(text.replace("max_response_mb: 0.05", "max_response_mb: 1"), encoding="utf-8")
    data = folder / "data"
    crawl = run_cli("crawl", "--sources", str(sources), env={"OBSERVATORIO_DATA_DIR": str(data)})
    assert crawl.returncode == 0, crawl.stdout
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OBSERVATORIO_DATA_DIR", str(data))
        backend = get_backend("sqlite")
        documents = list(backend.iter_documents())
        backend.close()
    return documents


def test_no_gazette_entry_is_filed_as_a_copy_of_another_and_copies_are_found(stored):
    by_id = {d.id: d for d in stored}
    notice = {c["url"]: f"http://www.boe.es/diario_boe/txt.php?id={c['copy_of']}" for c in COPIES}
    assert len(stored) == 87 + len(COPIES)
    links = [(d.url, by_id[d.duplicate_of].url) for d in stored if d.duplicate_of]
    same = [notice.get(a, a) == notice.get(b, b) for a, b in links]
    assert all(same), [link for link, ok in zip(links, same, strict=True) if not ok]
    assert len(links) >= 0.8 * len(COPIES)
