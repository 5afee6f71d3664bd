"""obs_topics alone on blank pipelines: phrases, acronyms, exclusions, similarity, evidence."""

import pytest

from tests.nlp.conftest import blank, make_doc


@pytest.fixture(scope="module")
def es():
    return blank("es", "obs_topics")


@pytest.fixture(scope="module")
def en():
    return blank("en", "obs_topics")


def test_phrases_match_lemmatised_and_folded(es):
    doc = make_doc(es, "Fondo para pymes", "Proyectos con REDES NEURONALES y Aprendizaje Automatico.")
    assert "ai" in doc._.topics
    assert doc._.topic_evidence["ai"]["phrases"] == ["REDES NEURONALES", "Aprendizaje Automatico"]


def test_plurals_the_lemma_table_does_not_know(es):
    assert "robotics" in make_doc(es, "Caficultores prueban drones para mapear la roya")._.topics


def test_acronyms_are_case_sensitive(es):
    assert "ai" in make_doc(es, "Laboratorio de IA en la Zona Sur")._.topics
    assert make_doc(es, "Se buscan ideas para la vía principal", "la ia no aparece")._.topics == {}


def test_exclusions_cancel_only_their_span(es):
    assert make_doc(es, "Campaña de seguridad vial", "Seguridad vial y seguridad alimentaria.")._.topics == {}
    assert make_doc(es, "Inseminación artificial (IA) para ganaderos")._.topics == {}
    mixed = make_doc(es, "Inseminación artificial", "Además, un curso de inteligencia artificial.")
    assert "ai" in mixed._.topics


def test_an_acronym_defined_as_something_else_stays_so(en):
    doc = make_doc(en, "Prison report", "Amnesty International (AI) published it. AI asked for reforms.")
    assert doc._.topics == {}
    assert "ai" in make_doc(en, "Prison report", "AI asked for reforms.")._.topics


def test_an_acronym_spelled_out_as_something_else(en, es):
    assert make_doc(en, "Travel agency", "Tickets on Air India (AI) and Copa (CM).")._.topics == {}
    assert make_doc(es, "Ganadería", "Programa de Inseminación Artificial (IA) bovina.")._.topics == {}
    assert "ai" in make_doc(en, "Call", "Artificial Intelligence (AI) for farms.")._.topics
    assert "ai" in make_doc(es, "Fondo", "Proyectos de inteligencia artificial (IA) en salud.")._.topics


@pytest.mark.parametrize(("lang", "title", "body", "slug"), [
    ("es", "Fondo de turismo", "Asistentes conversacionales que entienden lenguaje natural.", "ai"),
    ("en", "Tourism fund", "Conversational assistants that understand natural language.", "ai"),
    ("es", "Roya del café", "Un modelo predictivo entrenado con imágenes etiquetadas.", "ai"),
    ("en", "Coffee rust", "A predictive model trained on labelled images.", "ai"),
    ("es", "ICE", "Instalará medidores inteligentes de electricidad con lectura remota de medidores.", "iot"),
    ("en", "ICE", "It will install 20,000 smart electricity meters.", "iot"),
    ("es", "Bootcamp", "Un bootcamp de análisis de datos con visualización interactiva.", "data"),
    ("en", "Consultancy", "Data cleaning and an interactive visualisation of the forecasts.", "data"),
    ("es", "Café", "Cada entrega se registra en un libro mayor distribuido.", "blockchain"),
    ("es", "Sistema de seguimiento", "Incluye la transferencia del código fuente.", "software"),
    ("en", "Monitoring system", "A web-based system; the source code is transferred.", "software"),
])
def test_keyword_families(lang, title, body, slug, es, en):
    assert slug in make_doc(es if lang == "es" else en, title, body)._.topics


@pytest.mark.parametrize(("lang", "title", "body", "slug"), [
    ("es", "Ransomware en la municipalidad", "Los delincuentes exigieron un pago en criptomonedas.",
     "blockchain"),
    ("en", "Hospital ransomware", "The attackers demanded a ransom in bitcoin.", "blockchain"),
    ("en", "Weather stations", "Each station measures rainfall and cloud base height.", "cloud"),
    ("en", "Challenge", "The International Telecommunication Union (ITU) launches a challenge.", "telecom"),
    ("es", "Reto", "La Unión Internacional de Telecomunicaciones lanza un reto.", "telecom"),
    ("en", "Open data", "Municipalities get an open-source data portal.", "software"),
    ("es", "Centro de datos", "Centro de datos con certificación Tier III y certificaciones.",
     "digital_skills"),
])
def test_family_exclusions(lang, title, body, slug, es, en):
    assert slug not in make_doc(es if lang == "es" else en, title, body)._.topics


