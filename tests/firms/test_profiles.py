"""Firm profiles: firms.yaml validated with file:line errors, imported whole or not at all,
exported as it was imported, topics suggested when a profile gives none."""

import yaml

from core.paths import config_file
from firms.profiles import dump_firms, load_firms
from firms.store import FirmStore
from tests.helpers import run_cli

KEYS = {"id", "name", "description", "topics", "canton", "size", "interests", "email", "public"}
GOOD = """\
- id: sensores-sur
  name: Sensores del Sur
  description: Redes de sensores IoT y riego automatizado para fincas de café.
  topics: [iot, agritech]
  canton: Pérez Zeledón
  size: small
  interests: [funding_call]
  email: info@sensores.example
  public: true
"""


def test_the_example_file_is_valid_with_exactly_the_profile_keys():
    firms = load_firms(config_file("firms.yaml"))
    assert 6 <= len(firms) <= 10
    for entry in yaml.safe_load(config_file("firms.yaml").read_text(encoding="utf-8")):
        assert set(entry) == KEYS
    assert {f.public for f in firms} == {True, False}


def test_import_then_export_gives_the_same_profiles(data_dir):
    result = run_cli("firms", "import", str(config_file("firms.yaml")))
    assert result.returncode == 0, result.stderr
    assert "imported 8 firm profile(s); topics suggested for golfito-datos" in result.stdout
    exported = run_cli("firms", "export")
    assert exported.returncode == 0, exported.stderr
    again = {f.id: f for f in load_firms(_write(data_dir, exported.stdout))}
    original = {f.id: f for f in load_firms(config_file("firms.yaml"))}
    assert set(again) == set(original)
    for firm_id, firm in original.items():  # private profiles too: the CLI is the operator's tool
        expected = firm if firm.topics else firm.model_copy(update={"topics": again[firm_id].topics})
        assert again[firm_id] == expected
    assert "data" in again["golfito-datos"].topics  # suggested from "ciencia de datos"


def _write(folder, text):
    path = folder / "exported.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_profile_names_file_line_and_field_and_nothing_is_imported(data_dir, tmp_path):
    bad = GOOD + GOOD.replace("sensores-sur", "otra-firma").replace("size: small", "size: huge")
    path = tmp_path / "firms.yaml"
    path.write_text(bad, encoding="utf-8")
    result = run_cli("firms", "import", str(path))
    assert result.returncode == 2
    assert result.stderr.strip() == (f"observatorio firms: error: {path}:15: [1].size: "
                                     "Input should be 'micro', 'small', 'medium' or 'large'")
    assert FirmStore().all(private=True) == []


def test_unknown_topics_keys_and_repeated_ids_are_located(tmp_path):
    from core.errors import ConfigError

    cases = {
        GOOD.replace("[iot, agritech]", "[iot, blokchain]"): (4, "[0].topics", "unknown topic 'blokchain'"),
        GOOD + "  website: https://x.example\n": (10, "[0].website", "unknown key"),
        GOOD + GOOD: (10, "[1].id", "firm id 'sensores-sur' is used twice"),
        GOOD.replace("info@sensores.example", "nadie"): (8, "[0].email", "String should match pattern"),
    }
    path = tmp_path / "firms.yaml"
    for text, (line, field, message) in cases.items():
        path.write_text(text, encoding="utf-8")
        try:
            load_firms(path, topics={"iot", "agritech"})
        except ConfigError as exc:
            assert (exc.line, exc.field) == (line, field) and exc.message.startswith(message), exc
        else:
            raise AssertionError(f"accepted: {text}")


def test_the_store_keeps_private_profiles_apart(data_dir, tmp_path):
    path = tmp_path / "firms.yaml"
    path.write_text(GOOD + GOOD.replace("sensores-sur", "secreta").replace("public: true", "public: false"),
                    encoding="utf-8")
    store = FirmStore()
    store.save(load_firms(path))
    assert [f.id for f in store.all()] == ["sensores-sur"]
    assert [f.id for f in store.all(private=True)] == ["secreta", "sensores-sur"]
    assert store.get("secreta") is None and store.get("secreta", private=True).id == "secreta"
    assert load_firms(_write(tmp_path, dump_firms(store.all(private=True)))) == store.all(private=True)
