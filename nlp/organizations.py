"""spaCy component: recognise funders, buyers and publishers from a gazetteer."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from search.yamlfile import load_model

DEFAULT_GAZETTEER = Path(__file__).resolve().parent.parent / "config" / "organizations.yaml"


class Organization(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    aliases: list[str] = []


class Gazetteer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    organizations: list[Organization]


@Language.factory("obs_organizations", requires=["token.norm"],
                  default_config={"gazetteer_path": str(DEFAULT_GAZETTEER)})
def make_organization_finder(nlp: Language, name: str, gazetteer_path: str) -> OrganizationFinder:
    return OrganizationFinder(nlp, load_model(gazetteer_path, Gazetteer))


class OrganizationFinder:
    """Sets `doc._.organizations`: gazetteer names in order of first mention.

    Acronyms (all capitals) match verbatim so "ICE" is not "ice"; names match on NORM.
    """

    def __init__(self, nlp: Language, gazetteer: Gazetteer):
        self.names = PhraseMatcher(nlp.vocab, attr="NORM")
        self.acronyms = PhraseMatcher(nlp.vocab, attr="ORTH")
        for org in gazetteer.organizations:
            aliases = {org.name, *org.aliases}
            acronyms = [a for a in aliases if a.isupper()]
            self.acronyms.add(org.name, [nlp.make_doc(a) for a in acronyms])
            self.names.add(org.name, list(nlp.pipe(sorted(aliases - set(acronyms)))))
        Doc.set_extension("organizations", default=None, force=True)

    def __call__(self, doc: Doc) -> Doc:
        matches = sorted([*self.names(doc), *self.acronyms(doc)], key=lambda m: m[1])
        doc._.organizations = list(dict.fromkeys(doc.vocab.strings[m[0]] for m in matches))
        return doc
