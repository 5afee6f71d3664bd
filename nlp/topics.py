"""spaCy component: tag a document with the taxonomy's topics, keeping the evidence."""

from __future__ import annotations

from collections import defaultdict

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from .normalizer import pattern_docs
from .taxonomy import Taxonomy, load_taxonomy

TITLE_WEIGHT = 2.0  # a keyword in the title says more than one in the body
SECTOR_CONTEXT = 2.0  # sector words needed (a title mention counts twice) for a sector topic
CONCEPT_WINDOW = 12  # at most this many tokens between a concept's thing and what it does
CLAUSE_BREAKS = {".", ";", "!", "?"}  # nor a sentence end or a line break between them


@Language.factory(
    "obs_topics",
    requires=["token.norm"],
    default_config={"taxonomy_path": "", "threshold": 0.5,
                    "similarity_floor": 0.22, "similarity_ceiling": 0.5},
)
def make_topic_tagger(nlp: Language, name: str, taxonomy_path: str, threshold: float,
                      similarity_floor: float, similarity_ceiling: float) -> TopicTagger:
    """`taxonomy_path` "" is topics.yaml in the configuration directory."""
    return TopicTagger(nlp, load_taxonomy(taxonomy_path), threshold,
                       (similarity_floor, similarity_ceiling))


