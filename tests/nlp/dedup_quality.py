"""Measure nlp.dedup on the labelled pair set of real templated notices (tests/nlp/dedup/).

    .venv/bin/python -m tests.nlp.dedup_quality            # keyword-only
    .venv/bin/python -m tests.nlp.dedup_quality --embed    # with the bundled embedding model

runs `find_duplicates` once over every item of the set (87 real BOE entries and their
constructed copies, as one crawl batch) and prints precision and recall over the labelled
candidate pairs (a pair is predicted a copy when both items end up under the same original),
then every wrong pair and every distinct notice that would be filed as a copy of another.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from nlp.dedup import find_duplicates

from .dedup.build import load_real

HERE = Path(__file__).resolve().parent / "dedup"
FIELDS = ("id", "source", "url", "kind", "title", "text", "published")


@dataclass
class Report:
    pairs: int = 0
    copies: int = 0
    true_pos: int = 0
    false_pos: list[tuple[str, str]] = field(default_factory=list)
    false_neg: list[tuple[str, str]] = field(default_factory=list)
    hidden_distinct: list[tuple[str, str]] = field(default_factory=list)  # (item, filed under)

    @property
    def precision(self) -> float:
        predicted = self.true_pos + len(self.false_pos)
        return self.true_pos / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_pos / self.copies if self.copies else 1.0


def records(embed: bool = False) -> tuple[list[dict], dict[str, str]]:
    """The set's items as crawl records, and each item's true original (itself for real entries)."""
    _, items = load_real()
    copies = yaml.safe_load((HERE / "copies.yaml").read_text(encoding="utf-8"))["copies"]
    found = [{k: r[k] for k in FIELDS} for r in items + copies]
    if embed:
        from nlp import embeddings

        for record, vector in zip(found, embeddings.embed([f"{r['title']}\n{r['text']}" for r in found]),
                                  strict=True):
            record["embedding"] = vector
    return found, {i["id"]: i["id"] for i in items} | {c["id"]: c["copy_of"] for c in copies}


def evaluate(embed: bool = False) -> Report:
    found, truth = records(embed)
    linked = find_duplicates(found)

    def root(item: str) -> str:
        while item in linked:
            item = linked[item]
        return item

    report = Report()
    for pair in yaml.safe_load((HERE / "pairs.yaml").read_text(encoding="utf-8"))["pairs"]:
        a, b = pair["a"], pair["b"]
        report.pairs += 1
        report.copies += pair["copy"]
        predicted = root(a) == root(b)
        if predicted and pair["copy"]:
            report.true_pos += 1
        elif predicted:
            report.false_pos.append((a, b))
        elif pair["copy"]:
            report.false_neg.append((a, b))
    report.hidden_distinct = [(item, original) for item, original in linked.items()
                              if truth[item] != truth[root(original)]]
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embed", action="store_true", help="with the bundled embedding model")
    args = parser.parse_args()
    if not args.embed:
        os.environ["OBSERVATORIO_EMBEDDING_MODEL"] = "none"
    report = evaluate(args.embed)
    print(f"{report.pairs} labelled pairs, {report.copies} copies: precision {report.precision:.3f}, "
          f"recall {report.recall:.3f}; {len(report.hidden_distinct)} distinct notices filed as copies")
    for title, pairs in (("wrongly linked", report.false_pos), ("copies missed", report.false_neg),
                         ("distinct notice hidden under", report.hidden_distinct)):
        for a, b in pairs:
            print(f"  {title}: {a} / {b}")


if __name__ == "__main__":
    main()
