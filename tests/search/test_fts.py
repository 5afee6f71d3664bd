import sqlite3

import pytest

from search.fts import fts_match, snippet_to_html


def test_words_phrases_and_exclusions():
    assert fts_match('inteligencia "big data" -blockchain') == (
        '"inteligencia"* AND "big data"', '"blockchain"*')
    assert fts_match("datos") == ('"dato"*', None)
    assert fts_match("ia") == ('"ia"', None)
    assert fts_match("") == (None, None)


@pytest.mark.parametrize("hostile", [
    'a" OR "b', "NEAR(a b)", "title:x", "*", "-", '"', "a AND", "(((", "^x", "x'); DROP TABLE t; --",
    "\x00", "😀", "col:umn -\"", "a\"b\"c",
])
def test_no_input_reaches_fts5_syntax(hostile):
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(title, body)")
    db.execute("INSERT INTO t VALUES ('a b', 'x')")
    for expression in fts_match(hostile):
        if expression:
            db.execute("SELECT * FROM t WHERE t MATCH ?", (expression,)).fetchall()


def test_snippets_are_escaped_then_marked():
    assert snippet_to_html("<b>\x02IA\x03</b> & co") == "&lt;b&gt;<mark>IA</mark>&lt;/b&gt; &amp; co"


def test_random_hostile_input_never_reaches_fts5_syntax():
    """Five hundred seeded random strings made of FTS5's own syntax, words and odd characters."""
    import random

    alphabet = ['"', "'", "-", "*", "(", ")", ":", "^", "+", "NEAR", "AND", "OR", "NOT", "{", "}", ",",
                " ", " ", "a", "ción", "ñ", "😀", "\x00", "\\", "|", "~", ".", "_", "0", "title", "rank"]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')")
    db.execute("INSERT INTO t VALUES ('acción a', 'ñandú 0')")
    rng = random.Random(5)
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        for expression in fts_match(text):
            if expression:
                db.execute("SELECT * FROM t WHERE t MATCH ?", (expression,)).fetchall()
