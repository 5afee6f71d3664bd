def test_search_page_shows_results_facets_and_highlights(client):
    page = client.get("/?q=inteligencia+artificial").get_data(as_text=True)
    assert "Convocatoria de <mark>inteligencia</mark> <mark>artificial</mark>" in page
    assert 'href="?q=inteligencia+artificial&amp;topic=ai"' in page


def test_facet_links_toggle_filters(client):
    page = client.get("/?topic=ai").get_data(as_text=True)
    assert 'aria-current="true"' in page
    assert 'href="?"' in page  # clicking the selected topic again removes it


def test_an_empty_result_says_what_to_do(client):
    page = client.get("/?q=zzzzzz").get_data(as_text=True)
    assert "No encontramos documentos" in page


def test_a_bad_parameter_is_a_400_page_not_a_crash(client):
    response = client.get("/?page=abc")
    assert response.status_code == 400
    assert "page: must be an integer" in response.get_data(as_text=True)


def test_item_page_shows_fields_and_why(client):
    page = client.get("/items/ai-call").get_data(as_text=True)
    assert "<h1>Convocatoria de inteligencia artificial para pymes</h1>" in page
    assert "Fecha límite" in page
    assert client.get("/items/nope").status_code == 404


def test_crawled_markup_is_shown_as_text_everywhere(client):
    for url in ("/?q=inteligencia", "/items/hostile", "/api/search?q=inteligencia", "/api/items/hostile"):
        body = client.get(url).get_data(as_text=True)
        assert "<script>" not in body and "<img" not in body, url
