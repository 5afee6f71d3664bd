"""Build the labelled near-duplicate pair set from the real BOE items (boe_2024_01_17.yaml).

    .venv/bin/python -m tests.nlp.dedup.build

writes copies.yaml and pairs.yaml next to this file, and the real entries and their copies as
two RSS feeds under tests/fixtures/feeds/ (boe_2024_01_17.xml, boe_copies.xml) for the crawl
test. Run once; the files are committed and `tests.nlp.dedup_quality` reads the YAML.

True copies are constructed, deterministically, from real items: the same notice published
again with a new URL, by another source or by the gazette itself, with light formatting and
wording changes (see COPY_STYLES). Every real entry is a distinct publication (its own BOE
reference), even where two share a title; so a pair is a copy exactly when both are the same
real entry or copies of it.

Candidate pairs: every pair of items of one template group (the same gazette section and
department: the notices a careless detector confuses), each copy with its original's whole
group, and every pair the detector in nlp/dedup.py proposed when this file was built (the
word-pair overlap rule of commit 1d9980a; running it again with today's detector would
change `proposed_before` and drop those pairs).
"""

from __future__ import annotations

import hashlib
import re
from itertools import combinations
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

from nlp.dedup import find_duplicates

HERE = Path(__file__).resolve().parent
SECTIONS = {"A": "V. Anuncios. - A. Contratación del Sector Público",
            "B": "V. Anuncios. - B. Otros anuncios oficiales",
            "C": "V. Anuncios. - C. Anuncios particulares"}
NOTICE = re.compile(r"^Anuncio de (?P<type>[^:]+) de: (?P<buyer>.+?)\. Objeto: (?P<object>.+?)\.? "
                    r"Expediente: (?P<file>\S+?)\.?$")


def load_real() -> tuple[dict, list[dict]]:
    raw = yaml.safe_load((HERE / "boe_2024_01_17.yaml").read_text(encoding="utf-8"))
    items = []
    for item in raw["items"]:
        section = item.get("section", "A")
        description = (f"{SECTIONS[section]} - {item['dept']} - Referencia: {item['ref']} - "
                       f"KBytes: {item['kb']} - Páginas: {item['pages']}")
        items.append({"id": item["ref"], "source": raw["source"], "group": f"{section}/{item['dept']}",
                      "url": f"http://www.boe.es/diario_boe/txt.php?id={item['ref']}",
                      "kind": "tender" if section == "A" else "news", "title": item["title"],
                      "text": description, "published": str(raw["published"]), "section": section,
                      "dept": item["dept"]})
    return raw, items


def _placsp(item: dict) -> dict | None:
    """The procurement platform's own notice: the object as title, buyer and file in the text."""
    match = NOTICE.match(item["title"])
    if not match:
        return None
    return {"source": "placsp", "title": match["object"].rstrip("."),
            "text": f"Órgano de contratación: {match['buyer']}. Número de expediente: {match['file']}. "
                    f"Tipo de anuncio: {match['type']}. Publicado el 17/01/2024.",
            "url": "https://contrataciondelestado.es/wps/poc?uri=deeplink:detalle_licitacion&idEvl="
                   + hashlib.sha1(item["id"].encode()).hexdigest()[:16]}


def _aggregator(item: dict) -> dict:
    """An aggregator's re-post: title without its final stop, text without the file sizes."""
    return {"source": "licitaciones_agregador", "title": re.sub(r"\s+", "  ", item["title"].rstrip(".")),
            "text": item["text"].split(" - KBytes")[0] + ". Fuente: Boletín Oficial del Estado.",
            "url": f"https://agregador.example.org/anuncios/{item['id'].lower()}"}


def _republished(item: dict) -> dict:
    """The gazette's own re-post of the entry under a second address (same words)."""
    return {"source": item["source"], "title": item["title"], "text": item["text"],
            "url": f"https://www.boe.es/buscar/doc.php?id={item['id']}"}


def _regional(item: dict) -> dict:
    """A regional bulletin's summary: the title without "Anuncio de la", the reference in prose."""
    title = re.sub(r"^Anuncio (de la|del|de) ", "", item["title"])
    return {"source": "boletin_regional", "title": title[:1].upper() + title[1:],
            "text": f"Publicado en el BOE núm. 15, de 17 de enero de 2024, con la referencia {item['id']} "
                    f"({item['dept'].title()}).",
            "url": f"https://boletin-regional.example.org/resumen/2024-01-17/{item['id'][-4:]}"}


