"""The dependency rules of ARCHITECTURE.md hold, and a backwards import breaks them.

`scripts/test` runs `lint-imports` on the tree; here a copy of the packages gets one import
that points the wrong way, and the same check must fail on it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import PACKAGES, ROOT


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    lint = Path(sys.executable).parent / "lint-imports"
    return subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                          cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)},
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A copy of our packages' Python files, importable ahead of the installed ones."""
    folder = tmp_path_factory.mktemp("tree")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, folder / package, ignore=shutil.ignore_patterns(
            "__pycache__", "templates", "static", "translations"))
    return folder


def test_every_package_is_under_the_rules():
    found = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()} - {"tests", "bench"}
    assert found == set(PACKAGES)


def test_the_copy_keeps_the_rules(tree):
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(("module", "backwards"), [
    ("core/clock.py", "from search import document"),
    ("nlp/dates.py", "from search.document import Document"),
    ("search/query.py", "import nlp.embeddings"),
    ("search/fts.py", "from crawlers import config"),
    ("crawlers/state.py", "from web import labels"),
])
def test_a_backwards_import_fails(tree, module, backwards):
    path = tree / module
    original = path.read_text()
    path.write_text(original + f"\n{backwards}  # deliberately backwards\n")
    try:
        result = lint_imports(tree)
    finally:
        path.write_text(original)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and module.replace("/", ".").removesuffix(".py") in result.stdout
