"""The Zona Sur (Región Brunca) of Costa Rica: its cantons, and texts that mention them."""

from __future__ import annotations

import re

import numpy as np

from core.text import fold

CANTONS = ("Pérez Zeledón", "Buenos Aires", "Osa", "Golfito", "Corredores", "Coto Brus")
# The region by name, and towns that stand for their canton (San Isidro de El General, Ciudad Neily).
REGION = re.compile(r"\b(zona sur|region brunca|brunca region|southern zone|pacifico sur|south pacific)\b")
PLACES = {
    "Pérez Zeledón": r"perez zeledon|san isidro de el general",
    "Buenos Aires": r"buenos aires de puntarenas|canton de buenos aires|buenos aires, puntarenas",
    "Osa": r"osa|ciudad cortes|palmar norte|puerto jimenez|peninsula de osa",
    "Golfito": r"golfito",
    "Corredores": r"corredores|ciudad neily|paso canoas",
    "Coto Brus": r"coto brus|san vito",
}
PATTERNS = {canton: re.compile(rf"\b({words})\b") for canton, words in PLACES.items()}


def mentions(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """For each text: whether it names the region or one of its cantons (bool, n), and which
    cantons it names (bool, n × len(CANTONS))."""
    folded = [fold(text) for text in texts]
    cantons = np.array([[bool(PATTERNS[c].search(t)) for c in CANTONS] for t in folded], dtype=bool)
    region = np.array([bool(REGION.search(t)) for t in folded], dtype=bool)
    cantons = cantons.reshape(len(texts), len(CANTONS))
    return region | cantons.any(axis=1), cantons


def canton_index(canton: str) -> int | None:
    """The position of a Zona Sur canton in CANTONS, None for a canton elsewhere."""
    folded = fold(canton)
    return next((i for i, c in enumerate(CANTONS) if fold(c) == folded), None)
