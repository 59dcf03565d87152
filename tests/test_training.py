"""`dnart train` end to end on the smoke preset: outputs, determinism, resume, errors, data handling."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from typer.testing import CliRunner

from dnart import DnartError, model
from dnart.cli import build_app
from dnart.training import checkpoint
from dnart.training.dataset import load_images
from dnart.training.train import train

N_IMAGES = 16  # two smoke batches of 8: two steps per epoch


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    # Decoded-image caches go to the test's folder, and DNART_DEBUG must not change what errors look like.
    monkeypatch.setenv("DNART_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("DNART_DEBUG", raising=False)
    # Smoke networks gain nothing from threads, and on a busy machine threads waiting on
    # each other at every small operation make these tests minutes instead of seconds.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def write_photos(folder: Path, n: int = N_IMAGES, seed: int = 0) -> Path:
    """``n`` small RGB images of assorted sizes and formats: blobs of colour over noise."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(n):
        h, w = rng.integers(40, 90, 2)
        yy, xx = np.mgrid[0:h, 0:w]
        colour = rng.uniform(0, 255, 3)
        blob = np.exp(-((yy - h / 2) ** 2 + (xx - w / 3) ** 2) / (h * w / 8))[..., None]
        pixels = np.clip(blob * colour + rng.normal(60, 25, (h, w, 3)), 0, 255).astype(np.uint8)
        Image.fromarray(pixels).save(folder / f"photo{i:02d}.{'png' if i % 2 else 'jpg'}")
    return folder


@pytest.fixture
def photos(tmp_path) -> Path:
    return write_photos(tmp_path / "photos")


def cli(*args: str):
    return CliRunner().invoke(build_app(), [str(a) for a in args])


def assert_one_line_error(result, *fragments: str, alone: bool = True) -> None:
    """Exit status 1 and a one-line message; ``alone``: nothing else on stderr (no progress display had begun)."""
    assert result.exit_code == 1, result.output
    *before, message = result.stderr.rstrip("\n").split("\n")
    assert message.startswith("error: ") and not (alone and before), result.stderr
    assert "error" not in "".join(before) and "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in message


def log_of(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / "log.jsonl").read_text().splitlines()]


def losses(run: Path) -> list[tuple[int, float, float]]:
    return [(r["step"], r["loss_d"], r["loss_g"]) for r in log_of(run)]


def last(run: Path) -> dict:
    return torch.load(run / "checkpoints" / "last.pt", weights_only=True)


