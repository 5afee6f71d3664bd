import pytest
from pydantic import BaseModel

from core.errors import ConfigError
from core.yamlfile import load_model


class Thing(BaseModel):
    name: str
    size: int


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_model(tmp_path / "nope.yaml", Thing)


def test_wrong_type_points_at_the_value_line(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("name: x\n\nsize: big\n")
    with pytest.raises(ConfigError) as error:
        load_model(path, Thing)
    assert (error.value.line, error.value.field) == (3, "size")


def test_not_utf8(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="cannot read"):
        load_model(path, Thing)
