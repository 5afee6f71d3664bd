"""Choose the deadline among a text's dates: the one in a submission-deadline context.

Each date is read against its clause: the words since the previous date or the start of the
sentence, folded. A clause about something else (questions, an information session, a site
visit, results) rules the date out; otherwise the nearest cue decides between a deadline
("fecha límite", "hasta el", "closing date", "submit by", "apertura de ofertas") and another
kind of date (publication, opening, start, a superseded original date). Weak cues ("hasta",
"by", "due", "cierra") count only in a sentence about applications, proposals or bids.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from core.text import fold

from .dates import DateMention, find_dates

STRONG = re.compile(
    r"fecha\s+limite|fecha\s+de\s+cierre|fecha\s+y\s+hora\s+de\s+(?:cierre|apertura\s+de\s+ofertas)"
    r"|cierre\s*:|cierre\s+de\s+(?:la\s+)?(?:convocatoria|postulacion|inscripcion|recepcion)"
    r"|plazo\s+(?:maximo|limite|para\s+(?:presentar|enviar|postular|recibir|ofertar))"
    r"|a\s+mas\s+tardar|recepcion\s+de\s+(?:las\s+)?(?:ofertas|propuestas|postulaciones|solicitudes"
    r"|cotizaciones|candidaturas)|(?:recepcion\s+y\s+)?apertura\s+de\s+(?:las\s+)?ofertas|para\s+ofertar"
    r"|deadline|closing\s+date|no\s+later\s+than|time\s+limit|on\s+or\s+before|submit(?:ted)?\s+by"
    r"|bids?\s+(?:will\s+be\s+)?open(?:ed|ing)|tender\s+opening|applications?\s+close",
)
WEAK = re.compile(
    r"\bhasta(?:\s+el|\s+las?)?|\bvence|vencimiento|\bcierra|\bcerrar|\bcierre\b|\bplazo"
    r"|se\s+recib|recibir[aá]n|deben?\s+(?:enviar|presentar|entregar|recibir)|\bampli[ao]|prorrog"
    r"|\bdue\b|\bby\b|\buntil\b|\bthrough\b|\bclos(?:e|es|ed|ing)\b|\bextended\b|must\s+(?:be\s+)?"
    r"(?:received|submitted|delivered|sent|arrive)|\barrive",
)
SUBMISSION = re.compile(
    r"propuesta|postula|oferta|solicitud|inscrip|candidatura|cotizacion|convocatoria|concurso"
    r"|licitacion|formulario|participar|aplicacion|application|proposal|\bbids?\b|tender|submi"
    r"|admision|matricula|admission|enrol|concept\s+note|nota\s+conceptual|perfil|\bcall\b"
    r"|quotation|expressions?\s+of\s+interest|entries|nomination|registration|portfolio|apply"
    r"|inscrib|\brecib|recepcion|\breceived\b",
)
# What a clause is about when its date is not the submission deadline: vetoes the date.
ABOUT_OTHER = re.compile(
    r"consulta|aclaracion|pregunta|question|clarification|additional\s+information|informativ"
    r"|information\s+(?:session|day)|webinar|taller|workshop|visita|visit|reunion|meeting"
    r"|resultado|result|evento|\bevent|feria|ceremon|premiacion|demo\s+day|decision"
    r"|entrada\s+en\s+vigor|entry\s+into\s+force|capacitacion\s+inicia"
    r"|\b(?:iniciar|comenzar|empezar|arrancar|ejecutar)(?:se)?\b|\b(?:start|begin|commence)\s+(?:by|on|no)",
)
# "Will take place": an event, unless the clause names the bid opening or a deadline itself.
TAKES_PLACE = re.compile(
    r"se\s+realizar|se\s+llevar[aá]\s+a\s+cabo|tendra\s+lugar|will\s+(?:take\s+place|be\s+held)")
# A date something is moved or extended to supersedes the original one.
EXTENSION = re.compile(
    r"\bse\s+(?:traslad|pospon|posterg|reprogram|prorrog|ampli|extiend)\w*|\bprorroga"
    r"|\b(?:trasladad|pospuest|postergad|reprogramad|prorrogad|ampliad|extendid)[oa]s?\b"
    r"|\b(?:extended|postponed|rescheduled|moved|pushed\s+back)\b")
# Another kind of date named just before it: competes with deadline cues by proximity.
OTHER_WHEN = re.compile(
    r"publica|published|posted|originalmente|originally|inicio|inicia|comienza|arranca|a\s+partir"
    r"|desde|abiert|starting|starts?\b|opens?\b|begin|from\b|\bapertura\b(?!\s+de\s+(?:las\s+)?ofertas)",
)
RANGE_START = re.compile(r"(?:\bdel|\bdesde|\bfrom|\bbetween|\bentre)\s*$")
RANGE_LINK = r"(?:\bal|\ba|\bto|\by|\band|\buntil|\bthrough|\bhasta(?:\s+el)?|[-–])\s*(?:el\s+)?$"
RANGE_END = re.compile(r"^\s*" + RANGE_LINK)
DAY_RANGE_END = re.compile(r"(?:\bdel|\bdesde|\bfrom|\bbetween|\bentre)\s+\d{1,2}\s*" + RANGE_LINK)
SENTENCE_END = re.compile(r"[.;!?]\s+(?=[¿¡(\"“A-ZÁÉÍÓÚÑ])|\n\s*\n")
OPENING = re.compile(r"\bapertura\b|\bse\s+abrir[aá]n?\b|\bopening\b|\bopened\b")


def find_deadline(text: str, lang: str = "es", reference: date | datetime | None = None,
                  kind: str | None = None) -> date | datetime | None:
    """The submission deadline written in `text`, or None; never a publication or event date."""
    best, best_rank = None, (0, -1)
    mentions = find_dates(text, lang, reference)
    for index, mention in enumerate(mentions):
        previous = mentions[index - 1] if index else None
        strength = _strength(text, mention, previous, kind)
        if strength and (strength, mention.start) > best_rank:
            best, best_rank = mention.value, (strength, mention.start)
    return best


def _strength(text: str, mention: DateMention, previous: DateMention | None, kind: str | None) -> int:
    """3 for a date something is moved to, 2 for a strong deadline cue, 1 for a weak one in a
    submission sentence, 0 otherwise."""
    sentence_start = _sentence_start(text, mention.start)
    clause_start = max(sentence_start, previous.end if previous else 0)
    clause = fold(text[clause_start:mention.start])
    sentence = fold(text[sentence_start:mention.start])
    names_deadline = STRONG.search(clause) or (kind == "tender" and OPENING.search(clause))
    if ABOUT_OTHER.search(clause) or _starts_range(text, mention) or \
            (TAKES_PLACE.search(clause) and not names_deadline):
        return 0
    about_submission = bool(SUBMISSION.search(sentence) or STRONG.search(sentence))
    if _ends_range(clause, previous, text):
        part = sentence.rsplit(";", 1)[-1]  # "cierran el 13; la prueba será del 16 al 18"
        about_part = SUBMISSION.search(part) or STRONG.search(part)
        return 1 if about_part and not ABOUT_OTHER.search(part) else 0
    strong, weak, other = _last(STRONG, clause), _last(WEAK, clause), _last(OTHER_WHEN, clause)
    moved = _last(EXTENSION, clause)
    if about_submission and moved is not None and (other is None or other < moved):
        return 3
    if kind == "tender":
        strong = max((c for c in (strong, _last(OPENING, clause)) if c is not None), default=None)
    nearest = max((c for c in (strong, weak) if c is not None), default=None)
    if nearest is None or (other is not None and other > nearest):
        return 0
    if strong is not None:
        return 2
    return 1 if about_submission else 0


def _ends_range(clause: str, previous: DateMention | None, text: str) -> bool:
    """The last date of "del 2 de marzo al 30 de abril" or "del 1 al 28 de febrero"."""
    if DAY_RANGE_END.search(clause):
        return True
    return bool(RANGE_END.search(clause)) and previous is not None and _starts_range(text, previous)


def _starts_range(text: str, mention: DateMention) -> bool:
    """The first date of "del 2 de marzo al 30 de abril" opens a window, it does not close it."""
    before = fold(text[max(0, mention.start - 12):mention.start])
    after = fold(text[mention.end:mention.end + 12])
    return bool(RANGE_START.search(before)) and bool(re.match(r"\s*(?:al|a|to|y|and|until|-|–)\s+\w", after))


def _sentence_start(text: str, position: int) -> int:
    window_start = max(0, position - 300)
    ends = [m.end() for m in SENTENCE_END.finditer(text, window_start, position)]
    return ends[-1] if ends else window_start


def _last(pattern: re.Pattern, text: str) -> int | None:
    positions = [m.end() for m in pattern.finditer(text)]
    return positions[-1] if positions else None