def assert_same_state(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> None:
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k


def test_smoke_run_writes_checkpoints_samples_and_logs(photos, tmp_path):
    run = tmp_path / "run"
    result = cli("train", "--preset", "smoke", "--data", photos, "--out", run, "--epochs", 2)
    assert result.exit_code == 0, result.output
    assert f"{N_IMAGES} images (0 unreadable skipped)" in result.stderr
    assert "trained 4 steps" in result.stderr
    ckpts = sorted(p.name for p in (run / "checkpoints").iterdir())
    assert ckpts == ["epoch-0001.pt", "epoch-0002.pt", "last.pt"]  # no temporary files left behind
    for name in ckpts:
        payload = torch.load(run / "checkpoints" / name, weights_only=True)
        assert payload["preset"] == "smoke" and payload["stage"] == "stage1"
    full = last(run)
    assert {"discriminator", "opt_g", "opt_d", "sched_g", "sched_d", "rng"} <= full.keys()
    assert full["epoch"] == 2 and full["step"] == 4
    # The 2x2 sample grid of 64-px images with 2-px gutters, and the loss curve.
    for epoch in (1, 2):
        with Image.open(run / "samples" / f"epoch-{epoch:04d}.png") as grid:
            assert grid.size == (2 * 66 + 2, 2 * 66 + 2) and grid.mode == "RGB"
    with Image.open(run / "loss.png") as plot:
        assert plot.format == "PNG"
    records = log_of(run)
    assert [r["step"] for r in records] == [1, 2, 3, 4]
    assert [r["epoch"] for r in records] == [1, 1, 2, 2]
    assert all(np.isfinite(r["loss_d"]) and np.isfinite(r["loss_g"]) and r["images_per_s"] > 0 for r in records)
    # What was trained renders: the run directory loads as a pipeline.
    pipe = model.load(run)
    images = pipe.sample(3, seed=1)
    assert images.shape == (3, 3, 64, 64) and images.dtype == torch.uint8


def test_same_seed_same_losses_other_seed_other_losses(photos, tmp_path):
    for name, seed in (("a", 0), ("b", 0), ("c", 1)):
        train("smoke", photos, 1, tmp_path / name, ["train.epochs=2", f"train.seed={seed}"], device="cpu")
    assert losses(tmp_path / "a") == losses(tmp_path / "b")
    assert_same_state(last(tmp_path / "a")["generators"]["stage1"], last(tmp_path / "b")["generators"]["stage1"])
    assert [r[1:] for r in losses(tmp_path / "a")] != [r[1:] for r in losses(tmp_path / "c")]


def test_resume_after_a_kill_matches_an_uninterrupted_run(photos, tmp_path):
    overrides = ["train.epochs=3", "train.diffaugment=color,translation,cutout"]  # augmentations draw noise too
    train("smoke", photos, 1, tmp_path / "whole", overrides, device="cpu")

    class Killed(Exception):
        pass

    def kill_at_step_5(event, info):
        if event == "step" and info["step"] == 5:  # mid-epoch 3, after two checkpoints
            raise Killed

    cut = tmp_path / "cut"
    with pytest.raises(Killed):
        train("smoke", photos, 1, cut, overrides, device="cpu", callback=kill_at_step_5)
    assert last(cut)["step"] == 4 and [r["step"] for r in log_of(cut)] == [1, 2, 3, 4, 5]
    result = cli("train", "--data", photos, "--out", cut, "--resume")  # preset and stage from the run
    assert result.exit_code == 0, result.output
    assert losses(cut) == losses(tmp_path / "whole")  # the killed step's line replaced, not duplicated
    a, b = last(cut), last(tmp_path / "whole")
    assert_same_state(a["generators"]["stage1"], b["generators"]["stage1"])
    assert_same_state(a["discriminator"], b["discriminator"])


def test_resume_can_extend_a_finished_run(photos, tmp_path):
    run = tmp_path / "run"
    train("smoke", photos, 1, run, [], device="cpu")
    stale = run / "checkpoints" / ".last.pt.k1ll3d.tmp"  # what a writer killed mid-write leaves
    stale.write_bytes(b"partial")
    result = cli("train", "--data", photos, "--out", run, "--resume", "--epochs", 2)
    assert result.exit_code == 0, result.output
    assert [r["step"] for r in log_of(run)] == [1, 2, 3, 4] and last(run)["epoch"] == 2
    assert not stale.exists()


def test_an_existing_run_is_not_overwritten(photos, tmp_path):
    run = tmp_path / "run"
    train("smoke", photos, 1, run, [], device="cpu")
    before = (run / "checkpoints" / "last.pt").read_bytes()
    assert_one_line_error(cli("train", "--preset", "smoke", "--data", photos, "--out", run),
                          "already holds a run", "--resume")
    assert (run / "checkpoints" / "last.pt").read_bytes() == before


@pytest.fixture
def smoke_run(photos, tmp_path) -> Path:
    run = tmp_path / "stage1"
    train("smoke", photos, 1, run, [], device="cpu")
    return run


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["--resume", "--preset", "paper"], ["a run of preset 'smoke', not 'paper'"]),
        (["--resume", "--stage", "2"], ["a run of stage1, not stage2"]),
        (["--resume", "--set", "stage1.channels=16"], ["does not match preset 'smoke' stage1 with these options"]),
        (["--resume", "--upstream", "x"], ["drop --upstream"]),
    ],
)
def test_resuming_with_other_settings_is_a_one_line_error(smoke_run, photos, args, fragments):
    assert_one_line_error(cli("train", "--data", photos, "--out", smoke_run, *args), *fragments)


def test_upstream_or_checkpoint_from_other_options_is_a_one_line_error(smoke_run, photos, tmp_path):
    other = ["--set", "stage1.channels=16"]
    assert_one_line_error(
        cli("train", "--preset", "smoke", "--stage", 2, "--data", photos, "--out", tmp_path / "s2",
            "--upstream", smoke_run, *other),
        "its stage1 was trained with other options")
    with pytest.raises(DnartError, match="weights do not fit preset 'smoke'") as info:
        model.load(smoke_run, overrides=["stage1.channels=16"])
    assert "\n" not in str(info.value)


def test_a_file_that_is_not_a_checkpoint_is_a_one_line_error(photos, tmp_path):
    run = tmp_path / "run"
    (run / "checkpoints").mkdir(parents=True)
    (run / "checkpoints" / "last.pt").write_bytes(b"not a checkpoint")
    assert_one_line_error(cli("train", "--data", photos, "--out", run, "--resume"), "not a readable dnart checkpoint")
    assert_one_line_error(cli("train", "--data", photos, "--out", tmp_path / "none", "--resume"),
                          "no checkpoint to resume from")


