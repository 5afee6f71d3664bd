"""Emerging terms end to end: keyphrases stored with the documents, counted per week by the
backend, scored by G², shown with their documents on /trends and in /api/trends."""

from datetime import timedelta

from tests.search.test_backend_contract import NOW, doc
from tests.web.conftest import seed
from web import create_app

OLD = [doc(f"old-{n}", f"Noticia de pymes {n}", keyphrases=["pymes"], published=NOW - timedelta(weeks=5 + n))
       for n in range(6)]
NEW = [doc(f"new-{n}", f"Computación cuántica en la región {n}", keyphrases=["computación cuántica", "pymes"],
           published=NOW - timedelta(days=3 + n)) for n in range(4)]
RARE = [doc("rare", "Realidad aumentada", keyphrases=["realidad aumentada"],
            published=NOW - timedelta(days=2))]


def test_emerging_terms_with_their_documents(data_dir):
    seed(data_dir, OLD + NEW + RARE)
    client = create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()
    body = client.get("/api/trends").get_json()
    terms = body["emerging_terms"]
    assert [t["term"] for t in terms] == ["computación cuántica"]  # realidad aumentada: under the minimum
    assert terms[0]["count"] == 4 and terms[0]["baseline"] == 0 and terms[0]["score"] > 0
    assert {i["id"] for i in terms[0]["items"]} == {d.id for d in NEW}
    page = client.get("/trends").get_data(as_text=True)
    emerging = page.split('id="emerging"')[1].split("</section>")[0]
    assert "computación cuántica" in emerging and "/items/new-0" in emerging and "pymes" not in emerging
