"""Funders, buyers and publishers named in a text: a gazetteer, plus NER where a model is installed."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import spacy
from pydantic import Field, field_validator
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from core.models import Strict
from core.paths import config_file
from core.yamlfile import LocatedError, load_model

from .normalizer import pattern_docs

# Trained spaCy pipelines used for NER when one is installed; none is required.
TRAINED_PIPELINES = {"es": ("es_core_news_md", "es_core_news_sm"), "en": ("en_core_web_md", "en_core_web_sm")}
NER_LABELS = {"ORG"}


class Organization(Strict):
    name: str = Field(min_length=1)
    aliases: list[str] = []


class Gazetteer(Strict):
    organizations: list[Organization]

    @field_validator("organizations")
    @classmethod
    def _aliases_name_one_body(cls, organizations: list[Organization]) -> list[Organization]:
        owner: dict[str, str] = {}
        for index, org in enumerate(organizations):
            for alias in {org.name, *org.aliases}:
                if owner.setdefault(alias, org.name) != org.name:
                    raise LocatedError((index, "aliases"),
                                       f"{alias!r} already names {owner[alias]!r}")
        return organizations


@Language.factory("obs_organizations", requires=["token.norm"], default_config={"gazetteer_path": ""})
def make_organization_finder(nlp: Language, name: str, gazetteer_path: str) -> OrganizationFinder:
    """`gazetteer_path` "" is organizations.yaml in the configuration directory."""
    return OrganizationFinder(nlp, load_model(gazetteer_path or config_file("organizations.yaml"), Gazetteer))


class OrganizationFinder:
    """Sets `doc._.organizations`: gazetteer names in order of first mention.

    Acronyms (all capitals) match verbatim so "ICE" is not "ice"; names match on NORM.
    """

    def __init__(self, nlp: Language, gazetteer: Gazetteer):
        self.names = PhraseMatcher(nlp.vocab, attr="NORM")
        self.acronyms = PhraseMatcher(nlp.vocab, attr="ORTH")
        for org in gazetteer.organizations:
            aliases = {org.name, *org.aliases}
            acronyms = [a for a in aliases if _is_acronym(a)]
            self.acronyms.add(org.name, pattern_docs(nlp, acronyms))
            self.names.add(org.name, pattern_docs(nlp, sorted(aliases - set(acronyms))))
        Doc.set_extension("organizations", default=None, force=True)

    def __call__(self, doc: Doc) -> Doc:
        """The longest match wins where two overlap: "BID Lab" is not also "BID"."""
        spans = [Span(doc, start, end, label=match_id)
                 for match_id, start, end in [*self.names(doc), *self.acronyms(doc)]]
        doc._.organizations = list(dict.fromkeys(span.label_ for span in filter_spans(spans)))
        return doc


def _is_acronym(alias: str) -> bool:
    """"MICITT", "BID Lab" stays a name; "CSIRT-CR" and "IDB" are acronyms."""
    return alias.replace("-", "").replace(" ", "").isupper()


@cache
def trained_pipeline(lang: str, candidates: tuple[str, ...] | None = None) -> Language | None:
    """The first installed trained pipeline for `lang` (a package name or a path), or None."""
    for name in candidates or TRAINED_PIPELINES.get(lang, ()):
        if spacy.util.is_package(name) or Path(name).is_dir():
            return spacy.load(name, disable=["parser", "lemmatizer", "textcat"])
    return None


def trained_organizations(texts: list[str], lang: str, candidates: tuple[str, ...] | None = None
                          ) -> list[list[str]]:
    """ORG entities a trained pipeline finds in each text; empty lists when none is installed."""
    nlp = trained_pipeline(lang, candidates)
    if nlp is None or "ner" not in nlp.pipe_names:
        return [[] for _ in texts]
    return [list(dict.fromkeys(e.text for e in doc.ents if e.label_ in NER_LABELS))
            for doc in nlp.pipe(texts, batch_size=32)]
