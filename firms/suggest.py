"""Topics for the profiles that give none, as the NLP pipeline's tagger reads their description."""

from __future__ import annotations

import nlp

from .profiles import Firm


def with_suggested_topics(firms: list[Firm]) -> list[Firm]:
    """The firms, those without topics given the taxonomy topics their name and description show."""
    missing = [firm for firm in firms if not firm.topics]
    tagged = nlp.enrich([{"title": f.name, "text": f.description} for f in missing], embed=False)
    suggested = {firm.id: tuple(record["topics"]) for firm, record in zip(missing, tagged, strict=True)}
    return [firm.model_copy(update={"topics": suggested[firm.id]}) if firm.id in suggested else firm
            for firm in firms]
