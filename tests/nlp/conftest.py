"""Blank spaCy pipelines with one component under test, as spacymoji's tests build them."""

from __future__ import annotations

import spacy

import nlp.keyphrases  # noqa: F401 - registers the obs_* factories
import nlp.normalizer  # noqa: F401
import nlp.organizations  # noqa: F401
import nlp.topics  # noqa: F401


def blank(lang: str, component: str, **config) -> spacy.Language:
    """A blank pipeline with the normaliser and the one component under test."""
    pipeline = spacy.blank(lang)
    pipeline.add_pipe("obs_normalizer")
    pipeline.add_pipe(component, config=config)
    return pipeline


def make_doc(pipeline: spacy.Language, title: str, body: str = "", **user_data):
    """Run the pipeline on "title\\nbody" with the title's end marked, as nlp.enrich does."""
    doc = pipeline.make_doc(f"{title}\n{body}")
    doc.user_data.update({"title_end": len(title), **user_data})
    for _, component in pipeline.pipeline:
        doc = component(doc)
    return doc
