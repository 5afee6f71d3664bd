"""spaCy component: the phrases a document is about, for the emerging-terms trends.

Blank pipelines have no tagger, so candidates are found the way RAKE finds them: runs of
content words between stop words, punctuation and numbers, where one Spanish or English
linking word may join two content words ("cadena de bloques", "internet of things"). A
candidate scores by how often it occurs, twice more in the title, and half again when it
has more than one content word; lone words need a second mention or the title.
"""

from __future__ import annotations

from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc, Token

from .dates import MONTHS, WEEKDAYS

LINKS = {"de", "del", "en", "para", "of", "for", "in", "on"}
ARTICLES = {"la", "las", "los", "el", "the"}
GENERIC = {*MONTHS, *WEEKDAYS, "año", "años", "horas", "hora", "fecha", "monto", "millones", "mil",
           "year", "years", "million", "date", "am", "pm", "m", "p", "a", "us", "usd", "crc", "eur"}
MAX_WORDS = 4


@Language.factory("obs_keyphrases", default_config={"top_n": 8})
def make_keyphrase_extractor(nlp: Language, name: str, top_n: int) -> KeyphraseExtractor:
    return KeyphraseExtractor(top_n)


class KeyphraseExtractor:
    """Sets `doc._.keyphrases`: up to `top_n` lower-case phrases, best first."""

    def __init__(self, top_n: int):
        self.top_n = top_n
        Doc.set_extension("keyphrases", default=None, force=True)

    def __call__(self, doc: Doc) -> Doc:
        title_end = doc.user_data.get("title_end", 0)
        counts: Counter[str] = Counter()
        in_title: set[str] = set()
        for phrase, start_char in _candidates(doc):
            counts[phrase] += 1
            if start_char < title_end:
                in_title.add(phrase)
        scored = []
        for phrase, count in counts.items():
            words = len(phrase.split())
            if words == 1 and count < 2 and phrase not in in_title:
                continue
            score = (count + (2 if phrase in in_title else 0)) * (1.5 if words > 1 else 1.0)
            scored.append((-score, phrase))
        doc._.keyphrases = [phrase for _, phrase in sorted(scored)[:self.top_n]]
        return doc


def _candidates(doc: Doc):
    """(phrase, start character) for every maximal run of content words in `doc`."""
    run: list[Token] = []
    for token in doc:
        if _is_content(token) or (run and _can_link(run, token)):
            run.append(token)
        else:
            yield from _phrase(run)
            run = []
    yield from _phrase(run)


def _can_link(run: list[Token], token: Token) -> bool:
    """One linking word (with its article) per phrase: "computación en la nube"."""
    word = token.lower_
    if word in ARTICLES:
        return run[-1].lower_ in LINKS
    return word in LINKS and _is_content(run[-1]) and not any(t.lower_ in LINKS for t in run)


def _phrase(run: list[Token]):
    while run and not _is_content(run[-1]):
        run = run[:-1]
    if sum(map(_is_content, run)) <= MAX_WORDS:
        if run:
            yield " ".join(t.lower_ for t in run), run[0].idx
        return
    for first, second in zip(run, run[1:], strict=False):  # a long run: its adjacent pairs of content words
        if _is_content(first) and _is_content(second):
            yield f"{first.lower_} {second.lower_}", first.idx


def _is_content(token: Token) -> bool:
    return token.is_alpha and not token.is_stop and len(token) > 1 and token.lower_ not in GENERIC
