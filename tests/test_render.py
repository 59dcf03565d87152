"""dnart render / morph / gallery: determinism, metadata, privacy, salt, errors."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image
from typer.testing import CliRunner

from dnart import config
from dnart.cli import build_app
from dnart.render import Renderer, output_names, salt_latent
from dnart.training import checkpoint

BASES = np.array(list("ACGT"))


def write_fastq(path, seed: int, reads: int = 150, length: int = 60) -> list[str]:
    rng = np.random.default_rng(seed)
    # Each file gets its own GC bias so mean-average latents differ clearly.
    p = rng.dirichlet(np.ones(4) * 3)
    seqs = ["".join(rng.choice(BASES, length, p=p)) for _ in range(reads)]
    with open(path, "w") as f:
        for i, s in enumerate(seqs):
            f.write(f"@r{i}\n{s}\n+\n{'I' * length}\n")
    return seqs


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    """Randomly initialised smoke-preset generators for both stages, as a weights file."""
    from dnart import plugins

    plugins.reset()
    cfg = config.resolve("smoke")
    torch.manual_seed(0)
    gens = {s: cfg[s].build().build_generator().state_dict() for s in cfg.stages()}
    path = tmp_path_factory.mktemp("w") / "smoke.pt"
    checkpoint.save({"config": cfg.to_dict(), "preset": "smoke", "stage": "stage2", "epoch": 0, "step": 0,
                     "generators": gens}, path)
    stage1_only = path.with_name("smoke-stage1.pt")
    checkpoint.save({"config": cfg.to_dict(), "preset": "smoke", "stage": "stage1", "epoch": 0, "step": 0,
                     "generators": {"stage1": gens["stage1"]}}, stage1_only)
    plugins.reset()
    return path


@pytest.fixture
def reads(tmp_path):
    files = []
    for i in range(3):
        path = tmp_path / f"sample{i}.fq"
        files.append((path, write_fastq(path, i)))
    return files


def invoke(*args):
    return CliRunner().invoke(build_app(), [str(a) for a in args])


def test_render_writes_png_with_metadata(weights, reads, tmp_path):
    out = tmp_path / "art.png"
    result = invoke("render", reads[0][0], "-o", out, "--weights", weights)
    assert result.exit_code == 0, result.output
    img = Image.open(out)
    assert img.size == (112, 112)  # the smoke preset's stage-2 size
    assert img.text["dnart:preset"] == "smoke"
    assert img.text["dnart:encoder"] == "mean-average"
    assert img.text["dnart:stage"] == "2"
    assert img.text["dnart:salted"] == "no"
    assert len(img.text["dnart:weights-sha256"]) == 64


def test_render_is_identical_across_processes(weights, reads, tmp_path):
    outs = [tmp_path / "a.png", tmp_path / "b.png"]
    for out in outs:
        subprocess.run([sys.executable, "-m", "dnart", "render", str(reads[0][0]), "-o", str(out),
                        "--weights", str(weights)], check=True, capture_output=True)
    assert outs[0].read_bytes() == outs[1].read_bytes()


def test_different_dna_gives_different_images(weights, reads):
    renderer = Renderer(weights=weights)
    a, b = (np.asarray(renderer.render([p]).image, dtype=np.int16) for p, _ in reads[:2])
    assert np.abs(a - b).mean() > 0.1


def test_nothing_written_contains_sequences(weights, reads, tmp_path):
    inputs = [p for p, _ in reads]
    outs = tmp_path / "outs"
    assert invoke("render", *inputs, "-o", outs, "--weights", weights).exit_code == 0
    assert invoke("gallery", *inputs, "-o", tmp_path / "sheet.png", "--weights", weights).exit_code == 0
    assert invoke("morph", inputs[0], inputs[1], "-o", tmp_path / "m.gif", "--frames", "3",
                  "--weights", weights).exit_code == 0
    written = [f for f in tmp_path.rglob("*") if f.is_file() and f.suffix in (".png", ".gif")]
    assert len(written) == 5
    for f in written:
        data = f.read_bytes()
        for _, seqs in reads:
            for s in seqs[:50]:
                assert s[:30].encode() not in data, f"{f} holds sequence data"


def test_several_inputs_give_a_folder_named_after_them(weights, reads, tmp_path):
    out = tmp_path / "gallery"
    assert invoke("render", *[p for p, _ in reads], "-o", out, "--weights", weights).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["sample0.png", "sample1.png", "sample2.png"]


def test_output_names_strip_sequence_suffixes_and_never_clash(tmp_path):
    names = output_names(["a/x.fq.gz", "b/x.fastq", "y.fa.bz2"], tmp_path)
    assert [n.name for n in names] == ["x.png", "x-2.png", "y.png"]


def test_salt_changes_the_image_and_is_repeatable(weights, reads):
    path = reads[0][0]
    plain = np.asarray(Renderer(weights=weights).render([path]).image)
    salted = [np.asarray(Renderer(weights=weights, salt="correct horse").render([path]).image) for _ in range(2)]
    other = np.asarray(Renderer(weights=weights, salt="battery staple").render([path]).image)
    assert (salted[0] == salted[1]).all()
    assert (salted[0] != plain).any()
    assert (salted[0] != other).any()


@pytest.mark.parametrize("centre, low, high", [(0.5, 0.0, 1.0), (0.0, -np.inf, np.inf)])
def test_salt_keeps_the_latent_distribution(centre, low, high):
    rng = np.random.default_rng(0)
    z = rng.uniform(0, 1, 128).astype(np.float32) if centre else rng.standard_normal(128).astype(np.float32)
    salted = salt_latent(z, "phrase", centre)
    assert salted.min() >= low and salted.max() <= high
    assert np.allclose(np.sort(np.abs(salted - centre)), np.sort(np.abs(z - centre)))


def test_missing_stage_weights_upscale_with_a_note(weights, reads, tmp_path):
    out = tmp_path / "up.png"
    result = invoke("render", reads[0][0], "-o", out, "--weights", weights.with_name("smoke-stage1.pt"))
    assert result.exit_code == 0
    assert "upscaling stage1 with Lanczos" in result.output
    assert Image.open(out).size == (112, 112)


def test_stage_and_size_options(weights, reads, tmp_path):
    out = tmp_path / "s1.png"
    assert invoke("render", reads[0][0], "-o", out, "--weights", weights, "--stage", "1").exit_code == 0
    assert Image.open(out).size == (64, 64)
    assert invoke("render", reads[0][0], "-o", out, "--weights", weights, "--size", "300").exit_code == 0
    assert Image.open(out).size == (300, 300)


def test_bad_input_is_one_line_and_keeps_the_old_output(weights, tmp_path):
    bad = tmp_path / "bad.fq"
    bad.write_text("@r1\nACGT\n+\nII\n")
    out = tmp_path / "art.png"
    out.write_bytes(b"previous")
    result = invoke("render", bad, "-o", out, "--weights", weights)
    assert result.exit_code == 1
    assert "bad.fq" in result.output and "Traceback" not in result.output
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["art.png", "bad.fq"]


def test_weights_from_another_preset_are_a_one_line_error(weights, reads, tmp_path):
    result = invoke("render", reads[0][0], "-o", tmp_path / "x.png", "--weights", weights, "--preset", "paper")
    assert result.exit_code == 1
    assert "do not fit preset 'paper'" in result.output
