"""Where the configuration is found: the variable, ./config, else the copy the package installs."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from core.paths import bundled_config, config_dir
from tests.helpers import ROOT


def test_the_variable_wins_then_a_local_config_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OBSERVATORIO_CONFIG_DIR", raising=False)
    assert config_dir() == bundled_config()
    (tmp_path / "config").mkdir()
    assert config_dir() == Path("config")
    monkeypatch.setenv("OBSERVATORIO_CONFIG_DIR", "/etc/observatorio")
    assert config_dir() == Path("/etc/observatorio")


def test_a_regular_install_finds_its_packaged_configuration(tmp_path):
    """Build the wheel, unpack it as pip would, and load every configuration file from it
    somewhere without a config/ folder, ahead of the editable install of this checkout."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(tmp_path / "wheels"), str(ROOT)], check=True, capture_output=True)
    site = tmp_path / "site"
    zipfile.ZipFile(next((tmp_path / "wheels").glob("observatorio-*.whl"))).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = ("import core, crawlers.config as c, nlp.taxonomy as t, web.subscribers as s\n"
              "from core.paths import config_dir\n"
              "demo = c.load_sources(c.demo_sources(), base_url='http://127.0.0.1:1')\n"
              "print(core.__file__, config_dir(), len(c.load_sources()), len(t.load_taxonomy().topics),\n"
              "      len(demo), s.load_subscribers())")
    env = {k: v for k, v in os.environ.items() if k != "OBSERVATORIO_CONFIG_DIR"}
    result = subprocess.run([sys.executable, "-c", script], cwd=elsewhere, capture_output=True, text=True,
                            env={**env, "PYTHONPATH": str(site)}, timeout=120)
    assert result.returncode == 0, result.stderr
    module, folder, sources, topics, demo, subscribers = result.stdout.split(maxsplit=5)
    assert module.startswith(str(site)) and folder == str(site / "core" / "defaults")
    assert int(sources) > 10 and int(topics) == 21 and int(demo) > 3 and subscribers.strip() == "[]"