def test_technology_applied_to_a_sector(es, en):
    doc = make_doc(es, "Cooperativa instala sensores IoT en fincas de café",
                   "Los caficultores reciben alertas de roya en el celular.")
    assert "agritech" in doc._.topics and doc._.topic_evidence["agritech"]["with"] == ["iot"]
    no_technology = make_doc(es, "Cosecha de café récord en Coto Brus", "Los caficultores celebran.")
    assert "agritech" not in no_technology._.topics
    assert "agritech" not in make_doc(en, "IoT sensors for a school", "One farm visit is planned.")._.topics


@pytest.mark.parametrize(("lang", "title", "body", "slug"), [
    ("es", "ERP en modalidad SaaS para la municipalidad",
     "Los contribuyentes pagarán bienes inmuebles en el portal.", "govtech"),
    ("en", "Open data for cities", "Municipalities publish permits and local services.",
     "govtech"),
    ("es", "Gafas de realidad virtual para liceos rurales", "El docente controla la sesión.", "edtech"),
    ("en", "AI tutors for rural schools", "Each teacher gets a dashboard.", "edtech"),
    ("es", "Trazabilidad del café con contratos inteligentes", "Cada entrega de café se registra.",
     "agritech"),
    ("en", "Distributed ledger pilots for cheaper remittances", "Remittances to Central America.", "fintech"),
    ("es", "Remesas más baratas con cadena de bloques", "Pilotos de remesas a Centroamérica.", "fintech"),
])
def test_public_services_schools_coffee_and_remittances_are_sectors(lang, title, body, slug, es, en):
    doc = make_doc(es if lang == "es" else en, title, body)
    assert slug in doc._.topics and doc._.topic_evidence[slug]["with"]
    without_technology = make_doc(es if lang == "es" else en, body)  # the sector words alone
    assert slug not in without_technology._.topics


def test_a_title_mention_outweighs_a_body_mention(es):
    in_title = make_doc(es, "Convocatoria de ciberseguridad", "Fondos para pymes.")
    in_body = make_doc(es, "Convocatoria para pymes", "Incluye ciberseguridad.")
    assert in_title._.topics["cybersecurity"] > in_body._.topics["cybersecurity"] == 0.5


def test_the_no_topic_traps(en):
    traps = ["Cloud forest reserve opens new trails", "Road safety week in Osa",
             "Amnesty International (AI) report on prisons", "Cold chain trucks for dairy cooperatives",
             "Civil servants strike over salaries", "Food security programme for rural schools"]
    for title in traps:
        assert make_doc(en, title)._.topics == {}, title


def test_similarity_alone_needs_a_topic_far_above_the_others(es):
    slugs = ("ai", "cloud", "data", "iot", "fintech", "gaming", "telecom", "edtech")
    cosines = dict.fromkeys(slugs, 0.30)
    cosines["data"] = 0.55  # above the others, but not far enough to tag without a phrase
    assert make_doc(es, "Un texto", topic_similarity=cosines)._.topics == {}
    standout = {**cosines, "ai": 0.75}
    doc = make_doc(es, "Un texto", topic_similarity=standout)
    assert list(doc._.topics) == ["ai"]
    assert doc._.topic_evidence["ai"] == {"phrases": [], "similarity": 0.75}


def test_similarity_raises_the_score_of_a_keyword_topic(es):
    plain = make_doc(es, "Pymes", "Incluye ciberseguridad.")
    similar = make_doc(es, "Pymes", "Incluye ciberseguridad.",
                       topic_similarity={"cybersecurity": 0.6, "ai": 0.2, "cloud": 0.2, "data": 0.2})
    assert similar._.topics["cybersecurity"] > plain._.topics["cybersecurity"]
    assert similar._.topic_evidence["cybersecurity"]["similarity"] == 0.6


def test_the_threshold_is_configurable():
    strict = blank("es", "obs_topics", threshold=0.8)
    assert make_doc(strict, "Pymes", "Incluye ciberseguridad.")._.topics == {}


@pytest.mark.parametrize(("lang", "title", "body", "slug"), [
    ("es", "Avisos de crecidas", "Sensores en los puentes envían alertas al celular de los vecinos.", "iot"),
    ("en", "Fish ponds", "Probes send readings to an app every 15 minutes.", "iot"),
    ("es", "Títulos", "Cada título queda inscrito de forma inmutable.", "blockchain"),
    ("en", "Research credits", "Groups will rent computing capacity by the hour.", "cloud"),
])
def test_a_concept_is_a_thing_and_what_it_does_close_together(lang, title, body, slug):
    pipeline = blank(lang, "obs_topics")
    doc = make_doc(pipeline, title, body)
    assert slug in doc._.topics
    assert "…" in doc._.topic_evidence[slug]["phrases"][0]


def test_a_concepts_parts_apart_or_across_sentences_do_not_count(es, en):
    assert "iot" not in make_doc(es, "Obras", "Se instalará un sensor de movimiento en la bodega. "
                                            "La comunidad recibirá una alerta de lluvias.")._.topics
    assert "cloud" not in make_doc(en, "Housing", "Families rent homes; storage is in the garage.")._.topics
