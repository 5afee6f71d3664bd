"""Near-duplicates: the same notice published again, by another source or under a new address.

Pure functions over plain records: `id`, `title`, `text`, and where known `source`,
`embedding` (unit length), `content_hash`, `kind`, `published`, `amount`, `deadline`.
Two records are the same item when their content hashes are equal, or when all of these hold:

- the same kind, published within `WINDOW` of each other, no different amount or deadline;
- no identifier disagrees: a code-like token (file, process or reference number, a date, a
  decimal quantity) or a number of the title that one has and the other lacks anywhere, of the
  same shape as one the other has and the first lacks ("LOT6/24" against "LOT7/24",
  "BOE-B-2024-1407" against "BOE-B-2024-1408");
- what distinguishes them agrees: word overlap weighted by rarity in the batch, so the
  boilerplate that every notice of a template shares ("Anuncio de formalización de contratos
  de: … Objeto: …") counts for little and the object, buyer and places count for much
  (`CONTENT_THRESHOLD`, plus a bonus when the embeddings are very close);
- within one source, a different title means a different item unless the texts are
  near-identical (`SAME_SOURCE_OVERLAP` of word pairs).

Templated notices (same buyer, same boilerplate, another object, number or place) are the
normal case for tenders and gazettes: they share wording, never their identifiers and object.
An inverted index over rare word pairs finds the few earlier records worth comparing.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import takewhile
from typing import Any

import numpy as np

from core.text import fold

CONTENT_THRESHOLD = 0.4  # rarity-weighted word overlap (plus bonus) at which two records agree
SAME_SOURCE_OVERLAP = 0.9  # word-pair overlap above which one source's two entries are one item
RARITY_PRIOR = 20  # unseen documents assumed in the batch: small batches weigh words alike
EMBEDDING_FLOOR = 0.8  # cosine above which closeness adds to the overlap
EMBEDDING_WEIGHT = 0.5
PREFILTER = 0.5  # below this cosine, skip the word comparison altogether
WINDOW = timedelta(days=30)
MIN_SHARED_PAIRS = 3  # rare word pairs two items must share before they are compared at all
COMMON_PAIR_ITEMS = 50  # a word pair in more items than this ("de la") says nothing
WORD = re.compile(r"\w+")
CONTENT_WORD = re.compile(r"[^\W\d_]{3,}")  # words of three letters or more, no digits
TOKEN = re.compile(r"[^\W_]+(?:[./,\-_][^\W_]+)*")  # "3.22/09110.0224", "boe-b-2024-1334", "3,36"

Record = Mapping[str, Any]


@dataclass(frozen=True)
class _Item:
    id: str
    record: Record
    pairs: frozenset[tuple[str, str]]
    words: frozenset[str]
    numbers: frozenset[str]  # every token with a digit
    identifiers: frozenset[str]  # the code-like ones, and the title's plain numbers
    title: tuple[str, ...]
    is_candidate: bool


def find_duplicates(records: Sequence[Record], candidates: Sequence[Record] = ()) -> dict[str, str]:
    """{id: id of the original} for each record that repeats a candidate or an earlier record.

    `candidates` are records already stored (e.g. recent or similar documents from the index);
    they are always the originals. A record that matches several is linked to the one sharing the
    most identifiers, and to none when that is a tie: two distinct items it cannot tell apart.
    Among `records`, the earliest published is the original,
    then the OCDS record (id "ocds-..."), then the first given.
    """
    batch_ids = {r["id"] for r in records}
    items = [_item(c, True) for c in candidates if c["id"] not in batch_ids]
    items += sorted((_item(r, False) for r in records), key=lambda item: original_order(item.record))
    vectors = _vectors([i.record for i in items])
    sharing = _pairs_in_common(items)
    rarity = _rarity(items)
    duplicates: dict[str, str] = {}
    for index, item in enumerate(items):
        if item.is_candidate:
            continue
        matches = []
        for earlier in sharing(index):
            other = items[earlier]
            if other.id in duplicates or other.id == item.id:
                continue
            cosine = float(vectors[index] @ vectors[earlier]) if vectors is not None else None
            if _same_item(item, other, cosine, rarity):
                matches.append((len(item.identifiers & other.identifiers), other.id))
        best = [other for shared, other in matches if shared == max(matches)[0]]
        if len(best) == 1:  # the same as two distinct items (lots of one file): neither, shown
            duplicates[item.id] = best[0]
    return duplicates


def _pairs_in_common(items: list[_Item]):
    """A function giving, for an item's index, the earlier items worth comparing with it, in order.

    Comparing every pair costs a batch times all candidates; the same item shares many word
    pairs, so an inverted index over the word pairs that few items use (plus equal content
    hashes) finds the few earlier items that can pass the threshold.
    """
    postings: dict[tuple[str, str], list[int]] = defaultdict(list)
    hashes: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        for pair in item.pairs:
            postings[pair].append(index)
        if item.record.get("content_hash"):
            hashes[item.record["content_hash"]].append(index)
    common = max(COMMON_PAIR_ITEMS, len(items) // 10)

    def earlier_sharing(index: int) -> list[int]:
        shared: Counter[int] = Counter()
        for pair in items[index].pairs:
            found = postings[pair]
            if len(found) <= common:
                shared.update(takewhile(lambda other: other < index, found))
        same_hash = takewhile(lambda other: other < index,
                              hashes.get(items[index].record.get("content_hash"), ()))
        return sorted({*same_hash, *(other for other, count in shared.items() if count >= MIN_SHARED_PAIRS)})

    return earlier_sharing


def _same_item(a: _Item, b: _Item, cosine: float | None, rarity: Mapping[str, float]) -> bool:
    """Whether two prepared records are the same notice, call or story published twice."""
    ra, rb = a.record, b.record
    hash_a, hash_b = ra.get("content_hash"), rb.get("content_hash")
    if hash_a and hash_a == hash_b:
        return True
    if ra.get("kind") != rb.get("kind") or not _close_in_time(ra.get("published"), rb.get("published")):
        return False
    if _differ(ra.get("amount"), rb.get("amount")) or \
            _differ(_day(ra.get("deadline")), _day(rb.get("deadline"))):
        return False
    if cosine is not None and cosine < PREFILTER:
        return False
    if _identifiers_disagree(a, b):
        return False
    if ra.get("source") and ra.get("source") == rb.get("source") and a.title != b.title:
        return _jaccard(a.pairs, b.pairs) >= SAME_SOURCE_OVERLAP
    return _content_overlap(a.words, b.words, rarity) + _bonus(cosine) >= CONTENT_THRESHOLD


def _identifiers_disagree(a: _Item, b: _Item) -> bool:
    """Each has an identifier the other lacks, and two of those have the same shape."""
    only_a = {_shape(token) for token in a.identifiers - b.numbers}
    return bool(only_a) and any(_shape(token) in only_a for token in b.identifiers - a.numbers)


def _shape(token: str) -> str:
    """"lot6/24" -> "a9/9", "boe-b-2024-1407" -> "a-a-9-9": what kind of identifier it is."""
    return re.sub(r"[^\W\d_]+", "a", re.sub(r"\d+", "9", token))


def _content_overlap(words_a: frozenset[str], words_b: frozenset[str], rarity: Mapping[str, float]) -> float:
    """Jaccard of the word sets, each word weighted by its rarity in the batch."""
    shared = sum(rarity[w] for w in words_a & words_b)
    union = shared + sum(rarity[w] for w in words_a ^ words_b)
    return shared / union if union else 0.0


def _rarity(items: list[_Item]) -> dict[str, float]:
    """Inverse document frequency of each word over the batch and candidates."""
    frequency = Counter(word for item in items for word in item.words)
    total = len(items) + RARITY_PRIOR
    return {word: math.log(total / (count + 1)) for word, count in frequency.items()}


def _jaccard(a: frozenset, b: frozenset) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _bonus(cosine: float | None) -> float:
    """Very close embeddings add to the overlap."""
    return EMBEDDING_WEIGHT * max(0.0, cosine - EMBEDDING_FLOOR) if cosine is not None else 0.0


def _word_pairs(text: str) -> frozenset[tuple[str, str]]:
    """Adjacent word pairs of the folded text: robust to rewording, blind to word order at large."""
    words = WORD.findall(text)
    return frozenset(zip(words, words[1:], strict=False))


def _item(record: Record, is_candidate: bool) -> _Item:
    title = fold(record.get("title") or "")
    text = f"{title}\n{fold(record.get('text') or '')}"
    numbers = frozenset(t for t in TOKEN.findall(text) if any(c.isdigit() for c in t))
    identifiers = frozenset(t for t in numbers if not t.isdigit()) | \
        frozenset(t for t in TOKEN.findall(title) if t.isdigit())
    return _Item(record["id"], record, _word_pairs(text), frozenset(CONTENT_WORD.findall(text)), numbers,
                 identifiers, tuple(WORD.findall(title)), is_candidate)


def original_order(record: Record) -> tuple:
    """Sort key putting the original first: published on an earlier day (times are often
    missing), then the OCDS record, then as given."""
    published = _day(record.get("published"))
    return (published is None, published or "", not str(record["id"]).startswith("ocds-"))


def _vectors(records: list[Record]) -> np.ndarray | None:
    vectors = [r.get("embedding") for r in records]
    if not vectors or any(v is None for v in vectors):
        return None
    return np.asarray(vectors, dtype=np.float32)


def _close_in_time(a: Any, b: Any) -> bool:
    ta, tb = _timestamp(a), _timestamp(b)
    return ta is None or tb is None or abs(ta - tb) <= WINDOW.total_seconds()


def _timestamp(value: Any) -> float | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(value, datetime):  # without a zone: UTC, as everywhere (search.document.as_utc)
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
    if isinstance(value, date):
        return datetime.combine(value, time(), UTC).timestamp()
    return None


def _day(value: Any) -> str | None:
    """A date's calendar day, whatever its type ("2026-03-01T10:00-06:00" -> "2026-03-01")."""
    if value is None:
        return None
    return value.isoformat()[:10] if isinstance(value, date) else str(value)[:10]


def _differ(a: Any, b: Any) -> bool:
    """Both known and not the same (amounts within 1 %)."""
    if a is None or b is None:
        return False
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        if a.get("currency") != b.get("currency"):
            return True
        va, vb = float(a.get("value") or 0), float(b.get("value") or 0)
        return abs(va - vb) > 0.01 * max(va, vb)
    return a != b
