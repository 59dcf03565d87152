"""`dnart encode`: summary on stderr, vector on stdout or in a file, one-line errors, nothing half-written."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from dnart import hookimpl, plugins
from dnart.cli import build_app
from dnart.cli.encode_cmd import reading_progress

SAMPLE = Path(__file__).parents[1] / "examples" / "sample.fq"
FIXTURES = Path(__file__).parent / "fixtures"


class Presets:
    """The paper preset's encoder section alone: no generator plugin (nor torch) needed."""

    @hookimpl
    def dnart_register_presets(self, register):
        register("paper", {"latent_dim": 128, "encoder": {"name": "mean-average"}}, "the paper's encoder")


@pytest.fixture
def run(monkeypatch):
    monkeypatch.setenv("DNART_LOAD_PLUGINS", "encoders")
    plugins.register_plugin(Presets(), name="test-presets")

    def invoke(*args):
        return CliRunner().invoke(build_app(), [str(a) for a in args])

    return invoke


def reads_file(tmp_path, n=200) -> Path:
    path = tmp_path / "reads.fq"
    path.write_bytes(b"".join(SAMPLE.read_bytes().splitlines(keepends=True)[: 4 * n]))
    return path


def test_summary_on_stderr_and_the_vector_on_stdout(run):
    result = run("encode", SAMPLE)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("mean-average: 6,000 records, 900,000 bases, 476 skipped bases, ")
    assert result.stderr.rstrip().endswith("s -> 128 latent values (minmax)")
    vector = json.loads(result.stdout)
    assert len(vector) == 128 and min(vector) == 0.0 and max(vector) == 1.0


def test_encoder_and_settings_from_the_command_line(run, tmp_path):
    path = reads_file(tmp_path)
    result = run("encode", path, "--encoder", "kmer", "--set", "encoder.k=2", "--set", "encoder.latent=gaussian")
    assert result.exit_code == 0, result.stderr
    assert "kmer: 200 records" in result.stderr and "(gaussian)" in result.stderr
    raw = run("encode", path, "-e", "kmer", "-s", "encoder.k=2", "--raw")
    features = json.loads(raw.stdout)
    assert len(features) == 10 and sum(features) == pytest.approx(1.0)  # canonical 2-mers
    assert "10 raw features" in raw.stderr


def test_raw_sgt_of_one_sequence_is_the_reference(run, tmp_path):
    case = next(c for c in json.loads((FIXTURES / "sgt_reference.json").read_text())["cases"]
                if c["kappa"] == 5 and len(c["sequence"]) == 300 and c["length_sensitive"])
    path = tmp_path / "one.fa"
    path.write_text(f">one\n{case['sequence']}\n")
    result = run("encode", path, "-e", "sgt", "-s", "encoder.kappas=5", "-s", "encoder.length_sensitive=true",
                 "--raw")
    assert result.exit_code == 0, result.stderr
    assert np.abs(np.array(json.loads(result.stdout)) - case["features"]).max() <= 1e-9


def test_output_files_hold_numbers_and_settings_never_sequence(run, tmp_path):
    path = reads_file(tmp_path)
    assert run("encode", path, "-o", tmp_path / "v.npy").exit_code == 0
    vector = np.load(tmp_path / "v.npy")
    assert vector.dtype == np.float32 and vector.shape == (128,)
    result = run("encode", path, "-o", tmp_path / "v.json")
    assert result.stdout == "" and f"wrote {tmp_path / 'v.json'}" in result.stderr
    payload = json.loads((tmp_path / "v.json").read_text())
    assert payload["vector"] == vector.tolist() and payload["records"] == 200 and payload["values"] == "latent"
    assert payload["options"] == {"latent_dim": 128, "latent": "minmax", "unknown": "skip", "codons": False}
    text = (tmp_path / "v.json").read_text()
    first_read = path.read_text().splitlines()[1]
    assert first_read[:20] not in text and "sim0" not in text


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "missing.fq", "missing.fq: no such file"),
    (lambda d: (d / "bad.fq").write_text("@r\nACGT\n+\nIII\n") and d / "bad.fq",
     "bad.fq: record 1 (line 4): sequence and quality differ in length (4 vs 3)"),
    (lambda d: (d / "cut.fq.gz").write_bytes(gzip.compress(SAMPLE.read_bytes(), compresslevel=1)[:5000]) and d / "cut.fq.gz",
     "cut.fq.gz: record "),
])
def test_bad_input_is_one_line_and_leaves_no_output(run, tmp_path, make, message):
    out = tmp_path / "out.npy"
    result = run("encode", make(tmp_path), "-o", out)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert not out.exists() and not list(tmp_path.glob(".out.npy*"))


def test_an_existing_output_survives_a_failed_run(run, tmp_path):
    out = tmp_path / "v.json"
    out.write_text("keep me")
    (tmp_path / "bad.fa").write_text(">r\nAC!T\n")
    result = run("encode", tmp_path / "bad.fa", "-o", out)
    assert result.exit_code == 1 and out.read_text() == "keep me"


@pytest.mark.parametrize("args, message", [
    (["-o", "v.txt"], "error: --out v.txt: expected a .npy or .json file"),
    (["-e", "nope"], "error: unknown encoder 'nope' (available: kmer, mean-average, sgt)"),
    (["-s", "encoder.k=3"], "error: unknown option 'encoder.k'"),
    (["-e", "kmer", "-s", "encoder.k=0"], "error: encoder.k=0: expected 1 to 10"),
    (["-s", "encoder.unknown=reject"], f"error: {SAMPLE}: record 3 (line 10): non-ACGT base 'N'"),
])
def test_bad_settings_are_one_line_errors(run, tmp_path, args, message):
    result = run("encode", SAMPLE, *args)
    assert result.exit_code == 1 and result.stderr.startswith(message) and result.stderr.count("\n") == 1


def test_progress_only_for_large_inputs(tmp_path):
    small = reads_file(tmp_path)
    with reading_progress([small]) as progress:
        assert progress is None
    calls = []
    with reading_progress([small], threshold=1) as progress:
        progress(5 << 20, 10 << 20)
        calls.append(progress)
    assert calls[0] is not None
