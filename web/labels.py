"""What the UI calls things: topics from the taxonomy, kinds, in the reader's language."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app
from flask_babel import get_locale, lazy_gettext

from core.errors import ConfigError
from nlp.taxonomy import Taxonomy, Topic, default_taxonomy, load_taxonomy

KIND_LABELS = {
    "funding_call": lazy_gettext("Convocatoria"),
    "tender": lazy_gettext("Licitación"),
    "award": lazy_gettext("Adjudicación"),
    "news": lazy_gettext("Noticia"),
    "event": lazy_gettext("Evento"),
}
KIND_PLURALS = {
    "funding_call": lazy_gettext("Convocatorias"),
    "tender": lazy_gettext("Licitaciones"),
    "award": lazy_gettext("Adjudicaciones"),
    "news": lazy_gettext("Noticias"),
    "event": lazy_gettext("Eventos"),
}
# How far an OCDS contracting process has gone (Document.stage)
STAGE_LABELS = {
    "planning": lazy_gettext("En planificación"),
    "tender": lazy_gettext("En licitación"),
    "award": lazy_gettext("Adjudicada"),
    "contract": lazy_gettext("Contratada"),
    "implementation": lazy_gettext("En ejecución"),
}


def taxonomy_path() -> Path:
    return Path(current_app.config.get("TAXONOMY_FILE") or default_taxonomy())


def taxonomy_status() -> tuple[Taxonomy | None, str | None]:
    """The taxonomy and None, or None and the error naming file and line; re-read when edited."""
    path = taxonomy_path()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = None
    return _load(str(path), stamp)


@lru_cache(maxsize=4)
def _load(path: str, stamp: int | None) -> tuple[Taxonomy | None, str | None]:
    try:
        return load_taxonomy(path), None
    except ConfigError as exc:
        return None, str(exc)


def taxonomy_topics() -> list[Topic]:
    """Every topic; none when the file is broken (the admin page says why)."""
    taxonomy, _ = taxonomy_status()
    return list(taxonomy.topics) if taxonomy else []


def get_topic(slug: str) -> Topic | None:
    taxonomy, _ = taxonomy_status()
    return taxonomy.get(slug) if taxonomy else None


def _language() -> str:
    return "en" if str(get_locale()) == "en" else "es"


def topic_label(slug: str) -> str:
    topic = get_topic(slug)
    return getattr(topic.label, _language()) if topic else slug


def topic_description(topic: Topic) -> str:
    return getattr(topic.description, _language())


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(str(kind), kind))


def kind_plural(kind: str) -> str:
    return str(KIND_PLURALS.get(str(kind), kind))


def stage_label(stage: str) -> str:
    return str(STAGE_LABELS.get(str(stage), stage))


def init_app(app: Flask) -> None:
    for name, function in (("topic_label", topic_label), ("kind_label", kind_label),
                           ("kind_plural", kind_plural), ("topic_description", topic_description),
                           ("stage_label", stage_label)):
        app.add_template_filter(function, name)
    app.add_template_global(taxonomy_topics)
