"""A real crawl brings the firms' matches up to date for its new opportunities only."""

import re

from firms.profiles import load_firms
from tests.crawlers.conftest import catalogue, source
from tests.helpers import ROOT, run_cli

WORK = re.compile(r"matches: (\d+) new or changed opportunit\(ies\) and (\d+) new or changed "
                  r"profile\(s\) scored, (\d+) pair\(s\)")
# Before the fixture feeds' deadlines (15 and 30 April 2026), so their calls are open.
APRIL = "2026-04-01T09:00:00-06:00"


def test_a_crawl_scores_its_new_opportunities_against_every_firm_and_a_rerun_scores_none(tmp_path, site):
    firms_file = ROOT / "config" / "firms.yaml"
    env = {"OBSERVATORIO_DATA_DIR": str(tmp_path / "data"), "OBSERVATORIO_CLOCK": APRIL}
    imported = run_cli("firms", "import", str(firms_file), env=env)
    assert imported.returncode == 0, imported.stderr
    sources = catalogue(tmp_path / "sources.yaml", *(
        source(f"fx_{name}_calls", "funding_call", "feed", f"{site.base}/feeds/{name}.xml?matches=1")
        for name in ("rss2", "atom")))
    first, second = (run_cli("crawl", "--sources", str(sources), env=env) for _ in range(2))
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert WORK.search(first.stdout).groups() == ("2", "0", str(2 * len(load_firms(firms_file))))
    assert WORK.search(second.stdout).groups() == ("0", "0", "0")  # nothing new: nothing scored
