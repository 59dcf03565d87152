"""The third-party plugin in examples/, installed for real into an isolated folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "dnart-gc-encoder"


def test_docs_walk_through_the_example_as_it_is():
    module = (EXAMPLE / "dnart_gc_encoder.py").read_text()
    assert f"```python\n{module}```" in (ROOT / "docs" / "plugins.md").read_text()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A folder holding only the example distribution, installed by pip from a copy of its source."""
    source = shutil.copytree(EXAMPLE, tmp_path_factory.mktemp("src") / EXAMPLE.name)  # pip builds in-tree
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return target


def run(args: list[str], site: Path, load: str | None = None) -> subprocess.CompletedProcess:
    """Run Python with ``site`` on its path; ``load`` sets DNART_LOAD_PLUGINS (None: every plugin)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DNART_LOAD_PLUGINS", "DNART_DEBUG")}
    env["PYTHONPATH"] = str(site)  # all that makes the installed distribution visible
    if load is not None:
        env["DNART_LOAD_PLUGINS"] = load
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.slow
def test_installed_example_is_listed_by_dnart_plugins_beside_the_builtin_set(site):
    result = run(["-m", "dnart", "plugins", "--json"], site)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    (gc,) = [row for row in rows if row["name"] == "gc-content"]
    assert gc == {
        "kind": "encoder",
        "name": "gc-content",
        "plugin": "gc",
        "version": "0.1.0",
        "description": "GC content: the share of G and C in each of `windows` equal stretches of the input's bases.",
    }
    assert "stackgan" in {row["plugin"] for row in rows}
    assert "'gc'" not in result.stderr  # no warning about it


@pytest.mark.slow
def test_installed_example_is_usable_by_name(site):
    script = (
        "import json; from dnart import config; from dnart.dna import Reads; "
        "cfg = config.resolve({'latent_dim': 4, 'encoder': {'name': 'gc-content'}}, ['encoder.windows=2']); "
        "encoder = cfg['encoder'].build(); "
        "reads = Reads.from_sequences(['GGCC', 'ggat', 'ATAT', 'ACAT']); "
        "print(json.dumps([encoder.features(reads).tolist(), len(encoder.encode(reads))]))"
    )
    result = run(["-c", script], site, load="gc")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [[0.75, 0.125], 4]  # projected to latent_dim values


@pytest.mark.slow
def test_without_the_install_the_example_is_not_found(tmp_path):
    result = run(["-m", "dnart", "plugins", "--json"], tmp_path, load="gc")
    assert result.returncode == 0
    assert json.loads(result.stdout) == []
    assert result.stderr.startswith("warning: DNART_LOAD_PLUGINS names unknown plugin gc (installed: ")
