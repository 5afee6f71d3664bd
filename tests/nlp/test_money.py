"""Amounts: every currency and number format, and the one figure a firm cares about."""

import pytest

from nlp.money import find_amount, find_amounts, parse_amount


@pytest.mark.parametrize(("text", "lang", "value", "currency"), [
    ("₡25.000.000", "es", 25_000_000, "CRC"),
    ("¢420.500.000", "es", 420_500_000, "CRC"),
    ("₡10.000.000,00", "es", 10_000_000, "CRC"),
    ("₡350 000", "es", 350_000, "CRC"),
    ("₡1.200 millones", "es", 1_200_000_000, "CRC"),
    ("42 millones de colones", "es", 42_000_000, "CRC"),
    ("CRC 95,000,000", "en", 95_000_000, "CRC"),
    ("US$14,5 millones", "es", 14_500_000, "USD"),
    ("US$ 1,5 millones", "es", 1_500_000, "USD"),
    ("US$1.050 millones", "es", 1_050_000_000, "USD"),
    ("US$25 mil", "es", 25_000, "USD"),
    ("30 mil dólares", "es", 30_000, "USD"),
    ("$2.5M", "en", 2_500_000, "USD"),
    ("$50K", "en", 50_000, "USD"),
    ("US$75k", "en", 75_000, "USD"),
    ("$1,150,000", "en", 1_150_000, "USD"),
    ("USD 48,000", "en", 48_000, "USD"),
    ("US$1.2 million", "en", 1_200_000, "USD"),
    ("$1.2bn", "en", 1_200_000_000, "USD"),
    ("US$ 3 mil millones", "es", 3_000_000_000, "USD"),
    ("€80.000", "es", 80_000, "EUR"),
    ("EUR 1,250,000", "en", 1_250_000, "EUR"),
    ("12 millones de euros", "es", 12_000_000, "EUR"),
    ("EUR 1.250 million", "en", 1_250_000, "EUR"),
    ("CAD 400,000", "en", 400_000, "CAD"),
    ("£2.5 million", "en", 2_500_000, "GBP"),
    ("2 millones de dólares canadienses", "es", 2_000_000, "CAD"),
])
def test_currency_and_number_formats(text, lang, value, currency):
    (money,) = find_amounts(text, lang)
    assert (money.value, money.currency) == (value, currency)


@pytest.mark.parametrize("text", [
    "Llame al 2539-2200. Convocatoria 2026, 20 proyectos, 80 % de financiamiento, 200 TB, 3,2 km.",
    "Se requiere garantía de participación de ₡500.000.",
    "Bids must be accompanied by a bid security of US$25,000.",
    "Cuota de inscripción: $50 por equipo.",
    "El tipo de cambio de referencia cerró en ₡503,20.",
    "The colón averaged ₡497 per dollar in June.",
    "El colón se cotizó a ₡505 por dólar.",
])
def test_no_amount_a_firm_can_obtain(text):
    assert find_amount(text) is None


@pytest.mark.parametrize(("text", "lang", "value", "currency"), [
    ("El fondo total es de ₡600 millones; cada proyecto recibirá hasta ₡40.000.000.", "es",
     40_000_000, "CRC"),
    ("The total budget is EUR 8 million; each project may receive EUR 2 million.", "en", 2_000_000, "EUR"),
    ("Financiamiento de entre US$150.000 y US$500.000 por proyecto.", "es", 500_000, "USD"),
    ("Grants range from $10,000 to $50,000 per project.", "en", 50_000, "USD"),
    ("Awards of €25k to €100k per project; total call budget EUR 3 million.", "en", 100_000, "EUR"),
    ("Garantía de participación: ₡500.000. Presupuesto estimado: ₡45.000.000.", "es", 45_000_000, "CRC"),
    ("Up to ₡10 million (about US$19,000) per company.", "en", 10_000_000, "CRC"),
    ("El primer lugar recibirá ₡5 millones, el segundo ₡3 millones.", "es", 5_000_000, "CRC"),
    ("Budget of $1.2bn; individual grants up to $75,000.", "en", 75_000, "USD"),
    ("Se otorgarán premios de ₡2 millones. Inscripción: ₡15.000 por equipo.", "es", 2_000_000, "CRC"),
    ("El presupuesto es de ₡200 millones; el máximo por propuesta es de ₡35 millones.", "es",
     35_000_000, "CRC"),
    ("The program has $2.5 million available; the maximum award is $400,000.", "en", 400_000, "USD"),
    ("USD 1.5 million in total; individual grants range from USD 100k to USD 250k.", "en", 250_000, "USD"),
    ("Bolsa de ₡300 millones; cada empresa recibirá de ₡5 millones a ₡20 millones.", "es",
     20_000_000, "CRC"),
    ("Exports reached US$1.1 billion; the colón averaged ₡497 per dollar.", "en", 1_100_000_000, "USD"),
])
def test_the_amount_a_firm_can_obtain(text, lang, value, currency):
    money = find_amount(text, lang)
    assert (money.value, money.currency) == (value, currency)


def test_structured_values():
    assert parse_amount("US$ 1,5 millones").value == 1_500_000
    assert parse_amount("") is None and parse_amount("a consultar") is None


@pytest.mark.parametrize(("text", "lang", "value"), [
    # words after an amount describe it only up to the next clause
    ("The estimated budget is ₡640,000,000 and a bid security of 2% is required.", "en", 640_000_000),
    ("Se financian hasta ₡50 millones por productor, con garantía hipotecaria.", "es", 50_000_000),
    # the top of a range reads the clause of its start, not the total named before it
    ("El fondo total asciende a ₡1.200 millones, y cada institución podrá solicitar entre ₡50 y "
     "₡150 millones.", "es", 150_000_000),
])
def test_clauses_around_an_amount(text, lang, value):
    assert find_amount(text, lang).value == value