class TopicTagger:
    """Score each topic from its phrases in the text and the text's similarity to the topic.

    Keyword evidence: phrases matched on normalised tokens, acronyms verbatim, minus matches
    inside an excluded phrase (and every use of an acronym that an excluded phrase defines as
    something else: after "Amnesty International (AI)", "AI" is Amnesty); each mention
    weighs 1 (2 in the title) and the weights give `1 - 0.5 ** weight`. Similarity evidence,
    when `doc.user_data["topic_similarity"]` holds the cosine to every topic: how far this
    topic stands above the document's mean
    similarity, scaled between `similarity_floor` and `similarity_ceiling` to 0..1. The two
    combine as independent evidence, `1 - (1 - keyword) * (1 - similarity)`, and a topic is
    kept at `threshold` or above: one mention suffices, similarity alone only when it is
    far above the document's other topics.

    A `concept` (a thing and what it does, e.g. sensors that send alerts) weighs one mention
    (2 when one part is in the title) when its two parts occur within `CONCEPT_WINDOW` tokens
    of the same sentence, outside the topic's exclusions; each concept counts once.

    A topic with a `sector` (agritech) also gets one mention's weight when the text names its
    sector at least twice and one of its technologies is present.

    Sets `doc._.topics` ({slug: score}, best first) and `doc._.topic_evidence`
    ({slug: {"phrases": [...], "similarity": cosine or None, "with": [technologies]}});
    `doc.user_data["title_end"]` marks the title's last character.
    """

    def __init__(self, nlp: Language, taxonomy: Taxonomy, threshold: float,
                 similarity_range: tuple[float, float]):
        self.taxonomy = taxonomy
        self.threshold = threshold
        self.floor, self.ceiling = similarity_range
        self.keywords = PhraseMatcher(nlp.vocab, attr="NORM")
        self.acronyms = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.exclusions = PhraseMatcher(nlp.vocab, attr="NORM")
        self.sectors = PhraseMatcher(nlp.vocab, attr="NORM")
        self.concepts = PhraseMatcher(nlp.vocab, attr="NORM")
        self.technologies = {t.slug: t.sector.technologies for t in taxonomy.topics if t.sector}
        for topic in taxonomy.topics:
            if topic.sector:
                self.sectors.add(topic.slug, pattern_docs(nlp, topic.sector.all()))
            self.keywords.add(topic.slug, pattern_docs(nlp, topic.keywords.all()))
            if topic.acronyms:
                self.acronyms.add(topic.slug, pattern_docs(nlp, topic.acronyms))
            for index, concept in enumerate(topic.concepts):
                for part in ("what", "does"):
                    self.concepts.add(f"{topic.slug}|{index}|{part}",
                                      pattern_docs(nlp, getattr(concept, part).all()))
            if topic.exclude.all():
                self.exclusions.add(topic.slug, pattern_docs(nlp, topic.exclude.all()))
        for attr in ("topics", "topic_evidence"):
            Doc.set_extension(attr, default=None, force=True)

    def __call__(self, doc: Doc) -> Doc:
        weights, phrases = self._keyword_evidence(doc)
        applied = self._sector_evidence(doc, weights, phrases)
        cosines = doc.user_data.get("topic_similarity") or {}
        lifts = self._similarity_evidence(cosines)
        scores = {}
        for slug in {*weights, *lifts}:
            keyword = 1 - 0.5 ** weights.get(slug, 0.0)
            scores[slug] = round(1 - (1 - keyword) * (1 - lifts.get(slug, 0.0)), 4)
        kept = sorted(((s, v) for s, v in scores.items() if v >= self.threshold),
                      key=lambda kv: (-kv[1], kv[0]))
        doc._.topics = dict(kept)
        doc._.topic_evidence = {
            slug: {"phrases": phrases.get(slug, []),
                   "similarity": round(cosines[slug], 3) if slug in cosines else None,
                   **({"with": applied[slug]} if slug in applied else {})}
            for slug, _ in kept}
        return doc

    def _sector_evidence(self, doc: Doc, weights: dict, phrases: dict) -> dict[str, list[str]]:
        """A sector topic gets one mention's weight when its sector words and one of its
        technologies' keywords both occur: IoT sensors on coffee farms are agritech.
        Returns {sector topic: the technologies found with it}."""
        title_end = doc.user_data.get("title_end", 0)
        context: dict[str, float] = defaultdict(float)
        words: dict[str, list[str]] = defaultdict(list)
        for match_id, start, end in self.sectors(doc):
            slug, span = doc.vocab.strings[match_id], doc[start:end]
            context[slug] += TITLE_WEIGHT if span.start_char < title_end else 1.0
            words[slug].append(span.text)
        applied = {}
        for slug, weight in context.items():
            found = [t for t in self.technologies[slug] if weights.get(t, 0) >= 1]
            if weight >= SECTOR_CONTEXT and found:
                weights[slug] += 1.0
                phrases[slug] = list(dict.fromkeys([*phrases.get(slug, []), *words[slug]]))
                applied[slug] = found
        return applied

    def _keyword_evidence(self, doc: Doc) -> tuple[dict[str, float], dict[str, list[str]]]:
        title_end = doc.user_data.get("title_end", 0)
        excluded = defaultdict(set)
        for match_id, start, end in self.exclusions(doc):
            excluded[doc.vocab.strings[match_id]].update(range(start, end))
        keyword_matches, acronym_matches = self.keywords(doc), self.acronyms(doc)
        keyword_tokens = defaultdict(set)
        for match_id, start, end in keyword_matches:
            keyword_tokens[doc.vocab.strings[match_id]].update(range(start, end))
        redefined = {(doc.vocab.strings[m], doc[s:e].text) for m, s, e in acronym_matches
                     if excluded[doc.vocab.strings[m]] & set(range(s, e))
                     or _spelled_out_as_other(doc, s, e, keyword_tokens[doc.vocab.strings[m]])}
        weights: dict[str, float] = defaultdict(float)
        phrases: dict[str, list[str]] = defaultdict(list)
        for match_id, start, end in [*keyword_matches, *acronym_matches]:
            slug = doc.vocab.strings[match_id]
            if excluded[slug] & set(range(start, end)) or (slug, doc[start:end].text) in redefined:
                continue
            span = doc[start:end]
            weights[slug] += TITLE_WEIGHT if span.start_char < title_end else 1.0
            if span.text not in phrases[slug]:
                phrases[slug].append(span.text)
        self._concept_evidence(doc, excluded, weights, phrases)
        return weights, phrases

    def _concept_evidence(self, doc: Doc, excluded: dict[str, set[int]], weights: dict,
                          phrases: dict) -> None:
        """Add one mention per concept whose thing and deed occur close together."""
        title_end = doc.user_data.get("title_end", 0)
        parts: dict[tuple[str, str], dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for match_id, start, end in self.concepts(doc):
            slug, index, part = doc.vocab.strings[match_id].split("|")
            if not excluded[slug] & set(range(start, end)):
                parts[(slug, index)][part].append((start, end))
        for (slug, _), found in parts.items():
            pair = next(((a, b) for a in found["what"] for b in found["does"] if _close(doc, a, b)), None)
            if pair is None:
                continue
            first, second = sorted(pair)
            weights[slug] += TITLE_WEIGHT if doc[first[0]].idx < title_end else 1.0
            text = f"{doc[first[0]:first[1]].text} … {doc[second[0]:second[1]].text}"
            if text not in phrases[slug]:
                phrases[slug].append(text)

    def _similarity_evidence(self, cosines: dict[str, float]) -> dict[str, float]:
        """Each topic's lift above the document's mean similarity, scaled to 0..1."""
        if not cosines:
            return {}
        mean = sum(cosines.values()) / len(cosines)
        span = self.ceiling - self.floor
        return {slug: min(1.0, (cos - mean - self.floor) / span)
                for slug, cos in cosines.items() if cos - mean > self.floor}


def _close(doc: Doc, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Two separate spans within CONCEPT_WINDOW tokens, no sentence end or line break between."""
    first, second = sorted((a, b))
    if second[0] < first[1] or second[0] - first[1] > CONCEPT_WINDOW:
        return False
    return not any(t.text in CLAUSE_BREAKS or "\n" in t.text for t in doc[first[1]:second[0]])


def _spelled_out_as_other(doc: Doc, start: int, end: int, keyword_tokens: set[int]) -> bool:
    """"Air India (AI)": an acronym in parentheses after words whose initials spell it, when
    those words are not one of the topic's own phrases, names something else."""
    letters = doc[start:end].text
    name_start = start - 1 - len(letters)
    if name_start < 0 or end >= len(doc) or doc[start - 1].text != "(" or doc[end].text != ")":
        return False
    name = doc[name_start:start - 1]
    initials = "".join(token.text[0] for token in name)
    return initials.lower() == letters.lower() and not keyword_tokens & set(range(name_start, start - 1))
