"""Date expressions and the choice of the submission deadline among them."""

from datetime import date, datetime

import pytest

from nlp.dates import find_dates, parse_date
from nlp.deadline import find_deadline

PUBLISHED = date(2026, 3, 23)  # a Monday


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("viernes 4 de diciembre a las 10:00 horas", "es", datetime(2026, 12, 4, 10, 0)),
    ("1.º de diciembre de 2026 a las 10:00", "es", datetime(2026, 12, 1, 10, 0)),
    ("hasta las 23:59 del 31 de agosto de 2026", "es", datetime(2026, 8, 31, 23, 59)),
    ("el 15 de enero del 2027", "es", date(2027, 1, 15)),
    ("lunes 9 de marzo de 2026 al mediodía", "es", datetime(2026, 3, 9, 12, 0)),
    ("lunes 9 de marzo de 2026, a las 16:00 horas", "es", datetime(2026, 3, 9, 16, 0)),
    ("16.10.2026", "es", date(2026, 10, 16)),
    ("01/07/2026", "es", date(2026, 7, 1)),
    ("06/30/2026", "en", date(2026, 6, 30)),
    ("07/01/2026", "en", date(2026, 7, 1)),
    ("25/09/2026", "en", date(2026, 9, 25)),
    ("Oct 30, 2026 at 5 pm ET", "en", datetime(2026, 10, 30, 17, 0)),
    ("5:00 p.m. on July 17, 2026", "en", datetime(2026, 7, 17, 17, 0)),
    ("15 June 2026, 12:00 noon", "en", datetime(2026, 6, 15, 12, 0)),
    ("19/01/2027 a las 10 horas", "es", datetime(2027, 1, 19, 10, 0)),
    ("05/05/2026, 10:00 a. m.", "es", datetime(2026, 5, 5, 10, 0)),
    ("10 September 2026, 17:00:00 Brussels time", "en", datetime(2026, 9, 10, 17, 0)),
    ("no later than 14:00 on 9 October 2026", "en", datetime(2026, 10, 9, 14, 0)),
    ("by 11:59 p.m. EST on May 29, 2026", "en", datetime(2026, 5, 29, 23, 59)),
    ("by 12:00 noon (Brussels time) on 14 April 2026", "en", datetime(2026, 4, 14, 12, 0)),
    ("hasta las 17:00 (hora de Costa Rica) del 3 de agosto de 2026", "es", datetime(2026, 8, 3, 17, 0)),
    ("el 18 de enero", "es", date(2027, 1, 18)),  # no year: the next one after publication
    ("Dec. 4", "en", date(2026, 12, 4)),
    ("this Friday", "en", date(2026, 3, 27)),
    ("el próximo lunes", "es", date(2026, 3, 30)),
    ("Bids close at 14:00 hrs, 9 July 2026", "en", datetime(2026, 7, 9, 14, 0)),
    ("no later than 10:00 hours on 12 January 2027", "en", datetime(2027, 1, 12, 10, 0)),
    ("no later than 3:00 PM (CST), Tuesday April 28, 2026", "en", datetime(2026, 4, 28, 15, 0)),
    ("by noon on Thursday, 22 October 2026", "en", datetime(2026, 10, 22, 12, 0)),
    ("hasta el mediodía del 5 de mayo de 2026", "es", datetime(2026, 5, 5, 12, 0)),
    ("a las 14:00 horas, 9 de julio de 2026", "es", datetime(2026, 7, 9, 14, 0)),
])
def test_date_expressions(text, lang, expected):
    reference = date(2026, 11, 2) if "enero" in text or "Dec" in text else PUBLISHED
    assert [m.value for m in find_dates(text, lang, reference)] == [expected]


@pytest.mark.parametrize("text", [
    "Llame al 2539-2200 o escriba a info@micitt.go.cr",
    "Presupuesto de ₡3.200.000,00 para 2026-2029",
    "Versión 2.10.2 del sistema; 31 de febrero de 2026",
])
def test_numbers_that_are_not_dates(text):
    assert find_dates(text, "es", PUBLISHED) == []


