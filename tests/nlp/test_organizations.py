"""obs_organizations alone on blank pipelines, the gazetteer's content, and optional NER."""

import random

import pytest
import spacy
from spacy.training import Example

from core.errors import ConfigError
from core.yamlfile import load_model
from nlp.organizations import Gazetteer, trained_organizations
from tests.nlp.conftest import blank, make_doc


@pytest.fixture(scope="module")
def es():
    return blank("es", "obs_organizations")


def test_the_gazetteer_covers_public_bodies_universities_and_funders():
    names = {o.name for o in load_model("config/organizations.yaml", Gazetteer).organizations}
    assert len(names) >= 80
    for expected in ("MICITT", "ICE", "CCSS", "INA", "UCR", "TEC", "UNA", "UNED", "PROCOMER", "SBD",
                     "BCIE", "BID", "Banco Mundial", "Unión Europea"):
        assert any(expected in name for name in names), expected


def test_acronyms_verbatim_names_folded_longest_match_first(es):
    doc = make_doc(es, "Convocatoria", "El micitt y el ICE, con apoyo de BID Lab y del banco mundial, "
                   "invitan a la universidad estatal a distancia. Hielo (ice) no cuenta.")
    assert doc._.organizations == [
        "Instituto Costarricense de Electricidad (ICE)", "BID Lab", "Banco Mundial",
        "Universidad Estatal a Distancia (UNED)"]


def test_english_aliases_and_hyphenated_acronyms():
    en = blank("en", "obs_organizations")
    doc = make_doc(en, "IDB and the World Bank back CSIRT-CR")
    assert doc._.organizations == ["Banco Interamericano de Desarrollo (BID)", "Banco Mundial",
                                   "Centro de Respuesta de Incidentes de Seguridad Informática (CSIRT-CR)"]


def test_an_alias_may_name_one_organisation_only(tmp_path):
    path = tmp_path / "orgs.yaml"
    path.write_text("organizations:\n  - name: A\n    aliases: [ICE]\n  - name: B\n    aliases: [ICE]\n")
    with pytest.raises(ConfigError, match=r"orgs.yaml:5: organizations\[1\].aliases: 'ICE' already names"):
        load_model(path, Gazetteer)


def test_no_trained_pipeline_means_no_ner():
    assert trained_organizations(["Texto"], "es", candidates=("no_such_pipeline",)) == [[]]


def test_a_trained_pipeline_adds_its_org_entities(tmp_path):
    """A real (tiny) trained spaCy pipeline, saved and loaded from disk like an installed one."""
    nlp = spacy.blank("es")
    nlp.add_pipe("ner").add_label("ORG")
    name = "Cooperativa Coopesur"
    texts = [f"La {name} financia el proyecto.", f"Hoy la {name} abrió fondos.",
             f"Con apoyo de la {name} en Osa."]
    examples = [Example.from_dict(nlp.make_doc(text), {"entities": [
        (text.index(name), text.index(name) + len(name), "ORG")]}) for text in texts]
    random.seed(0)
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(30):
        nlp.update(examples, sgd=optimizer)
    nlp.to_disk(tmp_path / "ner")
    found = trained_organizations(["La Cooperativa Coopesur financia el proyecto."], "es",
                                  candidates=(str(tmp_path / "ner"),))
    assert found == [["Cooperativa Coopesur"]]
