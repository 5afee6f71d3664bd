"""spaCy component: the phrases a document is about, for the emerging-terms trends.

Blank pipelines have no tagger, so candidates are found the way RAKE finds them: runs of
content words between stop words, punctuation and numbers, where one Spanish or English
linking word may join two content words ("cadena de bloques", "internet of things"). A
candidate scores by how often it occurs, twice more in the title, and half again when it
has more than one content word; lone words need a second mention or the title.
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc, Token

from .dates import MONTHS, WEEKDAYS

LINKS = {"de", "del", "en", "para", "of", "for", "in", "on"}
ARTICLES = {"la", "las", "los", "el", "the"}
GENERIC = {*MONTHS, *WEEKDAYS, "año", "años", "horas", "hora", "fecha", "monto", "millones", "mil",
           "year", "years", "million", "date", "am", "pm", "m", "p", "a", "us", "usd", "crc", "eur"}
# English has no telltale verb endings; these are the verbs calls and news lead with.
ENGLISH_VERBS = {"invite", "launch", "open", "announce", "receive", "offer", "seek", "win", "sign", "reach",
                 "join", "support", "build", "use", "help", "include", "provide", "develop", "fall", "rise",
                 "recover", "apply", "submit", "quote", "select", "fund", "finance", "grow", "start", "close",
                 "plan", "expect", "say", "report", "require", "aim", "cover", "deploy", "test", "partner"}
MAX_WORDS = 4
VERB_ENDING = re.compile(r"(?:an|en|aron|ieron|ando|iendo|aba|aban|ia|ian|ó|á|é|rá|rán|ía|ían)$|(?<=[^a])e$")


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
        candidates = list(_candidates(doc))
        occurrences = Counter(phrase for phrase, _ in candidates)
        title_phrases = {phrase for phrase, start in candidates if start < title_end}
        counts: Counter[str] = Counter()  # "gemelo digital" also occurs inside longer phrases
        for phrase, n in occurrences.items():
            for part in _parts(phrase):
                if part in occurrences:
                    counts[part] += n
        in_title = {part for phrase in title_phrases for part in _parts(phrase)}
        scored = []
        for phrase, count in counts.items():
            words = len(phrase.split())
            if words == 1 and count < 2 and phrase not in in_title:
                continue
            linked = any(f" {link} " in f" {phrase} " for link in LINKS)
            weight = 1.5 if words > 1 and (count > 1 or linked or phrase in in_title) else 1.0
            score = (count + (2 if phrase in in_title else 0)) * weight
            scored.append((-score, phrase))
        doc._.keyphrases = [phrase for _, phrase in sorted(scored)[:self.top_n]]
        return doc


def _parts(phrase: str) -> set[str]:
    """Every run of consecutive words in `phrase`, itself included."""
    words = phrase.split()
    return {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}


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
    """The run as a phrase and, when a link joins two parts of several words, each part too."""
    while run and not _is_content(run[-1]):
        run = run[:-1]
    if sum(map(_is_content, run)) <= MAX_WORDS:
        if run:
            yield " ".join(t.lower_ for t in run), run[0].idx
        link = next((i for i, t in enumerate(run) if not _is_content(t)), None)
        if link is not None:
            after = [t for t in run[link:] if _is_content(t)]
            for part in (run[:link], after):
                if len(part) > 1:
                    yield " ".join(t.lower_ for t in part), part[0].idx
        return
    for first, second in zip(run, run[1:], strict=False):  # a long run: its adjacent pairs of content words
        if _is_content(first) and _is_content(second):
            yield f"{first.lower_} {second.lower_}", first.idx


def _is_content(token: Token) -> bool:
    return (token.is_alpha and not token.is_stop and len(token) > 1 and token.lower_ not in GENERIC
            and not _looks_like_a_verb(token))


def _looks_like_a_verb(token: Token) -> bool:
    """A Spanish conjugated verb ("invitan", "asciende", "lanzó") ends a phrase; nouns whose
    lemma the table confuses with a verb ("pago" -> "pagar") keep their noun endings."""
    if token.lang_ != "es":
        return token.norm_ in ENGLISH_VERBS
    lemma, word = token.norm_, token.lower_
    return lemma.endswith(("ar", "er", "ir")) and lemma != word and bool(VERB_ENDING.search(word))
