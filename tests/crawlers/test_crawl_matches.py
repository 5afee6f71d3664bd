"""A real crawl brings the firms' matches up to date for its new opportunities only."""

import re

from firms.profiles import load_firms
from tests.crawlers.conftest import catalogue, crawl_twice, source
from tests.helpers import ROOT, run_cli

WORK = re.compile(r"matches: (\d+) new or changed opportunit\(ies\) and (\d+) new or changed "
                  r"profile\(s\) scored, (\d+) pair\(s\)")


def test_a_crawl_scores_its_new_opportunities_against_every_firm_and_a_rerun_scores_none(tmp_path, site):
    data, firms_file = tmp_path / "data", ROOT / "config" / "firms.yaml"
    imported = run_cli("firms", "import", str(firms_file), env={"OBSERVATORIO_DATA_DIR": str(data)})
    assert imported.returncode == 0, imported.stderr
    sources = catalogue(tmp_path / "sources.yaml",
                        source("fx_calls", "funding_call", "feed", f"{site.base}/feeds/rss2.xml?matches=1"))
    first, second, documents = crawl_twice(sources, data)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    opportunities, profiles, pairs = map(int, WORK.search(first.stdout).groups())
    assert 0 < opportunities <= len(documents) and profiles == 0  # the import already scored them
    assert pairs == opportunities * len(load_firms(firms_file))
    assert WORK.search(second.stdout).groups() == ("0", "0", "0")  # nothing new: nothing scored