COPY_STYLES = (_placsp, _aggregator, _republished, _regional)


def make_copies(items: list[dict]) -> list[dict]:
    """One copy of every procurement notice and of every other B and C entry, styles in turn."""
    copies = []
    chosen = [i for i in items if i["section"] == "A"] + [i for i in items if i["section"] != "A"][::2]
    for n, item in enumerate(chosen):
        style = COPY_STYLES[n % len(COPY_STYLES)]
        copy = style(item) or _aggregator(item)
        copies.append({"id": f"{copy['source']}-{item['id']}", "copy_of": item["id"], "kind": item["kind"],
                       "published": "2024-01-18" if n % 3 else item["published"], "group": item["group"],
                       **copy})
    return copies


def candidate_pairs(items: list[dict], copies: list[dict], proposed: dict[str, str]) -> set[tuple[str, str]]:
    everything = items + copies
    by_group: dict[str, list[str]] = {}
    for record in everything:
        by_group.setdefault(record["group"], []).append(record["id"])
    pairs = {tuple(sorted(p)) for ids in by_group.values() for p in combinations(ids, 2)}
    pairs |= {tuple(sorted(p)) for p in proposed.items()}
    return pairs


def rss(title: str, records: list[dict]) -> str:
    """An RSS 2.0 feed of the records, dated as the BOE dates its summary."""
    items = "".join(
        f"    <item>\n      <title>{escape(r['title'])}</title>\n      <link>{escape(r['url'])}</link>\n"
        f"      <description>{escape(r['text'])}</description>\n      <guid>{escape(r['url'])}</guid>\n"
        f"      <pubDate>{'Wed, 17' if r['published'].endswith('17') else 'Thu, 18'} Jan 2024 "
        f"00:00:00 +0100</pubDate>\n    </item>\n" for r in records)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n  <channel>\n'
            f"    <title>{escape(title)}</title>\n    <link>http://www.boe.es/diario_boe/</link>\n"
            f"    <description>{escape(title)}</description>\n{items}  </channel>\n</rss>\n")


def main() -> None:
    _, items = load_real()
    copies = make_copies(items)
    root = {i["id"]: i["id"] for i in items} | {c["id"]: c["copy_of"] for c in copies}
    records = [{k: v for k, v in r.items() if k not in ("group", "section", "dept", "copy_of")}
               for r in items + copies]
    proposed = find_duplicates(records)
    pairs = sorted(candidate_pairs(items, copies, proposed))
    labelled = [{"a": a, "b": b, "copy": root[a] == root[b],
                 "proposed_before": proposed.get(a) == b or proposed.get(b) == a} for a, b in pairs]
    header = ("# Constructed copies of real BOE entries (tests/nlp/dedup/boe_2024_01_17.yaml): the same\n"
              "# notice published again with a new URL. Written by `python -m tests.nlp.dedup.build`.\n")
    (HERE / "copies.yaml").write_text(header + yaml.safe_dump({"copies": copies}, allow_unicode=True,
                                                                sort_keys=False, width=120), encoding="utf-8")
    header = ("# Labelled candidate pairs (real BOE entries and constructed copies): copy = same notice.\n"
              "# proposed_before = linked by nlp/dedup.py when the set was built (overlap >= 0.25).\n"
              "# Written by `python -m tests.nlp.dedup.build`.\n")
    (HERE / "pairs.yaml").write_text(header + yaml.safe_dump({"pairs": labelled}, sort_keys=False, width=120),
                                     encoding="utf-8")
    feeds = HERE.parent.parent / "fixtures" / "feeds"
    (feeds / "boe_2024_01_17.xml").write_text(
        rss("BOE - Boletín Oficial del Estado (17/01/2024, sección V; see "
            "tests/nlp/dedup/boe_2024_01_17.yaml)", items), encoding="utf-8")
    (feeds / "boe_copies.xml").write_text(
        rss("Re-publications of BOE entries (constructed, see tests/nlp/dedup/copies.yaml)", copies),
        encoding="utf-8")
    print(f"{len(items)} real items, {len(copies)} copies, {len(labelled)} pairs, "
          f"{sum(p['copy'] for p in labelled)} of them copies, {len(proposed)} links by the detector")


if __name__ == "__main__":
    main()
