"""spaCy component: tag a document with the taxonomy's topics, keeping the evidence."""

from __future__ import annotations

from collections import defaultdict

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from .taxonomy import DEFAULT_TAXONOMY, Taxonomy, load_taxonomy

TITLE_WEIGHT = 2.0  # a keyword in the title says more than one in the body


@Language.factory(
    "obs_topics",
    requires=["token.norm"],
    default_config={"taxonomy_path": str(DEFAULT_TAXONOMY), "threshold": 0.5},
)
def make_topic_tagger(nlp: Language, name: str, taxonomy_path: str, threshold: float) -> TopicTagger:
    return TopicTagger(nlp, load_taxonomy(taxonomy_path), threshold)


class TopicTagger:
    """Match keyword phrases on normalised tokens, acronyms verbatim; drop excluded contexts.

    Sets `doc._.topics` ({slug: score}, best first) and `doc._.topic_evidence`
    ({slug: {"phrases": [...]}}); `doc.user_data["title_end"]` marks the title's last char.
    """

    def __init__(self, nlp: Language, taxonomy: Taxonomy, threshold: float):
        self.threshold = threshold
        self.keywords = PhraseMatcher(nlp.vocab, attr="NORM")
        self.acronyms = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.exclusions = PhraseMatcher(nlp.vocab, attr="NORM")
        for topic in taxonomy.topics:
            self.keywords.add(topic.slug, list(nlp.pipe(topic.keywords.all())))
            if topic.acronyms:
                self.acronyms.add(topic.slug, [nlp.make_doc(a) for a in topic.acronyms])
            if topic.exclude.all():
                self.exclusions.add(topic.slug, list(nlp.pipe(topic.exclude.all())))
        for attr in ("topics", "topic_evidence"):
            Doc.set_extension(attr, default=None, force=True)

    def __call__(self, doc: Doc) -> Doc:
        title_end = doc.user_data.get("title_end", 0)
        excluded = defaultdict(set)
        for match_id, start, end in self.exclusions(doc):
            excluded[doc.vocab.strings[match_id]].update(range(start, end))
        weights: dict[str, float] = defaultdict(float)
        phrases: dict[str, list[str]] = defaultdict(list)
        for match_id, start, end in [*self.keywords(doc), *self.acronyms(doc)]:
            slug = doc.vocab.strings[match_id]
            if excluded[slug] & set(range(start, end)):
                continue
            span = doc[start:end]
            weights[slug] += TITLE_WEIGHT if span.start_char < title_end else 1.0
            if span.text not in phrases[slug]:
                phrases[slug].append(span.text)
        scores = {slug: 1 - 0.5 ** weight for slug, weight in weights.items()}
        doc._.topics = dict(sorted(((s, round(v, 4)) for s, v in scores.items() if v >= self.threshold),
                                   key=lambda kv: -kv[1]))
        doc._.topic_evidence = {slug: {"phrases": phrases[slug]} for slug in doc._.topics}
        return doc