def test_stage1_is_frozen_while_stage2_trains(smoke_run, photos, tmp_path):
    run2 = tmp_path / "stage2"
    result = cli("train", "--preset", "smoke", "--stage", 2, "--data", photos, "--out", run2,
                 "--upstream", smoke_run, "--epochs", 2)
    assert result.exit_code == 0, result.output
    stage1 = last(smoke_run)["generators"]["stage1"]
    for name in ("last.pt", "epoch-0001.pt", "epoch-0002.pt"):
        payload = torch.load(run2 / "checkpoints" / name, weights_only=True)
        assert payload["stage"] == "stage2"
        assert_same_state(payload["generators"]["stage1"], stage1)
    # Stage 2 itself did train: its weights moved between the epochs.
    first = torch.load(run2 / "checkpoints" / "epoch-0001.pt", weights_only=True)["generators"]["stage2"]
    assert any(not torch.equal(first[k], v) for k, v in last(run2)["generators"]["stage2"].items())
    pipe = model.load(run2)
    assert len(pipe.generators) == 2 and pipe.sample(2).shape == (2, 3, 112, 112)


def test_data_errors_are_one_line(tmp_path):
    assert_one_line_error(cli("train", "--preset", "smoke", "--out", tmp_path / "r"),
                          "--data DIR", "landscape", "Kaggle")
    assert_one_line_error(cli("train", "--preset", "smoke", "--data", tmp_path / "missing", "--out", tmp_path / "r"),
                          "no such folder")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("no images here")
    assert_one_line_error(cli("train", "--preset", "smoke", "--data", tmp_path / "empty", "--out", tmp_path / "r"),
                          "no JPEG/PNG images found")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.jpg").write_bytes(b"garbage")
    assert_one_line_error(cli("train", "--preset", "smoke", "--data", bad, "--out", tmp_path / "r"),
                          "none of the 1 image files could be read", alone=False)  # after the decoding progress


def test_image_modes_are_converted_and_unreadable_files_skipped(tmp_path):
    folder = write_photos(tmp_path / "mixed", n=8)
    rgb = np.asarray(Image.open(folder / "photo01.png").convert("RGB"))
    Image.fromarray(rgb).convert("L").save(folder / "grey.png")
    Image.fromarray(rgb).convert("RGBA").save(folder / "alpha.png")
    Image.fromarray(rgb).convert("CMYK").save(folder / "cmyk.jpg")
    Image.fromarray(rgb).convert("P").save(folder / "palette.gif")
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff garbage")
    png = (folder / "photo03.png").read_bytes()
    (folder / "truncated.png").write_bytes(png[: len(png) // 3])
    images = load_images(folder, 64)
    assert (len(images), images.skipped) == (12, 2)
    assert images.pixels.shape == (12, 3, 64, 64) and images.pixels.dtype == np.uint8
    names = sorted(p.name for p in folder.iterdir() if p.name not in ("broken.jpg", "truncated.png"))
    grey = images.pixels[names.index("grey.png")]
    assert np.array_equal(grey[0], grey[1]) and np.array_equal(grey[1], grey[2])
    cmyk = images.pixels[names.index("cmyk.jpg")].astype(int)
    source = images.pixels[names.index("photo01.png")].astype(int)
    assert np.abs(cmyk - source).mean() < 8  # CMYK came back as the same picture, not inverted
    # The second load comes from the cache, with the same count of skipped files.
    again = load_images(folder, 64)
    assert again.skipped == 2 and np.array_equal(again.pixels, images.pixels)
    assert list((tmp_path / "cache" / "images").glob("*.npz"))
    result = cli("train", "--preset", "smoke", "--data", folder, "--out", tmp_path / "run")
    assert result.exit_code == 0, result.output
    assert "12 images (2 unreadable skipped)" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.3, 0.7])
def test_a_killed_process_leaves_a_loadable_checkpoint(photos, tmp_path, delay):
    """SIGKILL at some moment after the first checkpoint: last.pt still loads, and the run resumes."""
    import os
    import signal
    import subprocess
    import sys
    import time

    run = tmp_path / "run"
    env = {**os.environ, "DNART_CACHE": str(tmp_path / "cache"), "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "dnart", "train", "--preset", "smoke", "--data", str(photos),
                             "--out", str(run), "--epochs", "100"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while not (run / "checkpoints" / "last.pt").exists():
            assert proc.poll() is None and time.monotonic() < deadline, "no checkpoint was written"
            time.sleep(0.05)
        time.sleep(delay)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    saved = checkpoint.load(run / "checkpoints" / "last.pt")  # weights-only, complete
    result = cli("train", "--data", photos, "--out", run, "--resume", "--epochs", saved["epoch"] + 1)
    assert result.exit_code == 0, result.output
    assert last(run)["epoch"] == saved["epoch"] + 1
    assert [r["step"] for r in log_of(run)] == list(range(1, last(run)["step"] + 1))
    assert not list(run.rglob(".*.tmp"))  # temporaries of the killed writer are cleared on resume
