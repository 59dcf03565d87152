"""`dnart fid` and `dnart eval`: sides, statistics files, the folder cache, runs by epoch (tiny images)."""

from __future__ import annotations

import csv
import dataclasses
import json

import numpy as np
import pytest
import torch
from PIL import Image
from typer.testing import CliRunner

from dnart import config, hookimpl, plugins
from dnart.cli import build_app
from dnart.metrics import Metric, sources, summaries
from dnart.metrics import weights as weights_mod
from dnart.training import checkpoint

SWD = ["--metric", "swd", "--set", "metric.resolution=16", "--set", "metric.patches_per_image=8"]


def invoke(*args):
    return CliRunner().invoke(build_app(), [str(a) for a in args])


def photo_folder(path, n: int, seed: int, size: int = 20):
    path.mkdir()
    rng = np.random.default_rng(seed)
    for i in range(n):
        Image.fromarray(rng.integers(0, 256, (size, size, 3), dtype=np.uint8)).save(path / f"{i:03d}.png")
    return path


@pytest.fixture(autouse=True)
def private_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("DNART_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("DNART_DEBUG", raising=False)


@pytest.fixture
def folders(tmp_path):
    return photo_folder(tmp_path / "a", 6, 0), photo_folder(tmp_path / "b", 5, 1)


def test_fid_command_compares_folders_with_swd(folders):
    a, b = folders
    result = invoke("fid", a, b, *SWD)
    assert result.exit_code == 0, result.output
    value = float(result.stdout.strip().split(": ")[1])
    assert value > 0
    same = invoke("fid", a, a, *SWD, "--json")
    assert json.loads(same.stdout) == {"metric": "swd", "value": 0.0, "a": str(a), "b": str(a)}


def test_statistics_files_are_sides(folders, tmp_path):
    a, b = folders
    saved = tmp_path / "a-swd.npz"
    result = invoke("fid", a, *SWD, "--save-stats", saved)
    assert result.exit_code == 0, result.output
    assert saved.is_file()
    direct = invoke("fid", a, b, *SWD, "--json")
    via_file = invoke("fid", saved, b, *SWD, "--json")
    assert json.loads(direct.stdout)["value"] == json.loads(via_file.stdout)["value"]


def test_fid_from_pytorch_fid_statistics_needs_no_weights(tmp_path, monkeypatch):
    # pytorch-fid's .npz holds mu and sigma; with equal covariances FID is |mu1 - mu2|^2.
    monkeypatch.setattr(weights_mod, "_installed_fid_helper", lambda: None)
    sigma = np.diag(np.arange(1.0, 9.0))
    np.savez(tmp_path / "one.npz", mu=np.zeros(8), sigma=sigma)
    np.savez(tmp_path / "two.npz", mu=np.full(8, 0.5), sigma=sigma)
    result = invoke("fid", tmp_path / "one.npz", tmp_path / "two.npz", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["value"] == pytest.approx(8 * 0.25, rel=1e-12)


@pytest.mark.parametrize("args, message", [
    (["missing-folder", "x"], "missing-folder: no such file or folder"),
    (["{txt}", "x"], "notes.txt: expected an image folder, a statistics file"),
    (["{bad_npz}", "{bad_npz}"], "bad.npz: holds no mu, sigma for fid (it has features)"),
    (["{junk_npz}", "{junk_npz}"], "junk.npz: not a readable .npz statistics file"),
    (["{folder}", "{folder}"], "no Inception weights for FID/KID found: install them with"),
])
def test_errors_are_one_line(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DNART_INCEPTION", raising=False)
    monkeypatch.setattr(weights_mod, "_installed_fid_helper", lambda: None)
    (tmp_path / "notes.txt").write_text("hello")
    np.savez(tmp_path / "bad.npz", features=np.zeros((3, 4)))
    (tmp_path / "junk.npz").write_bytes(b"junk")
    names = {"txt": "notes.txt", "bad_npz": "bad.npz", "junk_npz": "junk.npz",
             "folder": str(photo_folder(tmp_path / "photos", 2, 0))}
    result = invoke("fid", *[a.format(**names) for a in args])
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_one_side_without_save_stats_is_a_usage_error(folders):
    result = invoke("fid", folders[0])
    assert result.exit_code == 2 and "--save-stats" in result.output


@dataclasses.dataclass
class MeanOptions:
    scale: float = 1.0  # multiplies the distance


class MeanColour(Metric):
    """Distance between mean colours; a cacheable stand-in metric that needs no weights."""

    name = "test-mean"
    Options = MeanOptions
    keys = ("mean",)
    calls = 0

    def summarize(self, batches, device="cpu", progress=None):
        MeanColour.calls += 1
        pixels = torch.cat([b.float().mean(dim=(2, 3)) for b in batches])
        return {"mean": pixels.mean(0).double().numpy()}

    def compare(self, real, fake):
        return float(np.abs(real["mean"] - fake["mean"]).sum()) * self.options.scale

    def cache_key(self):
        return "mean-colour/v1"


class MeanPlugin:
    @hookimpl
    def dnart_register_metrics(self, register):
        register(MeanColour)


def test_folder_summaries_are_cached_until_a_file_changes(folders, no_plugins, tmp_path):
    plugins.register_plugin(MeanPlugin(), name="test-mean")
    a, b = folders
    MeanColour.calls = 0
    first = invoke("fid", a, b, "--metric", "test-mean", "--json")
    assert first.exit_code == 0, first.output
    assert MeanColour.calls == 2
    assert len(list((tmp_path / "cache" / "stats").glob("test-mean-*.npz"))) == 2
    again = invoke("fid", a, b, "--metric", "test-mean", "--json")
    assert MeanColour.calls == 2 and json.loads(again.stdout) == json.loads(first.stdout)
    Image.new("RGB", (20, 20), "white").save(a / "000.png")  # a changed photo: recomputed
    changed = invoke("fid", a, b, "--metric", "test-mean", "--json")
    assert MeanColour.calls == 3 and json.loads(changed.stdout)["value"] != json.loads(first.stdout)["value"]
    invoke("fid", a, b, "--metric", "test-mean", "--no-cache")
    assert MeanColour.calls == 5
    # Options that change values are not part of this metric's cache key, and do not need to be.
    scaled = invoke("fid", a, b, "--metric", "test-mean", "--set", "metric.scale=2", "--json")
    assert json.loads(scaled.stdout)["value"] == pytest.approx(2 * json.loads(changed.stdout)["value"])


def test_a_damaged_cache_entry_is_recomputed(folders, no_plugins, tmp_path):
    plugins.register_plugin(MeanPlugin(), name="test-mean")
    a, b = folders
    invoke("fid", a, b, "--metric", "test-mean")
    for entry in (tmp_path / "cache" / "stats").glob("*.npz"):
        entry.write_bytes(b"damaged")
    MeanColour.calls = 0
    result = invoke("fid", a, b, "--metric", "test-mean")
    assert result.exit_code == 0 and MeanColour.calls == 2
    assert all(summaries.load(p)["mean"].shape == (3,) for p in (tmp_path / "cache" / "stats").glob("*.npz"))


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A training run as the engine leaves it: smoke-preset stage-1 snapshots for epochs 1..4."""
    plugins.reset()
    cfg = config.resolve("smoke")
    root = tmp_path_factory.mktemp("run")
    for epoch in range(1, 5):
        torch.manual_seed(epoch)
        state = cfg["stage1"].build().build_generator().state_dict()
        payload = {"config": cfg.to_dict(), "preset": "smoke", "stage": "stage1", "epoch": epoch, "step": epoch,
                   "generators": {"stage1": state}}
        checkpoint.save(payload, root / "checkpoints" / f"epoch-{epoch:04d}.pt")
    checkpoint.save(payload, root / "checkpoints" / "last.pt")
    plugins.reset()
    return root


def test_generated_batches_are_the_pipelines_samples(run_dir):
    from dnart.model import load

    pipeline = load(run_dir)
    batches = list(sources.generated_batches(pipeline, 7, seed=3, batch_size=3))
    assert [len(b) for b in batches] == [3, 3, 1]
    assert torch.equal(torch.cat(batches), pipeline.sample(7, seed=3, batch_size=3))


def test_a_run_is_a_side(run_dir, folders):
    result = invoke("fid", run_dir, folders[0], *SWD, "--images", 4, "--json")
    assert result.exit_code == 0, result.output
    snapshot = invoke("fid", run_dir / "checkpoints" / "last.pt", folders[0], *SWD, "--images", 4, "--json")
    assert json.loads(snapshot.stdout)["value"] == json.loads(result.stdout)["value"] > 0


def test_eval_writes_the_table_by_epoch_and_resumes(run_dir, folders, tmp_path, monkeypatch):
    out = tmp_path / "eval"
    args = ["eval", run_dir, "--real", folders[0], *SWD, "--every", 2, "--images", 4, "--out", out]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("| epoch | SWD |\n|---:|---:|\n| 2 | ")
    rows = list(csv.reader((out / "swd.csv").open()))
    assert rows[0] == ["epoch", "swd"] and [r[0] for r in rows[1:]] == ["2", "4"]
    assert (out / "swd.md").read_text() == result.stdout
    assert Image.open(out / "swd.png").size == (640, 400)
    # Same settings again: every epoch is reused, no generator is loaded.
    import dnart.model

    def refuse(*a, **k):
        raise AssertionError("recomputed an epoch that was already measured")

    monkeypatch.setattr(dnart.model, "load", refuse)
    again = invoke(*args)
    assert again.exit_code == 0, again.output
    assert again.stdout == result.stdout
    monkeypatch.undo()
    picked = invoke("eval", run_dir, "--real", folders[0], *SWD, "--epochs", "1,3", "--images", 4, "--out", out)
    assert [r[0] for r in csv.reader((out / "swd.csv").open())][1:] == ["1", "3"], picked.output


def test_eval_errors(run_dir, folders, tmp_path):
    missing = invoke("eval", run_dir, "--real", folders[0], "--epochs", "2,9")
    assert missing.exit_code == 1 and "no snapshot for epoch(s) 9" in missing.stderr
    none = invoke("eval", run_dir, "--real", folders[0], "--every", 5)
    assert none.exit_code == 1 and "is a multiple of --every 5" in none.stderr
    empty = tmp_path / "not-a-run"
    empty.mkdir()
    result = invoke("eval", empty, "--real", folders[0])
    assert result.exit_code == 1 and "no per-epoch snapshots" in result.stderr


def test_presets_choose_the_built_in_metrics():
    registered = {e.name: e for e in plugins.registry("metric")}
    assert {"fid", "kid", "swd"} <= set(registered) and registered["fid"].plugin == "metrics"
    fid = config.resolve("paper")["metric"].build()
    # The paper preset's top-level "weights" (its generators) must not become the Inception weights.
    assert fid.name == "fid" and fid.options.inception == ""
    assert config.resolve("smoke")["metric"].build().name == "swd"


@pytest.mark.parametrize("name, option, message", [
    ("swd", "metric.resolution=8", "metric.resolution=8: expected at least 16"),
    ("swd", "metric.patch_size=4", "metric.patch_size=4: expected an odd number"),
    ("swd", "metric.repeats=0", "metric.repeats=0: expected a positive number"),
    ("kid", "metric.subset_size=1", "metric.subset_size=1: expected at least 2"),
    ("fid", "metric.bogus=1", "unknown option 'metric.bogus'"),
])
def test_bad_metric_options_are_one_line_errors(folders, name, option, message):
    result = invoke("fid", *folders, "--metric", name, "--set", option)
    assert result.exit_code == 1 and message in result.stderr


def test_compute_takes_two_sets_of_batches():
    from dnart.metrics import create

    gen = torch.Generator().manual_seed(0)
    a = [torch.randint(0, 256, (4, 3, 24, 24), generator=gen, dtype=torch.uint8)]
    b = [torch.randint(0, 128, (4, 3, 24, 24), generator=gen, dtype=torch.uint8)]
    swd = create("swd", ["metric.resolution=16", "metric.patches_per_image=16"])
    assert swd.compute(a, a) == 0 and swd.compute(a, b) > 0
