from search.highlight import SNIPPET_TOKENS, fold, highlight


def test_marks_words_prefixes_and_phrases_across_accents_and_case():
    assert highlight("Tecnologías para el AGRO", "tecnologia agro") == \
        "<mark>Tecnologías</mark> para el <mark>AGRO</mark>"
    assert highlight("La cadena de bloques y la cadena de frío", '"cadena de bloques"') == \
        "La <mark>cadena</mark> <mark>de</mark> <mark>bloques</mark> y la cadena de frío"
    assert highlight("Sin coincidencias", "nube") == ""
    assert highlight("una nube -lluvia", "-nube") == ""


def test_escapes_everything_but_the_marks():
    assert highlight('<img src=x onerror="alert(1)"> nube & co', "nube") == \
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; <mark>nube</mark> &amp; co"


def test_snippets_keep_a_window_around_the_first_match():
    text = " ".join(f"palabra{n}" for n in range(100)) + " inteligencia " + "fin " * 100
    snippet = highlight(text, "inteligencia", snippet=True)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>inteligencia</mark>" in snippet and len(snippet.split()) == SNIPPET_TOKENS
    assert fold("Ñandú ÁRBOL") == "nandu arbol"