@pytest.mark.parametrize(("text", "lang", "kind", "expected"), [
    ("Publicado el 3 de marzo de 2026. Fecha límite de recepción: 20 de abril de 2026.", "es", None,
     date(2026, 4, 20)),
    ("Inscripciones abiertas hasta el 15 de mayo. El curso inicia el 1 de junio.", "es", None,
     date(2026, 5, 15)),
    ("The webinar will be held on 12 May 2026. Submit by 30 May 2026 at 5:00 PM EST.", "en", None,
     datetime(2026, 5, 30, 17, 0)),
    ("La sesión informativa será el 5 de abril. Las postulaciones cierran el 30/04/2026.", "es", None,
     date(2026, 4, 30)),
    ("Call opens on 1 April 2026 and closes on 15 June 2026, 12:00 noon CET.", "en", None,
     datetime(2026, 6, 15, 12, 0)),
    ("Las postulaciones estarán abiertas del 2 de abril al 30 de mayo de 2026.", "es", None,
     date(2026, 5, 30)),
    ("Propuestas: del 1 al 28 de abril de 2026.", "es", None, date(2026, 4, 28)),
    ("La fecha de cierre, originalmente el 24 de abril, se amplía al 8 de mayo de 2026 a las 14:00.",
     "es", None, datetime(2026, 5, 8, 14, 0)),
    ("Deadline extended: applications accepted until October 9, 2026 (previously September 30).", "en",
     None, date(2026, 10, 9)),
    ("Consultas hasta el 9 de abril de 2026. Apertura: 17 de abril de 2026 a las 10:00 horas.", "es",
     "tender", datetime(2026, 4, 17, 10, 0)),
    ("Las ofertas se recibirán hasta las 10:00 horas del 30 de junio de 2026. "
     "Consultas hasta el 15 de junio.", "es", "tender", datetime(2026, 6, 30, 10, 0)),
    ("Questions may be submitted until 10 July 2026. Quotations must be delivered by 24 July 2026, 15:00.",
     "en", "tender", datetime(2026, 7, 24, 15, 0)),
    ("Applications close this Friday.", "en", None, date(2026, 3, 27)),
    # a date something is moved to supersedes the original, whatever cue the original had
    ("La apertura de ofertas prevista para el 14 de abril se traslada al 24 de abril de 2026.", "es",
     "tender", date(2026, 4, 24)),
    ("The bid opening set for 14 April has been postponed to 24 April 2026.", "en", "tender",
     date(2026, 4, 24)),
    # "se realizará" names an event, unless the clause is the bid opening itself
    ("La recepción y apertura de ofertas se realizará en SICOP el 8 de abril de 2026 a las 09:00.", "es",
     "tender", datetime(2026, 4, 8, 9, 0)),
    # in a tender the bid opening is the deadline however it is written
    ("Las ofertas se abrirán el 1 de octubre de 2026 a las 10:00 a. m.", "es", "tender",
     datetime(2026, 10, 1, 10, 0)),
    ("La apertura se realizará a las 10:00 horas del 15 de junio de 2026.", "es", "tender",
     datetime(2026, 6, 15, 10, 0)),
    # a range in the next clause is about the test, not the inscriptions
    ("Las inscripciones cierran el 13 de abril; la prueba será del 16 al 18 de abril.", "es", None,
     date(2026, 4, 13)),
    ("Registrations close on 13 April; the aptitude test will be online from 16 to 18 April.", "en",
     None, date(2026, 4, 13)),
    # receiving projects or enrolling people is a submission
    ("Se recibirán proyectos hasta el 21 de agosto a las 17:00 horas.", "es", None,
     datetime(2026, 8, 21, 17, 0)),
    ("Las personas interesadas pueden inscribirse hasta el 3 de julio.", "es", "news", date(2026, 7, 3)),
])
def test_the_deadline_is_the_submission_date(text, lang, kind, expected):
    assert find_deadline(text, lang, PUBLISHED, kind) == expected


@pytest.mark.parametrize(("text", "lang", "kind"), [
    ("El concurso se realizará el 20 de octubre de 2026 en el Estadio Nacional.", "es", "news"),
    ("La apertura se realizará el 20 de octubre de 2026 en el Estadio Nacional.", "es", "news"),
    ("La ley entra en vigor el 1 de enero de 2027.", "es", "news"),
    ("The next decision is due on May 21.", "en", "news"),
    ("Publicado el 3 de marzo de 2026.", "es", "funding_call"),
    ("La apertura de la convocatoria será el 2 de abril de 2026.", "es", "funding_call"),
    ("Results will be announced on 15 October 2026.", "en", "funding_call"),
    ("Fondos disponibles hasta agotar recursos.", "es", "funding_call"),
    ("Los proyectos deberán iniciar a más tardar el 9 de junio de 2026.", "es", "funding_call"),
    ("Selected teams must start no later than 1 June 2026.", "en", "funding_call"),
])
def test_dates_that_are_not_deadlines(text, lang, kind):
    assert find_deadline(text, lang, PUBLISHED, kind) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-12-15", date(2026, 12, 15)),
    ("2026-12-15T10:00:00Z", datetime.fromisoformat("2026-12-15T10:00:00+00:00")),
    ("15/12/2026", date(2026, 12, 15)),
    ("15 dic. 2026", date(2026, 12, 15)),
    ("", None),
    ("pronto", None),
])
def test_structured_values(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(("published", "expected"), [
    (date(2027, 6, 1), date(2028, 2, 29)),  # the next 29 February is in the next leap year
    (date(2028, 1, 10), date(2028, 2, 29)),  # this year is a leap year
    (date(2028, 3, 1), date(2032, 2, 29)),
])
def test_29_february_without_a_year_is_the_next_one_that_exists(published, expected):
    assert [m.value for m in find_dates("hasta el 29 de febrero", "es", published)] == [expected]
