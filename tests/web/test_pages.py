"""The HTML pages: search, item, opportunities, topics, trends and the error pages."""

import re
from html import unescape

import pytest

from tests.search.test_backend_contract import doc
from tests.web.conftest import seed


def text(response) -> str:
    return response.get_data(as_text=True)


def hit_ids(page: str) -> list[str]:
    return re.findall(r'href="/items/([^"]+)"', page)


def test_search_page_shows_results_facets_and_highlights(client):
    page = text(client.get("/?q=inteligencia+artificial"))
    assert "Convocatoria de <mark>inteligencia</mark> <mark>artificial</mark>" in page
    assert 'href="/?q=inteligencia+artificial&amp;topic=ai"' in page
    assert ">Inteligencia artificial<" in page  # topics by their label, not their slug
    assert re.search(r"\d+ resultados", page)


def test_copies_show_collapsed_under_their_original_in_the_results(client):
    page = text(client.get("/?q=PROPYME"))
    assert "También publicado por" in page and 'href="/items/full-call-copy"' in page and ">demo_b<" in page
    assert "1 copia de otro documento no se muestra por separado." in page
    assert 'href="/?q=PROPYME&amp;duplicates=true">Mostrar también las copias' in page
    assert "no se muestra" not in text(client.get("/?q=PROPYME&duplicates=true"))


def test_facet_links_toggle_filters(client):
    page = text(client.get("/?topic=ai"))
    assert re.search(r'<a href="/"\s+aria-current="true" class="on">Inteligencia artificial', page)
    assert "ai-call" in hit_ids(page) and "cyber-tender" not in hit_ids(page)
    both = text(client.get("/?topic=ai&kind=funding_call"))
    assert 'href="/?topic=ai"' in both  # removing the kind keeps the topic


def test_open_only_dates_and_sort(client):
    page = text(client.get("/?open=true&sort=deadline"))
    ids = hit_ids(page)
    assert "closed-call" not in ids and ids.index("timed-tender") < ids.index("full-call")
    assert 'name="open" value="true" checked' in page and '<option value="deadline" selected>' in page
    dated = text(client.get("/?published_from=2000-01-01&published_to=2000-12-31"))
    assert "No encontramos documentos" in dated and "Quitar todos los filtros" in dated


def test_pagination_links_keep_the_search(client, data_dir):
    seed(data_dir, [doc(f"n{i}", f"Noticia de robótica {i}") for i in range(45)])
    page = text(client.get("/?q=robotica"))
    assert 'href="/?q=robotica&amp;page=2"' in page and 'href="/?q=robotica&amp;page=3"' in page
    last = text(client.get("/?q=robotica&page=3"))
    assert len(hit_ids(last)) == 5 and 'rel="prev"' in last and 'rel="next"' not in last


def test_every_result_list_links_to_atom_calendar_and_csv(client):
    page = unescape(text(client.get("/?q=fondo&topic=ai&page=1")))
    for path in ("/search.atom", "/search.ics", "/search.csv"):
        assert f'href="{path}?q=fondo&topic=ai"' in page  # the same search, without the page
    assert 'rel="alternate" type="application/atom+xml"' in page


def test_an_empty_result_says_what_to_do(client):
    page = text(client.get("/?q=zzzzzz"))
    assert "No encontramos documentos" in page and "Pruebe con menos palabras" in page
    assert 'href="/opportunities"' in page


@pytest.mark.parametrize("url", ["/?page=abc", "/?size=1000", "/?sort=x", "/?bogus=1", "/?open=maybe",
                                 "/?published_from=ayer", "/opportunities?kind=news", "/opportunities?q=x",
                                 "/trends?weeks=0", "/trends?bogus=1", "/opportunities?page=0"])
def test_a_bad_parameter_is_a_400_page_not_a_crash(client, url):
    response = client.get(url)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "Parámetro no válido" in text(response)


def test_item_page_shows_every_field_and_why(client):
    page = text(client.get("/items/full-call"))
    assert "<h1>Fondo PROPYME de innovación en ciberseguridad</h1>" in page
    assert "15 de diciembre de 2099" in page and "₡25.000.000" in page and "MICITT" in page
    assert "Temas y por qué" in page and "<q>ciberseguridad</q>" in page and "similitud 0.62" in page
    assert 'href="https://example.org/full-call"' in page and "Español" in page
    assert "También publicado como" in page and 'href="/items/full-call-copy"' in page
    assert "Más sobre Ciberseguridad" in page  # similar items fall back to the first topic


def test_a_duplicate_links_to_its_original(client):
    page = text(client.get("/items/full-call-copy"))
    assert "Este documento repite otro ya publicado" in page and 'href="/items/full-call"' in page


def test_unknown_item_and_topic_are_404_pages(client):
    for url in ("/items/nope", "/topics/nope", "/nothing"):
        response = client.get(url)
        assert response.status_code == 404 and "Página no encontrada" in text(response)


def test_opportunities_board_lists_open_calls_and_tenders_closing_soonest_first(client):
    page = text(client.get("/opportunities"))
    ids = hit_ids(page)
    assert ids[:3] == ["timed-tender", "cyber-tender", "hostile"]
    assert "closed-call" not in ids and "ai-news" not in ids
    assert "Cierra mañana" in page and "Cierra en 5 días" in page
    assert "US$1.500,50" in page and "₡25.000.000" in page and "Municipalidad de Osa" in page
    assert "Monto no indicado" in page


def test_opportunities_filter_by_topic_and_kind(client):
    assert hit_ids(text(client.get("/opportunities?topic=ai"))) == ["hostile", "ai-call", "full-call"]
    tenders = hit_ids(text(client.get("/opportunities?kind=tender")))
    assert tenders == ["timed-tender", "cyber-tender"]
    page = text(client.get("/opportunities?kind=tender&topic=cloud"))
    assert hit_ids(page) == ["timed-tender"]
    assert 'href="/opportunities.ics?kind=tender&amp;topic=cloud"' in page


def test_topics_index_lists_every_topic_with_its_feed(client):
    page = text(client.get("/topics"))
    for slug in ("ai", "cybersecurity", "blockchain", "cloud", "iot", "data", "fintech", "agritech"):
        assert f'href="/topics/{slug}"' in page and f'href="/topics/{slug}/feed.atom"' in page


def test_topic_page_has_description_items_opportunities_chart_and_feed(client):
    page = text(client.get("/topics/ai"))
    assert "<h1>Inteligencia artificial</h1>" in page
    assert 'href="/topics/ai/feed.atom"' in page and "Suscribirse" in page
    assert 'rel="alternate" type="application/atom+xml"' in page
    assert "<svg" in page and page.count('class="bar') == 12
    assert "Oportunidades abiertas" in page and "full-call" in hit_ids(page)


def test_trends_page_draws_svg_and_tests_topics_before_calling_them_rising(client):
    page = text(client.get("/trends"))
    assert page.count("<svg") >= 2 and "<script" not in page.replace("&lt;script", "")
    assert "Temas que suben" in page and "Temas que bajan" in page and "Términos emergentes" in page
    # 4 documents in 4 weeks against none before is not significant once 21 topics are tested
    rising = page.split('id="rising"')[1].split("</section>")[0]
    assert "Inteligencia artificial" not in rising
    ai_row = page.split(">Inteligencia artificial</a></th>")[1].split("</tr>")[0]
    assert "estable" in ai_row
    assert text(client.get("/trends?weeks=26")).count('class="bar') == 26
