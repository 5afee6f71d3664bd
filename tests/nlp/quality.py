"""Measure nlp.enrich against the labelled development set (tests/nlp/devset.yaml).

    .venv/bin/python -m tests.nlp.quality            # keyword-only
    .venv/bin/python -m tests.nlp.quality --embed    # with the bundled embedding model
    .venv/bin/python -m tests.nlp.quality --set tests/nlp/heldout.yaml   # the held-out set
    .venv/bin/python -m tests.nlp.quality --set tests/nlp/blindset.yaml  # the blind set

prints micro-averaged topic precision / recall / F1, per-topic precision and recall,
deadline exact-match and amount accuracy, and every miss.
"""

from __future__ import annotations

import argparse
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

DEVSET = Path(__file__).resolve().parent / "devset.yaml"
HELDOUT = DEVSET.with_name("heldout.yaml")  # written blind; scored blind once, then tuned on
BLINDSET = DEVSET.with_name("blindset.yaml")  # the second blind set (issue 12), the same story


@dataclass
class Report:
    items: int = 0
    true_pos: Counter = field(default_factory=Counter)
    false_pos: Counter = field(default_factory=Counter)
    false_neg: Counter = field(default_factory=Counter)
    deadlines_right: int = 0
    amounts_right: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def topic_f1(self) -> float:
        tp, fp, fn = (sum(c.values()) for c in (self.true_pos, self.false_pos, self.false_neg))
        return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0

    @property
    def topic_precision(self) -> float:
        tp, fp = sum(self.true_pos.values()), sum(self.false_pos.values())
        return tp / (tp + fp) if tp + fp else 1.0

    @property
    def topic_recall(self) -> float:
        tp, fn = sum(self.true_pos.values()), sum(self.false_neg.values())
        return tp / (tp + fn) if tp + fn else 1.0

    @property
    def deadline_accuracy(self) -> float:
        return self.deadlines_right / self.items

    @property
    def amount_accuracy(self) -> float:
        return self.amounts_right / self.items

    def per_topic(self) -> dict[str, tuple[float, float, int]]:
        """{slug: (precision, recall, gold count)}."""
        slugs = sorted({*self.true_pos, *self.false_pos, *self.false_neg})
        table = {}
        for slug in slugs:
            tp, fp, fn = self.true_pos[slug], self.false_pos[slug], self.false_neg[slug]
            table[slug] = (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0, tp + fn)
        return table


def load_devset(path: Path = DEVSET) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["items"]


def evaluate(items: list[dict], *, embed: bool) -> Report:
    """Enrich the items as a crawl would (title, text, lang hint, kind, published) and score them."""
    from nlp import enrich

    records = [{"title": i["title"], "text": i["text"], "lang": i["lang"], "kind": i["kind"],
                "published": str(i["published"])} for i in items]
    report = Report(items=len(items))
    for item, out in zip(items, enrich(records, embed=embed), strict=True):
        _score(report, item, out)
    return report


def _score(report: Report, item: dict, out: dict) -> None:
    gold, predicted = set(item["topics"]), set(out["topics"])
    for slug in gold & predicted:
        report.true_pos[slug] += 1
    for slug in predicted - gold:
        report.false_pos[slug] += 1
        report.misses.append(f"{item['id']}: extra topic {slug} {out['topic_evidence'][slug]}")
    for slug in gold - predicted:
        report.false_neg[slug] += 1
        report.misses.append(f"{item['id']}: missed topic {slug}")
    expected = item["deadline"].isoformat() if isinstance(item["deadline"], date) else item["deadline"]
    found = out["deadline"][:16] if out["deadline"] and "T" in out["deadline"] else out["deadline"]
    if found == expected:
        report.deadlines_right += 1
    else:
        report.misses.append(f"{item['id']}: deadline {found} instead of {expected}")
    if same_amount(item["amount"], out["amount"]):
        report.amounts_right += 1
    else:
        report.misses.append(f"{item['id']}: amount {out['amount']} instead of {item['amount']}")


def same_amount(gold: dict | None, found: dict | None) -> bool:
    """Value within 0.5 % and the same currency, or both absent."""
    if gold is None or found is None:
        return gold is found
    close = abs(gold["value"] - found["value"]) <= 0.005 * gold["value"]
    return gold["currency"] == found["currency"] and close


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embed", action="store_true", help="use the embedding model too")
    parser.add_argument("--set", type=Path, default=DEVSET, metavar="YAML",
                        help=f"labelled items (default: the devset; {HELDOUT.name}: the second set)")
    args = parser.parse_args()
    if not args.embed:
        os.environ["OBSERVATORIO_EMBEDDING_MODEL"] = "none"
    items = load_devset(args.set)
    report = evaluate(items, embed=args.embed)
    print(f"{len(items)} items; mode: {'keywords + embeddings' if args.embed else 'keywords only'}")
    print(f"topic micro-F1 {report.topic_f1:.3f} (precision {report.topic_precision:.3f}, recall "
          f"{report.topic_recall:.3f}) · deadline {report.deadline_accuracy:.3f}"
          f" · amount {report.amount_accuracy:.3f}\n")
    print(f"{'topic':<16}{'precision':>10}{'recall':>8}{'gold':>6}")
    for slug, (precision, recall, gold) in report.per_topic().items():
        print(f"{slug:<16}{precision:>10.2f}{recall:>8.2f}{gold:>6}")
    print("\n".join(["", *report.misses]) if report.misses else "\nno misses")


if __name__ == "__main__":
    main()
