"""The README documents every setting the code reads, and CI runs the README's test command."""

import re

from tests.helpers import PACKAGES, ROOT


def test_every_environment_variable_is_documented():
    code = "\n".join(p.read_text() for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))
    used = set(re.findall(r"OBSERVATORIO_[A-Z_]+", code))
    readme = (ROOT / "README.md").read_text()
    assert used, "the code reads no OBSERVATORIO_* variable?"
    assert sorted(v for v in used if f"`{v}`" not in readme) == []


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / "README.md").read_text()
    assert re.search(r"^make test$", (ROOT / ".ci" / "run").read_text(), re.M)
